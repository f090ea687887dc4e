// PaperVenue's book: which resting orders a price executes (buys at or above
// it, sells at or below it, market orders always), oldest first, each once;
// and taking orders off by id or by bot.
#include "bots/PaperVenue.h"

#include <cppunit/extensions/HelperMacros.h>

using bourse::BotOrder;
using bourse::PaperVenue;

namespace {

BotOrder order(const std::string& bot, const std::string& id, const std::string& side, std::int64_t price,
               const std::string& type = "LIMIT", const std::string& symbol = "BTCUSDT") {
    BotOrder o;
    o.botId = bot;
    o.clientOrderId = id;
    o.symbol = symbol;
    o.side = side;
    o.type = type;
    o.price = price;
    o.qty = 1;
    return o;
}

std::string ids(const std::vector<BotOrder>& orders) {
    std::string out;
    for (const auto& o : orders)
        out += (out.empty() ? "" : ",") + o.clientOrderId;
    return out;
}

}  // namespace

class PaperVenueTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(PaperVenueTest);
    CPPUNIT_TEST(aPriceExecutesWhatItCrossesOldestFirst);
    CPPUNIT_TEST(ordersComeOffByIdAndByBot);
    CPPUNIT_TEST_SUITE_END();

public:
    void aPriceExecutesWhatItCrossesOldestFirst() {
        PaperVenue venue({});
        venue.add(order("a", "buy-99", "BUY", 9900));
        venue.add(order("a", "sell-101", "SELL", 10100));
        venue.add(order("b", "buy-100", "BUY", 10000));
        venue.add(order("b", "buy-98", "BUY", 9800));
        venue.add(order("c", "sell-100", "SELL", 10000));
        venue.add(order("c", "market", "SELL", 0, "MARKET"));
        venue.add(order("d", "other-symbol", "BUY", 20000, "LIMIT", "ETHUSDT"));
        // 100.00: the buy at 100 and the sell at 100 (at their limits), and the market order.
        CPPUNIT_ASSERT_EQUAL(std::string("buy-100,sell-100,market"), ids(venue.crossed("BTCUSDT", 10000)));
        CPPUNIT_ASSERT_EQUAL(std::size_t(4), venue.size());
        // Each executes once: the same price again finds nothing.
        CPPUNIT_ASSERT_EQUAL(std::string(""), ids(venue.crossed("BTCUSDT", 10000)));
        // A fall to 98.50 crosses the buy at 99 only; a jump to 102 the sell at 101.
        CPPUNIT_ASSERT_EQUAL(std::string("buy-99"), ids(venue.crossed("BTCUSDT", 9850)));
        CPPUNIT_ASSERT_EQUAL(std::string("sell-101"), ids(venue.crossed("BTCUSDT", 10200)));
        // A gap down through several buys: all of them, in the order they came.
        venue.add(order("e", "buy-97", "BUY", 9700));
        CPPUNIT_ASSERT_EQUAL(std::string("buy-98,buy-97"), ids(venue.crossed("BTCUSDT", 9000)));
        CPPUNIT_ASSERT_EQUAL(std::string(""), ids(venue.crossed("NOPE", 1)));
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), venue.size());
    }

    void ordersComeOffByIdAndByBot() {
        PaperVenue venue({});
        venue.add(order("a", "x1", "BUY", 9900));
        venue.add(order("a", "x2", "SELL", 10100));
        venue.add(order("b", "x1", "BUY", 9900));  // the same client id in another bot
        venue.add(order("a", "m", "BUY", 0, "MARKET", "ETHUSDT"));
        CPPUNIT_ASSERT(venue.remove("a", "x1"));
        CPPUNIT_ASSERT(!venue.remove("a", "x1"));
        CPPUNIT_ASSERT(!venue.remove("a", "unknown"));
        venue.removeBot("a");
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), venue.size());
        // Only b's order is left, at its price.
        CPPUNIT_ASSERT_EQUAL(std::string("x1"), ids(venue.crossed("BTCUSDT", 9900)));
        CPPUNIT_ASSERT_EQUAL(std::string(""), ids(venue.crossed("ETHUSDT", 1)));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(PaperVenueTest);
