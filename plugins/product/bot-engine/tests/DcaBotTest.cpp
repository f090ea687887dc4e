// The DCA bot: when deals start (cooldown, max active deals, start on a drop),
// stopping, and money conservation through a long path with fees and slippage.
#include <bourse/bots/DcaBot.h>

#include "Support.h"

using namespace bourse;
using namespace bourse::bots;
using namespace bourse::bots::test;

namespace {

/// 100.00 per deal at market, take profit 1 %, no safety orders.
DcaParams simple() {
    DcaParams p;
    p.pair = centsPair();
    p.baseOrderSize = 10000;
    p.maxSafetyOrders = 0;
    p.safetyOrderSize = 0;
    p.takeProfit = D("1");
    return p;
}

std::vector<std::string> ids(const DcaBot& bot) {
    std::vector<std::string> out;
    for (const auto& d : bot.activeDeals())
        out.push_back(d->id());
    return out;
}

}  // namespace

class DcaBotTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(DcaBotTest);
    CPPUNIT_TEST(testCooldownAndMaxActiveDeals);
    CPPUNIT_TEST(testStartAfterDropFromRecentHigh);
    CPPUNIT_TEST(testRecentHighLeavesTheWindow);
    CPPUNIT_TEST(testStopClosesDealsAndStartsNoMore);
    CPPUNIT_TEST(testUnusablePriceKeepsReason);
    CPPUNIT_TEST(testMoneyConservation);
    CPPUNIT_TEST_SUITE_END();

