// The plugin on the SDK's FakeHost: simulated time, so budgets, windows and
// backoff are checked to the millisecond over hours that pass instantly. A
// small responder answers as Twelve Data does (tests script its failures).
// The same behaviours run against the fake server in a real kernel in
// TwelveDataSourceTest.cpp.
#include <bourse/testing/Conformance.hpp>
#include <bourse/testing/FakeHost.hpp>
#include <bourse/testing/PluginUnderTest.hpp>

#include <Poco/DateTime.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/URI.h>

#include <cppunit/extensions/HelperMacros.h>

#include <ctime>
#include <iomanip>
#include <map>
#include <sstream>

extern "C" const bourse_module bourse_module_entry;

using namespace bourse;
using namespace bourse::testing;

namespace {

constexpr const char* kKey = "sekret-key-123";

/// FakeHost's clock starts at 2023-11-14 22:13:20 UTC: 40 s before a minute turns.
constexpr std::int64_t kStartMs = 1'700'000'000'000;

std::string config(const std::string& symbols, const std::string& extra = "") {
    return R"({"rest_url":"https://td.test","symbols":)" + symbols + extra + "}";
}

const std::string kTwo = R"([{"symbol":"EURUSD","twelvedata":"EUR/USD","price_scale":5},)"
                         R"({"symbol":"BTCUSDT","twelvedata":"BTC/USD","price_scale":2,"name":"Bitcoin"}])";
const std::string kThree = R"([{"symbol":"EURUSD","twelvedata":"EUR/USD","price_scale":5},)"
                           R"({"symbol":"BTCUSDT","twelvedata":"BTC/USD","price_scale":2},)"
                           R"({"symbol":"XAUUSD","twelvedata":"XAU/USD","price_scale":2}])";

std::map<std::string, std::string> paramsOf(const std::string& url) {
    std::map<std::string, std::string> out;
    for (const auto& [k, v] : Poco::URI(url).getQueryParameters())
        out[k] = v;
    return out;
}

std::vector<std::string> split(const std::string& list) {
    std::vector<std::string> out;
    std::stringstream s(list);
    for (std::string item; std::getline(s, item, ',');)
        out.push_back(item);
    return out;
}

std::string utc(std::int64_t ms) {
    return Poco::DateTimeFormatter::format(Poco::DateTime(Poco::Timestamp(ms * 1000)), "%Y-%m-%d %H:%M:%S");
}

HttpResponse json(int status, const std::string& body) {
    return HttpResponse{status, {{"Content-Type", "application/json"}}, body, ""};
}

HttpResponse error(int code, const std::string& message, int http = -1) {
    return json(http < 0 ? code : http,
                R"({"code":)" + std::to_string(code) + R"(,"message":")" + message + R"(","status":"error"})");
}

/// Answers like Twelve Data, logs (time, request); `script` may answer first.
struct Service {
    FakeHost& host;
    std::map<std::string, std::string> prices = {
        {"EUR/USD", "1.081235"}, {"BTC/USD", "60012.345"}, {"XAU/USD", "2301.455"}};
    std::function<std::optional<HttpResponse>(const HttpRequest&)> script;
    std::vector<std::pair<std::int64_t, HttpRequest>> seen;

    explicit Service(FakeHost& h) : host(h) {
        host.setResponder([this](const HttpRequest& r) { return answer(r); });
    }

    HttpResponse answer(const HttpRequest& r) {
        seen.emplace_back(host.now() / 1'000'000, r);
        if (script)
            if (auto a = script(r)) return *a;
        const Poco::URI uri(r.url);
        auto p = paramsOf(r.url);
        if (uri.getPath() == "/price") {
            const auto symbols = split(p["symbol"]);
            if (symbols.size() == 1) return json(200, R"({"price":")" + prices.at(symbols[0]) + "\"}");
            std::string body = "{";
            for (const auto& s : symbols)
                body += (body.size() > 1 ? "," : "") + ("\"" + s + R"(":{"price":")" + prices.at(s) + "\"}");
            return json(200, body + "}");
        }
        if (uri.getPath() == "/time_series") return timeSeries(p);
        return error(404, "This endpoint is not available.");
    }

