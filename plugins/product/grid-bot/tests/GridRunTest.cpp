// A grid bot running through the fake host as the kernel runs it (PaperKernel:
// the engine's paper fill model plays the venue): the start, a buy fill
// placing the sell one line up and the pair's profit worked by hand, a reload
// after every step continuing identically (trailing up included), waiting for
// a price inside the grid, pause, stop keeping or selling the base, and the
// backtest command.
#include "GridSupport.h"

#include <bourse/botkit/testing/PaperKernel.h>

#include <algorithm>
#include <memory>
#include <set>

using namespace bourse;
using namespace bourse::testing;
using namespace gridtest;
using bourse::botkit::testing::PaperKernel;

namespace {

bots::PairSpec centsSpec() {
    bots::PairSpec s;
    s.symbol = "ETHUSD";
    s.tickSize = Decimal(1, 2);
    s.lotStep = Decimal(1, 3);
    s.quoteScale = 2;
    s.minNotional = 100;
    return s;
}

/// One grid on its own host, driven by a PaperKernel at 10 bps and no slippage.
struct Rig {
    FakeHost host;
    std::unique_ptr<PluginUnderTest> plugin;
    std::unique_ptr<PaperKernel> kernel;

    explicit Rig(const std::string& paramsJson = params()) {
        plugin = std::make_unique<PluginUnderTest>(bourse_module_entry, "grid-bot", host);
        const Position pos = created(*plugin, paramsJson);
        kernel = std::make_unique<PaperKernel>(host, *plugin, pos, centsSpec(), bots::PaperConfig{Decimal(10, 0), {}},
                                               bots::Wallet{100000, Decimal(0, 3)});
    }
    void reload() {
        auto next = std::make_unique<PluginUnderTest>(bourse_module_entry, "grid-bot", host);
        kernel->use(*next);
        plugin = std::move(next);
    }
    [[nodiscard]] Json state() const { return parse(host.savedState("bot1").value()); }
    [[nodiscard]] Json summary() const { return state()->getObject("summary"); }
    [[nodiscard]] std::vector<std::string> orders() const { return orderLines(host); }
};

std::string withoutLastPrice(const std::string& state) {
    const Json o = parse(state);
    o->getObject("grid")->remove("last_price");
    return text(o);
}

std::int64_t at(int second) {
    return kT0 + second * kSecond;
}

}  // namespace

class GridRunTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(GridRunTest);
    CPPUNIT_TEST(testBuyFillPlacesSellOneLineUpAndCountsGridProfit);
    CPPUNIT_TEST(testReloadAfterEveryStepContinuesIdentically);
    CPPUNIT_TEST(testWaitsForAPriceInsideTheGrid);
    CPPUNIT_TEST(testPausedGridStillCompletesPairsAndStopsAtItsStopLoss);
    CPPUNIT_TEST(testStopKeepingTheBase);
    CPPUNIT_TEST(testStopSellingTheBase);
    CPPUNIT_TEST(testStopWithoutCloseFollowsSellBaseOnStop);
    CPPUNIT_TEST(testSleepsThroughTicksThatCannotMatter);
    CPPUNIT_TEST(testBacktestOverAFewCandles);
    CPPUNIT_TEST(testBacktestRefusesAStartOutsideTheGrid);
    CPPUNIT_TEST_SUITE_END();

