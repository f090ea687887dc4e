// Config and secrets are checked when the plugin is created, with the key's
// path in the message; the plugin passes the SDK's conformance checks; calls
// it does not make say why.
#include "Config.h"
#include "StripeRig.h"

#include <bourse/testing/Conformance.hpp>

#include <cppunit/extensions/HelperMacros.h>

using namespace bourse;
using namespace bourse::testing;

namespace {

/// The message create fails with ("" when it succeeds).
std::string createError(const std::string& config, const std::map<std::string, std::string>& secrets) {
    FakeHost host;
    host.setConfig(config);
    for (const auto& [k, v] : secrets)
        host.setSecret(k, v);
    PluginUnderTest p(bourse_module_entry, "stripe", host, PluginUnderTest::DeferCreate{});
    const bourse_status s = p.create();
    if (s == BOURSE_OK) return "";
    CPPUNIT_ASSERT_EQUAL_MESSAGE(host.lastError, BOURSE_E_CONFIG, s);
    return host.lastError;
}

const std::map<std::string, std::string> kSecrets = {{"secret_key", stripe_test::kSecretKey},
                                                     {"webhook_secret", stripe_test::kWebhookSecret}};

}  // namespace

class ConfigTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ConfigTest);
    CPPUNIT_TEST(testDefaults);
    CPPUNIT_TEST(testConfigErrorsNameTheKey);
    CPPUNIT_TEST(testSecrets);
    CPPUNIT_TEST(testConformance);
    CPPUNIT_TEST(testPayoutsAndUnknownQueries);
    CPPUNIT_TEST_SUITE_END();

