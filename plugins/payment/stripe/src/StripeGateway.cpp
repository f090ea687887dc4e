#include "StripeGateway.h"

#include "Amounts.h"
#include "Errors.h"
#include "Events.h"
#include "Signature.h"

#include <Poco/JSON/Parser.h>
#include <Poco/String.h>

#include <regex>

namespace bourse::stripe {

namespace {

using Poco::JSON::Object;

/// The request's metadata_json as an object ("" counts as {}); Error(BOURSE_E_INVALID) otherwise.
Object::Ptr metadataOf(const PaymentRequest& q) {
    if (q.metadataJson.empty()) return new Object;
    try {
        const auto v = Poco::JSON::Parser().parse(q.metadataJson);
        if (v.type() == typeid(Object::Ptr)) return v.extract<Object::Ptr>();
    } catch (const Poco::Exception&) {
    }
    throw Error(BOURSE_E_INVALID, "request: metadata_json is not a JSON object");
}

std::string field(const Object::Ptr& o, const std::string& key) {
    return o->has(key) && o->get(key).isString() ? o->getValue<std::string>(key) : "";
}

/// Stripe keeps an Idempotency-Key of up to 255 characters.
void requireKey(const PaymentRequest& q) {
    if (q.idempotencyKey.empty() || q.idempotencyKey.size() > 255)
        throw Error(BOURSE_E_INVALID, "request: idempotency_key must be 1..255 characters");
}

/// A Stripe object id with the expected prefix; anything else never reaches a URL path.
void requireId(const std::string& id, const std::string& prefix, const std::string& what) {
    static const std::regex shape("[A-Za-z0-9_]{1,255}");
    if (id.rfind(prefix, 0) != 0 || !std::regex_match(id, shape))
        throw Error(BOURSE_E_INVALID,
                    "request: reference '" + id.substr(0, 64) + "' is not a Stripe " + what + " id (" + prefix + "…)");
}

bool isHttpUrl(const std::string& url) {
    return url.rfind("https://", 0) == 0 || url.rfind("http://", 0) == 0;
}

Object::Ptr parseObject(const std::string& body, const std::string& what) {
    try {
        const auto v = Poco::JSON::Parser().parse(body);
        if (v.type() == typeid(Object::Ptr)) return v.extract<Object::Ptr>();
    } catch (const Poco::Exception&) {
    }
    throw Error(BOURSE_E_UNAVAILABLE, "upstream: stripe " + what + ": the reply is not a JSON object");
}

std::string text(const Object::Ptr& o, const std::string& key) {
    return o->has(key) && !o->isNull(key) && o->get(key).isString() ? o->getValue<std::string>(key) : "";
}

}  // namespace

StripeGateway::StripeGateway(Host& host)
    : PaymentGateway(host),
      _config(StripeConfig::parse(host.configJson())),
      _secrets(StripeSecrets::read([&](const char* name) { return host.secret(name); })) {}

std::vector<std::string> StripeGateway::secrets() const {
    std::vector<std::string> out = _secrets.webhookSecrets;
    out.push_back(_secrets.secretKey);
    return out;
}

void StripeGateway::requireCurrency(const std::string& currency) const {
    if (!_config.allows(currency)) {
        std::string enabled;
        for (const auto& c : _config.currencies)
            enabled += (enabled.empty() ? "" : ", ") + c;
        throw Error(BOURSE_E_INVALID,
                    "amount: currency '" + currency + "' is not enabled for stripe (currencies: " + enabled + ")");
    }
}

// ---------------------------------------------------------------------------
// Deposits
// ---------------------------------------------------------------------------

void StripeGateway::createDeposit(const PaymentRequest& q, Reply reply) {
    requireKey(q);
    requireCurrency(q.amount.currency);
    if (auto problem = chargeProblem(q.amount.minor, q.amount.currency, _config.minimumMinor.at(q.amount.currency)))
        throw Error(BOURSE_E_INVALID, *problem);
    const Object::Ptr meta = metadataOf(q);
    const std::string depositId = field(meta, "deposit_id").empty() ? q.idempotencyKey : field(meta, "deposit_id");
    const std::string returnUrl = field(meta, "return_url");
    if (!returnUrl.empty() && !isHttpUrl(returnUrl))
        throw Error(BOURSE_E_INVALID, "request: return_url must start with http:// or https://");
    // The dashboard's own page when the kernel names it; the configured pages otherwise.
    const std::string success = returnUrl.empty() ? _config.successUrl : returnUrl;
    const std::string cancel = returnUrl.empty() ? _config.cancelUrl : returnUrl;
    if (success.empty())
        throw Error(BOURSE_E_INVALID, "request: no return_url in metadata and no success_url configured");

    Form form = {{"mode", "payment"},
                 {"line_items[0][price_data][currency]", Poco::toLower(q.amount.currency)},
                 {"line_items[0][price_data][unit_amount]", std::to_string(q.amount.minor)},
                 {"line_items[0][price_data][product_data][name]", _config.productName},
                 {"line_items[0][quantity]", "1"},
                 {"success_url", success}};
    if (!cancel.empty()) form.emplace_back("cancel_url", cancel);
    form.emplace_back("client_reference_id", depositId);
    form.emplace_back("metadata[deposit_id]", depositId);
    if (!q.userRef.empty()) form.emplace_back("metadata[user_ref]", q.userRef);
    // The PaymentIntent carries the deposit id too: refunds and disputes name the intent, not the session.
    form.emplace_back("payment_intent_data[metadata][deposit_id]", depositId);

    const Money amount = q.amount;
    call("POST", "/v1/checkout/sessions", form, q.idempotencyKey, "create checkout session",
         std::make_shared<Reply>(std::move(reply)),
         [this, depositId, amount](const Object::Ptr& session, const SharedReply& r) {
             const std::string id = text(session, "id"), url = text(session, "url");
             if (id.rfind("cs_", 0) != 0 || !isHttpUrl(url))
                 throw Error(BOURSE_E_UNAVAILABLE, "upstream: stripe create checkout session: no session id or url");
             host().info("stripe: checkout session " + id + " for deposit " + depositId + " (" +
                         std::to_string(amount.minor) + " " + amount.currency + ")");
             Object checkout(Poco::JSON_PRESERVE_KEY_ORDER);
             checkout.set("type", "redirect");
             checkout.set("url", url);
             Object out(Poco::JSON_PRESERVE_KEY_ORDER);
             out.set("provider_ref", id);
             out.set("status", "pending");
             out.set("checkout", checkout);
             r->ok(toJson(out));
         });
}

std::string StripeGateway::verifyWebhook(const Webhook& webhook) {
    const std::string* header = nullptr;
    for (const auto& [name, value] : webhook.headers)
        if (Poco::icompare(name, "Stripe-Signature") == 0) {
            if (header) throw Error(BOURSE_E_SIGNATURE, "signature: Stripe-Signature header given twice");
            header = &value;
        }
    if (!header) throw Error(BOURSE_E_SIGNATURE, "signature: missing Stripe-Signature header");
    const std::int64_t nowNs = host().nowNs();
    SignaturePolicy policy;
    policy.nowS = nowNs >= 0 ? nowNs / 1'000'000'000 : (nowNs - 999'999'999) / 1'000'000'000;  // floor
    policy.toleranceS = _config.webhookToleranceS;
    policy.futureSkewS = _config.futureSkewS;
    verifySignature(*header, webhook.body, _secrets.webhookSecrets, policy);
    return normaliseEvent(webhook.body);
}

// ---------------------------------------------------------------------------
// Withdrawals
// ---------------------------------------------------------------------------

void StripeGateway::payout(const PaymentRequest& request, Reply reply) {
    (void)request;
    reply.fail(BOURSE_E_UNSUPPORTED,
               "unsupported: stripe pays users back by refund (withdraw_via: refund); payouts to users need Stripe "
               "Connect");
}

void StripeGateway::refund(const PaymentRequest& q, Reply reply) {
    requireKey(q);
    requireCurrency(q.amount.currency);
    if (auto problem = refundProblem(q.amount.minor, q.amount.currency)) throw Error(BOURSE_E_INVALID, *problem);
    requireId(q.reference, "pi_", "PaymentIntent");
    const Object::Ptr meta = metadataOf(q);
    const std::string withdrawalId =
        field(meta, "withdrawal_id").empty() ? q.idempotencyKey : field(meta, "withdrawal_id");
    const Form form = {{"payment_intent", q.reference},
                       {"amount", std::to_string(q.amount.minor)},
                       {"reason", "requested_by_customer"},
                       {"metadata[withdrawal_id]", withdrawalId}};
    const Money amount = q.amount;
    call("POST", "/v1/refunds", form, q.idempotencyKey, "create refund", std::make_shared<Reply>(std::move(reply)),
         [this, withdrawalId, amount](const Object::Ptr& refund, const SharedReply& r) {
             const Object::Ptr state = refundState(refund);
             const std::string id = text(state, "provider_ref");
             if (id.rfind("re_", 0) != 0)
                 throw Error(BOURSE_E_UNAVAILABLE, "upstream: stripe create refund: no refund id");
             if (Poco::toUpper(text(refund, "currency")) != amount.currency)
                 // Stripe refunds in the charge's currency; a mismatch means the kernel paired the wrong deposit.
                 host().error("stripe: refund " + id + " for " + withdrawalId + " is in " + text(refund, "currency") +
                              ", the withdrawal in " + amount.currency);
             host().info("stripe: refund " + id + " for withdrawal " + withdrawalId + " is " + text(state, "status"));
             Object out(Poco::JSON_PRESERVE_KEY_ORDER);
             out.set("provider_ref", id);
             out.set("status", text(state, "status"));
             if (state->has("reason")) out.set("reason", text(state, "reason"));
             r->ok(toJson(out));
         });
}

// ---------------------------------------------------------------------------
// Reconciliation
// ---------------------------------------------------------------------------

void StripeGateway::query(const PaymentRequest& q, Reply reply) {
    const std::string kind = field(metadataOf(q), "kind");
    if (kind == "payout")
        throw Error(BOURSE_E_UNSUPPORTED, "unsupported: stripe makes no payouts (withdrawals are refunds)");
    if (kind == "deposit") {
        requireId(q.reference, "cs_", "Checkout Session");
        queryDeposit(q.reference, std::make_shared<Reply>(std::move(reply)));
    } else if (kind == "refund") {
        requireId(q.reference, "re_", "Refund");
        queryRefund(q.reference, std::make_shared<Reply>(std::move(reply)));
    } else {
        throw Error(BOURSE_E_INVALID, "request: metadata kind must be deposit or refund");
    }
}

void StripeGateway::queryDeposit(const std::string& sessionId, SharedReply reply) {
    call("GET", "/v1/checkout/sessions/" + sessionId, {}, "", "get checkout session", std::move(reply),
         [this](const Object::Ptr& session, const SharedReply& r) {
             Object::Ptr state = depositState(session);
             const std::string pi = idOf(session, "payment_intent");
             if (text(state, "status") != "pending" || text(session, "status") != "complete" || pi.empty()) {
                 r->ok(toJson(*state));
                 return;
             }
             // Completed but unpaid: a delayed payment method; its intent says whether it has settled since.
             requireId(pi, "pi_", "PaymentIntent");
             call("GET", "/v1/payment_intents/" + pi, {}, "", "get payment intent", r,
                  [state](const Object::Ptr& intent, const SharedReply& r2) mutable {
                      refineWithPaymentIntent(*state, intent);
                      r2->ok(toJson(*state));
                  });
         });
}

void StripeGateway::queryRefund(const std::string& refundId, SharedReply reply) {
    call("GET", "/v1/refunds/" + refundId, {}, "", "get refund", std::move(reply),
         [](const Object::Ptr& refund, const SharedReply& r) { r->ok(toJson(*refundState(refund))); });
}

// ---------------------------------------------------------------------------
// Transport
// ---------------------------------------------------------------------------

void StripeGateway::call(const std::string& method, const std::string& path, const Form& form,
                         const std::string& idempotencyKey, const std::string& what, SharedReply reply,
                         OnObject onObject) {
    HttpRequest req;
    req.method = method;
    req.url = _config.apiUrl + path;
    req.timeout = std::chrono::milliseconds(_config.requestTimeoutMs);
    req.headers = {{"Authorization", "Bearer " + _secrets.secretKey},
                   {"Stripe-Version", _config.stripeVersion},
                   {"Accept", "application/json"},
                   {"User-Agent", "bourse-stripe/1.0.0"}};
    if (method == "POST") {
        req.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
        // The kernel's deposit or withdrawal id: a retry (after a timeout, a 5xx,
        // a restart) is answered with the first result instead of acting twice.
        req.headers.emplace_back("Idempotency-Key", idempotencyKey);
        req.body = formEncode(form);
    }
    host().http(req, [this, what, reply, onObject = std::move(onObject)](const HttpResponse& r) {
        try {
            if (r.status < 200 || r.status >= 300) throw upstreamError(r, what, secrets());
            onObject(parseObject(r.body, what), reply);
        } catch (const Error& e) {
            host().warn(std::string("stripe: ") + e.what());
            reply->fail(e.status(), e.what());
        } catch (const std::exception& e) {
            reply->fail(BOURSE_E_INTERNAL,
                        redact(std::string("internal: stripe ") + what + ": " + e.what(), secrets()));
        }
    });
}

}  // namespace bourse::stripe
