// One DCA deal through scripted prices and fills (time injected): safety
// orders, average entry, take profit replacement, stop loss, partial fills,
// manual close, and the reports the deal must refuse.
#include <bourse/bots/DcaDeal.h>

#include "Support.h"

using namespace bourse;
using namespace bourse::bots;
using namespace bourse::bots::test;

namespace {

DcaParams workedExample() {
    DcaParams p;
    p.pair = examplePair();
    p.baseOrderSize = 10'00000000;
    p.safetyOrderSize = 20'00000000;
    p.maxSafetyOrders = 3;
    p.priceDeviation = D("1");
    p.stepScale = D("2");
    p.volumeScale = D("2");
    p.takeProfit = D("1.5");
    return p;
}

FillReport fill(const std::string& id, const char* qty, const char* price, bool done, std::int64_t fee = 0,
                TimeNs ts = 0) {
    FillReport f;
    f.clientId = id;
    f.qty = D(qty);
    f.price = D(price);
    f.feeMinor = fee;
    f.ts = ts;
    f.done = done;
    return f;
}

FillReport doneEmpty(const std::string& id, TimeNs ts = 0) {
    FillReport f;
    f.clientId = id;
    f.qty = Decimal(0, 0);
    f.ts = ts;
    f.done = true;
    return f;
}

}  // namespace

class DcaDealTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(DcaDealTest);
    CPPUNIT_TEST(testWorkedExampleThroughSafetyOrdersToTakeProfit);
    CPPUNIT_TEST(testMaxActiveSafetyOrdersReplenish);
    CPPUNIT_TEST(testStopLossFromAverageEntry);
    CPPUNIT_TEST(testPartialFillsReplaceTakeProfitAfterCancelConfirms);
    CPPUNIT_TEST(testReportsThatContradictTheDealAreRefused);
    CPPUNIT_TEST(testManualCloseKeepOrSell);
    CPPUNIT_TEST(testTakeProfitPlacedAgainOnNextTickAfterRejection);
    CPPUNIT_TEST(testFailedBaseOrderClosesDeal);
    CPPUNIT_TEST(testRestoreFromState);
    CPPUNIT_TEST_SUITE_END();

