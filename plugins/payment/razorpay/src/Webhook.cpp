#include "Webhook.h"

#include "Entities.h"
#include "Errors.h"
#include "Replies.h"

#include <bourse/plugins/Signing.h>

#include <Poco/JSON/Object.h>
#include <Poco/JSONString.h>

#include <algorithm>
#include <cctype>
#include <sstream>

namespace bourse::razorpay {

namespace {

std::optional<std::string> header(const Webhook& w, std::string_view name) {
    for (const auto& [k, v] : w.headers)
        if (k.size() == name.size() && std::equal(k.begin(), k.end(), name.begin(), [](char a, char b) {
                return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
            }))
            return v;
    return std::nullopt;
}

std::string trim(std::string s) {
    const auto first = s.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return "";
    return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

/// payload.<name>.entity, or null when absent.
Poco::JSON::Object::Ptr entity(const Poco::JSON::Object::Ptr& event, const std::string& name) {
    if (!event->has("payload") || event->get("payload").type() != typeid(Poco::JSON::Object::Ptr)) return nullptr;
    const auto payload = event->getObject("payload");
    if (!payload || !payload->has(name) || payload->get(name).type() != typeid(Poco::JSON::Object::Ptr)) return nullptr;
    const auto wrapper = payload->getObject(name);
    if (!wrapper || !wrapper->has("entity") || wrapper->get("entity").type() != typeid(Poco::JSON::Object::Ptr))
        return nullptr;
    return wrapper->getObject("entity");
}

Poco::JSON::Object::Ptr requireEntity(const Poco::JSON::Object::Ptr& event, const std::string& name,
                                      const std::string& eventName) {
    auto e = entity(event, name);
    if (!e) throw MalformedEntity(eventName + " without payload." + name + ".entity");
    return e;
}

std::string firstOf(std::initializer_list<std::string> values) {
    for (const auto& v : values)
        if (!v.empty()) return v;
    return "";
}

void fromPayment(NormalisedEvent& n, const Payment& p) {
    n.providerRef = p.orderId;
    n.paymentRef = p.id;
    n.depositId = note(p.notes, "deposit_id");
    n.amount = Money{p.amount, p.currency};
}

void fromPayout(NormalisedEvent& n, const Payout& p) {
    n.providerRef = p.id;
    n.withdrawalId = firstOf({note(p.notes, "withdrawal_id"), p.referenceId});
    n.amount = Money{p.amount, p.currency};
}

void fromRefund(NormalisedEvent& n, const Refund& r) {
    n.providerRef = r.id;
    n.paymentRef = r.paymentId;
    n.withdrawalId = note(r.notes, "withdrawal_id");
    n.amount = Money{r.amount, r.currency};
}

void normaliseInto(NormalisedEvent& n, const Poco::JSON::Object::Ptr& event, const std::string& name) {
    if (name == "payment.captured" || name == "payment.failed") {
        const Payment p = paymentFrom(requireEntity(event, "payment", name));
        if (p.orderId.empty()) return;  // not an order payment (links, invoices): not one of ours
        n.type = name == "payment.captured" ? "deposit.succeeded" : "deposit.failed";
        fromPayment(n, p);
        if (name == "payment.failed") n.reason = failureReason(p);
        return;
    }
    if (name == "order.paid") {
        const Order o = orderFrom(requireEntity(event, "order", name));
        n.type = "deposit.succeeded";
        n.providerRef = o.id;
        n.amount = Money{o.amountPaid ? o.amountPaid : o.amount, o.currency};
        std::string fromPaymentNotes;
        if (const auto pe = entity(event, "payment")) {
            const Payment p = paymentFrom(pe);
            n.paymentRef = p.id;
            n.amount = Money{p.amount, p.currency};
            fromPaymentNotes = note(p.notes, "deposit_id");
        }
        n.depositId = firstOf({note(o.notes, "deposit_id"), fromPaymentNotes, o.receipt});
        return;
    }
    if (name == "payout.processed" || name == "payout.failed" || name == "payout.rejected" ||
        name == "payout.cancelled" || name == "payout.reversed") {
        const Payout p = payoutFrom(requireEntity(event, "payout", name));
        const StatusReply s = payoutReply(p, true);
        n.type = name == "payout.processed"  ? "payout.succeeded"
                 : name == "payout.reversed" ? "payout.reversed"
                                             : "payout.failed";
        fromPayout(n, p);
        if (n.type != "payout.succeeded") n.reason = s.reason;
        return;
    }
    if (name == "refund.processed" || name == "refund.failed") {
        const Refund r = refundFrom(requireEntity(event, "refund", name));
        n.type = name == "refund.processed" ? "refund.succeeded" : "refund.failed";
        fromRefund(n, r);
        if (name == "refund.failed") n.reason = "refund failed";
        return;
    }
}

}  // namespace

bool signatureMatches(std::string_view body, std::string_view signature, const WebhookSecrets& secrets) {
    // Both secrets are always tried, so the time taken does not say which one matched.
    const bool current = plugins::verifyHmacHex(plugins::Hmac::Sha256, secrets.current, body, signature);
    const bool previous =
        !secrets.previous.empty() && plugins::verifyHmacHex(plugins::Hmac::Sha256, secrets.previous, body, signature);
    return current || previous;
}

std::string NormalisedEvent::toJson() const {
    Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
    o.set("event_id", eventId);
    o.set("type", type);
    const auto optional = [&](const char* key, const std::string& v) {
        if (!v.empty()) o.set(key, v);
    };
    optional("provider_ref", providerRef);
    optional("deposit_id", depositId);
    optional("withdrawal_id", withdrawalId);
    optional("payment_ref", paymentRef);
    if (amount && type != "ignored") {
        Poco::JSON::Object::Ptr m = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        m->set("minor", amount->minor);
        m->set("currency", amount->currency);
        o.set("amount", m);
    }
    optional("reason", reason);
    std::ostringstream out;
    o.stringify(out);
    return out.str();
}

NormalisedEvent normalise(const std::string& eventId, const std::string& body) {
    NormalisedEvent n;
    n.eventId = eventId;
    n.type = "ignored";
    try {
        const auto event = parseObject(body);
        if (!event->has("event") || !event->get("event").isString())
            throw MalformedEntity("no 'event' name (not a Razorpay webhook)");
        normaliseInto(n, event, event->getValue<std::string>("event"));
    } catch (const MalformedEntity& e) {
        throw Error(BOURSE_E_INVALID, std::string("invalid: razorpay webhook: ") + e.what());
    }
    return n;
}

std::string verifyWebhook(const Webhook& webhook, const WebhookSecrets& secrets) {
    const auto signature = header(webhook, "X-Razorpay-Signature");
    if (!signature || trim(*signature).empty())
        throw Error(BOURSE_E_SIGNATURE, "signature: razorpay webhook without an X-Razorpay-Signature header");
    if (!signatureMatches(webhook.body, trim(*signature), secrets))
        throw Error(BOURSE_E_SIGNATURE,
                    "signature: X-Razorpay-Signature does not match the body under secrets.webhook_secret"
                    " (nor webhook_secret_previous)");
    const std::string eventId = trim(header(webhook, "x-razorpay-event-id").value_or(""));
    if (eventId.empty())
        throw Error(BOURSE_E_INVALID,
                    "invalid: razorpay webhook without an x-razorpay-event-id header (Razorpay always sends one; "
                    "without it the event cannot be recorded once)");
    if (eventId.size() > 128 ||
        !std::all_of(eventId.begin(), eventId.end(), [](unsigned char c) { return c > 0x20 && c < 0x7f; }))
        throw Error(BOURSE_E_INVALID, "invalid: razorpay webhook: malformed x-razorpay-event-id header");
    return normalise(eventId, webhook.body).toJson();
}

}  // namespace bourse::razorpay
