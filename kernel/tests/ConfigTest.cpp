// Config validation: every mistake names file, line and key; unknown keys and
// bad values are refused; ${ENV} expansion; the shipped configs validate.
#include "config/Config.h"
#include "config/YamlReader.h"

#include <cppunit/extensions/HelperMacros.h>

#include <cstdlib>
#include <filesystem>

using bourse::ConfigError;
using bourse::parseConfig;

namespace {

/// The ConfigError message for `yaml`, or "" if it parsed.
std::string errorOf(const std::string& yaml) {
    try {
        parseConfig(yaml, "test.yaml", "/tmp");
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "";
}

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

}  // namespace

class ConfigTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ConfigTest);
    CPPUNIT_TEST(testDefaultsForEmptyDocument);
    CPPUNIT_TEST(testFullDocument);
    CPPUNIT_TEST(testUnknownKeyNamesLineAndSuggests);
    CPPUNIT_TEST(testWrongTypesAndRanges);
    CPPUNIT_TEST(testPluginEntries);
    CPPUNIT_TEST(testPaymentsAndKyc);
    CPPUNIT_TEST(testEnvironmentExpansion);
    CPPUNIT_TEST(testSyntaxError);
    CPPUNIT_TEST(testPluginConfigBecomesExactJson);
    CPPUNIT_TEST(testShippedConfigsValidate);
    CPPUNIT_TEST_SUITE_END();

