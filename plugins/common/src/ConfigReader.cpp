#include "bourse/plugins/ConfigReader.h"

#include <bourse/plugin.hpp>

#include <Poco/Exception.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <utility>

namespace bourse::plugins {

namespace {

[[noreturn]] void refuse(const std::string& path, const std::string& why) {
    throw Error(BOURSE_E_CONFIG, "config: " + path + ": " + why);
}

/// 300, 300.0 or "300"; nullopt for anything else (true, 2.5, "3e2", "-1", "").
std::optional<std::int64_t> wholeNumber(const Poco::Dynamic::Var& v) {
    if (v.isEmpty() || v.isBoolean()) return std::nullopt;  // Poco counts a bool as an integer
    try {
        if (v.isInteger()) return v.convert<std::int64_t>();  // above int64 throws RangeException
        if (v.isString()) {
            const std::string s = v.convert<std::string>();
            if (s.empty() || s.size() > 15 ||
                !std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); }))
                return std::nullopt;
            return std::stoll(s);
        }
        if (v.isNumeric()) {  // a JSON number with a point or an exponent
            const double d = v.convert<double>();
            if (!std::isfinite(d) || std::trunc(d) != d || std::fabs(d) > 1e15) return std::nullopt;
            return static_cast<std::int64_t>(d);
        }
    } catch (const Poco::Exception&) {
    }
    return std::nullopt;
}

/// "must start with http:// or https://".
std::string schemeRule(ConfigReader::Schemes schemes) {
    std::string out = "must start with ";
    std::size_t i = 0;
    for (const auto scheme : schemes) {
        if (i > 0) out += i + 1 == schemes.size() ? " or " : ", ";
        out.append(scheme).append("://");
        ++i;
    }
    return out;
}

bool hasScheme(const std::string& url, ConfigReader::Schemes schemes) {
    return std::any_of(schemes.begin(), schemes.end(), [&](std::string_view scheme) {
        return url.size() >= scheme.size() + 3 && url.compare(0, scheme.size(), scheme) == 0 &&
               url.compare(scheme.size(), 3, "://") == 0;
    });
}

}  // namespace

ConfigReader ConfigReader::parse(const std::string& json) {
    Poco::JSON::Object::Ptr object;
    try {
        const auto v = Poco::JSON::Parser().parse(json);
        if (v.type() == typeid(Poco::JSON::Object::Ptr)) object = v.extract<Poco::JSON::Object::Ptr>();
    } catch (const Poco::Exception& e) {
        throw Error(BOURSE_E_CONFIG, "config: not a JSON object: " + e.message());
    }
    if (!object) throw Error(BOURSE_E_CONFIG, "config: not a JSON object");
    return {object, ""};
}

ConfigReader::ConfigReader(Poco::JSON::Object::Ptr object, std::string path)
    : _object(std::move(object)), _path(std::move(path)) {}

void ConfigReader::fail(std::string_view key, const std::string& why) const {
    refuse(path(key), why);
}

void ConfigReader::fail(std::string_view key, std::size_t index, const std::string& why) const {
    refuse(path(key) + "[" + std::to_string(index) + "]", why);
}

std::string ConfigReader::path(std::string_view key) const {
    return _path.empty() ? std::string(key) : _path + "." + std::string(key);
}

bool ConfigReader::has(std::string_view key) const {
    return _object->has(std::string(key));
}

void ConfigReader::allowOnly(std::initializer_list<std::string_view> known) const {
    for (const auto& [key, value] : *_object)
        if (std::find(known.begin(), known.end(), key) == known.end()) fail(key, "unknown key");
}

void ConfigReader::require(std::string_view key, const std::string& why) const {
    if (!has(key)) fail(key, why);
}

std::vector<std::string> ConfigReader::keys() const {
    std::vector<std::string> out;
    for (const auto& [key, value] : *_object)
        out.push_back(key);
    return out;
}

Poco::Dynamic::Var ConfigReader::value(std::string_view key) const {
    return has(key) ? _object->get(std::string(key)) : Poco::Dynamic::Var();
}

std::string ConfigReader::text(std::string_view key, const std::string& fallback) const {
    return optionalText(key).value_or(fallback);
}

