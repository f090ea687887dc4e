// Candle aggregation: OHLC per interval, bucket boundaries, late ticks.
#include "market/CandleAggregator.h"

#include <cppunit/extensions/HelperMacros.h>

using bourse::Candle;
using bourse::CandleAggregator;
using bourse::Decimal;
using bourse::PriceTick;

namespace {
constexpr std::int64_t kSec = 1'000'000'000;
constexpr std::int64_t kT0 = 1'700'000'000LL * kSec;  // a whole hour: 1700000000 % 3600 == 800, so align below
constexpr std::int64_t kHour = (kT0 / (3600 * kSec)) * 3600 * kSec;

PriceTick tick(std::int64_t ns, std::int64_t mantissa) {
    return PriceTick{"X", Decimal(mantissa, 2), ns};
}

const Candle& find(const std::vector<Candle>& v, int interval) {
    for (const auto& c : v)
        if (c.intervalS == interval) return c;
    throw std::runtime_error("missing interval");
}
}  // namespace

class CandleAggregatorTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(CandleAggregatorTest);
    CPPUNIT_TEST(testOhlcWithinOneMinute);
    CPPUNIT_TEST(testBoundariesStartNewCandles);
    CPPUNIT_TEST(testLateTickIgnored);
    CPPUNIT_TEST(testIntervalNames);
    CPPUNIT_TEST(testHistoryWidensCandlesInProgress);
    CPPUNIT_TEST_SUITE_END();

public:
    void testOhlcWithinOneMinute() {
        CandleAggregator a;
        a.update(tick(kHour + 1 * kSec, 100));
        a.update(tick(kHour + 2 * kSec, 105));
        a.update(tick(kHour + 3 * kSec, 98));
        const auto touched = a.update(tick(kHour + 4 * kSec, 101));
        CPPUNIT_ASSERT_EQUAL(std::size_t(4), touched.size());
        const Candle& m = find(touched, 60);
        CPPUNIT_ASSERT_EQUAL(kHour, m.openNs);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(100), m.open);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(105), m.high);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(98), m.low);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(101), m.close);
        CPPUNIT_ASSERT_EQUAL(4, m.tickCount);
        const Candle& s = find(touched, 1);  // the 1s candle holds only the last tick
        CPPUNIT_ASSERT_EQUAL(kHour + 4 * kSec, s.openNs);
        CPPUNIT_ASSERT_EQUAL(1, s.tickCount);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(101), find(touched, 3600).close);
    }

    void testBoundariesStartNewCandles() {
        CandleAggregator a;
        a.update(tick(kHour + 59 * kSec + kSec / 2, 100));
        const auto next = a.update(tick(kHour + 60 * kSec, 110));
        const Candle& m = find(next, 60);
        CPPUNIT_ASSERT_EQUAL(kHour + 60 * kSec, m.openNs);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(110), m.open);
        CPPUNIT_ASSERT_EQUAL(1, m.tickCount);
        const Candle& five = find(next, 300);  // same 5m bucket: continues
        CPPUNIT_ASSERT_EQUAL(kHour, five.openNs);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(100), five.open);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(110), five.high);
        CPPUNIT_ASSERT_EQUAL(2, five.tickCount);
    }

    void testLateTickIgnored() {
        CandleAggregator a;
        a.update(tick(kHour + 61 * kSec, 100));
        const auto late = a.update(tick(kHour + 59 * kSec, 50));
        for (const auto& c : late)
            CPPUNIT_ASSERT(c.intervalS >= 300);  // 1s and 1m candles already moved on
        CPPUNIT_ASSERT_EQUAL(std::int64_t(100), a.current("X", 60)->low);
    }

    void testHistoryWidensCandlesInProgress() {
        CandleAggregator a;
        // Live ticks from minute 3 of the hour; minutes 0-2 arrive later as history.
        a.update(tick(kHour + 185 * kSec, 100));
        a.update(tick(kHour + 190 * kSec, 102));
        Candle early{"X", 60, kHour, 90, 120, 80, 95, 2, 0};
        const auto changed = a.absorb(early);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), changed.size());  // 5m and 1h, not 1s or 1m
        for (const int interval : {300, 3600}) {
            const Candle* c = a.current("X", interval);
            CPPUNIT_ASSERT_EQUAL(std::int64_t(90), c->open);  // history came first: it opens
            CPPUNIT_ASSERT_EQUAL(std::int64_t(120), c->high);
            CPPUNIT_ASSERT_EQUAL(std::int64_t(80), c->low);
            CPPUNIT_ASSERT_EQUAL(std::int64_t(102), c->close);  // the live close stays
        }
        CPPUNIT_ASSERT_EQUAL(std::int64_t(100), a.current("X", 60)->open);
        // A history minute after the first tick widens but does not reopen.
        a.absorb(Candle{"X", 60, kHour + 240 * kSec, 70, 130, 60, 71, 2, 0});
        CPPUNIT_ASSERT_EQUAL(std::int64_t(90), a.current("X", 300)->open);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(130), a.current("X", 300)->high);
        // Outside the candle in progress, or another precision: untouched.
        CPPUNIT_ASSERT(a.absorb(Candle{"X", 60, kHour - 60 * kSec, 1, 500, 1, 1, 2, 0}).empty());
        CPPUNIT_ASSERT(a.absorb(Candle{"X", 60, kHour + 60 * kSec, 1, 500, 1, 1, 3, 0}).empty());
        CPPUNIT_ASSERT_EQUAL(std::int64_t(130), a.current("X", 3600)->high);
    }

    void testIntervalNames() {
        CPPUNIT_ASSERT_EQUAL(60, bourse::intervalSeconds("1m"));
        CPPUNIT_ASSERT_EQUAL(0, bourse::intervalSeconds("2m"));
        CPPUNIT_ASSERT_EQUAL(std::string("1h"), bourse::intervalName(3600));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(CandleAggregatorTest);
