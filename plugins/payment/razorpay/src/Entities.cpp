#include "Entities.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

namespace bourse::razorpay {

namespace {

bool isObject(const Poco::Dynamic::Var& v) {
    return v.type() == typeid(Poco::JSON::Object::Ptr) && !v.extract<Poco::JSON::Object::Ptr>().isNull();
}

/// A string field; "" when absent or null. Throws for other types.
std::string text(const Poco::JSON::Object::Ptr& o, const std::string& key) {
    if (!o->has(key) || o->isNull(key)) return "";
    const Poco::Dynamic::Var v = o->get(key);
    if (!v.isString()) throw MalformedEntity("'" + key + "' is not a string");
    return v.toString();
}

std::string required(const Poco::JSON::Object::Ptr& o, const std::string& key, const std::string& entity) {
    std::string v = text(o, key);
    if (v.empty()) throw MalformedEntity(entity + " without '" + key + "'");
    return v;
}

/// An integer field (paise, seconds); `fallback` when absent or null.
std::int64_t integer(const Poco::JSON::Object::Ptr& o, const std::string& key, std::int64_t fallback = 0) {
    if (!o->has(key) || o->isNull(key)) return fallback;
    const Poco::Dynamic::Var v = o->get(key);
    if (!v.isInteger()) throw MalformedEntity("'" + key + "' is not a whole number");
    return v.convert<std::int64_t>();
}

bool boolean(const Poco::JSON::Object::Ptr& o, const std::string& key, bool fallback) {
    if (!o->has(key) || o->isNull(key)) return fallback;
    const Poco::Dynamic::Var v = o->get(key);
    if (v.type() != typeid(bool)) throw MalformedEntity("'" + key + "' is not true or false");
    return v.extract<bool>();
}

}  // namespace

Poco::JSON::Object::Ptr parseObject(const std::string& text) {
    try {
        const Poco::Dynamic::Var v = Poco::JSON::Parser().parse(text);
        if (isObject(v)) return v.extract<Poco::JSON::Object::Ptr>();
    } catch (const Poco::Exception& e) {
        throw MalformedEntity("not JSON: " + e.message());
    }
    throw MalformedEntity("not a JSON object");
}

Notes notesOf(const Poco::JSON::Object::Ptr& o) {
    Notes out;
    if (!o->has("notes") || o->isNull("notes")) return out;
    const Poco::Dynamic::Var v = o->get("notes");
    if (v.type() == typeid(Poco::JSON::Array::Ptr)) return out;  // Razorpay writes [] for no notes
    if (!isObject(v)) throw MalformedEntity("'notes' is neither an object nor []");
    for (const auto& [k, value] : *v.extract<Poco::JSON::Object::Ptr>())
        if (!value.isEmpty()) out[k] = value.toString();  // numbers and booleans as their text
    return out;
}

std::string note(const Notes& notes, const std::string& key) {
    const auto it = notes.find(key);
    return it == notes.end() ? "" : it->second;
}

Order orderFrom(const Poco::JSON::Object::Ptr& o) {
    Order r;
    r.id = required(o, "id", "order");
    r.status = text(o, "status");
    r.currency = text(o, "currency");
    r.receipt = text(o, "receipt");
    r.amount = integer(o, "amount");
    r.amountPaid = integer(o, "amount_paid");
    r.createdAt = integer(o, "created_at");
    r.notes = notesOf(o);
    return r;
}

Payment paymentFrom(const Poco::JSON::Object::Ptr& o) {
    Payment p;
    p.id = required(o, "id", "payment");
    p.orderId = text(o, "order_id");
    p.status = required(o, "status", "payment");
    p.currency = text(o, "currency");
    p.method = text(o, "method");
    p.errorCode = text(o, "error_code");
    p.errorDescription = text(o, "error_description");
    p.errorReason = text(o, "error_reason");
    p.amount = integer(o, "amount");
    // Older payloads may lack `captured`: a captured or refunded payment was captured.
    p.captured = boolean(o, "captured", p.status == "captured" || p.status == "refunded");
    p.notes = notesOf(o);
    return p;
}

Refund refundFrom(const Poco::JSON::Object::Ptr& o) {
    Refund r;
    r.id = required(o, "id", "refund");
    r.paymentId = text(o, "payment_id");
    r.status = required(o, "status", "refund");
    r.currency = text(o, "currency");
    r.amount = integer(o, "amount");
    r.notes = notesOf(o);
    return r;
}

Payout payoutFrom(const Poco::JSON::Object::Ptr& o) {
    Payout p;
    p.id = required(o, "id", "payout");
    p.status = required(o, "status", "payout");
    p.currency = text(o, "currency");
    p.fundAccountId = text(o, "fund_account_id");
    p.referenceId = text(o, "reference_id");
    p.mode = text(o, "mode");
    p.failureReason = text(o, "failure_reason");
    p.amount = integer(o, "amount");
    p.notes = notesOf(o);
    if (o->has("status_details") && isObject(o->get("status_details")))
        p.statusDescription = text(o->getObject("status_details"), "description");
    return p;
}

FundAccount fundAccountFrom(const Poco::JSON::Object::Ptr& o) {
    FundAccount f;
    f.id = required(o, "id", "fund account");
    f.contactId = text(o, "contact_id");
    f.accountType = text(o, "account_type");
    f.active = boolean(o, "active", true);
    return f;
}

Contact contactFrom(const Poco::JSON::Object::Ptr& o) {
    return Contact{required(o, "id", "contact")};
}

std::vector<Poco::JSON::Object::Ptr> itemsOf(const Poco::JSON::Object::Ptr& collection) {
    std::vector<Poco::JSON::Object::Ptr> out;
    if (!collection->has("items") || collection->get("items").type() != typeid(Poco::JSON::Array::Ptr))
        throw MalformedEntity("collection without 'items'");
    const auto items = collection->getArray("items");
    for (std::size_t i = 0; i < items->size(); ++i) {
        const Poco::Dynamic::Var v = items->get(static_cast<unsigned>(i));
        if (!isObject(v)) throw MalformedEntity("collection item is not an object");
        out.push_back(v.extract<Poco::JSON::Object::Ptr>());
    }
    return out;
}

}  // namespace bourse::razorpay
