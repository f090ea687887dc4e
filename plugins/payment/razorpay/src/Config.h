//
// Config.h — the razorpay gateway's configuration (the YAML `config:` block,
// handed over as JSON). See ../README.md for every key. Secrets are not here:
// they come from the entry's `secrets:` (key_secret, webhook_secret and,
// while rotating, webhook_secret_previous) and are read by RazorpayGateway.
//
// parse() throws bourse::Error(BOURSE_E_CONFIG) naming the key path:
// "config: payout.mode: must be one of IMPS, NEFT, RTGS, UPI".
//
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace bourse::razorpay {

/// RazorpayX payouts; absent when the deployment only takes deposits.
struct PayoutConfig {
    std::string accountNumber;  ///< the platform's own RazorpayX account (money leaves from here)
    std::string mode = "IMPS";  ///< for bank-account fund accounts; a UPI (vpa) one always uses UPI
    std::string purpose = "payout";
    bool queueIfLowBalance = true;  ///< queued (pending) rather than refused when the balance is short
    std::string narration;          ///< shown on the beneficiary's statement; empty: Razorpay's default
};

struct RazorpayConfig {
    std::string apiUrl = "https://api.razorpay.com";
    std::string keyId;                    ///< public: rzp_test_… or rzp_live_…, also handed to Checkout
    std::string merchantName = "Bourse";  ///< the name Checkout shows
    /// Razorpay's Checkout script, loaded by the browser (the kernel's CSP must
    /// allow its origin: the plugin entry's checkout_origins).
    std::string checkoutScriptUrl = "https://checkout.razorpay.com/v1/checkout.js";
    std::vector<std::string> currencies = {"INR", "USD"};
    std::optional<PayoutConfig> payout;
    std::int64_t requestTimeoutMs = 6'000;  ///< per request; a vpa payout chains three, under the kernel's 20 s

    /// Throws bourse::Error(BOURSE_E_CONFIG) naming the key.
    static RazorpayConfig parse(const std::string& json);
};

}  // namespace bourse::razorpay
