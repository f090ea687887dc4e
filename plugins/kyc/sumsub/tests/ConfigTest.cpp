// Config and secrets: refused when the plugin is created, with the key's path
// in the message; defaults; the WebSDK URL template; alpha-2 → alpha-3; and
// the SDK's conformance kit (lifecycle twice, unknown command, messages).
#include "Config.h"
#include "Countries.h"

#include <bourse/testing/Conformance.hpp>
#include <bourse/testing/FakeHost.hpp>
#include <bourse/testing/PluginUnderTest.hpp>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <cppunit/extensions/HelperMacros.h>

extern "C" const bourse_module bourse_module_entry;

using namespace bourse;
using namespace bourse::testing;
using bourse::sumsub::SumsubConfig;

namespace {

void secrets(FakeHost& host) {
    host.setSecret("app_token", "sbx:app-token-1");
    host.setSecret("secret_key", "secret-key-1");
    host.setSecret("webhook_secret", "webhook-secret-1");
}

/// Creates the plugin with `config`; the status and the message it reported.
std::pair<bourse_status, std::string> create(const std::string& config, bool withSecrets = true) {
    FakeHost host;
    host.setConfig(config);
    if (withSecrets) secrets(host);
    PluginUnderTest p(bourse_module_entry, "sumsub", host, PluginUnderTest::DeferCreate{});
    const bourse_status s = p.create();
    return {s, host.lastError};
}

void assertRefused(const std::string& config, const std::string& message) {
    const auto [status, error] = create(config);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(config, BOURSE_E_CONFIG, status);
    CPPUNIT_ASSERT_MESSAGE(error + " lacks: " + message, error.find(message) != std::string::npos);
}

}  // namespace

class ConfigTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ConfigTest);
    CPPUNIT_TEST(testDefaults);
    CPPUNIT_TEST(testRefusalsNameTheKey);
    CPPUNIT_TEST(testSecretsRequired);
    CPPUNIT_TEST(testWebsdkUrlTemplate);
    CPPUNIT_TEST(testAlpha3);
    CPPUNIT_TEST(testConformance);
    CPPUNIT_TEST_SUITE_END();