    /// Minute rows from start_date to end_date (inclusive), newest first, plus
    /// one row outside on each side (the plugin must keep only its range).
    static HttpResponse timeSeries(std::map<std::string, std::string>& p) {
        const auto at = [](const std::string& text) {
            std::tm tm{};
            std::istringstream in(text);
            in >> std::get_time(&tm, "%Y-%m-%d %H:%M:%S");
            return static_cast<std::int64_t>(timegm(&tm)) * 1000;
        };
        const std::int64_t from = at(p["start_date"]), to = at(p["end_date"]);
        Poco::JSON::Array values;
        for (std::int64_t t = to / 60'000 * 60'000 + 60'000; t >= from - 60'000; t -= 60'000) {
            Poco::JSON::Object row;
            row.set("datetime", utc(t));
            row.set("open", "1.081235");
            row.set("high", "1.08130");
            row.set("low", "1.08100");
            row.set("close", "1.081245");
            values.add(row);
        }
        Poco::JSON::Object out;
        out.set("values", values);
        out.set("status", "ok");
        std::ostringstream s;
        out.stringify(s);
        return json(200, s.str());
    }

    /// Requests to a path, with their times.
    [[nodiscard]] std::vector<std::pair<std::int64_t, HttpRequest>> to(const std::string& path) const {
        std::vector<std::pair<std::int64_t, HttpRequest>> out;
        for (const auto& s : seen)
            if (Poco::URI(s.second.url).getPath() == path) out.push_back(s);
        return out;
    }
};

Poco::JSON::Object::Ptr status(PluginUnderTest& p) {
    const auto r = p.command("status", "{}");
    if (!r.ok()) throw std::runtime_error("status: " + r.text);
    return Poco::JSON::Parser().parse(r.text).extract<Poco::JSON::Object::Ptr>();
}

void prepare(FakeHost& host, const std::string& cfg) {
    host.setConfig(cfg);
    host.setSecret("api_key", kKey);
}

}  // namespace

class SourceOnFakeHostTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(SourceOnFakeHostTest);
    CPPUNIT_TEST(testConformance);
    CPPUNIT_TEST(testInstrumentsFromConfigAtOnce);
    CPPUNIT_TEST(testKeyInHeaderPricesAtScale);
    CPPUNIT_TEST(testDayBudgetPacesPollsOverAnHour);
    CPPUNIT_TEST(testMinuteBudgetNeverExceededInAnyClockMinute);
    CPPUNIT_TEST(testHistoryUsesTheReserveThenWaits);
    CPPUNIT_TEST(testInvalidKeyBansAndSilences);
    CPPUNIT_TEST(testRateLimitWaitsForTheNextMinute);
    CPPUNIT_TEST(testDailyLimitWaitsForTheNextDay);
    CPPUNIT_TEST(testBatchRefusedWholeIsProbedSymbolBySymbol);
    CPPUNIT_TEST(testTransientFailuresBackOffExponentially);
    CPPUNIT_TEST(testParameterErrorCondemnsNoSymbol);
    CPPUNIT_TEST(testCreditsSurviveAReload);
    CPPUNIT_TEST(testBadConfigNamesTheKey);
    CPPUNIT_TEST_SUITE_END();

