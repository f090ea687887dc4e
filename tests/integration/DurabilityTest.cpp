// Correct under concurrency and crashes: 50 clients × 200 trades with demo
// resets in between, then every trade settled exactly once and the ledger
// verifies; two kernels on one database whose settlers race for the same
// expiries; and kill -9 with open trades, restart after their expiry, each
// settles once at the stored price in force at its expiry.
#include "BourseProcess.h"

#include <Poco/Data/Session.h>
#include <Poco/JSON/Array.h>

#include <cppunit/extensions/HelperMacros.h>

#include <atomic>
#include <mutex>
#include <thread>

using namespace bourse::test;
using namespace Poco::Data::Keywords;

namespace {

std::string configYaml() {
    return "data_dir: DATA_DIR\nserver: { host: 127.0.0.1, port: 0, max_threads: 64 }\n"
           "trading: { settle_interval_ms: 20 }\n"
           "security: { auth_rate_per_minute: 100000, api_rate_per_minute: 1000000, argon2_memory_kib: 4096, "
           "argon2_iterations: 1 }\n"
           "plugin_dirs: [BUILD_DIR/lib/bourse/plugins]\nplugins:" +
           otcPluginYaml(50) + binaryPluginYaml();
}

std::string tradeBody(const std::string& clientOrderId, int duration) {
    return R"({"symbol":"OTC_EUR_USD","direction":")" + std::string(clientOrderId.back() % 2 ? "UP" : "DOWN") +
           R"(","stake":"1.00","duration":)" + std::to_string(duration) + R"(,"client_order_id":")" + clientOrderId +
           R"("})";
}

std::int64_t count(const BourseProcess& b, const std::string& sql) {
    Poco::Data::Session s = b.database();
    Poco::Int64 n = 0;
    s << sql, into(n), now;
    return n;
}

bool waitNoneOpen(const BourseProcess& b, std::chrono::seconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (count(b, "SELECT COUNT(*) FROM positions WHERE status = 'OPEN'") == 0) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
}

void assertSettledOnceAndVerified(const BourseProcess& b, std::int64_t expectedTrades) {
    CPPUNIT_ASSERT_EQUAL(expectedTrades, count(b, "SELECT COUNT(*) FROM positions"));
    CPPUNIT_ASSERT_EQUAL(expectedTrades, count(b, "SELECT COUNT(*) FROM journal WHERE kind = 'settlement'"));
    CPPUNIT_ASSERT_EQUAL(expectedTrades, count(b, "SELECT COUNT(*) FROM journal WHERE kind = 'stake_lock'"));
    CPPUNIT_ASSERT_EQUAL(std::int64_t(0), count(b, "SELECT COUNT(*) FROM positions WHERE settled_ns IS NULL"));
    const auto r = runBourse({"ledger", "verify", "--config", b.configPath()});
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.out + r.err, 0, r.exitCode);
}

/// Positions this process settled (its Prometheus counter).
std::int64_t settledBy(const BourseProcess& b) {
    const std::string metrics = b.get("/metrics").body;
    const std::string name = "\nbourse_positions_settled_total ";
    const auto at = metrics.find(name);
    if (at == std::string::npos) throw std::runtime_error("no bourse_positions_settled_total in /metrics");
    return std::stoll(metrics.substr(at + name.size()));
}

}  // namespace

class DurabilityTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(DurabilityTest);
    CPPUNIT_TEST(testFiftyClientsTwoHundredTradesWithResets);
    CPPUNIT_TEST(testTwoKernelsRaceToSettleEachTradeOnce);
    CPPUNIT_TEST(testKillNineThenSettleAtExpiryPrice);
    CPPUNIT_TEST_SUITE_END();

