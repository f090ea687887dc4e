// The fake Twelve Data speaks Twelve Data's wire format, counts credits as the
// service does and misbehaves on request: checked through the kernel's own
// outbound clients (HttpClient, WsClient), the way plugins reach it.
#include "metrics/Metrics.h"
#include "plugins/HttpClient.h"
#include "plugins/WsClient.h"
#include "twelvedata/FakeTwelveData.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/String.h>

#include <cppunit/extensions/HelperMacros.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <regex>
#include <thread>

using bourse::HttpClient;
using bourse::OutboundRequest;
using bourse::OutboundResponse;
using bourse::WsClient;
using bourse::fakes::FakeTwelveData;
using bourse::fakes::FakeTwelveDataOptions;

namespace {

Poco::JSON::Object::Ptr object(const std::string& text) {
    return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}

int code(const OutboundResponse& r) {
    return object(r.body)->getValue<int>("code");
}

OutboundResponse get(const FakeTwelveData& fake, const std::string& pathAndQuery, const std::string& key = "test-key") {
    OutboundRequest req;
    req.url = fake.restUrl() + pathAndQuery;
    if (!key.empty()) req.headers.emplace_back("Authorization", "apikey " + key);
    return HttpClient::perform(req);
}

/// 2026-08-10 12:00:30 UTC.
constexpr std::int64_t kNoon = 1'786'363'230'000;

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
    bool has(const std::string& part) {  // call under waitUntil or with the lock
        for (const auto& m : messages)
            if (m.find(part) != std::string::npos) return true;
        return false;
    }
    std::size_t count() {
        std::lock_guard lock(mutex);
        return messages.size();
    }
};

}  // namespace

class FakeTwelveDataTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(FakeTwelveDataTest);
    CPPUNIT_TEST(testKeyRequiredInHeaderOrQuery);
    CPPUNIT_TEST(testPriceSingleBatchAndPerSymbolErrors);
    CPPUNIT_TEST(testCreditsPerMinuteAndPerDay);
    CPPUNIT_TEST(testTimeSeriesRangeOrderAndPath);
    CPPUNIT_TEST(testTimeSeriesRefusals);
    CPPUNIT_TEST(testScriptedRestFaults);
    CPPUNIT_TEST(testStreamSubscribeHeartbeatAndPrices);
    CPPUNIT_TEST(testStreamNeedsTheKey);
    CPPUNIT_TEST(testStreamFaults);
    CPPUNIT_TEST(testStreamHeartbeatTimeoutAndConnectionLimit);
    CPPUNIT_TEST_SUITE_END();

