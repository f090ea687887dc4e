//
// bourse/testing/FakeHost.hpp — an in-process host for plugin unit tests.
//
// Implements the whole host-services table of <bourse/plugin.h> without a
// kernel and without dlopen: link the plugin's static library (<name>-static),
// declare its entry (`extern "C" const bourse_module bourse_module_entry;`),
// hand it to PluginUnderTest, and drive it through the C ABI exactly as the
// kernel would.
//
//   FakeHost host;
//   host.setConfig(R"({"instruments": [...]})");
//   PluginUnderTest p(bourse_module_entry, "otc", host);
//   p.start();
//   host.advance(std::chrono::seconds(10));   // fires due timers, in order
//   CPPUNIT_ASSERT(!host.ticks.empty());
//
// Time only moves when the test calls advance(), so timer-driven plugins are
// tested instantly and deterministically. HTTP requests are answered by a
// test-supplied responder, never during the call that made them: when the test
// calls runPending(), and inside advance() before each due timer and at the end.
// Outbound WebSocket and ledger services answer BOURSE_E_UNSUPPORTED. Limits the
// kernel enforces are enforced here too (timer interval >= 1 ms, http(s) URLs
// only, KV key 1..256 bytes, value <= 1 MiB), so a plugin that passes its unit
// tests is not refused at run time for them. Unlike the current kernel,
// publish_candle is accepted and recorded.
//
// Trade products (bots): venue_place_order, venue_cancel_order and
// position_save_state work as in the kernel only inside a product call — an
// on_tick, on_fill or control for one position, opened with ProductCall (the
// PluginUnderTest helpers onTick/onFill/control do it) — and answer
// BOURSE_E_UNSUPPORTED anywhere else. Inside one they are checked (the position
// being called, a JSON object for state, a non-empty client id), recorded as
// pending, and applied together when the call succeeds: then they appear in
// venueOrders / venueCancels / savedStates and savedState(id) answers the new
// state; a failed call drops them, as the kernel's single transaction does.
// Unlike the kernel, a client id placed twice is recorded twice, so a test can
// see a plugin that repeats itself. setVenueFailure() makes the venue refuse.
//
// Header-only. It defines struct bourse_host_ctx, so never include it in a
// program that also links the kernel. Not thread-safe: one test thread.
//
#ifndef BOURSE_TESTING_FAKE_HOST_HPP
#define BOURSE_TESTING_FAKE_HOST_HPP

#include <bourse/plugin.hpp>
#include <bourse/validate.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace bourse::testing {
class FakeHost;
}

/// The context handed to each plugin instance: which host, and which instance
/// (timers and requests belong to it, as in the kernel).
struct bourse_host_ctx {
    bourse::testing::FakeHost* host;
    std::uint64_t owner;
};

namespace bourse::testing {

struct PublishedTick {
    std::string symbol;
    Decimal price;
    std::int64_t tsNs = 0;
};

struct PublishedCandle {
    std::string symbol;
    int intervalS = 0;
    std::int64_t openTsNs = 0;
    Decimal open, high, low, close, volume;
};

struct Notification {
    std::string topic;
    std::string json;
};

struct LogLine {
    bourse_log_level level;
    std::string text;
};

/// A venue_cancel_order the host applied.
struct VenueCancel {
    std::string positionId;
    std::string clientOrderId;
};

/// A position_save_state the host applied.
struct SavedState {
    std::string positionId;
    std::string json;
};

class FakeHost {
public:
    /// Answers one outbound request. Return status 0 with `error` set to
    /// simulate a transport failure.
    using Responder = std::function<HttpResponse(const HttpRequest&)>;

    /// startNs: the clock's initial value (epoch ns; default 2023-11-14).
    explicit FakeHost(std::int64_t startNs = 1'700'000'000'000'000'000) : _now(startNs) {}
    FakeHost(const FakeHost&) = delete;
    FakeHost& operator=(const FakeHost&) = delete;

