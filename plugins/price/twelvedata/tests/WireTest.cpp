// Twelve Data's wire format on recorded payloads (fixtures/, shaped as the
// docs show them): error bodies whatever the HTTP status, /price single and
// batch, /time_series in either order, stream events with JSON-number prices
// read exactly, and the text helpers requests are built with.
#include "Wire.h"

#include <bourse/decimal.hpp>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <cppunit/extensions/HelperMacros.h>

#include <fstream>
#include <sstream>

using namespace bourse::twelvedata;

namespace {

std::string fixture(const std::string& name) {
    std::ifstream in(std::string(BOURSE_TWELVEDATA_FIXTURES) + "/" + name);
    if (!in) throw std::runtime_error("missing fixture " + name);
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

/// The published text of a price at a scale, as the plugin computes it.
std::string rounded(const std::string& text, int scale) {
    return bourse::Decimal::parse(text).rounded(scale).toString();
}

}  // namespace

class WireTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(WireTest);
    CPPUNIT_TEST(testEveryErrorShapeWhateverTheHttpStatus);
    CPPUNIT_TEST(testNonJsonReplies);
    CPPUNIT_TEST(testSingleAndBatchPrices);
    CPPUNIT_TEST(testBatchWithPerSymbolErrors);
    CPPUNIT_TEST(testTimeSeriesOldestFirstWithoutNullRows);
    CPPUNIT_TEST(testTimeSeriesVolumeAndDailyRows);
    CPPUNIT_TEST(testStreamEvents);
    CPPUNIT_TEST(testJsonNumbersReadExactly);
    CPPUNIT_TEST(testRawMember);
    CPPUNIT_TEST(testUtcDateTimes);
    CPPUNIT_TEST(testRequestHelpers);
    CPPUNIT_TEST_SUITE_END();

public:
    void testEveryErrorShapeWhateverTheHttpStatus() {
        const std::vector<std::pair<std::string, int>> cases = {
            {"rest_error_400_interval.json", 400}, {"rest_error_400_no_data.json", 400}, {"rest_error_401.json", 401},
            {"rest_error_403.json", 403},          {"rest_error_404.json", 404},         {"rest_error_414.json", 414},
            {"rest_error_429_minute.json", 429},   {"rest_error_429_day.json", 429},     {"rest_error_500.json", 500}};
        for (const auto& [file, code] : cases) {
            const std::string body = fixture(file);
            // The same body with its own status and with HTTP 200: the body decides.
            for (const int http : {code, 200}) {
                const auto e = replyError(http, body);
                CPPUNIT_ASSERT_MESSAGE(file, e.has_value());
                CPPUNIT_ASSERT_EQUAL_MESSAGE(file, code, e->code);
                CPPUNIT_ASSERT_MESSAGE(file, !e->message.empty());
            }
        }
        CPPUNIT_ASSERT(isNoData(*replyError(400, fixture("rest_error_400_no_data.json"))));
        CPPUNIT_ASSERT(!isNoData(*replyError(400, fixture("rest_error_400_interval.json"))));
        CPPUNIT_ASSERT(isSymbolError(*replyError(404, fixture("rest_error_404.json"))));
        CPPUNIT_ASSERT(isSymbolError(*replyError(403, fixture("rest_error_403.json"))));
        CPPUNIT_ASSERT(isSymbolError(ApiError{400, "**symbol** or **figi** parameter is missing or invalid."}));
        CPPUNIT_ASSERT(
            !isSymbolError(*replyError(400, fixture("rest_error_400_interval.json"))));  // not the symbol's fault
        CPPUNIT_ASSERT(!isSymbolError(*replyError(500, fixture("rest_error_500.json"))));
        CPPUNIT_ASSERT(isDailyLimit(*replyError(200, fixture("rest_error_429_day.json"))));
        CPPUNIT_ASSERT(!isDailyLimit(*replyError(200, fixture("rest_error_429_minute.json"))));
        const std::string d = describe(*replyError(401, fixture("rest_error_401.json")));
        CPPUNIT_ASSERT_MESSAGE(d, d.size() <= 215 && d.find("(code 401)") != std::string::npos);
        CPPUNIT_ASSERT(d.rfind("**apikey** parameter is incorrect", 0) == 0);
        // Usable replies.
        CPPUNIT_ASSERT(!replyError(200, fixture("rest_price_single.json")).has_value());
        CPPUNIT_ASSERT(!replyError(200, fixture("rest_time_series_crypto_asc.json")).has_value());
        // "status":"ok" and per-symbol errors inside a batch are not a failed request.
        CPPUNIT_ASSERT(!replyError(200, fixture("rest_price_batch_partial.json")).has_value());
    }

