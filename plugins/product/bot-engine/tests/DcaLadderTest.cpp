// The DCA ladder, capital and worst case, and parameter validation.
// Expected numbers come from bots.md's worked example or are worked by hand in
// the comments; none is read back from the implementation.
#include <bourse/bots/DcaBot.h>
#include <bourse/bots/DcaLadder.h>

#include "Support.h"

using namespace bourse;
using namespace bourse::bots;
using namespace bourse::bots::test;

namespace {

/// bots.md: base order 10, safety order 20, deviation 1 %, step scale 2,
/// volume scale 2, max SO 3, take profit 1.5 %, no fees.
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

}  // namespace

class DcaLadderTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(DcaLadderTest);
    CPPUNIT_TEST(testWorkedExampleLadder);
    CPPUNIT_TEST(testWorkedExampleCapitalAndWorstCase);
    CPPUNIT_TEST(testStepScaleOneIsLinear);
    CPPUNIT_TEST(testFractionalStepAndVolumeScale);
    CPPUNIT_TEST(testStopLossWorstCase);
    CPPUNIT_TEST(testValidParamsPass);
    CPPUNIT_TEST(testInvalidParamsNameTheField);
    CPPUNIT_TEST(testLadderReachingZeroIsRefused);
    CPPUNIT_TEST(testPriceDependentChecks);
    CPPUNIT_TEST(testShortIsNotImplemented);
    CPPUNIT_TEST_SUITE_END();

