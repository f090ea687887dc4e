// The real `bourse serve` over loopback: health, metrics, markets, candles,
// problem+json errors, the operator API and its access rule, a failing plugin
// that does not stop the kernel, and restart persistence.
#include "Assertions.h"
#include "BourseProcess.h"

#include <Poco/JSON/Array.h>

#include <cmath>
#include <regex>
#include <thread>

#include <cppunit/extensions/HelperMacros.h>

using namespace bourse::test;

namespace {

std::string configYaml(const std::string& extraServer = "", const std::string& extraPlugins = "") {
    return "data_dir: DATA_DIR\nserver:\n  host: 127.0.0.1\n  port: 0\n" + extraServer +
           "plugin_dirs: [BUILD_DIR/lib/bourse/plugins, BUILD_DIR/test-plugins]\nplugins:" + otcPluginYaml() +
           extraPlugins;
}

const std::string kBrokenPlugin = "  - { id: failing-start, library: bad-start-fails }\n";

/// Waits until GET /api/v1/markets shows a last price for symbol.
std::string waitForPrice(const BourseProcess& b, const std::string& symbol) {
    for (int i = 0; i < 200; ++i) {
        const auto markets = b.get("/api/v1/markets").json()->getArray("markets");
        for (std::size_t k = 0; k < markets->size(); ++k) {
            const auto m = markets->getObject(static_cast<unsigned>(k));
            if (m->getValue<std::string>("symbol") == symbol && !m->isNull("last_price"))
                return m->getValue<std::string>("last_price");
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    CPPUNIT_FAIL("no price for " + symbol);
    return "";
}

}  // namespace

class KernelApiTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(KernelApiTest);
    CPPUNIT_TEST(testHealthReadinessAndMetrics);
    CPPUNIT_TEST(testMarketsAndCandles);
    CPPUNIT_TEST(testErrorsAreProblemJson);
    CPPUNIT_TEST(testOperatorPluginApi);
    CPPUNIT_TEST(testOperatorTokenRequired);
    CPPUNIT_TEST(testPricesSurviveRestart);
    CPPUNIT_TEST_SUITE_END();

public:
    void testHealthReadinessAndMetrics() {
        BourseProcess b(configYaml("", kBrokenPlugin));
        CPPUNIT_ASSERT_EQUAL(200, b.get("/healthz").status);
        // A failing enabled plugin makes the instance not ready, and says which.
        const HttpResult notReady = b.get("/readyz");
        CPPUNIT_ASSERT_EQUAL(503, notReady.status);
        CPPUNIT_ASSERT(contains(notReady.body, "failing-start"));
        CPPUNIT_ASSERT_EQUAL(200, b.adminPost("/api/v1/admin/plugins/failing-start/disable").status);
        CPPUNIT_ASSERT_EQUAL(200, b.get("/readyz").status);

        waitForPrice(b, "OTC_EUR_USD");
        const HttpResult m = b.get("/metrics");
        CPPUNIT_ASSERT_EQUAL(200, m.status);
        CPPUNIT_ASSERT(contains(m.contentType, "text/plain"));
        CPPUNIT_ASSERT(contains(m.body, "# TYPE bourse_ticks_total counter"));
        CPPUNIT_ASSERT(contains(m.body, "bourse_http_request_duration_seconds_bucket{le=\"0.005\"}"));
        CPPUNIT_ASSERT(contains(m.body, "bourse_plugin_failures_total"));

        // The OpenAPI document describes the served API.
        const HttpResult api = b.get("/api/v1/openapi.json");
        CPPUNIT_ASSERT_EQUAL(200, api.status);
        CPPUNIT_ASSERT_EQUAL(std::string("3.1.0"), api.json()->getValue<std::string>("openapi"));
        CPPUNIT_ASSERT(api.json()->getObject("paths")->has("/api/v1/admin/plugins/{id}/reload"));
    }

    void testMarketsAndCandles() {
        BourseProcess b(configYaml());
        const std::string price = waitForPrice(b, "OTC_EUR_USD");
        // Decimal string with the instrument's 5 decimals.
        CPPUNIT_ASSERT_MESSAGE(price, std::regex_match(price, std::regex("[0-9]+\\.[0-9]{5}")));
        const auto markets = b.get("/api/v1/markets").json()->getArray("markets");
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), markets->size());
        const auto first = markets->getObject(0);
        CPPUNIT_ASSERT_EQUAL(std::string("otc"), first->getValue<std::string>("source"));
        CPPUNIT_ASSERT(!first->getValue<std::string>("name").empty());