    void testNonJsonReplies() {
        const auto gateway = replyError(502, "<html>bad gateway</html>");
        CPPUNIT_ASSERT(gateway.has_value());
        CPPUNIT_ASSERT_EQUAL(502, gateway->code);
        CPPUNIT_ASSERT_EQUAL(std::string("<html>bad gateway</html>"), gateway->message);
        const auto bare = replyError(503, R"({"oops":true})");  // JSON, but not Twelve Data's error shape
        CPPUNIT_ASSERT_EQUAL(503, bare->code);
        CPPUNIT_ASSERT_THROW(replyError(200, R"({"price":"1.0)"), std::invalid_argument);  // cut short
        CPPUNIT_ASSERT_THROW(replyError(200, "[1,2]"), std::invalid_argument);
        CPPUNIT_ASSERT_THROW(replyError(200, ""), std::invalid_argument);
    }

    void testSingleAndBatchPrices() {
        const auto one = parsePrices(fixture("rest_price_single.json"), {"AAPL"});
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), one.prices.size());
        CPPUNIT_ASSERT_EQUAL(std::string("AAPL"), one.prices[0].symbol);
        CPPUNIT_ASSERT_EQUAL(std::string("200.99001"), one.prices[0].price);

        const auto batch = parsePrices(fixture("rest_price_batch.json"), {"XAU/USD", "EUR/USD", "BTC/USD"});
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), batch.prices.size());
        CPPUNIT_ASSERT_EQUAL(std::string("XAU/USD"), batch.prices[0].symbol);  // in the order asked
        CPPUNIT_ASSERT_EQUAL(std::string("2301.45500"), batch.prices[0].price);
        CPPUNIT_ASSERT_EQUAL(std::string("60012.34567"), batch.prices[2].price);
        // Half-up from the text: a double would make 2301.455 into 2301.4549999... and round down.
        CPPUNIT_ASSERT_EQUAL(std::string("2301.46"), rounded(batch.prices[0].price, 2));
        CPPUNIT_ASSERT_EQUAL(std::string("60012.35"), rounded(batch.prices[2].price, 2));
        CPPUNIT_ASSERT_EQUAL(std::string("1.081"), rounded(batch.prices[1].price, 3));
        CPPUNIT_ASSERT_EQUAL(std::string("1.0812500"), rounded(batch.prices[1].price, 7));  // widened exactly

        const auto missing = parsePrices(fixture("rest_price_batch.json"), {"EUR/USD", "GBP/USD"});
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), missing.prices.size());
        CPPUNIT_ASSERT((missing.missing == std::vector<std::string>{"GBP/USD"}));

        CPPUNIT_ASSERT_THROW(parsePrices(R"({"price":200.99})", {"AAPL"}), std::invalid_argument);  // not a string
        CPPUNIT_ASSERT_THROW(parsePrices(R"({"prize":"1"})", {"AAPL"}), std::invalid_argument);
        CPPUNIT_ASSERT_THROW(parsePrices(R"({"A":{"price":"1"},"B":7})", {"A", "B"}), std::invalid_argument);
        CPPUNIT_ASSERT_THROW(parsePrices("[]", {"A", "B"}), std::invalid_argument);
    }

    void testBatchWithPerSymbolErrors() {
        const auto r = parsePrices(fixture("rest_price_batch_partial.json"), {"EUR/USD", "NOPE/USD", "SPX"});
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), r.prices.size());
        CPPUNIT_ASSERT_EQUAL(std::string("1.08125"), r.prices[0].price);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), r.failed.size());
        CPPUNIT_ASSERT_EQUAL(std::string("NOPE/USD"), r.failed[0].first);
        CPPUNIT_ASSERT_EQUAL(404, r.failed[0].second.code);
        CPPUNIT_ASSERT_EQUAL(std::string("SPX"), r.failed[1].first);
        CPPUNIT_ASSERT_EQUAL(403, r.failed[1].second.code);
        CPPUNIT_ASSERT(r.missing.empty());
    }

    void testTimeSeriesOldestFirstWithoutNullRows() {
        // Twelve Data's default order is newest first; the plugin asks asc but must not depend on it.
        const auto bars = parseTimeSeries(fixture("rest_time_series_forex_desc.json"));
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), bars.size());  // the 13:06 row has no data
        CPPUNIT_ASSERT_EQUAL(parseUtc("2026-08-10 13:05:00"), bars[0].openMs);
        CPPUNIT_ASSERT_EQUAL(parseUtc("2026-08-10 13:07:00"), bars[1].openMs);
        CPPUNIT_ASSERT_EQUAL(std::string("1.08101"), bars[0].open);
        CPPUNIT_ASSERT_EQUAL(std::string("1.08120"), bars[0].close);
        CPPUNIT_ASSERT_EQUAL(std::string(""), bars[0].volume);  // forex carries none
        CPPUNIT_ASSERT_THROW(parseTimeSeries(R"({"meta":{},"status":"ok"})"), std::invalid_argument);
        CPPUNIT_ASSERT_THROW(parseTimeSeries(R"({"values":[{"datetime":"10/08/2026","open":"1","high":"1",)"
                                             R"("low":"1","close":"1"}]})"),
                             std::invalid_argument);
        CPPUNIT_ASSERT_THROW(parseTimeSeries(R"({"values":[{"datetime":"2026-08-10","open":1.5,"high":"1",)"
                                             R"("low":"1","close":"1"}]})"),
                             std::invalid_argument);
    }

    void testTimeSeriesVolumeAndDailyRows() {
        const auto crypto = parseTimeSeries(fixture("rest_time_series_crypto_asc.json"));
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), crypto.size());
        CPPUNIT_ASSERT_EQUAL(std::int64_t(300'000), crypto[1].openMs - crypto[0].openMs);
        CPPUNIT_ASSERT_EQUAL(std::string("12.34500"), crypto[0].volume);
        const auto daily = parseTimeSeries(fixture("rest_time_series_daily.json"));
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), daily.size());
        CPPUNIT_ASSERT_EQUAL(std::string("2026-08-10 00:00:00"), formatUtc(daily[0].openMs));  // a date is midnight UTC
        CPPUNIT_ASSERT_EQUAL(std::int64_t(86'400'000), daily[1].openMs - daily[0].openMs);
        CPPUNIT_ASSERT_EQUAL(std::string("2311.46"), rounded(daily[1].close, 2));
    }

    void testStreamEvents() {
        const auto msgs = lines(fixture("ws_events.jsonl"));
        CPPUNIT_ASSERT_EQUAL(std::size_t(10), msgs.size());
        const auto ok = parseStreamMessage(msgs[0]);
        CPPUNIT_ASSERT(ok.kind == StreamEvent::Kind::SubscribeStatus);
        CPPUNIT_ASSERT_EQUAL(std::string("ok"), ok.status);
        CPPUNIT_ASSERT((ok.subscribed == std::vector<std::string>{"AAPL", "EUR/USD"}));
        CPPUNIT_ASSERT(ok.failed.empty());

        const auto warning = parseStreamMessage(msgs[1]);
        CPPUNIT_ASSERT_EQUAL(std::string("warning"), warning.status);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), warning.failed.size());
        CPPUNIT_ASSERT_EQUAL(std::string("SPX"), warning.failed[0].first);
        CPPUNIT_ASSERT_EQUAL(std::string("not available with your plan"), warning.failed[0].second);
        CPPUNIT_ASSERT_EQUAL(std::string("NOPE/USD"), warning.failed[1].first);

        const auto error = parseStreamMessage(msgs[2]);
        CPPUNIT_ASSERT_EQUAL(std::string("error"), error.status);
        CPPUNIT_ASSERT((error.messages == std::vector<std::string>{"Invalid JSON was provided"}));

        const auto aapl = parseStreamMessage(msgs[3]);
        CPPUNIT_ASSERT(aapl.kind == StreamEvent::Kind::Price);
        CPPUNIT_ASSERT_EQUAL(std::string("AAPL"), aapl.symbol);
        CPPUNIT_ASSERT_EQUAL(std::string("342.0157"), aapl.price);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1592249566), aapl.timestampS);
        CPPUNIT_ASSERT_EQUAL(std::string("1925.18"), parseStreamMessage(msgs[4]).price);  // the price, not bid/ask

        const auto beat = parseStreamMessage(msgs[5]);
        CPPUNIT_ASSERT(beat.kind == StreamEvent::Kind::Heartbeat);
        CPPUNIT_ASSERT_EQUAL(std::string("ok"), beat.status);

        CPPUNIT_ASSERT_EQUAL(std::string("60012.345"), parseStreamMessage(msgs[6]).price);  // 6.0012345E4
        // 1.081235 is 1.08123499999... as a double; read from the text it rounds half-up to 1.08124.
        const auto eur = parseStreamMessage(msgs[7]);
        CPPUNIT_ASSERT_EQUAL(std::string("1.081235"), eur.price);
        CPPUNIT_ASSERT_EQUAL(std::string("1.08124"), rounded(eur.price, 5));
        CPPUNIT_ASSERT(parseStreamMessage(msgs[8]).kind == StreamEvent::Kind::Other);
        CPPUNIT_ASSERT_THROW(parseStreamMessage(msgs[9]), std::invalid_argument);  // cut short
        CPPUNIT_ASSERT_THROW(parseStreamMessage(R"({"event":"price","price":1.2})"), std::invalid_argument);
        // A string price is taken as written (the plugin's Decimal::parse judges it).
        CPPUNIT_ASSERT_EQUAL(std::string("1.5"),
                             parseStreamMessage(R"({"event":"price","symbol":"A","price":"1.5"})").price);
    }

    void testJsonNumbersReadExactly() {
        const std::vector<std::pair<std::string, std::string>> cases = {{"1925.18", "1925.18"},
                                                                        {"0", "0"},
                                                                        {"-0", "0"},
                                                                        {"-1.5", "-1.5"},
                                                                        {"1.50", "1.50"},
                                                                        {"1.5e3", "1500"},
                                                                        {"6.0012345E4", "60012.345"},
                                                                        {"2E-2", "0.02"},
                                                                        {"1e0", "1"},
                                                                        {"123e-5", "0.00123"},
                                                                        {"10E+1", "100"},
                                                                        {"0.000001", "0.000001"},
                                                                        {"1.0812350000000001", "1.0812350000000001"}};
        for (const auto& [in, out] : cases)
            CPPUNIT_ASSERT_EQUAL_MESSAGE(in, out, decimalOfJsonNumber(in));
        for (const char* bad : {"", "-", "01", "1.", ".5", "1e", "1e+", "0x10", "1.5.2", "NaN", "1e41", "\"1\"", "+1"})
            CPPUNIT_ASSERT_THROW_MESSAGE(bad, decimalOfJsonNumber(bad), std::invalid_argument);
    }

    void testRawMember() {
        const std::string j =
            R"({"event":"price","meta":{"price":1},"note":"a \"price\":2 } here","list":[1,{"x":[2]}],"price":342.0157,"t":1})";
        CPPUNIT_ASSERT_EQUAL(std::string("342.0157"), *rawMember(j, "price"));  // not the nested or quoted ones
        CPPUNIT_ASSERT_EQUAL(std::string("\"price\""), *rawMember(j, "event"));
        CPPUNIT_ASSERT_EQUAL(std::string("1"), *rawMember(j, "t"));
        CPPUNIT_ASSERT(!rawMember(j, "bid").has_value());
        CPPUNIT_ASSERT(!rawMember("{}", "price").has_value());
        CPPUNIT_ASSERT_EQUAL(std::string("1.5"), *rawMember(" { \"price\" : 1.5 } ", "price"));
        CPPUNIT_ASSERT_THROW(rawMember("[1]", "price"), std::invalid_argument);
        CPPUNIT_ASSERT_THROW(rawMember(R"({"a":"unterminated)", "price"), std::invalid_argument);
    }

    void testUtcDateTimes() {
        CPPUNIT_ASSERT_EQUAL(std::string("1970-01-01 00:00:00"), formatUtc(0));
        CPPUNIT_ASSERT_EQUAL(std::string("2024-02-29 23:59:59"), formatUtc(1'709'251'199'000));
        CPPUNIT_ASSERT_EQUAL(std::string("2023-11-14 22:13:20"), formatUtc(1'700'000'000'999));  // ms dropped
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1'709'251'199'000), parseUtc("2024-02-29 23:59:59"));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1'709'164'800'000), parseUtc("2024-02-29"));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(946'684'799'000), parseUtc("1999-12-31T23:59:59"));
        for (std::int64_t ms : {0LL, 951'782'400'000LL, 4'102'444'800'000LL, 1'795'400'000'000LL})
            CPPUNIT_ASSERT_EQUAL(ms, parseUtc(formatUtc(ms)));
        for (const char* bad : {"", "2024-13-01", "2024-02-29 24:00:00", "2024/02/29", "2024-02-29 1:00:00",
                                "2024-02-29 10:00", "yesterday"})
            CPPUNIT_ASSERT_THROW_MESSAGE(bad, parseUtc(bad), std::invalid_argument);
    }

    void testRequestHelpers() {
        CPPUNIT_ASSERT_EQUAL(std::string("1min"), intervalName(60));
        CPPUNIT_ASSERT_EQUAL(std::string("5min"), intervalName(300));
        CPPUNIT_ASSERT_EQUAL(std::string("1h"), intervalName(3600));
        CPPUNIT_ASSERT_EQUAL(std::string("1day"), intervalName(86400));
        CPPUNIT_ASSERT_EQUAL(std::string(""), intervalName(7));
        CPPUNIT_ASSERT_EQUAL(std::string(""), intervalName(180));  // Twelve Data has no 3min
        CPPUNIT_ASSERT_EQUAL(std::string("EUR%2FUSD,BTC%2FUSD"), encodeQuery("EUR/USD,BTC/USD"));
        CPPUNIT_ASSERT_EQUAL(std::string("2026-08-10%2013%3A05%3A00"), encodeQuery("2026-08-10 13:05:00"));
        CPPUNIT_ASSERT_EQUAL(std::string("a%2Bb%26c%3D"), encodeQuery("a+b&c="));
        CPPUNIT_ASSERT((assetsOf("EUR/USD") == std::pair<std::string, std::string>{"EUR", "USD"}));
        CPPUNIT_ASSERT((assetsOf("AAPL") == std::pair<std::string, std::string>{"AAPL", ""}));
        CPPUNIT_ASSERT((assetsOf("RY:TSX") == std::pair<std::string, std::string>{"RY", ""}));
        const auto sub =
            Poco::JSON::Parser().parse(subscribeMessage({"EUR/USD", "BTC/USD"})).extract<Poco::JSON::Object::Ptr>();
        CPPUNIT_ASSERT_EQUAL(std::string("subscribe"), sub->getValue<std::string>("action"));
        CPPUNIT_ASSERT_EQUAL(std::string("EUR/USD,BTC/USD"),
                             sub->getObject("params")->getValue<std::string>("symbols"));
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"action":"unsubscribe","params":{"symbols":"SPX"}})"),
                             unsubscribeMessage({"SPX"}));
        CPPUNIT_ASSERT_EQUAL(std::string("heartbeat"), Poco::JSON::Parser()
                                                           .parse(heartbeatMessage())
                                                           .extract<Poco::JSON::Object::Ptr>()
                                                           ->getValue<std::string>("action"));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(WireTest);
