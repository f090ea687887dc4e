//
// RazorpayGateway.h — the Razorpay payment gateway (plugin id "razorpay"):
// deposits through Orders + Checkout, withdrawals through RazorpayX Payouts
// (and refunds of a captured deposit). The JSON of every call is fixed by
// plugins/payment/README.md; Razorpay's wire format by wire-formats.md §5.
//
// Deposits: create_deposit makes an order (receipt = deposit id) and hands the
// browser what Razorpay Checkout needs; confirm_deposit checks the signature
// Checkout returned (HMAC of order_id|payment_id under the key secret, against
// the order id the kernel stored) and then asks Razorpay for the payment;
// webhooks (payment.captured, order.paid, payment.failed) settle it too.
// Orders have no idempotency header, so the plugin keeps its own record in the
// host's KV store (see Deposits.cpp): a retry of the same deposit never makes a
// second order, even when the first reply was lost.
//
// Withdrawals: payout sends POST /v1/payouts with X-Payout-Idempotency derived
// from the withdrawal id and a body that is the same on every retry; a UPI
// destination (vpa + name) first becomes a contact and a fund account, made
// once per (user, vpa) and remembered in the KV store. refund asks
// POST /v1/payments/{id}/refund, remembered the same way as orders.
//
// query gives the provider's view for reconciliation (orders' payments,
// payouts, refunds). Errors follow Errors.h. Never logs a secret.
//
#pragma once

#include "Api.h"
#include "Config.h"
#include "Entities.h"
#include "Webhook.h"

#include <bourse/plugin.hpp>

#include <Poco/JSON/Object.h>

#include <functional>
#include <string>

namespace bourse::razorpay {

/// Where a payout goes: a RazorpayX fund account, or a UPI address to make one for.
struct Destination {
    std::string fundAccountId;
    std::string vpa, name;
};

class RazorpayGateway : public PaymentGateway {
public:
    explicit RazorpayGateway(Host& host);

    void createDeposit(const PaymentRequest& request, Reply reply) override;
    void confirmDeposit(const PaymentRequest& request, Reply reply) override;
    std::string verifyWebhook(const Webhook& webhook) override;
    void payout(const PaymentRequest& request, Reply reply) override;
    void refund(const PaymentRequest& request, Reply reply) override;
    void query(const PaymentRequest& request, Reply reply) override;

private:
    using OnFundAccount = std::function<void(const std::string& fundAccountId, const std::string& mode)>;

    // Deposits.cpp
    void createOrder(const PaymentRequest& request, const std::string& depositId, const SharedReply& reply);
    void findOrder(const PaymentRequest& request, const std::string& depositId, const SharedReply& reply,
                   const std::function<void()>& notFound);
    void rememberOrder(const std::string& depositId, const Order& order);
    void replyCheckout(const SharedReply& reply, const std::string& orderId, const Money& amount);

    // Withdrawals.cpp
    void resolveFundAccount(const PaymentRequest& request, const Destination& destination, const SharedReply& reply,
                            const OnFundAccount& then);
    void vpaFundAccount(const PaymentRequest& request, const std::string& vpa, const std::string& name,
                        const SharedReply& reply, const OnFundAccount& then);
    void createRefund(const PaymentRequest& request, const std::string& withdrawalId, const SharedReply& reply);

    RazorpayConfig _config;
    std::string _keySecret;
    WebhookSecrets _webhookSecrets;
    Api _api;
};

/// The request's metadata_json as an object; throws BOURSE_E_INVALID.
Poco::JSON::Object::Ptr metadataOf(const PaymentRequest& request);

/// A string member of an object, "" when absent or not a string.
std::string stringField(const Poco::JSON::Object::Ptr& o, const std::string& key);

}  // namespace bourse::razorpay
