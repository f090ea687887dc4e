// Source selection: priority, staleness, reported states, failover and return.
#include "market/SourceSelector.h"

#include <cppunit/extensions/HelperMacros.h>

using bourse::FeedStatus;
using bourse::SourceSelector;

namespace {
constexpr std::int64_t kMs = 1'000'000;
/// Monotonic time `ms` milliseconds into the test (0 means "never" to the selector).
constexpr std::int64_t at(std::int64_t ms) {
    return 1'000'000 * kMs + ms * kMs;
}

// BTC from "binance", then "twelvedata"; ETH from one source only. Stale after 1 s
// (twelvedata: 5 s, it polls).
SourceSelector twoSources() {
    SourceSelector s({{"BTC", {"binance", "twelvedata"}}}, {{"twelvedata", 5000 * kMs}}, 1000 * kMs);
    s.setOffered("binance", {"BTC", "ETH"}, at(0));
    s.setOffered("twelvedata", {"BTC"}, at(0));
    return s;
}

bool tick(SourceSelector& s, const std::string& symbol, const std::string& source, std::int64_t at) {
    std::optional<SourceSelector::Switch> sw;
    return s.onTick(symbol, source, at, sw);
}
}  // namespace

class SourceSelectorTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(SourceSelectorTest);
    CPPUNIT_TEST(testNoSourceUntilFirstTick);
    CPPUNIT_TEST(testPrimaryPreferredFallbackIgnored);
    CPPUNIT_TEST(testStalePrimaryFailsOverAndReturns);
    CPPUNIT_TEST(testBackingOffFailsOverAtOnceButStillServesAlone);
    CPPUNIT_TEST(testBannedIsNeverUsed);
    CPPUNIT_TEST(testEverySourceDownMeansNoLiveSource);
    CPPUNIT_TEST(testRefusals);
    CPPUNIT_TEST(testRemovingASource);
    CPPUNIT_TEST_SUITE_END();