public:
    void testDefaults() {
        const SumsubConfig c = SumsubConfig::parse("{}");
        CPPUNIT_ASSERT_EQUAL(std::string("https://api.sumsub.com"), c.apiUrl);
        CPPUNIT_ASSERT_EQUAL(std::string("basic-kyc-level"), c.levelName);
        CPPUNIT_ASSERT_EQUAL(std::string(""), c.websdkUrl);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(600), c.tokenTtlS);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(10'000), c.requestTimeoutMs);
        const SumsubConfig d = SumsubConfig::parse(
            R"({"api_url":"http://127.0.0.1:9/","level_name":"id and liveness","token_ttl_s":"1200","request_timeout_ms":500})");
        CPPUNIT_ASSERT_EQUAL(std::string("http://127.0.0.1:9"), d.apiUrl);  // trailing slash dropped
        CPPUNIT_ASSERT_EQUAL(std::string("id and liveness"), d.levelName);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1200), d.tokenTtlS);  // YAML may quote numbers
        CPPUNIT_ASSERT_EQUAL(std::int64_t(500), d.requestTimeoutMs);
        CPPUNIT_ASSERT_EQUAL(BOURSE_OK, create("{}").first);
    }

    void testRefusalsNameTheKey() {
        assertRefused(R"({"levelName":"x"})", "config: levelName: unknown key");
        assertRefused(R"({"api_url":"ftp://api.sumsub.com"})", "config: api_url:");
        assertRefused(R"({"api_url":"https://api.sumsub.com/resources"})", "config: api_url:");
        assertRefused(R"({"api_url":42})", "config: api_url: expected a string");
        assertRefused(R"({"level_name":""})", "config: level_name:");
        assertRefused(R"({"level_name":"basic&level=other"})", "config: level_name:");
        assertRefused(R"({"token_ttl_s":30})", "config: token_ttl_s: expected a whole number 60..86400");
        assertRefused(R"({"token_ttl_s":"ten"})", "config: token_ttl_s:");
        assertRefused(R"({"request_timeout_ms":50})", "config: request_timeout_ms:");
        assertRefused(R"({"websdk_url":"kyc.html?t={access_token}"})", "config: websdk_url: must start with");
        assertRefused(R"({"websdk_url":"https://x.test/?t={token}"})",
                      "config: websdk_url: unknown placeholder {token}");
        assertRefused(R"({"websdk_url":"https://x.test/?t={access_token"})", "config: websdk_url: unclosed");
        assertRefused("[1,2]", "config: not a JSON object");
        assertRefused("{nope", "config: not a JSON object");
    }

    void testSecretsRequired() {
        for (const char* missing : {"app_token", "secret_key", "webhook_secret"}) {
            FakeHost host;
            secrets(host);
            host.setSecret(missing, "");
            PluginUnderTest p(bourse_module_entry, "sumsub", host, PluginUnderTest::DeferCreate{});
            CPPUNIT_ASSERT_EQUAL(BOURSE_E_CONFIG, p.create());
            CPPUNIT_ASSERT_MESSAGE(host.lastError, host.lastError.find(std::string("secret ") + missing +
                                                                       " is missing") != std::string::npos);
        }
        // The same secret for signing and for webhooks works but is almost always a mistake: a warning.
        FakeHost host;
        secrets(host);
        host.setSecret("webhook_secret", "secret-key-1");
        PluginUnderTest p(bourse_module_entry, "sumsub", host);
        CPPUNIT_ASSERT_EQUAL(BOURSE_OK, p.start());
        bool warned = false;
        for (const auto& line : host.logs) {
            warned = warned || (line.level == BOURSE_LOG_WARN && line.text.find("webhook_secret") != std::string::npos);
            CPPUNIT_ASSERT(line.text.find("secret-key-1") == std::string::npos);  // never a secret in the log
        }
        CPPUNIT_ASSERT(warned);
    }

    void testWebsdkUrlTemplate() {
        const SumsubConfig c = SumsubConfig::parse(
            R"({"websdk_url":"https://bourse.test/kyc?token={access_token}&a={applicant_id}&u={user_ref}&l={level_name}"})");
        CPPUNIT_ASSERT_EQUAL(
            std::string("https://bourse.test/kyc?token=_act-a%2Bb%3D&a=abc123&u=user%3A1&l=basic-kyc-level"),
            c.redirectUrl("_act-a+b=", "abc123", "user:1"));
        const SumsubConfig relative = SumsubConfig::parse(R"({"websdk_url":"/#kyc/{access_token}"})");
        CPPUNIT_ASSERT_EQUAL(std::string("/#kyc/tok"), relative.redirectUrl("tok", "id", "u"));
        CPPUNIT_ASSERT_EQUAL(std::string(""), SumsubConfig::parse("{}").redirectUrl("tok", "id", "u"));
    }

    void testAlpha3() {
        CPPUNIT_ASSERT_EQUAL(std::string("DEU"), *sumsub::alpha3("DE"));
        CPPUNIT_ASSERT_EQUAL(std::string("DEU"), *sumsub::alpha3("de"));
        CPPUNIT_ASSERT_EQUAL(std::string("GBR"), *sumsub::alpha3("GB"));
        CPPUNIT_ASSERT_EQUAL(std::string("IND"), *sumsub::alpha3("IN"));
        CPPUNIT_ASSERT_EQUAL(std::string("USA"), *sumsub::alpha3("US"));
        CPPUNIT_ASSERT_EQUAL(std::string("AND"), *sumsub::alpha3("AD"));  // first and last entries still found
        CPPUNIT_ASSERT_EQUAL(std::string("ZWE"), *sumsub::alpha3("ZW"));
        CPPUNIT_ASSERT_EQUAL(std::string("XKX"), *sumsub::alpha3("XK"));
        CPPUNIT_ASSERT(!sumsub::alpha3("ZZ"));
        CPPUNIT_ASSERT(!sumsub::alpha3("DEU"));
        CPPUNIT_ASSERT(!sumsub::alpha3(""));
    }

    void testConformance() {
        FakeHost host;
        secrets(host);
        const auto problems = checkConformance(bourse_module_entry, "sumsub", host);
        CPPUNIT_ASSERT_MESSAGE(joinLines(problems), problems.empty());
        PluginUnderTest p(bourse_module_entry, "sumsub", host);
        const auto status = p.command("status", "{}");
        CPPUNIT_ASSERT_EQUAL(BOURSE_OK, status.status);
        const auto o = Poco::JSON::Parser().parse(status.text).extract<Poco::JSON::Object::Ptr>();
        CPPUNIT_ASSERT_EQUAL(std::string("https://api.sumsub.com"), o->getValue<std::string>("api_url"));
        CPPUNIT_ASSERT(status.text.find("secret-key-1") == std::string::npos);
        CPPUNIT_ASSERT(status.text.find("sbx:app-token-1") == std::string::npos);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ConfigTest);
