//
// bourse/testing/FakeHost.hpp — an in-process host for plugin unit tests.
//
// Implements the whole host-services table without a kernel and without
// dlopen: link the plugin's static library (<name>-static), hand its
// `bourse_module_entry` to PluginUnderTest, and drive it. Time only moves when
// the test calls advance(), which fires due timers in order, so tests of
// timer-driven plugins are instant and deterministic. HTTP requests are
// answered by a test-supplied responder when the test calls runPending().
// Ledger, venue and outbound WebSocket services answer BOURSE_E_UNSUPPORTED.
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
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace bourse::testing {
class FakeHost;
}

struct bourse_host_ctx {
    bourse::testing::FakeHost* host;
};

namespace bourse::testing {

struct PublishedTick {
    std::string symbol;
    Decimal price;
    std::int64_t tsNs;
};

class FakeHost {
public:
    using Responder = std::function<HttpResponse(const HttpRequest&)>;

    explicit FakeHost(std::int64_t startNs = 1'700'000'000'000'000'000) : _now(startNs) { _ctx.host = this; }
    FakeHost(const FakeHost&) = delete;
    FakeHost& operator=(const FakeHost&) = delete;

    // -- set-up --
    void setConfig(std::string json) { _config = std::move(json); }
    void setSecret(const std::string& name, const std::string& value) { _secrets[name] = value; }
    void setLastTick(const std::string& symbol, Decimal price, std::int64_t tsNs) {
        _last[symbol] = PublishedTick{symbol, price, tsNs};
    }
    void setResponder(Responder r) { _responder = std::move(r); }

    // -- time --
    [[nodiscard]] std::int64_t now() const { return _now; }
    /// Moves the clock forward, firing every timer that falls due, in order.
    void advance(std::chrono::nanoseconds d) {
        const std::int64_t target = _now + d.count();
        while (true) {
            auto next = _timers.end();
            for (auto it = _timers.begin(); it != _timers.end(); ++it)
                if (it->second.due <= target && (next == _timers.end() || it->second.due < next->second.due))
                    next = it;
            if (next == _timers.end()) break;
            _now = next->second.due;
            const std::uint64_t id = next->first;
            const Timer t = next->second;
            if (t.interval > 0) next->second.due += t.interval;
            else _timers.erase(next);
            t.cb(t.user, id);
        }
        _now = target;
        runPending();
    }
    [[nodiscard]] std::size_t activeTimers() const { return _timers.size(); }

    /// Answers queued HTTP requests with the responder (status 0 if none is set).
    void runPending() {
        auto pending = std::move(_http);
        _http.clear();
        for (auto& p : pending) {
            if (p.cancelled) continue;
            HttpResponse r = _responder ? _responder(p.request) : HttpResponse{0, {}, "", "no responder"};
            std::vector<bourse_http_header> hs;
            for (const auto& [k, v] : r.headers) hs.push_back({toStr(k), toStr(v)});
            const bourse_http_response resp{sizeof(bourse_http_response), r.status, hs.data(), hs.size(),
                                            toStr(r.body), toStr(r.error)};
            p.cb(p.user, &resp);
        }
    }

    // -- what the plugin did --
    std::vector<PublishedTick> ticks;
    std::vector<std::pair<std::string, std::string>> notifications;
    std::vector<HttpRequest> requests;
    std::map<std::string, std::string> kv;
    std::string lastError;
    std::vector<std::string> logs;

    [[nodiscard]] const bourse_host_api* api() const { return &table(); }
    [[nodiscard]] bourse_host_ctx* ctx() { return &_ctx; }

private:
    struct Timer {
        std::int64_t due, interval;
        bourse_timer_callback cb;
        void* user;
    };
    struct PendingHttp {
        HttpRequest request;
        bourse_http_callback cb;
        void* user;
        bool cancelled = false;
        std::uint64_t id;
    };

    static FakeHost& of(bourse_host_ctx* c) { return *c->host; }
    static std::string str(bourse_str s) { return s.data ? std::string(s.data, s.len) : std::string(); }