public:
    void testNoSourceUntilFirstTick() {
        auto s = twoSources();
        CPPUNIT_ASSERT(!s.active("BTC"));
        CPPUNIT_ASSERT_EQUAL(std::string("binance"), *s.describer("BTC"));
        std::optional<SourceSelector::Switch> sw;
        CPPUNIT_ASSERT(s.onTick("BTC", "binance", at(10), sw));
        CPPUNIT_ASSERT(sw);
        CPPUNIT_ASSERT_EQUAL(std::string(""), sw->from);
        CPPUNIT_ASSERT_EQUAL(std::string("binance"), sw->to);
        CPPUNIT_ASSERT_EQUAL(std::string("binance"), *s.active("BTC"));
    }

    void testPrimaryPreferredFallbackIgnored() {
        auto s = twoSources();
        CPPUNIT_ASSERT(tick(s, "BTC", "twelvedata", at(0)));  // the only live one: it is the price
        CPPUNIT_ASSERT(tick(s, "BTC", "binance", at(100)));
        CPPUNIT_ASSERT_EQUAL(std::string("binance"), *s.active("BTC"));
        CPPUNIT_ASSERT(!tick(s, "BTC", "twelvedata", at(200)));  // kept fresh, not the price
        const auto feeds = s.feeds("BTC", at(300));
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), feeds.size());
        CPPUNIT_ASSERT_EQUAL(std::string("binance"), feeds[0].source);
        CPPUNIT_ASSERT(feeds[0].status == FeedStatus::Live);
        CPPUNIT_ASSERT(feeds[1].status == FeedStatus::Live);
    }

    void testStalePrimaryFailsOverAndReturns() {
        auto s = twoSources();
        tick(s, "BTC", "binance", at(0));
        tick(s, "BTC", "twelvedata", at(0));
        CPPUNIT_ASSERT(s.evaluate(at(900)).empty());  // within 1 s: nothing changes
        tick(s, "BTC", "twelvedata", at(1000));
        const auto switches = s.evaluate(at(1500));  // binance silent for 1.5 s
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), switches.size());
        CPPUNIT_ASSERT_EQUAL(std::string("binance"), switches[0].from);
        CPPUNIT_ASSERT_EQUAL(std::string("twelvedata"), switches[0].to);
        CPPUNIT_ASSERT(switches[0].reason.find("stale") != std::string::npos);
        CPPUNIT_ASSERT(s.feeds("BTC", at(1500))[0].status == FeedStatus::Stale);
        // Binance ticks again: it takes over at once.
        std::optional<SourceSelector::Switch> back;
        CPPUNIT_ASSERT(s.onTick("BTC", "binance", at(2000), back));
        CPPUNIT_ASSERT(back);
        CPPUNIT_ASSERT_EQUAL(std::string("twelvedata"), back->from);
        CPPUNIT_ASSERT_EQUAL(std::string("binance"), back->to);
        // ETH (one source) went stale meanwhile: no source at all.
        CPPUNIT_ASSERT(!s.active("ETH"));
    }

    void testBackingOffFailsOverAtOnceButStillServesAlone() {
        auto s = twoSources();
        tick(s, "BTC", "binance", at(0));
        tick(s, "BTC", "twelvedata", at(0));
        tick(s, "ETH", "binance", at(0));
        // Stream down: binance polls (still ticks) but the live fallback is preferred.
        const auto switches = s.report("binance", FeedStatus::BackingOff, "stream closed", at(100));
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), switches.size());
        CPPUNIT_ASSERT_EQUAL(std::string("twelvedata"), switches[0].to);
        CPPUNIT_ASSERT(switches[0].reason.find("stream closed") != std::string::npos);
        // ETH has no fallback: the polling binance keeps serving it while it ticks.
        CPPUNIT_ASSERT(tick(s, "ETH", "binance", at(500)));
        CPPUNIT_ASSERT_EQUAL(std::string("binance"), *s.active("ETH"));
        CPPUNIT_ASSERT(s.feeds("ETH", at(500))[0].status == FeedStatus::BackingOff);
        // Live again: BTC returns to binance.
        const auto back = s.report("binance", FeedStatus::Live, "stream open", at(600));
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), back.size());
        CPPUNIT_ASSERT_EQUAL(std::string("binance"), back[0].to);
    }

    void testBannedIsNeverUsed() {
        auto s = twoSources();
        tick(s, "ETH", "binance", at(0));
        s.report("binance", FeedStatus::Banned, "418", at(10));
        CPPUNIT_ASSERT(!tick(s, "ETH", "binance", at(20)));
        CPPUNIT_ASSERT(!s.active("ETH"));
        CPPUNIT_ASSERT(s.feeds("ETH", at(20))[0].status == FeedStatus::Banned);
        CPPUNIT_ASSERT_EQUAL(std::string("418"), s.feeds("ETH", at(20))[0].detail);
    }

    void testEverySourceDownMeansNoLiveSource() {
        auto s = twoSources();
        tick(s, "BTC", "binance", at(0));
        tick(s, "BTC", "twelvedata", at(0));
        s.evaluate(at(2000));  // binance stale, twelvedata (5 s) still fresh
        CPPUNIT_ASSERT_EQUAL(std::string("twelvedata"), *s.active("BTC"));
        const auto none = s.evaluate(at(6000));
        bool sawBtc = false;
        for (const auto& sw : none)
            if (sw.symbol == "BTC") {
                sawBtc = true;
                CPPUNIT_ASSERT_EQUAL(std::string(""), sw.to);
                CPPUNIT_ASSERT(sw.reason.find("no live source") != std::string::npos);
            }
        CPPUNIT_ASSERT(sawBtc);
        CPPUNIT_ASSERT(!s.active("BTC"));
    }

    void testRefusals() {
        auto s = twoSources();
        CPPUNIT_ASSERT_EQUAL(std::string(""), s.refusal("BTC", "twelvedata"));
        CPPUNIT_ASSERT(s.refusal("BTC", "otc").find("configured for other sources") != std::string::npos);
        // ETH is not configured for several sources: a second one is refused, naming the fix.
        const std::string why = s.refusal("ETH", "otc");
        CPPUNIT_ASSERT(why.find("already provided by 'binance'") != std::string::npos);
        CPPUNIT_ASSERT(why.find("market_data.instruments.ETH.sources") != std::string::npos);
        CPPUNIT_ASSERT_EQUAL(std::string(""), s.refusal("NEW", "otc"));
    }

    void testRemovingASource() {
        auto s = twoSources();
        tick(s, "BTC", "binance", at(0));
        tick(s, "BTC", "twelvedata", at(0));
        const auto switches = s.removeSource("binance", at(10));
        CPPUNIT_ASSERT_EQUAL(std::string("twelvedata"), *s.active("BTC"));
        CPPUNIT_ASSERT(!s.describer("ETH"));  // gone with its only source
        bool btc = false;
        for (const auto& sw : switches)
            btc = btc ||
                  (sw.symbol == "BTC" && sw.to == "twelvedata" && sw.reason.find("no longer") != std::string::npos);
        CPPUNIT_ASSERT(btc);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SourceSelectorTest);
