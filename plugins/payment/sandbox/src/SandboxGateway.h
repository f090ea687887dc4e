//
// SandboxGateway.h — a payment gateway with no provider behind it, for the demo
// profile: deposits and withdrawals go through the kernel's whole state machine
// (pending → confirmed → credited, reserved → approved → paid) without any
// outside service, and nothing about it pretends to move real money.
//
// Deposits: create_deposit answers a "sandbox" checkout; the dashboard shows a
// pay / decline page and posts the choice to confirm_deposit. Amounts listed
// in `decline_amounts` are always declined (like a provider's test cards), so
// the failure path can be shown and tested. Payouts and refunds end with
// `payout_outcome` (default succeeded): at once, or — with `payout_delay_ms` —
// first "pending" and then, when the kernel's reconciler asks after the delay,
// the outcome (the way a real payout settles later). State lives in the host's
// key-value store, so query answers survive reloads and restarts.
//
// Threading: the host serialises calls into one instance. Errors: Error with
// BOURSE_E_INVALID for requests the sandbox refuses.
//
#pragma once

#include <bourse/plugin.hpp>

#include <set>
#include <string>

namespace bourse::sandbox {

class SandboxGateway : public PaymentGateway {
public:
    explicit SandboxGateway(Host& host);

    void createDeposit(const PaymentRequest& request, Reply reply) override;
    void confirmDeposit(const PaymentRequest& request, Reply reply) override;
    std::string verifyWebhook(const Webhook& webhook) override;
    void payout(const PaymentRequest& request, Reply reply) override;
    void refund(const PaymentRequest& request, Reply reply) override;
    void query(const PaymentRequest& request, Reply reply) override;

private:
    /// Stores and returns the query-shaped JSON of an object.
    std::string record(const std::string& ref, const std::string& status, const Money& amount,
                       const std::string& paymentRef, const std::string& reason);
    std::string sendOut(const char* prefix, const PaymentRequest& request);

    std::set<std::string> _currencies;
    std::set<std::int64_t> _declineAmounts;
    std::string _payoutOutcome = "succeeded";
    std::int64_t _payoutDelayMs = 0;
};

}  // namespace bourse::sandbox
