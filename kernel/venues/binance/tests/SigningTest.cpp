// Request signing against the published and computed vectors of
// shared/reference/wire-formats.md §8.1 and its addendum: if these drift, every
// signed call fails with -1022 on the real exchange, which no fake would notice.
#include "venues/binance/RequestSigning.h"

#include <cppunit/extensions/HelperMacros.h>

using namespace bourse::venues::binance;

namespace {

const std::string kDocSecret = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j";
const std::string kDocApiKey = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A";

}  // namespace

class SigningTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(SigningTest);
    CPPUNIT_TEST(testUpstreamAsciiVector);
    CPPUNIT_TEST(testUpstreamNonAsciiVectorIsPercentEncodedFirst);
    CPPUNIT_TEST(testComputedVectors);
    CPPUNIT_TEST(testQueryAndBodyAreConcatenatedWithoutSeparator);
    CPPUNIT_TEST(testWsApiPayloadIsSortedAndExcludesSignature);
    CPPUNIT_TEST(testAddendumRestOrderVector);
    CPPUNIT_TEST_SUITE_END();

public:
    // B-U1: Binance's own example, built the way the client builds a query.
    void testUpstreamAsciiVector() {
        QueryString q;
        q.add("symbol", "LTCBTC")
            .add("side", "BUY")
            .add("type", "LIMIT")
            .add("timeInForce", "GTC")
            .add("quantity", "1")
            .add("price", "0.1")
            .add("recvWindow", "5000")
            .add("timestamp", "1499827319559");
        CPPUNIT_ASSERT_EQUAL(
            std::string("symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&"
                        "timestamp=1499827319559"),
            q.str());
        CPPUNIT_ASSERT_EQUAL(std::string("c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71"),
                             signRest(kDocSecret, q.str(), ""));
    }

    // B-U2: a non-ASCII symbol is percent-encoded (UTF-8, upper-case hex) BEFORE signing.
    void testUpstreamNonAsciiVectorIsPercentEncodedFirst() {
        QueryString q;
        q.add("symbol", "\xEF\xBC\x91\xEF\xBC\x92\xEF\xBC\x93\xEF\xBC\x94\xEF\xBC\x95\xEF\xBC\x96")  // １２３４５６
            .add("side", "BUY")
            .add("type", "LIMIT")
            .add("timeInForce", "GTC")
            .add("quantity", "1")
            .add("price", "0.1")
            .add("recvWindow", "5000")
            .add("timestamp", "1499827319559");
        CPPUNIT_ASSERT(q.str().rfind("symbol=%EF%BC%91%EF%BC%92%EF%BC%93%EF%BC%94%EF%BC%95%EF%BC%96&", 0) == 0);
        CPPUNIT_ASSERT_EQUAL(std::string("e1353ec6b14d888f1164ae9af8228a3dbd508bc82eb867db8ab6046442f33ef3"),
                             signRest(kDocSecret, q.str(), ""));
    }

    void testComputedVectors() {
        // B-C1: GET /api/v3/account
        CPPUNIT_ASSERT_EQUAL(std::string("87e5c6222562009dfc00b491bbc2a244513b1555abde13b604bc2c22cf991114"),
                             signRest(kDocSecret, "recvWindow=5000&timestamp=1700000000000", ""));
        // B-C3
        CPPUNIT_ASSERT_EQUAL(std::string("e6c6a1fda73ae23f79f374315f3dd9e325ec98f7ad219549f40d2cff2bab0a31"),
                             signRest(kDocSecret, "symbol=BTCUSDT&orderId=28&timestamp=1700000000000", ""));
    }

    // B-C2: query + body with no '&' between them (the client puts POST parameters in the body).
    void testQueryAndBodyAreConcatenatedWithoutSeparator() {
        CPPUNIT_ASSERT_EQUAL(std::string("d76f0bc0f4578155fdbc619e60779592cffe141a10a48d1637dc7616481e8bd3"),
                             signRest(kDocSecret, "symbol=BTCUSDT&side=BUY&type=MARKET",
                                      "quoteOrderQty=100&recvWindow=5000&timestamp=1700000000000"));
        // The same bytes all in the body sign differently (an '&' more): the split matters.
        CPPUNIT_ASSERT(signRest(kDocSecret, "",
                                "symbol=BTCUSDT&side=BUY&type=MARKET&quoteOrderQty=100&recvWindow=5000&"
                                "timestamp=1700000000000") !=
                       "d76f0bc0f4578155fdbc619e60779592cffe141a10a48d1637dc7616481e8bd3");
    }

    // Addendum: the WebSocket API signs every param but `signature`, sorted by name.
    void testWsApiPayloadIsSortedAndExcludesSignature() {
        const Params params{
            {"timestamp", "1700000000000"}, {"signature", "ignored"}, {"recvWindow", "5000"}, {"apiKey", kDocApiKey}};
        CPPUNIT_ASSERT_EQUAL("apiKey=" + kDocApiKey + "&recvWindow=5000&timestamp=1700000000000", wsApiPayload(params));
        CPPUNIT_ASSERT_EQUAL(std::string("8e7dc111166c315f1428e00296a186d92074b458bb8a2852b3a13d85b7816832"),
                             signWsApi("testsecret123", params));
    }

    void testAddendumRestOrderVector() {
        QueryString q;
        q.add("symbol", "BTCUSDT")
            .add("side", "SELL")
            .add("type", "MARKET")
            .add("quantity", "0.001")
            .add("recvWindow", "5000")
            .add("timestamp", "1700000000000");
        CPPUNIT_ASSERT_EQUAL(std::string("fc8ca72d5796034fe22ac6e70b766cea3be36f968521edf81c3f509d2e88634e"),
                             signRest("testsecret123", q.str(), ""));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SigningTest);
