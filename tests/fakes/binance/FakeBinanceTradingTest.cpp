// The fake Binance's trading side checked on the wire with raw HTTP and
// WebSocket frames, independent of any client: signatures over query + body,
// the timing rule, key errors, order validation and filters with Binance's codes,
// weight limits on signed calls, the WebSocket API user-data subscription, and
// the /_fake/ controls the fake-binance program offers.
#include "binance/FakeBinance.h"

#include <bourse/plugins/Signing.h>

#include <Poco/Buffer.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/WebSocket.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <cppunit/extensions/HelperMacros.h>

#include <cctype>
#include <chrono>
#include <cstdlib>
#include <thread>

using bourse::fakes::FakeBinance;
using bourse::fakes::FakeBinanceOptions;

namespace {

// Binance's documented example key pair (wire-formats.md §8.1), as a fake account.
const std::string kKey = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A";
const std::string kSecret = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j";

struct Reply {
    int status = 0;
    std::string body, retryAfter;
    [[nodiscard]] int code() const {
        return Poco::JSON::Parser().parse(body).extract<Poco::JSON::Object::Ptr>()->getValue<int>("code");
    }
    [[nodiscard]] std::string msg() const {
        return Poco::JSON::Parser().parse(body).extract<Poco::JSON::Object::Ptr>()->getValue<std::string>("msg");
    }
    [[nodiscard]] Poco::JSON::Object::Ptr json() const {
        return Poco::JSON::Parser().parse(body).extract<Poco::JSON::Object::Ptr>();
    }
};

Reply http(const FakeBinance& fake, const std::string& method, const std::string& target, const std::string& body = "",
           const std::string& key = kKey) {
    const Poco::URI base(fake.restUrl());
    Poco::Net::HTTPClientSession session(base.getHost(), base.getPort());
    Poco::Net::HTTPRequest req(method, target, Poco::Net::HTTPMessage::HTTP_1_1);
    if (!key.empty()) req.set("X-MBX-APIKEY", key);
    if (!body.empty()) {
        req.setContentType("application/x-www-form-urlencoded");
        req.setContentLength(static_cast<std::streamsize>(body.size()));
    } else if (method != "GET") {
        req.setContentLength(0);
    }
    session.sendRequest(req) << body;
    Poco::Net::HTTPResponse resp;
    std::istream& in = session.receiveResponse(resp);
    Reply r;
    r.status = static_cast<int>(resp.getStatus());
    Poco::StreamCopier::copyToString(in, r.body);
    r.retryAfter = resp.get("Retry-After", "");
    return r;
}

std::string sign(const std::string& payload, const std::string& secret = kSecret) {
    return bourse::plugins::hmacSha256Hex(secret, payload);
}

std::string ts(const FakeBinance& fake, std::int64_t delta = 0) {
    return std::to_string(fake.serverTimeMs() + delta);
}

/// A signed call with every parameter in the query.
Reply signedQuery(const FakeBinance& fake, const std::string& method, const std::string& path, std::string params) {
    params += (params.empty() ? "" : "&") + std::string("timestamp=") + ts(fake);
    return http(fake, method, path + "?" + params + "&signature=" + sign(params));
}

/// A signed POST /api/v3/order with every parameter in the body.
Reply order(const FakeBinance& fake, std::string params) {
    params += "&recvWindow=5000&timestamp=" + ts(fake);
    return http(fake, "POST", "/api/v3/order", params + "&signature=" + sign(params));
}

FakeBinanceOptions withDocAccount() {
    FakeBinanceOptions o;
    o.apiKey = kKey;
    o.secret = kSecret;
    return o;
}

}  // namespace

class FakeBinanceTradingTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(FakeBinanceTradingTest);
    CPPUNIT_TEST(testSignatureCoversQueryThenBody);
    CPPUNIT_TEST(testTimingRule);
    CPPUNIT_TEST(testKeyErrors);
    CPPUNIT_TEST(testOrderValidationCodes);
    CPPUNIT_TEST(testFiltersAndFunds);
    CPPUNIT_TEST(testRestingOrderLocksFundsAndFillsWhenCrossed);
    CPPUNIT_TEST(testWeightLimitOnSignedCallsThen418);
    CPPUNIT_TEST(testWsApiSubscriptionDeliversEvents);
    CPPUNIT_TEST(testControlsOverHttp);
    CPPUNIT_TEST_SUITE_END();

