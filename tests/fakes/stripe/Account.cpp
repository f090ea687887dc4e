#include "stripe/Account.h"

#include <Poco/JSON/Array.h>
#include <Poco/URI.h>

#include <algorithm>
#include <cctype>
#include <set>
#include <sstream>
#include <stdexcept>

namespace bourse::fakes::stripe {

namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

// ----- Stripe's rules (wire-formats.md §6.3, docs.stripe.com/currencies) -----

const std::set<std::string>& zeroDecimal() {
    static const std::set<std::string> c = {"bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga",
                                            "pyg", "rwf", "ugx", "vnd", "vuv", "xaf", "xof", "xpf"};
    return c;
}

const std::set<std::string>& threeDecimal() {
    static const std::set<std::string> c = {"bhd", "jod", "kwd", "omr", "tnd"};
    return c;
}

/// Currencies this fake account can charge, with Stripe's minimum charge (minor units).
const std::map<std::string, std::int64_t>& minimums() {
    static const std::map<std::string, std::int64_t> m = [] {
        std::map<std::string, std::int64_t> t = {
            {"usd", 50},    {"aed", 200},  {"aud", 50},  {"bgn", 100},  {"brl", 50},  {"cad", 50},
            {"chf", 50},    {"czk", 1500}, {"dkk", 250}, {"eur", 50},   {"gbp", 30},  {"hkd", 400},
            {"huf", 17500}, {"inr", 50},   {"jpy", 50},  {"mxn", 1000}, {"myr", 200}, {"nok", 300},
            {"nzd", 50},    {"pln", 200},  {"ron", 200}, {"sek", 300},  {"sgd", 50},  {"thb", 1000}};
        for (const auto& c : zeroDecimal())
            t.emplace(c, 50);
        for (const auto& c : threeDecimal())
            t.emplace(c, 500);
        return t;
    }();
    return m;
}

constexpr std::int64_t kMaxAmount = 99'999'999;

std::string supportedList() {
    std::string out;
    for (const auto& [c, min] : minimums())
        out += (out.empty() ? "" : ", ") + c;
    return out;
}

/// 50 usd → "$0.50 usd"; 50 jpy → "50 jpy"; 500 kwd → "0.500 kwd".
std::string money(std::int64_t minor, const std::string& currency) {
    const int decimals = zeroDecimal().count(currency) ? 0 : threeDecimal().count(currency) ? 3 : 2;
    std::string digits = std::to_string(minor);
    if (decimals > 0) {
        if (digits.size() <= static_cast<std::size_t>(decimals))
            digits.insert(0, static_cast<std::size_t>(decimals) + 1 - digits.size(), '0');
        digits.insert(digits.size() - static_cast<std::size_t>(decimals), ".");
    }
    return (currency == "usd" ? "$" : "") + digits + " " + currency;
}

std::optional<std::int64_t> integer(const std::string& text) {
    if (text.empty() || text.size() > 18) return std::nullopt;
    const std::size_t start = text[0] == '-' ? 1 : 0;
    if (start == text.size() || !std::all_of(text.begin() + static_cast<long>(start), text.end(),
                                             [](unsigned char c) { return std::isdigit(c); }))
        return std::nullopt;
    return std::stoll(text);
}

bool validUrl(const std::string& text) {
    try {
        const Poco::URI uri(text);
        return (uri.getScheme() == "http" || uri.getScheme() == "https") && !uri.getHost().empty();
    } catch (const Poco::Exception&) {
        return false;
    }
}

Answer invalid(const std::string& message, const std::string& param, const std::string& code = "parameter_invalid") {
    return apiError(400, "invalid_request_error", message, param, code);
}

Answer missing(const std::string& param) {
    return apiError(400, "invalid_request_error", "Missing required param: " + param + ".", param, "parameter_missing");
}

/// Stripe's metadata limits: 50 keys, keys up to 40 characters, values up to 500.
std::optional<Answer> metadataProblem(const std::map<std::string, std::string>& m, const std::string& param) {
    if (m.size() > 50)
        return invalid("Metadata can have up to 50 keys, but you passed in " + std::to_string(m.size()) + ".", param);
    for (const auto& [k, v] : m) {
        if (k.size() > 40)
            return invalid("Metadata keys can have up to 40 characters, but you passed in a key that is " +
                               std::to_string(k.size()) + " characters long.",
                           param + "[" + k + "]");
        if (v.size() > 500)
            return invalid("Metadata values can have up to 500 characters, but you passed in a value that is " +
                               std::to_string(v.size()) + " characters.",
                           param + "[" + k + "]");
    }
    return std::nullopt;
}

Object::Ptr object() {
    return new Object(Poco::JSON_PRESERVE_KEY_ORDER);
}

Object::Ptr metadataObject(const std::map<std::string, std::string>& m) {
    Object::Ptr o = object();
    for (const auto& [k, v] : m)
        o->set(k, v);
    return o;
}

void setOrNull(Object& o, const std::string& key, const std::string& value) {
    if (value.empty())
        o.set(key, Poco::Dynamic::Var());
    else
        o.set(key, value);
}

std::string compact(const Object& o) {
    std::ostringstream out;
    o.stringify(out);
    return out.str();
}

}  // namespace

