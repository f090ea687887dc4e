// The fake Binance speaks Binance's wire format and misbehaves on request:
// checked through the kernel's own outbound clients (HttpClient, WsClient),
// the same way plugins reach it.
#include "binance/FakeBinance.h"
#include "metrics/Metrics.h"
#include "plugins/HttpClient.h"
#include "plugins/WsClient.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/URI.h>

#include <cppunit/extensions/HelperMacros.h>

#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

using bourse::HttpClient;
using bourse::OutboundRequest;
using bourse::OutboundResponse;
using bourse::WsClient;
using bourse::fakes::FakeBinance;
using bourse::fakes::FakeBinanceOptions;

namespace {

std::string header(const OutboundResponse& r, const std::string& name) {
    for (const auto& [k, v] : r.headers)
        if (Poco::icompare(k, name) == 0) return v;
    return "";
}

Poco::Dynamic::Var json(const std::string& text) {
    return Poco::JSON::Parser().parse(text);
}

/// Collects a stream's events.
struct Events {
    std::mutex mutex;
    std::condition_variable changed;
    std::vector<std::string> messages;
    std::string closed;
    bool open = false;

    WsClient::OnEvent sink() {
        return [this](WsClient::Event e, const std::string& data) {
            std::lock_guard lock(mutex);
            if (e == WsClient::Event::Open) open = true;
            if (e == WsClient::Event::Message) messages.push_back(data);
            if (e == WsClient::Event::Closed) closed = data.empty() ? "closed" : data;
            changed.notify_all();
        };
    }
    template <class P>
    bool waitUntil(P pred, std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
        std::unique_lock lock(mutex);
        return changed.wait_for(lock, timeout, pred);
    }
};

}  // namespace

class FakeBinanceTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(FakeBinanceTest);
    CPPUNIT_TEST(testExchangeInfoAndWeights);
    CPPUNIT_TEST(testKlinesPageAndAgreeWithPrices);
    CPPUNIT_TEST(testTickerPrice);
    CPPUNIT_TEST(testTooMuchWeightThen429Then418);
    CPPUNIT_TEST(testInjectedServerErrors);
    CPPUNIT_TEST(testCombinedStreamFrames);
    CPPUNIT_TEST(testSubscriptionControl);
    CPPUNIT_TEST(testPingsAnsweredKeepTheStreamOpen);
    CPPUNIT_TEST(testFaultsDropStallMalformedShutdown);
    CPPUNIT_TEST_SUITE_END();

