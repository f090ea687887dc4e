// Exact arithmetic and the pair's rounding rules: everything else builds on them.
#include <bourse/bots/Arith.h>
#include <bourse/bots/Pair.h>

#include "Support.h"

using namespace bourse;
using namespace bourse::bots;
using namespace bourse::bots::test;

class ArithPairTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ArithPairTest);
    CPPUNIT_TEST(testRoundingDirections);
    CPPUNIT_TEST(testProductsBeyond128Bits);
    CPPUNIT_TEST(testOverflowAndZeroDivision);
    CPPUNIT_TEST(testPricesRoundToNearestTick);
    CPPUNIT_TEST(testQuantitiesRoundDownToLot);
    CPPUNIT_TEST(testNotionalAndFees);
    CPPUNIT_TEST(testPairValidationNamesFields);
    CPPUNIT_TEST_SUITE_END();

public:
    void testRoundingDirections() {
        // 7/2 = 3.5 and −7/2 = −3.5: floor, ceil, half away from zero.
        CPPUNIT_ASSERT(mulDivN({7}, {2}, Rounding::Floor) == 3);
        CPPUNIT_ASSERT(mulDivN({7}, {2}, Rounding::Ceil) == 4);
        CPPUNIT_ASSERT(mulDivN({7}, {2}, Rounding::HalfAwayFromZero) == 4);
        CPPUNIT_ASSERT(mulDivN({-7}, {2}, Rounding::Floor) == -4);
        CPPUNIT_ASSERT(mulDivN({-7}, {2}, Rounding::Ceil) == -3);
        CPPUNIT_ASSERT(mulDivN({-7}, {2}, Rounding::HalfAwayFromZero) == -4);
        // 10/3: below the half, so nearest is down.
        CPPUNIT_ASSERT(mulDivN({10}, {3}, Rounding::HalfAwayFromZero) == 3);
        CPPUNIT_ASSERT(mulDivN({7, -1}, {-2}, Rounding::Floor) == 3);  // signs of every factor count
    }

    void testProductsBeyond128Bits() {
        // 10^30 × 10^30 / 10^40 = 10^20: the product (10^60) needs ~200 bits.
        const Wide e30 = pow10w(30);
        CPPUNIT_ASSERT(mulDivN({e30, e30}, {pow10w(20), pow10w(20)}, Rounding::Floor) == pow10w(20));
        // (10^36 + 1) × 3 / 3 comes back exactly.
        CPPUNIT_ASSERT(mulDivN({pow10w(36) + 1, 3}, {3}, Rounding::Floor) == pow10w(36) + 1);
    }

    void testOverflowAndZeroDivision() {
        CPPUNIT_ASSERT_THROW(mulDivN({pow10w(30), pow10w(30)}, {1}, Rounding::Floor), std::overflow_error);
        CPPUNIT_ASSERT_THROW(mulDivN({1}, {0}, Rounding::Floor), std::invalid_argument);
        CPPUNIT_ASSERT_THROW(toInt64(static_cast<Wide>(INT64_MAX) + 1), std::overflow_error);
        CPPUNIT_ASSERT_THROW(addChecked(INT64_MAX, 1), std::overflow_error);
    }

    void testPricesRoundToNearestTick() {
        PairSpec spec = centsPair();
        spec.tickSize = Decimal(5, 2);  // 0.05
        const Pair pair(spec);
        CPPUNIT_ASSERT_EQUAL(D("100.05"), pair.toTick(D("100.07")));   // 100.07 is 0.02 from 100.05
        CPPUNIT_ASSERT_EQUAL(D("100.10"), pair.toTick(D("100.075")));  // a tie goes away from zero
        CPPUNIT_ASSERT_EQUAL(D("100.00"), pair.toTick(D("100.0249")));
        // 41.875 on a 0.01 tick is a tie: 41.88.
        CPPUNIT_ASSERT_EQUAL(D("41.88"), Pair(centsPair()).toTick(D("41.875")));
        // 100 − 1.5 % = 98.5; 100 + 1.5 % = 101.5.
        CPPUNIT_ASSERT_EQUAL(D("98.50"), pair.shiftedPrice(D("100"), D("1.5"), -1));
        CPPUNIT_ASSERT_EQUAL(D("101.50"), pair.shiftedPrice(D("100"), D("1.5"), +1));
        // Cost 29.99 for 0.3 → 99.9666… × 1.01 = 100.9663… → nearest 0.05: 100.95.
        CPPUNIT_ASSERT_EQUAL(D("100.95"), pair.priceFromCost(2999, D("0.3"), D("1"), +1));
    }

    void testQuantitiesRoundDownToLot() {
        PairSpec spec = centsPair();
        spec.lotStep = Decimal(5, 3);  // 0.005
        const Pair pair(spec);
        // 10.00 / 3.00 = 3.333… → 3.330 (multiple of 0.005 below).
        CPPUNIT_ASSERT_EQUAL(D("3.330"), pair.qtyForQuote(1000, D("3")));
        // 10.00 / 2.00 = 5 exactly.
        CPPUNIT_ASSERT_EQUAL(D("5"), pair.qtyForQuote(1000, D("2")));
        CPPUNIT_ASSERT_EQUAL(D("0"), pair.qtyForQuote(1, D("3")));  // less than a lot
        CPPUNIT_ASSERT_THROW((void)pair.normalizeQty(D("1.0001")), std::invalid_argument);
        CPPUNIT_ASSERT_EQUAL(D("1.5"), pair.normalizeQty(D("1.50000")));  // trailing zeros are fine
    }

    void testNotionalAndFees() {
        const Pair pair(centsPair());
        // 0.333 × 10.01 = 3.33333: a buy pays 3.34, a sell gets 3.33.
        CPPUNIT_ASSERT_EQUAL(std::int64_t(334), pair.buyNotional(D("10.01"), D("0.333")));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(333), pair.sellNotional(D("10.01"), D("0.333")));
        // 10 bps of 247.25 = 0.24725 → 0.25 (up); of 100.00 = 0.10 exactly.
        CPPUNIT_ASSERT_EQUAL(std::int64_t(25), Pair::feeFor(24725, D("10")));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(10), Pair::feeFor(10000, D("10")));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(8), Pair::feeFor(10000, D("7.5")));  // 0.075 → 0.08
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), Pair::feeFor(10000, D("0")));
        // The average 29.99998 / 0.30202 with 4 extra decimals (examplePair: tick 0.0001).
        CPPUNIT_ASSERT_EQUAL(D("99.33110390"), Pair(examplePair()).averagePrice(2999998000, D("0.30202")));
    }

    void testPairValidationNamesFields() {
        PairSpec spec;
        spec.tickSize = Decimal(0, 2);
        spec.lotStep = Decimal(-1, 3);
        spec.quoteScale = 19;
        spec.minNotional = -1;
        const FieldErrors errors = validatePair(spec);
        CPPUNIT_ASSERT(names(errors, "pair.symbol"));
        CPPUNIT_ASSERT(names(errors, "pair.tick_size"));
        CPPUNIT_ASSERT(names(errors, "pair.lot_step"));
        CPPUNIT_ASSERT(names(errors, "pair.quote_scale"));
        CPPUNIT_ASSERT(names(errors, "pair.min_notional"));
        CPPUNIT_ASSERT_THROW(Pair{spec}, InvalidParams);
        try {
            Pair{spec};
        } catch (const InvalidParams& e) {
            CPPUNIT_ASSERT(std::string(e.what()).find("pair.tick_size: ") != std::string::npos);
        }
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ArithPairTest);