public:
    void testFiftyClientsTwoHundredTradesWithResets() {
        BourseProcess b(configYaml());
        waitForLivePrices(b);
        constexpr int kClients = 50, kTrades = 200;
        std::vector<std::string> tokens(kClients);
        std::mutex mutex;
        std::string unexpected;
        {
            std::vector<std::thread> reg;
            for (int c = 0; c < kClients; ++c)
                reg.emplace_back([&, c] {
                    try {
                        tokens[c] = b.userToken("load" + std::to_string(c) + "@bourse.test");
                    } catch (const std::exception& e) {
                        std::lock_guard lock(mutex);
                        unexpected += std::string(e.what()) + "\n";
                    }
                });
            for (auto& t : reg)
                t.join();
        }
        CPPUNIT_ASSERT_EQUAL_MESSAGE(unexpected.substr(0, 300) + b.errorLines().substr(0, 1500), std::string(),
                                     unexpected);
        std::atomic<int> created{0}, resets{0};
        std::vector<std::thread> clients;
        for (int c = 0; c < kClients; ++c)
            clients.emplace_back([&, c] {
                for (int i = 0; i < kTrades; ++i) {
                    const std::string id = "c" + std::to_string(c) + "-" + std::to_string(i);
                    HttpResult r;
                    try {
                        r = b.post("/api/v1/trades", tradeBody(id, 1 + i % 2), tokens[c]);
                    } catch (const std::exception& e) {
                        r.body = e.what();
                    }
                    if (r.status == 201)
                        ++created;
                    else {
                        std::lock_guard lock(mutex);
                        unexpected += std::to_string(r.status) + " " + r.body + "\n";
                    }
                    if (i % 50 == 49) {
                        try {
                            if (b.post("/api/v1/wallet/demo-reset", "", tokens[c]).status == 200) ++resets;
                        } catch (const std::exception& e) {
                            std::lock_guard lock(mutex);
                            unexpected += std::string("demo reset: ") + e.what() + "\n";
                        }
                    }
                }
            });
        for (auto& t : clients)
            t.join();
        if (!unexpected.empty())
            CPPUNIT_FAIL(unexpected.substr(0, 300) + "\nserver " + b.state() + ": " + b.errorLines().substr(0, 3000));
        CPPUNIT_ASSERT_EQUAL(kClients * kTrades, created.load());
        CPPUNIT_ASSERT_EQUAL(kClients * 4, resets.load());
        CPPUNIT_ASSERT(waitNoneOpen(b, std::chrono::seconds(60)));
        assertSettledOnceAndVerified(b, kClients * kTrades);
    }

    void testTwoKernelsRaceToSettleEachTradeOnce() {
        // Two kernels on one database (the scale-out shape): both settlers poll
        // every 20 ms and see the same expiries.
        BourseProcess a(configYaml());
        BourseProcess b(configYaml(), a.dataDir());
        waitForLivePrices(a);
        waitForLivePrices(b);
        constexpr int kTrades = 400;
        std::atomic<int> created{0};
        std::mutex mutex;
        std::string unexpected;
        std::vector<std::thread> clients;
        for (int c = 0; c < 4; ++c)
            clients.emplace_back([&, c] {
                const BourseProcess& via = c % 2 ? b : a;
                const std::string token = via.userToken("race" + std::to_string(c) + "@bourse.test");
                for (int i = 0; i < kTrades / 4; ++i) {
                    const HttpResult r = via.post(
                        "/api/v1/trades", tradeBody("r" + std::to_string(c) + "-" + std::to_string(i), 2), token);
                    if (r.status == 201)
                        ++created;
                    else {
                        std::lock_guard lock(mutex);
                        unexpected += std::to_string(r.status) + " " + r.body + "\n";
                    }
                }
            });
        for (auto& t : clients)
            t.join();
        CPPUNIT_ASSERT_EQUAL_MESSAGE(unexpected.substr(0, 500), kTrades, created.load());
        CPPUNIT_ASSERT(waitNoneOpen(a, std::chrono::seconds(30)));
        assertSettledOnceAndVerified(a, kTrades);
        // Between them the two settled each trade once: their counts add up.
        CPPUNIT_ASSERT_EQUAL(std::int64_t(kTrades), settledBy(a) + settledBy(b));
        // Losing a race is normal, not an error.
        CPPUNIT_ASSERT_EQUAL_MESSAGE(a.errorLines(), std::string(), a.errorLines());
        CPPUNIT_ASSERT_EQUAL_MESSAGE(b.errorLines(), std::string(), b.errorLines());
    }

    void testKillNineThenSettleAtExpiryPrice() {
        ScratchDir keep;
        const std::string dataDir = keep.path() + "/data";
        std::vector<std::string> ids;
        {
            BourseProcess b(configYaml(), dataDir);
            waitForLivePrices(b);
            const std::string token = b.userToken("crash@bourse.test");
            for (int i = 0; i < 20; ++i) {
                const HttpResult r = b.post("/api/v1/trades", tradeBody("k" + std::to_string(i), 2), token);
                CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 201, r.status);
                ids.push_back(r.json()->getValue<std::string>("id"));
            }
            // Ticks reach the database in batches (market_data.flush_interval_ms, 200 ms
            // here): let the prices these trades depend on be stored, then crash.
            std::this_thread::sleep_for(std::chrono::milliseconds(600));
            b.kill();  // SIGKILL: no shutdown, nothing flushed on the way out
        }
        std::this_thread::sleep_for(std::chrono::seconds(3));  // every trade expires while the kernel is down
        BourseProcess b(configYaml(), dataDir);
        CPPUNIT_ASSERT(waitNoneOpen(b, std::chrono::seconds(30)));
        // Each exit price is the last stored tick at or before its expiry instant.
        Poco::Data::Session s = b.database();
        std::vector<std::string> posIds;
        std::vector<Poco::Int64> exits, expected;
        s << "SELECT p.id, p.exit_price, (SELECT t.price FROM ticks t WHERE t.symbol = p.symbol AND t.ts_ns <= "
             "p.expires_ns "
             "ORDER BY t.ts_ns DESC LIMIT 1) FROM positions p",
            into(posIds), into(exits), into(expected), now;
        CPPUNIT_ASSERT_EQUAL(std::size_t(20), posIds.size());
        for (std::size_t i = 0; i < posIds.size(); ++i)
            CPPUNIT_ASSERT_EQUAL_MESSAGE(posIds[i], expected[i], exits[i]);
        assertSettledOnceAndVerified(b, 20);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(DurabilityTest);