public:
    void testDefaults() {
        const auto c = stripe::StripeConfig::parse("{}");
        CPPUNIT_ASSERT_EQUAL(std::string("https://api.stripe.com"), c.apiUrl);
        CPPUNIT_ASSERT((c.currencies == std::vector<std::string>{"USD"}));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(50), c.minimumMinor.at("USD"));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(300), c.webhookToleranceS);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(300), c.futureSkewS);
        CPPUNIT_ASSERT_EQUAL(std::string("2024-06-20"), c.stripeVersion);
        CPPUNIT_ASSERT_EQUAL(std::string("Deposit"), c.productName);
        CPPUNIT_ASSERT(c.successUrl.empty() && c.cancelUrl.empty());
        const auto d = stripe::StripeConfig::parse(
            R"({"api_url":"http://127.0.0.1:9/","currencies":["USD","INR","XYZ"],"minimum_minor":{"XYZ":"120","USD":100},)"
            R"("webhook_tolerance_s":"600","stripe_version":"2024-09-30.acacia","request_timeout_ms":100})");
        CPPUNIT_ASSERT_EQUAL(std::string("http://127.0.0.1:9"), d.apiUrl);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(120), d.minimumMinor.at("XYZ"));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(100), d.minimumMinor.at("USD"));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(50), d.minimumMinor.at("INR"));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(600), d.webhookToleranceS);
        CPPUNIT_ASSERT(d.allows("INR") && !d.allows("EUR"));
    }

    void testConfigErrorsNameTheKey() {
        const auto error = [](const std::string& config) { return createError(config, kSecrets); };
        CPPUNIT_ASSERT_EQUAL(std::string(""), error("{}"));
        CPPUNIT_ASSERT_EQUAL(std::string("config: apikey: unknown key"), error(R"({"apikey":"x"})"));
        CPPUNIT_ASSERT_EQUAL(std::string("config: api_url: must start with http:// or https://"),
                             error(R"({"api_url":"api.stripe.com"})"));
        CPPUNIT_ASSERT_EQUAL(
            std::string("config: currencies[1]: 'usd' is not an ISO 4217 code in upper case (e.g. USD)"),
            error(R"({"currencies":["EUR","usd"]})"));
        CPPUNIT_ASSERT_EQUAL(std::string("config: currencies[0]: XYZ has no known Stripe minimum charge; give one in "
                                         "minimum_minor"),
                             error(R"({"currencies":["XYZ"]})"));
        CPPUNIT_ASSERT_EQUAL(std::string("config: currencies[1]: 'USD' is listed twice"),
                             error(R"({"currencies":["USD","USD"]})"));
        CPPUNIT_ASSERT_EQUAL(std::string("config: currencies: list at least one currency"),
                             error(R"({"currencies":[]})"));
        CPPUNIT_ASSERT_EQUAL(std::string("config: minimum_minor.EUR: expected a whole number 1..99999999"),
                             error(R"({"minimum_minor":{"EUR":0}})"));
        CPPUNIT_ASSERT_EQUAL(std::string("config: webhook_tolerance_s: expected a whole number 1..86400"),
                             error(R"({"webhook_tolerance_s":0})"));
        CPPUNIT_ASSERT_EQUAL(std::string("config: future_skew_s: expected a whole number 0..86400"),
                             error(R"({"future_skew_s":-1})"));
        CPPUNIT_ASSERT_EQUAL(
            std::string("config: stripe_version: 'latest' is not a Stripe API version (e.g. 2024-06-20)"),
            error(R"({"stripe_version":"latest"})"));
        CPPUNIT_ASSERT_EQUAL(std::string("config: success_url: must start with http:// or https://"),
                             error(R"({"success_url":"/ok"})"));
        CPPUNIT_ASSERT_EQUAL(std::string("config: request_timeout_ms: expected a whole number 100..120000"),
                             error(R"({"request_timeout_ms":50})"));
        CPPUNIT_ASSERT(error("[]").rfind("config: not a JSON object", 0) == 0);
    }

    void testSecrets() {
        const auto error = [](const std::map<std::string, std::string>& secrets) { return createError("{}", secrets); };
        auto s = kSecrets;
        s.erase("secret_key");
        CPPUNIT_ASSERT(error(s).rfind("config: secrets.secret_key: missing", 0) == 0);
        s = kSecrets;
        s["secret_key"] = "pk_test_123";  // the publishable key
        CPPUNIT_ASSERT(error(s).rfind("config: secrets.secret_key: expected a Stripe secret key", 0) == 0);
        s = kSecrets;
        s["secret_key"] = std::string(stripe_test::kSecretKey) + "\n";
        CPPUNIT_ASSERT_EQUAL(std::string("config: secrets.secret_key: contains spaces or control characters"),
                             error(s));
        s = kSecrets;
        s["webhook_secret"] = stripe_test::kSecretKey;  // the API key where the signing secret belongs
        const std::string swapped = error(s);
        CPPUNIT_ASSERT(swapped.rfind("config: secrets.webhook_secret: expected the endpoint's signing secret", 0) == 0);
        CPPUNIT_ASSERT(swapped.find(stripe_test::kSecretKey) == std::string::npos);
        s = kSecrets;
        s.erase("webhook_secret");
        CPPUNIT_ASSERT(error(s).rfind("config: secrets.webhook_secret: missing", 0) == 0);
        s = kSecrets;
        s["webhook_secret_previous"] = "whsec_old ";
        CPPUNIT_ASSERT_EQUAL(
            std::string("config: secrets.webhook_secret_previous: contains spaces or control characters"), error(s));
        s["webhook_secret_previous"] = "whsec_old";
        CPPUNIT_ASSERT_EQUAL(std::string(""), error(s));
        s["secret_key"] = "rk_live_restricted";
        CPPUNIT_ASSERT_EQUAL(std::string(""), error(s));
    }

    void testConformance() {
        FakeHost host;
        stripe_test::configure(host);
        const auto problems = checkConformance(bourse_module_entry, "stripe", host);
        CPPUNIT_ASSERT_MESSAGE(joinLines(problems), problems.empty());
        PluginUnderTest p(bourse_module_entry, "stripe", host);
        CPPUNIT_ASSERT_EQUAL(BOURSE_KIND_PAYMENT_GATEWAY, p.descriptor().kind);
        CPPUNIT_ASSERT_EQUAL(std::string("1.0.0"), std::string(p.descriptor().version));
    }

    void testPayoutsAndUnknownQueries() {
        FakeHost host;
        stripe_test::configure(host);
        PluginUnderTest p(bourse_module_entry, "stripe", host);
        const auto payout = p.payout(stripe_test::refund("wd_1", "pi_1", 1000));
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_UNSUPPORTED, payout.status);
        CPPUNIT_ASSERT(payout.text.find("withdraw_via: refund") != std::string::npos);
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_UNSUPPORTED, p.query(stripe_test::query("payout", "po_1")).status);
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_INVALID, p.query(stripe_test::query("other", "cs_1")).status);
        // A reference that is not an id of the right kind never reaches a URL.
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_INVALID, p.query(stripe_test::query("deposit", "cs_1/../refunds")).status);
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_INVALID, p.query(stripe_test::query("refund", "cs_1")).status);
        CPPUNIT_ASSERT(host.requests.empty());
        CPPUNIT_ASSERT(p.violations().empty());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ConfigTest);
