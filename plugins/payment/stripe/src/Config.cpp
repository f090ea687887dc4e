#include "Config.h"

#include "Amounts.h"

#include <bourse/plugin.hpp>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <cctype>
#include <regex>

namespace bourse::stripe {

namespace {

[[noreturn]] void fail(const std::string& key, const std::string& why) {
    throw Error(BOURSE_E_CONFIG, "config: " + key + ": " + why);
}

/// A whole number as the kernel hands it over: 300 or "300" (YAML may quote it).
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

std::string httpUrl(const Poco::JSON::Object::Ptr& o, const std::string& key, const std::string& fallback) {
    std::string url = text(o, key, fallback);
    if (!url.empty() && url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0)
        fail(key, "must start with http:// or https://");
    return url;
}

bool isoCode(const std::string& s) {
    return s.size() == 3 && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isupper(c); });
}

void checkKeys(const Poco::JSON::Object::Ptr& o, const std::vector<std::string>& known, const std::string& prefix) {
    for (const auto& [k, v] : *o)
        if (std::find(known.begin(), known.end(), k) == known.end()) fail(prefix + k, "unknown key");
}

std::vector<std::string> currencyList(const Poco::JSON::Object::Ptr& cfg) {
    if (!cfg->has("currencies")) return {"USD"};
    if (cfg->get("currencies").type() != typeid(Poco::JSON::Array::Ptr))
        fail("currencies", "expected a list of ISO 4217 codes, e.g. [USD, EUR]");
    const auto list = cfg->getArray("currencies");
    if (list->size() == 0) fail("currencies", "list at least one currency");
    std::vector<std::string> out;
    for (std::size_t i = 0; i < list->size(); ++i) {
        const std::string path = "currencies[" + std::to_string(i) + "]";
        const auto v = list->get(static_cast<unsigned>(i));
        const std::string code = v.isString() ? v.convert<std::string>() : "";
        if (!isoCode(code)) fail(path, "'" + code + "' is not an ISO 4217 code in upper case (e.g. USD)");
        if (std::find(out.begin(), out.end(), code) != out.end()) fail(path, "'" + code + "' is listed twice");
        out.push_back(code);
    }
    return out;
}

void minimums(const Poco::JSON::Object::Ptr& cfg, StripeConfig& c) {
    c.minimumMinor = stripeMinimums();
    if (cfg->has("minimum_minor")) {
        if (cfg->get("minimum_minor").type() != typeid(Poco::JSON::Object::Ptr))
            fail("minimum_minor", "expected a map of currency to minor units, e.g. {INR: 5000}");
        for (const auto& [code, value] : *cfg->getObject("minimum_minor")) {
            const std::string path = "minimum_minor." + code;
            if (!isoCode(code)) fail(path, "'" + code + "' is not an ISO 4217 code in upper case");
            const auto n = wholeNumber(value);
            if (!n || *n < 1 || *n > kMaxAmount) fail(path, "expected a whole number 1.." + std::to_string(kMaxAmount));
            c.minimumMinor[code] = *n;
        }
    }
    for (std::size_t i = 0; i < c.currencies.size(); ++i)
        if (!c.minimumMinor.count(c.currencies[i]))
            fail("currencies[" + std::to_string(i) + "]",
                 c.currencies[i] + " has no known Stripe minimum charge; give one in minimum_minor");
}

}  // namespace

