// The paper fill model: when and at what price orders fill, fees, slippage,
// cancels and rejections, and the wallet it moves.
#include <bourse/bots/PaperExchange.h>

#include "Support.h"

using namespace bourse;
using namespace bourse::bots;
using namespace bourse::bots::test;

class PaperExchangeTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(PaperExchangeTest);
    CPPUNIT_TEST(testRestingLimitFillsAtItsPriceOnTouch);
    CPPUNIT_TEST(testMarketableLimitFillsAtLastPrice);
    CPPUNIT_TEST(testMarketOrdersPaySlippage);
    CPPUNIT_TEST(testMarketBuyByQuoteAmount);
    CPPUNIT_TEST(testCancelsAndRejections);
    CPPUNIT_TEST(testFillsInPlacementOrder);
    CPPUNIT_TEST(testNeedsAPrice);
    CPPUNIT_TEST_SUITE_END();

public:
    void testRestingLimitFillsAtItsPriceOnTouch() {
        PaperExchange ex(centsPair(), {D("10"), D("0")}, Wallet{100000, Decimal(0, 3)});
        CPPUNIT_ASSERT(ex.onPrice(D("100"), 0).empty());
        CPPUNIT_ASSERT(ex.submit(placeLimit("b1", Side::Buy, D("99"), D("1")), 0).empty());
        CPPUNIT_ASSERT(ex.submit(placeLimit("s1", Side::Sell, D("101"), D("0.5")), 0).empty());
        CPPUNIT_ASSERT(ex.onPrice(D("99.01"), sec(1)).empty());
        const std::vector<FillReport> buys = ex.onPrice(D("98"), sec(2));  // gapped through 99
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), buys.size());
        CPPUNIT_ASSERT_EQUAL(std::string("b1"), buys[0].clientId);
        CPPUNIT_ASSERT_EQUAL(D("99"), buys[0].price);
        CPPUNIT_ASSERT_EQUAL(D("1"), buys[0].qty);
        CPPUNIT_ASSERT(buys[0].done);
        CPPUNIT_ASSERT_EQUAL(sec(2), buys[0].ts);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(10), buys[0].feeMinor);            // 0.099 → 0.10
        const std::vector<FillReport> sells = ex.onPrice(D("101"), sec(3));  // touch is enough
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), sells.size());
        CPPUNIT_ASSERT_EQUAL(std::int64_t(6), sells[0].feeMinor);  // 50.50 × 0.1 % = 0.0505 → 0.06
        // 1000.00 − 99.00 − 0.10 + 50.50 − 0.06
        CPPUNIT_ASSERT_EQUAL(std::int64_t(100000 - 9900 - 10 + 5050 - 6), ex.wallet().quote);
        CPPUNIT_ASSERT_EQUAL(D("0.5"), ex.wallet().base);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(16), ex.feesPaid());
        CPPUNIT_ASSERT_EQUAL(ex.wallet().quote + 5000, ex.equity(D("100")));
    }

    void testMarketableLimitFillsAtLastPrice() {
        PaperExchange ex(centsPair(), {}, Wallet{100000, Decimal(0, 3)});
        ex.onPrice(D("100"), 0);
        const std::vector<FillReport> r = ex.submit(placeLimit("b", Side::Buy, D("101"), D("1")), 0);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), r.size());
        CPPUNIT_ASSERT_EQUAL(D("100"), r[0].price);
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), ex.openOrders());
    }

    void testMarketOrdersPaySlippage() {
        // 100.05 × 1.001 = 100.15005 → up to 100.16; × 0.999 = 99.94995 → down to 99.94.
        PaperExchange ex(centsPair(), {D("0"), D("10")}, Wallet{100000, Decimal(0, 3)});
        ex.onPrice(D("100.05"), 0);
        const std::vector<FillReport> buy = ex.submit(placeMarket("m1", Side::Buy, D("1")), 0);
        CPPUNIT_ASSERT_EQUAL(D("100.16"), buy[0].price);
        const std::vector<FillReport> sell = ex.submit(placeMarket("m2", Side::Sell, D("1")), 0);
        CPPUNIT_ASSERT_EQUAL(D("99.94"), sell[0].price);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(100000 - 10016 + 9994), ex.wallet().quote);
    }

    void testMarketBuyByQuoteAmount() {
        // 100.00 at 30.00 buys 3.333 (lot 0.001, down) for 99.99.
        PaperExchange ex(centsPair(), {}, Wallet{100000, Decimal(0, 3)});
        ex.onPrice(D("30"), 0);
        const std::vector<FillReport> r = ex.submit(placeMarketBuyQuote("q", 10000), 0);
        CPPUNIT_ASSERT_EQUAL(D("3.333"), r[0].qty);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(100000 - 9999), ex.wallet().quote);
    }

    void testCancelsAndRejections() {
        PaperExchange ex(centsPair(), {}, Wallet{100000, Decimal(0, 3)});
        ex.onPrice(D("100"), 0);
        ex.submit(placeLimit("b", Side::Buy, D("90"), D("1")), 0);
        std::vector<FillReport> r = ex.submit(cancelOrder("b"), sec(1));
        CPPUNIT_ASSERT(r.size() == 1 && r[0].done && r[0].qty.mantissa == 0 && r[0].clientId == "b");
        CPPUNIT_ASSERT(ex.submit(cancelOrder("b"), sec(1)).empty());         // already gone
        CPPUNIT_ASSERT(ex.submit(cancelOrder("nobody"), sec(1)).empty());    // never existed
        CPPUNIT_ASSERT(ex.onPrice(D("80"), sec(2)).empty());                 // the cancelled order stays cancelled
        r = ex.submit(placeLimit("b", Side::Buy, D("90"), D("1")), sec(3));  // id already used
        CPPUNIT_ASSERT(r.size() == 1 && r[0].done && r[0].qty.mantissa == 0);
        r = ex.submit(placeLimit("z", Side::Buy, D("90"), D("0")), sec(3));  // nothing to buy
        CPPUNIT_ASSERT(r.size() == 1 && r[0].done && r[0].qty.mantissa == 0);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(100000), ex.wallet().quote);
    }

    void testFillsInPlacementOrder() {
        PaperExchange ex(centsPair(), {}, Wallet{0, Decimal(2000, 3)});
        ex.onPrice(D("100"), 0);
        ex.submit(placeLimit("high", Side::Sell, D("102"), D("1")), 0);
        ex.submit(placeLimit("low", Side::Sell, D("101"), D("1")), 0);
        const std::vector<FillReport> r = ex.onPrice(D("103"), sec(1));
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), r.size());
        CPPUNIT_ASSERT_EQUAL(std::string("high"), r[0].clientId);
        CPPUNIT_ASSERT_EQUAL(std::string("low"), r[1].clientId);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(20300), ex.wallet().quote);
    }

    void testNeedsAPrice() {
        PaperExchange ex(centsPair(), {}, Wallet{});
        CPPUNIT_ASSERT_THROW(ex.submit(placeMarket("m", Side::Buy, D("1")), 0), std::logic_error);
        CPPUNIT_ASSERT_THROW(PaperExchange(centsPair(), {D("-1"), D("0")}, Wallet{}), std::invalid_argument);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(PaperExchangeTest);