public:
    void testConformance() {
        FakeHost host;
        prepare(host, config(kTwo));
        Service service(host);
        const auto problems = checkConformance(bourse_module_entry, "twelvedata", host);
        CPPUNIT_ASSERT_MESSAGE(joinLines(problems), problems.empty());
    }

    void testInstrumentsFromConfigAtOnce() {
        FakeHost host;
        prepare(host, config(kTwo));
        PluginUnderTest p(bourse_module_entry, "twelvedata", host);
        const auto list = p.listInstruments();  // before start: no discovery call
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), list.size());
        CPPUNIT_ASSERT_EQUAL(std::string("EURUSD"), list[0].symbol);
        CPPUNIT_ASSERT_EQUAL(5, list[0].priceScale);
        CPPUNIT_ASSERT_EQUAL(std::string("EUR/USD"), list[0].name);  // the provider symbol by default
        CPPUNIT_ASSERT_EQUAL(std::string("EUR"), list[0].baseAsset);
        CPPUNIT_ASSERT_EQUAL(std::string("USD"), list[0].quoteAsset);
        CPPUNIT_ASSERT_EQUAL(std::string("Bitcoin"), list[1].name);
        CPPUNIT_ASSERT_EQUAL(std::string("BTC"), list[1].baseAsset);
        CPPUNIT_ASSERT(host.requests.empty());
    }

    void testKeyInHeaderPricesAtScale() {
        FakeHost host;
        prepare(host, config(kThree));
        Service service(host);
        PluginUnderTest p(bourse_module_entry, "twelvedata", host);
        CPPUNIT_ASSERT_EQUAL(BOURSE_OK, p.start());
        host.advance(std::chrono::milliseconds(1));
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), service.seen.size());  // one batch for every symbol
        const HttpRequest& r = service.seen[0].second;
        CPPUNIT_ASSERT_EQUAL(std::string("https://td.test/price?symbol=EUR%2FUSD,BTC%2FUSD,XAU%2FUSD"), r.url);
        CPPUNIT_ASSERT(r.url.find(kKey) == std::string::npos);  // never in the URL
        CPPUNIT_ASSERT_EQUAL(std::string("apikey ") + kKey, r.headers.at(0).second);
        CPPUNIT_ASSERT_EQUAL(std::string("Authorization"), r.headers.at(0).first);
        std::map<std::string, std::string> got;
        for (const auto& t : host.ticks)
            got[t.symbol] = t.price.toString();
        CPPUNIT_ASSERT_EQUAL(std::string("1.08124"), got["EURUSD"]);    // 1.081235, half-up
        CPPUNIT_ASSERT_EQUAL(std::string("60012.35"), got["BTCUSDT"]);  // 60012.345, half-up
        CPPUNIT_ASSERT_EQUAL(std::string("2301.46"), got["XAUUSD"]);    // 2301.455, half-up
        CPPUNIT_ASSERT_EQUAL(int(Host::SourceState::Live), host.sourceStates.back().first);
    }

    void testDayBudgetPacesPollsOverAnHour() {
        // Basic plan, two symbols: 720 poll credits a day → a poll of 2 every 240 s.
        FakeHost host;
        prepare(host, config(kTwo, R"(,"credits_per_minute":8,"credits_per_day":800,"poll_interval_ms":0)"));
        Service service(host);
        PluginUnderTest p(bourse_module_entry, "twelvedata", host);
        CPPUNIT_ASSERT_EQUAL(BOURSE_OK, p.start());
        const std::int64_t spacing = 86'400'000 / ((800 - 80) / 2);
        CPPUNIT_ASSERT_EQUAL(spacing, status(p)->getValue<std::int64_t>("poll_interval_ms"));
        host.advance(std::chrono::hours(1));
        const auto polls = service.to("/price");
        // One at start, then one per spacing (the 100 ms beat may add a little to each wait).
        CPPUNIT_ASSERT(static_cast<std::int64_t>(polls.size()) <= 3'600'000 / spacing + 1);
        CPPUNIT_ASSERT(static_cast<std::int64_t>(polls.size()) >= 3'600'000 / (spacing + 100) + 1);
        for (std::size_t i = 1; i < polls.size(); ++i)
            CPPUNIT_ASSERT(polls[i].first - polls[i - 1].first >= spacing);
        const auto s = status(p)->getObject("credits");
        CPPUNIT_ASSERT_EQUAL(static_cast<int>(polls.size()) * 2, s->getValue<int>("used_today"));
    }

    void testMinuteBudgetNeverExceededInAnyClockMinute() {
        // A generous day: the minute binds. 7 poll credits a minute, 3 a poll → 2 polls a minute.
        FakeHost host;
        prepare(host, config(kThree, R"(,"credits_per_minute":8,"credits_per_day":1000000,"poll_interval_ms":0)"));
        Service service(host);
        PluginUnderTest p(bourse_module_entry, "twelvedata", host);
        CPPUNIT_ASSERT_EQUAL(BOURSE_OK, p.start());
        host.advance(std::chrono::minutes(10));
        std::map<std::int64_t, int> perMinute;
        for (const auto& [at, r] : service.to("/price"))
            perMinute[at / 60'000] += static_cast<int>(split(paramsOf(r.url)["symbol"]).size());
        for (const auto& [minute, credits] : perMinute)
            CPPUNIT_ASSERT_MESSAGE(std::to_string(credits) + " credits in minute " + std::to_string(minute),
                                   credits <= 7);
        CPPUNIT_ASSERT(service.to("/price").size() >= 19);  // 2 a minute for 10 minutes, less the beat's slack
    }

    void testHistoryUsesTheReserveThenWaits() {
        // 4 a minute, 25 % kept for history (1): a poll of 3 symbols leaves exactly one credit.
        FakeHost host;
        prepare(host,
                config(kThree, R"(,"credits_per_minute":4,"credits_per_day":10000,"history_reserve_percent":25)"));
        Service service(host);
        PluginUnderTest p(bourse_module_entry, "twelvedata", host);
        CPPUNIT_ASSERT_EQUAL(BOURSE_OK, p.start());
        host.advance(std::chrono::milliseconds(1));
        const std::int64_t from = (kStartMs - 3'600'000) / 60'000 * 60'000 + 30'000;  // mid-minute: rounded up
        const std::int64_t to = from + 10 * 60'000;
        const auto rows = p.fetchCandles("EURUSD", 60, from * 1'000'000, to * 1'000'000);
        CPPUNIT_ASSERT_MESSAGE(rows.text, rows.ok());
        const auto arr = Poco::JSON::Parser().parse(rows.text).extract<Poco::JSON::Array::Ptr>();
        CPPUNIT_ASSERT_EQUAL(std::size_t(10), arr->size());  // [from, to) in whole minutes, nothing outside
        std::int64_t last = 0;
        for (std::size_t i = 0; i < arr->size(); ++i) {
            const auto row = arr->getArray(static_cast<unsigned>(i));
            const auto open = row->getElement<std::int64_t>(0);
            CPPUNIT_ASSERT(open >= from && open < to && open > last && open % 60'000 == 0);
            last = open;
            CPPUNIT_ASSERT_EQUAL(std::string("1.08124"), row->getElement<std::string>(1));  // half-up
            CPPUNIT_ASSERT_EQUAL(std::string("1.08125"), row->getElement<std::string>(4));
            CPPUNIT_ASSERT_EQUAL(std::string("0"), row->getElement<std::string>(5));  // forex: no volume
        }
        const auto ts = service.to("/time_series");
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), ts.size());
        auto q = paramsOf(ts[0].second.url);
        CPPUNIT_ASSERT_EQUAL(std::string("1min"), q["interval"]);
        CPPUNIT_ASSERT_EQUAL(std::string("UTC"), q["timezone"]);
        CPPUNIT_ASSERT_EQUAL(std::string("asc"), q["order"]);
        CPPUNIT_ASSERT_EQUAL(utc(from + 30'000), q["start_date"]);
        CPPUNIT_ASSERT_EQUAL(std::string("10"), q["outputsize"]);
        // The minute is spent now: the next one waits for 22:14:00 rather than overspend.
        const auto refused = p.fetchCandles("EURUSD", 60, from * 1'000'000, to * 1'000'000);
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_UNAVAILABLE, refused.status);
        const std::string expected = "credit budget exhausted until " + utc((kStartMs / 60'000 + 1) * 60'000) + " UTC";
        CPPUNIT_ASSERT_MESSAGE(refused.text, refused.text.find(expected) != std::string::npos);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), service.to("/time_series").size());
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_INVALID, p.fetchCandles("EURUSD", 7, from * 1'000'000, to * 1'000'000).status);
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_NOT_FOUND, p.fetchCandles("NOPE", 60, from * 1'000'000, to * 1'000'000).status);
        host.advance(std::chrono::seconds(40));
        CPPUNIT_ASSERT(p.fetchCandles("EURUSD", 60, from * 1'000'000, to * 1'000'000).ok());
    }

    void testInvalidKeyBansAndSilences() {
        for (const int http : {401, 200}) {  // Twelve Data may send the error body with HTTP 200
            FakeHost host;
            prepare(host, config(kTwo, R"(,"poll_interval_ms":0,"credits_per_day":1000000)"));
            Service service(host);
            service.script = [http](const HttpRequest&) {
                return error(401, "**apikey** parameter is incorrect or not specified.", http);
            };
            PluginUnderTest p(bourse_module_entry, "twelvedata", host);
            CPPUNIT_ASSERT_EQUAL(BOURSE_OK, p.start());
            host.advance(std::chrono::minutes(10));
            CPPUNIT_ASSERT_EQUAL(std::size_t(1), service.seen.size());  // nothing after the 401
            CPPUNIT_ASSERT_EQUAL(int(Host::SourceState::Banned), host.sourceStates.back().first);
            const auto s = status(p);
            CPPUNIT_ASSERT_EQUAL(std::string("banned"), s->getValue<std::string>("state"));
            CPPUNIT_ASSERT(s->getValue<std::string>("last_error").find("invalid API key") != std::string::npos);
            bool logged = false;
            for (const auto& l : host.logs)
                logged |= l.level == BOURSE_LOG_ERROR && l.text.find("invalid API key") != std::string::npos;
            CPPUNIT_ASSERT(logged);
            CPPUNIT_ASSERT_EQUAL(std::string("plugin.alert"), host.notifications.at(0).topic);
            CPPUNIT_ASSERT_EQUAL(BOURSE_E_UNAVAILABLE, p.fetchCandles("EURUSD", 60, 0, 60'000'000'000).status);
            CPPUNIT_ASSERT_EQUAL(std::size_t(1), service.seen.size());
            // The key shows nowhere.
            std::string everything = p.command("status", "{}").text + host.lastError;
            for (const auto& l : host.logs)
                everything += l.text;
            for (const auto& st : host.sourceStates)
                everything += st.second;
            CPPUNIT_ASSERT(everything.find(kKey) == std::string::npos);
        }
    }

    void testRateLimitWaitsForTheNextMinute() {
        for (const int http : {429, 200}) {
            FakeHost host;
            prepare(host, config(kTwo, R"(,"poll_interval_ms":0,"credits_per_day":1000000)"));
            Service service(host);
            bool limited = true;
            service.script = [&](const HttpRequest&) -> std::optional<HttpResponse> {
                if (!limited) return std::nullopt;
                return error(429,
                             "You have run out of API credits for the current minute. 9 API credits were used, "
                             "with the current limit being 8.",
                             http);
            };
            PluginUnderTest p(bourse_module_entry, "twelvedata", host);
            CPPUNIT_ASSERT_EQUAL(BOURSE_OK, p.start());
            host.advance(std::chrono::milliseconds(1));
            CPPUNIT_ASSERT_EQUAL(std::size_t(1), service.seen.size());
            CPPUNIT_ASSERT_EQUAL(int(Host::SourceState::BackingOff), host.sourceStates.back().first);
            const std::int64_t boundary = (kStartMs / 60'000 + 1) * 60'000;  // 22:14:00
            CPPUNIT_ASSERT_EQUAL(utc(boundary) + " UTC", status(p)->getValue<std::string>("blocked_until"));
            CPPUNIT_ASSERT_EQUAL(8, status(p)->getObject("credits")->getValue<int>("used_this_minute"));
            limited = false;
            host.advance(std::chrono::milliseconds(boundary - kStartMs - 2));  // just before 22:14:00
            CPPUNIT_ASSERT_EQUAL(std::size_t(1), service.seen.size());
            // History waits too.
            CPPUNIT_ASSERT_EQUAL(BOURSE_E_UNAVAILABLE, p.fetchCandles("EURUSD", 60, 0, 60'000'000'000).status);
            host.advance(std::chrono::milliseconds(200));
            CPPUNIT_ASSERT_EQUAL(std::size_t(2), service.seen.size());
            CPPUNIT_ASSERT(service.seen[1].first >= boundary);
            CPPUNIT_ASSERT_EQUAL(int(Host::SourceState::Live), host.sourceStates.back().first);
        }
    }

    void testDailyLimitWaitsForTheNextDay() {
        FakeHost host;
        prepare(host, config(kTwo, R"(,"poll_interval_ms":0,"credits_per_day":1000000)"));
        Service service(host);
        service.script = [](const HttpRequest&) {
            return error(429,
                         "You have run out of API credits for the day. 801 API credits were used, with the "
                         "current limit being 800.");
        };
        PluginUnderTest p(bourse_module_entry, "twelvedata", host);
        CPPUNIT_ASSERT_EQUAL(BOURSE_OK, p.start());
        host.advance(std::chrono::minutes(100));  // 22:13 → past 23:53, still the same UTC day
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), service.seen.size());
        const std::int64_t midnight = (kStartMs / 86'400'000 + 1) * 86'400'000;
        CPPUNIT_ASSERT_EQUAL(utc(midnight) + " UTC", status(p)->getValue<std::string>("blocked_until"));
        service.script = nullptr;
        host.advance(std::chrono::minutes(10));
        CPPUNIT_ASSERT(service.seen.size() >= 2);
        CPPUNIT_ASSERT(service.seen[1].first >= midnight);
    }

    void testBatchRefusedWholeIsProbedSymbolBySymbol() {
        // A service that fails a whole batch for one unknown symbol: the plugin finds it.
        FakeHost host;
        prepare(host, config(R"([{"symbol":"EURUSD","twelvedata":"EUR/USD","price_scale":5},)"
                             R"({"symbol":"NOPEUSD","twelvedata":"NOPE/USD","price_scale":2},)"
                             R"({"symbol":"XAUUSD","twelvedata":"XAU/USD","price_scale":2}])",
                             R"(,"poll_interval_ms":0,"credits_per_minute":100,"credits_per_day":1000000)"));
        Service service(host);
        service.script = [](const HttpRequest& r) -> std::optional<HttpResponse> {
            if (paramsOf(r.url)["symbol"].find("NOPE/USD") == std::string::npos) return std::nullopt;
            return error(404, "**symbol** not found: NOPE/USD. Please specify it correctly.");
        };
        PluginUnderTest p(bourse_module_entry, "twelvedata", host);
        CPPUNIT_ASSERT_EQUAL(BOURSE_OK, p.start());
        host.advance(std::chrono::minutes(2));
        CPPUNIT_ASSERT_EQUAL(1, host.instrumentsChanged);
        const auto list = p.listInstruments();
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), list.size());
        for (const auto& in : list)
            CPPUNIT_ASSERT(in.symbol != "NOPEUSD");
        const auto symbols = status(p)->getArray("symbols");
        CPPUNIT_ASSERT_EQUAL(std::string("unknown"), symbols->getObject(1)->getValue<std::string>("state"));
        int warnings = 0;
        for (const auto& l : host.logs)
            warnings += l.level == BOURSE_LOG_WARN && l.text.find("NOPE/USD (NOPEUSD) is unknown") != std::string::npos;
        CPPUNIT_ASSERT_EQUAL(1, warnings);  // once
        // After that, batches without it, and both others priced.
        const auto polls = service.to("/price");
        CPPUNIT_ASSERT_EQUAL(std::string("EUR%2FUSD,XAU%2FUSD"),
                             Poco::URI(polls.back().second.url).getRawQuery().substr(7));
        std::map<std::string, int> ticks;
        for (const auto& t : host.ticks)
            ++ticks[t.symbol];
        CPPUNIT_ASSERT(ticks["EURUSD"] > 1 && ticks["XAUUSD"] > 1 && ticks.count("NOPEUSD") == 0);
    }

    void testTransientFailuresBackOffExponentially() {
        FakeHost host;
        prepare(host, config(kTwo, R"(,"poll_interval_ms":0,"credits_per_minute":1000,"credits_per_day":10000000,)"
                                   R"("backoff_min_ms":1000,"backoff_max_ms":8000)"));
        Service service(host);
        int n = 0;
        service.script = [&](const HttpRequest&) -> std::optional<HttpResponse> {
            switch (n++) {
                case 0:
                    return error(503, "Service unavailable");
                case 1:
                    return HttpResponse{502, {}, "<html>bad gateway</html>", ""};
                case 2:
                    return json(200, R"({"EUR/USD":{"price":"1.0)");  // cut short
                case 3:
                    return HttpResponse{0, {}, "", "timeout"};
                case 4:
                    return error(500, "Internal error", 200);  // an error body with HTTP 200
                default:
                    return std::nullopt;
            }
        };
        PluginUnderTest p(bourse_module_entry, "twelvedata", host);
        CPPUNIT_ASSERT_EQUAL(BOURSE_OK, p.start());
        host.advance(std::chrono::minutes(2));
        const auto polls = service.to("/price");
        CPPUNIT_ASSERT(polls.size() >= 7);
        // Equal jitter: the k-th wait is within [base/2, base], base = 1 s · 2^k capped at 8 s (+ the 100 ms beat).
        for (std::size_t k = 0; k < 5; ++k) {
            const std::int64_t base = std::min<std::int64_t>(8000, 1000LL << k);
            const std::int64_t gap = polls[k + 1].first - polls[k].first;
            CPPUNIT_ASSERT_MESSAGE(std::to_string(k) + ": " + std::to_string(gap),
                                   gap >= base / 2 && gap <= base + 100);
        }
        const auto s = status(p);
        CPPUNIT_ASSERT_EQUAL(5, s->getValue<int>("errors"));
        CPPUNIT_ASSERT_EQUAL(1, s->getValue<int>("malformed"));
        CPPUNIT_ASSERT_EQUAL(std::string("live"), s->getValue<std::string>("state"));
        CPPUNIT_ASSERT(!host.ticks.empty());
    }

    void testParameterErrorCondemnsNoSymbol() {
        // A 400 that is not about a symbol (a parameter the service stopped accepting) is retried, not
        // taken as "every symbol is unknown".
        FakeHost host;
        prepare(host, config(kTwo, R"(,"poll_interval_ms":0,"credits_per_minute":1000,"credits_per_day":10000000)"));
        Service service(host);
        int n = 0;
        service.script = [&](const HttpRequest&) -> std::optional<HttpResponse> {
            if (n++ < 3) return error(400, "**dp** parameter must be between 0 and 11.");
            return std::nullopt;
        };
        PluginUnderTest p(bourse_module_entry, "twelvedata", host);
        CPPUNIT_ASSERT_EQUAL(BOURSE_OK, p.start());
        host.advance(std::chrono::seconds(30));
        CPPUNIT_ASSERT_EQUAL(0, host.instrumentsChanged);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), p.listInstruments().size());
        CPPUNIT_ASSERT_EQUAL(3, status(p)->getValue<int>("errors"));
        CPPUNIT_ASSERT(host.ticks.size() >= 2);
    }

    void testCreditsSurviveAReload() {
        FakeHost host;
        prepare(host,
                config(kThree, R"(,"credits_per_minute":4,"credits_per_day":10000,"history_reserve_percent":25)"));
        Service service(host);
        {
            PluginUnderTest p(bourse_module_entry, "twelvedata", host);
            CPPUNIT_ASSERT_EQUAL(BOURSE_OK, p.start());
            host.advance(std::chrono::milliseconds(1));
        }
        PluginUnderTest again(bourse_module_entry, "twelvedata", host);  // the same minute, a new instance
        CPPUNIT_ASSERT_EQUAL(BOURSE_OK, again.start());
        host.advance(std::chrono::milliseconds(1));
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), service.to("/price").size());  // no second poll of 3 this minute
        CPPUNIT_ASSERT_EQUAL(3, status(again)->getObject("credits")->getValue<int>("used_this_minute"));
    }

    void testBadConfigNamesTheKey() {
        const std::string one = R"({"symbol":"EURUSD","twelvedata":"EUR/USD","price_scale":5})";
        const std::vector<std::pair<std::string, std::string>> cases = {
            {R"({})", "symbols"},
            {R"({"symbols":[]})", "symbols"},
            {R"({"symbols":["EURUSD"]})", "symbols[0]"},
            {R"({"symbols":[{"symbol":"eurusd","twelvedata":"EUR/USD","price_scale":5}]})", "symbols[0].symbol"},
            {R"({"symbols":[{"twelvedata":"EUR/USD","price_scale":5}]})", "symbols[0].symbol"},
            {R"({"symbols":[{"symbol":"EURUSD","twelvedata":"EUR/USD,GBP/USD","price_scale":5}]})",
             "symbols[0].twelvedata"},
            {R"({"symbols":[{"symbol":"EURUSD","price_scale":5}]})", "symbols[0].twelvedata"},
            {R"({"symbols":[{"symbol":"EURUSD","twelvedata":"EUR/USD"}]})", "symbols[0].price_scale"},
            {R"({"symbols":[{"symbol":"EURUSD","twelvedata":"EUR/USD","price_scale":12}]})", "symbols[0].price_scale"},
            {R"({"symbols":[{"symbol":"EURUSD","twelvedata":"EUR/USD","price_scale":5,"scale":2}]})",
             "symbols[0].scale"},
            {R"({"symbols":[)" + one + "," + one + "]}", "symbols[1].symbol"},
            {R"({"symbols":[)" + one + R"(],"mode":"poll"})", "mode"},
            {R"({"symbols":[)" + one + R"(],"rest_url":"ftp://x"})", "rest_url"},
            {R"({"symbols":[)" + one + R"(],"ws_url":7})", "ws_url"},
            {R"({"symbols":[)" + one + R"(],"credits_per_minute":0})", "credits_per_minute"},
            {R"({"symbols":[)" + one + R"(],"credits_per_day":"lots"})", "credits_per_day"},
            {R"({"symbols":[)" + one + R"(],"history_reserve_percent":95})", "history_reserve_percent"},
            {R"({"symbols":[)" + one + R"(],"backoff_min_ms":500,"backoff_max_ms":100})", "backoff_max_ms"},
            {R"({"symbols":[)" + one + R"(],"heartbeat_ms":1000,"stale_after_ms":1000})", "stale_after_ms"},
            {R"({"symbols":[)" + one + R"(],"api_key":"x"})", "api_key"}};
        for (const auto& [cfg, key] : cases) {
            FakeHost host;
            prepare(host, cfg);
            PluginUnderTest p(bourse_module_entry, "twelvedata", host, PluginUnderTest::DeferCreate{});
            CPPUNIT_ASSERT_EQUAL_MESSAGE(cfg, BOURSE_E_CONFIG, p.create());
            CPPUNIT_ASSERT_MESSAGE(cfg + " -> " + host.lastError, host.lastError.rfind("config: " + key + ":", 0) == 0);
        }
        // Numbers may come as strings (quoted in YAML); the key must be there.
        FakeHost host;
        host.setConfig(R"({"symbols":[)" + one + R"(],"credits_per_minute":"8","poll_interval_ms":"500"})");
        PluginUnderTest p(bourse_module_entry, "twelvedata", host, PluginUnderTest::DeferCreate{});
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_CONFIG, p.create());
        CPPUNIT_ASSERT_MESSAGE(host.lastError, host.lastError.rfind("config: secrets.api_key: missing", 0) == 0);
        host.setSecret("api_key", kKey);
        CPPUNIT_ASSERT_EQUAL(BOURSE_OK, p.create());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SourceOnFakeHostTest);
