// The Binance plugin in a real host (the kernel's plugin manager, market data,
// HTTP and WebSocket clients) against the fake Binance and its faults.
#include "PluginHarness.h"
#include "binance/FakeBinance.h"
#include "market/HistoryBackfill.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <cppunit/extensions/HelperMacros.h>

#include <future>

using namespace bourse;
using namespace bourse::test;
using bourse::fakes::FakeBinance;
using bourse::fakes::FakeBinanceOptions;

namespace {

std::string config(const FakeBinance& fake, const std::string& symbols = R"(["BTCUSDT","ETHUSDT","BNBBTC"])") {
    return R"({"rest_url":")" + fake.restUrl() + R"(","ws_url":")" + fake.wsUrl() + R"(","symbols":)" + symbols +
           R"(,"reconnect_min_ms":50,"reconnect_max_ms":400,"poll_interval_ms":100,"stale_after_ms":600})";
}

Poco::JSON::Object::Ptr status(PluginHarness& h) {
    return Poco::JSON::Parser()
        .parse(h.manager->command("binance", "status", "{}", "test"))
        .extract<Poco::JSON::Object::Ptr>();
}

std::int64_t lastTs(PluginHarness& h, const std::string& symbol) {
    const auto t = h.market->lastTick(symbol);
    return t ? t->tsNs : 0;
}

}  // namespace

class BinanceSourceTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(BinanceSourceTest);
    CPPUNIT_TEST(testInstrumentsFromExchangeInfoAndLiveTicks);
    CPPUNIT_TEST(testUnknownSymbolReportedOthersServed);
    CPPUNIT_TEST(testDroppedStreamReconnectsAndPollsMeanwhile);
    CPPUNIT_TEST(testSilentStreamIsReplaced);
    CPPUNIT_TEST(testMalformedFrameIgnored);
    CPPUNIT_TEST(testServerShutdownReconnectsAtOnce);
    CPPUNIT_TEST(testRateLimitedRestWaitsAndIsNotBanned);
    CPPUNIT_TEST(testBadConfigNamesTheKey);
    CPPUNIT_TEST(testHistoryIsPagedFromKlines);
    CPPUNIT_TEST(testConnectionStateReportedToTheHost);
    CPPUNIT_TEST(testServerPingsAnsweredSoTheStreamStays);
    CPPUNIT_TEST(testSlowRestBlocksNothing);
    CPPUNIT_TEST_SUITE_END();

