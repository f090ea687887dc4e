// Exact decimals and the symbol filters applied before sending: the client must
// round what can be rounded (price to tick, quantity DOWN to step) and refuse,
// naming the filter, what Binance would reject with -1013.
#include "venues/binance/Fixed8.h"
#include "venues/binance/SymbolFilters.h"

#include <cppunit/extensions/HelperMacros.h>

#include <fstream>
#include <sstream>

using namespace bourse::venues::binance;

namespace {

Fixed8 d(const char* text) {
    const auto v = Fixed8::parse(text);
    if (!v) throw std::invalid_argument(std::string("bad decimal in test: ") + text);
    return *v;
}

std::string fixture(const std::string& name) {
    std::ifstream in(std::string(BOURSE_BINANCE_SPOT_FIXTURES) + "/" + name);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

OrderRequest limit(const char* symbol, Side side, const char* price, const char* qty) {
    OrderRequest o;
    o.symbol = symbol;
    o.side = side;
    o.type = OrderType::Limit;
    o.price = d(price);
    o.quantity = d(qty);
    o.clientOrderId = "t-1";
    return o;
}

OrderRequest market(const char* symbol, Side side, const char* qty, const char* quote) {
    OrderRequest o;
    o.symbol = symbol;
    o.side = side;
    o.type = OrderType::Market;
    o.quantity = d(qty);
    o.quoteQuantity = d(quote);
    o.clientOrderId = "t-2";
    return o;
}

}  // namespace

class FiltersTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(FiltersTest);
    CPPUNIT_TEST(testFixed8ParseAndPrint);
    CPPUNIT_TEST(testFixed8Rounding);
    CPPUNIT_TEST(testFixed8Arithmetic);
    CPPUNIT_TEST(testParseExchangeInfo);
    CPPUNIT_TEST(testLimitRoundsPriceToTickAndQuantityDown);
    CPPUNIT_TEST(testLotSizeRefusals);
    CPPUNIT_TEST(testPriceFilterRefusals);
    CPPUNIT_TEST(testNotionalRefusalNamesTheFilter);
    CPPUNIT_TEST(testLegacyMinNotional);
    CPPUNIT_TEST(testMarketOrders);
    CPPUNIT_TEST(testMalformedOrdersAndStatus);
    CPPUNIT_TEST_SUITE_END();

public:
    void testFixed8ParseAndPrint() {
        CPPUNIT_ASSERT_EQUAL(std::int64_t(100'000), d("0.001").units());
        CPPUNIT_ASSERT_EQUAL(std::int64_t(6'500'012'000'000), d("65000.12000000").units());
        CPPUNIT_ASSERT_EQUAL(std::int64_t(-150'000'000), d("-1.5").units());
        CPPUNIT_ASSERT_EQUAL(std::string("0.001"), d("0.00100000").str());
        CPPUNIT_ASSERT_EQUAL(std::string("65000"), d("65000.00").str());
        CPPUNIT_ASSERT_EQUAL(std::string("0.00100000"), d("0.001").str8());
        CPPUNIT_ASSERT_EQUAL(std::string("0"), d("0").str());
        // Binance's int64 ceiling: 92233720368.54775807.
        CPPUNIT_ASSERT(Fixed8::parse("92233720368.54775807").has_value());
        CPPUNIT_ASSERT(!Fixed8::parse("92233720368.54775808").has_value());
        CPPUNIT_ASSERT(!Fixed8::parse("0.000000001").has_value());  // below 1e-8: not representable
        CPPUNIT_ASSERT(Fixed8::parse("1.0000000000").has_value());  // zeros beyond 8 decimals are fine
        for (const char* bad : {"", ".", "1.", ".5", "1e5", "+1", "1.2.3", "abc", " 1"})
            CPPUNIT_ASSERT_MESSAGE(bad, !Fixed8::parse(bad).has_value());
        // The kernel's mantissa/scale pairs, exactly.
        CPPUNIT_ASSERT(Fixed8::fromScaled(6'500'012, 2) == d("65000.12"));
        CPPUNIT_ASSERT(Fixed8::fromScaled(123, 10) == std::nullopt);  // would lose digits
        CPPUNIT_ASSERT(Fixed8::fromScaled(12'300, 10) == d("0.00000123"));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(6'500'012), *d("65000.123").toScaled(2));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(6'500'013), *d("65000.123").toScaled(2, true));
    }

    void testFixed8Rounding() {
        const Fixed8 tick = d("0.01");
        CPPUNIT_ASSERT(d("101.234").nearestTo(tick) == d("101.23"));
        CPPUNIT_ASSERT(d("101.235").nearestTo(tick) == d("101.24"));  // half away from zero
        CPPUNIT_ASSERT(d("101.239").floorTo(tick) == d("101.23"));
        CPPUNIT_ASSERT(d("101.231").ceilTo(tick) == d("101.24"));
        CPPUNIT_ASSERT(d("-1.5").nearestTo(d("1")) == d("-2"));
        CPPUNIT_ASSERT(d("-1.4").nearestTo(d("1")) == d("-1"));
        CPPUNIT_ASSERT(d("-1.4").floorTo(d("1")) == d("-2"));
        CPPUNIT_ASSERT(d("5").floorTo(Fixed8{}) == d("5"));  // step 0: rule disabled
        CPPUNIT_ASSERT(d("0.00123").multipleOf(d("0.00001")));
        CPPUNIT_ASSERT(!d("0.001234").multipleOf(d("0.00001")));
    }

    void testFixed8Arithmetic() {
        CPPUNIT_ASSERT(*Fixed8::mul(d("65000.12"), d("0.00123")) == d("79.9501476"));
        CPPUNIT_ASSERT(*Fixed8::mul(d("0.00000001"), d("0.5")) == d("0"));
        CPPUNIT_ASSERT(*Fixed8::mul(d("0.00000001"), d("0.5"), true) == d("0.00000001"));
        CPPUNIT_ASSERT(*Fixed8::div(d("100"), d("3")) == d("33.33333333"));
        CPPUNIT_ASSERT(*Fixed8::div(d("100"), d("3"), true) == d("33.33333334"));
        CPPUNIT_ASSERT(!Fixed8::div(d("1"), Fixed8{}).has_value());
        CPPUNIT_ASSERT(!Fixed8::mul(d("92233720368"), d("2")).has_value());  // overflow reported, not wrapped
        // Beyond int64 in the middle of the computation, but the result fits.
        CPPUNIT_ASSERT(*Fixed8::mul(d("90000000000"), d("0.5")) == d("45000000000"));
    }

    void testParseExchangeInfo() {
        const auto all = parseExchangeInfo(fixture("rest_exchangeInfo_spot.json"));
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), all.size());
        const auto& btc = all.at("BTCUSDT");
        CPPUNIT_ASSERT_EQUAL(std::string("BTC"), btc.baseAsset);
        CPPUNIT_ASSERT_EQUAL(std::string("USDT"), btc.quoteAsset);
        CPPUNIT_ASSERT(btc.tickSize == d("0.01"));
        CPPUNIT_ASSERT(btc.stepSize == d("0.00001"));
        CPPUNIT_ASSERT(btc.minQty == d("0.00001"));
        CPPUNIT_ASSERT(btc.marketMaxQty == d("104.8"));
        CPPUNIT_ASSERT_EQUAL(std::string("NOTIONAL"), btc.notionalFilter);
        CPPUNIT_ASSERT(btc.minNotional == d("5"));
        CPPUNIT_ASSERT(btc.maxNotional == d("9000000"));
        CPPUNIT_ASSERT_EQUAL(std::string("MIN_NOTIONAL"), all.at("LTCBTC").notionalFilter);
        CPPUNIT_ASSERT(!all.at("LTCBTC").quoteOrderQtyMarketAllowed);
        CPPUNIT_ASSERT_EQUAL(std::string("BREAK"), all.at("HALTUSDT").status);
        CPPUNIT_ASSERT_THROW(parseExchangeInfo("{\"symbols\":"), std::invalid_argument);
        CPPUNIT_ASSERT_THROW(parseExchangeInfo("{}"), std::invalid_argument);
    }

    void testLimitRoundsPriceToTickAndQuantityDown() {
        const auto btc = parseExchangeInfo(fixture("rest_exchangeInfo_spot.json")).at("BTCUSDT");
        const auto r = btc.apply(limit("BTCUSDT", Side::Buy, "64999.996", "0.0012345"));
        CPPUNIT_ASSERT_MESSAGE(r.ok() ? "" : r.error().describe(), r.ok());
        CPPUNIT_ASSERT_EQUAL(std::string("65000"), r.value().price.str());
        CPPUNIT_ASSERT_EQUAL(std::string("0.00123"), r.value().quantity.str());  // never more than asked
        CPPUNIT_ASSERT_EQUAL(std::string("t-1"), r.value().clientOrderId);
    }

    void testLotSizeRefusals() {
        const auto btc = parseExchangeInfo(fixture("rest_exchangeInfo_spot.json")).at("BTCUSDT");
        const auto tooSmall = btc.apply(limit("BTCUSDT", Side::Buy, "65000", "0.000009"));
        CPPUNIT_ASSERT(!tooSmall.ok());
        CPPUNIT_ASSERT(tooSmall.error().kind == ErrorKind::LocalFilter);
        CPPUNIT_ASSERT_EQUAL(-1013, tooSmall.error().code);
        CPPUNIT_ASSERT_EQUAL(0, tooSmall.error().httpStatus);
        CPPUNIT_ASSERT_MESSAGE(tooSmall.error().message,
                               tooSmall.error().message.rfind("Filter failure: LOT_SIZE: quantity 0.000009", 0) == 0);
        CPPUNIT_ASSERT(tooSmall.error().message.find("minQty 0.00001") != std::string::npos);
        const auto tooBig = btc.apply(limit("BTCUSDT", Side::Sell, "65000", "9000.00001"));
        CPPUNIT_ASSERT(tooBig.error().message.find("LOT_SIZE") != std::string::npos);
        CPPUNIT_ASSERT(tooBig.error().message.find("above maxQty 9000") != std::string::npos);
    }

    void testPriceFilterRefusals() {
        const auto btc = parseExchangeInfo(fixture("rest_exchangeInfo_spot.json")).at("BTCUSDT");
        const auto zero = btc.apply(limit("BTCUSDT", Side::Buy, "0.004", "1"));  // rounds to 0.00
        CPPUNIT_ASSERT(zero.error().message.rfind("Filter failure: PRICE_FILTER", 0) == 0);
        const auto high = btc.apply(limit("BTCUSDT", Side::Buy, "1000000.01", "0.001"));
        CPPUNIT_ASSERT(high.error().message.rfind("Filter failure: PRICE_FILTER", 0) == 0);
        CPPUNIT_ASSERT(high.error().message.find("maxPrice 1000000") != std::string::npos);
    }

    void testNotionalRefusalNamesTheFilter() {
        const auto btc = parseExchangeInfo(fixture("rest_exchangeInfo_spot.json")).at("BTCUSDT");
        // 0.00007 × 65000 = 4.55 < 5
        const auto small = btc.apply(limit("BTCUSDT", Side::Buy, "65000", "0.00007"));
        CPPUNIT_ASSERT(small.error().kind == ErrorKind::LocalFilter);
        CPPUNIT_ASSERT_MESSAGE(
            small.error().message,
            small.error().message == "Filter failure: NOTIONAL: notional 4.55 is below minNotional 5");
        // 0.00008 × 65000 = 5.2: fine
        CPPUNIT_ASSERT(btc.apply(limit("BTCUSDT", Side::Buy, "65000", "0.00008")).ok());
        // The check uses the ROUNDED values: 0.000079 rounds down to 0.00007 → 4.55.
        CPPUNIT_ASSERT(!btc.apply(limit("BTCUSDT", Side::Buy, "65000", "0.000079")).ok());
        const auto huge = btc.apply(limit("BTCUSDT", Side::Buy, "1000000", "9.1"));
        CPPUNIT_ASSERT(huge.error().message.find("above maxNotional 9000000") != std::string::npos);
    }

    void testLegacyMinNotional() {
        const auto ltc = parseExchangeInfo(fixture("rest_exchangeInfo_spot.json")).at("LTCBTC");
        const auto r = ltc.apply(limit("LTCBTC", Side::Buy, "0.000050", "1"));  // 0.00005 < 0.0001
        CPPUNIT_ASSERT(r.error().message.rfind("Filter failure: MIN_NOTIONAL", 0) == 0);
        CPPUNIT_ASSERT(ltc.apply(limit("LTCBTC", Side::Buy, "0.000100", "1")).ok());
    }

    void testMarketOrders() {
        auto btc = parseExchangeInfo(fixture("rest_exchangeInfo_spot.json")).at("BTCUSDT");
        // quoteOrderQty: the amount IS the notional.
        const auto quote = btc.apply(market("BTCUSDT", Side::Buy, "0", "4.99"));
        CPPUNIT_ASSERT(quote.error().message.rfind("Filter failure: NOTIONAL", 0) == 0);
        CPPUNIT_ASSERT(btc.apply(market("BTCUSDT", Side::Buy, "0", "25.12345678")).ok());
        // ... cut down to the quote asset's precision.
        btc.quoteAssetPrecision = 2;
        CPPUNIT_ASSERT_EQUAL(std::string("25.12"),
                             btc.apply(market("BTCUSDT", Side::Buy, "0", "25.129")).value().quoteQuantity.str());
        // quantity: rounded down to the step; the notional needs a reference price to be checked here.
        const auto qty = btc.apply(market("BTCUSDT", Side::Sell, "0.0012345", "0"));
        CPPUNIT_ASSERT_EQUAL(std::string("0.00123"), qty.value().quantity.str());
        auto small = market("BTCUSDT", Side::Sell, "0.00001", "0");
        CPPUNIT_ASSERT(btc.apply(small).ok());  // unknown notional: left to Binance
        small.referencePrice = d("65000");
        CPPUNIT_ASSERT(btc.apply(small).error().message.rfind("Filter failure: NOTIONAL", 0) == 0);
        // MARKET_LOT_SIZE caps market quantities (104.8 here) below LOT_SIZE's 9000.
        const auto big = btc.apply(market("BTCUSDT", Side::Sell, "105", "0"));
        CPPUNIT_ASSERT(big.error().message.rfind("Filter failure: MARKET_LOT_SIZE", 0) == 0);
        CPPUNIT_ASSERT(btc.apply(limit("BTCUSDT", Side::Sell, "65000", "105")).ok());
    }

    void testMalformedOrdersAndStatus() {
        const auto all = parseExchangeInfo(fixture("rest_exchangeInfo_spot.json"));
        const auto& btc = all.at("BTCUSDT");
        const auto noPrice = btc.apply(limit("BTCUSDT", Side::Buy, "0", "1"));
        CPPUNIT_ASSERT(noPrice.error().kind == ErrorKind::LocalInvalid);
        auto both = market("BTCUSDT", Side::Buy, "0.001", "10");
        CPPUNIT_ASSERT(btc.apply(both).error().kind == ErrorKind::LocalInvalid);
        auto withPrice = market("BTCUSDT", Side::Buy, "0.001", "0");
        withPrice.price = d("65000");
        CPPUNIT_ASSERT(btc.apply(withPrice).error().kind == ErrorKind::LocalInvalid);
        CPPUNIT_ASSERT(all.at("LTCBTC").apply(market("LTCBTC", Side::Buy, "0", "0.01")).error().kind ==
                       ErrorKind::LocalInvalid);  // quoteOrderQtyMarketAllowed false
        const auto halted = all.at("HALTUSDT").apply(limit("HALTUSDT", Side::Buy, "1", "1"));
        CPPUNIT_ASSERT(halted.error().kind == ErrorKind::LocalInvalid);
        CPPUNIT_ASSERT(halted.error().message.find("BREAK") != std::string::npos);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(FiltersTest);
