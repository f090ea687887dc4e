#include "Events.h"

#include <bourse/plugin.hpp>

#include <Poco/JSON/Parser.h>
#include <Poco/String.h>

#include <sstream>

namespace bourse::stripe {

namespace {

using Poco::JSON::Object;

std::string textOf(const Object::Ptr& o, const std::string& key) {
    if (!o || !o->has(key) || o->isNull(key) || !o->get(key).isString()) return "";
    return o->getValue<std::string>(key);
}

std::string metadataOf(const Object::Ptr& o, const std::string& key) {
    return o && o->has("metadata") && o->isObject("metadata") ? textOf(o->getObject("metadata"), key) : "";
}

/// {"minor": n, "currency": "USD"} from Stripe's amount field and lower-case currency; null when either is missing.
Object::Ptr amountOf(const Object::Ptr& o, const std::string& field) {
    if (!o->has(field) || !o->get(field).isInteger() || textOf(o, "currency").size() != 3) return nullptr;
    Object::Ptr a = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    a->set("minor", o->getValue<std::int64_t>(field));
    a->set("currency", Poco::toUpper(textOf(o, "currency")));
    return a;
}

void setIf(Object& o, const std::string& key, const std::string& value) {
    if (!value.empty()) o.set(key, value);
}

/// The deposit the session belongs to: client_reference_id, else metadata.deposit_id.
std::string depositIdOf(const Object::Ptr& session) {
    const std::string ref = textOf(session, "client_reference_id");
    return ref.empty() ? metadataOf(session, "deposit_id") : ref;
}

/// A normalised event: event_id first, then type (the order a reader expects).
Object::Ptr newEvent(const std::string& eventId, const std::string& type) {
    Object::Ptr e = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    e->set("event_id", eventId);
    e->set("type", type);
    return e;
}

Object::Ptr depositEvent(const std::string& eventId, const std::string& type, const Object::Ptr& session,
                         const std::string& reason) {
    Object::Ptr e = newEvent(eventId, type);
    e->set("provider_ref", textOf(session, "id"));
    setIf(*e, "deposit_id", depositIdOf(session));
    setIf(*e, "payment_ref", idOf(session, "payment_intent"));
    if (auto amount = amountOf(session, "amount_total")) e->set("amount", amount);
    setIf(*e, "reason", reason);
    return e;
}

/// Why a refund failed: Stripe's failure_reason, else its status.
std::string refundReason(const Object::Ptr& refund) {
    const std::string why = textOf(refund, "failure_reason");
    return why.empty() ? textOf(refund, "status") : why;
}

Object::Ptr refundEvent(const std::string& eventId, const std::string& type, const Object::Ptr& refund) {
    Object::Ptr e = newEvent(eventId, type);
    e->set("provider_ref", textOf(refund, "id"));
    setIf(*e, "withdrawal_id", metadataOf(refund, "withdrawal_id"));
    setIf(*e, "payment_ref", idOf(refund, "payment_intent"));
    if (auto amount = amountOf(refund, "amount")) e->set("amount", amount);
    if (type == "refund.failed") setIf(*e, "reason", refundReason(refund));
    return e;
}

Object::Ptr normalise(const std::string& id, const std::string& type, const Object::Ptr& object) {
    if (type == "checkout.session.completed")
        return textOf(object, "payment_status") == "paid" ? depositEvent(id, "deposit.succeeded", object, "")
                                                          : newEvent(id, "ignored");
    if (type == "checkout.session.async_payment_succeeded") return depositEvent(id, "deposit.succeeded", object, "");
    if (type == "checkout.session.async_payment_failed")
        return depositEvent(id, "deposit.failed", object, "async_payment_failed");
    if (type == "checkout.session.expired") return depositEvent(id, "deposit.failed", object, "expired");
    if (type == "refund.failed") return refundEvent(id, "refund.failed", object);
    if (type == "refund.created" || type == "refund.updated" || type == "charge.refund.updated") {
        const std::string status = refundStatus(textOf(object, "status"));
        if (status == "succeeded") return refundEvent(id, "refund.succeeded", object);
        if (status == "failed") return refundEvent(id, "refund.failed", object);
    }
    return newEvent(id, "ignored");
}

}  // namespace

std::string idOf(const Object::Ptr& o, const std::string& key) {
    if (!o || !o->has(key) || o->isNull(key)) return "";
    if (o->get(key).isString()) return o->getValue<std::string>(key);
    return o->isObject(key) ? textOf(o->getObject(key), "id") : "";
}

std::string toJson(const Object& o) {
    std::ostringstream out;
    o.stringify(out);
    return out.str();
}

std::string normaliseEvent(const std::string& body) {
    Object::Ptr event;
    try {
        const auto v = Poco::JSON::Parser().parse(body);
        if (v.type() == typeid(Object::Ptr)) event = v.extract<Object::Ptr>();
    } catch (const Poco::Exception&) {
    }
    if (!event || textOf(event, "object") != "event" || textOf(event, "id").empty())
        throw Error(BOURSE_E_INVALID, "webhook: the body is not a Stripe event");
    // Signed by Stripe but carrying no object (a test ping, as §8.4's S-C1): nothing for the kernel.
    if (!event->isObject("data") || !event->getObject("data")->isObject("object"))
        return toJson(*normalise(textOf(event, "id"), "", new Object));
    return toJson(
        *normalise(textOf(event, "id"), textOf(event, "type"), event->getObject("data")->getObject("object")));
}

Object::Ptr depositState(const Object::Ptr& session) {
    Object::Ptr s = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    s->set("provider_ref", textOf(session, "id"));
    const std::string status = textOf(session, "status"), paid = textOf(session, "payment_status");
    if (status == "complete" && paid == "paid")
        s->set("status", "succeeded");
    else if (status == "expired")
        s->set("status", "failed");
    else
        s->set("status", "pending");
    setIf(*s, "payment_ref", idOf(session, "payment_intent"));
    if (auto amount = amountOf(session, "amount_total")) s->set("amount", amount);
    if (status == "expired") s->set("reason", "expired");
    return s;
}

void refineWithPaymentIntent(Object& state, const Object::Ptr& paymentIntent) {
    const std::string status = textOf(paymentIntent, "status");
    if (status == "succeeded") {
        state.set("status", "succeeded");
    } else if (status == "canceled") {
        state.set("status", "failed");
        state.set("reason", "payment_intent_canceled");
    } else if (status == "requires_payment_method" && paymentIntent->has("last_payment_error") &&
               !paymentIntent->isNull("last_payment_error")) {
        // The delayed payment was attempted and failed; Checkout does not try again.
        const auto error = paymentIntent->getObject("last_payment_error");
        const std::string code = error ? textOf(error, "code") : "";
        state.set("status", "failed");
        state.set("reason", code.empty() ? "async_payment_failed" : code);
    }
}

std::string refundStatus(const std::string& stripeStatus) {
    if (stripeStatus == "succeeded") return "succeeded";
    if (stripeStatus == "failed" || stripeStatus == "canceled") return "failed";
    return "pending";
}

Object::Ptr refundState(const Object::Ptr& refund) {
    Object::Ptr s = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    s->set("provider_ref", textOf(refund, "id"));
    const std::string status = refundStatus(textOf(refund, "status"));
    s->set("status", status);
    setIf(*s, "payment_ref", idOf(refund, "payment_intent"));
    if (auto amount = amountOf(refund, "amount")) s->set("amount", amount);
    if (status == "failed") setIf(*s, "reason", refundReason(refund));
    return s;
}

}  // namespace bourse::stripe
