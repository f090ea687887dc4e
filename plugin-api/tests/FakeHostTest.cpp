// The fake host and the C++ layer on top of it. Plugin unit tests trust the
// fake host's clock, timers and HTTP to behave like the kernel's, and the
// kernel trusts the C++ layer's edge, so both are pinned down here.
#include <bourse/plugin.hpp>
#include <bourse/testing/FakeHost.hpp>
#include <bourse/testing/PluginUnderTest.hpp>

#include <cppunit/extensions/HelperMacros.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

using namespace bourse;
using namespace bourse::testing;
using namespace std::chrono_literals;

namespace {

/// A price source whose behaviour each test scripts through `script`.
class Scripted : public PriceSource {
public:
    static inline std::function<void(Scripted&)> onStart;
    static inline std::function<std::string(Scripted&, const std::string&)> onCommand;

    explicit Scripted(Host& h) : PriceSource(h) {}
    std::vector<Instrument> instruments() override { return {{"S_A", "A", 2, "", "USD"}}; }
    void start() override {
        if (onStart) onStart(*this);
    }
    std::string command(const std::string& name, const std::string& args) override {
        if (onCommand) return onCommand(*this, name);
        return PriceSource::command(name, args);
    }
    Host& hostRef() { return host(); }
};

BOURSE_PLUGIN_DESCRIPTOR(scriptedDescriptor, Scripted, "scripted", "1.0.0", "test plugin")

bourse_status registerScripted(const bourse_registrar* r) {
    const bourse_plugin_descriptor* const list[] = {&scriptedDescriptor};
    return bourse::detail::registerAll(r, list, 1);
}
const bourse_module scriptedModule{sizeof(bourse_module), BOURSE_ABI_MAJOR, BOURSE_ABI_MINOR, BOURSE_ABI_MAJOR, 0,
                                   "scripted (test)",     &registerScripted};

/// Raw C host calls through a context, for what the C++ layer does not expose.
struct Raw {
    FakeHost& host;
    bourse_host_ctx ctx;
    explicit Raw(FakeHost& h) : host(h), ctx(h.newContext()) {}
    const bourse_host_api& api() const { return *host.api(); }
};

void noop(void*, std::uint64_t) {}

}  // namespace

class FakeHostTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(FakeHostTest);
    CPPUNIT_TEST(testTimersFireInOrderAtTheirTime);
    CPPUNIT_TEST(testRepeatingTimersAndCancel);
    CPPUNIT_TEST(testTimerRules);
    CPPUNIT_TEST(testRunawayTimerIsReported);
    CPPUNIT_TEST(testHttpIsAnsweredLater);
    CPPUNIT_TEST(testHttpCancelAndRules);
    CPPUNIT_TEST(testStateEventsAndUnsupportedServices);
    CPPUNIT_TEST(testResourcesArePerInstance);
    CPPUNIT_TEST(testTimerCancellingItselfIsSafe);
    CPPUNIT_TEST(testOneShotFunctionsAreReleased);
    CPPUNIT_TEST(testThrowingTimerIsLoggedAndKeepsRunning);
    CPPUNIT_TEST(testExceptionsBecomeStatuses);
    CPPUNIT_TEST(testLifecycleHelpers);
    CPPUNIT_TEST(testPositionSleepOnlyInsideACallAndChecked);
    CPPUNIT_TEST_SUITE_END();

