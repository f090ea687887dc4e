// A DCA bot running through the fake host as the kernel runs it (PaperKernel:
// the engine's paper fill model plays the venue): a deal's life with the money
// worked by hand, a reload after every step continuing identically, a failed
// or uncommitted call decided again with the same ids, a contradicting fill,
// pause / resume / stop, and the backtest command.
#include "DcaSupport.h"

#include <bourse/botkit/testing/PaperKernel.h>

#include <algorithm>
#include <memory>
#include <set>

using namespace bourse;
using namespace bourse::testing;
using namespace dcatest;
using bourse::botkit::testing::PaperKernel;

namespace {

bots::PairSpec centsSpec() {
    bots::PairSpec s;
    s.symbol = "BTCUSD";
    s.tickSize = Decimal(1, 2);
    s.lotStep = Decimal(1, 6);
    s.quoteScale = 2;
    s.minNotional = 100;
    return s;
}

/// One bot on its own host, driven by a PaperKernel at 10 bps and no slippage.
struct Rig {
    FakeHost host;
    std::unique_ptr<PluginUnderTest> plugin;
    std::unique_ptr<PaperKernel> kernel;

    explicit Rig(const std::string& paramsJson = params()) {
        plugin = std::make_unique<PluginUnderTest>(bourse_module_entry, "dca-bot", host);
        const Position pos = created(*plugin, paramsJson);
        kernel = std::make_unique<PaperKernel>(host, *plugin, pos, centsSpec(), bots::PaperConfig{Decimal(10, 0), {}},
                                               bots::Wallet{15015, Decimal(0, 6)});
    }
    /// A new plugin instance takes over (as after a hot reload).
    void reload() {
        auto next = std::make_unique<PluginUnderTest>(bourse_module_entry, "dca-bot", host);
        kernel->use(*next);
        plugin = std::move(next);
    }
    [[nodiscard]] Json state() const { return parse(host.savedState("bot1").value()); }
    [[nodiscard]] std::vector<std::string> orderLines() const { return bourse::botkit::testing::orderLines(host); }
};

std::int64_t at(int second) {
    return kT0 + second * kSecond;
}

}  // namespace

class DcaRunTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(DcaRunTest);
    CPPUNIT_TEST(testDealOpensAveragesDownAndTakesProfit);
    CPPUNIT_TEST(testReloadAfterEveryStepContinuesIdentically);
    CPPUNIT_TEST(testFailedCallIsDecidedAgainWithTheSameIds);
    CPPUNIT_TEST(testUncommittedCallIsDecidedAgainWithTheSameIds);
    CPPUNIT_TEST(testContradictingFillBecomesTheBotsError);
    CPPUNIT_TEST(testOldDealsAreArchivedNotForgotten);
    CPPUNIT_TEST(testPauseStopsNewDealsResumeStartsThem);
    CPPUNIT_TEST(testStopKeepingThePosition);
    CPPUNIT_TEST(testStopSellingThePosition);
    CPPUNIT_TEST(testStopBeforeAnyDealFinishesAtOnce);
    CPPUNIT_TEST(testBadControlIsRefused);
    CPPUNIT_TEST(testSleepsThroughTicksThatCannotMatter);
    CPPUNIT_TEST(testBacktestOverAFewCandles);
    CPPUNIT_TEST(testBacktestRefusalsNameTheField);
    CPPUNIT_TEST_SUITE_END();

