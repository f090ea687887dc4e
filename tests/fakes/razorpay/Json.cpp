#include "Json.h"

#include <Poco/JSON/Parser.h>
#include <Poco/JSONString.h>

#include <sstream>

namespace bourse::fakes::razorpay {

Poco::JSON::Object::Ptr object() {
    return new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
}

std::string stringify(const Poco::Dynamic::Var& v) {
    std::ostringstream out;
    Poco::JSON::Stringifier::stringify(v, out);
    return out.str();
}

std::optional<Poco::JSON::Object::Ptr> parseObject(const std::string& text) {
    try {
        const Poco::Dynamic::Var v = Poco::JSON::Parser().parse(text);
        if (v.type() == typeid(Poco::JSON::Object::Ptr)) return v.extract<Poco::JSON::Object::Ptr>();
    } catch (const Poco::Exception&) {
        // Not JSON: the caller answers Razorpay's error.
    }
    return std::nullopt;
}

std::string canonical(const Poco::Dynamic::Var& v) {
    // Poco's default objects iterate in key order: re-reading the text sorts every level.
    std::ostringstream out;
    Poco::JSON::Stringifier::stringify(Poco::JSON::Parser().parse(stringify(v)), out);
    return out.str();
}

std::optional<Answer> unknownKeys(const Poco::JSON::Object::Ptr& body, const std::set<std::string>& known) {
    for (const auto& [k, v] : *body)
        if (!known.count(k))
            return errorAnswer(400, "BAD_REQUEST_ERROR", k + " is/are not required and should not be sent", k);
    return std::nullopt;
}

std::optional<Answer> checkAmount(const Poco::JSON::Object::Ptr& body, const std::string& currency, bool required,
                                  std::int64_t min) {
    if (!body->has("amount")) {
        if (!required) return std::nullopt;
        return errorAnswer(400, "BAD_REQUEST_ERROR", "The amount field is required.", "amount");
    }
    const Poco::Dynamic::Var v = body->get("amount");
    if (!v.isInteger()) return errorAnswer(400, "BAD_REQUEST_ERROR", "The amount must be an integer.", "amount");
    if (v.convert<std::int64_t>() < min)
        return errorAnswer(
            400, "BAD_REQUEST_ERROR",
            "The amount must be at least " + (currency.empty() ? std::string("INR") : currency) + " 1.00", "amount",
            "amount_less_than_minimum_amount");
    return std::nullopt;
}

std::optional<Answer> checkString(const Poco::JSON::Object::Ptr& body, const std::string& key, std::size_t max) {
    if (!body->has(key) || body->isNull(key)) return std::nullopt;
    if (!body->get(key).isString())
        return errorAnswer(400, "BAD_REQUEST_ERROR", "The " + key + " must be a string.", key);
    if (body->getValue<std::string>(key).size() > max)
        return errorAnswer(400, "BAD_REQUEST_ERROR",
                           "The " + key + " may not be greater than " + std::to_string(max) + " characters.", key);
    return std::nullopt;
}

std::optional<Answer> checkNotes(const Poco::JSON::Object::Ptr& body, Poco::Dynamic::Var& out) {
    out = Poco::JSON::Array::Ptr(new Poco::JSON::Array);
    if (!body->has("notes") || body->isNull("notes")) return std::nullopt;
    const Poco::Dynamic::Var v = body->get("notes");
    if (v.type() == typeid(Poco::JSON::Array::Ptr)) {
        if (v.extract<Poco::JSON::Array::Ptr>()->size() == 0) return std::nullopt;
        return errorAnswer(400, "BAD_REQUEST_ERROR", "The notes must be an object of key-value pairs.", "notes");
    }
    if (v.type() != typeid(Poco::JSON::Object::Ptr))
        return errorAnswer(400, "BAD_REQUEST_ERROR", "The notes must be an object of key-value pairs.", "notes");
    const auto notes = v.extract<Poco::JSON::Object::Ptr>();
    if (notes->size() > 15)
        return errorAnswer(400, "BAD_REQUEST_ERROR", "The notes may not have more than 15 items.", "notes");
    auto copy = object();
    for (const auto& [k, value] : *notes) {
        if (!value.isString() && !value.isNumeric())
            return errorAnswer(400, "BAD_REQUEST_ERROR", "The notes." + k + " must be a string.", "notes");
        if (value.toString().size() > 256)
            return errorAnswer(400, "BAD_REQUEST_ERROR", "The notes." + k + " may not be greater than 256 characters.",
                               "notes");
        copy->set(k, value);
    }
    if (copy->size() > 0) out = copy;
    return std::nullopt;
}

std::string str(const Poco::JSON::Object::Ptr& o, const std::string& key) {
    if (!o || !o->has(key) || !o->get(key).isString()) return "";
    return o->getValue<std::string>(key);
}

Answer ok(const Poco::JSON::Object::Ptr& entity, int status) {
    return Answer{status, stringify(entity)};
}

Answer notFound() {
    return errorAnswer(400, "BAD_REQUEST_ERROR", "The id provided does not exist");
}

}  // namespace bourse::fakes::razorpay
