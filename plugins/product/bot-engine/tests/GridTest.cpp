// The grid: lines for both spacings, profit per grid, sizing and the initial
// orders, round trips and grid profit, floating P&L, annualized return, stop
// loss / take profit, trailing up, money conservation, and refused terms.
// Expected numbers are worked by hand in the comments.
#include <bourse/bots/GridBot.h>

#include "Support.h"

using namespace bourse;
using namespace bourse::bots;
using namespace bourse::bots::test;

namespace {

/// 100 … 200 in 4 arithmetic grids (100, 125, 150, 175, 200), 1000.00 invested.
GridParams basic(const char* feeBps = "10") {
    GridParams p;
    p.pair = centsPair();
    p.lower = D("100");
    p.upper = D("200");
    p.gridCount = 4;
    p.investment = 100000;
    p.feeBps = D(feeBps);
    return p;
}

}  // namespace

class GridTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(GridTest);
    CPPUNIT_TEST(testArithmeticLines);
    CPPUNIT_TEST(testGeometricLines);
    CPPUNIT_TEST(testProfitPerGrid);
    CPPUNIT_TEST(testSizingAndInitialOrders);
    CPPUNIT_TEST(testRoundTripsAndGridProfit);
    CPPUNIT_TEST(testAnnualizedReturn);
    CPPUNIT_TEST(testStopLossSellsEverything);
    CPPUNIT_TEST(testTakeProfitStops);
    CPPUNIT_TEST(testManualStopKeepingBase);
    CPPUNIT_TEST(testTrailingUpShiftsTheGrid);
    CPPUNIT_TEST(testTrailingUpLimit);
    CPPUNIT_TEST(testMoneyConservation);
    CPPUNIT_TEST(testInvalidParamsNameTheField);
    CPPUNIT_TEST(testPriceDependentChecks);
    CPPUNIT_TEST_SUITE_END();

