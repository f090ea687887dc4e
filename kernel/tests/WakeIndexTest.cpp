// WakeIndex: a sleeping bot is due only when a price reaches one of its bounds
// (at or below, at or above, inclusive) or a tick reaches its time; awake bots
// are due on every price; woken bots stay awake; products and symbols apart.
#include "bots/WakeIndex.h"

#include <cppunit/extensions/HelperMacros.h>

using bourse::WakeIndex;

namespace {

std::string joined(const std::vector<std::string>& ids) {
    std::string out;
    for (const auto& id : ids)
        out += (out.empty() ? "" : ",") + id;
    return out;
}

WakeIndex::Band band(std::optional<std::int64_t> below, std::optional<std::int64_t> above,
                     std::optional<std::int64_t> at = std::nullopt) {
    return WakeIndex::Band{below, above, at};
}

}  // namespace

class WakeIndexTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(WakeIndexTest);
    CPPUNIT_TEST(testAwakeBotsAreDueOnEveryPrice);
    CPPUNIT_TEST(testABandWakesAtItsBoundsInclusive);
    CPPUNIT_TEST(testATimeWakesTheFirstTickAtOrAfterIt);
    CPPUNIT_TEST(testABandWithoutBoundsSleepsUntilWoken);
    CPPUNIT_TEST(testSymbolsAndProductsApart);
    CPPUNIT_TEST(testRemoveAndReAdd);
    CPPUNIT_TEST_SUITE_END();

public:
    void testAwakeBotsAreDueOnEveryPrice() {
        WakeIndex w;
        w.add("b2", "BTC", "grid");
        w.add("b1", "BTC", "dca");
        CPPUNIT_ASSERT_EQUAL(std::string("b1,b2"), joined(w.due("BTC", 100, 1)));
        CPPUNIT_ASSERT_EQUAL(std::string("b1,b2"), joined(w.due("BTC", 5, 2)));
        CPPUNIT_ASSERT_EQUAL(std::string(""), joined(w.due("ETH", 100, 3)));
        CPPUNIT_ASSERT(w.hasBots("BTC"));
        CPPUNIT_ASSERT(!w.hasBots("ETH"));
    }

    void testABandWakesAtItsBoundsInclusive() {
        WakeIndex w;
        w.add("low", "BTC", "dca");
        w.add("high", "BTC", "dca");
        w.add("both", "BTC", "grid");
        w.sleep("low", band(90, std::nullopt));
        w.sleep("high", band(std::nullopt, 110));
        w.sleep("both", band(95, 105));
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), w.sleeping());
        CPPUNIT_ASSERT_EQUAL(std::string(""), joined(w.due("BTC", 100, 1)));
        CPPUNIT_ASSERT_EQUAL(std::string(""), joined(w.due("BTC", 96, 2)));
        CPPUNIT_ASSERT_EQUAL(std::string("both"), joined(w.due("BTC", 95, 3)));
        // Woken stays awake: due on the next price too, even back inside its band.
        CPPUNIT_ASSERT_EQUAL(std::string("both"), joined(w.due("BTC", 100, 4)));
        CPPUNIT_ASSERT(!w.asleep("both"));
        CPPUNIT_ASSERT_EQUAL(std::string("both,high"), joined(w.due("BTC", 110, 5)));
        CPPUNIT_ASSERT_EQUAL(std::string("both,high,low"), joined(w.due("BTC", 90, 6)));
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), w.sleeping());
    }

    void testATimeWakesTheFirstTickAtOrAfterIt() {
        WakeIndex w;
        w.add("cool", "BTC", "dca");
        w.sleep("cool", band(50, std::nullopt, 1000));
        CPPUNIT_ASSERT_EQUAL(std::string(""), joined(w.due("BTC", 100, 999)));
        CPPUNIT_ASSERT_EQUAL(std::string("cool"), joined(w.due("BTC", 100, 1000)));
        // Sleeping again replaces the band: the old time no longer wakes it.
        w.sleep("cool", band(50, std::nullopt, 5000));
        w.sleep("cool", band(50, std::nullopt, 9000));
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), w.sleeping());
        CPPUNIT_ASSERT_EQUAL(std::string(""), joined(w.due("BTC", 100, 6000)));
        CPPUNIT_ASSERT_EQUAL(std::string("cool"), joined(w.due("BTC", 50, 6001)));
    }

    void testABandWithoutBoundsSleepsUntilWoken() {
        WakeIndex w;
        w.add("grid", "BTC", "grid");
        w.sleep("grid", band(std::nullopt, std::nullopt));
        CPPUNIT_ASSERT_EQUAL(std::string(""), joined(w.due("BTC", 1, 1)));
        CPPUNIT_ASSERT_EQUAL(std::string(""), joined(w.due("BTC", INT64_MAX, INT64_MAX)));
        w.wake("grid");  // a fill or a control request
        CPPUNIT_ASSERT_EQUAL(std::string("grid"), joined(w.due("BTC", 1, 2)));
    }

    void testSymbolsAndProductsApart() {
        WakeIndex w;
        w.add("d1", "BTC", "dca");
        w.add("d2", "ETH", "dca");
        w.add("g1", "BTC", "grid");
        for (const char* id : {"d1", "d2", "g1"})
            w.sleep(id, band(10, 20));
        CPPUNIT_ASSERT_EQUAL(std::string(""), joined(w.due("ETH", 15, 1)));
        CPPUNIT_ASSERT_EQUAL(std::string("d2"), joined(w.due("ETH", 25, 1)));
        CPPUNIT_ASSERT(w.asleep("d1"));  // another symbol's price woke nobody here
        CPPUNIT_ASSERT_EQUAL(std::string("dca,grid"), joined(w.products()));
        w.wakeProduct("grid");
        CPPUNIT_ASSERT_EQUAL(std::string("g1"), joined(w.due("BTC", 15, 2)));
        CPPUNIT_ASSERT(w.asleep("d1"));
    }

    void testRemoveAndReAdd() {
        WakeIndex w;
        w.add("b", "BTC", "dca");
        w.sleep("b", band(10, 20, 30));
        w.remove("b");
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), w.sleeping());
        CPPUNIT_ASSERT(!w.hasBots("BTC"));
        CPPUNIT_ASSERT_EQUAL(std::string(""), joined(w.products()));
        CPPUNIT_ASSERT_EQUAL(std::string(""), joined(w.due("BTC", 5, 40)));
        // Added again (a resync), it is awake; adding moves it to another symbol.
        w.add("b", "BTC", "dca");
        w.sleep("b", band(10, 20));
        w.add("b", "ETH", "dca");
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), w.sleeping());
        CPPUNIT_ASSERT_EQUAL(std::string(""), joined(w.due("BTC", 5, 1)));
        CPPUNIT_ASSERT_EQUAL(std::string("b"), joined(w.due("ETH", 15, 1)));
        w.sleep("unknown", band(1, 2));  // ignored
        w.wake("unknown");
        w.remove("unknown");
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(WakeIndexTest);