public:
    void testBuyFillPlacesSellOneLineUpAndCountsGridProfit() {
        Rig r;
        // At 100.00: Q = 1000 / ((90 + 95 + 100 + 100) × 1.001) → 2.594. Buys rest on 90
        // and 95; the two intervals above start with base bought at market (5.188), then
        // offer it on 105 and 110 once that purchase is done.
        r.kernel->tick("100.00", at(1));
        const std::vector<std::string> start = {
            "g5xg1 buy market 5.188 @ 0.00 quote 0.00",   "g5xg2 buy limit 2.594 @ 90.00 quote 0.00",
            "g5xg3 buy limit 2.594 @ 95.00 quote 0.00",   "g5xg4 sell limit 2.594 @ 105.00 quote 0.00",
            "g5xg5 sell limit 2.594 @ 110.00 quote 0.00",
        };
        CPPUNIT_ASSERT_EQUAL(join(start), join(r.orders()));
        CPPUNIT_ASSERT_EQUAL(std::string("running"), str(r.summary(), "status"));

        // 94.90 fills the buy on 95 (246.43, fee 0.25): its sell goes one line up, to 100.
        r.kernel->tick("94.90", at(2));
        CPPUNIT_ASSERT_EQUAL(std::string("g5xg6 sell limit 2.594 @ 100.00 quote 0.00"), r.orders().back());
        // 100.10 fills it (259.40, fee 0.26): one pair, 259.40 − 0.26 − (246.43 + 0.25) = 12.46,
        // i.e. (100 − 95) × 2.594 less two fees; the buy on 95 is offered again.
        r.kernel->tick("100.10", at(3));
        const Json s = r.summary();
        CPPUNIT_ASSERT_EQUAL(std::string("12.46"), str(s, "grid_profit"));
        CPPUNIT_ASSERT_EQUAL(1, s->getValue<int>("completed_pairs"));
        CPPUNIT_ASSERT_EQUAL(std::string("12.46"), str(s, "realized_pnl"));
        CPPUNIT_ASSERT_EQUAL(std::string("1.03"), str(s, "fees"));  // 0.52 + 0.25 + 0.26
        CPPUNIT_ASSERT_EQUAL(std::string("5.188"), str(s, "held_qty"));
        CPPUNIT_ASSERT_EQUAL(std::string("519.32"), str(s, "held_cost"));  // 518.80 + 0.52
        CPPUNIT_ASSERT_EQUAL(std::string("g5xg7 buy limit 2.594 @ 95.00 quote 0.00"), r.orders().back());
        CPPUNIT_ASSERT(r.host.venueCancels.empty());
        CPPUNIT_ASSERT(r.plugin->violations().empty());
    }

    void testReloadAfterEveryStepContinuesIdentically() {
        // The same script on one instance and on a fresh instance for every call, each
        // rebuilt from the saved state alone; trailing up moves the grid on the way.
        const std::string trailing = params([](Json& j) { j->set("trailing_up", true); });
        const auto script = [](Rig& r, bool reload) {
            const std::vector<std::pair<std::string, int>> prices = {
                {"100.00", 1}, {"94.90", 2},  {"100.10", 3}, {"105.50", 4}, {"111.00", 5},
                {"112.00", 6}, {"118.00", 7}, {"89.00", 8},  {"95.50", 9},  {"116.00", 10}};
            for (const auto& [price, second] : prices) {
                if (reload) r.reload();
                r.kernel->tick(price, at(second));
            }
            if (reload) r.reload();
            r.kernel->control(R"({"action":"stop","close":true})");
        };
        Rig once(trailing), reloaded(trailing);
        script(once, false);
        script(reloaded, true);
        CPPUNIT_ASSERT(once.state()->getObject("grid")->getValue<int>("shifts") > 0);  // it did trail up
        CPPUNIT_ASSERT(once.summary()->getValue<bool>("finished"));
        CPPUNIT_ASSERT_EQUAL(join(once.orders()), join(reloaded.orders()));
        CPPUNIT_ASSERT_EQUAL(once.host.venueCancels.size(), reloaded.host.venueCancels.size());
        // Byte for byte, but for the last price: a tick that changes nothing else is not
        // saved (GridStateJson.h), so an instance rebuilt after it holds the price before.
        CPPUNIT_ASSERT_EQUAL(std::string(),
                             firstDifference(withoutLastPrice(once.host.savedState("bot1").value()),
                                             withoutLastPrice(reloaded.host.savedState("bot1").value())));
        const auto ids = reloaded.host.placedIds("bot1");
        CPPUNIT_ASSERT_EQUAL(ids.size(), std::set<std::string>(ids.begin(), ids.end()).size());
    }

    void testWaitsForAPriceInsideTheGrid() {
        // Started while the price is above the grid: it waits (a note, not an error —
        // an error would make the kernel stop trading it) and starts once inside.
        Rig r;
        r.kernel->tick("120.00", at(1));
        Json s = r.summary();
        CPPUNIT_ASSERT(r.host.venueOrders.empty());
        CPPUNIT_ASSERT_EQUAL(std::string("waiting"), str(s, "status"));
        CPPUNIT_ASSERT_EQUAL(std::string(""), str(s, "error"));
        CPPUNIT_ASSERT(contains(str(s, "note"), "price: 120.00 is outside the grid"));
        // Another price outside changes nothing worth saving.
        const std::size_t saves = r.host.savedStates.size();
        r.kernel->tick("121.00", at(2));
        CPPUNIT_ASSERT_EQUAL(saves, r.host.savedStates.size());
        r.kernel->tick("100.00", at(3));
        CPPUNIT_ASSERT_EQUAL(std::size_t(5), r.host.venueOrders.size());
        CPPUNIT_ASSERT_EQUAL(std::string("running"), str(r.summary(), "status"));
    }

    void testPausedGridStillCompletesPairsAndStopsAtItsStopLoss() {
        Rig r(params([](Json& j) { j->set("stop_loss", "80.00"); }));
        r.kernel->tick("100.00", at(1));
        r.kernel->control(R"({"action":"pause"})");
        CPPUNIT_ASSERT_EQUAL(std::string("paused"), str(r.summary(), "status"));
        // A fill still moves its pair: the buy on 95 fills and its sell is placed on 100.
        r.kernel->tick("94.90", at(2));
        CPPUNIT_ASSERT_EQUAL(std::string("g5xg6 sell limit 2.594 @ 100.00 quote 0.00"), r.orders().back());
        // The stop loss still protects a paused grid: everything cancelled, the base sold.
        r.kernel->tick("79.00", at(3));
        const Json s = r.summary();
        CPPUNIT_ASSERT(s->getValue<bool>("finished"));
        CPPUNIT_ASSERT_EQUAL(std::string("stop_loss"), str(r.state()->getObject("grid"), "reason"));
        CPPUNIT_ASSERT(contains(str(s, "note"), "by its stop loss"));
        CPPUNIT_ASSERT_EQUAL(std::string("0.000"), r.kernel->exchange().wallet().base.toString());
    }

    void testSleepsThroughTicksThatCannotMatter() {
        // ABI 1.5: a running grid with an order on every interval needs a tick only
        // at its stop loss or take profit; the host skips every price in between.
        Rig r(params([](Json& j) {
            j->set("stop_loss", "80.00");
            j->set("take_profit", "130.00");
        }));
        r.kernel->tick("120.00", at(1));  // waiting for a price inside the grid: every tick matters
        CPPUNIT_ASSERT(!r.host.sleeping("bot1"));
        r.kernel->tick("100.00", at(2));
        std::optional<bourse_wake> band = r.host.sleeping("bot1");
        CPPUNIT_ASSERT(band);
        CPPUNIT_ASSERT_EQUAL(std::string("80.00"), Decimal(band->at_or_below).toString());
        CPPUNIT_ASSERT_EQUAL(std::string("130.00"), Decimal(band->at_or_above).toString());
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), band->at_ns);
        // Paused, the same two triggers.
        r.kernel->control(R"({"action":"pause"})");
        band = r.host.sleeping("bot1");
        CPPUNIT_ASSERT(band);
        CPPUNIT_ASSERT_EQUAL(std::string("130.00"), Decimal(band->at_or_above).toString());

        // Trailing up: the top line wakes it first; no stop loss, no lower bound.
        Rig t(params([](Json& j) { j->set("trailing_up", true); }));
        t.kernel->tick("100.00", at(1));
        band = t.host.sleeping("bot1");
        CPPUNIT_ASSERT(band);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), band->at_or_below.mantissa);
        CPPUNIT_ASSERT_EQUAL(std::string("110.00"), Decimal(band->at_or_above).toString());
        // Above its top line it shifts; whatever it sleeps through next lies above that price.
        t.kernel->tick("111.00", at(2));
        band = t.host.sleeping("bot1");
        CPPUNIT_ASSERT(!band || Decimal(band->at_or_above).compare(Decimal::parse("111.00")) > 0);
        // Stopping (orders being cancelled, the base sold) sleeps no more.
        t.kernel->control(R"({"action":"stop","close":true})");
        CPPUNIT_ASSERT(!t.host.sleeping("bot1"));
    }

    void testStopKeepingTheBase() {
        Rig r;
        r.kernel->tick("100.00", at(1));
        const std::size_t placed = r.host.venueOrders.size();
        r.kernel->control(R"({"action":"stop","close":false})");
        CPPUNIT_ASSERT_EQUAL(std::size_t(4), r.host.venueCancels.size());  // 2 buys, 2 sells
        CPPUNIT_ASSERT_EQUAL(placed, r.host.venueOrders.size());           // nothing sold
        CPPUNIT_ASSERT(r.summary()->getValue<bool>("finished"));
        CPPUNIT_ASSERT_EQUAL(std::string("stopped"), str(r.summary(), "status"));
        CPPUNIT_ASSERT_EQUAL(std::string("5.188"), r.kernel->exchange().wallet().base.toString());
    }

    void testStopSellingTheBase() {
        Rig r;
        r.kernel->tick("100.00", at(1));
        r.kernel->control(R"({"action":"stop","close":true})");
        CPPUNIT_ASSERT_EQUAL(std::string("g5xg6 sell market 5.188 @ 0.00 quote 0.00"), r.orders().back());
        CPPUNIT_ASSERT(r.summary()->getValue<bool>("finished"));
        CPPUNIT_ASSERT_EQUAL(std::string("0.000"), r.kernel->exchange().wallet().base.toString());
        // Bought for 519.32 with its fee, sold for 518.80 − 0.52: closing P&L −1.04.
        CPPUNIT_ASSERT_EQUAL(std::string("-1.04"), str(r.summary(), "realized_pnl"));
    }

    void testStopWithoutCloseFollowsSellBaseOnStop() {
        Rig r(params([](Json& j) { j->set("sell_base_on_stop", false); }));
        r.kernel->tick("100.00", at(1));
        const std::size_t placed = r.host.venueOrders.size();
        r.kernel->control(R"({"action":"stop"})");
        CPPUNIT_ASSERT_EQUAL(placed, r.host.venueOrders.size());
        CPPUNIT_ASSERT(r.summary()->getValue<bool>("finished"));
    }

    void testBacktestOverAFewCandles() {
        // The live path above, as minute candles: c0 starts the grid at 100.00, c1 dips
        // to 94.50 through the buy on 95, c2 rises to 100.50 through its sell on 100.
        FakeHost host;
        PluginUnderTest p(bourse_module_entry, "grid-bot", host);
        const auto t = [](int minute) { return std::to_string(kT0 + minute * 60 * kSecond); };
        const std::string args =
            R"({"params":)" + params() + R"(,"candles":[[)" + t(0) + R"(,"100.00","100.20","99.80","100.00"],[)" +
            t(1) + R"(,"100.00","100.10","94.50","95.50"],[)" + t(2) + R"(,"95.50","100.50","95.20","100.30"]]})";
        const auto result = p.command("backtest", args);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(result.text, BOURSE_OK, result.status);
        const Json reply = parse(result.text);
        const Json final = reply->getObject("final");
        CPPUNIT_ASSERT_EQUAL(std::string("12.46"), str(final, "grid_profit"));
        CPPUNIT_ASSERT_EQUAL(1, final->getValue<int>("completed_pairs"));
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), reply->getArray("deals")->size());
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), reply->getArray("equity")->size());
        CPPUNIT_ASSERT_EQUAL(std::string("1000.00"), str(reply, "initial_equity"));
        CPPUNIT_ASSERT_EQUAL(std::string("1.03"), str(reply, "fees"));
        CPPUNIT_ASSERT_EQUAL(3, reply->getValue<int>("orders"));  // the start's buy, the pair's buy and sell
        CPPUNIT_ASSERT(Decimal::parse(str(reply, "max_drawdown")).mantissa > 0);
        CPPUNIT_ASSERT(!str(reply, "max_drawdown_percent").empty());
        CPPUNIT_ASSERT(!str(reply, "pnl").empty());
    }

    void testBacktestRefusesAStartOutsideTheGrid() {
        FakeHost host;
        PluginUnderTest p(bourse_module_entry, "grid-bot", host);
        const auto r = p.command("backtest", R"({"params":)" + params() + R"(,"candles":[[)" + std::to_string(kT0) +
                                                 R"(,"120.00","120.00","120.00","120.00"]]})");
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_INVALID, r.status);
        CPPUNIT_ASSERT_EQUAL(std::string("candles[0]: 120.00 is outside the grid [90.00, 110.00]"), r.text);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(GridRunTest);
