// The backtest runner: the intra-candle path, and DCA and grid runs over short
// synthetic series whose equity, drawdown, fees and P&L are worked by hand.
#include <bourse/bots/Backtest.h>

#include "Support.h"

#include <random>

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

/// A random walk of candles around 100.00 (seeded: the same path every run).
std::vector<Candle> randomWalk(unsigned seed, int count) {
    std::mt19937 rng(seed);
    std::uniform_int_distribution<std::int64_t> step(-120, 120), wick(0, 90);
    std::vector<Candle> out;
    std::int64_t price = 10000;
    for (int i = 0; i < count; ++i) {
        const std::int64_t next = std::max<std::int64_t>(2000, price + step(rng));
        Candle k;
        k.openTs = sec(60) * i;
        k.open = Decimal(price, 2);
        k.close = Decimal(next, 2);
        k.high = Decimal(std::max(price, next) + wick(rng), 2);
        k.low = Decimal(std::max<std::int64_t>(1000, std::min(price, next) - wick(rng)), 2);
        out.push_back(k);
        price = next;
    }
    return out;
}

/// Everything a run produced, for comparing a run that skipped quiet ticks
/// with one that saw them all.
void assertSameRun(const BacktestResult& every, const BacktestResult& quiet) {
    CPPUNIT_ASSERT_EQUAL(std::size_t(0), every.ticksSkipped);
    CPPUNIT_ASSERT_EQUAL(every.fills, quiet.fills);
    CPPUNIT_ASSERT_EQUAL(every.finalEquity, quiet.finalEquity);
    CPPUNIT_ASSERT_EQUAL(every.feesPaid, quiet.feesPaid);
    CPPUNIT_ASSERT_EQUAL(every.maxDrawdown, quiet.maxDrawdown);
    CPPUNIT_ASSERT_EQUAL(every.finalWallet.quote, quiet.finalWallet.quote);
    CPPUNIT_ASSERT_EQUAL(every.finalWallet.base, quiet.finalWallet.base);
    CPPUNIT_ASSERT_EQUAL(every.gridProfit, quiet.gridProfit);
    CPPUNIT_ASSERT_EQUAL(every.completedPairs, quiet.completedPairs);
    CPPUNIT_ASSERT_EQUAL(every.equity.size(), quiet.equity.size());
    for (std::size_t i = 0; i < every.equity.size(); ++i)
        CPPUNIT_ASSERT_EQUAL(every.equity[i].equity, quiet.equity[i].equity);
    CPPUNIT_ASSERT_EQUAL(every.deals.size(), quiet.deals.size());
    for (std::size_t i = 0; i < every.deals.size(); ++i) {
        CPPUNIT_ASSERT_EQUAL(every.deals[i].id, quiet.deals[i].id);
        CPPUNIT_ASSERT(every.deals[i].reason == quiet.deals[i].reason);
        CPPUNIT_ASSERT_EQUAL(every.deals[i].openedAt, quiet.deals[i].openedAt);
        CPPUNIT_ASSERT_EQUAL(every.deals[i].closedAt, quiet.deals[i].closedAt);
        CPPUNIT_ASSERT_EQUAL(every.deals[i].realizedPnl, quiet.deals[i].realizedPnl);
        CPPUNIT_ASSERT_EQUAL(every.deals[i].safetyOrdersFilled, quiet.deals[i].safetyOrdersFilled);
    }
}

}  // namespace

class BacktestTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(BacktestTest);
    CPPUNIT_TEST(testCandlePathBullishAndBearish);
    CPPUNIT_TEST(testBadCandlesAreRefused);
    CPPUNIT_TEST(testDcaBacktestKnownDrawdown);
    CPPUNIT_TEST(testGridBacktest);
    CPPUNIT_TEST(testSameInputSameResult);
    CPPUNIT_TEST(testDcaSkippingQuietTicksChangesNothing);
    CPPUNIT_TEST(testGridSkippingQuietTicksChangesNothing);
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

    // The kernel ticks a bot only when a price leaves its quiet band; a backtest
    // that does the same must end exactly like one that ticks every point, over
    // paths that trigger stop losses, take profits, cooldowns and new deals.
    void testDcaSkippingQuietTicksChangesNothing() {
        std::size_t skipped = 0, deals = 0;
        for (unsigned seed = 1; seed <= 12; ++seed) {
            DcaParams p;
            p.pair = centsPair();
            p.baseOrderSize = 5000;
            p.safetyOrderSize = 4000;
            p.maxSafetyOrders = static_cast<int>(seed % 5);
            p.maxActiveSafetyOrders = std::min(p.maxSafetyOrders, static_cast<int>(seed % 2));
            p.priceDeviation = D("0.7");
            p.stepScale = D("1.3");
            p.volumeScale = D("1.5");
            p.takeProfit = seed % 3 == 0 ? D("0.4") : D("1.5");
            if (seed % 2 == 0) p.stopLoss = D("2.5");
            p.cooldownNs = seed % 4 == 0 ? 0 : sec(60) * static_cast<std::int64_t>(seed);
            p.maxActiveDeals = 1 + static_cast<int>(seed % 3);
            const std::vector<Candle> path = randomWalk(seed, 600);
            const BacktestResult every = backtestDca(p, {D("10"), D("5")}, 10'000'000, path, Ticks::Every);
            const BacktestResult quiet = backtestDca(p, {D("10"), D("5")}, 10'000'000, path);
            assertSameRun(every, quiet);
            skipped += quiet.ticksSkipped;
            deals += every.deals.size();
        }
        CPPUNIT_ASSERT(deals > 100);     // the paths do exercise the bot
        CPPUNIT_ASSERT(skipped > 5000);  // and most ticks are skipped
    }

    void testGridSkippingQuietTicksChangesNothing() {
        std::size_t skipped = 0;
        std::int64_t pairs = 0;
        for (unsigned seed = 1; seed <= 12; ++seed) {
            GridParams p;
            p.pair = centsPair();
            p.lower = D("95");
            p.upper = D("105");
            p.gridCount = 4 + static_cast<int>(seed % 7);
            p.spacing = seed % 2 == 0 ? GridSpacing::Geometric : GridSpacing::Arithmetic;
            p.investment = 1'000'000;
            if (seed % 3 == 0) p.stopLoss = D("90");
            if (seed % 4 == 0) p.takeProfit = D("112");
            p.trailingUp = seed % 3 != 1;
            if (p.trailingUp && seed % 5 == 0) p.trailingUpLimit = D("109");
            p.sellBaseOnStop = seed % 2 == 1;
            const std::vector<Candle> path = randomWalk(seed + 100, 600);
            const BacktestResult every = backtestGrid(p, {D("7.5"), D("3")}, path, Ticks::Every);
            const BacktestResult quiet = backtestGrid(p, {D("7.5"), D("3")}, path);
            assertSameRun(every, quiet);
            skipped += quiet.ticksSkipped;
            pairs += every.completedPairs;
        }
        CPPUNIT_ASSERT(pairs > 100);
        CPPUNIT_ASSERT(skipped > 5000);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(BacktestTest);