public:
    void testArithmeticLines() {
        // bots.md: 100, 125, 150, 175, 200.
        const std::vector<Decimal> lines = GridLevels(basic()).lines();
        const char* expected[] = {"100", "125", "150", "175", "200"};
        CPPUNIT_ASSERT_EQUAL(std::size_t(5), lines.size());
        for (std::size_t k = 0; k < 5; ++k)
            CPPUNIT_ASSERT_EQUAL(D(expected[k]), lines[k]);
        // 100 … 101 in 3: 100.333… → 100.33, 100.666… → 100.67 (nearest tick).
        GridParams p = basic("0");
        p.upper = D("101");
        p.gridCount = 3;
        const GridLevels odd(p);
        CPPUNIT_ASSERT_EQUAL(D("100.33"), odd.line(1));
        CPPUNIT_ASSERT_EQUAL(D("100.67"), odd.line(2));
        CPPUNIT_ASSERT_EQUAL(D("101.33"), odd.line(4));  // beyond the top, for trailing up
    }

    void testGeometricLines() {
        // bots.md: 100, 118.9207, 141.4214, 168.1793, 200 with r = 2^(1/4).
        GridParams p = basic();
        p.pair = examplePair();  // tick 0.0001
        p.spacing = GridSpacing::Geometric;
        const GridLevels levels(p);
        const char* expected[] = {"100", "118.9207", "141.4214", "168.1793", "200"};
        for (std::int64_t k = 0; k <= 4; ++k)
            CPPUNIT_ASSERT_EQUAL(D(expected[k]), levels.line(k));
        // 2^(1/4) = 1.189207115002721066717…
        CPPUNIT_ASSERT_EQUAL(D("1.189207115002721067"), levels.ratio());
        // One more line: 200 × 2^(1/4) = 237.8414.
        CPPUNIT_ASSERT_EQUAL(D("237.8414"), levels.line(5));
        // 1 … 100 in 2: 1, 10, 100.
        p.lower = D("1");
        p.upper = D("100");
        p.gridCount = 2;
        CPPUNIT_ASSERT_EQUAL(D("10"), GridLevels(p).line(1));
    }

    void testProfitPerGrid() {
        // (L1 × (1 − f) − L0 × (1 + f)) / L0, f = 0.1 %:
        // 100 → 125: (124.875 − 100.1) / 100 = 24.775 %;
        // 175 → 200: (199.8 − 175.175) / 175 = 14.0714… %.
        const GridLevels arithmetic(basic());
        CPPUNIT_ASSERT_EQUAL(D("24.775"), arithmetic.pairProfitPercent(0, D("10")));
        CPPUNIT_ASSERT_EQUAL(D("14.0714"), arithmetic.pairProfitPercent(3, D("10")));
        // Geometric: (118.9207 × 0.999 − 100.1) / 100 = 18.70177… % (≈ r − 1 − 2f).
        GridParams p = basic();
        p.pair = examplePair();
        p.spacing = GridSpacing::Geometric;
        CPPUNIT_ASSERT_EQUAL(D("18.7018"), GridLevels(p).pairProfitPercent(0, D("10")));
        CPPUNIT_ASSERT(arithmetic.coversFees(3, D("10")));
    }

    void testSizingAndInitialOrders() {
        // Start at 140: buys on 100 and 125; sells on 175 and 200 backed by base bought now.
        // Q = 1000 / ((100 + 125 + 140 + 140) × 1.001) = 1.97822… → 1.978.
        const GridPlan plan = planGrid(basic(), D("140"));
        CPPUNIT_ASSERT_EQUAL(D("1.978"), plan.qtyPerOrder);
        CPPUNIT_ASSERT_EQUAL(2, plan.buyOrders);
        CPPUNIT_ASSERT_EQUAL(2, plan.sellOrders);
        CPPUNIT_ASSERT_EQUAL(D("3.956"), plan.baseToBuy);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(19780 + 24725), plan.buyReserve);  // 197.80 + 247.25

        GridBot bot(basic());
        PaperExchange ex(centsPair(), {D("10"), D("0")}, Wallet{100000, Decimal(0, 3)});
        Driver d{bot, ex, {}, {}};
        d.tick(D("140"), 0);
        CPPUNIT_ASSERT(bot.status() == GridStatus::Running);
        const OrderIntent base = intentFor(d.intents, "gridg1");
        CPPUNIT_ASSERT(base.type == OrderType::Market && base.side == Side::Buy);
        CPPUNIT_ASSERT_EQUAL(D("3.956"), base.qty);
        const struct {
            const char* id;
            Side side;
            const char* price;
        } expected[] = {{"gridg2", Side::Buy, "100"},
                        {"gridg3", Side::Buy, "125"},
                        {"gridg4", Side::Sell, "175"},
                        {"gridg5", Side::Sell, "200"}};
        for (const auto& e : expected) {
            const OrderIntent i = intentFor(d.intents, e.id);
            CPPUNIT_ASSERT(i.side == e.side && i.type == OrderType::Limit);
            CPPUNIT_ASSERT_EQUAL(D(e.price), i.price);
            CPPUNIT_ASSERT_EQUAL(D("1.978"), i.qty);
        }
        CPPUNIT_ASSERT_EQUAL(std::size_t(4), ex.openOrders());
        // 3.956 × 140 = 553.84 + fee 0.55384 → 0.56. What is left covers both buys
        // and their fees (197.80 + 0.20 + 247.25 + 0.25) with 0.10 to spare.
        CPPUNIT_ASSERT_EQUAL(std::int64_t(100000 - 55440), ex.wallet().quote);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(10), ex.wallet().quote - (19780 + 20 + 24725 + 25));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(55440), bot.heldCost());
    }

    void testRoundTripsAndGridProfit() {
        GridBot bot(basic());
        PaperExchange ex(centsPair(), {D("10"), D("0")}, Wallet{100000, Decimal(0, 3)});
        Driver d{bot, ex, {}, {}};
        d.tick(D("140"), 0);
        // Down to 125: the buy on 125 fills (247.25 + fee 0.25) and a sell goes on 150.
        d.tick(D("125"), sec(3600));
        const OrderIntent sell = intentFor(d.intents, "gridg6");
        CPPUNIT_ASSERT(sell.side == Side::Sell);
        CPPUNIT_ASSERT_EQUAL(D("150"), sell.price);
        CPPUNIT_ASSERT_EQUAL(D("1.978"), sell.qty);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), bot.completedPairs());
        // Up to 150: sold 296.70 − fee 0.30; profit 296.40 − 247.50 = 48.90
        // (= 25 × 1.978 − two fees), and the buy on 125 is back.
        d.tick(D("150"), sec(7200));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), bot.completedPairs());
        CPPUNIT_ASSERT_EQUAL(std::int64_t(4890), bot.gridProfit());
        CPPUNIT_ASSERT_EQUAL(std::int64_t(4890), bot.state().lastPairProfit);
        const OrderIntent again = intentFor(d.intents, "gridg7");
        CPPUNIT_ASSERT(again.side == Side::Buy);
        CPPUNIT_ASSERT_EQUAL(D("125"), again.price);
        // Up to 175: the start's base on 150→175 sells: 346.15 − 0.35 = 345.80 against
        // its share of the start's purchase, 554.40 / 2 = 277.20: +68.60.
        d.tick(D("175"), sec(10800));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), bot.completedPairs());
        CPPUNIT_ASSERT_EQUAL(std::int64_t(4890 + 6860), bot.gridProfit());
        // Floating: the other 1.978 (cost 277.20) is worth 346.15 at 175: +68.95.
        CPPUNIT_ASSERT_EQUAL(std::int64_t(6895), bot.floatingPnl(D("175")));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(4890 + 6860 + 6895), bot.totalPnl(D("175")));
        // The wallet agrees: 445.60 − 247.50 + 296.40 + 345.80 = 840.30, plus 346.15 of base.
        CPPUNIT_ASSERT_EQUAL(std::int64_t(84030), ex.wallet().quote);
        CPPUNIT_ASSERT_EQUAL(ex.equity(D("175")) - 100000, bot.totalPnl(D("175")));
    }

    void testAnnualizedReturn() {
        GridBot bot(basic());
        PaperExchange ex(centsPair(), {D("10"), D("0")}, Wallet{100000, Decimal(0, 3)});
        Driver d{bot, ex, {}, {}};
        d.tick(D("140"), 0);
        CPPUNIT_ASSERT_EQUAL(D("0"), bot.annualizedReturn(0));
        d.tick(D("125"), sec(3600));
        d.tick(D("150"), sec(7200));
        // 48.90 on 1000.00 in 30 days: 4.89 % × 365 / 30 = 59.495 %.
        CPPUNIT_ASSERT_EQUAL(D("59.495"), bot.annualizedReturn(sec(30 * 86400)));
    }

    void testStopLossSellsEverything() {
        GridParams p = basic("0");
        p.stopLoss = D("90");
        GridBot bot(p);
        PaperExchange ex(centsPair(), {}, Wallet{100000, Decimal(0, 3)});
        Driver d{bot, ex, {}, {}};
        d.tick(D("140"), 0);  // Q = 1000 / 505 = 1.98019… → 1.980
        d.tick(D("125"), sec(1));
        d.tick(D("90.01"), sec(2));  // the buy on 100 fills; 90.01 is above the trigger
        CPPUNIT_ASSERT(bot.status() == GridStatus::Running);
        d.tick(D("90"), sec(3));
        CPPUNIT_ASSERT(bot.status() == GridStatus::Stopped);
        CPPUNIT_ASSERT(bot.state().reason == GridStopReason::StopLoss);
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), ex.openOrders());
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), ex.wallet().base.mantissa);
        // Bought 3.96 at 140 (554.40), 1.98 at 125 (247.50), 1.98 at 100 (198.00);
        // sold 7.92 at 90 (712.80): −287.10.
        CPPUNIT_ASSERT_EQUAL(std::int64_t(71280 - 55440 - 24750 - 19800), bot.closingPnl());
        CPPUNIT_ASSERT_EQUAL(std::int64_t(100000 + 71280 - 55440 - 24750 - 19800), ex.wallet().quote);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), bot.gridProfit());
        CPPUNIT_ASSERT(bot.finished());
    }

    void testTakeProfitStops() {
        GridParams p = basic("0");
        p.takeProfit = D("210");
        GridBot bot(p);
        PaperExchange ex(centsPair(), {}, Wallet{100000, Decimal(0, 3)});
        Driver d{bot, ex, {}, {}};
        d.tick(D("140"), 0);
        d.tick(D("176"), sec(1));
        d.tick(D("210"), sec(2));
        CPPUNIT_ASSERT(bot.status() == GridStatus::Stopped);
        CPPUNIT_ASSERT(bot.state().reason == GridStopReason::TakeProfit);
        // Both halves of the start's base (277.20 each) sold: 1.98 × 175 = 346.50 and
        // 1.98 × 200 = 396.00 → 69.30 + 118.80.
        CPPUNIT_ASSERT_EQUAL(std::int64_t(6930 + 11880), bot.gridProfit());
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), ex.openOrders());
        CPPUNIT_ASSERT_EQUAL(std::int64_t(100000 - 55440 + 34650 + 39600), ex.wallet().quote);
    }

    void testManualStopKeepingBase() {
        GridBot bot(basic("0"));
        PaperExchange ex(centsPair(), {}, Wallet{100000, Decimal(0, 3)});
        Driver d{bot, ex, {}, {}};
        d.tick(D("140"), 0);
        bot.stop(sec(1), false);
        d.settle(sec(1));
        CPPUNIT_ASSERT(bot.status() == GridStatus::Stopped);
        CPPUNIT_ASSERT(bot.state().reason == GridStopReason::Manual);
        CPPUNIT_ASSERT_EQUAL(D("3.96"), ex.wallet().base);
        CPPUNIT_ASSERT_EQUAL(D("3.96"), bot.heldQty());
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), ex.openOrders());
    }

    void testTrailingUpShiftsTheGrid() {
        GridParams p = basic("0");
        p.trailingUp = true;
        GridBot bot(p);
        PaperExchange ex(centsPair(), {}, Wallet{100000, Decimal(0, 3)});
        Driver d{bot, ex, {}, {}};
        d.tick(D("140"), 0);       // Q = 1.980; buys g2 (100), g3 (125)
        d.tick(D("176"), sec(1));  // sell on 175 fills
        d.tick(D("200"), sec(2));  // sell on 200 fills; 200 is not above the top
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), bot.state().shifts);
        d.tick(D("201"), sec(3));  // above the top: shift one line up
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), bot.state().shifts);
        CPPUNIT_ASSERT(hasIntent(d.intents, "gridg2", OrderIntent::Action::Cancel));  // the lowest buy
        // Its quote, 100 × 1.98 = 198.00, buys 198 / 201 = 0.98507… → 0.985 at market,
        // offered on the new line 225.
        bool marketBuy = false, sellAbove = false;
        for (const OrderIntent& i : d.intents) {
            marketBuy |= i.type == OrderType::Market && i.quoteAmount == 19800;
            sellAbove |= i.side == Side::Sell && i.price == D("225") && i.qty == D("0.985");
        }
        CPPUNIT_ASSERT(marketBuy && sellAbove);
        CPPUNIT_ASSERT_EQUAL(D("125"), bot.lowestLine());
        CPPUNIT_ASSERT_EQUAL(D("225"), bot.highestLine());
        // 226: the sell on 225 fills (221.62 − 197.99 = +23.63) and the grid shifts again.
        const std::int64_t before = bot.gridProfit();
        d.tick(D("226"), sec(4));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2363), bot.gridProfit() - before);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), bot.state().shifts);
        CPPUNIT_ASSERT_EQUAL(D("150"), bot.lowestLine());
        CPPUNIT_ASSERT_EQUAL(D("250"), bot.highestLine());
        CPPUNIT_ASSERT_EQUAL(ex.equity(D("226")) - 100000, bot.totalPnl(D("226")));
    }

    void testTrailingUpLimit() {
        GridParams p = basic("0");
        p.trailingUp = true;
        p.trailingUpLimit = D("240");
        GridBot bot(p);
        PaperExchange ex(centsPair(), {}, Wallet{100000, Decimal(0, 3)});
        Driver d{bot, ex, {}, {}};
        d.tick(D("140"), 0);
        d.tick(D("176"), sec(1));
        d.tick(D("201"), sec(2));
        d.tick(D("226"), sec(3));  // a line at 250 would pass the limit
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), bot.state().shifts);
        CPPUNIT_ASSERT_EQUAL(D("225"), bot.highestLine());
    }

    void testMoneyConservation() {
        // Geometric, 10 grids, fees, trailing up, a path that drifts down then up
        // out of the range. At every tick the wallet (moved only by the paper model)
        // matches the bot's books, and the quote never goes below zero.
        GridParams p;
        p.pair = centsPair();
        p.lower = D("80");
        p.upper = D("120");
        p.gridCount = 10;
        p.spacing = GridSpacing::Geometric;
        p.investment = 500000;
        p.feeBps = D("10");
        p.trailingUp = true;
        GridBot bot(p);
        PaperExchange ex(p.pair, {D("10"), D("0")}, Wallet{p.investment, Decimal(0, 3)});
        Driver d{bot, ex, {}, {}};
        // ±15.00 swings every 200 steps around 100 (through most lines of 80 … 120),
        // then from step 1500 a climb of 0.03 a step with ±3.00 swings, out of the top.
        for (int step = 0; step < 4000; ++step) {
            const std::int64_t price =
                step < 1500 ? 10000 + triangle(step, 200, 1500) : 10000 + (step - 1500) * 3 + triangle(step, 100, 300);
            const Decimal px(price, 2);
            d.tick(px, sec(step * 60));
            CPPUNIT_ASSERT_EQUAL(ex.wallet().base, bot.heldQty());
            CPPUNIT_ASSERT_EQUAL(ex.equity(px) - p.investment, bot.totalPnl(px));
            CPPUNIT_ASSERT_EQUAL(ex.feesPaid(), bot.feesPaid());
            CPPUNIT_ASSERT(ex.wallet().quote >= 0);
        }
        CPPUNIT_ASSERT(bot.completedPairs() > 20);
        CPPUNIT_ASSERT(bot.state().shifts > 5);
        bot.stop(sec(4000 * 60));
        d.settle(sec(4000 * 60));
        CPPUNIT_ASSERT(bot.finished());
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), ex.wallet().base.mantissa);
        CPPUNIT_ASSERT_EQUAL(ex.wallet().quote - p.investment, bot.gridProfit() + bot.closingPnl());
    }

    void testInvalidParamsNameTheField() {
        struct Case {
            const char* field;
            void (*breakIt)(GridParams&);
        };
        const Case cases[] = {
            {"lower", [](GridParams& p) { p.lower = D("100.005"); }},
            {"lower", [](GridParams& p) { p.lower = D("0"); }},
            {"upper", [](GridParams& p) { p.upper = D("100"); }},
            {"upper", [](GridParams& p) { p.upper = D("10000.01"); }},
            {"grid_count", [](GridParams& p) { p.gridCount = 1; }},
            {"grid_count", [](GridParams& p) { p.gridCount = 501; }},
            // 100 … 100.05 in 10: lines 0.005 apart round onto each other.
            {"grid_count",
             [](GridParams& p) {
                 p.upper = D("100.05");
                 p.gridCount = 10;
             }},
            // 100 … 101 in 10: 0.1 % a grid cannot pay two fees of 0.1 %.
            {"grid_count",
             [](GridParams& p) {
                 p.upper = D("101");
                 p.gridCount = 10;
             }},
            {"investment", [](GridParams& p) { p.investment = 0; }},
            {"fee_bps", [](GridParams& p) { p.feeBps = D("1000"); }},
            {"fee_bps", [](GridParams& p) { p.feeBps = D("-1"); }},
            {"stop_loss", [](GridParams& p) { p.stopLoss = D("100"); }},
            {"take_profit", [](GridParams& p) { p.takeProfit = D("200"); }},
            {"trailing_up_limit", [](GridParams& p) { p.trailingUpLimit = D("300"); }},
            {"trailing_up_limit",
             [](GridParams& p) {
                 p.trailingUp = true;
                 p.trailingUpLimit = D("150");
             }},
            {"id_prefix", [](GridParams& p) { p.idPrefix = ""; }},
            {"pair.lot_step", [](GridParams& p) { p.pair.lotStep = D("0"); }},
        };
        for (const Case& c : cases) {
            GridParams p = basic();
            c.breakIt(p);
            CPPUNIT_ASSERT_MESSAGE(c.field, names(validateGrid(p), c.field));
            try {
                GridBot{p};
                CPPUNIT_FAIL(std::string("accepted without ") + c.field);
            } catch (const InvalidParams& e) {
                CPPUNIT_ASSERT_MESSAGE(e.what(), std::string(e.what()).find(c.field) != std::string::npos);
            }
        }
        CPPUNIT_ASSERT(validateGrid(basic()).empty());
    }

    void testPriceDependentChecks() {
        CPPUNIT_ASSERT(names(validateGridAtPrice(basic(), D("99.99")), "price"));
        CPPUNIT_ASSERT(names(validateGridAtPrice(basic(), D("200.01")), "price"));
        CPPUNIT_ASSERT(validateGridAtPrice(basic(), D("200")).empty());
        GridBot bot(basic());
        CPPUNIT_ASSERT_THROW(bot.start(D("250"), 0), InvalidParams);
        // An order of 1.978 on 100 is worth 197.80: below a 200.00 minimum notional.
        GridParams p = basic();
        p.pair.minNotional = 20000;
        const FieldErrors errors = validateGridAtPrice(p, D("140"));
        CPPUNIT_ASSERT(names(errors, "investment"));
        CPPUNIT_ASSERT(errors[0].message.find("minimum notional") != std::string::npos);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(GridTest);
