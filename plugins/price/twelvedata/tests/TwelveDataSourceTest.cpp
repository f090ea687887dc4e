// The twelvedata plugin in a real host (the kernel's plugin manager, market
// data, timers, HTTP and WebSocket clients) against the fake Twelve Data and
// its faults. Clock tricks (TwelveDataRig.h) keep minute-bound cases short.
#include "TwelveDataRig.h"

#include <Poco/JSON/Array.h>
#include <Poco/URI.h>

#include <cppunit/extensions/HelperMacros.h>

#include <map>
#include <thread>

using namespace bourse;
using namespace bourse::test;
using bourse::fakes::FakeTwelveData;
using bourse::fakes::FakeTwelveDataRequest;

namespace {

const std::string kThree = R"([{"symbol":"EURUSD","twelvedata":"EUR/USD","price_scale":5},)"
                           R"({"symbol":"XAUUSD","twelvedata":"XAU/USD","price_scale":2},)"
                           R"({"symbol":"BTCUSDT","twelvedata":"BTC/USD","price_scale":2}])";
const std::string kTwo = R"([{"symbol":"EURUSD","twelvedata":"EUR/USD","price_scale":5},)"
                         R"({"symbol":"BTCUSDT","twelvedata":"BTC/USD","price_scale":2}])";

/// A config against the fake; `extra` adds keys (",\"mode\":\"ws\"").
Rig::Config config(const std::string& symbols, const std::string& extra = "") {
    return [symbols, extra](const FakeTwelveData& fake) {
        return R"({"rest_url":")" + fake.restUrl() + R"(","ws_url":")" + fake.wsUrl() + R"(","symbols":)" + symbols +
               extra + "}";
    };
}

/// Plenty of credits, quick polls and retries: for cases that are not about the budget.
const std::string kQuick =
    R"(,"credits_per_minute":1000,"credits_per_day":1000000,"poll_interval_ms":150,"backoff_min_ms":100,)"
    R"("backoff_max_ms":400,"request_timeout_ms":400)";

/// Half-up rounding of a non-negative decimal text, digit by digit (independent of bourse::Decimal).
std::string roundHalfUp(const std::string& text, int scale) {
    const auto dot = text.find('.');
    const std::string whole = text.substr(0, dot);
    std::string fraction = dot == std::string::npos ? "" : text.substr(dot + 1);
    fraction.resize(std::max(fraction.size(), static_cast<std::size_t>(scale) + 1), '0');
    std::string digits = whole + fraction.substr(0, static_cast<std::size_t>(scale));
    if (fraction[static_cast<std::size_t>(scale)] >= '5') {
        int i = static_cast<int>(digits.size()) - 1;
        while (i >= 0 && digits[static_cast<std::size_t>(i)] == '9')
            digits[static_cast<std::size_t>(i--)] = '0';
        if (i < 0)
            digits.insert(0, "1");
        else
            ++digits[static_cast<std::size_t>(i)];
    }
    if (scale > 0) digits.insert(digits.size() - static_cast<std::size_t>(scale), ".");
    return digits;
}

std::vector<FakeTwelveDataRequest> sent(const FakeTwelveData& fake, const std::string& path) {
    std::vector<FakeTwelveDataRequest> out;
    for (const auto& r : fake.requests())
        if (r.path == path) out.push_back(r);
    return out;
}

std::string symbolState(Rig& r, const std::string& symbol) {
    const auto list = r.status()->getArray("symbols");
    for (std::size_t i = 0; i < list->size(); ++i)
        if (list->getObject(static_cast<unsigned>(i))->getValue<std::string>("symbol") == symbol)
            return list->getObject(static_cast<unsigned>(i))->getValue<std::string>("state");
    return "";
}

}  // namespace

class TwelveDataSourceTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(TwelveDataSourceTest);
    CPPUNIT_TEST(testPricesPublishedAtTheInstrumentScale);
    CPPUNIT_TEST(testBudgetRespectedOnAFastClock);
    CPPUNIT_TEST(testInvalidKeyBannedAndSilent);
    CPPUNIT_TEST(testRateLimitedUntilTheNextMinute);
    CPPUNIT_TEST(testUnknownAndRefusedSymbolsReportedOthersContinue);
    CPPUNIT_TEST(testFailuresRetriedWithoutBlockingTheKernel);
    CPPUNIT_TEST(testFetchCandlesFromTimeSeries);
    CPPUNIT_TEST(testHistoryRespectsTheBudget);
    CPPUNIT_TEST(testStreamPricesAndHeartbeats);
    CPPUNIT_TEST(testStreamDropReconnectsWithBackoff);
    CPPUNIT_TEST(testSilentStreamReplacedQuietHeartbeatsAreNot);
    CPPUNIT_TEST(testStreamRefusedSymbolFallsBackToRest);
    CPPUNIT_TEST(testMissingKeyIsAConfigError);
    CPPUNIT_TEST_SUITE_END();

public:
    void testPricesPublishedAtTheInstrumentScale() {
        Rig r(config(kThree, kQuick));
        r.h.manager->startAll();
        // Instruments from config, at once (no discovery call first).
        CPPUNIT_ASSERT(r.h.market->instrument("EURUSD").has_value());
        CPPUNIT_ASSERT_EQUAL(5, r.h.market->instrument("EURUSD")->priceScale);
        CPPUNIT_ASSERT_EQUAL(2, r.h.market->instrument("BTCUSDT")->priceScale);
        CPPUNIT_ASSERT_EQUAL(std::string("twelvedata"), r.h.market->instrument("XAUUSD")->source);
        CPPUNIT_ASSERT(eventually([&] { return r.lastTs("EURUSD") && r.lastTs("XAUUSD") && r.lastTs("BTCUSDT"); }));
        CPPUNIT_ASSERT(eventually([&] { return r.sourceState() == "live"; }));
        // Each tick is the fake's price text rounded half-up to the instrument's scale.
        const std::map<std::string, std::pair<std::string, int>> of = {
            {"EURUSD", {"EUR/USD", 5}}, {"XAUUSD", {"XAU/USD", 2}}, {"BTCUSDT", {"BTC/USD", 2}}};
        const auto log = sent(r.fake, "/price");
        for (const auto& [symbol, provider] : of) {
            const auto tick = r.h.market->lastTick(symbol);
            CPPUNIT_ASSERT_EQUAL(provider.second, tick->price.scale);
            bool served = false;
            for (const auto& req : log) {
                const auto body = Poco::JSON::Parser().parse(req.body).extract<Poco::JSON::Object::Ptr>();
                const auto entry = body->getObject(provider.first);
                served |= entry &&
                          roundHalfUp(entry->getValue<std::string>("price"), provider.second) == tick->price.toString();
            }
            CPPUNIT_ASSERT_MESSAGE(symbol + " " + tick->price.toString(), served);
        }
        // One batch a poll, the key in the header only.
        CPPUNIT_ASSERT_EQUAL(std::string("EUR/USD,XAU/USD,BTC/USD"), log[0].params.at("symbol"));
        CPPUNIT_ASSERT_EQUAL(std::string("apikey test-key"), log[0].authorization);
        CPPUNIT_ASSERT(!log[0].params.count("apikey"));
    }

    void testBudgetRespectedOnAFastClock() {
        // 8 credits a minute as on the Basic plan (the fake enforces the same), on a clock 20× real time:
        // polls of 2 credits may spend 7 a minute (1 kept for history) → 3 polls a minute, 20 s apart.
        RigOptions o;
        o.speed = 20;
        o.fake.creditsPerMinute = 8;
        o.fake.creditsPerDay = 1'000'000;
        Rig r(config(kTwo, R"(,"credits_per_minute":8,"credits_per_day":1000000,"poll_interval_ms":0)"), o);
        const std::int64_t t0 = r.clock.nowMs();
        r.h.manager->startAll();
        const std::int64_t spacing = 60'000 / ((8 - 1) / 2);
        CPPUNIT_ASSERT_EQUAL(spacing, r.status()->getValue<std::int64_t>("poll_interval_ms"));
        std::this_thread::sleep_for(std::chrono::seconds(6));  // two host minutes
        const std::int64_t elapsed = r.clock.nowMs() - t0;
        const auto log = sent(r.fake, "/price");
        std::map<std::int64_t, int> perMinute;
        for (const auto& req : log) {
            CPPUNIT_ASSERT_EQUAL_MESSAGE(req.body, 0, req.code);  // never a 429
            perMinute[req.atMs / 60'000] += req.credits;
        }
        // The plugin plans 7 a minute (unit-tested exactly); the fake may see a poll sent just before a
        // minute turned arrive just after it, so it can count one more poll, never past its limit.
        for (const auto& [minute, credits] : perMinute)
            CPPUNIT_ASSERT_MESSAGE(std::to_string(credits) + " credits in one minute", credits <= 8);
        CPPUNIT_ASSERT(static_cast<std::int64_t>(log.size()) <= elapsed / spacing + 1);
        CPPUNIT_ASSERT_MESSAGE(std::to_string(log.size()) + " polls", log.size() >= 4);
        CPPUNIT_ASSERT(r.status()->getObject("credits")->getValue<int>("used_this_minute") <= 7);
    }

    void testInvalidKeyBannedAndSilent() {
        for (const bool http200 : {false, true}) {
            RigOptions o;
            o.key = "wrong-key";
            Rig r(config(kTwo, kQuick), o);
            r.fake.errorsWithHttp200(http200);
            r.h.manager->startAll();
            CPPUNIT_ASSERT(eventually([&] { return r.sourceState() == "banned"; }));
            const auto detail = r.h.market->sourceStatus("twelvedata")->detail;
            CPPUNIT_ASSERT_MESSAGE(detail, detail.find("invalid API key") != std::string::npos);
            const auto s = r.status();
            CPPUNIT_ASSERT_EQUAL(std::string("banned"), s->getValue<std::string>("state"));
            CPPUNIT_ASSERT(s->getValue<std::string>("last_error").find("code 401") != std::string::npos);
            const int seen = r.fake.restRequests();
            CPPUNIT_ASSERT_EQUAL(http200 ? 200 : 401, r.fake.requests().front().httpStatus);
            std::this_thread::sleep_for(std::chrono::milliseconds(800));  // many poll intervals
            CPPUNIT_ASSERT_EQUAL(BOURSE_E_UNAVAILABLE, r.candles("EURUSD", 60, 0, 60'000).first);
            CPPUNIT_ASSERT_EQUAL(seen, r.fake.restRequests());  // nothing more was sent
            CPPUNIT_ASSERT((r.h.manager->command("twelvedata", "status", "{}", "test") + detail).find("wrong-key") ==
                           std::string::npos);
            CPPUNIT_ASSERT_EQUAL(std::string("running"), r.h.manager->status("twelvedata").state);
        }
    }

    void testRateLimitedUntilTheNextMinute() {
        for (const bool http200 : {false, true}) {
            // Another client of the key spent this minute's credits; the minute turns 2.5 s into the test.
            RigOptions o;
            o.startMs = TestClock::beforeMinute(2'500);
            Rig r(config(kTwo, R"(,"credits_per_minute":8,"credits_per_day":1000000,"poll_interval_ms":100)"), o);
            r.fake.errorsWithHttp200(http200);
            r.fake.spendCredits(8);
            r.h.manager->startAll();
            CPPUNIT_ASSERT(eventually([&] { return r.sourceState() == "backing_off"; }));
            const auto first = r.fake.requests().front();
            CPPUNIT_ASSERT_EQUAL(429, first.code);
            CPPUNIT_ASSERT_EQUAL(http200 ? 200 : 429, first.httpStatus);
            CPPUNIT_ASSERT(!r.status()->getValue<std::string>("blocked_until").empty());
            CPPUNIT_ASSERT(eventually([&] { return r.sourceState() == "live"; }));
            const std::int64_t boundary = (first.atMs / 60'000 + 1) * 60'000;
            const auto log = r.fake.requests();
            CPPUNIT_ASSERT(log.size() >= 2);
            for (std::size_t i = 1; i < log.size(); ++i)
                CPPUNIT_ASSERT_MESSAGE(std::to_string(boundary - log[i].atMs) + " ms early", log[i].atMs >= boundary);
            CPPUNIT_ASSERT_EQUAL(0, log[1].code);
            CPPUNIT_ASSERT(r.lastTs("EURUSD") > 0);
        }
    }

    void testUnknownAndRefusedSymbolsReportedOthersContinue() {
        Rig r(config(R"([{"symbol":"EURUSD","twelvedata":"EUR/USD","price_scale":5},)"
                     R"({"symbol":"NOPEUSD","twelvedata":"NOPE/USD","price_scale":2},)"
                     R"({"symbol":"SPX500","twelvedata":"SPX","price_scale":2}])",
                     kQuick));
        r.h.manager->startAll();
        CPPUNIT_ASSERT(eventually([&] {
            return !r.h.market->instrument("NOPEUSD").has_value() && !r.h.market->instrument("SPX500").has_value();
        }));
        CPPUNIT_ASSERT_EQUAL(std::string("unknown"), symbolState(r, "NOPEUSD"));
        CPPUNIT_ASSERT_EQUAL(std::string("refused"), symbolState(r, "SPX500"));
        CPPUNIT_ASSERT_EQUAL(std::string("active"), symbolState(r, "EURUSD"));
        const auto before = r.lastTs("EURUSD");
        CPPUNIT_ASSERT(eventually([&] { return r.lastTs("EURUSD") > before; }));  // the others continue
        CPPUNIT_ASSERT_EQUAL(std::string("EUR/USD"), sent(r.fake, "/price").back().params.at("symbol"));
        CPPUNIT_ASSERT_EQUAL(std::string("running"), r.h.manager->status("twelvedata").state);
    }

    void testFailuresRetriedWithoutBlockingTheKernel() {
        Rig r(config(kTwo, kQuick));
        r.h.manager->startAll();
        CPPUNIT_ASSERT(eventually([&] { return r.lastTs("EURUSD") > 0; }));
        r.fake.failNext(503, 2);
        r.fake.malformedNext(1);
        CPPUNIT_ASSERT(eventually([&] {
            const auto s = r.status();
            return s->getValue<int>("errors") >= 3 && s->getValue<int>("malformed") >= 1;
        }));
        const auto before = r.lastTs("EURUSD");
        CPPUNIT_ASSERT(eventually([&] { return r.lastTs("EURUSD") > before; }));
        // Each retry waited at least half the first backoff step.
        const auto log = sent(r.fake, "/price");
        for (std::size_t i = 0; i + 1 < log.size(); ++i)
            if (log[i].code == 503) CPPUNIT_ASSERT(log[i + 1].atMs - log[i].atMs >= 50);
        // Slow replies: requests time out, the kernel's calls into the plugin are not held up.
        r.fake.setDelay(std::chrono::milliseconds(1'200));
        const int errors = r.status()->getValue<int>("errors");
        for (int i = 0; i < 10; ++i) {
            const auto start = std::chrono::steady_clock::now();
            r.status();
            CPPUNIT_ASSERT(std::chrono::steady_clock::now() - start < std::chrono::milliseconds(200));
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        CPPUNIT_ASSERT(eventually([&] { return r.status()->getValue<int>("errors") > errors; }));
        CPPUNIT_ASSERT(r.status()->getValue<std::string>("last_error").find("upstream") != std::string::npos);
        r.fake.setDelay(std::chrono::milliseconds(0));
        const auto later = r.lastTs("EURUSD");
        CPPUNIT_ASSERT_MESSAGE(r.h.manager->command("twelvedata", "status", "{}", "test"),
                               eventually([&] { return r.lastTs("EURUSD") > later; }, std::chrono::seconds(8)));
        CPPUNIT_ASSERT(eventually([&] { return r.sourceState() == "live"; }));
        CPPUNIT_ASSERT_EQUAL(std::string("running"), r.h.manager->status("twelvedata").state);
    }

    void testFetchCandlesFromTimeSeries() {
        // Pages of 5,000 rows take the fake a while on a busy machine: the default timeout.
        // Polling slowed right down: on a slow (sanitizer) build it otherwise spends the
        // minute's credits before the history calls below are made.
        Rig r(config(kThree, R"(,"credits_per_minute":1000,"credits_per_day":1000000,"poll_interval_ms":600000)"));
        r.h.manager->startAll();
        const std::int64_t now = r.clock.nowMs() / 60'000 * 60'000;
        const std::int64_t from = now - 90 * 60'000, to = now - 30 * 60'000;
        const auto [status, json] = r.candles("BTCUSDT", 60, from - 59'999, to);  // from rounds up to a minute
        CPPUNIT_ASSERT_EQUAL_MESSAGE(json, BOURSE_OK, status);
        const auto rows = Poco::JSON::Parser().parse(json).extract<Poco::JSON::Array::Ptr>();
        CPPUNIT_ASSERT_EQUAL(std::size_t(60), rows->size());
        for (unsigned i = 0; i < rows->size(); ++i) {
            const auto row = rows->getArray(i);
            const auto open = row->getElement<std::int64_t>(0);
            CPPUNIT_ASSERT_EQUAL(from + i * 60'000, open);  // oldest first, every minute, within [from, to)
            CPPUNIT_ASSERT_EQUAL(roundHalfUp(r.fake.priceAt("BTC/USD", open), 2), row->getElement<std::string>(1));
            CPPUNIT_ASSERT(row->getElement<std::string>(5) != "0");  // crypto has volume
        }
        const auto req = sent(r.fake, "/time_series").back();
        CPPUNIT_ASSERT_EQUAL(std::string("BTC/USD"), req.params.at("symbol"));
        CPPUNIT_ASSERT_EQUAL(std::string("1min"), req.params.at("interval"));
        CPPUNIT_ASSERT_EQUAL(std::string("UTC"), req.params.at("timezone"));
        CPPUNIT_ASSERT_EQUAL(std::string("asc"), req.params.at("order"));
        CPPUNIT_ASSERT_EQUAL(std::string("60"), req.params.at("outputsize"));
        CPPUNIT_ASSERT_EQUAL(std::string("apikey test-key"), req.authorization);

        // 6,000 minutes: two pages of at most 5,000, contiguous.
        const std::int64_t longFrom = now - 6'060 * 60'000, longTo = now - 60 * 60'000;
        const auto paged = r.candles("EURUSD", 60, longFrom, longTo);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(paged.second, BOURSE_OK, paged.first);
        const auto many = Poco::JSON::Parser().parse(paged.second).extract<Poco::JSON::Array::Ptr>();
        CPPUNIT_ASSERT_EQUAL(std::size_t(6'000), many->size());
        for (unsigned i = 0; i < many->size(); ++i)
            CPPUNIT_ASSERT_EQUAL(longFrom + i * 60'000, many->getArray(i)->getElement<std::int64_t>(0));
        CPPUNIT_ASSERT_EQUAL(std::string("0"), many->getArray(0)->getElement<std::string>(5));  // forex: no volume
        CPPUNIT_ASSERT_EQUAL(r.fake.priceAt("EUR/USD", longFrom), many->getArray(0)->getElement<std::string>(1));
        const auto pages = sent(r.fake, "/time_series");
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), pages.size());
        CPPUNIT_ASSERT_EQUAL(std::string("5000"), pages[1].params.at("outputsize"));
        CPPUNIT_ASSERT_EQUAL(std::string("1000"), pages[2].params.at("outputsize"));

        // Daily bars open at midnight UTC; hours work too; other lengths and symbols are refused.
        const std::int64_t today = now / 86'400'000 * 86'400'000;
        const auto days = r.candles("XAUUSD", 86'400, today - 5 * 86'400'000, today);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(days.second, BOURSE_OK, days.first);
        const auto daily = Poco::JSON::Parser().parse(days.second).extract<Poco::JSON::Array::Ptr>();
        CPPUNIT_ASSERT_EQUAL(std::size_t(5), daily->size());
        CPPUNIT_ASSERT_EQUAL(today - 5 * 86'400'000, daily->getArray(0)->getElement<std::int64_t>(0));
        CPPUNIT_ASSERT_EQUAL(BOURSE_OK, r.candles("XAUUSD", 3'600, now - 3 * 3'600'000, now).first);
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_INVALID, r.candles("XAUUSD", 7, now - 60'000, now).first);
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_NOT_FOUND, r.candles("NOPE", 60, now - 60'000, now).first);
        CPPUNIT_ASSERT_EQUAL(std::string("[]"), r.candles("XAUUSD", 60, now, now).second);
    }

    void testHistoryRespectsTheBudget() {
        // 3 credits a minute (one kept for history), the fake's limit too; the minute has just begun.
        RigOptions o;
        o.startMs = TestClock::afterMinute(500);
        o.fake.creditsPerMinute = 3;
        Rig r(config(R"([{"symbol":"EURUSD","twelvedata":"EUR/USD","price_scale":5}])",
                     R"(,"credits_per_minute":3,"credits_per_day":1000)"),
              o);
        r.h.manager->startAll();
        CPPUNIT_ASSERT_MESSAGE(r.h.manager->command("twelvedata", "status", "{}", "test"),
                               eventually([&] { return r.lastTs("EURUSD") > 0; }));  // the poll: 1 credit
        const std::int64_t now = r.clock.nowMs() / 60'000 * 60'000;
        CPPUNIT_ASSERT_EQUAL(BOURSE_OK, r.candles("EURUSD", 60, now - 600'000, now).first);  // 2
        CPPUNIT_ASSERT_EQUAL(BOURSE_OK, r.candles("EURUSD", 60, now - 600'000, now).first);  // 3
        const auto [status, message] = r.candles("EURUSD", 60, now - 600'000, now);
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_UNAVAILABLE, status);
        CPPUNIT_ASSERT_MESSAGE(message, message.find("credit budget exhausted until") != std::string::npos);
        for (const auto& req : r.fake.requests())
            CPPUNIT_ASSERT_EQUAL_MESSAGE(req.body, 0, req.code);  // never past the limit
        CPPUNIT_ASSERT_EQUAL(3, r.fake.creditsUsedThisMinute());
    }

    void testStreamPricesAndHeartbeats() {
        RigOptions o;
        o.fake.heartbeatTimeout = std::chrono::milliseconds(700);  // the fake drops clients that stay silent
        Rig r(config(kTwo, R"(,"mode":"ws","heartbeat_ms":200,"stale_after_ms":1000)" + kQuick), o);
        r.h.manager->startAll();
        CPPUNIT_ASSERT(eventually([&] { return r.lastTs("EURUSD") > 0 && r.lastTs("BTCUSDT") > 0; }));
        CPPUNIT_ASSERT(eventually([&] { return r.sourceState() == "live"; }));
        std::this_thread::sleep_for(std::chrono::milliseconds(2'000));
        CPPUNIT_ASSERT_EQUAL(1, r.fake.streamsOpened());  // heartbeats kept it open past the fake's timeout
        CPPUNIT_ASSERT(r.fake.heartbeatsReceived() >= 5);
        CPPUNIT_ASSERT_EQUAL(std::string("test-key"), r.fake.lastStreamKey());
        const auto frames = r.fake.streamMessages();
        CPPUNIT_ASSERT(!frames.empty());
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"action":"subscribe","params":{"symbols":"EUR/USD,BTC/USD"}})"),
                             frames[0]);
        const auto s = r.status();
        CPPUNIT_ASSERT_EQUAL(std::string("open"), s->getValue<std::string>("stream"));
        CPPUNIT_ASSERT(s->getValue<int>("heartbeat_replies") >= 4);
        // The stream's JSON-number price, rounded half-up to the scale, stamped with its second.
        const auto tick = r.h.market->lastTick("BTCUSDT");
        CPPUNIT_ASSERT_EQUAL(2, tick->price.scale);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), tick->tsNs % 1'000'000'000);
        CPPUNIT_ASSERT_EQUAL(roundHalfUp(r.fake.priceAt("BTC/USD", tick->tsNs / 1'000'000, 6), 2),
                             tick->price.toString());
        // REST only fills in while the stream is down.
        const std::size_t polls = sent(r.fake, "/price").size();
        std::this_thread::sleep_for(std::chrono::milliseconds(600));
        CPPUNIT_ASSERT_EQUAL(polls, sent(r.fake, "/price").size());
    }

    void testStreamDropReconnectsWithBackoff() {
        Rig r(config(kTwo, R"(,"mode":"ws","heartbeat_ms":200,"stale_after_ms":1000,"backoff_min_ms":300,)"
                           R"("backoff_max_ms":2000,"credits_per_day":1000000)"));
        r.h.manager->startAll();
        CPPUNIT_ASSERT(eventually([&] { return r.sourceState() == "live"; }));
        const auto dropped = std::chrono::steady_clock::now();
        r.fake.dropStreams();
        CPPUNIT_ASSERT(eventually([&] { return r.sourceState() == "backing_off"; }));
        CPPUNIT_ASSERT(eventually([&] { return r.fake.streamsOpened() >= 2; }));
        CPPUNIT_ASSERT(std::chrono::steady_clock::now() - dropped >= std::chrono::milliseconds(150));  // jittered wait
        CPPUNIT_ASSERT(eventually([&] { return r.sourceState() == "live"; }));
        CPPUNIT_ASSERT(r.status()->getValue<int>("reconnects") >= 1);
        const auto before = r.lastTs("EURUSD");
        CPPUNIT_ASSERT(eventually([&] { return r.lastTs("EURUSD") > before; }));
    }

    void testSilentStreamReplacedQuietHeartbeatsAreNot() {
        Rig r(config(kTwo, R"(,"mode":"ws","heartbeat_ms":200,"stale_after_ms":800,"backoff_min_ms":100,)"
                           R"("backoff_max_ms":400,"credits_per_day":1000000)"));
        r.h.manager->startAll();
        CPPUNIT_ASSERT(eventually([&] { return r.sourceState() == "live"; }));
        r.fake.ignoreHeartbeats(true);  // prices still flow: that is alive enough
        std::this_thread::sleep_for(std::chrono::milliseconds(1'500));
        CPPUNIT_ASSERT_EQUAL(1, r.fake.streamsOpened());
        r.fake.ignoreHeartbeats(false);
        r.fake.stallStreams(true);  // open, but nothing at all
        CPPUNIT_ASSERT(eventually([&] { return r.fake.streamsOpened() >= 2; }));
        r.fake.stallStreams(false);
        CPPUNIT_ASSERT(eventually([&] { return r.status()->getValue<std::string>("stream") == "open"; }));
        const auto before = r.lastTs("BTCUSDT");
        CPPUNIT_ASSERT(eventually([&] { return r.lastTs("BTCUSDT") > before; }));
        CPPUNIT_ASSERT(r.status()->getValue<int>("reconnects") >= 1);
    }

    void testStreamRefusedSymbolFallsBackToRest() {
        Rig r(config(R"([{"symbol":"EURUSD","twelvedata":"EUR/USD","price_scale":5},)"
                     R"({"symbol":"SPX500","twelvedata":"SPX","price_scale":2}])",
                     R"(,"mode":"ws","heartbeat_ms":200,"stale_after_ms":1000)" + kQuick));
        r.h.manager->startAll();
        // The stream refuses SPX (not in the plan): REST is asked, refuses too, and SPX500 is withdrawn.
        CPPUNIT_ASSERT(eventually([&] { return !r.h.market->instrument("SPX500").has_value(); }));
        CPPUNIT_ASSERT_EQUAL(std::string("refused"), symbolState(r, "SPX500"));
        bool asked = false;
        for (const auto& req : sent(r.fake, "/price"))
            asked |= req.params.at("symbol").find("SPX") != std::string::npos;
        CPPUNIT_ASSERT(asked);
        const auto before = r.lastTs("EURUSD");
        CPPUNIT_ASSERT(eventually([&] { return r.lastTs("EURUSD") > before; }));
        CPPUNIT_ASSERT_EQUAL(std::string("open"), r.status()->getValue<std::string>("stream"));
    }

    void testMissingKeyIsAConfigError() {
        RigOptions o;
        o.key = "";
        Rig r(config(kTwo), o);
        r.h.manager->startAll();
        const auto st = r.h.manager->status("twelvedata");
        CPPUNIT_ASSERT_EQUAL(std::string("failed"), st.state);
        CPPUNIT_ASSERT_MESSAGE(st.lastError, st.lastError.find("config: secrets.api_key") != std::string::npos);
        CPPUNIT_ASSERT_EQUAL(0, r.fake.restRequests());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(TwelveDataSourceTest);