public:
    void testInstrumentsFromExchangeInfoAndLiveTicks() {
        FakeBinance fake;
        PluginHarness h({pluginEntry("binance", "bourse-plugin-binance", config(fake))});
        h.manager->startAll();
        CPPUNIT_ASSERT(eventually([&] { return h.market->instrument("BNBBTC").has_value(); }));
        CPPUNIT_ASSERT_EQUAL(6, h.market->instrument("BNBBTC")->priceScale);
        CPPUNIT_ASSERT_EQUAL(2, h.market->instrument("BTCUSDT")->priceScale);
        CPPUNIT_ASSERT_EQUAL(std::string("binance"), h.market->instrument("ETHUSDT")->source);
        CPPUNIT_ASSERT(eventually([&] { return lastTs(h, "BTCUSDT") > 0 && lastTs(h, "BNBBTC") > 0; }));
        const auto tick = h.market->lastTick("BTCUSDT");
        CPPUNIT_ASSERT_EQUAL(2, tick->price.scale);
        CPPUNIT_ASSERT_EQUAL(std::string("open"), status(h)->getValue<std::string>("stream"));
        CPPUNIT_ASSERT_EQUAL(1, fake.streamsOpened());  // one combined stream for every symbol
    }

    void testUnknownSymbolReportedOthersServed() {
        FakeBinance fake;
        PluginHarness h(
            {pluginEntry("binance", "bourse-plugin-binance", config(fake, R"(["BTCUSDT","NOPEUSDT","LUNAUSDT"])"))});
        h.manager->startAll();
        CPPUNIT_ASSERT(eventually([&] { return h.market->instrument("BTCUSDT").has_value(); }));
        CPPUNIT_ASSERT(!h.market->instrument("NOPEUSDT").has_value());
        CPPUNIT_ASSERT(!h.market->instrument("LUNAUSDT").has_value());  // not trading
        CPPUNIT_ASSERT(eventually([&] { return lastTs(h, "BTCUSDT") > 0; }));
        const std::string error = status(h)->getValue<std::string>("last_error");
        CPPUNIT_ASSERT_MESSAGE(error, error.find("NOPEUSDT") != std::string::npos);
    }

    void testDroppedStreamReconnectsAndPollsMeanwhile() {
        FakeBinance fake;
        PluginHarness h({pluginEntry("binance", "bourse-plugin-binance", config(fake))});
        h.manager->startAll();
        CPPUNIT_ASSERT(eventually([&] { return lastTs(h, "ETHUSDT") > 0; }));
        fake.failRest(503, 2);  // the first polls meet a failing REST API too
        fake.dropStreams();
        CPPUNIT_ASSERT(eventually([&] { return fake.streamsOpened() >= 2; }));
        CPPUNIT_ASSERT(eventually([&] { return status(h)->getValue<std::string>("stream") == "open"; }));
        CPPUNIT_ASSERT(status(h)->getValue<int>("reconnects") >= 1);
        const auto before = lastTs(h, "ETHUSDT");
        CPPUNIT_ASSERT(eventually([&] { return lastTs(h, "ETHUSDT") > before; }));  // ticks flow again
        CPPUNIT_ASSERT_EQUAL(std::string("running"), h.manager->status("binance").state);
    }

    void testSilentStreamIsReplaced() {
        FakeBinance fake;
        PluginHarness h({pluginEntry("binance", "bourse-plugin-binance", config(fake))});
        h.manager->startAll();
        CPPUNIT_ASSERT(eventually([&] { return lastTs(h, "BTCUSDT") > 0; }));
        fake.stallStreams(true);  // open, but nothing comes
        // Silent past stale_after_ms: dropped; prices keep coming from REST polling meanwhile.
        CPPUNIT_ASSERT(eventually([&] { return status(h)->getValue<int>("polls") > 0; }));
        const auto during = lastTs(h, "BTCUSDT");
        CPPUNIT_ASSERT(eventually([&] { return lastTs(h, "BTCUSDT") > during; }));
        fake.stallStreams(false);
        CPPUNIT_ASSERT(eventually([&] { return status(h)->getValue<std::string>("stream") == "open"; }));
        CPPUNIT_ASSERT(fake.streamsOpened() >= 2);
    }

    void testMalformedFrameIgnored() {
        FakeBinance fake;
        PluginHarness h({pluginEntry("binance", "bourse-plugin-binance", config(fake))});
        h.manager->startAll();
        CPPUNIT_ASSERT(eventually([&] { return lastTs(h, "BTCUSDT") > 0; }));
        fake.sendMalformed();
        CPPUNIT_ASSERT(eventually([&] { return status(h)->getValue<int>("malformed") >= 1; }));
        const auto before = lastTs(h, "BTCUSDT");
        CPPUNIT_ASSERT(eventually([&] { return lastTs(h, "BTCUSDT") > before; }));
        CPPUNIT_ASSERT_EQUAL(1, fake.streamsOpened());  // the stream was kept
    }

    void testServerShutdownReconnectsAtOnce() {
        FakeBinance fake;
        PluginHarness h({pluginEntry("binance", "bourse-plugin-binance", config(fake))});
        h.manager->startAll();
        CPPUNIT_ASSERT(eventually([&] { return status(h)->getValue<std::string>("stream") == "open"; }));
        fake.announceShutdown();
        CPPUNIT_ASSERT(eventually([&] { return fake.streamsOpened() >= 2; }));
        CPPUNIT_ASSERT(eventually([&] { return status(h)->getValue<std::string>("stream") == "open"; }));
    }

    void testRateLimitedRestWaitsAndIsNotBanned() {
        FakeBinanceOptions o;
        o.weightLimitPerMinute = 30;  // exchangeInfo (20) fits; the first polls (4 each) soon do not
        FakeBinance fake(o);
        PluginHarness h({pluginEntry("binance", "bourse-plugin-binance", config(fake))});
        h.manager->startAll();
        CPPUNIT_ASSERT(eventually([&] { return h.market->instrument("BTCUSDT").has_value(); }));
        fake.stallStreams(true);  // force REST polling
        CPPUNIT_ASSERT(eventually([&] { return status(h)->getValue<std::string>("rest") == "backing off"; },
                                  std::chrono::seconds(10)));
        std::this_thread::sleep_for(std::chrono::milliseconds(800));
        // It waited as told: never called during Retry-After, so never banned (418).
        CPPUNIT_ASSERT(status(h)->getValue<std::string>("rest") != "banned");
        CPPUNIT_ASSERT_EQUAL(std::string("running"), h.manager->status("binance").state);
    }

    void testHistoryIsPagedFromKlines() {
        FakeBinance fake;
        PluginHarness h({pluginEntry("binance", "bourse-plugin-binance", config(fake))});
        h.manager->startAll();
        CPPUNIT_ASSERT(eventually([&] { return h.market->instrument("BTCUSDT").has_value(); }));
        constexpr std::int64_t kMinute = 60'000'000'000;
        const std::int64_t to = h.clock.nowNs() / kMinute * kMinute;
        const std::int64_t from = to - 1500 * kMinute;  // 25 hours: more than one page of 1,000
        const auto history = [&](const std::string& symbol, int interval) {
            auto done = std::make_shared<std::promise<std::pair<bourse_status, std::string>>>();
            h.manager->instance("binance")->fetchCandles(symbol, interval, from, to,
                                                         [done](bourse_status s, const std::string& json) {
                                                             done->set_value({s, json});
                                                         });
            auto future = done->get_future();
            CPPUNIT_ASSERT(future.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
            return future.get();
        };
        const int requestsBefore = fake.restRequests();
        const auto [status, json] = history("BTCUSDT", 60);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(json, BOURSE_OK, status);
        CPPUNIT_ASSERT(fake.restRequests() - requestsBefore >= 2);
        const auto rows = HistoryBackfill::parseRows(json, "BTCUSDT", 60);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1500), rows.size());
        CPPUNIT_ASSERT_EQUAL(from, rows.front().openNs);
        CPPUNIT_ASSERT_EQUAL(to - kMinute, rows.back().openNs);
        for (std::size_t i = 1; i < rows.size(); ++i)
            CPPUNIT_ASSERT_EQUAL(kMinute, rows[i].openNs - rows[i - 1].openNs);  // no hole, no overlap
        CPPUNIT_ASSERT_EQUAL(2, rows.front().scale);                             // the instrument's precision
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_INVALID, history("BTCUSDT", 7).first);
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_NOT_FOUND, history("NOPEUSDT", 60).first);
        fake.failRest(503, 1);
        const auto failed = history("BTCUSDT", 60);
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_UNAVAILABLE, failed.first);  // the kernel asks again later
        CPPUNIT_ASSERT_MESSAGE(failed.second, failed.second.find("503") != std::string::npos);
    }

    void testConnectionStateReportedToTheHost() {
        FakeBinance fake;
        PluginHarness h({pluginEntry("binance", "bourse-plugin-binance", config(fake))});
        h.manager->startAll();
        const auto state = [&] {
            const auto s = h.market->sourceStatus("binance");
            return s ? s->status : std::string();
        };
        CPPUNIT_ASSERT(eventually([&] { return state() == "live"; }));
        fake.stallStreams(true);  // silent: dropped by the watchdog, reconnects open but stay silent
        CPPUNIT_ASSERT(eventually([&] { return state() == "backing_off"; }));
        CPPUNIT_ASSERT(h.market->sourceStatus("binance")->detail.find("silent") != std::string::npos);
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        CPPUNIT_ASSERT_EQUAL(std::string("backing_off"), state());  // an open but silent stream is not live
        fake.failRest(418, 1);                                      // the next poll: banned
        CPPUNIT_ASSERT(eventually([&] { return state() == "banned"; }));
        fake.stallStreams(false);
        CPPUNIT_ASSERT(eventually([&] { return state() == "live"; }));
    }

    void testServerPingsAnsweredSoTheStreamStays() {
        FakeBinanceOptions o;
        o.pingInterval = std::chrono::milliseconds(100);
        o.pongTimeout = std::chrono::milliseconds(300);  // a client that does not pong is cut after this
        FakeBinance fake(o);
        PluginHarness h({pluginEntry("binance", "bourse-plugin-binance", config(fake))});
        h.manager->startAll();
        CPPUNIT_ASSERT(eventually([&] { return lastTs(h, "BTCUSDT") > 0; }));
        std::this_thread::sleep_for(std::chrono::milliseconds(1200));
        CPPUNIT_ASSERT(fake.pongsReceived() >= 5);
        CPPUNIT_ASSERT_EQUAL(1, fake.streamsOpened());  // never cut for a missing pong
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), status(h)->getValue<std::int64_t>("reconnects"));
    }

    void testSlowRestBlocksNothing() {
        FakeBinance fake;
        fake.setRestDelay(std::chrono::milliseconds(1500));  // exchangeInfo and every poll crawl
        PluginHarness h({pluginEntry("binance", "bourse-plugin-binance", config(fake))});
        const auto started = std::chrono::steady_clock::now();
        h.manager->startAll();
        // Loading does not wait for Binance: the plugin is running before exchangeInfo answers.
        CPPUNIT_ASSERT(std::chrono::steady_clock::now() - started < std::chrono::milliseconds(1000));
        CPPUNIT_ASSERT_EQUAL(std::string("running"), h.manager->status("binance").state);
        CPPUNIT_ASSERT(!h.market->instrument("BTCUSDT").has_value());
        // Operator commands are answered while requests are in flight.
        const auto asked = std::chrono::steady_clock::now();
        CPPUNIT_ASSERT_EQUAL(0, status(h)->getValue<int>("instruments"));
        CPPUNIT_ASSERT(std::chrono::steady_clock::now() - asked < std::chrono::milliseconds(500));
        // And the slow answer still arrives and is used.
        CPPUNIT_ASSERT(eventually([&] { return h.market->instrument("BTCUSDT").has_value(); }));
        CPPUNIT_ASSERT(eventually([&] { return lastTs(h, "BTCUSDT") > 0; }));
    }

    void testBadConfigNamesTheKey() {
        FakeBinance fake;
        for (const auto& [cfg, expected] : std::vector<std::pair<std::string, std::string>>{
                 {R"({"symbols":[]})", "symbols"},
                 {R"({"symbols":["btcusdt"]})", "symbols[0]"},
                 {R"({"symbols":["BTCUSDT"],"stream":"depth"})", "stream"},
                 {R"({"symbols":["BTCUSDT"],"rest_url":"ftp://x"})", "rest_url"},
                 {R"({"symbols":["BTCUSDT"],"poll_interval_ms":0})", "poll_interval_ms"},
                 {R"({"symbols":["BTCUSDT"],"sybmols":1})", "sybmols"},
                 {R"({"symbols":[42]})", "symbols[0]"},
                 {R"({"symbols":"BTCUSDT"})", "symbols"},
                 {R"({"symbols":["BTCUSDT"],"ws_url":7})", "ws_url"}}) {
            PluginHarness h({pluginEntry("binance", "bourse-plugin-binance", cfg)});
            try {
                h.manager->startAll();
            } catch (const std::exception&) {
            }
            const std::string error = h.manager->status("binance").lastError;
            CPPUNIT_ASSERT_MESSAGE(cfg + " -> " + error, error.find("config: " + expected) != std::string::npos);
        }
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(BinanceSourceTest);