Answer apiError(int status, const std::string& type, const std::string& message, const std::string& param,
                const std::string& code, bool store) {
    Object::Ptr e = object();
    if (!code.empty()) {
        e->set("code", code);
        e->set("doc_url", "https://stripe.com/docs/error-codes/" + code);
    }
    e->set("message", message);
    if (!param.empty()) e->set("param", param);
    e->set("type", type);
    Object root(Poco::JSON_PRESERVE_KEY_ORDER);
    root.set("error", e);
    return Answer{status, compact(root), store};
}

Account::Account(Clock clock, std::string apiVersion, bool refundsSucceedAtOnce, std::string checkoutBaseUrl,
                 EventSink sink)
    : _clock(std::move(clock)),
      _apiVersion(std::move(apiVersion)),
      _refundsSucceedAtOnce(refundsSucceedAtOnce),
      _checkoutBaseUrl(std::move(checkoutBaseUrl)),
      _sink(std::move(sink)),
      _random(std::random_device{}()) {}

std::string Account::newId(const std::string& prefix, std::size_t n) {
    static constexpr char kChars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    std::string id = prefix;
    for (std::size_t i = 0; i < n; ++i)
        id += kChars[_random() % (sizeof kChars - 1)];
    return id;
}

// ---------------------------------------------------------------------------
// Checkout Sessions
// ---------------------------------------------------------------------------

