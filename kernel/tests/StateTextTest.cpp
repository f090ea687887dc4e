// StateText: a state deflated and inflated again is the same text, a fifth of
// its size or less for a bot's JSON; plain text passes through; a damaged
// value is refused rather than handed to a product.
#include "bots/StateText.h"

#include <cppunit/extensions/HelperMacros.h>

#include <stdexcept>
#include <string>

namespace st = bourse::stateText;

class StateTextTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(StateTextTest);
    CPPUNIT_TEST(testRoundTripAndSize);
    CPPUNIT_TEST(testPlainTextPassesThrough);
    CPPUNIT_TEST(testDamagedValuesAreRefused);
    CPPUNIT_TEST_SUITE_END();

public:
    void testRoundTripAndSize() {
        std::string grid = R"({"grid":{"status":"running","intervals":[)";
        for (int k = 0; k < 10; ++k)
            grid += std::string(k ? "," : "") + R"({"k":)" + std::to_string(k) +
                    R"(,"side":"buy","qty":"0.125","held":"0.000","held_cost":"0.00","order_id":"b7k2g)" +
                    std::to_string(k + 1) + R"(","rounds":0,"pending_profit":"0.00"})";
        grid += R"(]},"summary":{"status":"running","grid_profit":"0.00","completed_pairs":0}})";
        const std::string stored = st::compact(grid);
        CPPUNIT_ASSERT(stored.front() == '\0');
        CPPUNIT_ASSERT_MESSAGE(std::to_string(stored.size()) + " of " + std::to_string(grid.size()),
                               stored.size() * 5 <= grid.size());
        CPPUNIT_ASSERT_EQUAL(grid, st::plain(stored));
        CPPUNIT_ASSERT_EQUAL(std::string("{}"), st::plain(st::compact("{}")));
        CPPUNIT_ASSERT_EQUAL(std::string(""), st::plain(st::compact("")));
    }

    void testPlainTextPassesThrough() {
        // What the database holds (and what the API and new bots use) is plain JSON.
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"a":1})"), st::plain(R"({"a":1})"));
        CPPUNIT_ASSERT_EQUAL(std::string(""), st::plain(""));
    }

    void testDamagedValuesAreRefused() {
        std::string stored = st::compact(R"({"summary":{"status":"running","note":"a note long enough to deflate"}})");
        CPPUNIT_ASSERT_THROW(st::plain(stored.substr(0, 3)), std::runtime_error);
        stored[stored.size() / 2] ^= 0x5a;
        CPPUNIT_ASSERT_THROW(st::plain(stored), std::runtime_error);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(StateTextTest);
