// Binance's wire format on recorded payloads: exchangeInfo → instruments and
// scales, stream messages → prices, ticker/price, error bodies, bad input.
#include "Wire.h"

#include <cppunit/extensions/HelperMacros.h>

#include <fstream>
#include <sstream>

using namespace bourse::binance;

namespace {
std::string fixture(const std::string& name) {
    std::ifstream in(std::string(BOURSE_BINANCE_FIXTURES) + "/" + name);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}
std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::stringstream s(text);
    for (std::string line; std::getline(s, line);)
        out.push_back(line);
    return out;
}
}  // namespace

class WireTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(WireTest);
    CPPUNIT_TEST(testExchangeInfoInstrumentsAndScales);
    CPPUNIT_TEST(testTickSizes);
    CPPUNIT_TEST(testStreamMessages);
    CPPUNIT_TEST(testTickerPricesAndErrors);
    CPPUNIT_TEST(testKlines);
    CPPUNIT_TEST_SUITE_END();

public:
    void testExchangeInfoInstrumentsAndScales() {
        std::vector<std::string> missing;
        const auto list =
            parseExchangeInfo(fixture("exchangeInfo.json"), {"BNBBTC", "BTCUSDT", "LUNAUSDT", "NOPEUSDT"}, missing);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), list.size());
        CPPUNIT_ASSERT_EQUAL(std::string("BNBBTC"), list[0].symbol);  // in the order asked
        CPPUNIT_ASSERT_EQUAL(6, list[0].priceScale);
        CPPUNIT_ASSERT_EQUAL(std::string("BNB/BTC"), list[0].name);
        CPPUNIT_ASSERT_EQUAL(2, list[1].priceScale);
        CPPUNIT_ASSERT_EQUAL(std::string("USDT"), list[1].quoteAsset);
        // LUNAUSDT is in BREAK (not trading), NOPEUSDT does not exist.
        CPPUNIT_ASSERT((missing == std::vector<std::string>{"LUNAUSDT", "NOPEUSDT"}));
        CPPUNIT_ASSERT_THROW(parseExchangeInfo("{\"timezone\":\"UTC\"}", {"BTCUSDT"}, missing), std::invalid_argument);
        CPPUNIT_ASSERT_THROW(parseExchangeInfo("<html>", {"BTCUSDT"}, missing), std::invalid_argument);
    }

    void testTickSizes() {
        CPPUNIT_ASSERT_EQUAL(2, scaleOfTickSize("0.01000000"));
        CPPUNIT_ASSERT_EQUAL(6, scaleOfTickSize("0.00000100"));
        CPPUNIT_ASSERT_EQUAL(0, scaleOfTickSize("1.00000000"));
        CPPUNIT_ASSERT_EQUAL(1, scaleOfTickSize("0.5"));
        CPPUNIT_ASSERT_THROW(scaleOfTickSize("0.00000000"), std::invalid_argument);
    }

    void testStreamMessages() {
        const auto msgs = lines(fixture("stream_messages.jsonl"));
        const auto trade = parseStreamMessage(msgs[0]);
        CPPUNIT_ASSERT(trade.kind == StreamEvent::Kind::Price);
        CPPUNIT_ASSERT_EQUAL(std::string("BTCUSDT"), trade.symbol);
        CPPUNIT_ASSERT_EQUAL(std::string("65012.34000000"), trade.price);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1795400000120), trade.timeMs);  // trade time, not event time
        const auto book = parseStreamMessage(msgs[1]);
        CPPUNIT_ASSERT_EQUAL(std::string("ETHUSDT"), book.symbol);
        CPPUNIT_ASSERT_EQUAL(std::string("3500.115000000"), book.price);  // exact mid, no event time
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), book.timeMs);
        const auto kline = parseStreamMessage(msgs[2]);
        CPPUNIT_ASSERT_EQUAL(std::string("0.00901200"), kline.price);
        CPPUNIT_ASSERT(parseStreamMessage(msgs[3]).kind == StreamEvent::Kind::Shutdown);
        CPPUNIT_ASSERT(parseStreamMessage(msgs[4]).kind == StreamEvent::Kind::Other);  // a SUBSCRIBE reply
        CPPUNIT_ASSERT_THROW(parseStreamMessage(msgs[5]), std::invalid_argument);      // cut short
        CPPUNIT_ASSERT_THROW(parseStreamMessage(R"({"stream":"btcusdt@trade","data":{"s":"BTCUSDT"}})"),
                             std::invalid_argument);
        CPPUNIT_ASSERT(parseStreamMessage(R"({"stream":"btcusdt@depth","data":{"s":"BTCUSDT"}})").kind ==
                       StreamEvent::Kind::Other);
    }

    void testTickerPricesAndErrors() {
        const auto prices = parseTickerPrices(
            R"([{"symbol":"BTCUSDT","price":"65000.01000000"},{"symbol":"ETHUSDT","price":"3500.00000000"}])");
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), prices.size());
        CPPUNIT_ASSERT_EQUAL(std::string("65000.01000000"), prices[0].price);
        CPPUNIT_ASSERT_THROW(parseTickerPrices(R"({"symbol":"BTCUSDT","price":"1"})"), std::invalid_argument);
        CPPUNIT_ASSERT_EQUAL(std::string("Invalid symbol. (code -1121, HTTP 400)"),
                             describeError(400, R"({"code":-1121,"msg":"Invalid symbol."})"));
        CPPUNIT_ASSERT_EQUAL(std::string("HTTP 502: <html>bad gateway</html>"),
                             describeError(502, "<html>bad gateway</html>"));
    }

    void testKlines() {
        const auto k = parseKlines(fixture("klines.json"));
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), k.size());
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1763856060000), k[1].openMs);
        CPPUNIT_ASSERT_EQUAL(std::string("86533.99000000"), k[1].open);
        CPPUNIT_ASSERT_EQUAL(std::string("86580.10000000"), k[1].high);
        CPPUNIT_ASSERT_EQUAL(std::string("86530.00000000"), k[1].low);
        CPPUNIT_ASSERT_EQUAL(std::string("86577.35000000"), k[1].close);
        CPPUNIT_ASSERT_EQUAL(std::string("9.81244000"), k[1].volume);
        CPPUNIT_ASSERT(parseKlines("[]").empty());
        for (const char* bad :
             {R"({"code":-1121,"msg":"Invalid symbol."})", R"([[1,"1","1","1"]])", R"([[1,1.5,"1","1","1","1"]])",
              R"([["x","1","1","1","1","1"]])", R"([[2,"1","1","1","1","1"],[1,"1","1","1","1","1"]])", "[[1,"}) {
            CPPUNIT_ASSERT_THROW_MESSAGE(bad, parseKlines(bad), std::invalid_argument);
        }
        CPPUNIT_ASSERT_EQUAL(std::string("1m"), klineInterval(60));
        CPPUNIT_ASSERT_EQUAL(std::string("1h"), klineInterval(3600));
        CPPUNIT_ASSERT_EQUAL(std::string(""), klineInterval(7));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(WireTest);