public:
    void testWorkedExampleThroughSafetyOrdersToTakeProfit() {
        DcaDeal deal(workedExample(), "D1", sec(0));
        PaperExchange ex(examplePair(), {}, Wallet{150'00000000, Decimal(0, 6)});
        Driver d{deal, ex, {}, {}};

        d.tick(D("100"), sec(0));
        const OrderIntent base = intentFor(d.intents, "D1-b");
        CPPUNIT_ASSERT(base.type == OrderType::Market && base.side == Side::Buy);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(10'00000000), base.quoteAmount);
        CPPUNIT_ASSERT(deal.status() == DealStatus::Active);
        CPPUNIT_ASSERT_EQUAL(D("100"), deal.state().basePrice);
        CPPUNIT_ASSERT_EQUAL(D("93"), intentFor(d.intents, "D1-s3").price);
        CPPUNIT_ASSERT_EQUAL(D("0.860215"), intentFor(d.intents, "D1-s3").qty);

        // bots.md table, rows base, SO1, SO2, SO3: average entry and TP price after each.
        struct Row {
            const char* price;
            const char* average;
            const char* tp;
            const char* qty;
            const char* tpId;
        };
        const Row rows[] = {{"100", "100.0000", "101.5000", "0.1", "D1-t1"},
                            {"99", "99.3311", "100.8211", "0.302020", "D1-t2"},
                            {"97", "97.9855", "99.4553", "0.714391", "D1-t3"},
                            {"93", "95.2619", "96.6908", "1.574606", "D1-t4"}};
        TimeNs t = 0;
        for (const Row& row : rows) {
            if (t > 0) d.tick(D(row.price), t);
            CPPUNIT_ASSERT_EQUAL(D(row.average), deal.averageEntry()->rounded(4));
            CPPUNIT_ASSERT_EQUAL(D(row.tp), *deal.takeProfitPrice());
            const OrderIntent tp = intentFor(d.intents, row.tpId);
            CPPUNIT_ASSERT(tp.side == Side::Sell && tp.type == OrderType::Limit);
            CPPUNIT_ASSERT_EQUAL(D(row.tp), tp.price);
            CPPUNIT_ASSERT_EQUAL(D(row.qty), tp.qty);
            t += sec(60);
        }
        // Each replacement cancelled the previous take profit first.
        CPPUNIT_ASSERT(hasIntent(d.intents, "D1-t3", OrderIntent::Action::Cancel));
        CPPUNIT_ASSERT_EQUAL(3, deal.state().safetyOrdersFilled);

        d.tick(D("96.6907"), t);
        CPPUNIT_ASSERT(deal.status() == DealStatus::Active);
        d.tick(D("96.6908"), t + sec(1));
        CPPUNIT_ASSERT(deal.status() == DealStatus::Closed);
        CPPUNIT_ASSERT(deal.state().reason == CloseReason::TakeProfit);
        CPPUNIT_ASSERT_EQUAL(t + sec(1), deal.state().closedAt);
        // Sold 1.574606 × 96.6908 = 152.2499138248 → 152.24991382 (8 decimals, down);
        // bought 10 + 19.99998 + 39.999987 + 79.999995 = 149.999962.
        CPPUNIT_ASSERT_EQUAL(std::int64_t(152'24991382 - 149'99996200), deal.realizedPnl());
        CPPUNIT_ASSERT_EQUAL(std::int64_t(150'00000000 - 149'99996200 + 152'24991382), ex.wallet().quote);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), ex.wallet().base.mantissa);
        CPPUNIT_ASSERT(deal.finished());
    }

    void testMaxActiveSafetyOrdersReplenish() {
        DcaParams p = workedExample();
        p.maxActiveSafetyOrders = 1;
        DcaDeal deal(p, "D2", 0);
        PaperExchange ex(examplePair(), {}, Wallet{150'00000000, Decimal(0, 6)});
        Driver d{deal, ex, {}, {}};
        d.tick(D("100"), 0);
        CPPUNIT_ASSERT(hasIntent(d.intents, "D2-s1"));
        CPPUNIT_ASSERT(!hasIntent(d.intents, "D2-s2"));
        d.tick(D("98"), sec(1));  // SO1 (99) fills; SO2 (97) goes on the book
        CPPUNIT_ASSERT(hasIntent(d.intents, "D2-s2"));
        CPPUNIT_ASSERT(!hasIntent(d.intents, "D2-s3"));
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), ex.openOrders());  // SO2 and the take profit
    }

    void testStopLossFromAverageEntry() {
        // Base 100.00 at 100 → 1; SO1 10 % below → 90.00, 100.00 buys 1.111 (99.99).
        // Stop loss 10 % from the average: before SO1, 100 × 0.9 = 90.00; the tick at
        // 90 fills SO1 first, which moves it to 199.99 / 2.111 × 0.9 = 85.26.
        DcaParams p;
        p.pair = centsPair();
        p.baseOrderSize = 10000;
        p.safetyOrderSize = 10000;
        p.maxSafetyOrders = 1;
        p.priceDeviation = D("10");
        p.takeProfit = D("5");
        p.stopLoss = D("10");
        DcaDeal deal(p, "SL", 0);
        PaperExchange ex(centsPair(), {D("10"), D("0")}, Wallet{30000, Decimal(0, 3)});
        Driver d{deal, ex, {}, {}};
        d.tick(D("100"), 0);
        CPPUNIT_ASSERT_EQUAL(D("90"), *deal.stopLossPrice());
        d.tick(D("90"), sec(1));
        CPPUNIT_ASSERT(deal.status() == DealStatus::Active);
        CPPUNIT_ASSERT_EQUAL(D("85.26"), *deal.stopLossPrice());
        d.tick(D("85.27"), sec(2));
        CPPUNIT_ASSERT(deal.status() == DealStatus::Active);
        d.tick(D("85.26"), sec(3));
        CPPUNIT_ASSERT(deal.status() == DealStatus::Closed);
        CPPUNIT_ASSERT(deal.state().reason == CloseReason::StopLoss);
        const OrderIntent exit = intentFor(d.intents, "SL-x1");
        CPPUNIT_ASSERT(exit.type == OrderType::Market && exit.side == Side::Sell);
        CPPUNIT_ASSERT_EQUAL(D("2.111"), exit.qty);
        // Sold 2.111 × 85.26 = 179.98386 → 179.98; bought 199.99. Fees at 10 bps,
        // each rounded up: 0.10 + 0.09999→0.10 + 0.17998→0.18 = 0.38.
        CPPUNIT_ASSERT_EQUAL(std::int64_t(38), deal.state().fees);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(17998 - 19999 - 38), deal.realizedPnl());
        CPPUNIT_ASSERT_EQUAL(std::int64_t(30000 + 17998 - 19999 - 38), ex.wallet().quote);
    }

    void testPartialFillsReplaceTakeProfitAfterCancelConfirms() {
        DcaDeal deal(workedExample(), "P1", 0);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), deal.takeIntents().size());  // the base order
        CPPUNIT_ASSERT(deal.onFill(fill("P1-b", "0.04", "100", false)));
        CPPUNIT_ASSERT(deal.status() == DealStatus::Opening);
        CPPUNIT_ASSERT(deal.takeIntents().empty());
        CPPUNIT_ASSERT(deal.onFill(fill("P1-b", "0.06", "100", true)));
        std::vector<OrderIntent> out = deal.takeIntents();
        CPPUNIT_ASSERT_EQUAL(std::size_t(4), out.size());  // s1, s2, s3, t1
        CPPUNIT_ASSERT_EQUAL(std::string("P1-t1"), out[3].clientId);

        // SO1 fills partly: the take profit must go, but the new one waits for the cancel.
        CPPUNIT_ASSERT(deal.onFill(fill("P1-s1", "0.1", "99", false)));
        out = deal.takeIntents();
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), out.size());
        CPPUNIT_ASSERT(out[0].action == OrderIntent::Action::Cancel && out[0].clientId == "P1-t1");
        // More of SO1 before the cancel lands: no second cancel.
        CPPUNIT_ASSERT(deal.onFill(fill("P1-s1", "0.05", "99", false)));
        CPPUNIT_ASSERT(deal.takeIntents().empty());
        // The old take profit sold 0.05 at 101.5 before the cancel took effect.
        CPPUNIT_ASSERT(deal.onFill(fill("P1-t1", "0.05", "101.5", false)));
        CPPUNIT_ASSERT(deal.takeIntents().empty());
        CPPUNIT_ASSERT(deal.onFill(doneEmpty("P1-t1")));
        out = deal.takeIntents();
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), out.size());
        // Held 0.1 + 0.15 − 0.05 = 0.2. Cost 10 + 14.85 = 24.85 for 0.25; the sale took
        // 24.85 × 0.05 / 0.25 = 4.97 of it: 19.88 left for 0.2 → 99.4 × 1.015 = 100.891.
        CPPUNIT_ASSERT_EQUAL(std::string("P1-t2"), out[0].clientId);
        CPPUNIT_ASSERT_EQUAL(D("0.2"), out[0].qty);
        CPPUNIT_ASSERT_EQUAL(D("100.891"), out[0].price);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(19'88000000), deal.state().cost);
        // Realized: 0.05 × 101.5 − 4.97 = 0.105.
        CPPUNIT_ASSERT_EQUAL(std::int64_t(10500000), deal.realizedPnl());
        // The rest of SO1 (0.202020 in all) replaces the take profit again.
        CPPUNIT_ASSERT(deal.onFill(fill("P1-s1", "0.05202", "99", true)));
        out = deal.takeIntents();
        CPPUNIT_ASSERT(out.size() == 1 && out[0].action == OrderIntent::Action::Cancel && out[0].clientId == "P1-t2");
        CPPUNIT_ASSERT_EQUAL(1, deal.state().safetyOrdersFilled);
    }

    void testReportsThatContradictTheDealAreRefused() {
        DcaDeal deal(workedExample(), "R1", 0);
        deal.takeIntents();
        CPPUNIT_ASSERT(!deal.onFill(fill("nobody-b", "0.1", "100", true)));
        CPPUNIT_ASSERT(deal.onFill(fill("R1-b", "0.1", "100", true)));
        CPPUNIT_ASSERT(!deal.onFill(fill("R1-b", "0.1", "100", true)));  // duplicate after done
        CPPUNIT_ASSERT_EQUAL(D("0.1"), deal.state().qty);
        // SO1 is for 0.202020: more is a venue error.
        CPPUNIT_ASSERT_THROW(deal.onFill(fill("R1-s1", "0.3", "99", false)), std::invalid_argument);
        // Finer than the lot step.
        CPPUNIT_ASSERT_THROW(deal.onFill(fill("R1-s1", "0.0000001", "99", false)), std::invalid_argument);
        // The take profit sells 0.1; selling 0.2 would exceed the position.
        CPPUNIT_ASSERT_THROW(deal.onFill(fill("R1-t1", "0.2", "101.5", false)), std::invalid_argument);
        CPPUNIT_ASSERT_EQUAL(D("0.1"), deal.state().qty);  // nothing changed
    }

    void testManualCloseKeepOrSell() {
        DcaDeal keep(workedExample(), "K", 0);
        keep.takeIntents();
        keep.onFill(fill("K-b", "0.1", "100", true));
        keep.takeIntents();
        keep.close(CloseMode::KeepPosition, sec(5));
        std::vector<OrderIntent> out = keep.takeIntents();
        CPPUNIT_ASSERT_EQUAL(std::size_t(4), out.size());  // cancel s1..s3 and t1
        for (const OrderIntent& i : out)
            CPPUNIT_ASSERT(i.action == OrderIntent::Action::Cancel);
        for (const char* id : {"K-s1", "K-s2", "K-s3", "K-t1"})
            keep.onFill(doneEmpty(id, sec(6)));
        CPPUNIT_ASSERT(keep.closed());
        CPPUNIT_ASSERT(keep.state().reason == CloseReason::Manual);
        CPPUNIT_ASSERT_EQUAL(D("0.1"), keep.state().qty);  // left to the user
        CPPUNIT_ASSERT(keep.takeIntents().empty());

        DcaDeal sell(workedExample(), "S", 0);
        sell.takeIntents();
        sell.onFill(fill("S-b", "0.1", "100", true));
        sell.takeIntents();
        sell.close(CloseMode::SellAtMarket, sec(5));
        sell.takeIntents();
        for (const char* id : {"S-s1", "S-s2", "S-t1"})
            sell.onFill(doneEmpty(id));
        CPPUNIT_ASSERT(sell.takeIntents().empty());  // S-s3 still open: no exit yet
        sell.onFill(doneEmpty("S-s3"));
        out = sell.takeIntents();
        CPPUNIT_ASSERT(out.size() == 1 && out[0].clientId == "S-x1" && out[0].type == OrderType::Market);
        sell.onFill(fill("S-x1", "0.1", "102", true, 0, sec(7)));
        CPPUNIT_ASSERT(sell.closed());
        CPPUNIT_ASSERT_EQUAL(std::int64_t(20000000), sell.realizedPnl());  // 0.1 × (102 − 100)
    }

    void testTakeProfitPlacedAgainOnNextTickAfterRejection() {
        DcaDeal deal(workedExample(), "T", 0);
        deal.takeIntents();
        deal.onFill(fill("T-b", "0.1", "100", true));
        deal.takeIntents();
        deal.onFill(doneEmpty("T-t1"));  // rejected or expired by the venue
        CPPUNIT_ASSERT(deal.takeIntents().empty());
        deal.onTick(D("100.5"), sec(1));
        const std::vector<OrderIntent> out = deal.takeIntents();
        CPPUNIT_ASSERT(out.size() == 1 && out[0].clientId == "T-t2");
        CPPUNIT_ASSERT_EQUAL(D("101.5"), out[0].price);
    }

    void testFailedBaseOrderClosesDeal() {
        DcaDeal deal(workedExample(), "F", 0);
        deal.takeIntents();
        deal.onFill(doneEmpty("F-b", sec(1)));
        CPPUNIT_ASSERT(deal.closed());
        CPPUNIT_ASSERT(deal.state().reason == CloseReason::Failed);
        CPPUNIT_ASSERT(deal.takeIntents().empty());
    }

    void testRestoreFromState() {
        DcaDeal deal(workedExample(), "Z", 0);
        deal.takeIntents();
        deal.onFill(fill("Z-b", "0.1", "100", true));
        deal.takeIntents();
        DcaDeal restored(workedExample(), deal.state());
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), restored.ladder().size());
        restored.onFill(fill("Z-s1", "0.20202", "99", true));
        const std::vector<OrderIntent> out = restored.takeIntents();
        CPPUNIT_ASSERT(out.size() == 1 && out[0].clientId == "Z-t1" && out[0].action == OrderIntent::Action::Cancel);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(DcaDealTest);