public:
    void testDealOpensAveragesDownAndTakesProfit() {
        Rig r;
        // Tick 100.00: the base order buys 10.00 at market: 0.100000 for 10.00, fee 0.01.
        // The ladder hangs from 100.00 (bots.md): 99.00, 97.00, 93.00; take profit 101.50.
        r.kernel->tick("100.00", at(1));
        const std::vector<std::string> first = {
            "b7k2d1-b buy market 0.000000 @ 0.00 quote 10.00",   "b7k2d1-s1 buy limit 0.202020 @ 99.00 quote 0.00",
            "b7k2d1-s2 buy limit 0.412371 @ 97.00 quote 0.00",   "b7k2d1-s3 buy limit 0.860215 @ 93.00 quote 0.00",
            "b7k2d1-t1 sell limit 0.100000 @ 101.50 quote 0.00",
        };
        CPPUNIT_ASSERT_EQUAL(join(first), join(r.orderLines()));
        Json s = r.state()->getObject("summary");
        CPPUNIT_ASSERT_EQUAL(1, s->getValue<int>("active_deals"));
        CPPUNIT_ASSERT_EQUAL(std::string("0.100000"), str(s, "held_qty"));
        CPPUNIT_ASSERT_EQUAL(std::string("10.00"), str(s, "held_cost"));
        CPPUNIT_ASSERT_EQUAL(std::string("running"), str(s, "status"));

        // 98.90 crosses SO1 (99.00): 0.202020 for 20.00 (19.99998 rounded up), fee 0.02.
        // The take profit is replaced once its cancel is confirmed: 30.00 / 0.302020 × 1.015
        // = 100.8211… → 100.82 (fees not added).
        r.kernel->tick("98.90", at(2));
        CPPUNIT_ASSERT_EQUAL(std::string("b7k2d1-t1"), r.host.venueCancels.at(0).clientOrderId);
        CPPUNIT_ASSERT_EQUAL(std::string("b7k2d1-t2 sell limit 0.302020 @ 100.82 quote 0.00"), r.orderLines().back());
        s = r.state()->getObject("summary");
        CPPUNIT_ASSERT_EQUAL(std::string("0.302020"), str(s, "held_qty"));
        CPPUNIT_ASSERT_EQUAL(std::string("30.00"), str(s, "held_cost"));

        // 101.00 crosses the take profit: 0.302020 × 100.82 = 30.4496… → 30.44, fee 0.04.
        // The deal's realized = 30.44 − 30.00 − (0.01 + 0.02 + 0.04) = 0.37. SO2 and SO3
        // are cancelled; the same tick opens the next deal at 101.00, whose base order's
        // fee (0.01) is realized as soon as it is paid (the engine's rule): the bot's 0.36.
        r.kernel->tick("101.00", at(3));
        s = r.state()->getObject("summary");
        CPPUNIT_ASSERT_EQUAL(std::string("0.36"), str(s, "realized_pnl"));
        CPPUNIT_ASSERT_EQUAL(1, s->getValue<int>("closed_deals"));
        CPPUNIT_ASSERT_EQUAL(1, s->getValue<int>("active_deals"));
        CPPUNIT_ASSERT_EQUAL(std::string("0.08"), str(s, "fees"));  // 0.07 + the new base order's 0.01
        CPPUNIT_ASSERT_EQUAL(std::string(""), str(s, "error"));
        CPPUNIT_ASSERT(!s->getValue<bool>("finished"));
        const Json closed = r.state()->getObject("bot")->getArray("closed_deals")->getObject(0);
        CPPUNIT_ASSERT_EQUAL(std::string("take_profit"), str(closed, "reason"));
        CPPUNIT_ASSERT_EQUAL(std::string("0.37"), str(closed, "realized_pnl"));
        CPPUNIT_ASSERT_EQUAL(1, closed->getValue<int>("safety_orders_filled"));
        std::set<std::string> cancelled;
        for (const auto& c : r.host.venueCancels)
            cancelled.insert(c.clientOrderId);
        CPPUNIT_ASSERT(cancelled == (std::set<std::string>{"b7k2d1-t1", "b7k2d1-s2", "b7k2d1-s3"}));
        CPPUNIT_ASSERT_MESSAGE(join(r.orderLines()), contains(r.orderLines().at(6), "b7k2d2-b buy market"));
        // The paper wallet agrees: 150.15 − 10.01 − 20.02 + (30.44 − 0.04) − 10.01.
        CPPUNIT_ASSERT_EQUAL(std::int64_t(14051), r.kernel->exchange().wallet().quote);
        CPPUNIT_ASSERT(r.plugin->violations().empty());
    }

    void testReloadAfterEveryStepContinuesIdentically() {
        // The same script twice: once on one instance, once on a fresh instance for
        // every call after the first, each rebuilt from the saved state alone. The
        // orders, cancels and final state must not differ in a single byte.
        const auto script = [](Rig& r, bool reload) {
            const std::vector<std::pair<std::string, int>> prices = {{"100.00", 1}, {"98.90", 2}, {"101.00", 3},
                                                                     {"99.95", 4},  {"97.50", 5}, {"92.00", 6}};
            for (const auto& [price, second] : prices) {
                if (reload) r.reload();
                r.kernel->tick(price, at(second));
            }
            if (reload) r.reload();
            r.kernel->control(R"({"action":"pause"})");
            if (reload) r.reload();
            r.kernel->tick("99.00", at(7));
            if (reload) r.reload();
            r.kernel->control(R"({"action":"resume"})");
            if (reload) r.reload();
            r.kernel->tick("98.00", at(8));
        };
        Rig once, reloaded;
        script(once, false);
        script(reloaded, true);
        CPPUNIT_ASSERT(once.orderLines().size() > 10);
        CPPUNIT_ASSERT_EQUAL(join(once.orderLines()), join(reloaded.orderLines()));
        CPPUNIT_ASSERT_EQUAL(once.host.venueCancels.size(), reloaded.host.venueCancels.size());
        CPPUNIT_ASSERT_EQUAL(std::string(), firstDifference(once.host.savedState("bot1").value(),
                                                            reloaded.host.savedState("bot1").value()));
        // No client id was ever placed twice.
        const auto ids = reloaded.host.placedIds("bot1");
        CPPUNIT_ASSERT_EQUAL(ids.size(), std::set<std::string>(ids.begin(), ids.end()).size());
    }

    void testFailedCallIsDecidedAgainWithTheSameIds() {
        // The venue refuses the base order: the call fails and nothing of it is
        // applied. The plugin must not keep the deal it had opened in memory, or the
        // retry would find a deal running and never buy.
        FakeHost host;
        PluginUnderTest p(bourse_module_entry, "dca-bot", host);
        const Position pos = created(p, params());
        host.setVenueFailure(BOURSE_E_UNAVAILABLE);
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_UNAVAILABLE, p.onTick(pos, Tick{"BTCUSD", Decimal(10000, 2), at(1)}));
        CPPUNIT_ASSERT(host.venueOrders.empty() && host.savedStates.empty());
        host.setVenueFailure(BOURSE_OK);
        CPPUNIT_ASSERT_EQUAL(BOURSE_OK, p.onTickSaved(pos, Tick{"BTCUSD", Decimal(10000, 2), at(2)}));
        CPPUNIT_ASSERT_EQUAL(std::string("b7k2d1-b\n"), join(host.placedIds("bot1")));
    }

    void testUncommittedCallIsDecidedAgainWithTheSameIds() {
        // The kernel stopped after the call returned but before committing it: the
        // next call carries the older state. The plugin rebuilds from it and makes
        // the same decision under the same id (which the kernel treats as a no-op).
        FakeHost host;
        PluginUnderTest p(bourse_module_entry, "dca-bot", host);
        const Position pos = created(p, params());
        CPPUNIT_ASSERT_EQUAL(BOURSE_OK, p.onTick(pos, Tick{"BTCUSD", Decimal(10000, 2), at(1)}));
        CPPUNIT_ASSERT_EQUAL(BOURSE_OK, p.onTick(pos, Tick{"BTCUSD", Decimal(10000, 2), at(1)}));  // same old state
        CPPUNIT_ASSERT_EQUAL(std::string("b7k2d1-b\nb7k2d1-b\n"), join(host.placedIds("bot1")));
        CPPUNIT_ASSERT_EQUAL(host.savedStates.at(0).json, host.savedStates.at(1).json);
    }

    void testContradictingFillBecomesTheBotsError() {
        // A sell beyond what the deal holds cannot apply, now or when delivered again:
        // the call succeeds (the kernel marks the fill delivered) and summary.error
        // says why (the kernel then stops trading the bot).
        Rig r;
        r.kernel->tick("100.00", at(1));
        const Fill bad{"bot1",        "b7k2d1-t1",       "v99",           "BTCUSD", BOURSE_SIDE_SELL,
                       Decimal(5, 0), Decimal(10150, 2), Money{1, "USD"}, at(2),    false};
        CPPUNIT_ASSERT_EQUAL(BOURSE_OK, r.plugin->onFill(r.kernel->position(), bad));
        const Json s = r.state()->getObject("summary");
        CPPUNIT_ASSERT(contains(str(s, "error"), "fill: b7k2d1-t1: "));
        CPPUNIT_ASSERT_EQUAL(std::string("0.100000"), str(s, "held_qty"));  // nothing applied
    }

    void testOldDealsAreArchivedNotForgotten() {
        // 55 deals, each a base order and its take profit: 10.00 buys 0.100000 at 100.00
        // (fee 0.01), sold at 101.00 for 10.10 (fee 0.02): 0.07 each. The state keeps
        // the latest 50 one by one and sums the rest; the totals and the next ids go on,
        // on one instance as on a fresh instance for every call.
        const std::string terms = params([](Json& j) {
            j->set("max_safety_orders", 0);
            j->remove("safety_order_size");
            j->set("take_profit", "1");
            j->set("cooldown", 1);  // so that no deal opens again at the high
        });
        const auto run = [](Rig& r, bool reload) {
            for (int deal = 0; deal < 55; ++deal) {
                if (reload) r.reload();
                r.kernel->tick("100.00", at(10 * deal + 2));
                if (reload) r.reload();
                r.kernel->tick("101.00", at(10 * deal + 3));
            }
        };
        Rig once(terms), reloaded(terms);
        run(once, false);
        run(reloaded, true);
        const Json state = once.state();
        CPPUNIT_ASSERT_EQUAL(std::size_t(50), state->getObject("bot")->getArray("closed_deals")->size());
        CPPUNIT_ASSERT_EQUAL(5, state->getObject("archived")->getValue<int>("deals"));
        CPPUNIT_ASSERT_EQUAL(std::string("0.35"), str(state->getObject("archived"), "realized_pnl"));
        const Json s = state->getObject("summary");
        CPPUNIT_ASSERT_EQUAL(55, s->getValue<int>("closed_deals"));
        CPPUNIT_ASSERT_EQUAL(std::string("3.85"), str(s, "realized_pnl"));
        CPPUNIT_ASSERT_EQUAL(std::string("1.65"), str(s, "fees"));
        CPPUNIT_ASSERT_EQUAL(std::string("b7k2d55-t1"), once.host.placedIds("bot1").back());
        CPPUNIT_ASSERT_EQUAL(join(once.orderLines()), join(reloaded.orderLines()));
        CPPUNIT_ASSERT_EQUAL(std::string(), firstDifference(once.host.savedState("bot1").value(),
                                                            reloaded.host.savedState("bot1").value()));
    }

    void testPauseStopsNewDealsResumeStartsThem() {
        Rig r;
        r.kernel->tick("100.00", at(1));
        r.kernel->control(R"({"action":"pause","close":false})");
        CPPUNIT_ASSERT_EQUAL(std::string("paused"), str(r.state()->getObject("summary"), "status"));
        // The running deal goes on: its take profit (101.50) fills; no new deal opens.
        r.kernel->tick("101.60", at(2));
        Json s = r.state()->getObject("summary");
        CPPUNIT_ASSERT_EQUAL(1, s->getValue<int>("closed_deals"));
        CPPUNIT_ASSERT_EQUAL(0, s->getValue<int>("active_deals"));
        CPPUNIT_ASSERT(!s->getValue<bool>("finished"));  // paused is not stopped
        r.kernel->tick("101.70", at(3));
        for (const auto& id : r.host.placedIds("bot1"))
            CPPUNIT_ASSERT_MESSAGE(id, !contains(id, "d2"));
        r.kernel->control(R"({"action":"resume"})");
        r.kernel->tick("101.80", at(4));
        const auto ids = r.host.placedIds("bot1");
        CPPUNIT_ASSERT(std::find(ids.begin(), ids.end(), "b7k2d2-b") != ids.end());
        CPPUNIT_ASSERT_EQUAL(std::string("running"), str(r.state()->getObject("summary"), "status"));
    }

    void testStopKeepingThePosition() {
        Rig r;
        r.kernel->tick("100.00", at(1));
        const std::size_t placed = r.host.venueOrders.size();
        r.kernel->control(R"({"action":"stop","close":false})");
        // Every resting order cancelled; nothing sold; finished once the cancels are confirmed.
        CPPUNIT_ASSERT_EQUAL(std::size_t(4), r.host.venueCancels.size());
        CPPUNIT_ASSERT_EQUAL(placed, r.host.venueOrders.size());
        const Json s = r.state()->getObject("summary");
        CPPUNIT_ASSERT(s->getValue<bool>("finished"));
        CPPUNIT_ASSERT_EQUAL(std::string("stopped"), str(s, "status"));
        CPPUNIT_ASSERT_EQUAL(std::string("0.100000"), r.kernel->exchange().wallet().base.toString());  // kept
        CPPUNIT_ASSERT_EQUAL(std::string("manual"),
                             str(r.state()->getObject("bot")->getArray("closed_deals")->getObject(0), "reason"));
        // Settling forgets the bot; a late call would rebuild it from the position.
        CPPUNIT_ASSERT_EQUAL(BOURSE_OK, r.plugin->settle(r.kernel->position(), std::nullopt).first);
    }

    void testStopSellingThePosition() {
        Rig r;
        r.kernel->tick("100.00", at(1));
        r.kernel->control(R"({"action":"stop","close":true})");
        // After the cancels, the held 0.100000 is sold at market (100.00): 10.00, fee 0.01.
        CPPUNIT_ASSERT_EQUAL(std::string("b7k2d1-x1 sell market 0.100000 @ 0.00 quote 0.00"), r.orderLines().back());
        const Json s = r.state()->getObject("summary");
        CPPUNIT_ASSERT(s->getValue<bool>("finished"));
        CPPUNIT_ASSERT_EQUAL(std::string("-0.02"), str(s, "realized_pnl"));
        CPPUNIT_ASSERT_EQUAL(std::string("0.000000"), r.kernel->exchange().wallet().base.toString());
    }

    void testStopBeforeAnyDealFinishesAtOnce() {
        Rig r;
        r.kernel->control(R"({"action":"stop"})");
        CPPUNIT_ASSERT(r.state()->getObject("summary")->getValue<bool>("finished"));
        CPPUNIT_ASSERT(r.host.venueOrders.empty());
        // Ticks after the end change nothing.
        r.kernel->tick("100.00", at(1));
        CPPUNIT_ASSERT(r.host.venueOrders.empty());
    }

    void testBadControlIsRefused() {
        Rig r;
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_INVALID, r.plugin->control(r.kernel->position(), R"({"action":"halt"})"));
        CPPUNIT_ASSERT_EQUAL(std::string("action: must be one of pause, resume, stop"), r.host.lastError);
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_INVALID,
                             r.plugin->control(r.kernel->position(), R"({"action":"stop","close":1})"));
        CPPUNIT_ASSERT_EQUAL(std::string("close: expected true or false"), r.host.lastError);
    }

    void testSleepsThroughTicksThatCannotMatter() {
        // ABI 1.5: with its safety orders and take profit resting, a deal needs a
        // tick only at its stop loss; between deals, only once the cooldown is over.
        Rig r(params([](Json& j) {
            j->set("stop_loss", "5");
            j->set("cooldown", 60);
        }));
        r.kernel->tick("100.00", at(1));  // the base order fills at 100.00
        std::optional<bourse_wake> band = r.host.sleeping("bot1");
        CPPUNIT_ASSERT(band);
        CPPUNIT_ASSERT_EQUAL(0, Decimal(band->at_or_below).compare(Decimal::parse("95")));  // 5 % under 100.00
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), band->at_or_above.mantissa);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), band->at_ns);
        // A safety order fills: the average entry falls, and the stop loss with it.
        r.kernel->tick("98.90", at(2));
        band = r.host.sleeping("bot1");
        CPPUNIT_ASSERT(band);
        CPPUNIT_ASSERT(Decimal(band->at_or_below).compare(Decimal::parse("95")) < 0);
        // The take profit fills: no deal until the cooldown after the first one's start is over.
        r.kernel->tick("110.00", at(3));
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), r.state()->getObject("bot")->getArray("closed_deals")->size());
        band = r.host.sleeping("bot1");
        CPPUNIT_ASSERT(band);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), band->at_or_below.mantissa);
        CPPUNIT_ASSERT(band->at_ns > at(3) && band->at_ns <= at(3 + 60));
        r.kernel->tick("110.00", at(3 + 60));  // the host wakes it: a new deal opens
        const std::vector<std::string> ids = r.host.placedIds("bot1");
        CPPUNIT_ASSERT(std::find(ids.begin(), ids.end(), "b7k2d2-b") != ids.end());
    }

    void testBacktestOverAFewCandles() {
        // The live path above, as minute candles: c0 opens the deal at 100.00, c1 dips to
        // 98.50 through SO1, c2 rises to 101.50 through the take profit (100.82) — the
        // same 0.37 — and a second deal opens there.
        FakeHost host;
        PluginUnderTest p(bourse_module_entry, "dca-bot", host);
        const std::string t0 = std::to_string(kT0);
        const std::string args = R"({"params":)" + params() + R"(,"slippage_bps":"0","candles":[)" + "[" + t0 +
                                 R"(,"100.00","100.20","99.80","100.00"],)" + "[" + std::to_string(kT0 + 60 * kSecond) +
                                 R"(,"100.00","100.10","98.50","98.80"],)" + "[" + std::to_string(kT0 + 120 * kSecond) +
                                 R"(,"98.80","101.50","98.70","101.40"]]})";
        const auto result = p.command("backtest", args);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(result.text, BOURSE_OK, result.status);
        const Json reply = parse(result.text);
        const auto deals = reply->getArray("deals");
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), deals->size());
        CPPUNIT_ASSERT_EQUAL(std::string("take_profit"), str(deals->getObject(0), "reason"));
        CPPUNIT_ASSERT_EQUAL(std::string("0.37"), str(deals->getObject(0), "realized_pnl"));
        CPPUNIT_ASSERT_EQUAL(std::string("active"), str(deals->getObject(1), "status"));
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), reply->getArray("equity")->size());
        CPPUNIT_ASSERT_EQUAL(std::string("150.15"), str(reply, "initial_equity"));
        CPPUNIT_ASSERT(Decimal::parse(str(reply, "max_drawdown")).mantissa > 0);
        // Fees: 0.01 + 0.02 + 0.04 and the second base order's 0.01; 4 orders executed
        // (base, SO1, take profit, base) — cancels are not executions.
        CPPUNIT_ASSERT_EQUAL(std::string("0.08"), str(reply, "fees"));
        CPPUNIT_ASSERT_EQUAL(4, reply->getValue<int>("orders"));
        const Json final = reply->getObject("final");
        CPPUNIT_ASSERT_EQUAL(1, final->getValue<int>("closed_deals"));
        CPPUNIT_ASSERT_EQUAL(1, final->getValue<int>("active_deals"));
        // pnl = final equity − initial equity, both as the wallet values them.
        const std::int64_t pnl = Decimal::parse(str(reply, "pnl")).rescaled(2).mantissa;
        CPPUNIT_ASSERT_EQUAL(Decimal::parse(str(reply, "final_equity")).rescaled(2).mantissa - 15015, pnl);
    }

    void testBacktestRefusalsNameTheField() {
        FakeHost host;
        PluginUnderTest p(bourse_module_entry, "dca-bot", host);
        const std::string t0 = std::to_string(kT0);
        auto r = p.command("backtest", R"({"params":)" + params([](Json& j) { j->remove("take_profit"); }) +
                                           R"(,"candles":[[)" + t0 + R"(,"100","100","100","100"]]})");
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_INVALID, r.status);
        CPPUNIT_ASSERT_EQUAL(std::string("params.take_profit: required"), r.text);
        r = p.command("backtest", R"({"params":)" + params() + R"(,"candles":[[)" + t0 +
                                      R"(,"100","100","100","100"],[)" + std::to_string(kT0 + 60 * kSecond) +
                                      R"(,"100","99","98","101"]]})");
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_INVALID, r.status);
        CPPUNIT_ASSERT_EQUAL(std::string("candles[1]: candle high/low do not contain open and close"), r.text);
        r = p.command("backtest", R"({"params":)" + params() + R"(,"candles":[]})");
        CPPUNIT_ASSERT_EQUAL(std::string("candles: list at least one candle"), r.text);
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_NOT_FOUND, p.command("optimise", "{}").status);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(DcaRunTest);