    // ---- set-up ----
    /// The plugin's config section as JSON object text (what the kernel hands over).
    void setConfig(std::string json) { _config = std::move(json); }
    void setSecret(const std::string& name, const std::string& value) { _secrets[name] = value; }
    /// Pretends the host already knows a price (e.g. from before a reload).
    void setLastTick(const std::string& symbol, Decimal price, std::int64_t tsNs) {
        _last[symbol] = PublishedTick{symbol, price, tsNs};
    }
    void setResponder(Responder r) { _responder = std::move(r); }

    // ---- time ----
    [[nodiscard]] std::int64_t now() const { return _now; }

    /// Moves the clock forward by d. Every timer that falls due runs, in due
    /// order (ties: the earlier-started timer first), with now() equal to its due
    /// time; repeating timers run once per interval. Pending HTTP requests are
    /// answered before each timer and at the end. Throws std::runtime_error if
    /// timers keep firing without time passing (a plugin rescheduling with delay 0).
    void advance(std::chrono::nanoseconds d) {
        if (d.count() < 0) throw std::invalid_argument("FakeHost::advance: negative duration");
        const std::int64_t target = _now + d.count();
        std::int64_t lastDue = _now;
        int firedAtSameInstant = 0;
        while (true) {
            runPending();
            auto next = _timers.end();
            for (auto it = _timers.begin(); it != _timers.end(); ++it)
                if (it->second.due <= target && (next == _timers.end() || it->second.due < next->second.due)) next = it;
            if (next == _timers.end()) break;
            firedAtSameInstant = next->second.due == lastDue ? firedAtSameInstant + 1 : 0;
            if (firedAtSameInstant > 100'000)
                throw std::runtime_error("FakeHost::advance: timers keep firing at the same instant");
            lastDue = next->second.due;
            _now = next->second.due;
            const std::uint64_t id = next->first;
            const Timer t = next->second;
            if (t.interval > 0)
                next->second.due += t.interval;
            else
                _timers.erase(next);  // one-shot: gone before its callback, as in the kernel
            t.cb(t.user, id);
        }
        _now = target;
        runPending();
    }

    /// Answers the HTTP requests queued so far (requests made by these callbacks
    /// wait for the next call). Returns how many callbacks ran.
    std::size_t runPending() {
        std::vector<std::uint64_t> batch;
        for (const auto& [id, p] : _http)
            batch.push_back(id);
        std::size_t ran = 0;
        for (const std::uint64_t id : batch) {
            const auto it = _http.find(id);
            if (it == _http.end()) continue;  // cancelled by an earlier callback
            const PendingHttp p = std::move(it->second);
            _http.erase(it);
            const HttpResponse r =
                _responder ? _responder(p.request) : HttpResponse{0, {}, "", "fake host: no responder set"};
            std::vector<bourse_http_header> hs;
            hs.reserve(r.headers.size());
            for (const auto& [k, v] : r.headers)
                hs.push_back({toStr(k), toStr(v)});
            const bourse_http_response resp{
                sizeof(bourse_http_response), r.status, hs.data(), hs.size(), toStr(r.body), toStr(r.error)};
            p.cb(p.user, &resp);
            ++ran;
        }
        return ran;
    }

    /// Timers still scheduled: all of them, or those of one instance.
    [[nodiscard]] std::size_t activeTimers() const { return _timers.size(); }
    [[nodiscard]] std::size_t activeTimers(const bourse_host_ctx* ctx) const {
        std::size_t n = 0;
        for (const auto& [id, t] : _timers)
            n += t.owner == ctx->owner;
        return n;
    }
    /// HTTP requests not answered yet.
    [[nodiscard]] std::size_t pendingRequests() const { return _http.size(); }

    // ---- what the plugin did (tests read and may clear these) ----
    std::vector<PublishedTick> ticks;
    std::vector<PublishedCandle> candles;
    std::vector<Notification> notifications;
    /// How often the plugin said its instruments changed (host->instruments_changed).
    int instrumentsChanged = 0;
    /// Every host->source_state report, oldest first: (bourse_source_state, detail).
    std::vector<std::pair<int, std::string>> sourceStates;
    std::vector<HttpRequest> requests;      ///< every request made, answered or not
    std::map<std::string, std::string> kv;  ///< the plugin's key-value store (shared by its instances)
    std::string lastError;                  ///< the last message from set_error (or a failed host call)
    std::vector<LogLine> logs;
    /// Venue and state calls of trade products, applied (successful product calls only), oldest first.
    std::vector<OrderRequest> venueOrders;
    std::vector<VenueCancel> venueCancels;
    std::vector<SavedState> savedStates;

    /// The band a position sleeps in now: set by its last call if that call was
    /// committed and set one (every call starts the position awake, as in the kernel).
    [[nodiscard]] std::optional<bourse_wake> sleeping(const std::string& positionId) const {
        const auto it = _asleep.find(positionId);
        if (it == _asleep.end()) return std::nullopt;
        return it->second;
    }

    /// The state last saved for a position by a successful product call, if any.
    [[nodiscard]] std::optional<std::string> savedState(const std::string& positionId) const {
        for (auto it = savedStates.rbegin(); it != savedStates.rend(); ++it)
            if (it->positionId == positionId) return it->json;
        return std::nullopt;
    }
    /// Client ids placed for a position, in order (duplicates included).
    [[nodiscard]] std::vector<std::string> placedIds(const std::string& positionId) const {
        std::vector<std::string> ids;
        for (const auto& o : venueOrders)
            if (o.positionId == positionId) ids.push_back(o.clientOrderId);
        return ids;
    }

    /// Makes venue_place_order and venue_cancel_order fail with `status` (and
    /// `message` through lastError) until called again with BOURSE_OK, as a
    /// kernel refusing an order would.
    void setVenueFailure(bourse_status status, std::string message = "venue: refused (fake host)") {
        _venueFailure = status;
        _venueFailureMessage = std::move(message);
    }

    /// An open on_tick / on_fill / control call for one position: venue and
    /// state calls are accepted for that position while it lives. commit()
    /// applies what was recorded (call it when the product call returned OK);
    /// destroyed without commit(), it drops everything. One at a time.
    class ProductCall {
    public:
        ProductCall(FakeHost& host, std::string positionId) : _host(host) {
            if (_host._call) throw std::logic_error("FakeHost::ProductCall: a product call is already open");
            _host._asleep.erase(positionId);  // every call starts the position awake, committed or not
            _host._call.emplace(Pending{std::move(positionId), {}, {}, std::nullopt, std::nullopt});
        }
        ProductCall(const ProductCall&) = delete;
        ProductCall& operator=(const ProductCall&) = delete;
        ~ProductCall() { _host._call.reset(); }
        void commit() {
            if (!_host._call) return;
            Pending p = std::move(*_host._call);
            _host._call.reset();
            for (auto& o : p.orders)
                _host.venueOrders.push_back(std::move(o));
            for (auto& c : p.cancels)
                _host.venueCancels.push_back(std::move(c));
            if (p.state) _host.savedStates.push_back({p.positionId, std::move(*p.state)});
            if (p.wake) _host._asleep[p.positionId] = *p.wake;
        }

    private:
        FakeHost& _host;
    };

    /// The last tick the host knows for symbol (published or set), if any.
    [[nodiscard]] std::optional<PublishedTick> lastTick(const std::string& symbol) const {
        const auto it = _last.find(symbol);
        if (it == _last.end()) return std::nullopt;
        return it->second;
    }

    // ---- wiring ----
    [[nodiscard]] const bourse_host_api* api() const { return &table(); }
    /// A new instance context: its timers and requests are tracked separately.
    [[nodiscard]] bourse_host_ctx newContext() { return bourse_host_ctx{this, _nextOwner++}; }
    /// What the kernel does right after an instance stops: cancels its timers and
    /// drops its pending requests. Returns how many timers were still scheduled.
    std::size_t releaseResources(const bourse_host_ctx* ctx) {
        std::size_t left = 0;
        for (auto it = _timers.begin(); it != _timers.end();)
            if (it->second.owner == ctx->owner) {
                it = _timers.erase(it);
                ++left;
            } else {
                ++it;
            }
        for (auto it = _http.begin(); it != _http.end();)
            it = it->second.owner == ctx->owner ? _http.erase(it) : std::next(it);
        return left;
    }

private:
    struct Timer {
        std::int64_t due, interval;
        bourse_timer_callback cb;
        void* user;
        std::uint64_t owner;
    };
    struct PendingHttp {
        HttpRequest request;
        bourse_http_callback cb;
        void* user;
        std::uint64_t owner;
    };

    static FakeHost& of(bourse_host_ctx* c) { return *c->host; }
    static std::string str(bourse_str s) { return s.data ? std::string(s.data, s.len) : std::string(); }
    static bourse_status fail(bourse_host_ctx* c, bourse_status s, const std::string& msg) {
        of(c).lastError = msg;
        return s;
    }
    static bourse_status unsupported(bourse_host_ctx* c, const char* what) {
        return fail(c, BOURSE_E_UNSUPPORTED, std::string("unsupported: ") + what + " (fake host)");
    }
    static bourse_status outsideCall(bourse_host_ctx* c) {
        return unsupported(c, "venue orders and position state only inside on_tick, on_fill or control");
    }
    /// The checks venue calls share: the position being called, no failure set.
    bourse_status checkVenue(bourse_host_ctx* c, bourse_str position) const {
        if (str(position) != _call->positionId)
            return fail(c, BOURSE_E_INVALID, "position: only the position being called may be acted on");
        if (_venueFailure != BOURSE_OK) return fail(c, _venueFailure, _venueFailureMessage);
        return BOURSE_OK;
    }

    /// What the open product call recorded, applied by ProductCall::commit().
    struct Pending {
        std::string positionId;
        std::vector<OrderRequest> orders;
        std::vector<VenueCancel> cancels;
        std::optional<std::string> state;
        std::optional<bourse_wake> wake;
    };

    // The table's functions are C callbacks: they must not throw. Each one only
    // touches standard containers; allocation failure would terminate the test.
    static const bourse_host_api& table() {
        static const bourse_host_api api = [] {
            bourse_host_api a{};
            a.struct_size = sizeof a;
            a.abi_major = BOURSE_ABI_MAJOR;
            a.abi_minor = BOURSE_ABI_MINOR;
            a.log = [](bourse_host_ctx* c, bourse_log_level level, bourse_str m) {
                of(c).logs.push_back({level, str(m)});
            };
            a.set_error = [](bourse_host_ctx* c, bourse_str m) { of(c).lastError = str(m); };
            a.now_ns = [](bourse_host_ctx* c) { return of(c)._now; };
            a.timer_start = [](bourse_host_ctx* c, std::int64_t delay, std::int64_t interval, bourse_timer_callback cb,
                               void* user, std::uint64_t* id) {
                if (!cb || !id || delay < 0 || interval < 0) return fail(c, BOURSE_E_INVALID, "timer: bad arguments");
                if (interval > 0 && interval < 1'000'000)
                    return fail(c, BOURSE_E_INVALID, "timer: interval below 1 ms");
                FakeHost& h = of(c);
                *id = h._nextId++;
                h._timers[*id] = Timer{h._now + delay, interval, cb, user, c->owner};
                return BOURSE_OK;
            };
            a.timer_cancel = [](bourse_host_ctx* c, std::uint64_t id) {
                FakeHost& h = of(c);
                const auto it = h._timers.find(id);
                if (it != h._timers.end() && it->second.owner == c->owner) h._timers.erase(it);
            };
            a.config_json = [](bourse_host_ctx* c) { return toStr(of(c)._config); };
            a.secret_get = [](bourse_host_ctx* c, bourse_str name, bourse_reply sink) {
                const auto it = of(c)._secrets.find(str(name));
                if (it == of(c)._secrets.end()) return BOURSE_E_NOT_FOUND;
                if (sink.done) sink.done(sink.ctx, BOURSE_OK, toStr(it->second));
                return BOURSE_OK;
            };
            a.kv_get = [](bourse_host_ctx* c, bourse_str key, bourse_reply sink) {
                const auto it = of(c).kv.find(str(key));
                if (it == of(c).kv.end()) return BOURSE_E_NOT_FOUND;
                if (sink.done) sink.done(sink.ctx, BOURSE_OK, toStr(it->second));
                return BOURSE_OK;
            };
            a.kv_put = [](bourse_host_ctx* c, bourse_str key, bourse_str value) {
                if (key.len == 0 || key.len > 256) return fail(c, BOURSE_E_INVALID, "kv: key must be 1..256 bytes");
                if (value.len > (1u << 20)) return fail(c, BOURSE_E_INVALID, "kv: value larger than 1 MiB");
                of(c).kv[str(key)] = str(value);
                return BOURSE_OK;
            };
            a.kv_delete = [](bourse_host_ctx* c, bourse_str key) {
                of(c).kv.erase(str(key));
                return BOURSE_OK;
            };
            a.publish_tick = [](bourse_host_ctx* c, const bourse_tick* t) {
                if (!t || t->struct_size < sizeof(bourse_tick)) return fail(c, BOURSE_E_INVALID, "tick: bad struct");
                FakeHost& h = of(c);
                PublishedTick p{str(t->symbol), Decimal(t->price), t->ts_ns ? t->ts_ns : h._now};
                h.ticks.push_back(p);
                h._last[p.symbol] = p;
                return BOURSE_OK;
            };
            a.publish_candle = [](bourse_host_ctx* c, const bourse_candle* k) {
                if (!k || k->struct_size < sizeof(bourse_candle))
                    return fail(c, BOURSE_E_INVALID, "candle: bad struct");
                of(c).candles.push_back({str(k->symbol), k->interval_s, k->open_ts_ns, Decimal(k->open),
                                         Decimal(k->high), Decimal(k->low), Decimal(k->close), Decimal(k->volume)});
                return BOURSE_OK;
            };
            a.last_tick = [](bourse_host_ctx* c, bourse_str symbol, bourse_tick* out) {
                if (!out) return fail(c, BOURSE_E_INVALID, "last_tick: out is null");
                FakeHost& h = of(c);
                const auto it = h._last.find(str(symbol));
                if (it == h._last.end()) return BOURSE_E_NOT_FOUND;
                h._scratch = it->second.symbol;  // borrowed by the plugin until its next host call
                *out = bourse_tick{sizeof(bourse_tick), toStr(h._scratch), it->second.price.toC(), it->second.tsNs};
                return BOURSE_OK;
            };
            a.notify = [](bourse_host_ctx* c, bourse_str topic, bourse_str json) {
                of(c).notifications.push_back({str(topic), str(json)});
                return BOURSE_OK;
            };
            a.http_request = [](bourse_host_ctx* c, const bourse_http_request* r, bourse_http_callback cb, void* user,
                                std::uint64_t* id) {
                if (!r || r->struct_size < sizeof(bourse_http_request) || !cb || !id)
                    return fail(c, BOURSE_E_INVALID, "http: bad arguments");
                HttpRequest req{
                    str(r->method), str(r->url), {}, str(r->body), std::chrono::milliseconds(r->timeout_ms)};
                if (req.url.rfind("http://", 0) != 0 && req.url.rfind("https://", 0) != 0)
                    return fail(c, BOURSE_E_INVALID, "http: URL must start with http:// or https://");
                for (std::size_t i = 0; i < r->header_count; ++i)
                    req.headers.emplace_back(str(r->headers[i].name), str(r->headers[i].value));
                FakeHost& h = of(c);
                h.requests.push_back(req);
                *id = h._nextId++;
                h._http.emplace(*id, PendingHttp{std::move(req), cb, user, c->owner});
                return BOURSE_OK;
            };
            a.http_cancel = [](bourse_host_ctx* c, std::uint64_t id) {
                FakeHost& h = of(c);
                const auto it = h._http.find(id);
                if (it != h._http.end() && it->second.owner == c->owner) h._http.erase(it);
            };
            a.ws_connect = [](bourse_host_ctx* c, bourse_str, bourse_ws_callback, void*, std::uint64_t*) {
                return unsupported(c, "outbound WebSocket");
            };
            a.ws_send = [](bourse_host_ctx* c, std::uint64_t, bourse_str) {
                return unsupported(c, "outbound WebSocket");
            };
            a.ws_close = [](bourse_host_ctx*, std::uint64_t) {};
            a.ledger_reserve = [](bourse_host_ctx* c, bourse_str, bourse_money, bourse_str) {
                return unsupported(c, "ledger operations");
            };
            a.ledger_release = [](bourse_host_ctx* c, bourse_str, bourse_money, bourse_str) {
                return unsupported(c, "ledger operations");
            };
            a.venue_place_order = [](bourse_host_ctx* c, const bourse_order_request* o) {
                FakeHost& h = of(c);
                if (!h._call) return outsideCall(c);
                if (!o || o->struct_size < sizeof(bourse_order_request))
                    return fail(c, BOURSE_E_INVALID, "venue_place_order: order is null or too small");
                if (const bourse_status s = h.checkVenue(c, o->position_id); s != BOURSE_OK) return s;
                if (o->client_order_id.len == 0) return fail(c, BOURSE_E_INVALID, "client_order_id: required");
                h._call->orders.push_back(OrderRequest::fromC(*o));
                return BOURSE_OK;
            };
            a.venue_cancel_order = [](bourse_host_ctx* c, bourse_str position, bourse_str clientOrderId) {
                FakeHost& h = of(c);
                if (!h._call) return outsideCall(c);
                if (const bourse_status s = h.checkVenue(c, position); s != BOURSE_OK) return s;
                h._call->cancels.push_back({str(position), str(clientOrderId)});
                return BOURSE_OK;
            };
            a.position_save_state = [](bourse_host_ctx* c, bourse_str position, bourse_str json) {
                FakeHost& h = of(c);
                if (!h._call) return outsideCall(c);
                if (str(position) != h._call->positionId)
                    return fail(c, BOURSE_E_INVALID, "position: only the position being called may be acted on");
                if (json.len == 0 || json.data[0] != '{')
                    return fail(c, BOURSE_E_INVALID, "state: must be a JSON object");
                h._call->state = str(json);
                return BOURSE_OK;
            };
            a.position_sleep = [](bourse_host_ctx* c, bourse_str position, const bourse_wake* w) {
                FakeHost& h = of(c);
                if (!h._call) return outsideCall(c);
                if (str(position) != h._call->positionId)
                    return fail(c, BOURSE_E_INVALID, "position: only the position being called may be acted on");
                if (!w || w->struct_size < sizeof(bourse_wake))
                    return fail(c, BOURSE_E_INVALID, "position_sleep: wake is null or too small");
                if (const std::string problem = wakeProblem(*w); !problem.empty())
                    return fail(c, BOURSE_E_INVALID, problem);
                h._call->wake = *w;
                return BOURSE_OK;
            };
            a.instruments_changed = [](bourse_host_ctx* c) {
                ++of(c).instrumentsChanged;
                return BOURSE_OK;
            };
            a.source_state = [](bourse_host_ctx* c, std::int32_t state, bourse_str detail) {
                of(c).sourceStates.emplace_back(
                    state, std::string(detail.data ? detail.data : "", detail.data ? detail.len : 0));
                return BOURSE_OK;
            };
            return a;
        }();
        return api;
    }

    std::int64_t _now;
    std::uint64_t _nextId = 1;  ///< timer and request ids, never 0
    std::uint64_t _nextOwner = 1;
    std::string _config = "{}";
    std::map<std::string, std::string> _secrets;
    std::map<std::string, bourse_wake> _asleep;  ///< position → its band
    std::map<std::uint64_t, Timer> _timers;
    std::map<std::uint64_t, PendingHttp> _http;  ///< by id, i.e. in the order they were made
    std::map<std::string, PublishedTick> _last;
    std::string _scratch;
    Responder _responder;
    std::optional<Pending> _call;  ///< the product call in progress, if any
    bourse_status _venueFailure = BOURSE_OK;
    std::string _venueFailureMessage;
};

}  // namespace bourse::testing

#endif  // BOURSE_TESTING_FAKE_HOST_HPP
