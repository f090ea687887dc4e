// Market data in the real kernel against the fake Binance: an instrument with a
// fallback source fails over when Binance's stream dies and returns when it
// recovers, with no hole in the candles; history is back-filled on first start;
// an instrument with no live source cannot be traded, and the operator sees the
// state of every source.
#include "BourseProcess.h"
#include "binance/FakeBinance.h"

#include <Poco/JSON/Array.h>

#include <cppunit/extensions/HelperMacros.h>

#include <fstream>
#include <functional>
#include <thread>

using namespace bourse::test;
using bourse::fakes::FakeBinance;

namespace {

constexpr std::int64_t kMinuteMs = 60'000;

// BTCUSDT from Binance, then (fallback) from a synthetic OTC feed; ETHUSDT from Binance only.
std::string configYaml(const FakeBinance& fake) {
    return "data_dir: DATA_DIR\nserver: { host: 127.0.0.1, port: 0 }\n"
           "plugin_dirs: [BUILD_DIR/lib/bourse/plugins]\n"
           "market_data:\n"
           "  stale_after_ms: 1500\n"
           "  history_hours: 24\n"
           "  instruments:\n"
           "    BTCUSDT: { sources: [binance, otc] }\n"
           "plugins:\n"
           "  - id: binance\n"
           "    library: bourse-plugin-binance\n"
           "    stale_after_ms: 1000\n"
           "    config:\n"
           "      rest_url: " +
           fake.restUrl() + "\n      ws_url: " + fake.wsUrl() +
           "\n      symbols: [BTCUSDT, ETHUSDT]\n"
           "      reconnect_min_ms: 50\n      reconnect_max_ms: 200\n"
           "      poll_interval_ms: 200\n      stale_after_ms: 600\n"
           "  - id: otc\n"
           "    library: bourse-plugin-otc\n"
           "    config:\n"
           "      seed: 7\n      tick_interval_ms: 100\n"
           "      instruments:\n"
           "        - { symbol: BTCUSDT, name: \"BTC/USDT (synthetic)\", base_price: \"60000.00\", price_scale: 2, "
           "volatility: LOW, bias: 0 }\n" +
           binaryPluginYaml();
}

/// The status of one source of symbol in /api/v1/markets.
std::string feedStatus(const BourseProcess& b, const std::string& symbol, const std::string& source) {
    const auto m = market(b, symbol);
    if (!m) return "";
    const auto sources = m->getArray("sources");
    for (std::size_t i = 0; i < sources->size(); ++i) {
        const auto s = sources->getObject(static_cast<unsigned>(i));
        if (s->getValue<std::string>("id") == source) return s->getValue<std::string>("status");
    }
    return "";
}

}  // namespace

class MarketFailoverTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(MarketFailoverTest);
    CPPUNIT_TEST(testFailoverAndReturnWithoutHole);
    CPPUNIT_TEST(testHistoryBackfilledOnFirstStart);
    CPPUNIT_TEST(testNoLiveSourceRefusesTradingAndOperatorSeesWhy);
    CPPUNIT_TEST(testSourcesConfigMistakesNameTheKey);
    CPPUNIT_TEST_SUITE_END();

