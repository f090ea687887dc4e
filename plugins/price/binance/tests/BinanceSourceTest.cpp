// The Binance plugin in a real host (the kernel's plugin manager, market data,
// HTTP and WebSocket clients) against the fake Binance and its faults.
#include "PluginHarness.h"
#include "binance/FakeBinance.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <cppunit/extensions/HelperMacros.h>

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