public:
    void tearDown() override {
        Scripted::onStart = nullptr;
        Scripted::onCommand = nullptr;
    }

    void testTimersFireInOrderAtTheirTime() {
        FakeHost host(1000);
        Raw raw(host);
        struct Log {
            FakeHost* host;
            std::vector<std::pair<std::string, std::int64_t>> fired;
        } log{&host, {}};
        struct Tag {
            Log* log;
            std::string name;
        };
        Tag a{&log, "a"}, b{&log, "b"}, c{&log, "c"};
        const auto record = [](void* user, std::uint64_t) {
            auto* t = static_cast<Tag*>(user);
            t->log->fired.emplace_back(t->name, t->log->host->now());
        };
        std::uint64_t id = 0;
        CPPUNIT_ASSERT_EQUAL(BOURSE_OK, raw.api().timer_start(&raw.ctx, 300, 0, record, &c, &id));
        CPPUNIT_ASSERT_EQUAL(BOURSE_OK, raw.api().timer_start(&raw.ctx, 100, 0, record, &a, &id));
        CPPUNIT_ASSERT_EQUAL(BOURSE_OK, raw.api().timer_start(&raw.ctx, 300, 0, record, &b, &id));
        host.advance(99ns);
        CPPUNIT_ASSERT(log.fired.empty());
        host.advance(1000ns);
        // By due time; a tie goes to the timer started first. now() is the due time.
        const std::vector<std::pair<std::string, std::int64_t>> expected{{"a", 1100}, {"c", 1300}, {"b", 1300}};
        CPPUNIT_ASSERT(expected == log.fired);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2099), host.now());
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), host.activeTimers());  // one-shots are gone
    }

    void testRepeatingTimersAndCancel() {
        FakeHost host;
        Raw raw(host);
        int count = 0;
        std::uint64_t id = 0;
        CPPUNIT_ASSERT_EQUAL(BOURSE_OK, raw.api().timer_start(
                                            &raw.ctx, 0, 1'000'000,
                                            [](void* u, std::uint64_t) { ++*static_cast<int*>(u); }, &count, &id));
        host.advance(0ns);  // delay 0 fires at once
        CPPUNIT_ASSERT_EQUAL(1, count);
        host.advance(10ms);  // every 1 ms: 10 more, catching up in one advance
        CPPUNIT_ASSERT_EQUAL(11, count);
        raw.api().timer_cancel(&raw.ctx, id);
        host.advance(10ms);
        CPPUNIT_ASSERT_EQUAL(11, count);
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), host.activeTimers());
    }

    void testTimerRules() {
        FakeHost host;
        Raw raw(host);
        std::uint64_t id = 0;
        // Same limits as the kernel, so tests catch what the kernel would refuse.
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_INVALID, raw.api().timer_start(&raw.ctx, 0, 999'999, &noop, nullptr, &id));
        CPPUNIT_ASSERT_EQUAL(std::string("timer: interval below 1 ms"), host.lastError);
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_INVALID, raw.api().timer_start(&raw.ctx, -1, 0, &noop, nullptr, &id));
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_INVALID, raw.api().timer_start(&raw.ctx, 0, 0, nullptr, nullptr, &id));
        CPPUNIT_ASSERT_THROW(host.advance(-1ns), std::invalid_argument);
    }

    void testRunawayTimerIsReported() {
        // A plugin re-arming a zero-delay one-shot forever would hang advance().
        FakeHost host;
        struct Loop {
            FakeHost* host;
            bourse_host_ctx ctx;
            static void fire(void* u, std::uint64_t) {
                auto* l = static_cast<Loop*>(u);
                std::uint64_t id = 0;
                l->host->api()->timer_start(&l->ctx, 0, 0, &Loop::fire, l, &id);
            }
        } loop{&host, host.newContext()};
        Loop::fire(&loop, 0);
        CPPUNIT_ASSERT_THROW(host.advance(1ms), std::runtime_error);
    }

    void testHttpIsAnsweredLater() {
        FakeHost host;
        std::vector<std::string> urls;
        host.setResponder([&](const HttpRequest& r) {
            urls.push_back(r.url);
            return HttpResponse{200, {{"Content-Type", "application/json"}}, R"({"ok":true})", ""};
        });
        Scripted::onStart = [](Scripted& s) {
            s.hostRef().http(
                {"POST", "https://example.test/a", {{"X-Key", "k"}}, "body", 2s}, [&s](const HttpResponse& r) {
                    s.hostRef().notify(
                        "got", std::to_string(r.status) + " " + r.header("content-type").value_or("?") + " " + r.body);
                });
        };
        PluginUnderTest p(scriptedModule, "scripted", host);
        CPPUNIT_ASSERT_EQUAL(BOURSE_OK, p.start());
        // Recorded at once, answered only when the test lets time pass.
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), host.requests.size());
        CPPUNIT_ASSERT_EQUAL(std::string("POST"), host.requests[0].method);
        CPPUNIT_ASSERT_EQUAL(std::string("body"), host.requests[0].body);
        CPPUNIT_ASSERT_EQUAL(std::string("k"), host.requests[0].headers.at(0).second);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2000), std::int64_t(host.requests[0].timeout.count()));
        CPPUNIT_ASSERT(host.notifications.empty());
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), host.pendingRequests());
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), host.runPending());
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), host.notifications.size());
        CPPUNIT_ASSERT_EQUAL(std::string(R"(200 application/json {"ok":true})"), host.notifications[0].json);
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), host.runPending());
        CPPUNIT_ASSERT(urls == std::vector<std::string>{"https://example.test/a"});
    }

    void testHttpCancelAndRules() {
        FakeHost host;
        Raw raw(host);
        int answered = 0;
        const bourse_http_request get{
            sizeof(bourse_http_request), toStr("GET"), toStr("http://x.test/"), nullptr, 0, {}, 0};
        const auto count = [](void* u, const bourse_http_response* r) {
            ++*static_cast<int*>(u);
            CPPUNIT_ASSERT_EQUAL(0, r->status);  // no responder: a transport failure
            CPPUNIT_ASSERT_EQUAL(std::string("fake host: no responder set"), std::string(fromStr(r->error)));
        };
        std::uint64_t first = 0, second = 0;
        CPPUNIT_ASSERT_EQUAL(BOURSE_OK, raw.api().http_request(&raw.ctx, &get, count, &answered, &first));
        CPPUNIT_ASSERT_EQUAL(BOURSE_OK, raw.api().http_request(&raw.ctx, &get, count, &answered, &second));
        raw.api().http_cancel(&raw.ctx, first);
        host.advance(1ms);  // advance answers pending requests too
        CPPUNIT_ASSERT_EQUAL(1, answered);
        const bourse_http_request ftp{
            sizeof(bourse_http_request), toStr("GET"), toStr("ftp://x.test/"), nullptr, 0, {}, 0};
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_INVALID, raw.api().http_request(&raw.ctx, &ftp, count, &answered, &first));
        CPPUNIT_ASSERT_EQUAL(std::string("http: URL must start with http:// or https://"), host.lastError);
    }

    void testStateEventsAndUnsupportedServices() {
        FakeHost host;
        host.setConfig(R"({"a":1})");
        host.setSecret("api_key", "s3cret");
        host.setLastTick("S_A", Decimal(12345, 2), 77);
        Raw raw(host);
        Host h(host.api(), &raw.ctx);
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"a":1})"), h.configJson());
        CPPUNIT_ASSERT_EQUAL(std::string("s3cret"), h.secret("api_key").value());
        CPPUNIT_ASSERT(!h.secret("other"));
        CPPUNIT_ASSERT(!h.kvGet("k"));
        h.kvPut("k", "v");
        CPPUNIT_ASSERT_EQUAL(std::string("v"), h.kvGet("k").value());
        h.kvDelete("k");
        CPPUNIT_ASSERT(host.kv.empty());
        CPPUNIT_ASSERT_THROW(h.kvPut(std::string(257, 'k'), "v"), Error);
        CPPUNIT_ASSERT_EQUAL(std::string("kv: key must be 1..256 bytes"), host.lastError);

        const auto last = h.lastTick("S_A");
        CPPUNIT_ASSERT(last && last->price == Decimal(12345, 2) && last->tsNs == 77);
        h.publishTick("S_A", Decimal(12400, 2));  // ts 0: stamped with the host clock
        CPPUNIT_ASSERT_EQUAL(host.now(), host.ticks.at(0).tsNs);
        CPPUNIT_ASSERT(host.lastTick("S_A")->price == Decimal(12400, 2));
        h.notify("plugin.alert", R"({"x":1})");
        CPPUNIT_ASSERT_EQUAL(std::string("plugin.alert"), host.notifications.at(0).topic);
        h.warn("careful");
        CPPUNIT_ASSERT(host.logs.at(0).level == BOURSE_LOG_WARN && host.logs.at(0).text == "careful");

        const bourse_candle k{
            sizeof(bourse_candle), toStr("S_A"), 60, 5, {100, 0}, {110, 0}, {90, 0}, {105, 0}, {3, 0}};
        CPPUNIT_ASSERT_EQUAL(BOURSE_OK, host.api()->publish_candle(&raw.ctx, &k));
        CPPUNIT_ASSERT(host.candles.at(0).close == Decimal(105, 0) && host.candles.at(0).intervalS == 60);

        const auto& a = *host.api();
        std::uint64_t id = 0;
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_UNSUPPORTED, a.ws_connect(&raw.ctx, toStr("wss://x"), nullptr, nullptr, &id));
        CPPUNIT_ASSERT_EQUAL(std::string("unsupported: outbound WebSocket (fake host)"), host.lastError);
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_UNSUPPORTED, a.ws_send(&raw.ctx, 1, toStr("x")));
        const bourse_money m{1, "USD"};
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_UNSUPPORTED, a.ledger_reserve(&raw.ctx, toStr("p"), m, toStr("k")));
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_UNSUPPORTED, a.ledger_release(&raw.ctx, toStr("p"), m, toStr("k")));
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_UNSUPPORTED, a.venue_place_order(&raw.ctx, nullptr));
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_UNSUPPORTED, a.venue_cancel_order(&raw.ctx, toStr("p"), toStr("o")));
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_UNSUPPORTED, a.position_save_state(&raw.ctx, toStr("p"), toStr("{}")));
        CPPUNIT_ASSERT_EQUAL(std::uint32_t(sizeof(bourse_host_api)), a.struct_size);
    }

    void testResourcesArePerInstance() {
        // Two instances on one host (old and new during a reload): stopping one
        // releases only its own timers, and one cannot cancel the other's.
        FakeHost host;
        Raw first(host), second(host);
        std::uint64_t a = 0, b = 0;
        host.api()->timer_start(&first.ctx, 1'000'000, 1'000'000, &noop, nullptr, &a);
        host.api()->timer_start(&second.ctx, 1'000'000, 1'000'000, &noop, nullptr, &b);
        host.api()->timer_cancel(&first.ctx, b);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), host.activeTimers());
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), host.releaseResources(&first.ctx));
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), host.activeTimers(&first.ctx));
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), host.activeTimers(&second.ctx));
    }

    // plugin.hpp: cancelling a timer from inside its own function must not free
    // the function while it runs (run under ASan to see the difference).
    void testTimerCancellingItselfIsSafe() {
        FakeHost host;
        auto calls = std::make_shared<int>(0);
        Scripted::onStart = [calls](Scripted& s) {
            auto id = std::make_shared<Host::TimerId>(0);
            *id = s.hostRef().every(1ms, [&s, id, calls] {
                if (++*calls == 3) {
                    s.hostRef().cancel(*id);
                    // The closure is still alive here: its captures are usable.
                    s.hostRef().info("cancelled after " + std::to_string(*calls) + " calls, id " + std::to_string(*id));
                }
            });
        };
        PluginUnderTest p(scriptedModule, "scripted", host);
        CPPUNIT_ASSERT_EQUAL(BOURSE_OK, p.start());
        host.advance(10ms);
        CPPUNIT_ASSERT_EQUAL(3, *calls);
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), host.activeTimers());
        CPPUNIT_ASSERT(host.logs.at(0).text.find("cancelled after 3 calls") == 0);
        // The function was released once it returned: only our reference is left.
        Scripted::onStart = nullptr;
        CPPUNIT_ASSERT_EQUAL(long(1), calls.use_count());
    }

    void testOneShotFunctionsAreReleased() {
        FakeHost host;
        auto token = std::make_shared<int>(0);
        Scripted::onStart = [token](Scripted& s) {
            for (int i = 0; i < 100; ++i)
                s.hostRef().schedule(1ms, 0ns, [token] { ++*token; });
        };
        PluginUnderTest p(scriptedModule, "scripted", host);
        p.start();
        Scripted::onStart = nullptr;
        CPPUNIT_ASSERT_EQUAL(long(101), token.use_count());
        host.advance(1ms);
        CPPUNIT_ASSERT_EQUAL(100, *token);
        CPPUNIT_ASSERT_EQUAL(long(1), token.use_count());  // not kept until the instance dies
    }

    void testThrowingTimerIsLoggedAndKeepsRunning() {
        FakeHost host;
        Scripted::onStart = [](Scripted& s) {
            s.hostRef().every(1ms, [&s] {
                s.hostRef().publishTick("S_A", Decimal(100, 2));
                throw std::runtime_error("boom");
            });
        };
        PluginUnderTest p(scriptedModule, "scripted", host);
        p.start();
        host.advance(3ms);
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), host.ticks.size());
        CPPUNIT_ASSERT(host.logs.at(0).level == BOURSE_LOG_ERROR);
        CPPUNIT_ASSERT_EQUAL(std::string("timer callback threw: boom"), host.logs.at(0).text);
    }

    void testExceptionsBecomeStatuses() {
        FakeHost host;
        PluginUnderTest p(scriptedModule, "scripted", host);
        Scripted::onCommand = [](Scripted&, const std::string& name) -> std::string {
            if (name == "typed") throw Error(BOURSE_E_REJECTED, "limits: too many");
            if (name == "std") throw std::out_of_range("index 7");
            if (name == "other") throw 42;
            return R"({"done":true})";
        };
        const CallResult typed = p.command("typed", "{}");
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_REJECTED, typed.status);
        CPPUNIT_ASSERT_EQUAL(std::string("limits: too many"), typed.text);
        const CallResult plain = p.command("std", "{}");
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_INTERNAL, plain.status);
        CPPUNIT_ASSERT_EQUAL(std::string("internal: index 7"), plain.text);
        CPPUNIT_ASSERT_EQUAL(std::string("internal: unknown exception"), p.command("other", "{}").text);
        const CallResult ok = p.command("fine", "{}");
        CPPUNIT_ASSERT(ok.ok());
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"done":true})"), ok.text);
        CPPUNIT_ASSERT(p.violations().empty());
    }

    void testLifecycleHelpers() {
        FakeHost host;
        PluginUnderTest p(scriptedModule, "scripted", host, PluginUnderTest::DeferCreate{});
        CPPUNIT_ASSERT(!p.created());
        CPPUNIT_ASSERT_THROW(p.start(), std::logic_error);
        CPPUNIT_ASSERT_EQUAL(BOURSE_OK, p.create());
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), p.listInstruments().size());
        Scripted::onStart = [](Scripted& s) { s.hostRef().every(1ms, [] {}); };
        CPPUNIT_ASSERT_EQUAL(BOURSE_OK, p.start());
        p.destroy();  // stops first; the timer it left is counted and released
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), p.timersLeftAtStop());
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), host.activeTimers());
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), p.violations().size());
        CPPUNIT_ASSERT_EQUAL(std::string("1 timer(s) still scheduled after stop"), p.violations()[0]);
        CPPUNIT_ASSERT_EQUAL(BOURSE_OK, p.create());  // again, like a reload
        CPPUNIT_ASSERT_THROW(PluginUnderTest(scriptedModule, "nope", host), std::runtime_error);
    }

    void testPositionSleepOnlyInsideACallAndChecked() {
        FakeHost host;
        Raw raw(host);
        Host h(host.api(), &raw.ctx);
        // Like every venue call: only inside a product call, for its position.
        CPPUNIT_ASSERT_THROW(h.sleep("p1", Decimal(95, 0), Decimal(105, 0)), Error);
        {
            FakeHost::ProductCall call(host, "p1");
            CPPUNIT_ASSERT_THROW(h.sleep("p1", Decimal(105, 0), Decimal(95, 0)), Error);
            CPPUNIT_ASSERT_EQUAL(std::string("position_sleep: at_or_below must be under at_or_above"), host.lastError);
            CPPUNIT_ASSERT_THROW(h.sleep("p1", Decimal(-1, 0), std::nullopt), Error);
            CPPUNIT_ASSERT_THROW(h.sleep("p2", Decimal(95, 0), std::nullopt), Error);
            CPPUNIT_ASSERT(h.sleep("p1", Decimal(9500, 2), Decimal(105, 0), 77));
            CPPUNIT_ASSERT(!host.sleeping("p1"));  // applied with the call, not before
            call.commit();
        }
        const std::optional<bourse_wake> band = host.sleeping("p1");
        CPPUNIT_ASSERT(band);
        CPPUNIT_ASSERT(Decimal(band->at_or_below) == Decimal(95, 0));
        CPPUNIT_ASSERT(Decimal(band->at_or_above) == Decimal(105, 0));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(77), band->at_ns);
        {
            // Every call starts the position awake; one that is not committed leaves it so.
            FakeHost::ProductCall dropped(host, "p1");
            CPPUNIT_ASSERT(!host.sleeping("p1"));
            CPPUNIT_ASSERT(h.sleep("p1", Decimal(1, 0), std::nullopt));
        }
        CPPUNIT_ASSERT(!host.sleeping("p1"));

        // The rules every host applies (the kernel's table uses the same function).
        bourse_wake w{sizeof(bourse_wake), {0, 0}, {0, 0}, 0};
        CPPUNIT_ASSERT(wakeProblem(w).empty());  // no bound: asleep until a fill or a request
        w.at_ns = -1;
        CPPUNIT_ASSERT(!wakeProblem(w).empty());
        w = bourse_wake{sizeof(bourse_wake), {1, 19}, {0, 0}, 0};
        CPPUNIT_ASSERT(!wakeProblem(w).empty());
        w = bourse_wake{sizeof(bourse_wake), {9999, 2}, {100, 0}, 0};
        CPPUNIT_ASSERT(wakeProblem(w).empty());
        w.at_or_above = {9999, 2};
        CPPUNIT_ASSERT(!wakeProblem(w).empty());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(FakeHostTest);