Answer Account::createSession(const FormBody& f, const RequestInfo& request) {
    expireDue();
    static const std::vector<std::string> schema = {"mode",
                                                    "success_url",
                                                    "cancel_url",
                                                    "client_reference_id",
                                                    "customer_email",
                                                    "expires_at",
                                                    "locale",
                                                    "metadata[*]",
                                                    "payment_intent_data[metadata][*]",
                                                    "payment_intent_data[description]",
                                                    "payment_method_types[#]",
                                                    "line_items[#][quantity]",
                                                    "line_items[#][price]",
                                                    "line_items[#][price_data][currency]",
                                                    "line_items[#][price_data][unit_amount]",
                                                    "line_items[#][price_data][product_data][name]",
                                                    "line_items[#][price_data][product_data][description]",
                                                    "line_items[#][price_data][product_data][metadata][*]",
                                                    "expand[#]"};
    if (const auto unknown = unknownParameter(f, schema))
        return invalid("Received unknown parameter: " + *unknown, *unknown, "parameter_unknown");
    const auto mode = f.get("mode");
    if (!mode) return missing("mode");
    if (*mode == "setup" || *mode == "subscription") return invalid("This fake serves mode=payment only.", "mode");
    if (*mode != "payment") return invalid("Invalid mode: must be one of payment, setup, or subscription", "mode");
    const auto success = f.get("success_url");
    if (!success) return missing("success_url");
    if (!validUrl(*success)) return invalid("Not a valid URL", "success_url", "url_invalid");
    const auto cancel = f.get("cancel_url");
    if (cancel && !validUrl(*cancel)) return invalid("Not a valid URL", "cancel_url", "url_invalid");

    std::string currency;
    std::int64_t total = 0;
    int items = 0;
    for (;; ++items) {
        const std::string item = "line_items[" + std::to_string(items) + "]";
        const bool present =
            std::any_of(f.values.begin(), f.values.end(), [&](const auto& kv) { return kv.first.rfind(item, 0) == 0; });
        if (!present) break;
        if (const auto price = f.get(item + "[price]"))
            return apiError(400, "invalid_request_error", "No such price: '" + *price + "'", item + "[price]",
                            "resource_missing");
        const std::string pd = item + "[price_data]";
        const auto cur = f.get(pd + "[currency]");
        if (!cur) return missing(pd + "[currency]");
        if (!minimums().count(*cur))
            return invalid(
                "Invalid currency: " + *cur + ". Stripe currently supports these currencies: " + supportedList(),
                pd + "[currency]");
        if (!currency.empty() && *cur != currency)
            return invalid("All line items must use the same currency.", pd + "[currency]");
        currency = *cur;
        const auto unitText = f.get(pd + "[unit_amount]");
        if (!unitText) return missing(pd + "[unit_amount]");
        const auto unit = integer(*unitText);
        if (!unit) return invalid("Invalid integer: " + *unitText, pd + "[unit_amount]");
        if (*unit < 0) return invalid("This value must be greater than or equal to 0.", pd + "[unit_amount]");
        if (*unit > kMaxAmount)
            return invalid("This value must be less than or equal to 99999999 (it currently is '" + *unitText + "').",
                           pd + "[unit_amount]");
        if (threeDecimal().count(currency) && *unit % 10 != 0)
            return invalid("Amounts in " + currency + " must be multiples of 10 (the last digit must be 0).",
                           pd + "[unit_amount]");
        if (!f.get(pd + "[product_data][name]")) return missing(pd + "[product_data][name]");
        const auto qtyText = f.get(item + "[quantity]");
        if (!qtyText) return missing(item + "[quantity]");
        const auto qty = integer(*qtyText);
        if (!qty) return invalid("Invalid integer: " + *qtyText, item + "[quantity]");
        if (*qty < 1 || *qty > 999'999)
            return invalid("This value must be greater than or equal to 1.", item + "[quantity]");
        total += *unit * *qty;
    }
    if (items == 0) return missing("line_items");
    if (total > kMaxAmount)
        return invalid("The Checkout Session's total amount due must be no more than " + money(kMaxAmount, currency),
                       "line_items", "amount_too_large");
    if (total < minimums().at(currency))
        return invalid("The Checkout Session's total amount due must add up to at least " +
                           money(minimums().at(currency), currency),
                       "line_items", "amount_too_small");
    const auto ref = f.get("client_reference_id");
    if (ref && ref->size() > 200)
        return invalid("client_reference_id must be at most 200 characters", "client_reference_id");
    const auto metadata = f.children("metadata");
    if (auto problem = metadataProblem(metadata, "metadata")) return *problem;
    const auto intentMetadata = f.children("payment_intent_data[metadata]");
    if (auto problem = metadataProblem(intentMetadata, "payment_intent_data[metadata]")) return *problem;
    const std::int64_t now = _clock();
    std::int64_t expiresAt = now + 86'400;
    if (const auto at = f.get("expires_at")) {
        const auto t = integer(*at);
        if (!t || *t < now + 1'800 || *t > now + 86'400)
            return invalid(
                "The `expires_at` timestamp must be between 30 minutes and 24 hours from Checkout Session "
                "creation.",
                "expires_at");
        expiresAt = *t;
    }

    Session s;
    s.id = newId("cs_test_", 58);
    s.currency = currency;
    s.clientReferenceId = ref.value_or("");
    s.successUrl = *success;
    s.cancelUrl = cancel.value_or("");
    s.url = _checkoutBaseUrl + "/_fake/checkout/" + s.id;
    s.amountTotal = total;
    s.created = now;
    s.expiresAt = expiresAt;
    s.metadata = metadata;
    s.intentMetadata = intentMetadata;
    _sessionOrder.push_back(s.id);
    const auto& stored = _sessions.emplace(s.id, s).first->second;
    (void)request;  // Stripe emits no event when a session is created
    return Answer{200, compact(*render(stored)), true};
}

Answer Account::expireSession(const std::string& id, const RequestInfo& request) {
    expireDue();
    const auto it = _sessions.find(id);
    if (it == _sessions.end())
        return apiError(404, "invalid_request_error", "No such checkout.session: '" + id + "'", "session",
                        "resource_missing", true);
    if (it->second.status != "open")
        return apiError(400, "invalid_request_error",
                        "Only Checkout Sessions with a status in [\"open\"] can be expired.", "", "", true);
    doExpire(it->second, request);
    return Answer{200, compact(*render(it->second)), true};
}

void Account::doExpire(Session& s, const RequestInfo& request) {
    s.status = "expired";
    s.url.clear();
    emit("checkout.session.expired", render(s), request);
}

void Account::expireDue() {
    const std::int64_t now = _clock();
    for (const auto& id : _sessionOrder) {
        Session& s = _sessions.at(id);
        if (s.status == "open" && now >= s.expiresAt) doExpire(s, RequestInfo{});
    }
}

Account::Session& Account::session(const std::string& id) {
    const auto it = _sessions.find(id);
    if (it == _sessions.end()) throw std::invalid_argument("fake stripe: no such checkout session '" + id + "'");
    return it->second;
}

std::string Account::completeCheckout(const std::string& sessionId, bool paid) {
    expireDue();
    Session& s = session(sessionId);
    if (s.status != "open")
        throw std::logic_error("fake stripe: checkout session " + sessionId + " is " + s.status + ", not open");
    Intent i;
    i.id = newId("pi_3", 23);
    i.currency = s.currency;
    i.amount = s.amountTotal;
    i.created = _clock();
    i.metadata = s.intentMetadata;
    i.sessionId = s.id;
    i.charge = newId("ch_3", 23);
    i.clientSecret = i.id + "_secret_" + newId("", 25);
    i.status = "requires_payment_method";
    emit("payment_intent.created", render(i), RequestInfo{});
    s.status = "complete";
    s.url.clear();
    s.paymentIntent = i.id;
    if (paid) {
        i.status = "succeeded";
        i.received = i.amount;
        s.paymentStatus = "paid";
        emit("payment_intent.succeeded", render(i), RequestInfo{});
        emit("charge.succeeded", renderCharge(i), RequestInfo{});
    } else {
        i.status = "processing";
        emit("payment_intent.processing", render(i), RequestInfo{});
    }
    _intents.emplace(i.id, i);
    emit("checkout.session.completed", render(s), RequestInfo{});
    return i.id;
}

void Account::settleAsyncPayment(const std::string& sessionId, bool succeeded) {
    Session& s = session(sessionId);
    if (s.status != "complete" || s.paymentStatus != "unpaid" || s.paymentIntent.empty() ||
        _intents.at(s.paymentIntent).status != "processing")
        throw std::logic_error("fake stripe: checkout session " + sessionId + " has no delayed payment in progress");
    Intent& i = _intents.at(s.paymentIntent);
    if (succeeded) {
        i.status = "succeeded";
        i.received = i.amount;
        s.paymentStatus = "paid";
        emit("payment_intent.succeeded", render(i), RequestInfo{});
        emit("charge.succeeded", renderCharge(i), RequestInfo{});
        emit("checkout.session.async_payment_succeeded", render(s), RequestInfo{});
    } else {
        i.status = "requires_payment_method";
        i.lastErrorCode = "payment_method_provider_decline";
        emit("payment_intent.payment_failed", render(i), RequestInfo{});
        emit("checkout.session.async_payment_failed", render(s), RequestInfo{});
    }
}

void Account::expireCheckout(const std::string& sessionId) {
    expireDue();
    Session& s = session(sessionId);
    if (s.status != "open")
        throw std::logic_error("fake stripe: checkout session " + sessionId + " is " + s.status + ", not open");
    doExpire(s, RequestInfo{});
}

std::optional<std::string> Account::sessionIdFor(const std::string& clientReferenceId) const {
    for (auto it = _sessionOrder.rbegin(); it != _sessionOrder.rend(); ++it)
        if (_sessions.at(*it).clientReferenceId == clientReferenceId) return *it;
    return std::nullopt;
}

// ---------------------------------------------------------------------------
// Refunds
// ---------------------------------------------------------------------------

Answer Account::createRefund(const FormBody& f, const RequestInfo& request) {
    expireDue();
    static const std::vector<std::string> schema = {"payment_intent",   "charge",
                                                    "amount",           "reason",
                                                    "metadata[*]",      "refund_application_fee",
                                                    "reverse_transfer", "instructions_email",
                                                    "expand[#]"};
    if (const auto unknown = unknownParameter(f, schema))
        return invalid("Received unknown parameter: " + *unknown, *unknown, "parameter_unknown");
    const auto pi = f.get("payment_intent"), charge = f.get("charge");
    if (!pi && !charge)
        return invalid("One of `charge` or `payment_intent` is required.", "payment_intent", "parameter_missing");
    if (pi && charge) return invalid("You may only specify one of `charge` or `payment_intent`.", "charge");
    std::optional<std::int64_t> amount;
    if (const auto text = f.get("amount")) {
        amount = integer(*text);
        if (!amount || *amount < 1) return invalid("Invalid positive integer", "amount");
    }
    const auto reason = f.get("reason");
    if (reason && *reason != "duplicate" && *reason != "fraudulent" && *reason != "requested_by_customer")
        return invalid("Invalid reason: must be one of duplicate, fraudulent, or requested_by_customer", "reason");
    const auto metadata = f.children("metadata");
    if (auto problem = metadataProblem(metadata, "metadata")) return *problem;

    // Validation passed: from here on the endpoint runs, and its answer is kept for the key.
    Intent* intent = nullptr;
    if (pi) {
        const auto it = _intents.find(*pi);
        if (it != _intents.end()) intent = &it->second;
        if (!intent)
            return apiError(400, "invalid_request_error", "No such payment_intent: '" + *pi + "'", "payment_intent",
                            "resource_missing", true);
    } else {
        for (auto& [id, i] : _intents)
            if (i.charge == *charge && i.status == "succeeded") intent = &i;
        if (!intent)
            return apiError(400, "invalid_request_error", "No such charge: '" + *charge + "'", "charge",
                            "resource_missing", true);
    }
    if (intent->status != "succeeded")
        return apiError(400, "invalid_request_error",
                        "This PaymentIntent (" + intent->id + ") does not have a successful charge to refund.",
                        "payment_intent", "payment_intent_unexpected_state", true);
    const std::int64_t left = intent->received - intent->refunded;
    if (left <= 0)
        return apiError(400, "invalid_request_error", "Charge " + intent->charge + " has already been refunded.", "",
                        "charge_already_refunded", true);
    if (amount && *amount > left)
        return apiError(400, "invalid_request_error",
                        "Refund amount (" + money(*amount, intent->currency) +
                            ") is greater than unrefunded amount on charge (" + money(left, intent->currency) + ")",
                        "amount", "amount_too_large", true);
    Refund r;
    r.id = newId("re_3", 23);
    r.paymentIntent = intent->id;
    r.charge = intent->charge;
    r.currency = intent->currency;
    r.amount = amount.value_or(left);
    r.created = _clock();
    r.reason = reason.value_or("");
    r.metadata = metadata;
    r.balanceTransaction = newId("txn_3", 23);
    r.status = _refundsSucceedAtOnce ? "succeeded" : "pending";
    intent->refunded += r.amount;
    _refundOrder.push_back(r.id);
    const Refund& stored = _refunds.emplace(r.id, r).first->second;
    emit("refund.created", render(stored), request);
    if (stored.status == "succeeded") emit("charge.refunded", renderCharge(*intent), request);
    return Answer{200, compact(*render(stored)), true};
}

Account::Refund& Account::refund(const std::string& id) {
    const auto it = _refunds.find(id);
    if (it == _refunds.end()) throw std::invalid_argument("fake stripe: no such refund '" + id + "'");
    return it->second;
}

void Account::settleRefund(const std::string& refundId) {
    Refund& r = refund(refundId);
    if (r.status != "pending") throw std::logic_error("fake stripe: refund " + refundId + " is " + r.status);
    r.status = "succeeded";
    Object::Ptr previous = object();
    previous->set("status", "pending");
    emit("refund.updated", render(r), RequestInfo{}, previous);
    emit("charge.refunded", renderCharge(_intents.at(r.paymentIntent)), RequestInfo{});
}

void Account::failRefund(const std::string& refundId, const std::string& failureReason) {
    Refund& r = refund(refundId);
    // A refund can fail after it succeeded (the card was closed meanwhile): Stripe then reports it failed.
    if (r.status != "pending" && r.status != "succeeded")
        throw std::logic_error("fake stripe: refund " + refundId + " is " + r.status);
    Object::Ptr previous = object();
    previous->set("status", r.status);
    r.status = "failed";
    r.failureReason = failureReason;
    _intents.at(r.paymentIntent).refunded -= r.amount;
    emit("refund.updated", render(r), RequestInfo{}, previous);
    emit("refund.failed", render(r), RequestInfo{});
}

// ---------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------

Answer Account::get(const std::string& kind, const std::string& id) {
    expireDue();
    if (auto json = objectJson(kind, id)) return Answer{200, *json, false};
    const std::string param = kind == "checkout.session" ? "session" : kind == "payment_intent" ? "intent" : "id";
    return apiError(404, "invalid_request_error", "No such " + kind + ": '" + id + "'", param, "resource_missing");
}

std::optional<std::string> Account::objectJson(const std::string& kind, const std::string& id) {
    if (kind == "checkout.session" && _sessions.count(id)) return compact(*render(_sessions.at(id)));
    if (kind == "payment_intent" && _intents.count(id)) return compact(*render(_intents.at(id)));
    if (kind == "refund" && _refunds.count(id)) return compact(*render(_refunds.at(id)));
    if (kind == "event")
        for (const auto& e : _events)
            if (e.id == id) return e.payload;
    return std::nullopt;
}

// ---------------------------------------------------------------------------
// Objects and events as Stripe renders them (API version 2024-06-20, trimmed)
// ---------------------------------------------------------------------------

Object::Ptr Account::render(const Session& s) const {
    Object::Ptr o = object();
    o->set("id", s.id);
    o->set("object", "checkout.session");
    o->set("amount_subtotal", s.amountTotal);
    o->set("amount_total", s.amountTotal);
    setOrNull(*o, "cancel_url", s.cancelUrl);
    setOrNull(*o, "client_reference_id", s.clientReferenceId);
    o->set("created", s.created);
    o->set("currency", s.currency);
    o->set("customer", Poco::Dynamic::Var());
    o->set("expires_at", s.expiresAt);
    o->set("livemode", false);
    o->set("metadata", metadataObject(s.metadata));
    o->set("mode", "payment");
    setOrNull(*o, "payment_intent", s.paymentIntent);
    Array::Ptr methods = new Array;
    methods->add("card");
    o->set("payment_method_types", methods);
    o->set("payment_status", s.paymentStatus);
    o->set("status", s.status);
    o->set("success_url", s.successUrl);
    setOrNull(*o, "url", s.url);  // only while the session is open
    return o;
}

Object::Ptr Account::render(const Intent& i) const {
    Object::Ptr o = object();
    o->set("id", i.id);
    o->set("object", "payment_intent");
    o->set("amount", i.amount);
    o->set("amount_capturable", 0);
    o->set("amount_received", i.received);
    o->set("capture_method", "automatic");
    o->set("client_secret", i.clientSecret);
    o->set("created", i.created);
    o->set("currency", i.currency);
    if (i.lastErrorCode.empty()) {
        o->set("last_payment_error", Poco::Dynamic::Var());
    } else {
        Object::Ptr e = object();
        e->set("code", i.lastErrorCode);
        e->set("message", "The payment could not be completed by the customer's bank.");
        e->set("type", "card_error");
        o->set("last_payment_error", e);
    }
    setOrNull(*o, "latest_charge", i.status == "succeeded" ? i.charge : "");
    o->set("livemode", false);
    o->set("metadata", metadataObject(i.metadata));
    Array::Ptr methods = new Array;
    methods->add("card");
    o->set("payment_method_types", methods);
    o->set("status", i.status);
    return o;
}

Object::Ptr Account::render(const Refund& r) const {
    Object::Ptr o = object();
    o->set("id", r.id);
    o->set("object", "refund");
    o->set("amount", r.amount);
    o->set("balance_transaction", r.balanceTransaction);
    o->set("charge", r.charge);
    o->set("created", r.created);
    o->set("currency", r.currency);
    if (!r.failureReason.empty()) o->set("failure_reason", r.failureReason);
    o->set("metadata", metadataObject(r.metadata));
    o->set("payment_intent", r.paymentIntent);
    setOrNull(*o, "reason", r.reason);
    o->set("receipt_number", Poco::Dynamic::Var());
    o->set("status", r.status);
    return o;
}

Object::Ptr Account::renderCharge(const Intent& i) const {
    Object::Ptr o = object();
    o->set("id", i.charge);
    o->set("object", "charge");
    o->set("amount", i.amount);
    o->set("amount_captured", i.received);
    o->set("amount_refunded", i.refunded);
    o->set("captured", true);
    o->set("created", i.created);
    o->set("currency", i.currency);
    o->set("livemode", false);
    o->set("metadata", metadataObject(i.metadata));
    o->set("paid", true);
    o->set("payment_intent", i.id);
    o->set("refunded", i.refunded >= i.amount);
    o->set("status", "succeeded");
    return o;
}

void Account::emit(const std::string& type, const Object::Ptr& obj, const RequestInfo& request,
                   const Object::Ptr& previous) {
    FakeStripeEvent e;
    e.id = newId("evt_3", 23);
    e.type = type;
    e.objectId = obj->getValue<std::string>("id");
    e.created = _clock();
    Object envelope(Poco::JSON_PRESERVE_KEY_ORDER);
    envelope.set("id", e.id);
    envelope.set("object", "event");
    envelope.set("api_version", _apiVersion);
    envelope.set("created", e.created);
    Object::Ptr data = object();
    data->set("object", obj);
    if (previous) data->set("previous_attributes", previous);
    envelope.set("data", data);
    envelope.set("livemode", false);
    envelope.set("pending_webhooks", 1);
    Object::Ptr req = object();
    setOrNull(*req, "id", request.id);
    setOrNull(*req, "idempotency_key", request.idempotencyKey);
    envelope.set("request", req);
    envelope.set("type", type);
    // Stripe sends events pretty-printed (2 spaces, LF): the signature covers these exact bytes.
    std::ostringstream out;
    envelope.stringify(out, 2);
    e.payload = out.str();
    _events.push_back(e);
    _sink(e);
}

}  // namespace bourse::fakes::stripe
