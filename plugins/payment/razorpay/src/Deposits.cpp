// Deposits: Razorpay Orders + Checkout (create_deposit, confirm_deposit).
//
// Orders take no idempotency header, and the receipt's uniqueness is not a
// lookup key Razorpay answers by id. So the plugin keeps, in the host's KV
// store (it survives reloads and restarts):
//   order:<deposit id>          {"order_id","amount","currency"} once an order exists;
//   order-attempt:<deposit id>  written before the first POST /v1/orders.
// A retry of a deposit with a stored order answers from the store (no call).
// A retry after an attempt whose reply was lost (timeout, 5xx after the fact)
// first looks the order up with GET /v1/orders?receipt=<receipt> (Razorpay's
// documented filter) and only creates one when none matches. If Razorpay
// refuses a create because the receipt is taken, the same lookup recovers the
// order. An order found this way must match the deposit's amount and
// currency, or the call is refused (BOURSE_E_REJECTED): the id was reused.
#include "Amounts.h"
#include "Ids.h"
#include "RazorpayGateway.h"
#include "Replies.h"
#include "Requests.h"

#include <bourse/plugins/Signing.h>

#include <Poco/JSON/Object.h>
#include <Poco/JSONString.h>

#include <sstream>

namespace bourse::razorpay {

namespace {

std::string depositIdOf(const PaymentRequest& request) {
    std::string id = request.idempotencyKey;
    if (id.empty()) id = stringField(metadataOf(request), "deposit_id");
    if (id.empty()) throw Error(BOURSE_E_INVALID, "invalid: create_deposit needs the deposit id (idempotency_key)");
    return id;
}

std::string stringify(const Poco::JSON::Object& o) {
    std::ostringstream out;
    o.stringify(out);
    return out.str();
}

}  // namespace

void RazorpayGateway::createDeposit(const PaymentRequest& request, Reply reply) {
    checkAmount(request.amount, _config.currencies);
    const std::string depositId = depositIdOf(request);

    if (const auto stored = host().kvGet(kvKey("order:", depositId))) {
        const auto o = parseObject(*stored);
        const std::string orderId = stringField(o, "order_id");
        if (!o->has("amount") || o->getValue<std::int64_t>("amount") != request.amount.minor ||
            stringField(o, "currency") != request.amount.currency)
            throw Error(BOURSE_E_REJECTED,
                        "razorpay: deposit " + depositId + " already has order " + orderId + " for a different amount");
        replyCheckout(std::make_shared<Reply>(std::move(reply)), orderId, request.amount);
        return;
    }
    auto shared = std::make_shared<Reply>(std::move(reply));
    if (host().kvGet(kvKey("order-attempt:", depositId))) {
        // An earlier attempt may have created the order without us hearing back.
        findOrder(request, depositId, shared, [this, request, depositId, shared] {
            _api.guarded(shared, [&] { createOrder(request, depositId, shared); });
        });
        return;
    }
    host().kvPut(kvKey("order-attempt:", depositId), "1");
    createOrder(request, depositId, shared);
}

void RazorpayGateway::createOrder(const PaymentRequest& request, const std::string& depositId,
                                  const SharedReply& reply) {
    _api.post(
        "/v1/orders", orderBody(request.amount, depositId, request.userRef), "create order", reply,
        [this, request, depositId, reply](const Poco::JSON::Object::Ptr& o) {
            const Order order = orderFrom(o);
            rememberOrder(depositId, order);
            replyCheckout(reply, order.id, request.amount);
        },
        [this, request, depositId, reply](const Error&, const ApiError& e) {
            if (e.field != "receipt") return false;
            // The receipt is taken: by this deposit's earlier order (recover it) or by another (refuse).
            findOrder(request, depositId, reply, [reply, depositId] {
                reply->fail(BOURSE_E_REJECTED, "razorpay: receipt " + receiptFor(depositId) +
                                                   " belongs to an order that is not this deposit's");
            });
            return true;
        });
}

void RazorpayGateway::findOrder(const PaymentRequest& request, const std::string& depositId, const SharedReply& reply,
                                const std::function<void()>& notFound) {
    const std::string receipt = receiptFor(depositId);
    _api.get("/v1/orders?receipt=" + encodeQuery(receipt) + "&count=100", "find order by receipt", reply,
             [this, request, depositId, receipt, reply, notFound](const Poco::JSON::Object::Ptr& collection) {
                 for (const auto& item : itemsOf(collection)) {
                     const Order order = orderFrom(item);
                     const std::string noted = note(order.notes, "deposit_id");
                     if (order.receipt != receipt || (!noted.empty() && noted != depositId)) continue;
                     if (order.amount != request.amount.minor || order.currency != request.amount.currency)
                         throw Error(BOURSE_E_REJECTED, "razorpay: deposit " + depositId + " already has order " +
                                                            order.id + " for a different amount");
                     rememberOrder(depositId, order);
                     replyCheckout(reply, order.id, request.amount);
                     return;
                 }
                 notFound();
             });
}

void RazorpayGateway::rememberOrder(const std::string& depositId, const Order& order) {
    Poco::JSON::Object o;
    o.set("order_id", order.id);
    o.set("amount", order.amount);
    o.set("currency", order.currency);
    host().kvPut(kvKey("order:", depositId), stringify(o));
}

void RazorpayGateway::replyCheckout(const SharedReply& reply, const std::string& orderId, const Money& amount) {
    Poco::JSON::Object::Ptr checkout = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    checkout->set("type", "razorpay");
    checkout->set("key_id", _config.keyId);
    checkout->set("order_id", orderId);
    checkout->set("amount", amount.minor);
    checkout->set("currency", amount.currency);
    checkout->set("name", _config.merchantName);
    checkout->set("script_url", _config.checkoutScriptUrl);
    Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
    o.set("provider_ref", orderId);
    o.set("status", "pending");
    o.set("checkout", checkout);
    reply->ok(stringify(o));
}

void RazorpayGateway::confirmDeposit(const PaymentRequest& request, Reply reply) {
    const std::string& orderId = request.reference;  // what the kernel stored, never what the browser says
    if (!plausibleId(orderId))
        throw Error(BOURSE_E_INVALID, "invalid: confirm_deposit needs the deposit's order id in reference");
    const auto meta = metadataOf(request);
    const std::string paymentId = stringField(meta, "razorpay_payment_id");
    const std::string signature = stringField(meta, "razorpay_signature");
    const std::string browserOrder = stringField(meta, "razorpay_order_id");
    if (paymentId.empty() || signature.empty())
        throw Error(BOURSE_E_INVALID,
                    "invalid: confirm_deposit needs razorpay_payment_id and razorpay_signature from Checkout");
    if (!browserOrder.empty() && browserOrder != orderId)
        throw Error(BOURSE_E_SIGNATURE,
                    "signature: the checkout result names order " + browserOrder + ", not this deposit's " + orderId);
    if (!plausibleId(paymentId)) throw Error(BOURSE_E_INVALID, "invalid: razorpay_payment_id is not a payment id");
    if (!plugins::verifyHmacHex(plugins::Hmac::Sha256, _keySecret, orderId + "|" + paymentId, signature))
        throw Error(BOURSE_E_SIGNATURE,
                    "signature: razorpay_signature does not match order " + orderId + " and payment " + paymentId);
    // The signature proves Checkout saw a payment; only Razorpay's own record says it was captured.
    auto shared = std::make_shared<Reply>(std::move(reply));
    _api.get("/v1/payments/" + paymentId, "fetch payment " + paymentId, shared,
             [shared, orderId](const Poco::JSON::Object::Ptr& o) {
                 shared->ok(depositFromPayment(orderId, paymentFrom(o)).toJson());
             });
}

}  // namespace bourse::razorpay