public:
    void testFailoverAndReturnWithoutHole() {
        FakeBinance fake;
        BourseProcess b(configYaml(fake));
        CPPUNIT_ASSERT_MESSAGE(b.logs(), eventually([&] { return liveSource(b, "BTCUSDT") == "binance"; }));
        CPPUNIT_ASSERT(eventually([&] { return feedStatus(b, "BTCUSDT", "otc") == "live"; }));  // standing by
        auto ws = b.openStream();
        sendText(*ws, R"({"op":"subscribe","channel":"ticks","symbols":["BTCUSDT"]})");
        CPPUNIT_ASSERT(receiveType(*ws, "subscribed"));
        const std::int64_t startMs = epochMs();

        fake.stallStreams(true);  // Binance's stream goes silent: the plugin drops it and backs off
        const auto failover = receiveType(*ws, "source", std::chrono::seconds(10));
        CPPUNIT_ASSERT(failover);
        CPPUNIT_ASSERT_EQUAL(std::string("otc"), failover->getValue<std::string>("source"));
        CPPUNIT_ASSERT_EQUAL(std::string("otc"), liveSource(b, "BTCUSDT"));
        CPPUNIT_ASSERT_EQUAL(std::string("backing_off"), feedStatus(b, "BTCUSDT", "binance"));
        std::this_thread::sleep_for(std::chrono::milliseconds(3000));  // trade on the fallback for a while
        CPPUNIT_ASSERT_EQUAL(std::string("otc"), liveSource(b, "BTCUSDT"));

        fake.stallStreams(false);  // back: Binance takes over again
        const auto back = receiveType(*ws, "source", std::chrono::seconds(10));
        CPPUNIT_ASSERT(back);
        CPPUNIT_ASSERT_EQUAL(std::string("binance"), back->getValue<std::string>("source"));
        CPPUNIT_ASSERT(eventually([&] { return liveSource(b, "BTCUSDT") == "binance"; }));
        std::this_thread::sleep_for(std::chrono::milliseconds(1200));
        const std::int64_t endMs = epochMs();

        // Every second of the outage and the return has a candle: no hole.
        const auto opens = candleOpens(b, "BTCUSDT", "1s", startMs / 1000 * 1000, endMs / 1000 * 1000 - 1000);
        CPPUNIT_ASSERT_MESSAGE(std::to_string(opens.size()) + " candles from " + std::to_string(startMs) + " to " +
                                   std::to_string(endMs) + ": " +
                                   b.get("/api/v1/markets/BTCUSDT/candles?interval=1s&limit=5").body,
                               opens.size() >= 3);
        for (std::size_t i = 1; i < opens.size(); ++i)
            CPPUNIT_ASSERT_EQUAL_MESSAGE("hole after " + std::to_string(opens[i - 1]), std::int64_t(1000),
                                         opens[i] - opens[i - 1]);
        CPPUNIT_ASSERT_EQUAL(startMs / 1000 * 1000, opens.front());
        CPPUNIT_ASSERT(b.logs().find("price source switched") != std::string::npos);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(b.errorLines(), std::string(), b.errorLines());
    }

    void testHistoryBackfilledOnFirstStart() {
        FakeBinance fake;
        BourseProcess b(configYaml(fake));
        // ETHUSDT has a single source: its history comes from Binance's klines.
        const std::int64_t now = epochMs();
        const std::int64_t from = now - 24 * 60 * kMinuteMs;
        CPPUNIT_ASSERT_MESSAGE(
            b.logs(), eventually([&] { return candleOpens(b, "ETHUSDT", "1m", from, now).size() >= 24 * 60 - 2; }));
        const auto minutes = candleOpens(b, "ETHUSDT", "1m", from, now);
        for (std::size_t i = 1; i < minutes.size(); ++i)
            CPPUNIT_ASSERT_EQUAL(kMinuteMs, minutes[i] - minutes[i - 1]);
        CPPUNIT_ASSERT(minutes.front() <= from + 2 * kMinuteMs);
        // Coarser candles are rolled up from the minutes.
        const auto hours = candleOpens(b, "ETHUSDT", "1h", from - 60 * kMinuteMs, now);
        CPPUNIT_ASSERT_MESSAGE(std::to_string(hours.size()), hours.size() >= 24);
        CPPUNIT_ASSERT(b.logs().find("history back-filled") != std::string::npos);

        // A restart fetches only what is missing since the last stored minute.
        const std::string dataDir = b.dataDir();
        const int requestsBefore = fake.restRequests();
        b.stop();
        BourseProcess again(configYaml(fake), dataDir);
        CPPUNIT_ASSERT(eventually([&] { return again.logs().find("history back-filled") != std::string::npos; }));
        // exchangeInfo + a single klines page per symbol, not 24 hours' worth of pages again.
        CPPUNIT_ASSERT(fake.restRequests() - requestsBefore <= 6);
    }

    void testNoLiveSourceRefusesTradingAndOperatorSeesWhy() {
        FakeBinance fake;
        BourseProcess b(configYaml(fake));
        CPPUNIT_ASSERT(eventually([&] { return liveSource(b, "ETHUSDT") == "binance"; }));
        const std::string token = b.userToken("trader@failover.test");
        const auto balance = [&] { return b.get("/api/v1/wallet", token).body; };
        const std::string before = balance();

        fake.stallStreams(true);
        fake.failRest(503, 1'000'000);  // and REST polling fails too: nothing feeds ETHUSDT
        CPPUNIT_ASSERT(
            eventually([&] { return market(b, "ETHUSDT")->getValue<std::string>("status") == "no_live_source"; }));
        const std::string body =
            R"({"symbol":"ETHUSDT","direction":"UP","stake":"10.00","duration":5,"client_order_id":"eth-1"})";
        const HttpResult refused = b.post("/api/v1/trades", body, token);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(refused.body, 409, refused.status);
        CPPUNIT_ASSERT(refused.body.find("no live price source") != std::string::npos);
        CPPUNIT_ASSERT_EQUAL(before, balance());  // nothing reserved

        // The operator's plugin list says what state the source is in, and why.
        const auto plugin = b.adminGet("/api/v1/admin/plugins/binance").json();
        CPPUNIT_ASSERT(plugin->has("source"));
        CPPUNIT_ASSERT_EQUAL(std::string("backing_off"), plugin->getObject("source")->getValue<std::string>("status"));
        CPPUNIT_ASSERT(!plugin->getObject("source")->getValue<std::string>("detail").empty());
        // BTCUSDT still trades, on its fallback.
        CPPUNIT_ASSERT_EQUAL(std::string("otc"), liveSource(b, "BTCUSDT"));

        fake.failRest(200, 0);
        fake.stallStreams(false);
        CPPUNIT_ASSERT(eventually([&] { return liveSource(b, "ETHUSDT") == "binance"; }));
        const HttpResult placed = b.post("/api/v1/trades", body, token);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(placed.body, 201, placed.status);
    }

    void testSourcesConfigMistakesNameTheKey() {
        ScratchDir dir;
        const std::string path = dir.path() + "/bad.yaml";
        for (const auto& [yaml, expected] : std::vector<std::pair<std::string, std::string>>{
                 {"market_data:\n  instruments:\n    BTCUSDT: { sources: [binance] }\n",
                  "market_data.instruments.BTCUSDT.sources"},
                 {"market_data:\n  instruments:\n    btc: { sources: [otc] }\n", "market_data.instruments.btc"},
                 {"market_data:\n  instruments:\n    BTCUSDT: { sources: [otc, otc] }\n", "listed twice"},
                 {"market_data:\n  instruments:\n    BTCUSDT: { source: [otc] }\n", "source"},
                 {"market_data:\n  stale_after_ms: 5\n", "market_data.stale_after_ms"}}) {
            std::ofstream(path) << "data_dir: " << dir.path()
                                << "\nplugins:\n  - { id: otc, library: bourse-plugin-otc }\n"
                                << yaml;
            const CommandResult r = runBourse({"config", "check", "--config", path});
            CPPUNIT_ASSERT_MESSAGE(yaml, r.exitCode != 0);
            CPPUNIT_ASSERT_MESSAGE(r.err + r.out, (r.err + r.out).find(expected) != std::string::npos);
            CPPUNIT_ASSERT_MESSAGE(r.err + r.out, (r.err + r.out).find("bad.yaml:") != std::string::npos);
        }
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(MarketFailoverTest);