public:
    void testCooldownAndMaxActiveDeals() {
        DcaParams p = simple();
        p.maxActiveDeals = 2;
        p.cooldownNs = sec(60);
        DcaBot bot(p);
        PaperExchange ex(p.pair, {}, Wallet{100000, Decimal(0, 3)});
        Driver d{bot, ex, {}, {}};
        d.tick(D("100"), sec(0));
        CPPUNIT_ASSERT((ids(bot) == std::vector<std::string>{"dcad1"}));
        CPPUNIT_ASSERT(hasIntent(d.intents, "dcad1-b"));
        d.tick(D("100"), sec(59));  // 59 s after the first start
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), bot.activeDeals().size());
        d.tick(D("100"), sec(60));
        CPPUNIT_ASSERT((ids(bot) == std::vector<std::string>{"dcad1", "dcad2"}));
        d.tick(D("100"), sec(200));  // cooldown over, but two deals are active
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), bot.activeDeals().size());
        // Both take profits (101.00) fill at 230 s; the cooldown now runs from there.
        d.tick(D("101"), sec(230));
        CPPUNIT_ASSERT(bot.activeDeals().empty());
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), bot.closedDeals().size());
        CPPUNIT_ASSERT_EQUAL(sec(230), bot.closedDeals()[0].closedAt);
        CPPUNIT_ASSERT_EQUAL(sec(290), *bot.cooldownUntil());  // from the last close
        d.tick(D("101"), sec(289));
        CPPUNIT_ASSERT(bot.activeDeals().empty());
        d.tick(D("101"), sec(290));
        CPPUNIT_ASSERT((ids(bot) == std::vector<std::string>{"dcad3"}));
        // Each deal bought 1 at 100 and sold at 101: +1.00 each, no fees.
        CPPUNIT_ASSERT_EQUAL(std::int64_t(200), bot.realizedPnl());
        CPPUNIT_ASSERT(bot.closedDeals()[1].reason == CloseReason::TakeProfit);
    }

    void testStartAfterDropFromRecentHigh() {
        DcaParams p = simple();
        p.start = StartCondition::AfterDrop;
        p.startDrop = D("5");
        p.startLookbackNs = sec(600);
        DcaBot bot(p);
        PaperExchange ex(p.pair, {}, Wallet{100000, Decimal(0, 3)});
        Driver d{bot, ex, {}, {}};
        d.tick(D("100"), sec(0));
        d.tick(D("97"), sec(10));
        d.tick(D("95.01"), sec(20));  // 5 % below 100 is 95.00
        CPPUNIT_ASSERT(bot.activeDeals().empty());
        CPPUNIT_ASSERT_EQUAL(D("100"), *bot.recentHigh());
        d.tick(D("95"), sec(30));
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), bot.activeDeals().size());
        CPPUNIT_ASSERT_EQUAL(D("95"), bot.activeDeals()[0]->state().basePrice);
    }

    void testRecentHighLeavesTheWindow() {
        DcaParams p = simple();
        p.start = StartCondition::AfterDrop;
        p.startDrop = D("5");
        p.startLookbackNs = sec(600);
        DcaBot bot(p);
        PaperExchange ex(p.pair, {}, Wallet{100000, Decimal(0, 3)});
        Driver d{bot, ex, {}, {}};
        d.tick(D("100"), sec(0));
        d.tick(D("96"), sec(300));
        // 100 is older than 600 s at t = 660 s: the high is now 96, and 95 is
        // only 1.04 % below it.
        d.tick(D("95"), sec(660));
        CPPUNIT_ASSERT_EQUAL(D("96"), *bot.recentHigh());
        CPPUNIT_ASSERT(bot.activeDeals().empty());
        // 91.20 = 96 × 0.95.
        d.tick(D("91.21"), sec(670));
        CPPUNIT_ASSERT(bot.activeDeals().empty());
        d.tick(D("91.2"), sec(680));
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), bot.activeDeals().size());
    }

    void testStopClosesDealsAndStartsNoMore() {
        DcaBot bot(simple());
        PaperExchange ex(centsPair(), {}, Wallet{100000, Decimal(0, 3)});
        Driver d{bot, ex, {}, {}};
        d.tick(D("100"), 0);
        d.tick(D("99"), sec(1));
        bot.stop(CloseMode::SellAtMarket, sec(2));
        d.settle(sec(2));
        CPPUNIT_ASSERT(bot.finished());
        CPPUNIT_ASSERT(bot.closedDeals()[0].reason == CloseReason::Manual);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(-100), bot.realizedPnl());  // 1 bought at 100, sold at 99
        d.tick(D("90"), sec(3));
        CPPUNIT_ASSERT(bot.activeDeals().empty());
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), ex.wallet().base.mantissa);
    }

    void testUnusablePriceKeepsReason() {
        DcaParams p = simple();
        p.pair.lotStep = D("1");  // 100.00 buys nothing at 200
        DcaBot bot(p);
        bot.onTick(D("200"), 0);
        CPPUNIT_ASSERT(bot.activeDeals().empty());
        CPPUNIT_ASSERT(bot.lastStartError().find("base_order_size") != std::string::npos);
        bot.onTick(D("50"), sec(1));
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), bot.activeDeals().size());
        CPPUNIT_ASSERT(bot.lastStartError().empty());
    }

    void testMoneyConservation() {
        // Two deals at a time, five safety orders, stop loss, fees 10 bps and
        // slippage 5 bps, over a deterministic path of swings and a slide. At every step the
        // wallet (moved only by the paper model) must agree with the bot's books:
        // quote + base × price − initial = realized + unrealized, base = Σ deal qty,
        // fees equal.
        DcaParams p;
        p.pair = centsPair();
        p.baseOrderSize = 2000;
        p.safetyOrderSize = 1000;
        p.maxSafetyOrders = 5;
        p.maxActiveSafetyOrders = 2;
        p.priceDeviation = D("0.7");
        p.stepScale = D("1.3");
        p.volumeScale = D("1.4");
        p.takeProfit = D("0.8");
        p.stopLoss = D("6");
        p.maxActiveDeals = 2;
        p.cooldownNs = sec(30);
        const std::int64_t capital = dcaCapitalRequired(p);
        const std::int64_t initial = 2 * capital + 1000;
        DcaBot bot(p);
        PaperExchange ex(p.pair, {D("10"), D("5")}, Wallet{initial, Decimal(0, 3)});
        Driver d{bot, ex, {}, {}};
        // Swings of ±3.00 every 120 steps around 100, and a 15 % slide between steps
        // 1000 and 1200 that recovers from 1800 to 2400.
        for (int step = 0; step < 3000; ++step) {
            std::int64_t slide = 0;
            if (step >= 1000 && step < 1200) slide = (step - 1000) * 1500 / 200;
            if (step >= 1200 && step < 1800) slide = 1500;
            if (step >= 1800 && step < 2400) slide = 1500 - (step - 1800) * 1500 / 600;
            const std::int64_t price = 10000 + triangle(step, 120, 300) - slide;
            const Decimal px(price, 2);
            d.tick(px, sec(step * 10));
            Decimal held = Decimal(0, 3);
            CPPUNIT_ASSERT(bot.activeDeals().size() <= 2);
            for (const auto& deal : bot.activeDeals()) {
                held = Decimal(held.mantissa + deal->state().qty.mantissa, 3);
                CPPUNIT_ASSERT(deal->state().boughtNotional <= capital);  // a deal never buys beyond its capital
            }
            CPPUNIT_ASSERT_EQUAL(held, ex.wallet().base);
            CPPUNIT_ASSERT_EQUAL(ex.equity(px) - initial, bot.realizedPnl() + bot.unrealizedPnl(px));
            CPPUNIT_ASSERT_EQUAL(ex.feesPaid(), bot.feesPaid());
        }
        CPPUNIT_ASSERT(bot.closedDeals().size() > 10);  // the path exercised the bot
        bool stopLoss = false, takeProfit = false;
        for (const DealSummary& s : bot.closedDeals()) {
            stopLoss |= s.reason == CloseReason::StopLoss;
            takeProfit |= s.reason == CloseReason::TakeProfit;
        }
        CPPUNIT_ASSERT(stopLoss && takeProfit);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(DcaBotTest);