    static const bourse_host_api& table() {
        static const bourse_host_api api = [] {
            bourse_host_api a{};
            a.struct_size = sizeof a;
            a.abi_major = BOURSE_ABI_MAJOR;
            a.abi_minor = BOURSE_ABI_MINOR;
            a.log = [](bourse_host_ctx* c, bourse_log_level, bourse_str m) { of(c).logs.push_back(str(m)); };
            a.set_error = [](bourse_host_ctx* c, bourse_str m) { of(c).lastError = str(m); };
            a.now_ns = [](bourse_host_ctx* c) { return of(c)._now; };
            a.timer_start = [](bourse_host_ctx* c, std::int64_t delay, std::int64_t interval, bourse_timer_callback cb,
                               void* user, std::uint64_t* id) {
                if (!cb || !id || delay < 0 || interval < 0) return BOURSE_E_INVALID;
                FakeHost& h = of(c);
                *id = h._nextId++;
                h._timers[*id] = Timer{h._now + delay, interval, cb, user};
                return BOURSE_OK;
            };
            a.timer_cancel = [](bourse_host_ctx* c, std::uint64_t id) { of(c)._timers.erase(id); };
            a.config_json = [](bourse_host_ctx* c) { return toStr(of(c)._config); };
            a.secret_get = [](bourse_host_ctx* c, bourse_str name, bourse_reply sink) {
                const auto it = of(c)._secrets.find(str(name));
                if (it == of(c)._secrets.end()) return BOURSE_E_NOT_FOUND;
                sink.done(sink.ctx, BOURSE_OK, toStr(it->second));
                return BOURSE_OK;
            };
            a.kv_get = [](bourse_host_ctx* c, bourse_str key, bourse_reply sink) {
                const auto it = of(c).kv.find(str(key));
                if (it == of(c).kv.end()) return BOURSE_E_NOT_FOUND;
                sink.done(sink.ctx, BOURSE_OK, toStr(it->second));
                return BOURSE_OK;
            };
            a.kv_put = [](bourse_host_ctx* c, bourse_str key, bourse_str value) {
                of(c).kv[str(key)] = str(value);
                return BOURSE_OK;
            };
            a.kv_delete = [](bourse_host_ctx* c, bourse_str key) {
                of(c).kv.erase(str(key));
                return BOURSE_OK;
            };
            a.publish_tick = [](bourse_host_ctx* c, const bourse_tick* t) {
                if (!t || t->struct_size < sizeof(bourse_tick)) return BOURSE_E_INVALID;
                PublishedTick p{str(t->symbol), Decimal(t->price), t->ts_ns};
                of(c).ticks.push_back(p);
                of(c)._last[p.symbol] = p;
                return BOURSE_OK;
            };
            a.publish_candle = [](bourse_host_ctx*, const bourse_candle*) { return BOURSE_E_UNSUPPORTED; };
            a.last_tick = [](bourse_host_ctx* c, bourse_str symbol, bourse_tick* out) {
                FakeHost& h = of(c);
                const auto it = h._last.find(str(symbol));
                if (it == h._last.end()) return BOURSE_E_NOT_FOUND;
                h._scratch = it->second.symbol;
                *out = bourse_tick{sizeof(bourse_tick), toStr(h._scratch), it->second.price.toC(), it->second.tsNs};
                return BOURSE_OK;
            };
            a.notify = [](bourse_host_ctx* c, bourse_str topic, bourse_str json) {
                of(c).notifications.emplace_back(str(topic), str(json));
                return BOURSE_OK;
            };
            a.http_request = [](bourse_host_ctx* c, const bourse_http_request* r, bourse_http_callback cb, void* user,
                                std::uint64_t* id) {
                if (!r || !cb || !id) return BOURSE_E_INVALID;
                FakeHost& h = of(c);
                HttpRequest req{str(r->method), str(r->url), {}, str(r->body), std::chrono::milliseconds(r->timeout_ms)};
                for (std::size_t i = 0; i < r->header_count; ++i)
                    req.headers.emplace_back(str(r->headers[i].name), str(r->headers[i].value));
                h.requests.push_back(req);
                *id = h._nextId++;
                h._http.push_back(PendingHttp{req, cb, user, false, *id});
                return BOURSE_OK;
            };
            a.http_cancel = [](bourse_host_ctx* c, std::uint64_t id) {
                for (auto& p : of(c)._http)
                    if (p.id == id) p.cancelled = true;
            };
            a.ws_connect = [](bourse_host_ctx*, bourse_str, bourse_ws_callback, void*, std::uint64_t*) {
                return BOURSE_E_UNSUPPORTED;
            };
            a.ws_send = [](bourse_host_ctx*, std::uint64_t, bourse_str) { return BOURSE_E_UNSUPPORTED; };
            a.ws_close = [](bourse_host_ctx*, std::uint64_t) {};
            a.ledger_reserve = [](bourse_host_ctx*, bourse_str, bourse_money, bourse_str) { return BOURSE_E_UNSUPPORTED; };
            a.ledger_release = [](bourse_host_ctx*, bourse_str, bourse_money, bourse_str) { return BOURSE_E_UNSUPPORTED; };
            a.venue_place_order = [](bourse_host_ctx*, const bourse_order_request*) { return BOURSE_E_UNSUPPORTED; };
            a.venue_cancel_order = [](bourse_host_ctx*, bourse_str, bourse_str) { return BOURSE_E_UNSUPPORTED; };
            a.position_save_state = [](bourse_host_ctx*, bourse_str, bourse_str) { return BOURSE_E_UNSUPPORTED; };
            return a;
        }();
        return api;
    }