public:
    void testExchangeInfoAndWeights() {
        FakeBinance fake;
        const auto all = get(fake, "/api/v3/exchangeInfo");
        CPPUNIT_ASSERT_EQUAL(200, all.status);
        CPPUNIT_ASSERT_EQUAL(std::string("20"), header(all, "X-MBX-USED-WEIGHT-1M"));
        const auto info = json(all.body).extract<Poco::JSON::Object::Ptr>();
        CPPUNIT_ASSERT_EQUAL(std::size_t(4), info->getArray("symbols")->size());
        CPPUNIT_ASSERT(info->getArray("rateLimits")->size() > 0);

        const auto two = get(fake, "/api/v3/exchangeInfo?symbols=" + encode(R"(["BTCUSDT","BNBBTC"])"));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(two.body, 200, two.status);
        const auto symbols = json(two.body).extract<Poco::JSON::Object::Ptr>()->getArray("symbols");
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), symbols->size());
        const auto filters = symbols->getObject(1)->getArray("filters");
        CPPUNIT_ASSERT_EQUAL(std::string("0.00000100"), filters->getObject(0)->getValue<std::string>("tickSize"));
        CPPUNIT_ASSERT_EQUAL(std::string("40"), header(two, "X-MBX-USED-WEIGHT-1M"));

        const auto bad = get(fake, "/api/v3/exchangeInfo?symbol=NOPEUSDT");
        CPPUNIT_ASSERT_EQUAL(400, bad.status);
        CPPUNIT_ASSERT_EQUAL(-1121, json(bad.body).extract<Poco::JSON::Object::Ptr>()->getValue<int>("code"));
    }

    void testKlinesPageAndAgreeWithPrices() {
        FakeBinance fake;
        const std::int64_t start = (nowMs() - 3'600'000) / 60'000 * 60'000;
        const auto r =
            get(fake, "/api/v3/klines?symbol=BTCUSDT&interval=1m&limit=5&startTime=" + std::to_string(start));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 200, r.status);
        const auto rows = json(r.body).extract<Poco::JSON::Array::Ptr>();
        CPPUNIT_ASSERT_EQUAL(std::size_t(5), rows->size());
        for (unsigned i = 0; i < 5; ++i) {
            const auto row = rows->getArray(i);
            CPPUNIT_ASSERT_EQUAL(std::size_t(12), row->size());
            const auto open = row->getElement<Poco::Int64>(0);
            CPPUNIT_ASSERT_EQUAL(start + static_cast<Poco::Int64>(i) * 60'000, open);
            CPPUNIT_ASSERT_EQUAL(open + 59'999, row->getElement<Poco::Int64>(6));
            CPPUNIT_ASSERT(row->get(1).isString());  // prices are decimal strings
            CPPUNIT_ASSERT_EQUAL(FakeBinance::priceAt("BTCUSDT", open), row->getElement<std::string>(1));
        }
        CPPUNIT_ASSERT_EQUAL(-1120, code(get(fake, "/api/v3/klines?symbol=BTCUSDT&interval=7m")));
        CPPUNIT_ASSERT_EQUAL(-1130, code(get(fake, "/api/v3/klines?symbol=BTCUSDT&interval=1m&limit=1001")));
        CPPUNIT_ASSERT_EQUAL(-1121, code(get(fake, "/api/v3/klines?symbol=NOPE&interval=1m")));
    }

    void testTickerPrice() {
        FakeBinance fake;
        const auto one = json(get(fake, "/api/v3/ticker/price?symbol=ETHUSDT").body).extract<Poco::JSON::Object::Ptr>();
        CPPUNIT_ASSERT_EQUAL(std::string("ETHUSDT"), one->getValue<std::string>("symbol"));
        CPPUNIT_ASSERT(one->getValue<std::string>("price").find('.') != std::string::npos);
        const auto many = get(fake, "/api/v3/ticker/price?symbols=" + encode(R"(["BTCUSDT","ETHUSDT"])"));
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), json(many.body).extract<Poco::JSON::Array::Ptr>()->size());
    }

    void testTooMuchWeightThen429Then418() {
        FakeBinanceOptions o;
        o.weightLimitPerMinute = 30;
        FakeBinance fake(o);
        CPPUNIT_ASSERT_EQUAL(200, get(fake, "/api/v3/exchangeInfo").status);  // 20
        const auto limited = get(fake, "/api/v3/exchangeInfo");               // 40 > 30
        CPPUNIT_ASSERT_EQUAL(429, limited.status);
        CPPUNIT_ASSERT_EQUAL(std::string("2"), header(limited, "Retry-After"));
        CPPUNIT_ASSERT_EQUAL(-1003, code(limited));
        // Calling again before Retry-After has passed gets the "IP" banned.
        const auto banned = get(fake, "/api/v3/ping");
        CPPUNIT_ASSERT_EQUAL(418, banned.status);
        CPPUNIT_ASSERT_EQUAL(std::string("2"), header(banned, "Retry-After"));
    }

    void testInjectedServerErrors() {
        FakeBinance fake;
        fake.failRest(503, 2);
        CPPUNIT_ASSERT_EQUAL(503, get(fake, "/api/v3/ping").status);
        CPPUNIT_ASSERT_EQUAL(503, get(fake, "/api/v3/ping").status);
        CPPUNIT_ASSERT_EQUAL(200, get(fake, "/api/v3/ping").status);
        CPPUNIT_ASSERT_EQUAL(404, get(fake, "/api/v3/nothing").status);
    }

    void testCombinedStreamFrames() {
        FakeBinance fake;
        bourse::Metrics metrics;
        WsClient client(metrics);
        Events e;
        client.connect(fake.wsUrl() + "/stream?streams=btcusdt@trade/ethusdt@bookTicker/bnbbtc@kline_1m", e.sink());
        CPPUNIT_ASSERT(e.waitUntil([&] { return e.messages.size() >= 6; }));
        std::set<std::string> streams;
        for (const auto& m : e.messages) {
            const auto o = json(m).extract<Poco::JSON::Object::Ptr>();
            const std::string stream = o->getValue<std::string>("stream");
            streams.insert(stream);
            const auto data = o->getObject("data");
            if (stream == "btcusdt@trade") {
                CPPUNIT_ASSERT_EQUAL(std::string("trade"), data->getValue<std::string>("e"));
                CPPUNIT_ASSERT(data->get("p").isString());
                CPPUNIT_ASSERT(data->get("T").isInteger());
            } else if (stream == "ethusdt@bookTicker") {
                CPPUNIT_ASSERT(!data->has("e"));  // bookTicker carries no event type
                CPPUNIT_ASSERT(data->has("b") && data->has("a"));
            } else {
                CPPUNIT_ASSERT_EQUAL(std::string("1m"), data->getObject("k")->getValue<std::string>("i"));
            }
        }
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), streams.size());
        client.stop();
    }

    void testSubscriptionControl() {
        FakeBinance fake;
        bourse::Metrics metrics;
        WsClient client(metrics);
        Events e;
        const auto id = client.connect(fake.wsUrl() + "/ws/btcusdt@trade", e.sink());
        CPPUNIT_ASSERT(e.waitUntil([&] { return e.open; }));
        CPPUNIT_ASSERT(client.send(id, R"({"method":"SUBSCRIBE","params":["ethusdt@trade"],"id":1})"));
        CPPUNIT_ASSERT(client.send(id, R"({"method":"LIST_SUBSCRIPTIONS","id":3})"));
        CPPUNIT_ASSERT(client.send(id, "{nope"));
        const auto has = [&](const std::string& part) {
            for (const auto& m : e.messages)
                if (m.find(part) != std::string::npos) return true;
            return false;
        };
        CPPUNIT_ASSERT(e.waitUntil([&] {
            return has(R"({"result":null,"id":1})") && has(R"({"result":["btcusdt@trade","ethusdt@trade"],"id":3})") &&
                   has(R"("code":3)");
        }));
        // Raw streams send bare payloads, now for both symbols.
        CPPUNIT_ASSERT(e.waitUntil([&] { return has(R"("s":"ETHUSDT")"); }));
        client.stop();
    }

    void testPingsAnsweredKeepTheStreamOpen() {
        FakeBinanceOptions o;
        o.pingInterval = std::chrono::milliseconds(100);
        o.pongTimeout = std::chrono::milliseconds(400);
        FakeBinance fake(o);
        bourse::Metrics metrics;
        WsClient client(metrics);
        Events e;
        client.connect(fake.wsUrl() + "/ws/btcusdt@trade", e.sink());
        CPPUNIT_ASSERT(e.waitUntil([&] { return e.open; }));
        std::this_thread::sleep_for(std::chrono::milliseconds(1200));
        CPPUNIT_ASSERT(fake.pongsReceived() >= 5);  // the kernel's client answers every ping
        CPPUNIT_ASSERT_EQUAL(1, fake.openStreams());
        CPPUNIT_ASSERT(e.closed.empty());
        client.stop();
    }

    void testFaultsDropStallMalformedShutdown() {
        FakeBinance fake;
        bourse::Metrics metrics;
        WsClient client(metrics);
        {
            Events e;
            client.connect(fake.wsUrl() + "/ws/btcusdt@trade", e.sink());
            CPPUNIT_ASSERT(e.waitUntil([&] { return !e.messages.empty(); }));
            fake.stallStreams(true);
            std::this_thread::sleep_for(std::chrono::milliseconds(500));  // let frames already in flight land
            std::size_t before = 0;
            {
                std::lock_guard lock(e.mutex);
                before = e.messages.size();
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(400));
            {
                std::lock_guard lock(e.mutex);
                CPPUNIT_ASSERT_EQUAL(before, e.messages.size());  // silent, yet open
                CPPUNIT_ASSERT(e.closed.empty());
            }
            fake.stallStreams(false);
            fake.sendMalformed();
            CPPUNIT_ASSERT(e.waitUntil([&] {
                for (const auto& m : e.messages)
                    if (m.back() != '}') return true;  // cut short: not JSON
                return false;
            }));
            fake.dropStreams();
            CPPUNIT_ASSERT(e.waitUntil([&] { return !e.closed.empty(); }));
        }
        {
            Events e;
            client.connect(fake.wsUrl() + "/stream?streams=btcusdt@trade", e.sink());
            // A first trade: the fake has registered the stream (open alone may come first).
            CPPUNIT_ASSERT(e.waitUntil([&] { return e.open && !e.messages.empty(); }));
            fake.announceShutdown();
            CPPUNIT_ASSERT(e.waitUntil([&] { return !e.closed.empty(); }));
            bool announced = false;
            for (const auto& m : e.messages)
                announced |= m.find(R"("stream":"!serverShutdown")") != std::string::npos;
            CPPUNIT_ASSERT(announced);
            CPPUNIT_ASSERT_EQUAL(std::string("closed by the server (1001: server shutdown)"), e.closed);
        }
        client.stop();
    }

private:
    static std::int64_t nowMs() {
        return std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
            .count();
    }
    static std::string encode(const std::string& s) {
        std::string out;
        Poco::URI::encode(s, "[]\",", out);
        return out;
    }
    static int code(const OutboundResponse& r) {
        return json(r.body).extract<Poco::JSON::Object::Ptr>()->getValue<int>("code");
    }
    static OutboundResponse get(const FakeBinance& fake, const std::string& path) {
        OutboundRequest req;
        req.url = fake.restUrl() + path;
        return HttpClient::perform(req);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(FakeBinanceTest);