        std::this_thread::sleep_for(std::chrono::milliseconds(2200));
        const HttpResult r = b.get("/api/v1/markets/OTC_EUR_USD/candles?interval=1s");
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 200, r.status);
        const auto candles = r.json()->getArray("candles");
        CPPUNIT_ASSERT_MESSAGE(r.body, candles->size() >= 2);
        std::int64_t previousOpen = 0;
        for (std::size_t i = 0; i < candles->size(); ++i) {
            const auto c = candles->getObject(static_cast<unsigned>(i));
            const auto open = c->getValue<std::int64_t>("open_time");
            CPPUNIT_ASSERT(open > previousOpen);
            CPPUNIT_ASSERT_EQUAL(std::int64_t(0), open % 1000);
            previousOpen = open;
            const double hi = std::stod(c->getValue<std::string>("high"));
            const double lo = std::stod(c->getValue<std::string>("low"));
            CPPUNIT_ASSERT(hi >= lo);
            CPPUNIT_ASSERT(c->getValue<int>("ticks") >= 1);
        }
        // A bounded window returns only candles inside it.
        const std::string window = "/api/v1/markets/OTC_EUR_USD/candles?interval=1m&from=0&to=1000";
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), b.get(window).json()->getArray("candles")->size());
    }

    void testErrorsAreProblemJson() {
        BourseProcess b(configYaml());
        assertProblem(b.get("/api/v1/markets/NOPE/candles"), 404, "unknown symbol 'NOPE'");
        const HttpResult badInterval = b.get("/api/v1/markets/OTC_EUR_USD/candles?interval=7m");
        assertProblem(badInterval, 400, "interval must be one of 1s, 1m, 5m, 1h");
        CPPUNIT_ASSERT_EQUAL(std::string("interval"), badInterval.json()->getValue<std::string>("field"));
        assertProblem(b.get("/api/v1/markets/OTC_EUR_USD/candles?from=50&to=10"), 400, "'from' must be before 'to'");
        assertProblem(b.get("/api/v1/markets/OTC_EUR_USD/candles?from=abc"), 400, "epoch milliseconds");
        assertProblem(b.get("/api/v1/markets/OTC_EUR_USD/candles?limit=0"), 400, "limit");
        assertProblem(b.get("/api/v1/nothing-here"), 404, "no such resource");
        assertProblem(b.post("/api/v1/markets", "{}"), 405, "POST is not allowed");
        const std::string op = b.operatorToken();
        assertProblem(b.post("/api/v1/admin/plugins/otc/commands/set_bias", "{not json", op), 400, "malformed JSON");
        assertProblem(b.request("POST", "/api/v1/admin/plugins/otc/commands/set_bias", "x=1", "text/plain", op), 415,
                      "application/json");
        assertProblem(b.post("/api/v1/admin/plugins/otc/commands/set_bias", std::string(2 << 20, ' '), op), 413,
                      "1 MiB");
    }

    void testOperatorPluginApi() {
        BourseProcess b(configYaml("", kBrokenPlugin));
        const HttpResult list = b.adminGet("/api/v1/admin/plugins");
        CPPUNIT_ASSERT_EQUAL(200, list.status);
        const auto plugins = list.json()->getArray("plugins");
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), plugins->size());
        for (std::size_t i = 0; i < plugins->size(); ++i) {
            const auto p = plugins->getObject(static_cast<unsigned>(i));
            if (p->getValue<std::string>("id") == "otc") {
                CPPUNIT_ASSERT_EQUAL(std::string("running"), p->getValue<std::string>("state"));
                CPPUNIT_ASSERT_EQUAL(std::string("price_source"), p->getValue<std::string>("kind"));
                CPPUNIT_ASSERT_EQUAL(std::string("1.0.0"), p->getValue<std::string>("version"));
                CPPUNIT_ASSERT(p->getValue<std::int64_t>("loaded_at") > 0);
                CPPUNIT_ASSERT(p->isNull("last_error"));
            } else {
                CPPUNIT_ASSERT_EQUAL(std::string("failed"), p->getValue<std::string>("state"));
                const std::string err = p->getValue<std::string>("last_error");
                CPPUNIT_ASSERT_MESSAGE(err,
                                       contains(err, "plugin 'failing-start': start failed (unavailable): upstream:"));
            }
        }
        // The failure reached the log as one line naming the plugin.
        CPPUNIT_ASSERT(contains(b.logs(), "plugin=failing-start"));

        // Reload of a broken plugin answers the error; the kernel keeps serving.
        const HttpResult failed = b.adminPost("/api/v1/admin/plugins/failing-start/reload");
        // The plugin's own status (unavailable) decides the HTTP status.
        assertProblem(failed, 503, "plugin 'failing-start': start failed (unavailable): upstream: cannot reach");
        CPPUNIT_ASSERT_EQUAL(200, b.get("/healthz").status);

        assertProblem(b.adminPost("/api/v1/admin/plugins/ghost/reload"), 404, "unknown plugin 'ghost'");

        // Operator commands reach the plugin; its own validation errors come back as 400/404.
        const HttpResult set = b.adminPost("/api/v1/admin/plugins/otc/commands/set_volatility",
                                           R"({"symbol":"OTC_GOLD","volatility":"HIGH"})");
        CPPUNIT_ASSERT_EQUAL_MESSAGE(set.body, 200, set.status);
        CPPUNIT_ASSERT_EQUAL(400, b.adminPost("/api/v1/admin/plugins/otc/commands/set_volatility",
                                              R"({"symbol":"OTC_GOLD","volatility":"EXTREME"})")
                                      .status);
        CPPUNIT_ASSERT_EQUAL(404, b.adminPost("/api/v1/admin/plugins/otc/commands/set_volatility",
                                              R"({"symbol":"NOPE","volatility":"LOW"})")
                                      .status);
        // The setting survives a reload (kept in the plugin's key-value store).
        CPPUNIT_ASSERT_EQUAL(200, b.adminPost("/api/v1/admin/plugins/otc/reload").status);
        const HttpResult state = b.adminPost("/api/v1/admin/plugins/otc/commands/get_instruments", "{}");
        CPPUNIT_ASSERT_EQUAL_MESSAGE(state.body, 200, state.status);
        CPPUNIT_ASSERT_MESSAGE(state.body, std::regex_search(state.body, std::regex("OTC_GOLD[^}]*HIGH")));

        // Lifecycle actions are in the audit log.
        const HttpResult audit = b.adminGet("/api/v1/admin/audit?limit=50");
        CPPUNIT_ASSERT_EQUAL(200, audit.status);
        CPPUNIT_ASSERT(contains(audit.body, "plugin.reload"));
        CPPUNIT_ASSERT(contains(audit.body, "plugin.command"));
    }

    void testOperatorTokenRequired() {
        BourseProcess b(configYaml("  admin_token: t0ken-for-tests-and-automation\n"));
        // No token, a wrong token, or a plain user's token: refused.
        assertProblem(b.get("/api/v1/admin/plugins"), 401, "Authorization: Bearer");
        assertProblem(b.get("/api/v1/admin/plugins", "wrong"), 401, "invalid or expired");
        assertProblem(b.get("/api/v1/admin/plugins", b.userToken("trader@bourse.test")), 403, "operator role");
        // The operator's token and the automation token are accepted.
        CPPUNIT_ASSERT_EQUAL(200, b.adminGet("/api/v1/admin/plugins").status);
        CPPUNIT_ASSERT_EQUAL(200, b.get("/api/v1/admin/plugins", "t0ken-for-tests-and-automation").status);
        // Public endpoints need no token, and tokens never appear in logs.
        CPPUNIT_ASSERT_EQUAL(200, b.get("/api/v1/markets").status);
        CPPUNIT_ASSERT(!contains(b.logs(), "t0ken-for-tests-and-automation"));
        CPPUNIT_ASSERT(!contains(b.logs(), BourseProcess::kOperatorPassword));
    }

    void testPricesSurviveRestart() {
        ScratchDir keep;
        const std::string dataDir = keep.path() + "/data";
        double before = 0;
        {
            BourseProcess b(configYaml(), dataDir);
            waitForPrice(b, "OTC_EUR_USD");
            std::this_thread::sleep_for(std::chrono::milliseconds(600));
            before = std::stod(waitForPrice(b, "OTC_EUR_USD"));
            CPPUNIT_ASSERT_EQUAL(0, b.stop());  // graceful: pending ticks are flushed
        }
        {
            // The second run is configured with a very different base price: the
            // source must continue from the stored last price, not restart at 2.0.
            std::string yaml = configYaml();
            yaml.replace(yaml.find("1.08500"), 7, "2.00000");
            BourseProcess b(yaml, dataDir);
            const auto candles = b.get("/api/v1/markets/OTC_EUR_USD/candles?interval=1s").json()->getArray("candles");
            CPPUNIT_ASSERT(candles->size() >= 1);  // history from the first run is served
            std::this_thread::sleep_for(std::chrono::milliseconds(300));
            const double after = std::stod(waitForPrice(b, "OTC_EUR_USD"));
            CPPUNIT_ASSERT_MESSAGE(std::to_string(before) + " -> " + std::to_string(after),
                                   std::abs(after - before) / before < 0.02);
        }
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(KernelApiTest);
