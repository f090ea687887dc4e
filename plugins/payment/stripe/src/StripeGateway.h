//
// StripeGateway.h — deposits through Stripe Checkout, withdrawals as refunds
// of the card deposit they return (plugin id "stripe"). The kernel-facing
// JSON is ../../README.md; the Stripe side is wire-formats.md §6.
//
//   createDeposit  POST /v1/checkout/sessions (hosted page, mode=payment, one
//                  line item "Deposit"), Idempotency-Key = the deposit id, the
//                  deposit id as client_reference_id and in the session's and
//                  the PaymentIntent's metadata. Reply: the session id and
//                  {"type":"redirect","url":…}.
//   verifyWebhook  the Stripe-Signature check (Signature.h), then Events.h.
//   refund         POST /v1/refunds for the deposit's PaymentIntent,
//                  Idempotency-Key = the withdrawal id, metadata[withdrawal_id].
//   query          GET /v1/checkout/sessions/{cs} (and, for a completed but
//                  unpaid session, GET /v1/payment_intents/{pi}) or /v1/refunds/{re}.
//   payout         unsupported: paying a user needs Stripe Connect; Stripe
//                  withdraws by refund.
//
// Amounts Stripe would refuse fail before any request (Amounts.h); HTTP
// failures map per Errors.h. Nothing logged or replied contains the secret
// key, a webhook secret or a client secret.
//
#pragma once

#include "Config.h"
#include "Form.h"

#include <bourse/plugin.hpp>

#include <Poco/JSON/Object.h>

#include <functional>
#include <memory>
#include <string>

namespace bourse::stripe {

class StripeGateway : public PaymentGateway {
public:
    /// Reads and checks config and secrets; throws Error(BOURSE_E_CONFIG).
    explicit StripeGateway(Host& host);

    void createDeposit(const PaymentRequest& request, Reply reply) override;
    std::string verifyWebhook(const Webhook& webhook) override;
    void payout(const PaymentRequest& request, Reply reply) override;
    void refund(const PaymentRequest& request, Reply reply) override;
    void query(const PaymentRequest& request, Reply reply) override;

private:
    using SharedReply = std::shared_ptr<Reply>;
    /// Handles a 2xx reply's JSON object; may throw Error (the reply then fails with it).
    using OnObject = std::function<void(const Poco::JSON::Object::Ptr&, const SharedReply&)>;

    /// One Stripe call; a failure of any kind fails `reply` (Errors.h).
    void call(const std::string& method, const std::string& path, const Form& form, const std::string& idempotencyKey,
              const std::string& what, SharedReply reply, OnObject onObject);
    void queryDeposit(const std::string& sessionId, SharedReply reply);
    void queryRefund(const std::string& refundId, SharedReply reply);
    /// The currency is enabled in config; throws Error(BOURSE_E_INVALID) otherwise.
    void requireCurrency(const std::string& currency) const;
    [[nodiscard]] std::vector<std::string> secrets() const;

    StripeConfig _config;
    StripeSecrets _secrets;
};

}  // namespace bourse::stripe