public:
    void testKeyRequiredInHeaderOrQuery() {
        FakeTwelveData fake;
        const auto none = get(fake, "/price?symbol=EUR/USD", "");
        CPPUNIT_ASSERT_EQUAL(401, none.status);
        CPPUNIT_ASSERT_EQUAL(401, code(none));
        CPPUNIT_ASSERT_EQUAL(std::string("error"), object(none.body)->getValue<std::string>("status"));
        CPPUNIT_ASSERT_EQUAL(401, get(fake, "/price?symbol=EUR/USD", "wrong").status);
        CPPUNIT_ASSERT_EQUAL(200, get(fake, "/price?symbol=EUR/USD").status);
        CPPUNIT_ASSERT_EQUAL(200, get(fake, "/price?symbol=EUR/USD&apikey=test-key", "").status);
        CPPUNIT_ASSERT_EQUAL(200, get(fake, "/price?SYMBOL=EUR/USD&ApiKey=test-key", "").status);  // any case
        fake.errorsWithHttp200(true);
        const auto quiet = get(fake, "/price?symbol=EUR/USD", "");
        CPPUNIT_ASSERT_EQUAL(200, quiet.status);  // the body still says 401
        CPPUNIT_ASSERT_EQUAL(401, code(quiet));
        const auto log = fake.requests();
        CPPUNIT_ASSERT_EQUAL(std::size_t(6), log.size());
        CPPUNIT_ASSERT_EQUAL(std::string(""), log[0].authorization);
        CPPUNIT_ASSERT_EQUAL(std::string("apikey wrong"), log[1].authorization);
        CPPUNIT_ASSERT_EQUAL(0, log[0].credits);  // refusals cost nothing
        CPPUNIT_ASSERT_EQUAL(1, log[2].credits);
        CPPUNIT_ASSERT_EQUAL(std::string("test-key"), log[3].params.at("apikey"));
        CPPUNIT_ASSERT_EQUAL(401, log[5].code);
        CPPUNIT_ASSERT_EQUAL(200, log[5].httpStatus);
    }

    void testPriceSingleBatchAndPerSymbolErrors() {
        FakeTwelveData fake;
        const auto one = get(fake, "/price?symbol=EUR/USD");
        const std::string price = object(one.body)->getValue<std::string>("price");
        const auto at = fake.requests().back().atMs;
        CPPUNIT_ASSERT_EQUAL(fake.priceAt("EUR/USD", at), price);  // a string, 5 decimals by default
        CPPUNIT_ASSERT(std::regex_match(price, std::regex(R"(1\.0[0-9]{4})")));
        CPPUNIT_ASSERT(
            std::regex_match(object(get(fake, "/price?symbol=BTC/USD&dp=2").body)->getValue<std::string>("price"),
                             std::regex(R"([0-9]{5}\.[0-9]{2})")));
        const auto batch = get(fake, "/price?symbol=EUR%2FUSD,XAU/USD,NOPE/USD,SPX");
        CPPUNIT_ASSERT_EQUAL(200, batch.status);
        const auto b = object(batch.body);
        CPPUNIT_ASSERT(b->getObject("EUR/USD")->get("price").isString());
        CPPUNIT_ASSERT(b->getObject("XAU/USD")->get("price").isString());
        CPPUNIT_ASSERT_EQUAL(404, b->getObject("NOPE/USD")->getValue<int>("code"));
        CPPUNIT_ASSERT_EQUAL(std::string("error"), b->getObject("NOPE/USD")->getValue<std::string>("status"));
        CPPUNIT_ASSERT_EQUAL(403, b->getObject("SPX")->getValue<int>("code"));
        CPPUNIT_ASSERT_EQUAL(4, fake.requests().back().credits);  // one per symbol
        CPPUNIT_ASSERT_EQUAL(404, get(fake, "/price?symbol=NOPE/USD").status);
        CPPUNIT_ASSERT_EQUAL(403, get(fake, "/price?symbol=SPX").status);
        CPPUNIT_ASSERT_EQUAL(400, get(fake, "/price").status);
        CPPUNIT_ASSERT_EQUAL(400, get(fake, "/price?symbol=EUR/USD&dp=12").status);
        CPPUNIT_ASSERT_EQUAL(404, get(fake, "/quote?symbol=EUR/USD").status);
        CPPUNIT_ASSERT_THROW(fake.priceAt("NOPE/USD", 0), std::invalid_argument);
    }

    void testCreditsPerMinuteAndPerDay() {
        std::atomic<std::int64_t> now{kNoon};
        FakeTwelveDataOptions o;
        o.creditsPerMinute = 3;
        o.creditsPerDay = 5;
        o.clock = [&] { return now.load(); };
        FakeTwelveData fake(o);
        CPPUNIT_ASSERT_EQUAL(200, get(fake, "/price?symbol=EUR/USD,BTC/USD").status);  // 2
        CPPUNIT_ASSERT_EQUAL(200, get(fake, "/price?symbol=EUR/USD").status);          // 3
        const auto minute = get(fake, "/price?symbol=EUR/USD");
        CPPUNIT_ASSERT_EQUAL(429, minute.status);
        CPPUNIT_ASSERT(object(minute.body)->getValue<std::string>("message").find("current minute") !=
                       std::string::npos);
        CPPUNIT_ASSERT_EQUAL(0, fake.requests().back().credits);
        CPPUNIT_ASSERT_EQUAL(3, fake.creditsUsedThisMinute());
        now += 30'000;  // 12:01:00: a new minute
        CPPUNIT_ASSERT_EQUAL(0, fake.creditsUsedThisMinute());
        CPPUNIT_ASSERT_EQUAL(200, get(fake, "/price?symbol=EUR/USD").status);  // day: 4
        const auto day = get(fake, "/price?symbol=EUR/USD,BTC/USD");           // 6 > 5
        CPPUNIT_ASSERT_EQUAL(429, day.status);
        CPPUNIT_ASSERT(object(day.body)->getValue<std::string>("message").find("for the day") != std::string::npos);
        fake.errorsWithHttp200(true);  // the same refusal, as Twelve Data sometimes sends it
        CPPUNIT_ASSERT_EQUAL(200, get(fake, "/price?symbol=EUR/USD,BTC/USD").status);
        CPPUNIT_ASSERT_EQUAL(429, fake.requests().back().code);
        fake.errorsWithHttp200(false);
        CPPUNIT_ASSERT_EQUAL(200, get(fake, "/time_series?symbol=EUR/USD&interval=1min&outputsize=2").status);  // 5
        now += 60'000;
        CPPUNIT_ASSERT_EQUAL(429, get(fake, "/price?symbol=EUR/USD").status);  // the day is spent
        CPPUNIT_ASSERT_EQUAL(5, fake.creditsUsedToday());
        now = (kNoon / 86'400'000 + 1) * 86'400'000;  // midnight UTC
        CPPUNIT_ASSERT_EQUAL(200, get(fake, "/price?symbol=EUR/USD").status);
        fake.spendCredits(2);  // another client of the key
        CPPUNIT_ASSERT_EQUAL(429, get(fake, "/price?symbol=EUR/USD").status);
        CPPUNIT_ASSERT_EQUAL(3, fake.creditsUsedThisMinute());
    }

    void testTimeSeriesRangeOrderAndPath() {
        std::atomic<std::int64_t> now{kNoon};
        FakeTwelveDataOptions o;
        o.clock = [&] { return now.load(); };
        o.creditsPerMinute = 100;
        FakeTwelveData fake(o);
        const auto r = get(fake,
                           "/time_series?symbol=EUR/USD&interval=1min&start_date=2026-08-10%2011:00:00"
                           "&end_date=2026-08-10%2011:09:59&timezone=UTC&order=asc");
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 200, r.status);
        const auto ts = object(r.body);
        CPPUNIT_ASSERT_EQUAL(std::string("ok"), ts->getValue<std::string>("status"));
        CPPUNIT_ASSERT_EQUAL(std::string("EUR/USD"), ts->getObject("meta")->getValue<std::string>("symbol"));
        const auto values = ts->getArray("values");
        CPPUNIT_ASSERT_EQUAL(std::size_t(10), values->size());
        const std::int64_t first = kNoon - 30'000 - 3'600'000;  // 11:00:00
        for (unsigned i = 0; i < values->size(); ++i) {
            const auto row = values->getObject(i);
            const std::int64_t open = first + i * 60'000;
            CPPUNIT_ASSERT_EQUAL(std::string("2026-08-10 11:0") + std::to_string(i) + ":00",
                                 row->getValue<std::string>("datetime"));
            // The same path /price follows: the open is the price at the bar's first second.
            CPPUNIT_ASSERT_EQUAL(fake.priceAt("EUR/USD", open), row->getValue<std::string>("open"));
            CPPUNIT_ASSERT_EQUAL(fake.priceAt("EUR/USD", open + 59'000), row->getValue<std::string>("close"));
            CPPUNIT_ASSERT(row->getValue<std::string>("high") >= row->getValue<std::string>("open"));
            CPPUNIT_ASSERT(!row->has("volume"));  // forex
        }
        // Default order: newest first; outputsize keeps the latest rows; crypto has volume.
        const auto desc = object(get(fake, "/time_series?symbol=BTC/USD&interval=5min&outputsize=3").body);
        const auto rows = desc->getArray("values");
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), rows->size());
        CPPUNIT_ASSERT_EQUAL(std::string("2026-08-10 12:00:00"), rows->getObject(0)->getValue<std::string>("datetime"));
        CPPUNIT_ASSERT_EQUAL(std::string("2026-08-10 11:50:00"), rows->getObject(2)->getValue<std::string>("datetime"));
        CPPUNIT_ASSERT(rows->getObject(0)->has("volume"));
        const auto capped = object(get(fake,
                                       "/time_series?symbol=EUR/USD&interval=1min&outputsize=4&start_date="
                                       "2026-08-10%2011:00:00&end_date=2026-08-10%2011:59:00&order=asc")
                                       .body)
                                ->getArray("values");
        CPPUNIT_ASSERT_EQUAL(std::size_t(4), capped->size());
        CPPUNIT_ASSERT_EQUAL(std::string("2026-08-10 11:56:00"),
                             capped->getObject(0)->getValue<std::string>("datetime"));
        const auto daily = object(get(fake,
                                      "/time_series?symbol=XAU/USD&interval=1day&start_date=2026-08-07"
                                      "&end_date=2026-08-10&order=asc")
                                      .body)
                               ->getArray("values");
        CPPUNIT_ASSERT_EQUAL(std::size_t(4), daily->size());
        CPPUNIT_ASSERT_EQUAL(std::string("2026-08-07"), daily->getObject(0)->getValue<std::string>("datetime"));
        CPPUNIT_ASSERT_EQUAL(1, fake.requests().back().credits);
    }

    void testTimeSeriesRefusals() {
        FakeTwelveData fake;
        const auto interval = get(fake, "/time_series?symbol=EUR/USD&interval=0.99min");
        CPPUNIT_ASSERT_EQUAL(400, interval.status);
        CPPUNIT_ASSERT_EQUAL(std::string("Invalid **interval** provided: 0.99min. Supported intervals: 1min, 5min, "
                                         "15min, 30min, 45min, 1h, 2h, 4h, 8h, 1day, 1week, 1month"),
                             object(interval.body)->getValue<std::string>("message"));
        CPPUNIT_ASSERT_EQUAL(404, get(fake, "/time_series?symbol=NOPE/USD&interval=1min").status);
        CPPUNIT_ASSERT_EQUAL(403, get(fake, "/time_series?symbol=SPX&interval=1min").status);
        CPPUNIT_ASSERT_EQUAL(400, get(fake, "/time_series?symbol=EUR/USD&interval=1min&outputsize=5001").status);
        CPPUNIT_ASSERT_EQUAL(400, get(fake, "/time_series?symbol=EUR/USD&interval=1min&start_date=yesterday").status);
        const auto none = get(fake, "/time_series?symbol=EUR/USD&interval=1min&start_date=2099-01-01");
        CPPUNIT_ASSERT_EQUAL(400, none.status);
        CPPUNIT_ASSERT(object(none.body)->getValue<std::string>("message").rfind("No data is available", 0) == 0);
        CPPUNIT_ASSERT_EQUAL(1, fake.creditsUsedToday());  // refusals cost nothing; 'no data' was a valid request
    }

    void testScriptedRestFaults() {
        FakeTwelveData fake;
        fake.failNext(503, 2);
        const auto failed = get(fake, "/price?symbol=EUR/USD");
        CPPUNIT_ASSERT_EQUAL(503, failed.status);
        CPPUNIT_ASSERT_EQUAL(503, code(failed));
        CPPUNIT_ASSERT_EQUAL(503, get(fake, "/price?symbol=EUR/USD").status);
        CPPUNIT_ASSERT_EQUAL(200, get(fake, "/price?symbol=EUR/USD").status);
        fake.malformedNext(1);
        const auto bad = get(fake, "/price?symbol=EUR/USD");
        CPPUNIT_ASSERT_EQUAL(200, bad.status);
        CPPUNIT_ASSERT_THROW(object(bad.body), Poco::Exception);
        CPPUNIT_ASSERT_EQUAL(200, get(fake, "/price?symbol=EUR/USD").status);
        fake.setDelay(std::chrono::milliseconds(300));
        const auto start = std::chrono::steady_clock::now();
        CPPUNIT_ASSERT_EQUAL(200, get(fake, "/price?symbol=EUR/USD").status);
        CPPUNIT_ASSERT(std::chrono::steady_clock::now() - start >= std::chrono::milliseconds(300));
        CPPUNIT_ASSERT_EQUAL(6, fake.restRequests());
    }

    void testStreamSubscribeHeartbeatAndPrices() {
        FakeTwelveData fake;
        bourse::Metrics metrics;
        WsClient client(metrics);
        Events e;
        const auto id = client.connect(fake.wsUrl() + "/v1/quotes/price?apikey=test-key", e.sink());
        CPPUNIT_ASSERT(e.waitUntil([&] { return e.open; }));
        CPPUNIT_ASSERT(
            client.send(id, R"({"action":"subscribe","params":{"symbols":"EUR/USD,BTC/USD,SPX,NOPE/USD"}})"));
        CPPUNIT_ASSERT(e.waitUntil([&] { return e.has("subscribe-status"); }));
        std::string status;
        {
            std::lock_guard lock(e.mutex);
            for (const auto& m : e.messages)
                if (m.find("subscribe-status") != std::string::npos) status = m;
        }
        const auto s = object(status);
        CPPUNIT_ASSERT_EQUAL(std::string("warning"), s->getValue<std::string>("status"));
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), s->getArray("success")->size());
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), s->getArray("fails")->size());
        CPPUNIT_ASSERT_EQUAL(std::string("SPX"), s->getArray("fails")->getObject(0)->getValue<std::string>("symbol"));
        CPPUNIT_ASSERT(e.waitUntil([&] {
            return e.has(R"("event":"price","symbol":"EUR/USD")") && e.has(R"("event":"price","symbol":"BTC/USD")");
        }));
        CPPUNIT_ASSERT(client.send(id, R"({"action":"heartbeat"})"));
        CPPUNIT_ASSERT(e.waitUntil([&] { return e.has(R"({"event":"heartbeat","status":"ok"})"); }));
        CPPUNIT_ASSERT_EQUAL(1, fake.heartbeatsReceived());
        // Prices are JSON numbers, timestamps whole seconds, both on the same path as /price.
        const std::regex event(R"re("symbol":"BTC/USD".*"timestamp":([0-9]+),"price":([0-9]+(\.[0-9]+)?)[,}])re");
        std::lock_guard lock(e.mutex);
        int checked = 0;
        for (const auto& m : e.messages) {
            std::smatch match;
            if (!std::regex_search(m, match, event)) continue;
            const std::int64_t second = std::stoll(match[1]);
            std::string expected = fake.priceAt("BTC/USD", second * 1000, 6);
            while (expected.back() == '0')
                expected.pop_back();
            if (expected.back() == '.') expected.pop_back();
            CPPUNIT_ASSERT_EQUAL(expected, match[2].str());
            ++checked;
        }
        CPPUNIT_ASSERT(checked > 0);
        const auto sent = fake.streamMessages();
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), sent.size());
        CPPUNIT_ASSERT_EQUAL(std::string("test-key"), fake.lastStreamKey());
    }

    void testStreamNeedsTheKey() {
        FakeTwelveData fake;
        bourse::Metrics metrics;
        WsClient client(metrics);
        Events e;
        client.connect(fake.wsUrl() + "/v1/quotes/price", e.sink());
        CPPUNIT_ASSERT(e.waitUntil([&] { return !e.closed.empty(); }));
        CPPUNIT_ASSERT(!e.open);
        CPPUNIT_ASSERT_EQUAL(0, fake.streamsOpened());
        Events wrong;
        client.connect(fake.wsUrl() + "/v1/quotes/price?apikey=nope", wrong.sink());
        CPPUNIT_ASSERT(wrong.waitUntil([&] { return !wrong.closed.empty(); }));
        CPPUNIT_ASSERT_EQUAL(std::string("nope"), fake.lastStreamKey());
        CPPUNIT_ASSERT_EQUAL(0, fake.streamsOpened());
        client.stop();
    }

    void testStreamFaults() {
        FakeTwelveData fake;
        bourse::Metrics metrics;
        WsClient client(metrics);
        Events e;
        const auto id = client.connect(fake.wsUrl() + "/v1/quotes/price?apikey=test-key", e.sink());
        CPPUNIT_ASSERT(e.waitUntil([&] { return e.open; }));
        client.send(id, R"({"action":"subscribe","params":{"symbols":"EUR/USD"}})");
        CPPUNIT_ASSERT(e.waitUntil([&] { return e.has(R"("event":"price")"); }));
        // Heartbeats ignored: no reply, prices continue.
        fake.ignoreHeartbeats(true);
        client.send(id, R"({"action":"heartbeat"})");
        const std::size_t before = e.count();
        CPPUNIT_ASSERT(e.waitUntil([&] { return e.messages.size() >= before + 3; }));
        {
            std::lock_guard lock(e.mutex);
            CPPUNIT_ASSERT(!e.has(R"("event":"heartbeat")"));
        }
        fake.ignoreHeartbeats(false);
        // Stalled: open and silent, heartbeats unanswered.
        fake.stallStreams(true);
        std::this_thread::sleep_for(std::chrono::milliseconds(400));  // frames in flight land
        const std::size_t stalled = e.count();
        client.send(id, R"({"action":"heartbeat"})");
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
        CPPUNIT_ASSERT_EQUAL(stalled, e.count());
        CPPUNIT_ASSERT(e.closed.empty());
        fake.stallStreams(false);
        // One malformed frame, then prices again.
        fake.sendMalformed();
        CPPUNIT_ASSERT(e.waitUntil([&] {
            for (const auto& m : e.messages)
                if (m.back() != '}') return true;
            return false;
        }));
        // Dropped mid-frame, no close frame.
        fake.dropStreams();
        CPPUNIT_ASSERT(e.waitUntil([&] { return !e.closed.empty(); }));
        CPPUNIT_ASSERT(e.closed.find("closed by the server (1") == std::string::npos);  // not a polite close
        client.stop();
    }

    void testStreamHeartbeatTimeoutAndConnectionLimit() {
        FakeTwelveDataOptions o;
        o.heartbeatTimeout = std::chrono::milliseconds(400);
        FakeTwelveData fake(o);
        bourse::Metrics metrics;
        WsClient client(metrics);
        Events silent, beating;
        client.connect(fake.wsUrl() + "/v1/quotes/price?apikey=test-key", silent.sink());
        const auto id = client.connect(fake.wsUrl() + "/v1/quotes/price?apikey=test-key", beating.sink());
        CPPUNIT_ASSERT(beating.waitUntil([&] { return beating.open; }));
        for (int i = 0; i < 10; ++i) {
            client.send(id, R"({"action":"heartbeat"})");
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        CPPUNIT_ASSERT(silent.waitUntil([&] { return !silent.closed.empty(); }));
        CPPUNIT_ASSERT_EQUAL(std::string("closed by the server (1001: no heartbeat)"), silent.closed);
        CPPUNIT_ASSERT(beating.closed.empty());  // heartbeats keep it
        client.stop();

        // At most 3 connections per key: a fourth closes the oldest.
        FakeTwelveData limited;
        WsClient second(metrics);
        Events a, b, c, d;
        for (Events* e : {&a, &b, &c}) {
            second.connect(limited.wsUrl() + "/v1/quotes/price?apikey=test-key", e->sink());
            CPPUNIT_ASSERT(e->waitUntil([&] { return e->open; }));
        }
        second.connect(limited.wsUrl() + "/v1/quotes/price?apikey=test-key", d.sink());
        CPPUNIT_ASSERT(a.waitUntil([&] { return !a.closed.empty(); }));
        CPPUNIT_ASSERT(a.closed.find("connection limit") != std::string::npos);
        CPPUNIT_ASSERT(d.waitUntil([&] { return d.open; }));
        CPPUNIT_ASSERT(b.closed.empty() && c.closed.empty());
        CPPUNIT_ASSERT_EQUAL(4, limited.streamsOpened());
        second.stop();
        client.stop();
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(FakeTwelveDataTest);