std::optional<std::string> ConfigReader::optionalText(std::string_view key) const {
    if (!has(key)) return std::nullopt;
    const Poco::Dynamic::Var v = value(key);
    if (!v.isString()) fail(key, "expected a string");
    return v.convert<std::string>();
}

std::int64_t ConfigReader::whole(std::string_view key, std::int64_t fallback, std::int64_t min,
                                 std::int64_t max) const {
    if (!has(key)) return fallback;
    const auto n = wholeNumber(value(key));
    if (!n || *n < min || *n > max)
        fail(key, "expected a whole number " + std::to_string(min) + ".." + std::to_string(max));
    return *n;
}

bool ConfigReader::flag(std::string_view key, bool fallback) const {
    if (!has(key)) return fallback;
    const Poco::Dynamic::Var v = value(key);
    if (v.isBoolean()) return v.convert<bool>();
    if (v.isString() && (v.convert<std::string>() == "true" || v.convert<std::string>() == "false"))
        return v.convert<std::string>() == "true";
    fail(key, "expected true or false");
}

std::string ConfigReader::url(std::string_view key, const std::string& fallback, Schemes schemes) const {
    if (!has(key)) return fallback;
    std::string out = text(key, fallback);
    if (!hasScheme(out, schemes)) fail(key, schemeRule(schemes));
    return out;
}

std::string ConfigReader::baseUrl(std::string_view key, const std::string& fallback, Schemes schemes) const {
    std::string out = url(key, fallback, schemes);
    while (!out.empty() && out.back() == '/')
        out.pop_back();
    return out;
}

std::string ConfigReader::optionalUrl(std::string_view key, Schemes schemes) const {
    if (text(key, "").empty()) return "";
    return url(key, "", schemes);
}

ConfigReader ConfigReader::object(std::string_view key, const std::string& what) const {
    const Poco::JSON::Object::Ptr child = _object->getObject(std::string(key));  // null unless an object
    if (!child) fail(key, "expected " + what);
    return {child, path(key)};
}

ConfigList ConfigReader::list(std::string_view key, const std::string& what, const std::string& noun) const {
    const Poco::JSON::Array::Ptr array = _object->getArray(std::string(key));  // null unless an array
    if (!array) fail(key, "expected " + what);
    if (array->size() == 0) fail(key, "list at least one " + noun);
    return {array, path(key)};
}

std::vector<std::string> ConfigReader::strings(std::string_view key, const std::string& what, const std::string& noun,
                                               const Check& check) const {
    const ConfigList entries = list(key, what, noun);
    std::vector<std::string> out;
    for (std::size_t i = 0; i < entries.size(); ++i) {
        std::string entry = entries.text(i);
        if (check)
            if (const std::string why = check(entry); !why.empty()) entries.fail(i, why);
        if (std::find(out.begin(), out.end(), entry) != out.end()) entries.fail(i, "'" + entry + "' is listed twice");
        out.push_back(std::move(entry));
    }
    return out;
}

ConfigList::ConfigList(Poco::JSON::Array::Ptr array, std::string path)
    : _array(std::move(array)), _path(std::move(path)) {}

std::size_t ConfigList::size() const {
    return _array->size();
}

std::string ConfigList::path(std::size_t index) const {
    return _path + "[" + std::to_string(index) + "]";
}

void ConfigList::fail(std::size_t index, const std::string& why) const {
    refuse(path(index), why);
}

std::string ConfigList::text(std::size_t index) const {
    const Poco::Dynamic::Var v = _array->get(static_cast<unsigned>(index));
    if (!v.isString()) fail(index, "expected a string");
    return v.convert<std::string>();
}

std::int64_t ConfigList::whole(std::size_t index, std::int64_t min, std::int64_t max) const {
    const auto n = wholeNumber(_array->get(static_cast<unsigned>(index)));
    if (!n || *n < min || *n > max)
        fail(index, "expected a whole number " + std::to_string(min) + ".." + std::to_string(max));
    return *n;
}

ConfigReader ConfigList::object(std::size_t index, const std::string& what) const {
    const Poco::JSON::Object::Ptr child = _array->getObject(static_cast<unsigned>(index));  // null unless an object
    if (!child) fail(index, "expected " + what);
    return {child, path(index)};
}

}  // namespace bourse::plugins