StripeConfig StripeConfig::parse(const std::string& json) {
    Poco::JSON::Object::Ptr cfg;
    try {
        const auto v = Poco::JSON::Parser().parse(json);
        if (v.type() == typeid(Poco::JSON::Object::Ptr)) cfg = v.extract<Poco::JSON::Object::Ptr>();
    } catch (const Poco::Exception& e) {
        throw Error(BOURSE_E_CONFIG, "config: not a JSON object: " + e.message());
    }
    if (!cfg) throw Error(BOURSE_E_CONFIG, "config: not a JSON object");
    checkKeys(cfg,
              {"api_url", "currencies", "minimum_minor", "success_url", "cancel_url", "product_name",
               "webhook_tolerance_s", "future_skew_s", "stripe_version", "request_timeout_ms"},
              "");
    StripeConfig c;
    c.apiUrl = httpUrl(cfg, "api_url", c.apiUrl);
    if (c.apiUrl.empty()) fail("api_url", "must not be empty");
    while (c.apiUrl.back() == '/')
        c.apiUrl.pop_back();
    c.currencies = currencyList(cfg);
    minimums(cfg, c);
    c.successUrl = httpUrl(cfg, "success_url", "");
    c.cancelUrl = httpUrl(cfg, "cancel_url", "");
    c.productName = text(cfg, "product_name", c.productName);
    if (c.productName.empty() || c.productName.size() > 250) fail("product_name", "expected 1..250 characters");
    c.webhookToleranceS = number(cfg, "webhook_tolerance_s", c.webhookToleranceS, 1, 86'400);
    c.futureSkewS = number(cfg, "future_skew_s", c.futureSkewS, 0, 86'400);
    c.stripeVersion = text(cfg, "stripe_version", c.stripeVersion);
    // Dated versions: "2024-06-20", and since late 2024 with a release name ("2024-09-30.acacia").
    if (!std::regex_match(c.stripeVersion, std::regex(R"(\d{4}-\d{2}-\d{2}(\.[a-z]+)?)")))
        fail("stripe_version", "'" + c.stripeVersion + "' is not a Stripe API version (e.g. 2024-06-20)");
    c.requestTimeoutMs = number(cfg, "request_timeout_ms", c.requestTimeoutMs, 100, 120'000);
    return c;
}

bool StripeConfig::allows(const std::string& currency) const {
    return std::find(currencies.begin(), currencies.end(), currency) != currencies.end();
}

namespace {

/// Stray whitespace in a secret (a newline from an env file) breaks every signature silently: refuse it.
void checkSecret(const std::string& name, const std::string& value, const std::vector<std::string>& prefixes,
                 const std::string& expected) {
    if (!std::all_of(value.begin(), value.end(), [](unsigned char c) { return c > 0x20 && c < 0x7f; }))
        throw Error(BOURSE_E_CONFIG, "config: secrets." + name + ": contains spaces or control characters");
    if (std::none_of(prefixes.begin(), prefixes.end(), [&](const std::string& p) { return value.rfind(p, 0) == 0; }))
        throw Error(BOURSE_E_CONFIG, "config: secrets." + name + ": expected " + expected);
}

}  // namespace

StripeSecrets StripeSecrets::make(const std::optional<std::string>& key, const std::optional<std::string>& webhook,
                                  const std::optional<std::string>& previous) {
    StripeSecrets s;
    if (!key || key->empty())
        throw Error(BOURSE_E_CONFIG,
                    "config: secrets.secret_key: missing; map the Stripe secret key into the plugin's secrets, e.g. "
                    "secrets: {secret_key: ${STRIPE_SECRET_KEY}, webhook_secret: ${STRIPE_WEBHOOK_SECRET}}");
    checkSecret("secret_key", *key, {"sk_", "rk_"}, "a Stripe secret key (sk_test_…, sk_live_… or rk_…)");
    s.secretKey = *key;
    if (!webhook || webhook->empty())
        throw Error(BOURSE_E_CONFIG,
                    "config: secrets.webhook_secret: missing; the endpoint's signing secret (whsec_…) from the "
                    "Stripe dashboard");
    checkSecret("webhook_secret", *webhook, {"whsec_"}, "the endpoint's signing secret (whsec_…), not the API key");
    s.webhookSecrets.push_back(*webhook);
    if (previous && !previous->empty()) {
        checkSecret("webhook_secret_previous", *previous, {"whsec_"}, "a signing secret (whsec_…)");
        s.webhookSecrets.push_back(*previous);
    }
    return s;
}

}  // namespace bourse::stripe