public:
    void testWorkedExampleLadder() {
        const DcaPlan plan = planDca(workedExample(), D("100"));
        CPPUNIT_ASSERT_EQUAL(D("0.1"), plan.baseQty);  // 10 / 100
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), plan.safetyOrders.size());
        // bots.md table: total deviation 1 %, 3 %, 7 %; prices 99, 97, 93;
        // sizes 20, 40, 80; qty 0.202020, 0.412371, 0.860215.
        const char* deviation[] = {"1", "3", "7"};
        const char* price[] = {"99.00", "97.00", "93.00"};
        const std::int64_t size[] = {20'00000000, 40'00000000, 80'00000000};
        const char* qty[] = {"0.202020", "0.412371", "0.860215"};
        for (std::size_t i = 0; i < 3; ++i) {
            const SafetyOrderStep& s = plan.safetyOrders[i];
            CPPUNIT_ASSERT_EQUAL(static_cast<int>(i) + 1, s.index);
            CPPUNIT_ASSERT_EQUAL(D(deviation[i]), s.deviation);
            CPPUNIT_ASSERT_EQUAL(D(price[i]), s.price);
            CPPUNIT_ASSERT_EQUAL(size[i], s.size);
            CPPUNIT_ASSERT_EQUAL(D(qty[i]), s.qty);
        }
    }

    void testWorkedExampleCapitalAndWorstCase() {
        const DcaPlan plan = planDca(workedExample(), D("100"));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(150'00000000), plan.capitalRequired);  // bots.md: 150
        CPPUNIT_ASSERT_EQUAL(std::int64_t(150'00000000), dcaCapitalRequired(workedExample()));
        CPPUNIT_ASSERT_EQUAL(D("7"), plan.maxDeviation);
        // Last row of the table: average 95.2619, take profit 96.6908.
        CPPUNIT_ASSERT_EQUAL(D("1.574606"), plan.worstQty);  // 0.1 + 0.202020 + 0.412371 + 0.860215
        // 10 + 19.99998 + 39.999987 + 79.999995
        CPPUNIT_ASSERT_EQUAL(std::int64_t(149'99996200), plan.worstCost);
        CPPUNIT_ASSERT_EQUAL(D("95.2619"), plan.worstAverageEntry.rounded(4));
        CPPUNIT_ASSERT_EQUAL(D("96.6908"), plan.worstTakeProfitPrice);
        CPPUNIT_ASSERT(!plan.worstStopLossPrice);
        CPPUNIT_ASSERT(!plan.worstLoss);
    }

    void testStepScaleOneIsLinear() {
        // s = 1: SO n at d·n. d = 1.5 % below 200.00 → 197, 194, 191, 188; v = 1: equal sizes.
        DcaParams p;
        p.pair = centsPair();
        p.baseOrderSize = 5000;
        p.safetyOrderSize = 2500;
        p.maxSafetyOrders = 4;
        p.priceDeviation = D("1.5");
        const std::vector<SafetyOrderStep> ladder = safetyLadder(p, D("200"));
        const char* prices[] = {"197", "194", "191", "188"};
        for (std::size_t i = 0; i < 4; ++i) {
            CPPUNIT_ASSERT_EQUAL(D(prices[i]), ladder[i].price);
            CPPUNIT_ASSERT_EQUAL(std::int64_t(2500), ladder[i].size);
        }
        CPPUNIT_ASSERT_EQUAL(std::int64_t(5000 + 4 * 2500), dcaCapitalRequired(p));
    }

    void testFractionalStepAndVolumeScale() {
        // d = 2 %, s = 1.5: gaps 2, 3, 4.5, 6.75 → totals 2, 5, 9.5, 16.25 %.
        // Below 50.00: 49.00, 47.50, 45.25, 41.875 → 41.88 (tie, away from zero).
        // v = 1.5 on 10.00: 10, 15, 22.50, 33.75. Qty on a 0.001 lot, down:
        // 10/49 = 0.2040…, 15/47.5 = 0.3157…, 22.5/45.25 = 0.4972…, 33.75/41.88 = 0.8058…
        DcaParams p;
        p.pair = centsPair();
        p.baseOrderSize = 1000;
        p.safetyOrderSize = 1000;
        p.maxSafetyOrders = 4;
        p.priceDeviation = D("2");
        p.stepScale = D("1.5");
        p.volumeScale = D("1.5");
        const std::vector<SafetyOrderStep> ladder = safetyLadder(p, D("50"));
        const char* deviation[] = {"2", "5", "9.5", "16.25"};
        const char* price[] = {"49", "47.5", "45.25", "41.88"};
        const std::int64_t size[] = {1000, 1500, 2250, 3375};
        const char* qty[] = {"0.204", "0.315", "0.497", "0.805"};
        for (std::size_t i = 0; i < 4; ++i) {
            CPPUNIT_ASSERT_EQUAL(D(deviation[i]), ladder[i].deviation);
            CPPUNIT_ASSERT_EQUAL(D(price[i]), ladder[i].price);
            CPPUNIT_ASSERT_EQUAL(size[i], ladder[i].size);
            CPPUNIT_ASSERT_EQUAL(D(qty[i]), ladder[i].qty);
        }
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1000 + 1000 + 1500 + 2250 + 3375), dcaCapitalRequired(p));
        // s = 1.1 over 3 orders: 1, 1.1, 1.21 → totals 1, 2.1, 3.31 (exact at 18 decimals).
        p.priceDeviation = D("1");
        p.stepScale = D("1.1");
        const std::vector<Decimal> devs = safetyOrderDeviations(p);
        CPPUNIT_ASSERT_EQUAL(D("3.31"), devs[2]);
        CPPUNIT_ASSERT_EQUAL(D("4.641"), devs[3]);  // + 1.331
    }

    void testStopLossWorstCase() {
        // Base 100.00 at 100 (qty 1), one SO of 100.00 at 90 % … d = 10: 90.00, qty 1.111.
        // Cost 100 + 99.99 (1.111 × 90 = 99.99) = 199.99 for 2.111 → average 94.7370…
        // Stop loss 10 %: 94.7370 × 0.9 = 85.2633… → 85.26; sold 2.111 × 85.26 = 179.98386 → 179.98.
        DcaParams p;
        p.pair = centsPair();
        p.baseOrderSize = 10000;
        p.safetyOrderSize = 10000;
        p.maxSafetyOrders = 1;
        p.priceDeviation = D("10");
        p.stopLoss = D("10");
        const DcaPlan plan = planDca(p, D("100"));
        CPPUNIT_ASSERT_EQUAL(D("1.111"), plan.safetyOrders[0].qty);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(19999), plan.worstCost);
        CPPUNIT_ASSERT_EQUAL(D("85.26"), *plan.worstStopLossPrice);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(19999 - 17998), *plan.worstLoss);
    }

    void testValidParamsPass() {
        CPPUNIT_ASSERT(validateDca(workedExample()).empty());
        CPPUNIT_ASSERT(validateDcaAtPrice(workedExample(), D("100")).empty());
    }

    void testInvalidParamsNameTheField() {
        struct Case {
            const char* field;
            void (*breakIt)(DcaParams&);
        };
        const Case cases[] = {
            {"base_order_size", [](DcaParams& p) { p.baseOrderSize = 0; }},
            {"safety_order_size", [](DcaParams& p) { p.safetyOrderSize = 0; }},
            {"max_safety_orders", [](DcaParams& p) { p.maxSafetyOrders = 101; }},
            {"max_active_safety_orders", [](DcaParams& p) { p.maxActiveSafetyOrders = 4; }},
            {"price_deviation", [](DcaParams& p) { p.priceDeviation = D("0"); }},
            {"price_deviation", [](DcaParams& p) { p.priceDeviation = D("100"); }},
            {"step_scale", [](DcaParams& p) { p.stepScale = D("0"); }},
            {"volume_scale", [](DcaParams& p) { p.volumeScale = D("-1"); }},
            {"take_profit", [](DcaParams& p) { p.takeProfit = D("0"); }},
            {"stop_loss", [](DcaParams& p) { p.stopLoss = D("100"); }},
            {"cooldown", [](DcaParams& p) { p.cooldownNs = -1; }},
            {"max_active_deals", [](DcaParams& p) { p.maxActiveDeals = 0; }},
            {"start_drop",
             [](DcaParams& p) {
                 p.start = StartCondition::AfterDrop;
                 p.startLookbackNs = sec(60);
             }},
            {"start_lookback",
             [](DcaParams& p) {
                 p.start = StartCondition::AfterDrop;
                 p.startDrop = D("3");
             }},
            {"id_prefix", [](DcaParams& p) { p.idPrefix = "has-dash"; }},
            {"id_prefix", [](DcaParams& p) { p.idPrefix = "seventeen_chars_x"; }},
            {"pair.tick_size", [](DcaParams& p) { p.pair.tickSize = D("0"); }},
            {"base_order_size", [](DcaParams& p) { p.pair.minNotional = 11'00000000; }},
            {"volume_scale",
             [](DcaParams& p) {
                 p.volumeScale = D("100");
                 p.maxSafetyOrders = 100;
             }},
        };
        for (const Case& c : cases) {
            DcaParams p = workedExample();
            c.breakIt(p);
            const FieldErrors errors = validateDca(p);
            CPPUNIT_ASSERT_MESSAGE(c.field, names(errors, c.field));
            try {
                DcaBot{p};
                CPPUNIT_FAIL(std::string("accepted without ") + c.field);
            } catch (const InvalidParams& e) {
                CPPUNIT_ASSERT_MESSAGE(e.what(), std::string(e.what()).find(c.field) != std::string::npos);
            }
        }
    }

    void testLadderReachingZeroIsRefused() {
        // d = 30, s = 2: 30, 90, 210 % — SO3 would sit below zero.
        DcaParams p = workedExample();
        p.priceDeviation = D("30");
        const FieldErrors errors = validateDca(p);
        CPPUNIT_ASSERT(names(errors, "step_scale"));
        CPPUNIT_ASSERT(errors[0].message.find("safety order 3") != std::string::npos);
        // s = 1: 40, 80, 120 % — the deviation is to blame.
        p.priceDeviation = D("40");
        p.stepScale = D("1");
        CPPUNIT_ASSERT(names(validateDca(p), "price_deviation"));
    }

    void testPriceDependentChecks() {
        DcaParams p = workedExample();
        p.pair.lotStep = D("0.1");
        // 10 quote at 1000 buys 0.01, less than a 0.1 lot.
        CPPUNIT_ASSERT(names(validateDcaAtPrice(p, D("1000")), "base_order_size"));
        CPPUNIT_ASSERT(names(validateDcaAtPrice(p, D("0")), "price"));
        CPPUNIT_ASSERT_THROW(planDca(p, D("1000")), InvalidParams);
        // Min notional 19.99999 quote: SO1 (20 quote) buys 0.202020 × 99 = 19.99998 once
        // the quantity is rounded down to the lot step, just under.
        p = workedExample();
        p.baseOrderSize = 30'00000000;
        p.pair.minNotional = 19'99999000;
        CPPUNIT_ASSERT(validateDca(p).empty());
        CPPUNIT_ASSERT(names(validateDcaAtPrice(p, D("100")), "safety_order_size"));
    }

    void testShortIsNotImplemented() {
        DcaParams p = workedExample();
        p.direction = DealDirection::Short;
        const FieldErrors errors = validateDca(p);
        CPPUNIT_ASSERT(names(errors, "direction"));
        CPPUNIT_ASSERT(errors[0].message.find("not implemented") != std::string::npos);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(DcaLadderTest);