public:
    // wire-formats.md B-C2: parameters split between query and body, signed as query + body.
    void testSignatureCoversQueryThenBody() {
        FakeBinance fake(withDocAccount());
        fake.setPrice("BTCUSDT", "65000");
        const std::string query = "symbol=BTCUSDT&side=BUY&type=MARKET";
        const std::string body = "quoteOrderQty=100&recvWindow=5000&timestamp=" + ts(fake);
        const auto ok = http(fake, "POST", "/api/v3/order?" + query, body + "&signature=" + sign(query + body));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(ok.body, 200, ok.status);
        CPPUNIT_ASSERT_EQUAL(std::string("FILLED"), ok.json()->getValue<std::string>("status"));
        CPPUNIT_ASSERT_EQUAL(std::string("0.00153000"), ok.json()->getValue<std::string>("executedQty"));
        // Upper-case hex is accepted (HMAC signatures are not case-sensitive).
        std::string upper = sign(query + body);
        for (auto& c : upper)
            c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        CPPUNIT_ASSERT_EQUAL(200, http(fake, "POST", "/api/v3/order?" + query, body + "&signature=" + upper).status);
        // Signing with an '&' between query and body is not what Binance verifies.
        const auto bad = http(fake, "POST", "/api/v3/order?" + query, body + "&signature=" + sign(query + "&" + body));
        CPPUNIT_ASSERT_EQUAL(400, bad.status);
        CPPUNIT_ASSERT_EQUAL(-1022, bad.code());
        CPPUNIT_ASSERT_EQUAL(std::string("Signature for this request is not valid."), bad.msg());
        const auto none = http(fake, "GET", "/api/v3/account?timestamp=" + ts(fake));
        CPPUNIT_ASSERT_EQUAL(-1102, none.code());
        CPPUNIT_ASSERT_EQUAL(1, fake.signedRejections(-1022));
    }

    void testTimingRule() {
        FakeBinance fake(withDocAccount());
        const auto account = [&](std::int64_t delta, const std::string& recvWindow) {
            std::string p =
                (recvWindow.empty() ? "" : "recvWindow=" + recvWindow + "&") + "timestamp=" + ts(fake, delta);
            return http(fake, "GET", "/api/v3/account?" + p + "&signature=" + sign(p));
        };
        CPPUNIT_ASSERT_EQUAL(200, account(0, "").status);
        CPPUNIT_ASSERT_EQUAL(200, account(-4000, "").status);  // default recvWindow 5000
        const auto old = account(-6000, "");
        CPPUNIT_ASSERT_EQUAL(-1021, old.code());
        CPPUNIT_ASSERT_EQUAL(std::string("Timestamp for this request is outside of the recvWindow."), old.msg());
        CPPUNIT_ASSERT_EQUAL(200, account(-6000, "10000").status);
        const auto ahead = account(1500, "");
        CPPUNIT_ASSERT_EQUAL(-1021, ahead.code());
        CPPUNIT_ASSERT_EQUAL(std::string("Timestamp for this request was 1000ms ahead of the server's time."),
                             ahead.msg());
        CPPUNIT_ASSERT_EQUAL(-1131, account(0, "60001").code());
        // The fake's clock is what counts: a skew makes a correct local clock wrong.
        fake.setClockSkew(std::chrono::seconds(-10));
        const std::string p = "timestamp=" + std::to_string(fake.serverTimeMs() + 10'000);
        CPPUNIT_ASSERT_EQUAL(-1021, http(fake, "GET", "/api/v3/account?" + p + "&signature=" + sign(p)).code());
        const auto time = http(fake, "GET", "/api/v3/time", "", "");
        const auto serverTime = time.json()->getValue<std::int64_t>("serverTime");
        CPPUNIT_ASSERT(std::abs(serverTime - fake.serverTimeMs()) < 1000);
        // Microseconds are accepted as well.
        const std::string us = "timestamp=" + std::to_string(fake.serverTimeMs() * 1000);
        CPPUNIT_ASSERT_EQUAL(200, http(fake, "GET", "/api/v3/account?" + us + "&signature=" + sign(us)).status);
    }

    void testKeyErrors() {
        FakeBinance fake(withDocAccount());
        const std::string p = "timestamp=" + ts(fake);
        const auto missing = http(fake, "GET", "/api/v3/account?" + p + "&signature=" + sign(p), "", "");
        CPPUNIT_ASSERT_EQUAL(401, missing.status);
        CPPUNIT_ASSERT_EQUAL(-2014, missing.code());
        const auto unknown = http(fake, "GET", "/api/v3/account?" + p + "&signature=" + sign(p), "", "otherKey123");
        CPPUNIT_ASSERT_EQUAL(401, unknown.status);
        CPPUNIT_ASSERT_EQUAL(-2015, unknown.code());
        CPPUNIT_ASSERT_EQUAL(std::string("Invalid API-key, IP, or permissions for action."), unknown.msg());
        // The default account of the options still exists alongside added ones.
        fake.addAccount("otherKey123", "otherSecret");
        CPPUNIT_ASSERT_EQUAL(
            200, http(fake, "GET", "/api/v3/account?" + p + "&signature=" + sign(p, "otherSecret"), "", "otherKey123")
                     .status);
    }

    void testOrderValidationCodes() {
        FakeBinance fake(withDocAccount());
        fake.setPrice("BTCUSDT", "65000");
        const auto code = [&](const std::string& params) { return order(fake, params).code(); };
        CPPUNIT_ASSERT_EQUAL(-1121, code("symbol=NOPE&side=BUY&type=MARKET&quantity=1"));
        CPPUNIT_ASSERT_EQUAL(-1117, code("symbol=BTCUSDT&side=UP&type=MARKET&quantity=1"));
        CPPUNIT_ASSERT_EQUAL(-1116, code("symbol=BTCUSDT&side=BUY&type=STOP&quantity=1"));
        CPPUNIT_ASSERT_EQUAL(-1102, code("symbol=BTCUSDT&side=BUY&type=LIMIT&quantity=1&price=1"));  // timeInForce
        CPPUNIT_ASSERT_EQUAL(-1115, code("symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=DAY&quantity=1&price=1"));
        CPPUNIT_ASSERT_EQUAL(-1102, code("symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1"));  // price
        CPPUNIT_ASSERT_EQUAL(-1106, code("symbol=BTCUSDT&side=BUY&type=MARKET&quantity=1&price=1"));
        CPPUNIT_ASSERT_EQUAL(-1102, code("symbol=BTCUSDT&side=BUY&type=MARKET"));
        CPPUNIT_ASSERT_EQUAL(-1100, code("symbol=BTCUSDT&side=BUY&type=MARKET&quantity=1e3"));
        CPPUNIT_ASSERT_EQUAL(-1111, code("symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.000000001"));
        CPPUNIT_ASSERT_EQUAL(-1100, code("symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.001&newClientOrderId=a%20b"));
        const auto cancel = signedQuery(fake, "DELETE", "/api/v3/order", "symbol=BTCUSDT&orderId=999999");
        CPPUNIT_ASSERT_EQUAL(-2011, cancel.code());
        CPPUNIT_ASSERT_EQUAL(std::string("Unknown order sent."), cancel.msg());
        CPPUNIT_ASSERT_EQUAL(-2013, signedQuery(fake, "GET", "/api/v3/order", "symbol=BTCUSDT&orderId=999999").code());
        CPPUNIT_ASSERT_EQUAL(-1102, signedQuery(fake, "GET", "/api/v3/order", "symbol=BTCUSDT").code());
    }

    void testFiltersAndFunds() {
        FakeBinance fake(withDocAccount());
        fake.setPrice("BTCUSDT", "65000");
        const std::string limit = "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC";
        const auto msg = [&](const std::string& params) { return order(fake, params).msg(); };
        CPPUNIT_ASSERT_EQUAL(std::string("Filter failure: PRICE_FILTER"),
                             msg(limit + "&quantity=0.001&price=64000.001"));
        CPPUNIT_ASSERT_EQUAL(std::string("Filter failure: LOT_SIZE"), msg(limit + "&quantity=0.000015&price=64000"));
        CPPUNIT_ASSERT_EQUAL(std::string("Filter failure: NOTIONAL"), msg(limit + "&quantity=0.00007&price=64000"));
        CPPUNIT_ASSERT_EQUAL(std::string("Filter failure: PERCENT_PRICE_BY_SIDE"),
                             msg(limit + "&quantity=0.001&price=1000"));  // below 0.2 × 65000
        CPPUNIT_ASSERT_EQUAL(std::string("Filter failure: MARKET_LOT_SIZE"),
                             msg("symbol=BTCUSDT&side=SELL&type=MARKET&quantity=105"));
        const auto poor = order(fake, limit + "&quantity=1&price=64000");  // 64000 > 10000 USDT
        CPPUNIT_ASSERT_EQUAL(-2010, poor.code());
        CPPUNIT_ASSERT_EQUAL(std::string("Account has insufficient balance for requested action."), poor.msg());
        CPPUNIT_ASSERT_EQUAL(200, order(fake, limit + "&quantity=0.001&price=60000&newClientOrderId=grid-1").status);
        const auto dup = order(fake, limit + "&quantity=0.001&price=60000&newClientOrderId=grid-1");
        CPPUNIT_ASSERT_EQUAL(-2010, dup.code());
        CPPUNIT_ASSERT_EQUAL(std::string("Duplicate order sent."), dup.msg());
        // IOC / FOK that cannot fill expire instead of resting.
        const auto ioc = order(fake, "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=IOC&quantity=0.001&price=60000");
        CPPUNIT_ASSERT_EQUAL(std::string("EXPIRED"), ioc.json()->getValue<std::string>("status"));
        CPPUNIT_ASSERT_EQUAL(1, fake.openOrders());
    }

    void testRestingOrderLocksFundsAndFillsWhenCrossed() {
        FakeBinance fake(withDocAccount());
        fake.setPrice("BTCUSDT", "65000");
        const auto placed = order(
            fake, "symbol=BTCUSDT&side=SELL&type=LIMIT&timeInForce=GTC&quantity=0.5&price=66000&newClientOrderId=tp");
        CPPUNIT_ASSERT_EQUAL(std::string("NEW"), placed.json()->getValue<std::string>("status"));
        CPPUNIT_ASSERT_EQUAL(std::string("0.50000000"), fake.freeBalance(kKey, "BTC"));
        CPPUNIT_ASSERT_EQUAL(std::string("0.50000000"), fake.lockedBalance(kKey, "BTC"));
        fake.setPrice("BTCUSDT", "66000.01");
        const auto q = signedQuery(fake, "GET", "/api/v3/order", "symbol=BTCUSDT&origClientOrderId=tp");
        CPPUNIT_ASSERT_EQUAL(std::string("FILLED"), q.json()->getValue<std::string>("status"));
        CPPUNIT_ASSERT_EQUAL(std::string("33000.00000000"), q.json()->getValue<std::string>("cummulativeQuoteQty"));
        CPPUNIT_ASSERT_EQUAL(std::string("0.00000000"), fake.lockedBalance(kKey, "BTC"));
        // 10000 + 33000 − 0.1% commission in USDT
        CPPUNIT_ASSERT_EQUAL(std::string("42967.00000000"), fake.freeBalance(kKey, "USDT"));
        const auto open = signedQuery(fake, "GET", "/api/v3/openOrders", "symbol=BTCUSDT");
        CPPUNIT_ASSERT_EQUAL(std::string("[]"), open.body);
    }

    void testWeightLimitOnSignedCallsThen418() {
        FakeBinanceOptions o = withDocAccount();
        o.weightLimitPerMinute = 30;
        o.retryAfterSeconds = 1;
        FakeBinance fake(o);
        CPPUNIT_ASSERT_EQUAL(200, signedQuery(fake, "GET", "/api/v3/account", "").status);  // 20
        const auto limited = signedQuery(fake, "GET", "/api/v3/account", "");               // 40
        CPPUNIT_ASSERT_EQUAL(429, limited.status);
        CPPUNIT_ASSERT_EQUAL(std::string("1"), limited.retryAfter);
        CPPUNIT_ASSERT_EQUAL(-1003, limited.code());
        const auto banned = signedQuery(fake, "GET", "/api/v3/account", "");  // ignoring Retry-After
        CPPUNIT_ASSERT_EQUAL(418, banned.status);
        CPPUNIT_ASSERT(!banned.retryAfter.empty());
        std::this_thread::sleep_for(std::chrono::milliseconds(1100));
        CPPUNIT_ASSERT_EQUAL(200, signedQuery(fake, "GET", "/api/v3/account", "").status);  // ban over, weight anew
    }

    void testWsApiSubscriptionDeliversEvents() {
        FakeBinance fake(withDocAccount());
        fake.setPrice("BTCUSDT", "65000");
        const Poco::URI uri(fake.wsApiUrl());
        Poco::Net::HTTPClientSession session(uri.getHost(), uri.getPort());
        Poco::Net::HTTPRequest req(Poco::Net::HTTPRequest::HTTP_GET, uri.getPath(), Poco::Net::HTTPMessage::HTTP_1_1);
        Poco::Net::HTTPResponse resp;
        Poco::Net::WebSocket ws(session, req, resp);
        ws.setReceiveTimeout(Poco::Timespan(5, 0));
        const auto sendText = [&](const std::string& t) {
            ws.sendFrame(t.data(), static_cast<int>(t.size()), Poco::Net::WebSocket::FRAME_TEXT);
        };
        const auto next = [&] {
            Poco::Buffer<char> buf(0);
            int flags = 0;
            const int n = ws.receiveFrame(buf, flags);
            return Poco::JSON::Parser()
                .parse(std::string(buf.begin(), static_cast<std::size_t>(n)))
                .extract<Poco::JSON::Object::Ptr>();
        };
        const auto subscribe = [&](const std::string& id, const std::string& secret) {
            const std::string t = ts(fake);
            const std::string sig = sign("apiKey=" + kKey + "&recvWindow=5000&timestamp=" + t, secret);
            sendText(R"({"id":")" + id + R"(","method":"userDataStream.subscribe.signature","params":{"apiKey":")" +
                     kKey + R"(","recvWindow":5000,"timestamp":)" + t + R"(,"signature":")" + sig + R"("}})");
            return next();
        };
        const auto bad = subscribe("s0", "wrong");
        CPPUNIT_ASSERT_EQUAL(std::string("s0"), bad->getValue<std::string>("id"));
        CPPUNIT_ASSERT_EQUAL(400, bad->getValue<int>("status"));
        CPPUNIT_ASSERT_EQUAL(-1022, bad->getObject("error")->getValue<int>("code"));
        const auto ok = subscribe("s1", kSecret);
        CPPUNIT_ASSERT_EQUAL(200, ok->getValue<int>("status"));
        CPPUNIT_ASSERT_EQUAL(0, ok->getObject("result")->getValue<int>("subscriptionId"));
        CPPUNIT_ASSERT_EQUAL(400, subscribe("s2", kSecret)->getValue<int>("status"));  // one per account

        CPPUNIT_ASSERT_EQUAL(
            200, order(fake, "symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.001&newClientOrderId=m1").status);
        const auto created = next();
        CPPUNIT_ASSERT_EQUAL(0, created->getValue<int>("subscriptionId"));
        const auto e1 = created->getObject("event");
        CPPUNIT_ASSERT_EQUAL(std::string("executionReport"), e1->getValue<std::string>("e"));
        CPPUNIT_ASSERT_EQUAL(std::string("NEW"), e1->getValue<std::string>("x"));
        CPPUNIT_ASSERT_EQUAL(std::string("m1"), e1->getValue<std::string>("c"));
        CPPUNIT_ASSERT(e1->isNull("N"));
        const auto e2 = next()->getObject("event");
        CPPUNIT_ASSERT_EQUAL(std::string("TRADE"), e2->getValue<std::string>("x"));
        CPPUNIT_ASSERT_EQUAL(std::string("FILLED"), e2->getValue<std::string>("X"));
        CPPUNIT_ASSERT_EQUAL(std::string("0.00100000"), e2->getValue<std::string>("l"));
        CPPUNIT_ASSERT_EQUAL(std::string("65000.00000000"), e2->getValue<std::string>("L"));
        CPPUNIT_ASSERT_EQUAL(std::string("65.00000000"), e2->getValue<std::string>("Y"));
        CPPUNIT_ASSERT_EQUAL(std::string("BTC"), e2->getValue<std::string>("N"));
        CPPUNIT_ASSERT_EQUAL(e1->getValue<std::int64_t>("i"), e2->getValue<std::int64_t>("i"));
        const auto e3 = next()->getObject("event");
        CPPUNIT_ASSERT_EQUAL(std::string("outboundAccountPosition"), e3->getValue<std::string>("e"));
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), e3->getArray("B")->size());

        sendText(R"({"id":7,"method":"session.subscriptions"})");
        const auto list = next();
        CPPUNIT_ASSERT_EQUAL(7, list->getValue<int>("id"));
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), list->getArray("result")->size());
        sendText(R"({"id":8,"method":"userDataStream.unsubscribe","params":{"subscriptionId":0}})");
        CPPUNIT_ASSERT_EQUAL(200, next()->getValue<int>("status"));
        CPPUNIT_ASSERT_EQUAL(0, fake.userDataSubscriptions());
        ws.shutdown();
    }

    void testControlsOverHttp() {
        FakeBinance fake(withDocAccount());
        CPPUNIT_ASSERT_EQUAL(200, http(fake, "POST", "/_fake/price?symbol=ETHUSDT&price=3000.5", "", "").status);
        const auto ticker = http(fake, "GET", "/api/v3/ticker/price?symbol=ETHUSDT", "", "");
        CPPUNIT_ASSERT_EQUAL(std::string("3000.50000000"), ticker.json()->getValue<std::string>("price"));
        CPPUNIT_ASSERT_EQUAL(200,
                             http(fake, "GET", "/_fake/balance?apiKey=" + kKey + "&asset=ETH&free=2.5", "", "").status);
        CPPUNIT_ASSERT_EQUAL(std::string("2.50000000"), fake.freeBalance(kKey, "ETH"));
        CPPUNIT_ASSERT_EQUAL(400,
                             http(fake, "GET", "/_fake/balance?apiKey=" + kKey + "&asset=ETH&free=x", "", "").status);
        CPPUNIT_ASSERT_EQUAL(200,
                             http(fake, "GET", "/_fake/failNextOrder?status=503&code=-1001&msg=busy", "", "").status);
        const auto failed = order(fake, "symbol=ETHUSDT&side=SELL&type=MARKET&quantity=0.01");
        CPPUNIT_ASSERT_EQUAL(503, failed.status);
        CPPUNIT_ASSERT_EQUAL(std::string("busy"), failed.msg());
        CPPUNIT_ASSERT_EQUAL(200, order(fake, "symbol=ETHUSDT&side=SELL&type=MARKET&quantity=0.01").status);
        CPPUNIT_ASSERT_EQUAL(200,
                             http(fake, "GET", "/_fake/price?symbol=ETHUSDT", "", "").status);  // back to the curve
        CPPUNIT_ASSERT(fake.currentPrice("ETHUSDT") != "3000.50000000");
        CPPUNIT_ASSERT_EQUAL(404, http(fake, "GET", "/_fake/nothing", "", "").status);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(FakeBinanceTradingTest);
