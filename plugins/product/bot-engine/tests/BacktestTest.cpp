// The backtest runner: the intra-candle path, and DCA and grid runs over short
// synthetic series whose equity, drawdown, fees and P&L are worked by hand.
#include <bourse/bots/Backtest.h>

#include "Support.h"

using namespace bourse;
using namespace bourse::bots;
using namespace bourse::bots::test;

namespace {

Candle candle(TimeNs openTs, const char* o, const char* h, const char* l, const char* c) {
    Candle k;
    k.openTs = openTs;
    k.durationNs = sec(60);
    k.open = D(o);
    k.high = D(h);
    k.low = D(l);
    k.close = D(c);
    return k;
}

}  // namespace

class BacktestTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(BacktestTest);
    CPPUNIT_TEST(testCandlePathBullishAndBearish);
    CPPUNIT_TEST(testBadCandlesAreRefused);
    CPPUNIT_TEST(testDcaBacktestKnownDrawdown);
    CPPUNIT_TEST(testGridBacktest);
    CPPUNIT_TEST(testSameInputSameResult);
    CPPUNIT_TEST_SUITE_END();

public:
    void testCandlePathBullishAndBearish() {
        const std::vector<PricePoint> up = candlePath(candle(0, "100", "110", "95", "105"));
        CPPUNIT_ASSERT_EQUAL(std::size_t(4), up.size());
        const char* upPrices[] = {"100", "95", "110", "105"};  // O → L → H → C
        const TimeNs times[] = {0, sec(20), sec(40), sec(60) - 1};
        for (std::size_t i = 0; i < 4; ++i) {
            CPPUNIT_ASSERT_EQUAL(D(upPrices[i]), up[i].price);
            CPPUNIT_ASSERT_EQUAL(times[i], up[i].ts);
        }
        const std::vector<PricePoint> down = candlePath(candle(0, "100", "110", "90", "95"));
        const char* downPrices[] = {"100", "110", "90", "95"};  // O → H → L → C
        for (std::size_t i = 0; i < 4; ++i)
            CPPUNIT_ASSERT_EQUAL(D(downPrices[i]), down[i].price);
    }

    void testBadCandlesAreRefused() {
        CPPUNIT_ASSERT_THROW(candlePath(candle(0, "100", "99", "90", "95")), std::invalid_argument);
        CPPUNIT_ASSERT_THROW(candlePath(candle(0, "100", "110", "101", "105")), std::invalid_argument);
        Candle zero = candle(0, "100", "110", "90", "95");
        zero.durationNs = 0;
        CPPUNIT_ASSERT_THROW(candlePath(zero), std::invalid_argument);
        DcaParams p;
        p.pair = centsPair();
        p.baseOrderSize = 10000;
        const std::vector<Candle> backwards = {candle(sec(60), "100", "100", "100", "100"),
                                               candle(0, "100", "100", "100", "100")};
        CPPUNIT_ASSERT_THROW(backtestDca(p, {}, 100000, backwards), std::invalid_argument);
    }

    void testDcaBacktestKnownDrawdown() {
        // One deal at a time, 100.00 at market, take profit 10 %, fees 10 bps, 1000.00.
        // Candle 1 (bearish 100 → 100 → 80 → 90): buys 1 at 100 (100.00 + 0.10);
        //   equity 999.90, then at 80: 899.90 + 80.00 = 979.90 — 20.10 below 1000.00.
        // Candle 2 (bullish 90 → 85 → 111 → 105): the take profit (110) fills on the
        //   way to 111: + 110.00 − 0.11 → quote 1009.79; a new deal buys 100.00 / 111 =
        //   0.900 for 99.90 + 0.10; equity at 111: 909.79 + 99.90 = 1009.69 (the peak),
        //   at 105: 909.79 + 94.50 = 1004.29.
        DcaParams p;
        p.pair = centsPair();
        p.baseOrderSize = 10000;
        p.takeProfit = D("10");
        const std::vector<Candle> candles = {candle(0, "100", "100", "80", "90"),
                                             candle(sec(60), "90", "111", "85", "105")};
        const BacktestResult r = backtestDca(p, {D("10"), D("0")}, 100000, candles);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(100000), r.initialEquity);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2010), r.maxDrawdown);
        CPPUNIT_ASSERT_EQUAL(D("2.01"), r.maxDrawdownPercent);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(100429), r.finalEquity);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(429), r.pnl);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(10 + 11 + 10), r.feesPaid);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), r.equity.size());
        CPPUNIT_ASSERT_EQUAL(std::int64_t(89990 + 9000), r.equity[0].equity);  // at 90
        CPPUNIT_ASSERT_EQUAL(sec(60) - 1, r.equity[0].ts);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(100429), r.equity[1].equity);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), r.deals.size());
        CPPUNIT_ASSERT(r.deals[0].reason == CloseReason::TakeProfit);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(11000 - 10000 - 21), r.deals[0].realizedPnl);
        CPPUNIT_ASSERT(r.deals[1].status == DealStatus::Active);
        CPPUNIT_ASSERT_EQUAL(D("0.9"), r.finalWallet.base);
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), r.fills);
    }

    void testGridBacktest() {
        // Grid 100 … 200 in 4, 1000.00, no fees, starting at the first open (140):
        // Q = 1000 / 505 → 1.980; 3.96 bought at 140.
        // Candle 1 (bearish 140 → 140 → 120 → 125): the buy on 125 fills on the way
        //   down; at 120 the quote is 198.10 and 5.94 base is worth 712.80: 910.90,
        //   89.10 below the start.
        // Candle 2 (bullish 125 → 124 → 155 → 150): the sell on 150 fills: +297.00,
        //   a pair of 25 × 1.98 = 49.50; at 150: 495.10 + 3.96 × 150 = 1089.10.
        GridParams p;
        p.pair = centsPair();
        p.lower = D("100");
        p.upper = D("200");
        p.gridCount = 4;
        p.investment = 100000;
        p.feeBps = D("0");
        const std::vector<Candle> candles = {candle(0, "140", "140", "120", "125"),
                                             candle(sec(60), "125", "155", "124", "150")};
        const BacktestResult r = backtestGrid(p, {}, candles);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), r.completedPairs);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(4950), r.gridProfit);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(8910), r.maxDrawdown);
        CPPUNIT_ASSERT_EQUAL(D("8.91"), r.maxDrawdownPercent);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(108910), r.finalEquity);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), r.feesPaid);
        CPPUNIT_ASSERT_EQUAL(D("3.96"), r.finalWallet.base);
        // Candle 1 closes at 125: 198.10 + 5.94 × 125 = 940.60.
        CPPUNIT_ASSERT_EQUAL(std::int64_t(94060), r.equity[0].equity);
    }

    void testSameInputSameResult() {
        GridParams p;
        p.pair = centsPair();
        p.lower = D("90");
        p.upper = D("110");
        p.gridCount = 8;
        p.spacing = GridSpacing::Geometric;
        p.investment = 200000;
        p.trailingUp = true;
        std::vector<Candle> candles;
        std::int64_t price = 10000;
        for (int i = 0; i < 300; ++i) {
            const std::int64_t next = price + (((i * 37) % 23) - 11) * 15;
            Candle k;
            k.openTs = sec(60) * i;
            k.open = Decimal(price, 2);
            k.close = Decimal(next, 2);
            k.high = Decimal((price > next ? price : next) + 40, 2);
            k.low = Decimal((price < next ? price : next) - 35, 2);
            candles.push_back(k);
            price = next;
        }
        const BacktestResult a = backtestGrid(p, {D("7.5"), D("3")}, candles);
        const BacktestResult b = backtestGrid(p, {D("7.5"), D("3")}, candles);
        CPPUNIT_ASSERT_EQUAL(a.finalEquity, b.finalEquity);
        CPPUNIT_ASSERT_EQUAL(a.maxDrawdown, b.maxDrawdown);
        CPPUNIT_ASSERT_EQUAL(a.fills, b.fills);
        CPPUNIT_ASSERT(a.fills > 20);
        CPPUNIT_ASSERT_EQUAL(a.pnl, a.finalEquity - a.initialEquity);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(BacktestTest);
