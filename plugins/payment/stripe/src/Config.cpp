#include "Config.h"

#include "Amounts.h"

#include <bourse/plugins/ConfigReader.h>
#include <bourse/plugin.hpp>

#include <algorithm>
#include <cctype>
#include <regex>

namespace bourse::stripe {

namespace {

using plugins::ConfigReader;

bool isoCode(const std::string& s) {
    return s.size() == 3 && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isupper(c); });
}

void minimums(const ConfigReader& cfg, StripeConfig& c) {
    c.minimumMinor = stripeMinimums();
    if (cfg.has("minimum_minor")) {
        const ConfigReader map = cfg.object("minimum_minor", "a map of currency to minor units, e.g. {INR: 5000}");
        for (const std::string& code : map.keys()) {
            if (!isoCode(code)) map.fail(code, "'" + code + "' is not an ISO 4217 code in upper case");
            c.minimumMinor[code] = map.whole(code, 0, 1, kMaxAmount);
        }
    }
    for (std::size_t i = 0; i < c.currencies.size(); ++i)
        if (!c.minimumMinor.count(c.currencies[i]))
            cfg.fail("currencies", i,
                     c.currencies[i] + " has no known Stripe minimum charge; give one in minimum_minor");
}

}  // namespace

StripeConfig StripeConfig::parse(const std::string& json) {
    const ConfigReader cfg = ConfigReader::parse(json);
    cfg.allowOnly({"api_url", "currencies", "minimum_minor", "success_url", "cancel_url", "product_name",
                   "webhook_tolerance_s", "future_skew_s", "stripe_version", "request_timeout_ms"});
    StripeConfig c;
    c.apiUrl = cfg.baseUrl("api_url", c.apiUrl);
    if (cfg.has("currencies"))
        c.currencies = cfg.strings(
            "currencies", "a list of ISO 4217 codes, e.g. [USD, EUR]", "currency", [](const std::string& code) {
                return isoCode(code) ? std::string()
                                     : "'" + code + "' is not an ISO 4217 code in upper case (e.g. USD)";
            });
    minimums(cfg, c);
    c.successUrl = cfg.optionalUrl("success_url");
    c.cancelUrl = cfg.optionalUrl("cancel_url");
    c.productName = cfg.text("product_name", c.productName);
    if (c.productName.empty() || c.productName.size() > 250) cfg.fail("product_name", "expected 1..250 characters");
    c.webhookToleranceS = cfg.whole("webhook_tolerance_s", c.webhookToleranceS, 1, 86'400);
    c.futureSkewS = cfg.whole("future_skew_s", c.futureSkewS, 0, 86'400);
    c.stripeVersion = cfg.text("stripe_version", c.stripeVersion);
    // Dated versions: "2024-06-20", and since late 2024 with a release name ("2024-09-30.acacia").
    if (!std::regex_match(c.stripeVersion, std::regex(R"(\d{4}-\d{2}-\d{2}(\.[a-z]+)?)")))
        cfg.fail("stripe_version", "'" + c.stripeVersion + "' is not a Stripe API version (e.g. 2024-06-20)");
    c.requestTimeoutMs = cfg.whole("request_timeout_ms", c.requestTimeoutMs, 100, 120'000);
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
