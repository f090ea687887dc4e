// validate() of the dca-bot plugin through the fake host: refusals name the
// field, the preview shows bots.md's worked example, capital reserves the fees,
// the worst case, config limits, and stored terms that read back identically.
// Expected numbers are bots.md's or worked by hand in the comments.
#include "DcaSupport.h"

#include <bourse/testing/Conformance.hpp>

using namespace bourse;
using namespace bourse::testing;
using namespace dcatest;

class DcaValidateTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(DcaValidateTest);
    CPPUNIT_TEST(testRefusalsNameTheField);
    CPPUNIT_TEST(testEveryProblemIsListed);
    CPPUNIT_TEST(testWorkedExampleLadderInPreview);
    CPPUNIT_TEST(testCapitalReservesFeesPerDeal);
    CPPUNIT_TEST(testWorstCaseWithoutAndWithStopLoss);
    CPPUNIT_TEST(testStoredParamsReadBackTheSame);
    CPPUNIT_TEST(testConfigLimits);
    CPPUNIT_TEST(testConformance);
    CPPUNIT_TEST_SUITE_END();

public:
    void testRefusalsNameTheField() {
        FakeHost host;
        PluginUnderTest p(bourse_module_entry, "dca-bot", host);
        // The contract: "<field>: <why>", the field path as in params.
        CPPUNIT_ASSERT_EQUAL(std::string("take_profit: required"),
                             refusal(p, params([](Json& j) { j->remove("take_profit"); })));
        CPPUNIT_ASSERT_EQUAL(std::string("colour: unknown parameter"),
                             refusal(p, params([](Json& j) { j->set("colour", "red"); })));
        CPPUNIT_ASSERT_EQUAL(std::string("base_order_size: has more than the quote currency's 2 decimals"),
                             refusal(p, params([](Json& j) { j->set("base_order_size", "10.001"); })));
        CPPUNIT_ASSERT(contains(refusal(p, params([](Json& j) { j->set("take_profit", 1.5); })),
                                "take_profit: expected a decimal string"));
        CPPUNIT_ASSERT_EQUAL(std::string("safety_order_size: is below the pair's minimum notional"),
                             refusal(p, params([](Json& j) { j->set("safety_order_size", "0.50"); })));
        CPPUNIT_ASSERT_EQUAL(std::string("direction: short deals are not implemented; use long"),
                             refusal(p, params([](Json& j) { j->set("direction", "short"); })));
        CPPUNIT_ASSERT_EQUAL(std::string("start_drop: only with start_condition after_drop"),
                             refusal(p, params([](Json& j) { j->set("start_drop", "3"); })));
        CPPUNIT_ASSERT_EQUAL(
            std::string("venue.id_prefix: must be 1 to 12 of A-Z a-z 0-9"),
            refusal(p, params([](Json& j) { j->getObject("venue")->set("id_prefix", "bad-prefix"); })));
        CPPUNIT_ASSERT_EQUAL(std::string("pair.tick_size: required"),
                             refusal(p, params([](Json& j) { j->getObject("pair")->remove("tick_size"); })));
        // Checks at the price in force: at 20 000 000.00 the 10.00 base order buys
        // less than one lot step (0.000001).
        CPPUNIT_ASSERT(contains(refusal(p, params(), "20000000.00"), "base_order_size: buys less than one lot step"));
        // No price in force.
        auto noPrice = request(params());
        noPrice.price.reset();
        const auto r = p.validate(noPrice);
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_INVALID, r.status);
        CPPUNIT_ASSERT_EQUAL(std::string("price: no price in force for the pair"), r.text);
        CPPUNIT_ASSERT(p.violations().empty());
    }

    void testEveryProblemIsListed() {
        // One answer names every field at fault, the first one leading (the kernel reads that one).
        FakeHost host;
        PluginUnderTest p(bourse_module_entry, "dca-bot", host);
        const std::string why = refusal(p, params([](Json& j) {
                                            j->set("max_safety_orders", 101);
                                            j->set("cooldown", "soon");
                                        }));
        CPPUNIT_ASSERT(contains(why, "max_safety_orders: expected a whole number 0..100"));
        CPPUNIT_ASSERT(contains(why, "cooldown: expected a whole number"));
        CPPUNIT_ASSERT(contains(why, "; "));
    }

    void testWorkedExampleLadderInPreview() {
        // bots.md: base price 100, base 10, SO 20, deviation 1 %, step ×2, volume ×2, 3 SOs,
        // take profit 1.5 %, no fees — on a pair with exact notionals.
        FakeHost host;
        PluginUnderTest p(bourse_module_entry, "dca-bot", host);
        const Json reply = accepted(p, params([](Json& j) {
                                        j->set("pair", examplePair());
                                        j->set("venue", venue("0"));
                                        j->set("base_order_size", "10");
                                        j->set("safety_order_size", "20");
                                    }));
        CPPUNIT_ASSERT_EQUAL(0, reply->getValue<int>("expires_in_ms"));
        CPPUNIT_ASSERT_EQUAL(std::string("150.00000000"), str(reply, "capital"));  // bots.md: 150
        const Json preview = reply->getObject("preview");
        CPPUNIT_ASSERT_EQUAL(std::string("100.0000"), str(preview, "base_price"));
        const auto orders = preview->getArray("orders");
        CPPUNIT_ASSERT_EQUAL(std::size_t(4), orders->size());
        // order, total deviation, price, size, qty, average entry after, TP price after.
        const char* table[4][7] = {{"base", "0", "100.0000", "10.00000000", "0.100000", "100.0000", "101.5000"},
                                   {"safety", "1", "99.0000", "20.00000000", "0.202020", "99.3311", "100.8211"},
                                   {"safety", "3", "97.0000", "40.00000000", "0.412371", "97.9855", "99.4553"},
                                   {"safety", "7", "93.0000", "80.00000000", "0.860215", "95.2619", "96.6908"}};
        for (unsigned i = 0; i < 4; ++i) {
            const Json o = orders->getObject(i);
            const std::string at = "order " + std::to_string(i);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(at, std::string(table[i][0]), str(o, "role"));
            CPPUNIT_ASSERT_MESSAGE(at, Decimal::parse(str(o, "deviation")) == Decimal::parse(table[i][1]));
            CPPUNIT_ASSERT_EQUAL_MESSAGE(at, std::string(table[i][2]), str(o, "price"));
            CPPUNIT_ASSERT_EQUAL_MESSAGE(at, std::string(table[i][3]), str(o, "size"));
            CPPUNIT_ASSERT_EQUAL_MESSAGE(at, std::string(table[i][4]), str(o, "qty"));
            // The average entry carries 4 decimals beyond the price scale; bots.md shows 4.
            CPPUNIT_ASSERT_EQUAL_MESSAGE(at, std::string(table[i][5]),
                                         Decimal::parse(str(o, "average_entry")).rounded(4).toString());
            CPPUNIT_ASSERT_EQUAL_MESSAGE(at, std::string(table[i][6]), str(o, "take_profit_price"));
        }
        CPPUNIT_ASSERT(Decimal::parse(str(preview, "max_deviation")) == Decimal(7, 0));
        // The normalised params carry what the kernel added.
        const Json stored = reply->getObject("params");
        CPPUNIT_ASSERT_EQUAL(std::string("b7k2"), str(stored->getObject("venue"), "id_prefix"));
        CPPUNIT_ASSERT_EQUAL(std::string("10.00000000"), str(stored, "base_order_size"));
    }

    void testCapitalReservesFeesPerDeal() {
        // The paper venue charges the fee on top of every buy, from the bot's own
        // account: 150.00 would leave the last safety order 0.07 short. At 10 bps the
        // buys of one deal cost at most 0.01 + 0.02 + 0.04 + 0.08 in fees.
        FakeHost host;
        PluginUnderTest p(bourse_module_entry, "dca-bot", host);
        Json reply = accepted(p, params());
        CPPUNIT_ASSERT_EQUAL(std::string("150.15"), str(reply, "capital"));
        CPPUNIT_ASSERT_EQUAL(std::string("150.00"), str(reply->getObject("preview"), "capital_per_deal"));
        CPPUNIT_ASSERT_EQUAL(std::string("0.15"), str(reply->getObject("preview"), "fees_per_deal"));
        reply = accepted(p, params([](Json& j) { j->set("max_active_deals", 2); }));
        CPPUNIT_ASSERT_EQUAL(std::string("300.30"), str(reply, "capital"));
        reply = accepted(p, params([](Json& j) { j->set("venue", venue("0")); }));
        CPPUNIT_ASSERT_EQUAL(std::string("150.00"), str(reply, "capital"));
    }

    void testWorstCaseWithoutAndWithStopLoss() {
        FakeHost host;
        PluginUnderTest p(bourse_module_entry, "dca-bot", host);
        const auto example = [](Json& j) {
            j->set("pair", examplePair());
            j->set("venue", venue("0"));
        };
        // No stop loss: at the last safety order (93) the deal holds 1.574606 bought for
        // 149.999962 (Σ price × qty), worth 146.438358 there.
        Json w = accepted(p, params(example))->getObject("worst_case");
        CPPUNIT_ASSERT_EQUAL(std::string("93.0000"), str(w, "price"));
        CPPUNIT_ASSERT_EQUAL(std::string("3.56160400"), str(w, "loss"));
        CPPUNIT_ASSERT_EQUAL(std::string("1.574606"), str(w, "qty"));
        CPPUNIT_ASSERT(contains(str(w, "note"), "no stop loss"));
        // Stop loss 5 % below the average entry 95.26190…: 90.4988; the sale returns
        // 142.49995347 (rounded down), a loss of 7.50000853.
        w = accepted(p, params([&](Json& j) {
                         example(j);
                         j->set("stop_loss", "5");
                     }))
                ->getObject("worst_case");
        CPPUNIT_ASSERT_EQUAL(std::string("90.4988"), str(w, "price"));
        CPPUNIT_ASSERT_EQUAL(std::string("7.50000853"), str(w, "loss"));
        // Two deals at once: counted twice.
        w = accepted(p, params([&](Json& j) {
                         example(j);
                         j->set("stop_loss", "5");
                         j->set("max_active_deals", 2);
                     }))
                ->getObject("worst_case");
        CPPUNIT_ASSERT_EQUAL(std::string("15.00001706"), str(w, "loss"));
        CPPUNIT_ASSERT_EQUAL(std::string("7.50000853"), str(w, "loss_per_deal"));
    }

    void testStoredParamsReadBackTheSame() {
        // What validate stores is itself valid input that gives the same terms: a
        // bot rebuilt from its position trades on exactly what was accepted.
        FakeHost host;
        PluginUnderTest p(bourse_module_entry, "dca-bot", host);
        const Json first = accepted(p, params([](Json& j) {
                                        j->set("stop_loss", "4.50");
                                        j->set("cooldown", 60);
                                        j->set("start_condition", "after_drop");
                                        j->set("start_drop", "2");
                                        j->set("start_lookback", "3600");
                                    }));
        const std::string normalised = text(first->getObject("params"));
        const Json second = accepted(p, normalised);
        CPPUNIT_ASSERT_EQUAL(normalised, text(second->getObject("params")));
        CPPUNIT_ASSERT_EQUAL(text(first), text(second));
        CPPUNIT_ASSERT_EQUAL(std::string("4.50"), str(first->getObject("params"), "stop_loss"));
        CPPUNIT_ASSERT_EQUAL(3600, first->getObject("params")->getValue<int>("start_lookback"));
    }

    void testConfigLimits() {
        FakeHost host;
        host.setConfig(R"({"max_active_deals": 2, "max_safety_orders": 2})");
        PluginUnderTest p(bourse_module_entry, "dca-bot", host);
        const std::string why = refusal(p, params([](Json& j) { j->set("max_active_deals", 3); }));
        CPPUNIT_ASSERT(contains(why, "max_active_deals: at most 2 on this platform"));
        CPPUNIT_ASSERT(contains(why, "max_safety_orders: at most 2 on this platform"));

        FakeHost bad;
        bad.setConfig(R"({"max_deals": 2})");
        PluginUnderTest q(bourse_module_entry, "dca-bot", bad, PluginUnderTest::DeferCreate{});
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_CONFIG, q.create());
        CPPUNIT_ASSERT_EQUAL(std::string("config: max_deals: unknown key"), bad.lastError);
    }

    void testConformance() {
        FakeHost host;
        const auto problems = checkConformance(bourse_module_entry, "dca-bot", host);
        CPPUNIT_ASSERT_MESSAGE(joinLines(problems), problems.empty());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(DcaValidateTest);
