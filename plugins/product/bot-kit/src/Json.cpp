#include <bourse/botkit/Json.h>

#include <Poco/Exception.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>

#include <algorithm>
#include <sstream>

namespace bourse::botkit {

namespace {

bool isObject(const Poco::Dynamic::Var& v) {
    return v.type() == typeid(Poco::JSON::Object::Ptr);
}
bool isArray(const Poco::Dynamic::Var& v) {
    return v.type() == typeid(Poco::JSON::Array::Ptr);
}

/// The text of a decimal: a JSON string, or a JSON integer (never a float or a boolean).
std::optional<std::string> numberText(const Poco::Dynamic::Var& v) {
    // Poco counts a boolean as an integer: rule it out first.
    if (v.isEmpty() || v.isBoolean()) return std::nullopt;
    if (v.isString()) return v.convert<std::string>();
    if (v.isInteger()) return v.convert<std::string>();
    return std::nullopt;
}

/// A whole number from a JSON integer or a string of digits (optionally signed).
std::optional<std::int64_t> wholeOf(const Poco::Dynamic::Var& v) {
    if (v.isEmpty() || v.isBoolean()) return std::nullopt;
    try {
        if (v.isInteger()) return v.convert<std::int64_t>();
        if (v.isString()) {
            const std::string s = v.convert<std::string>();
            const std::size_t digits = s.size() - (!s.empty() && s[0] == '-' ? 1 : 0);
            if (digits == 0 || digits > 18 ||
                !std::all_of(s.end() - static_cast<std::ptrdiff_t>(digits), s.end(),
                             [](char c) { return c >= '0' && c <= '9'; }))
                return std::nullopt;
            return std::stoll(s);
        }
    } catch (const Poco::Exception&) {
    }
    return std::nullopt;
}

std::string joinPath(const std::string& path, std::string_view key) {
    return path.empty() ? std::string(key) : path + "." + std::string(key);
}

}  // namespace

JsonObject parseObject(const std::string& text, bourse_status status, const std::string& what) {
    try {
        const Poco::Dynamic::Var v = Poco::JSON::Parser().parse(text.empty() ? "{}" : text);
        if (isObject(v)) return v.extract<Poco::JSON::Object::Ptr>();
    } catch (const Poco::Exception&) {
    }
    throw Error(status, what + ": expected a JSON object");
}

std::string stringify(const JsonObject& object) {
    std::ostringstream out;
    Poco::JSON::Stringifier::condense(object, out);
    return out.str();
}

std::string money(std::int64_t minor, int scale) {
    return Decimal(minor, scale).toString();
}

std::int64_t parseMoney(const std::string& text, int scale) {
    return Decimal::parse(text, scale).rescaled(scale).mantissa;
}

void refuseIfAny(const bots::FieldErrors& errors, const std::string& prefix) {
    if (errors.empty()) return;
    std::string message;
    for (const auto& e : errors) {
        if (!message.empty()) message += "; ";
        message += prefix + e.field + ": " + e.message;
    }
    throw Error(BOURSE_E_INVALID, message);
}

// ---------------------------------------------------------------------------
// ParamReader

ParamReader::ParamReader(JsonObject object, std::string path, bots::FieldErrors& errors)
    : _object(std::move(object)), _path(std::move(path)), _errors(errors) {}

std::string ParamReader::path(std::string_view key) const {
    return joinPath(_path, key);
}

void ParamReader::fail(std::string_view key, const std::string& why) const {
    _errors.push_back({path(key), why});
}

Poco::Dynamic::Var ParamReader::get(std::string_view key) const {
    if (!_object) return {};
    return _object->get(std::string(key));
}

bool ParamReader::has(std::string_view key) const {
    return !get(key).isEmpty();
}

void ParamReader::allowOnly(std::initializer_list<std::string_view> known) const {
    if (!_object) return;
    for (const auto& [key, value] : *_object)
        if (std::find(known.begin(), known.end(), key) == known.end()) fail(key, "unknown parameter");
}

bool ParamReader::require(std::string_view key) const {
    if (has(key)) return true;
    fail(key, "required");
    return false;
}

void ParamReader::add(const bots::FieldErrors& found) const {
    for (const auto& e : found)
        fail(e.field, e.message);
}

std::optional<Decimal> ParamReader::decimal(std::string_view key) const {
    const Poco::Dynamic::Var v = get(key);
    if (v.isEmpty()) return std::nullopt;
    const auto written = numberText(v);
    if (!written) {
        fail(key, "expected a decimal string such as \"1.5\"");
        return std::nullopt;
    }
    try {
        return Decimal::parse(*written);
    } catch (const std::invalid_argument& e) {
        fail(key, std::string("expected a decimal string such as \"1.5\" (") + e.what() + ")");
    }
    return std::nullopt;
}

std::optional<std::int64_t> ParamReader::money(std::string_view key, int scale) const {
    const Poco::Dynamic::Var v = get(key);
    if (v.isEmpty()) return std::nullopt;
    const auto written = numberText(v);
    if (!written) {
        fail(key, "expected an amount as a decimal string such as \"10.00\"");
        return std::nullopt;
    }
    try {
        return parseMoney(*written, scale);
    } catch (const std::invalid_argument& e) {
        const std::string why = e.what();
        fail(key, why == "too many decimals"
                      ? "has more than the quote currency's " + std::to_string(scale) + " decimals"
                      : "expected an amount as a decimal string such as \"10.00\" (" + why + ")");
    } catch (const std::overflow_error&) {
        fail(key, "is too large");
    }
    return std::nullopt;
}

std::optional<std::int64_t> ParamReader::whole(std::string_view key, std::int64_t min, std::int64_t max) const {
    const Poco::Dynamic::Var v = get(key);
    if (v.isEmpty()) return std::nullopt;
    const auto n = wholeOf(v);
    if (!n || *n < min || *n > max) {
        fail(key, "expected a whole number " + std::to_string(min) + ".." + std::to_string(max));
        return std::nullopt;
    }
    return n;
}

std::optional<bool> ParamReader::flag(std::string_view key) const {
    const Poco::Dynamic::Var v = get(key);
    if (v.isEmpty()) return std::nullopt;
    if (!v.isBoolean()) {
        fail(key, "expected true or false");
        return std::nullopt;
    }
    return v.convert<bool>();
}

std::optional<std::string> ParamReader::text(std::string_view key) const {
    const Poco::Dynamic::Var v = get(key);
    if (v.isEmpty()) return std::nullopt;
    if (!v.isString()) {
        fail(key, "expected a string");
        return std::nullopt;
    }
    return v.convert<std::string>();
}

std::optional<std::string> ParamReader::choice(std::string_view key,
                                               std::initializer_list<std::string_view> choices) const {
    const Poco::Dynamic::Var v = get(key);
    if (v.isEmpty()) return std::nullopt;
    const std::string s = v.isString() ? v.convert<std::string>() : std::string();
    if (std::find(choices.begin(), choices.end(), s) != choices.end()) return s;
    std::string list;
    for (const auto c : choices)
        list += (list.empty() ? "" : ", ") + std::string(c);
    fail(key, "must be one of " + list);
    return std::nullopt;
}

ParamReader ParamReader::object(std::string_view key) const {
    const Poco::Dynamic::Var v = get(key);
    if (!v.isEmpty() && isObject(v)) return {v.extract<Poco::JSON::Object::Ptr>(), path(key), _errors};
    if (!v.isEmpty()) fail(key, "expected an object");
    return {nullptr, path(key), _errors};
}

JsonArray ParamReader::array(std::string_view key) const {
    const Poco::Dynamic::Var v = get(key);
    if (!v.isEmpty() && isArray(v)) return v.extract<Poco::JSON::Array::Ptr>();
    if (!v.isEmpty()) fail(key, "expected a list");
    return nullptr;
}

// ---------------------------------------------------------------------------
// StateReader

Decimal decimalValue(const Poco::Dynamic::Var& value, const std::string& what) {
    const auto text = numberText(value);
    try {
        if (text) return Decimal::parse(*text);
    } catch (const std::invalid_argument&) {
    }
    throw Error(BOURSE_E_INTERNAL, "state: " + what + ": expected a decimal");
}

std::int64_t wholeValue(const Poco::Dynamic::Var& value, const std::string& what) {
    if (const auto n = wholeOf(value)) return *n;
    throw Error(BOURSE_E_INTERNAL, "state: " + what + ": expected a whole number");
}

StateReader::StateReader(JsonObject object, std::string path) : _object(std::move(object)), _path(std::move(path)) {}

void StateReader::fail(std::string_view key, const std::string& why) const {
    throw Error(BOURSE_E_INTERNAL, "state: " + joinPath(_path, key) + ": " + why);
}

Poco::Dynamic::Var StateReader::get(std::string_view key) const {
    const Poco::Dynamic::Var v = _object ? _object->get(std::string(key)) : Poco::Dynamic::Var();
    if (v.isEmpty()) fail(key, "missing");
    return v;
}

bool StateReader::has(std::string_view key) const {
    return _object && !_object->get(std::string(key)).isEmpty();
}

Decimal StateReader::decimal(std::string_view key) const {
    return decimalValue(get(key), joinPath(_path, key));
}

std::int64_t StateReader::money(std::string_view key, int scale) const {
    const Poco::Dynamic::Var v = get(key);
    try {
        if (v.isString()) return parseMoney(v.convert<std::string>(), scale);
    } catch (const std::exception&) {
    }
    fail(key, "expected an amount at " + std::to_string(scale) + " decimals");
}

std::int64_t StateReader::whole(std::string_view key) const {
    return wholeValue(get(key), joinPath(_path, key));
}

std::optional<std::int64_t> StateReader::optionalWhole(std::string_view key) const {
    if (!has(key)) return std::nullopt;
    return whole(key);
}

bool StateReader::flag(std::string_view key) const {
    const Poco::Dynamic::Var v = get(key);
    if (!v.isBoolean()) fail(key, "expected true or false");
    return v.convert<bool>();
}

std::string StateReader::text(std::string_view key) const {
    const Poco::Dynamic::Var v = get(key);
    if (!v.isString()) fail(key, "expected a string");
    return v.convert<std::string>();
}

StateReader StateReader::object(std::string_view key) const {
    const Poco::Dynamic::Var v = get(key);
    if (!isObject(v)) fail(key, "expected an object");
    return {v.extract<Poco::JSON::Object::Ptr>(), joinPath(_path, key)};
}

JsonArray StateReader::array(std::string_view key) const {
    const Poco::Dynamic::Var v = get(key);
    if (!isArray(v)) fail(key, "expected a list");
    return v.extract<Poco::JSON::Array::Ptr>();
}

StateReader StateReader::entry(std::string_view key, const JsonArray& array, std::size_t index) const {
    const std::string where = joinPath(_path, key) + "[" + std::to_string(index) + "]";
    const Poco::Dynamic::Var v = array->get(static_cast<unsigned>(index));
    if (!isObject(v)) throw Error(BOURSE_E_INTERNAL, "state: " + where + ": expected an object");
    return {v.extract<Poco::JSON::Object::Ptr>(), where};
}

}  // namespace bourse::botkit
