//
// Config.h — the stripe gateway's configuration (the YAML `config:` block,
// handed over as JSON) and its secrets. See ../README.md for every key.
//
// parse() throws bourse::Error(BOURSE_E_CONFIG) naming the key:
// "config: currencies[1]: 'usd' is not an ISO 4217 code in upper case (e.g. USD)".
//
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace bourse::stripe {

struct StripeConfig {
    std::string apiUrl = "https://api.stripe.com";  ///< no trailing slash
    std::vector<std::string> currencies = {"USD"};  ///< deposits and refunds allowed in these (upper case)
    /// Minimum charge per currency (minor units): Stripe's table, overridden or extended by `minimum_minor`.
    std::map<std::string, std::int64_t> minimumMinor;
    std::string successUrl, cancelUrl;  ///< used when the kernel sends no return_url; may be empty
    std::string productName = "Deposit";
    std::int64_t webhookToleranceS = 300;  ///< an event signed longer ago than this is refused
    std::int64_t futureSkewS = 300;        ///< an event signed further ahead than this is refused
    std::string stripeVersion = "2024-06-20";
    std::int64_t requestTimeoutMs = 30'000;

    /// Throws bourse::Error(BOURSE_E_CONFIG) naming the key.
    static StripeConfig parse(const std::string& json);

    [[nodiscard]] bool allows(const std::string& currency) const;
};

/// The plugin's secrets (the entry's `secrets:` section), checked for shape.
struct StripeSecrets {
    std::string secretKey;                    ///< sk_test_… / sk_live_… / rk_…
    std::vector<std::string> webhookSecrets;  ///< whsec_…: the current one first, then the previous one

    /// `lookup(name)` returns the secret or nullopt. Throws Error(BOURSE_E_CONFIG) naming the secret.
    template <class Lookup>
    static StripeSecrets read(Lookup lookup) {
        return make(lookup("secret_key"), lookup("webhook_secret"), lookup("webhook_secret_previous"));
    }

private:
    static StripeSecrets make(const std::optional<std::string>& key, const std::optional<std::string>& webhook,
                              const std::optional<std::string>& previous);
};

}  // namespace bourse::stripe
