// Payout arithmetic, rounding and the tie rule, and market-rule parsing.
#include "MarketRules.h"
#include "Payout.h"

#include <cppunit/extensions/HelperMacros.h>

using namespace bourse;
using namespace bourse::binary;

class PayoutTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(PayoutTest);
    CPPUNIT_TEST(testWinAddsPayoutPercent);
    CPPUNIT_TEST(testLossRefundRule);
    CPPUNIT_TEST(testTieRefundsStake);
    CPPUNIT_TEST(testRoundingIsDownToTheCent);
    CPPUNIT_TEST(testOutcomeByDirection);
    CPPUNIT_TEST(testPercentText);
    CPPUNIT_TEST(testRulesParsing);
    CPPUNIT_TEST(testRulesErrorsNamePath);
    CPPUNIT_TEST_SUITE_END();

public:
    void testWinAddsPayoutPercent() {
        CPPUNIT_ASSERT_EQUAL(std::int64_t(18000), payout({Direction::Up, 8000, 0}, BOURSE_OUTCOME_WON, 10000));
        // The "100 → 175" rule.
        CPPUNIT_ASSERT_EQUAL(std::int64_t(17500), payout({Direction::Up, 7500, 0}, BOURSE_OUTCOME_WON, 10000));
    }

    void testLossRefundRule() {
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), payout({Direction::Up, 8000, 0}, BOURSE_OUTCOME_LOST, 10000));
        // "Loss returns half."
        CPPUNIT_ASSERT_EQUAL(std::int64_t(5000), payout({Direction::Up, 8000, 5000}, BOURSE_OUTCOME_LOST, 10000));
    }

    void testTieRefundsStake() {
        CPPUNIT_ASSERT_EQUAL(std::int64_t(10000), payout({Direction::Down, 8000, 0}, BOURSE_OUTCOME_TIE, 10000));
    }

    void testRoundingIsDownToTheCent() {
        // 0.33 at 85 %: profit 0.2805 → 0.28; 0.01 at 80 %: 0.008 → 0.00.
        CPPUNIT_ASSERT_EQUAL(std::int64_t(61), payout({Direction::Up, 8500, 0}, BOURSE_OUTCOME_WON, 33));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), payout({Direction::Up, 8000, 0}, BOURSE_OUTCOME_WON, 1));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(16), payout({Direction::Up, 8000, 5000}, BOURSE_OUTCOME_LOST, 33));
        // Huge stakes do not overflow.
        const std::int64_t big = 9'000'000'000'000'000'000LL;
        CPPUNIT_ASSERT_EQUAL(big / 2, fraction(big, 5000));
    }

    void testOutcomeByDirection() {
        const Decimal entry(108500, 5), higher(108501, 5), lower(108499, 5), same(1085000, 6);
        CPPUNIT_ASSERT_EQUAL(BOURSE_OUTCOME_WON, outcome({Direction::Up, 8000, 0}, entry, higher));
        CPPUNIT_ASSERT_EQUAL(BOURSE_OUTCOME_LOST, outcome({Direction::Up, 8000, 0}, entry, lower));
        CPPUNIT_ASSERT_EQUAL(BOURSE_OUTCOME_WON, outcome({Direction::Down, 8000, 0}, entry, lower));
        CPPUNIT_ASSERT_EQUAL(BOURSE_OUTCOME_LOST, outcome({Direction::Down, 8000, 0}, entry, higher));
        // Exit equal to entry is a tie even when written with another scale.
        CPPUNIT_ASSERT_EQUAL(BOURSE_OUTCOME_TIE, outcome({Direction::Down, 8000, 0}, entry, same));
    }

    void testPercentText() {
        CPPUNIT_ASSERT_EQUAL(8250, percentToBps("82.5"));
        CPPUNIT_ASSERT_EQUAL(std::string("82.5"), bpsToPercent(8250));
        CPPUNIT_ASSERT_EQUAL(std::string("80"), bpsToPercent(8000));
        CPPUNIT_ASSERT_EQUAL(std::string("0"), bpsToPercent(0));
        CPPUNIT_ASSERT_THROW(percentToBps("82.555"), std::invalid_argument);
        CPPUNIT_ASSERT_THROW(percentToBps("-1"), std::invalid_argument);
    }

    void testRulesParsing() {
        const ProductConfig c = parseConfig(R"({"currency":"USD","max_price_age_ms":2000,
            "defaults":{"payout_percent":80,"durations":[60,5,30],"min_stake":"1.00","max_stake":"500"},
            "markets":{"OTC_GOLD":{"payout_percent":"75","loss_refund_percent":50},"OTC_OFF":{"enabled":false}}})");
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2000), c.maxPriceAgeMs);
        const MarketRules eur = rulesFor(c, "OTC_EUR_USD");
        CPPUNIT_ASSERT_EQUAL(8000, eur.payoutBps);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(50000), eur.maxStake);
        CPPUNIT_ASSERT_EQUAL(5, eur.durations.front());  // sorted
        const MarketRules gold = rulesFor(c, "OTC_GOLD");
        CPPUNIT_ASSERT_EQUAL(7500, gold.payoutBps);
        CPPUNIT_ASSERT_EQUAL(5000, gold.lossRefundBps);
        CPPUNIT_ASSERT(!rulesFor(c, "OTC_OFF").enabled);
    }

    void testRulesErrorsNamePath() {
        const auto message = [](const std::string& json) {
            try {
                parseConfig(json);
            } catch (const Error& e) {
                CPPUNIT_ASSERT_EQUAL(BOURSE_E_CONFIG, e.status());
                return std::string(e.what());
            }
            return std::string();
        };
        CPPUNIT_ASSERT_EQUAL(std::string("config: markets.OTC_GOLD.payout_percent: must be between 1 and 500"),
                             message(R"({"markets":{"OTC_GOLD":{"payout_percent":900}}})"));
        CPPUNIT_ASSERT_EQUAL(std::string("config: defaults.min_stake: larger than max_stake"),
                             message(R"({"defaults":{"min_stake":"10","max_stake":"5"}})"));
        CPPUNIT_ASSERT_EQUAL(std::string("config: defaults.payuot_percent: unknown key"),
                             message(R"({"defaults":{"payuot_percent":80}})"));
        CPPUNIT_ASSERT_EQUAL(std::string("config: colour: unknown key"), message(R"({"colour":"red"})"));
        CPPUNIT_ASSERT_EQUAL(std::string("config: defaults.min_stake: too many decimals"),
                             message(R"({"defaults":{"min_stake":"1.001"}})"));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(PayoutTest);
