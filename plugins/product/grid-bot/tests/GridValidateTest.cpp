// validate() of the grid-bot plugin through the fake host: refusals name the
// field, grid lines of both spacings in the preview (bots.md's example), the
// capital, the worst case worked by hand, config limits, and stored terms
// that read back identically.
#include "GridSupport.h"

#include <bourse/testing/Conformance.hpp>

using namespace bourse;
using namespace bourse::testing;
using namespace gridtest;

class GridValidateTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(GridValidateTest);
    CPPUNIT_TEST(testRefusalsNameTheField);
    CPPUNIT_TEST(testArithmeticLinesInPreview);
    CPPUNIT_TEST(testGeometricLinesInPreview);
    CPPUNIT_TEST(testWorstCase);
    CPPUNIT_TEST(testStoredParamsReadBackTheSame);
    CPPUNIT_TEST(testConfigLimits);
    CPPUNIT_TEST(testConformance);
    CPPUNIT_TEST_SUITE_END();

public:
    void testRefusalsNameTheField() {
        FakeHost host;
        PluginUnderTest p(bourse_module_entry, "grid-bot", host);
        CPPUNIT_ASSERT_EQUAL(std::string("grid_count: expected a whole number 2..500"),
                             refusal(p, params([](Json& j) { j->set("grid_count", 1); })));
        CPPUNIT_ASSERT_EQUAL(std::string("upper: must be above lower"),
                             refusal(p, params([](Json& j) { j->set("upper", "90.00"); })));
        CPPUNIT_ASSERT_EQUAL(std::string("lower: must be positive and on the pair's tick size"),
                             refusal(p, params([](Json& j) { j->set("lower", "90.005"); })));
        CPPUNIT_ASSERT_EQUAL(std::string("investment: required"),
                             refusal(p, params([](Json& j) { j->remove("investment"); })));
        CPPUNIT_ASSERT_EQUAL(std::string("stop_loss: must be below lower"),
                             refusal(p, params([](Json& j) { j->set("stop_loss", "95.00"); })));
        CPPUNIT_ASSERT_EQUAL(std::string("trailing_up_limit: needs trailing_up"),
                             refusal(p, params([](Json& j) { j->set("trailing_up_limit", "150.00"); })));
        CPPUNIT_ASSERT_EQUAL(std::string("spacing: must be one of arithmetic, geometric"),
                             refusal(p, params([](Json& j) { j->set("spacing", "log"); })));
        // The fee is the venue's, which the kernel sets: a client cannot choose it.
        CPPUNIT_ASSERT_EQUAL(std::string("fee_bps: unknown parameter"),
                             refusal(p, params([](Json& j) { j->set("fee_bps", "0"); })));
        // 100.00–101.00 in 10: each grid earns 0.1 %, less than two fees of 0.1 %.
        CPPUNIT_ASSERT_EQUAL(
            std::string("grid_count: the profit of the grid between 100.00 and 100.10 does not cover two fees"),
            refusal(p, params([](Json& j) {
                        j->set("lower", "100.00");
                        j->set("upper", "101.00");
                        j->set("grid_count", 10);
                    }),
                    "100.50"));
        // At the price in force.
        CPPUNIT_ASSERT_EQUAL(std::string("price: 120.00 is outside the grid [90.00, 110.00]"),
                             refusal(p, params(), "120.00"));
        // 1.00 over four lines: 0.002 per order, 0.18 at the lowest line, below the 1.00 minimum.
        CPPUNIT_ASSERT_EQUAL(
            std::string(
                "investment: an order of 0.002 at the lowest line (90.00) is below the pair's minimum notional"),
            refusal(p, params([](Json& j) { j->set("investment", "1.00"); })));
        CPPUNIT_ASSERT_EQUAL(std::string("investment: buys less than one lot step per grid line"),
                             refusal(p, params([](Json& j) { j->set("investment", "0.10"); })));
        CPPUNIT_ASSERT(p.violations().empty());
    }

    void testArithmeticLinesInPreview() {
        // bots.md: lower 100, upper 200, N 4 → 100, 125, 150, 175, 200.
        FakeHost host;
        PluginUnderTest p(bourse_module_entry, "grid-bot", host);
        const Json reply = accepted(p, params([](Json& j) {
                                        j->set("lower", "100.00");
                                        j->set("upper", "200.00");
                                    }),
                                    "150.00");
        CPPUNIT_ASSERT_EQUAL(std::string("1000.00"), str(reply, "capital"));  // the investment
        CPPUNIT_ASSERT_EQUAL(0, reply->getValue<int>("expires_in_ms"));
        const Json preview = reply->getObject("preview");
        CPPUNIT_ASSERT_EQUAL(std::string(R"(["100.00","125.00","150.00","175.00","200.00"])"),
                             text(preview->getArray("lines")));
        CPPUNIT_ASSERT_EQUAL(std::string("arithmetic"), str(preview, "spacing"));
        // Lines 100 and 125 are below 150: two buys; the two intervals above start with sells.
        CPPUNIT_ASSERT_EQUAL(2, preview->getValue<int>("buy_orders"));
        CPPUNIT_ASSERT_EQUAL(2, preview->getValue<int>("sell_orders"));
        // Q = 1000 / ((100 + 125 + 150 + 150) × 1.001) = 1.9029… → 1.902 (lot 0.001).
        CPPUNIT_ASSERT_EQUAL(std::string("1.902"), str(preview, "qty_per_order"));
        CPPUNIT_ASSERT_EQUAL(std::string("3.804"), str(preview, "base_to_buy"));
        // Per grid after two fees: 25/175 − 0.2 % at the top, 25/100 − 0.2 % at the bottom.
        const Json profit = preview->getObject("profit_per_grid_percent");
        CPPUNIT_ASSERT(Decimal::parse(str(profit, "min")) < Decimal::parse("14.1"));
        CPPUNIT_ASSERT(Decimal::parse(str(profit, "max")) > Decimal::parse("24.7"));
    }

    void testGeometricLinesInPreview() {
        // bots.md: geometric 100, 118.9207, 141.4214, 168.1793, 200 (on a 0.0001 tick).
        FakeHost host;
        PluginUnderTest p(bourse_module_entry, "grid-bot", host);
        const Json reply = accepted(p, params([](Json& j) {
                                        j->getObject("pair")->set("tick_size", "0.0001");
                                        j->set("lower", "100");
                                        j->set("upper", "200");
                                        j->set("spacing", "geometric");
                                    }),
                                    "150");
        const Json preview = reply->getObject("preview");
        CPPUNIT_ASSERT_EQUAL(std::string(R"(["100.0000","118.9207","141.4214","168.1793","200.0000"])"),
                             text(preview->getArray("lines")));
        CPPUNIT_ASSERT(contains(str(preview, "ratio"), "1.189207"));  // 2^(1/4)
        CPPUNIT_ASSERT_EQUAL(std::string("geometric"), str(reply->getObject("params"), "spacing"));
    }

    void testWorstCase() {
        // 90–110 in 4 at 100: Q = 1000 / (385 × 1.001) → 2.594. At the bottom every
        // interval holds Q: 10.376 bought for 518.80 + 0.52 (the start's market buy of
        // 5.188 at 100) + 233.46 + 0.24 (line 90) + 246.43 + 0.25 (line 95) = 999.70.
        FakeHost host;
        PluginUnderTest p(bourse_module_entry, "grid-bot", host);
        Json w = accepted(p, params())->getObject("worst_case");
        // No stop loss: valued at the lowest line, 90 × 10.376 = 933.84.
        CPPUNIT_ASSERT_EQUAL(std::string("90.00"), str(w, "price"));
        CPPUNIT_ASSERT_EQUAL(std::string("10.376"), str(w, "qty"));
        CPPUNIT_ASSERT_EQUAL(std::string("999.70"), str(w, "cost"));
        CPPUNIT_ASSERT_EQUAL(std::string("65.86"), str(w, "loss"));
        CPPUNIT_ASSERT(contains(str(w, "note"), "no stop loss"));
        // Stop loss 85: sold there, 881.96 less a 0.89 fee → a loss of 118.63.
        w = accepted(p, params([](Json& j) { j->set("stop_loss", "85.00"); }))->getObject("worst_case");
        CPPUNIT_ASSERT_EQUAL(std::string("85.00"), str(w, "price"));
        CPPUNIT_ASSERT_EQUAL(std::string("118.63"), str(w, "loss"));
    }

    void testStoredParamsReadBackTheSame() {
        FakeHost host;
        PluginUnderTest p(bourse_module_entry, "grid-bot", host);
        const Json first = accepted(p, params([](Json& j) {
                                        j->set("stop_loss", "80.00");
                                        j->set("take_profit", "120.00");
                                        j->set("trailing_up", true);
                                        j->set("trailing_up_limit", "150.00");
                                        j->set("sell_base_on_stop", false);
                                    }));
        const std::string normalised = text(first->getObject("params"));
        const Json second = accepted(p, normalised);
        CPPUNIT_ASSERT_EQUAL(text(first), text(second));
        CPPUNIT_ASSERT_EQUAL(std::string("10"), str(first->getObject("params")->getObject("venue"), "fee_bps"));
    }

    void testConfigLimits() {
        FakeHost host;
        host.setConfig(R"({"max_grid_count": 3})");
        PluginUnderTest p(bourse_module_entry, "grid-bot", host);
        CPPUNIT_ASSERT_EQUAL(std::string("grid_count: at most 3 on this platform"), refusal(p, params()));
        FakeHost bad;
        bad.setConfig(R"({"max_grid_count": 501})");
        PluginUnderTest q(bourse_module_entry, "grid-bot", bad, PluginUnderTest::DeferCreate{});
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_CONFIG, q.create());
        CPPUNIT_ASSERT_EQUAL(std::string("config: max_grid_count: expected a whole number 2..500"), bad.lastError);
    }

    void testConformance() {
        FakeHost host;
        const auto problems = checkConformance(bourse_module_entry, "grid-bot", host);
        CPPUNIT_ASSERT_MESSAGE(joinLines(problems), problems.empty());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(GridValidateTest);