public:
    void testDefaultsForEmptyDocument() {
        const auto c = parseConfig("", "empty.yaml", "/srv");
        CPPUNIT_ASSERT_EQUAL(std::string("sqlite"), c.storage.driver);
        CPPUNIT_ASSERT_EQUAL(8080, c.server.port);
        CPPUNIT_ASSERT_EQUAL(std::string("/srv/data"), c.dataDir);
        CPPUNIT_ASSERT(c.plugins.empty());
    }

    void testFullDocument() {
        const auto c = parseConfig(R"(
data_dir: /var/lib/bourse
server: { host: 0.0.0.0, port: 9000, admin_token: abc }
storage: { driver: postgresql, postgresql: { dsn: "host=db user=b" } }
logging: { level: debug, format: json }
plugins:
  - id: otc
    library: bourse-plugin-otc
    config: { a: 1 }
    secrets: { api_key: s3cret }
  - id: other.source
    library: ./libs/other.so
    enabled: false
)",
                                   "full.yaml", "/etc/bourse");
        CPPUNIT_ASSERT_EQUAL(9000, c.server.port);
        CPPUNIT_ASSERT_EQUAL(std::string("postgresql"), c.storage.driver);
        CPPUNIT_ASSERT_EQUAL(std::string("host=db user=b"), c.storage.postgresDsn);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), c.plugins.size());
        CPPUNIT_ASSERT_EQUAL(std::string("s3cret"), c.plugins[0].secrets.at("api_key"));
        CPPUNIT_ASSERT(!c.plugins[1].enabled);
        CPPUNIT_ASSERT(contains(c.plugins[1].where, "full.yaml:"));
    }

    void testUnknownKeyNamesLineAndSuggests() {
        const std::string e = errorOf("server:\n  host: 127.0.0.1\n  prot: 80\n");
        CPPUNIT_ASSERT_MESSAGE(e, contains(e, "test.yaml:3:3: server.prot: unknown key (did you mean 'port'?)"));
        const std::string top = errorOf("plugin:\n  - id: otc\n");
        CPPUNIT_ASSERT_MESSAGE(top, contains(top, "test.yaml:1:1: plugin: unknown key (did you mean 'plugins'?)"));
        const std::string nested = errorOf("plugins:\n  - id: otc\n    library: x\n    enabeld: true\n");
        CPPUNIT_ASSERT_MESSAGE(
            nested, contains(nested, "test.yaml:4:5: plugins[0].enabeld: unknown key (did you mean 'enabled'?)"));
    }

    void testWrongTypesAndRanges() {
        CPPUNIT_ASSERT(contains(errorOf("server: { port: eighty }"), "server.port: expected an integer, got 'eighty'"));
        CPPUNIT_ASSERT(contains(errorOf("server: { port: 70000 }"), "server.port: must be between 0 and 65535"));
        CPPUNIT_ASSERT(contains(errorOf("storage: { driver: mysql }"),
                                "storage.driver: expected one of sqlite, postgresql, got 'mysql'"));
        CPPUNIT_ASSERT(contains(errorOf("storage: { driver: postgresql }"),
                                "storage.postgresql.dsn: required when driver is postgresql"));
        CPPUNIT_ASSERT(contains(errorOf("server: [1, 2]"), "server: expected a mapping of keys"));
        CPPUNIT_ASSERT(contains(errorOf("plugins: { id: otc }"), "plugins: expected a list"));
    }

    void testPluginEntries() {
        CPPUNIT_ASSERT(contains(errorOf("plugins:\n  - library: x\n"), "test.yaml:2:5: plugins[0].id: is required"));
        CPPUNIT_ASSERT(contains(errorOf("plugins:\n  - { id: otc }\n"), "plugins[0].library: is required"));
        CPPUNIT_ASSERT(contains(errorOf("plugins:\n  - { id: Bad Id, library: x }\n"),
                                "plugins[0].id: 'Bad Id' is not a valid plugin id"));
        CPPUNIT_ASSERT(contains(errorOf("plugins:\n  - { id: otc, library: x, enabled: yes }\n"),
                                "plugins[0].enabled: expected true or false, got 'yes'"));
        const std::string dup = errorOf("plugins:\n  - { id: otc, library: a }\n  - { id: otc, library: b }\n");
        CPPUNIT_ASSERT_MESSAGE(dup, contains(dup, "test.yaml:3:7: plugins[1].id: duplicate plugin id 'otc'"));
    }

    void testPaymentsAndKyc() {
        const auto c = parseConfig(
            "payments:\n  limits:\n    USD: { min_deposit: \"5.00\", max_deposit: \"50.00\", daily_deposit: \"80\","
            " auto_approve_below: \"20.00\" }\n  reconcile_after_s: 30\n"
            "kyc: { provider: manual, required_for: [withdrawals, trading] }\n"
            "plugins:\n  - { id: manual, library: x }\n  - { id: stripe, library: y, withdraw_via: refund }\n",
            "test.yaml", "/tmp");
        const auto& usd = c.payments.limits.at("USD");
        CPPUNIT_ASSERT_EQUAL(std::int64_t(500), usd.minDeposit);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(5000), usd.maxDeposit);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(8000), usd.dailyDeposit);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2000), usd.autoApproveBelow);
        CPPUNIT_ASSERT_EQUAL(30, c.payments.reconcileAfterS);
        CPPUNIT_ASSERT(c.kyc.needs("trading") && c.kyc.needs("withdrawals") && !c.kyc.needs("deposits"));
        CPPUNIT_ASSERT_EQUAL(std::string("refund"), c.findPlugin("stripe")->withdrawVia);
        CPPUNIT_ASSERT_EQUAL(std::string("payout"), c.findPlugin("manual")->withdrawVia);

        const std::string money = errorOf("payments:\n  limits:\n    USD: { min_deposit: ten }\n");
        CPPUNIT_ASSERT_MESSAGE(money, contains(money,
                                               "test.yaml:3:12: payments.limits.USD.min_deposit: expected an "
                                               "amount like \"100.00\", got 'ten'"));
        CPPUNIT_ASSERT(contains(errorOf("payments: { limits: { usd: {} } }"),
                                "payments.limits.usd: 'usd' is not an ISO 4217 code like USD"));
        CPPUNIT_ASSERT(contains(errorOf("payments: { limits: { USD: { max_deposit: \"1.00\" } } }"),
                                "payments.limits.USD.max_deposit: is below min_deposit"));
        CPPUNIT_ASSERT(contains(errorOf("payments: { limits: { USD: { dayly_deposit: \"1.00\" } } }"),
                                "payments.limits.USD.dayly_deposit: unknown key (did you mean 'daily_deposit'?)"));
        CPPUNIT_ASSERT(contains(errorOf("payments: { public_url: ftp://x }"), "payments.public_url: expected an http"));
        CPPUNIT_ASSERT(contains(errorOf("kyc: { provider: onfido }"), "kyc.provider: 'onfido' is not a configured"));
        CPPUNIT_ASSERT(contains(errorOf("kyc: { required_for: [withdrawal] }"),
                                "kyc.required_for: 'withdrawal' is not one of withdrawals, deposits, trading"));
        CPPUNIT_ASSERT(
            contains(errorOf("plugins:\n  - { id: s, library: x, checkout_origins: [\"https://a.com/x.js\"] }\n"),
                     "plugins[0].checkout_origins: 'https://a.com/x.js' is not an origin"));
        CPPUNIT_ASSERT(contains(
            errorOf("plugins:\n  - { id: s, library: x, checkout_origins: [\"https://a.com; script-src *\"] }\n"),
            "is not an origin"));
        CPPUNIT_ASSERT(contains(errorOf("plugins:\n  - { id: s, library: x, withdraw_via: wire }\n"),
                                "plugins[0].withdraw_via: expected one of payout, refund, got 'wire'"));
        // The bots' paper venue: basis points as decimal strings below 100 %.
        const std::string fee = errorOf("trading:\n  paper_fee_bps: \"ten\"\n");
        CPPUNIT_ASSERT_MESSAGE(fee, contains(fee, "test.yaml:2:") &&
                                        contains(fee, "trading.paper_fee_bps: expected basis points below 1000"));
        CPPUNIT_ASSERT(contains(errorOf("trading: { paper_slippage_bps: \"1000\" }"),
                                "trading.paper_slippage_bps: expected basis points below 1000"));
        CPPUNIT_ASSERT(contains(errorOf("trading: { max_bots_per_user: 0 }"), "trading.max_bots_per_user"));
        // The live Binance venue: URLs by scheme, windows in range, no stray keys.
        const std::string rest = errorOf("venues:\n  binance:\n    rest_url: ftp://x\n");
        CPPUNIT_ASSERT_MESSAGE(rest,
                               contains(rest, "test.yaml:3:") &&
                                   contains(rest, "venues.binance.rest_url: expected an http:// or https:// URL"));
        CPPUNIT_ASSERT(contains(errorOf("venues: { binance: { ws_api_url: \"https://x\" } }"),
                                "venues.binance.ws_api_url: expected a ws:// or wss:// URL"));
        CPPUNIT_ASSERT(contains(errorOf("venues: { binance: { recv_window_ms: 90000 } }"),
                                "venues.binance.recv_window_ms: must be between 1 and 60000"));
        CPPUNIT_ASSERT(contains(errorOf("venues: { binance: { api_key: x } }"), "venues.binance.api_key: unknown key"));
        CPPUNIT_ASSERT(contains(errorOf("venues: { kraken: {} }"), "venues.kraken: unknown key"));
        CPPUNIT_ASSERT(!parseConfig("", "t", "/").venues.binance.enabled);
        const bourse::Config live = parseConfig("venues: { binance: { rest_url: \"http://127.0.0.1:1\" } }", "t", "/");
        CPPUNIT_ASSERT(live.venues.binance.enabled);
        CPPUNIT_ASSERT_EQUAL(std::string("http://127.0.0.1:1"), live.venues.binance.restUrl);
        CPPUNIT_ASSERT_EQUAL(std::string("wss://ws-api.testnet.binance.vision/ws-api/v3"),
                             live.venues.binance.wsApiUrl);
    }

    void testEnvironmentExpansion() {
        ::setenv("BOURSE_TEST_PORT", "9123", 1);
        ::unsetenv("BOURSE_TEST_MISSING");
        CPPUNIT_ASSERT_EQUAL(9123, parseConfig("server: { port: '${BOURSE_TEST_PORT}' }", "t", "/").server.port);
        CPPUNIT_ASSERT_EQUAL(7000,
                             parseConfig("server: { port: '${BOURSE_TEST_MISSING:-7000}' }", "t", "/").server.port);
        const std::string e = errorOf("server:\n  admin_token: ${BOURSE_TEST_MISSING}\n");
        CPPUNIT_ASSERT_MESSAGE(
            e, contains(e, "test.yaml:2:3: server.admin_token: environment variable BOURSE_TEST_MISSING is not set"));
        const std::string inPlugin =
            errorOf("plugins:\n  - id: p\n    library: x\n    config:\n      key: ${BOURSE_TEST_MISSING}\n");
        CPPUNIT_ASSERT_MESSAGE(
            inPlugin,
            contains(inPlugin,
                     "test.yaml:5:12: plugins[0].config.key: environment variable BOURSE_TEST_MISSING is not set"));
    }

    void testSyntaxError() {
        const std::string e = errorOf("server:\n  port: [1, 2\n");
        CPPUNIT_ASSERT_MESSAGE(e, contains(e, "test.yaml:") && contains(e, "syntax error"));
    }

    void testPluginConfigBecomesExactJson() {
        ::setenv("BOURSE_TEST_KEY", "k\"1", 1);
        const auto c = parseConfig(R"(
plugins:
  - id: p
    library: x
    config:
      price: 1.08500
      quoted: "1.08500"
      n: 42
      flag: true
      none: ~
      key: ${BOURSE_TEST_KEY}
      list: [a, 2]
)",
                                   "t.yaml", "/");
        CPPUNIT_ASSERT_EQUAL(
            std::string(
                R"({"price":1.08500,"quoted":"1.08500","n":42,"flag":true,"none":null,"key":"k\"1","list":["a",2]})"),
            c.plugins[0].configJson);
    }

    void testShippedConfigsValidate() {
        // Every config in config/ must load (secrets referenced there get dummy values).
        ::setenv("BOURSE_PG_DSN", "host=127.0.0.1", 1);
        ::setenv("BOURSE_JWT_SECRET", "a-secret-of-at-least-thirty-two-characters", 1);
        ::setenv("TWELVEDATA_API_KEY", "dummy-key", 1);
        for (const char* name : {"STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "RAZORPAY_KEY_SECRET",
                                 "RAZORPAY_WEBHOOK_SECRET", "RAZORPAY_KEY_ID", "RAZORPAYX_ACCOUNT_NUMBER",
                                 "SUMSUB_APP_TOKEN", "SUMSUB_SECRET_KEY", "SUMSUB_WEBHOOK_SECRET"})
            ::setenv(name, "dummy", 1);
        const char* src = std::getenv("BOURSE_SOURCE_DIR");
        CPPUNIT_ASSERT_MESSAGE("BOURSE_SOURCE_DIR is set by CTest", src != nullptr);
        int count = 0;
        for (const auto& f : std::filesystem::directory_iterator(std::filesystem::path(src) / "config")) {
            if (f.path().extension() != ".yaml") continue;
            try {
                const auto c = bourse::loadConfig(f.path().string());
                CPPUNIT_ASSERT(!c.plugins.empty());
            } catch (const ConfigError& e) {
                CPPUNIT_FAIL(std::string("shipped config fails: ") + e.what());
            }
            ++count;
        }
        CPPUNIT_ASSERT(count >= 1);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ConfigTest);
