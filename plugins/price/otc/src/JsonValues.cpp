#include "JsonValues.h"

#include <Poco/JSON/Parser.h>

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <sstream>

namespace bourse::otc::json {

namespace {

/// The value as text if it is a number or a string (never a boolean, object...).
std::optional<std::string> scalarText(const Poco::Dynamic::Var& v) {
    if (v.isEmpty() || v.isBoolean()) return std::nullopt;
    if (!v.isString() && !v.isNumeric()) return std::nullopt;
    try {
        return v.convert<std::string>();
    } catch (const Poco::Exception&) {
        return std::nullopt;
    }
}

template <class Int>
std::optional<Int> parseWhole(const std::string& s) {
    // "500.0" from a YAML float is still a whole number.
    std::string digits = s;
    if (const auto dot = digits.find('.'); dot != std::string::npos) {
        if (digits.find_first_not_of('0', dot + 1) != std::string::npos) return std::nullopt;
        digits.erase(dot);
    }
    Int out{};
    const char* end = digits.data() + digits.size();
    const auto [ptr, ec] = std::from_chars(digits.data(), end, out);
    if (ec != std::errc() || ptr != end || digits.empty()) return std::nullopt;
    return out;
}

}  // namespace

std::optional<std::uint64_t> unsignedNumber(const Poco::Dynamic::Var& v) {
    const auto s = scalarText(v);
    return s ? parseWhole<std::uint64_t>(*s) : std::nullopt;  // from_chars refuses a sign here
}

std::optional<double> realNumber(const Poco::Dynamic::Var& v) {
    if (v.isNumeric() && !v.isBoolean() && !v.isString()) {
        const double d = v.convert<double>();
        return std::isfinite(d) ? std::optional<double>(d) : std::nullopt;
    }
    if (!v.isString()) return std::nullopt;
    const std::string s = v.convert<std::string>();
    if (s.empty() || std::isspace(static_cast<unsigned char>(s[0]))) return std::nullopt;
    char* end = nullptr;
    const double d = std::strtod(s.c_str(), &end);  // locale: plugins never change LC_NUMERIC
    if (end != s.c_str() + s.size() || !std::isfinite(d)) return std::nullopt;
    return d;
}

std::optional<std::string> text(const Poco::Dynamic::Var& v) {
    return scalarText(v);
}

Poco::JSON::Object::Ptr parseObject(const std::string& json) {
    try {
        Poco::JSON::Parser parser;
        const Poco::Dynamic::Var root = parser.parse(json);
        if (root.type() == typeid(Poco::JSON::Object::Ptr)) return root.extract<Poco::JSON::Object::Ptr>();
    } catch (const Poco::Exception&) {
    }
    return nullptr;
}

std::string stringify(const Poco::JSON::Object& o) {
    std::ostringstream s;
    o.stringify(s);
    return s.str();
}

}  // namespace bourse::otc::json
