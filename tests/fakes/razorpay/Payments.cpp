// The Razorpay API side of the fake: orders, payments (made by the
// "customer" controls), captures and refunds.
#include "Json.h"
#include "Store.h"

#include <algorithm>
#include <stdexcept>

namespace bourse::fakes::razorpay {

namespace {

const std::set<std::string>& currencies() {
    static const std::set<std::string> all = {"INR", "USD", "EUR", "GBP", "SGD", "AED", "AUD", "CAD",
                                              "CHF", "HKD", "JPY", "MYR", "KWD", "BHD", "OMR", "JOD"};
    return all;
}

bool threeDecimal(const std::string& currency) {
    return currency == "KWD" || currency == "BHD" || currency == "OMR" || currency == "JOD";
}

std::int64_t integer(const Poco::JSON::Object::Ptr& o, const std::string& key) {
    return o->getValue<std::int64_t>(key);
}

std::optional<std::int64_t> queryNumber(const std::map<std::string, std::string>& q, const std::string& key) {
    const auto it = q.find(key);
    if (it == q.end()) return std::nullopt;
    if (it->second.empty() || it->second.size() > 15 || it->second.find_first_not_of("0123456789") != std::string::npos)
        return -1;
    return std::stoll(it->second);
}

}  // namespace

Outcome Store::createOrder(const Ptr& body) {
    if (auto bad = unknownKeys(body, {"amount", "currency", "receipt", "notes", "partial_payment",
                                      "first_payment_min_amount", "payment_capture"}))
        return {*bad, {}};
    if (!body->has("currency"))
        return {errorAnswer(400, "BAD_REQUEST_ERROR", "The currency field is required.", "currency"), {}};
    const std::string currency = str(body, "currency");
    if (!currencies().count(currency))
        return {errorAnswer(400, "BAD_REQUEST_ERROR", "The currency provided is invalid.", "currency"), {}};
    if (auto bad = checkAmount(body, currency, true)) return {*bad, {}};
    const std::int64_t amount = integer(body, "amount");
    if (threeDecimal(currency) && amount % 10 != 0)
        return {errorAnswer(400, "BAD_REQUEST_ERROR", "The amount for " + currency + " must end with 0.", "amount"),
                {}};
    if (auto bad = checkString(body, "receipt", 40)) return {*bad, {}};
    const std::string receipt = str(body, "receipt");
    if (!receipt.empty())
        for (const auto& id : _orders)
            if (str(_entities.at(id), "receipt") == receipt)
                return {errorAnswer(400, "BAD_REQUEST_ERROR", "The receipt has already been taken.", "receipt"), {}};
    if (body->has("partial_payment") && body->get("partial_payment").type() != typeid(bool))
        return {errorAnswer(400, "BAD_REQUEST_ERROR", "The partial payment field must be true or false.",
                            "partial_payment"),
                {}};
    Poco::Dynamic::Var notes;
    if (auto bad = checkNotes(body, notes)) return {*bad, {}};

    auto o = object();
    const std::string id = newId("order_");
    o->set("id", id);
    o->set("entity", "order");
    o->set("amount", amount);
    o->set("amount_paid", 0);
    o->set("amount_due", amount);
    o->set("currency", currency);
    o->set("receipt", receipt.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(receipt));
    o->set("offer_id", Poco::Dynamic::Var());
    o->set("status", "created");
    o->set("attempts", 0);
    o->set("notes", notes);
    o->set("created_at", now());
    _entities[id] = o;
    _orders.push_back(id);
    return {ok(o), {}};
}

Answer Store::listOrders(const std::map<std::string, std::string>& query) const {
    const auto count = queryNumber(query, "count"), skip = queryNumber(query, "skip");
    const auto from = queryNumber(query, "from"), to = queryNumber(query, "to");
    if (count && (*count < 1 || *count > 100))
        return errorAnswer(400, "BAD_REQUEST_ERROR", "The count must be between 1 and 100.", "count");
    for (const auto& [v, name] : {std::pair{skip, "skip"}, {from, "from"}, {to, "to"}})
        if (v && *v < 0)
            return errorAnswer(400, "BAD_REQUEST_ERROR", std::string("The ") + name + " must be an integer.", name);
    const auto receipt = query.find("receipt");
    std::vector<Ptr> items;
    std::int64_t skipped = 0;
    for (auto it = _orders.rbegin(); it != _orders.rend(); ++it) {  // newest first, as Razorpay lists
        const Ptr& o = _entities.at(*it);
        if (receipt != query.end() && str(o, "receipt") != receipt->second) continue;
        const std::int64_t created = integer(o, "created_at");
        if ((from && created < *from) || (to && created > *to)) continue;
        if (skip && skipped++ < *skip) continue;
        if (static_cast<std::int64_t>(items.size()) >= count.value_or(10)) break;
        items.push_back(o);
    }
    return collection(items);
}

Answer Store::orderPayments(const std::string& orderId) const {
    if (!find(orderId) || orderId.rfind("order_", 0) != 0) return notFound();
    std::vector<Ptr> items;
    const auto it = _paymentsOf.find(orderId);
    if (it != _paymentsOf.end())
        for (const auto& id : it->second)
            items.push_back(_entities.at(id));
    return collection(items);
}

Store::Ptr Store::newPayment(Ptr order, const std::string& method) {
    auto p = object();
    const std::string id = newId("pay_");
    p->set("id", id);
    p->set("entity", "payment");
    p->set("amount", integer(order, "amount"));
    p->set("currency", str(order, "currency"));
    p->set("status", "created");
    p->set("order_id", str(order, "id"));
    p->set("invoice_id", Poco::Dynamic::Var());
    p->set("international", false);
    p->set("method", method);
    p->set("amount_refunded", 0);
    p->set("refund_status", Poco::Dynamic::Var());
    p->set("captured", false);
    p->set("description", Poco::Dynamic::Var());
    p->set("bank", Poco::Dynamic::Var());
    p->set("wallet", Poco::Dynamic::Var());
    p->set("vpa", method == "upi" ? Poco::Dynamic::Var("success@razorpay") : Poco::Dynamic::Var());
    p->set("email", "customer@example.com");
    p->set("contact", "+919000090000");
    p->set("notes", order->get("notes"));
    p->set("fee", Poco::Dynamic::Var());
    p->set("tax", Poco::Dynamic::Var());
    for (const char* key : {"error_code", "error_description", "error_source", "error_step", "error_reason"})
        p->set(key, Poco::Dynamic::Var());
    p->set("created_at", now());
    _entities[id] = p;
    _paymentsOf[str(order, "id")].push_back(id);
    order->set("attempts", integer(order, "attempts") + 1);
    if (str(order, "status") == "created") order->set("status", "attempted");
    return p;
}

void Store::markPaid(Ptr order, Ptr payment, std::vector<Event>& events) {
    const std::int64_t amount = integer(payment, "amount");
    const std::int64_t fee = amount * 2 / 100,
                       tax = fee * 18 / 100;  // 2 % MDR + 18 % GST, as on Razorpay's standard plan
    payment->set("status", "captured");
    payment->set("captured", true);
    payment->set("fee", fee);
    payment->set("tax", tax);
    events.push_back({"payment.captured", {{"payment", stringify(payment)}}});
    order->set("amount_paid", amount);
    order->set("amount_due", 0);
    order->set("status", "paid");
    events.push_back({"order.paid", {{"payment", stringify(payment)}, {"order", stringify(order)}}});
}

Store::Paid Store::pay(const std::string& orderId, const std::string& method) {
    std::lock_guard lock(_mutex);
    const Ptr* order = find(orderId);
    if (!order || orderId.rfind("order_", 0) != 0) throw std::invalid_argument("no order " + orderId);
    if (str(*order, "status") == "paid") throw std::invalid_argument("order " + orderId + " is already paid");
    Paid out;
    Ptr p = newPayment(*order, method.empty() ? "upi" : method);
    out.paymentId = str(p, "id");
    p->set("status", "authorized");
    out.events.push_back({"payment.authorized", {{"payment", stringify(p)}}});
    if (_options.autoCapture) markPaid(*order, p, out.events);
    return out;
}

Store::Paid Store::failPayment(const std::string& orderId, const std::string& description) {
    std::lock_guard lock(_mutex);
    const Ptr* order = find(orderId);
    if (!order || orderId.rfind("order_", 0) != 0) throw std::invalid_argument("no order " + orderId);
    if (str(*order, "status") == "paid") throw std::invalid_argument("order " + orderId + " is already paid");
    Ptr p = newPayment(*order, "card");
    p->set("status", "failed");
    p->set("error_code", "BAD_REQUEST_ERROR");
    p->set("error_description", description.empty()
                                    ? "Your payment could not be completed as this business accepts domestic (Indian) "
                                      "card payments only. Try another payment method."
                                    : description);
    p->set("error_source", "customer");
    p->set("error_step", "payment_authorization");
    p->set("error_reason", "payment_failed");
    return Paid{str(p, "id"), {{"payment.failed", {{"payment", stringify(p)}}}}};
}

Outcome Store::capture(const std::string& paymentId, const Ptr& body) {
    const Ptr* payment = find(paymentId);
    if (!payment || paymentId.rfind("pay_", 0) != 0) return {notFound(), {}};
    if (auto bad = unknownKeys(body, {"amount", "currency"})) return {*bad, {}};
    if (str(*payment, "status") != "authorized")
        return {errorAnswer(400, "BAD_REQUEST_ERROR", "This payment has already been captured", "", "NA"), {}};
    if (auto bad = checkAmount(body, str(*payment, "currency"), true)) return {*bad, {}};
    if (integer(body, "amount") != integer(*payment, "amount"))
        return {
            errorAnswer(400, "BAD_REQUEST_ERROR", "Capture amount must be equal to the amount authorized", "amount"),
            {}};
    if (body->has("currency") && str(body, "currency") != str(*payment, "currency"))
        return {
            errorAnswer(400, "BAD_REQUEST_ERROR", "The currency should be same as the payment currency", "currency"),
            {}};
    std::vector<Event> events;
    markPaid(_entities.at(str(*payment, "order_id")), *payment, events);
    return {ok(*payment), events};
}

Outcome Store::refund(const std::string& paymentId, const Ptr& body) {
    const Ptr* found = find(paymentId);
    if (!found || paymentId.rfind("pay_", 0) != 0) return {notFound(), {}};
    Ptr payment = *found;
    if (auto bad = unknownKeys(body, {"amount", "speed", "receipt", "notes"})) return {*bad, {}};
    if (!payment->getValue<bool>("captured"))
        return {errorAnswer(400, "BAD_REQUEST_ERROR", "The payment has not been captured", "", "NA"), {}};
    const std::string currency = str(payment, "currency");
    if (auto bad = checkAmount(body, currency, false)) return {*bad, {}};
    const std::int64_t left = integer(payment, "amount") - integer(payment, "amount_refunded");
    const std::int64_t amount = body->has("amount") ? integer(body, "amount") : left;
    if (amount > left || left <= 0)
        return {errorAnswer(400, "BAD_REQUEST_ERROR", "The refund amount provided is greater than amount captured",
                            "amount"),
                {}};
    const std::string speed = body->has("speed") ? str(body, "speed") : "normal";
    if (speed != "normal" && speed != "optimum")
        return {errorAnswer(400, "BAD_REQUEST_ERROR", "The selected speed is invalid.", "speed"), {}};
    if (auto bad = checkString(body, "receipt", 40)) return {*bad, {}};
    Poco::Dynamic::Var notes;
    if (auto bad = checkNotes(body, notes)) return {*bad, {}};

    auto r = object();
    const std::string id = newId("rfnd_");
    r->set("id", id);
    r->set("entity", "refund");
    r->set("amount", amount);
    r->set("currency", currency);
    r->set("payment_id", paymentId);
    r->set("notes", notes);
    r->set("receipt", body->has("receipt") ? body->get("receipt") : Poco::Dynamic::Var());
    auto acquirer = object();
    acquirer->set("arn", Poco::Dynamic::Var());
    r->set("acquirer_data", acquirer);
    r->set("created_at", now());
    r->set("batch_id", Poco::Dynamic::Var());
    r->set("status", "pending");
    r->set("speed_processed", "normal");
    r->set("speed_requested", speed);
    _entities[id] = r;
    _refundsOf[paymentId].push_back(id);

    const std::int64_t refunded = integer(payment, "amount_refunded") + amount;
    payment->set("amount_refunded", refunded);
    payment->set("refund_status", refunded == integer(payment, "amount") ? "full" : "partial");
    if (refunded == integer(payment, "amount")) payment->set("status", "refunded");

    std::vector<Event> events{{"refund.created", {{"refund", stringify(r)}, {"payment", stringify(payment)}}}};
    if (!_options.refundsPending) {
        r->set("status", "processed");
        events.push_back({"refund.processed", {{"refund", stringify(r)}, {"payment", stringify(payment)}}});
    }
    return {ok(r), events};
}

Answer Store::paymentRefunds(const std::string& paymentId) const {
    if (!find(paymentId) || paymentId.rfind("pay_", 0) != 0) return notFound();
    std::vector<Ptr> items;
    const auto it = _refundsOf.find(paymentId);
    if (it != _refundsOf.end())
        for (auto id = it->second.rbegin(); id != it->second.rend(); ++id)
            items.push_back(_entities.at(*id));
    return collection(items);
}

std::vector<Event> Store::settleRefund(const std::string& id, const std::string& status) {
    std::lock_guard lock(_mutex);
    const Ptr* found = find(id);
    if (!found || id.rfind("rfnd_", 0) != 0) throw std::invalid_argument("no refund " + id);
    Ptr r = *found;
    if (str(r, "status") != "pending") throw std::invalid_argument("refund " + id + " is " + str(r, "status"));
    if (status != "processed" && status != "failed") throw std::invalid_argument("a refund ends processed or failed");
    r->set("status", status);
    Ptr payment = _entities.at(str(r, "payment_id"));
    if (status == "failed") {  // the money never left: the payment may be refunded again
        const std::int64_t refunded = integer(payment, "amount_refunded") - integer(r, "amount");
        payment->set("amount_refunded", refunded);
        payment->set("refund_status", refunded == 0 ? Poco::Dynamic::Var() : Poco::Dynamic::Var("partial"));
        payment->set("status", "captured");
    }
    return {{"refund." + status, {{"refund", stringify(r)}, {"payment", stringify(payment)}}}};
}

}  // namespace bourse::fakes::razorpay