    bourse_host_ctx _ctx{};
    std::int64_t _now;
    std::uint64_t _nextId = 1;
    std::string _config = "{}";
    std::map<std::string, std::string> _secrets;
    std::map<std::uint64_t, Timer> _timers;
    std::vector<PendingHttp> _http;
    std::map<std::string, PublishedTick> _last;
    std::string _scratch;
    Responder _responder;
};

/// One plugin of a statically linked module, created on a FakeHost through the
/// C ABI exactly as the kernel would (module and descriptor checks included).
class PluginUnderTest {
public:
    /// Throws std::runtime_error with the kernel's message if the module or the
    /// plugin is refused, or if create fails (then host.lastError says why).
    PluginUnderTest(const bourse_module& module, const std::string& id, FakeHost& host) : _host(host) {
        if (std::string why = checkModule(module); !why.empty()) throw std::runtime_error(why);
        struct Collect {
            std::vector<const bourse_plugin_descriptor*> list;
            std::string error;
        } collect;
        const bourse_registrar r{sizeof(bourse_registrar), &collect,
                                 [](void* c, const bourse_plugin_descriptor* d) {
                                     auto* col = static_cast<Collect*>(c);
                                     if (std::string why = checkDescriptor(d); !why.empty()) {
                                         col->error = why;
                                         return BOURSE_E_INVALID;
                                     }
                                     col->list.push_back(d);
                                     return BOURSE_OK;
                                 },
                                 [](void* c, bourse_str m) { static_cast<Collect*>(c)->error = std::string(m.data, m.len); }};
        if (module.register_plugins(&r) != BOURSE_OK) throw std::runtime_error("registration failed: " + collect.error);
        for (const auto* d : collect.list)
            if (id == d->id) _d = d;
        if (!_d) throw std::runtime_error("module does not offer plugin '" + id + "'");
        if (_d->create(host.api(), host.ctx(), &_instance) != BOURSE_OK || !_instance)
            throw std::runtime_error("create failed: " + host.lastError);
    }
    ~PluginUnderTest() {
        stop();
        if (_instance) _d->destroy(_instance);
    }
    PluginUnderTest(const PluginUnderTest&) = delete;
    PluginUnderTest& operator=(const PluginUnderTest&) = delete;

    [[nodiscard]] const bourse_plugin_descriptor& descriptor() const { return *_d; }
    [[nodiscard]] void* instance() const { return _instance; }

    bourse_status start() {
        _started = true;
        return _d->start ? _d->start(_instance) : BOURSE_OK;
    }
    void stop() {
        if (_started && _d->stop) _d->stop(_instance);
        _started = false;
    }
    bourse_status health() { return _d->health ? _d->health(_instance) : BOURSE_OK; }

    /// Price sources: the instruments offered.
    std::vector<Instrument> instruments() {
        const auto* api = static_cast<const bourse_price_source_api*>(_d->kind_api);
        std::vector<Instrument> out;
        const bourse_instrument_sink sink{&out, [](void* c, const bourse_instrument* in) {
                                              static_cast<std::vector<Instrument>*>(c)->push_back(
                                                  {std::string(fromStr(in->symbol)), std::string(fromStr(in->name)),
                                                   in->price_scale, std::string(fromStr(in->base_asset)),
                                                   std::string(fromStr(in->quote_asset))});
                                          }};
        if (api->list_instruments(_instance, sink) != BOURSE_OK)
            throw std::runtime_error("list_instruments failed: " + _host.lastError);
        return out;
    }

    /// Runs an operator command: {status, reply JSON or error message}.
    std::pair<bourse_status, std::string> command(const std::string& name, const std::string& args) {
        std::string reply;
        const bourse_reply r{&reply, [](void* c, bourse_status, bourse_str j) {
                                 static_cast<std::string*>(c)->assign(j.data, j.len);
                             }};
        _host.lastError.clear();
        const bourse_status s = _d->command(_instance, toStr(name), toStr(args), r);
        return {s, s == BOURSE_OK ? reply : _host.lastError};
    }

private:
    FakeHost& _host;
    const bourse_plugin_descriptor* _d = nullptr;
    void* _instance = nullptr;
    bool _started = false;
};

} // namespace bourse::testing

#endif // BOURSE_TESTING_FAKE_HOST_HPP
