#include "Config.h"

#include <bourse/plugin.hpp>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/URI.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>
#include <vector>

namespace bourse::sumsub {

namespace {

constexpr std::array<const char*, 4> kPlaceholders = {"{access_token}", "{applicant_id}", "{user_ref}", "{level_name}"};

[[noreturn]] void fail(const std::string& key, const std::string& why) {
    throw Error(BOURSE_E_CONFIG, "config: " + key + ": " + why);
}

/// A whole number as the kernel hands it over: 600 or "600" (YAML may quote it).
std::optional<std::int64_t> wholeNumber(const Poco::Dynamic::Var& v) {
    if (v.isInteger()) return v.convert<std::int64_t>();
    if (!v.isString()) return std::nullopt;
    const std::string s = v.convert<std::string>();
    if (s.empty() || s.size() > 15 || !std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); }))
        return std::nullopt;
    return std::stoll(s);
}

std::int64_t number(const Poco::JSON::Object::Ptr& o, const std::string& key, std::int64_t fallback, std::int64_t min,
                    std::int64_t max) {
    if (!o->has(key)) return fallback;
    const auto n = wholeNumber(o->get(key));
    if (!n || *n < min || *n > max)
        fail(key, "expected a whole number " + std::to_string(min) + ".." + std::to_string(max));
    return *n;
}

std::string text(const Poco::JSON::Object::Ptr& o, const std::string& key, const std::string& fallback) {
    if (!o->has(key)) return fallback;
    if (!o->get(key).isString()) fail(key, "expected a string");
    return o->getValue<std::string>(key);
}

bool httpUrl(const std::string& s) {
    return s.rfind("http://", 0) == 0 || s.rfind("https://", 0) == 0;
}

/// Level names are set in the Sumsub dashboard; what they may contain is kept
/// to what travels unchanged in a query string and a JSON string.
bool validLevelName(const std::string& s) {
    return !s.empty() && s.size() <= 128 && std::all_of(s.begin(), s.end(), [](unsigned char c) {
        return std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == ' ';
    });
}

void checkTemplate(const std::string& url) {
    if (url.empty()) return;
    if (!httpUrl(url) && url.front() != '/')
        fail("websdk_url", "must start with https://, http:// or / (a page of the kernel's own site)");
    for (std::size_t open = url.find('{'); open != std::string::npos; open = url.find('{', open + 1)) {
        const std::size_t close = url.find('}', open);
        if (close == std::string::npos) fail("websdk_url", "unclosed '{'");
        const std::string name = url.substr(open, close - open + 1);
        if (std::find(kPlaceholders.begin(), kPlaceholders.end(), name) == kPlaceholders.end())
            fail("websdk_url",
                 "unknown placeholder " + name + " (known: {access_token}, {applicant_id}, {user_ref}, {level_name})");
    }
}

std::string encoded(const std::string& value) {
    std::string out;
    Poco::URI::encode(value, "!#$&'()*+,/:;=?@[]", out);  // a query value or a path segment either way
    return out;
}

}  // namespace

SumsubConfig SumsubConfig::parse(const std::string& json) {
    Poco::JSON::Object::Ptr cfg;
    try {
        const auto v = Poco::JSON::Parser().parse(json);
        if (v.type() == typeid(Poco::JSON::Object::Ptr)) cfg = v.extract<Poco::JSON::Object::Ptr>();
    } catch (const Poco::Exception& e) {
        throw Error(BOURSE_E_CONFIG, "config: not a JSON object: " + e.message());
    }
    if (!cfg) throw Error(BOURSE_E_CONFIG, "config: not a JSON object");
    static const std::vector<std::string> known = {"api_url", "level_name", "websdk_url", "token_ttl_s",
                                                   "request_timeout_ms"};
    for (const auto& [k, v] : *cfg)
        if (std::find(known.begin(), known.end(), k) == known.end()) fail(k, "unknown key");

    SumsubConfig c;
    c.apiUrl = text(cfg, "api_url", c.apiUrl);
    if (!httpUrl(c.apiUrl)) fail("api_url", "must start with https:// (or http:// for a local fake)");
    while (!c.apiUrl.empty() && c.apiUrl.back() == '/')
        c.apiUrl.pop_back();
    try {
        if (!Poco::URI(c.apiUrl).getPath().empty() || c.apiUrl.find('?') != std::string::npos)
            fail("api_url", "scheme, host and port only (the plugin adds /resources/...)");
    } catch (const Poco::Exception& e) {
        fail("api_url", "not a URL: " + e.message());
    }
    c.levelName = text(cfg, "level_name", c.levelName);
    if (!validLevelName(c.levelName))
        fail("level_name", "1..128 letters, digits, spaces and '-', '_', '.' (the level's name in Sumsub)");
    c.websdkUrl = text(cfg, "websdk_url", c.websdkUrl);
    checkTemplate(c.websdkUrl);
    // Sumsub's WebSDK asks for a new token when one expires; a minute is the least that makes sense.
    c.tokenTtlS = number(cfg, "token_ttl_s", c.tokenTtlS, 60, 86'400);
    c.requestTimeoutMs = number(cfg, "request_timeout_ms", c.requestTimeoutMs, 100, 120'000);
    return c;
}

std::string SumsubConfig::redirectUrl(const std::string& accessToken, const std::string& applicantId,
                                      const std::string& userRef) const {
    std::string out = websdkUrl;
    const std::array<std::string, 4> values = {accessToken, applicantId, userRef, levelName};
    for (std::size_t i = 0; i < kPlaceholders.size(); ++i) {
        const std::string name = kPlaceholders[i];
        const std::string value = encoded(values[i]);
        for (std::size_t at = out.find(name); at != std::string::npos; at = out.find(name, at + value.size()))
            out.replace(at, name.size(), value);
    }
    return out;
}

}  // namespace bourse::sumsub
