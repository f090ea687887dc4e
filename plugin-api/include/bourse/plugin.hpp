//
// bourse/plugin.hpp — the header-only C++ layer for plugin authors.
//
// Compiles into each plugin; nothing here is linked from the kernel. It turns
// the C ABI of <bourse/plugin.h> into idiomatic C++: derive from one of the four
// base classes, use std::string and exceptions, and declare the module with one
// macro. Every exception is caught at the edge and returned as a status code
// with its message, so none ever crosses into the host.
//
// A minimal price source:
//
//   #include <bourse/plugin.hpp>
//   class Hello : public bourse::PriceSource {
//   public:
//       explicit Hello(bourse::Host& host) : PriceSource(host) {}
//       std::vector<bourse::Instrument> instruments() override {
//           return {{"HELLO", "Hello index", 2, "", "USD"}};
//       }
//       void start() override {
//           _timer = host().every(std::chrono::seconds(1), [this] {
//               host().publishTick("HELLO", bourse::Decimal(100, 0));
//           });
//       }
//       void stop() override { host().cancel(_timer); }
//   private:
//       bourse::Host::TimerId _timer = 0;
//   };
//   BOURSE_DECLARE_PLUGIN(Hello, "hello", "1.0.0", "Says hello once a second")
//
// Threading: the host serialises every call into an instance (see plugin.h), so
// plugin classes need no locks for their own state. Ownership: Host is owned by
// the instance holder and outlives the plugin object; callbacks registered via
// Host are destroyed with it.
//
#ifndef BOURSE_PLUGIN_HPP
#define BOURSE_PLUGIN_HPP

#include <bourse/plugin.h>
#include <bourse/decimal.hpp>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#ifndef BOURSE_MIN_HOST_MINOR
/// Define before including to require a newer host (entries added in that minor).
#define BOURSE_MIN_HOST_MINOR 0
#endif

namespace bourse {

// --------------------------------------------------------------------------
// Errors
// --------------------------------------------------------------------------

/// Throw to fail a call with a specific status. The message goes to the host
/// (start it with a stable token: "config: ...", "upstream: ...").
class Error : public std::runtime_error {
public:
    Error(bourse_status status, const std::string& message) : std::runtime_error(message), _status(status) {}
    [[nodiscard]] bourse_status status() const noexcept { return _status; }

private:
    bourse_status _status;
};

inline bourse_str toStr(std::string_view s) noexcept {
    return bourse_str{s.data(), s.size()};
}
inline std::string_view fromStr(bourse_str s) noexcept {
    return s.data ? std::string_view(s.data, s.len) : std::string_view();
}

// --------------------------------------------------------------------------
// Value types (C++ mirrors of the C structs)
// --------------------------------------------------------------------------

struct Instrument {
    std::string symbol;
    std::string name;
    std::int32_t priceScale = 2;
    std::string baseAsset;
    std::string quoteAsset;
};

struct Tick {
    std::string symbol;
    Decimal price;
    std::int64_t tsNs = 0;

    static Tick fromC(const bourse_tick& t) { return {std::string(fromStr(t.symbol)), Decimal(t.price), t.ts_ns}; }
};

struct HttpResponse {
    int status = 0;  ///< 0 when the request failed before a response (see error)
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    std::string error;

    /// First header with this name (case-insensitive), or nullopt.
    [[nodiscard]] std::optional<std::string> header(std::string_view name) const {
        for (const auto& [k, v] : headers)
            if (k.size() == name.size() && std::equal(k.begin(), k.end(), name.begin(), [](char a, char b) {
                    return std::tolower(a) == std::tolower(b);
                }))
                return v;
        return std::nullopt;
    }
};

struct HttpRequest {
    std::string method = "GET";
    std::string url;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    std::chrono::milliseconds timeout{0};
};

struct Webhook {
    std::string path;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
};

struct Position {
    std::string id, userRef, symbol;
    Money stake;
    std::int64_t openedAtNs = 0, expiresAtNs = 0;
    std::string paramsJson, stateJson;
    /// Equal versions mean equal stateJson (ABI 1.4; 0 when the host does not track it).
    std::uint64_t stateVersion = 0;
};

/// A request to open a position, as TradeProduct::validate sees it.
struct OpenRequest {
    std::string userRef, symbol;
    Money stake;
    std::string paramsJson;
    std::optional<Tick> price;  ///< price in force now
    /// -1: the host does not count them (ABI 1.4); to limit open positions,
    /// put "max_open" in the terms validate() returns and the host enforces it.
    int userOpenPositions = -1;
};

struct Settlement {
    bourse_outcome outcome = BOURSE_OUTCOME_CLOSED;
    Money payout;
};

/// An order a trade product asks the host to place on the position's venue
/// (the C++ mirror of bourse_order_request; see Host::placeOrder). `quantity` is
/// base at the pair's lot scale, or zero for a market buy spending
/// `quoteAmount`; `limitPrice` is read for LIMIT orders only.
struct OrderRequest {
    std::string positionId;
    std::string clientOrderId;  ///< idempotency key, unique per position
    std::string symbol;
    bourse_side side = BOURSE_SIDE_BUY;
    bourse_order_type type = BOURSE_ORDER_LIMIT;
    Decimal quantity;
    Decimal quoteAmount;
    Decimal limitPrice;

    /// The C view. Borrows this object's strings: keep the object alive while it is used.
    [[nodiscard]] bourse_order_request toC() const {
        return bourse_order_request{sizeof(bourse_order_request),
                                    toStr(positionId),
                                    toStr(clientOrderId),
                                    toStr(symbol),
                                    side,
                                    type,
                                    quantity.toC(),
                                    quoteAmount.toC(),
                                    limitPrice.toC()};
    }
    /// A copy of a C request (strings copied).
    static OrderRequest fromC(const bourse_order_request& r) {
        return OrderRequest{std::string(fromStr(r.position_id)),
                            std::string(fromStr(r.client_order_id)),
                            std::string(fromStr(r.symbol)),
                            r.side,
                            r.type,
                            Decimal(r.quantity),
                            Decimal(r.quote_amount),
                            Decimal(r.limit_price)};
    }
};

/// An execution report (the C++ mirror of bourse_fill): `quantity` is base at
/// the lot scale, `price` at the tick scale, `fee` in quote minor units;
/// `orderDone` ends the order (a cancel or a rejection is a done report with
/// quantity 0). TradeProduct::onFill still receives the C struct (the
/// signature is fixed); use Fill::fromC there when a copy is handy.
struct Fill {
    std::string positionId, clientOrderId, venueOrderId, symbol;
    bourse_side side = BOURSE_SIDE_BUY;
    Decimal quantity;
    Decimal price;
    Money fee;
    std::int64_t tsNs = 0;
    bool orderDone = false;

    /// The C view. Borrows this object's strings: keep the object alive while it is used.
    [[nodiscard]] bourse_fill toC() const {
        return bourse_fill{sizeof(bourse_fill),
                           toStr(positionId),
                           toStr(clientOrderId),
                           toStr(venueOrderId),
                           toStr(symbol),
                           side,
                           quantity.toC(),
                           price.toC(),
                           fee.toC(),
                           tsNs,
                           orderDone ? 1 : 0};
    }
    /// A copy of a C report (strings copied).
    static Fill fromC(const bourse_fill& f) {
        return Fill{std::string(fromStr(f.position_id)),
                    std::string(fromStr(f.client_order_id)),
                    std::string(fromStr(f.venue_order_id)),
                    std::string(fromStr(f.symbol)),
                    f.side,
                    Decimal(f.quantity),
                    Decimal(f.price),
                    Money::fromC(f.fee),
                    f.ts_ns,
                    f.order_done != 0};
    }
};

struct PaymentRequest {
    std::string idempotencyKey, userRef;
    Money amount;
    std::string reference, metadataJson;
};

struct KycRequest {
    std::string userRef, email, fullName, country, metadataJson;
};

// --------------------------------------------------------------------------
// Host: the host-services table as a C++ object
// --------------------------------------------------------------------------

/// Why a host refuses `wake` in position_sleep, or "" when it is acceptable:
/// bounds positive or absent (mantissa 0) with a scale of 0..18, at_ns not
/// negative (0: absent), at_or_below under at_or_above when both are set.
inline std::string wakeProblem(const bourse_wake& wake) {
    for (const bourse_decimal& d : {wake.at_or_below, wake.at_or_above})
        if (d.mantissa < 0 || d.scale < 0 || d.scale > Decimal::kMaxScale)
            return "position_sleep: a bound must be positive (0: none), scale 0..18";
    if (wake.at_ns < 0) return "position_sleep: at_ns must not be negative (0: none)";
    if (wake.at_or_below.mantissa != 0 && wake.at_or_above.mantissa != 0 &&
        Decimal(wake.at_or_below).compare(Decimal(wake.at_or_above)) >= 0)
        return "position_sleep: at_or_below must be under at_or_above";
    return {};
}

/// Wraps the host-services table for one instance. Owned by the instance holder
/// the declare macro generates; plugin objects get a reference that stays valid
/// for their whole life.
class Host {
public:
    Host(const bourse_host_api* api, bourse_host_ctx* ctx) : _api(api), _ctx(ctx) {}
    Host(const Host&) = delete;
    Host& operator=(const Host&) = delete;

    [[nodiscard]] const bourse_host_api* api() const noexcept { return _api; }
    [[nodiscard]] bourse_host_ctx* ctx() const noexcept { return _ctx; }

    void log(bourse_log_level level, std::string_view msg) const { _api->log(_ctx, level, toStr(msg)); }
    void info(std::string_view msg) const { log(BOURSE_LOG_INFO, msg); }
    void warn(std::string_view msg) const { log(BOURSE_LOG_WARN, msg); }
    void error(std::string_view msg) const { log(BOURSE_LOG_ERROR, msg); }

    /// Host clock, epoch nanoseconds (injectable by tests).
    [[nodiscard]] std::int64_t nowNs() const { return _api->now_ns(_ctx); }

    /// The plugin's config section as JSON object text.
    [[nodiscard]] std::string configJson() const { return std::string(fromStr(_api->config_json(_ctx))); }

    /// A secret from the plugin's `secrets:` section, or nullopt.
    [[nodiscard]] std::optional<std::string> secret(std::string_view name) const {
        return readInto([&](bourse_reply r) { return _api->secret_get(_ctx, toStr(name), r); });
    }

    /// Key-value state that survives reloads and restarts.
    [[nodiscard]] std::optional<std::string> kvGet(std::string_view key) const {
        return readInto([&](bourse_reply r) { return _api->kv_get(_ctx, toStr(key), r); });
    }
    void kvPut(std::string_view key, std::string_view value) const {
        check(_api->kv_put(_ctx, toStr(key), toStr(value)), "kv_put");
    }
    void kvDelete(std::string_view key) const { check(_api->kv_delete(_ctx, toStr(key)), "kv_delete"); }

    /// Publish a live tick. tsNs 0 means "now" on the host clock.
    void publishTick(std::string_view symbol, Decimal price, std::int64_t tsNs = 0) const {
        bourse_tick t{sizeof(bourse_tick), toStr(symbol), price.toC(), tsNs ? tsNs : nowNs()};
        check(_api->publish_tick(_ctx, &t), "publish_tick");
    }

    /// Last tick the host knows for symbol, or nullopt.
    [[nodiscard]] std::optional<Tick> lastTick(std::string_view symbol) const {
        bourse_tick t{sizeof(bourse_tick), {}, {}, 0};
        if (_api->last_tick(_ctx, toStr(symbol), &t) != BOURSE_OK) return std::nullopt;
        return Tick{std::string(fromStr(t.symbol)), Decimal(t.price), t.ts_ns};
    }

    void notify(std::string_view topic, std::string_view json) const {
        check(_api->notify(_ctx, toStr(topic), toStr(json)), "notify");
    }

    using TimerId = std::uint64_t;

    /// Run fn after `delay`, then every `interval` (zero: once). Returns the id.
    /// A one-shot timer's function is released after it ran.
    TimerId schedule(std::chrono::nanoseconds delay, std::chrono::nanoseconds interval, std::function<void()> fn) {
        auto holder = std::make_unique<PendingTimer>(PendingTimer{this, 0, interval.count() == 0, std::move(fn)});
        std::uint64_t id = 0;
        check(_api->timer_start(_ctx, delay.count(), interval.count(), &Host::onTimer, holder.get(), &id),
              "timer_start");
        holder->id = id;
        _timers[id] = std::move(holder);
        return id;
    }
    TimerId every(std::chrono::nanoseconds interval, std::function<void()> fn) {
        return schedule(interval, interval, std::move(fn));
    }
    /// Safe from inside the timer's own function: it is released when that returns.
    void cancel(TimerId id) {
        _api->timer_cancel(_ctx, id);
        if (_inTimer && id == _firing)
            _releaseFiring = true;
        else
            _timers.erase(id);
    }

    /// Asynchronous HTTP. fn runs later on a host thread, serialised with the instance.
    std::uint64_t http(const HttpRequest& req, std::function<void(const HttpResponse&)> fn) {
        std::vector<bourse_http_header> hs;
        hs.reserve(req.headers.size());
        for (const auto& [k, v] : req.headers)
            hs.push_back({toStr(k), toStr(v)});
        bourse_http_request r{sizeof(bourse_http_request),
                              toStr(req.method),
                              toStr(req.url),
                              hs.data(),
                              hs.size(),
                              toStr(req.body),
                              static_cast<std::int32_t>(req.timeout.count())};
        auto pending = std::make_unique<PendingHttp>(PendingHttp{this, 0, std::move(fn)});
        std::uint64_t id = 0;
        check(_api->http_request(_ctx, &r, &Host::onHttp, pending.get(), &id), "http_request");
        pending->id = id;
        _http[id] = std::move(pending);
        return id;
    }

    /// Tell the host instruments() has changed (see plugin.h instruments_changed).
    /// False on a host older than ABI 1.1, which only asks once, after start().
    bool instrumentsChanged() {
        if (_api->struct_size < offsetof(bourse_host_api, instruments_changed) + sizeof(_api->instruments_changed))
            return false;
        check(_api->instruments_changed(_ctx), "instruments_changed");
        return true;
    }

    enum class SourceState {
        Live = BOURSE_SOURCE_LIVE,
        BackingOff = BOURSE_SOURCE_BACKING_OFF,
        Banned = BOURSE_SOURCE_BANNED
    };

    /// Report the source's connection state (see plugin.h source_state).
    /// False on a host older than ABI 1.2, which only judges staleness itself.
    bool sourceState(SourceState state, std::string_view detail = {}) {
        if (_api->struct_size < offsetof(bourse_host_api, source_state) + sizeof(_api->source_state)) return false;
        check(_api->source_state(_ctx, static_cast<std::int32_t>(state), toStr(detail)), "source_state");
        return true;
    }

    // -- trade products (bots): venue orders and position state --
    //
    // Valid only while the host is inside the product's onTick, onFill or
    // control for the position; anywhere else (validate, open, settle, command,
    // timers) the host refuses with BOURSE_E_UNSUPPORTED. The host records what
    // one call places, cancels and saves, and applies all of it together once
    // the call returns successfully; when the call fails (throws), none of it
    // happens. So an order placed here is not on the venue yet: its fills come
    // in later onFill calls. Each wrapper throws Error with the host's status
    // on failure (the message names the call; the host's reason goes to its log).
    // Arguments are borrowed for the call; the host copies what it keeps.

    /// Places an order on the position's venue. The client order id is the
    /// idempotency key: placing an id the position already has is a no-op for
    /// the host, so decide ids deterministically. Throws Error.
    void placeOrder(const bourse_order_request& order) const {
        check(_api->venue_place_order(_ctx, &order), "venue_place_order");
    }
    /// The same from the C++ mirror. Throws Error.
    void placeOrder(const OrderRequest& order) const {
        const bourse_order_request c = order.toC();
        placeOrder(c);
    }
    /// Asks the venue to cancel one of the position's orders; the confirmation
    /// arrives later as a done fill report with quantity 0. Throws Error.
    void cancelOrder(std::string_view positionId, std::string_view clientOrderId) const {
        check(_api->venue_cancel_order(_ctx, toStr(positionId), toStr(clientOrderId)), "venue_cancel_order");
    }
    /// Replaces the position's saved state (a JSON object): the next call for the
    /// position sees it as Position::stateJson. Throws Error.
    void saveState(std::string_view positionId, std::string_view stateJson) const {
        check(_api->position_save_state(_ctx, toStr(positionId), toStr(stateJson)), "position_save_state");
    }

    /// When the position next needs onTick (see plugin.h position_sleep): a
    /// price at or below `atOrBelow`, at or above `atOrAbove`, or a tick at or
    /// after `atNs`; an absent bound never wakes it. Holds until the next call
    /// into the position, once the host commits this one. False on a host
    /// older than ABI 1.5, which ticks every position. Throws Error.
    bool sleep(std::string_view positionId, const std::optional<Decimal>& atOrBelow,
               const std::optional<Decimal>& atOrAbove, std::optional<std::int64_t> atNs = std::nullopt) const {
        if (_api->struct_size < offsetof(bourse_host_api, position_sleep) + sizeof(_api->position_sleep)) return false;
        bourse_wake wake{};
        wake.struct_size = sizeof wake;
        if (atOrBelow) wake.at_or_below = atOrBelow->toC();
        if (atOrAbove) wake.at_or_above = atOrAbove->toC();
        wake.at_ns = atNs ? std::max<std::int64_t>(*atNs, 1) : 0;  // 0 would mean "no time"
        check(_api->position_sleep(_ctx, toStr(positionId), &wake), "position_sleep");
        return true;
    }

    enum class WsEvent { Open, Message, Closed };
    using WsId = std::uint64_t;

    /// Outbound WebSocket through the host (it owns TLS, ping/pong and the
    /// handshake timeout). fn runs later on a host thread, serialised with the
    /// instance: Open, then each text message, then Closed with the reason,
    /// unless wsClose() came first. Throws Error if the URL is not ws:// or wss://.
    WsId wsConnect(std::string_view url, std::function<void(WsEvent, std::string_view)> fn) {
        auto pending = std::make_unique<PendingWs>(PendingWs{this, 0, std::move(fn)});
        std::uint64_t id = 0;
        check(_api->ws_connect(_ctx, toStr(url), &Host::onWs, pending.get(), &id), "ws_connect");
        pending->id = id;
        _ws[id] = std::move(pending);
        return id;
    }
    /// False when the connection is not open (yet, or any more).
    bool wsSend(WsId id, std::string_view text) { return _api->ws_send(_ctx, id, toStr(text)) == BOURSE_OK; }
    /// No event of this connection follows. Safe from inside its own function.
    void wsClose(WsId id) {
        _api->ws_close(_ctx, id);
        if (_inWs == id)
            _releaseWs = true;
        else
            _ws.erase(id);
    }

private:
    struct PendingTimer {
        Host* host;
        std::uint64_t id;
        bool once;
        std::function<void()> fn;
    };
    struct PendingWs {
        Host* host;
        std::uint64_t id;
        std::function<void(WsEvent, std::string_view)> fn;
    };
    struct PendingHttp {
        Host* host;
        std::uint64_t id;
        std::function<void(const HttpResponse&)> fn;
    };

    static void check(bourse_status s, const char* what) {
        if (s != BOURSE_OK) throw Error(s, std::string("host: ") + what + " failed");
    }

    template <class F>
    static std::optional<std::string> readInto(F call) {
        std::optional<std::string> out;
        bourse_reply r{&out, [](void* c, bourse_status s, bourse_str v) {
                           if (s == BOURSE_OK) static_cast<std::optional<std::string>*>(c)->emplace(fromStr(v));
                       }};
        const bourse_status s = call(r);
        if (s == BOURSE_E_NOT_FOUND) return std::nullopt;
        check(s, "read");
        return out;
    }

    static void onTimer(void* user, std::uint64_t) noexcept {
        auto* t = static_cast<PendingTimer*>(user);
        Host* host = t->host;
        const std::uint64_t id = t->id;
        // Freeing the function while it runs (cancel from inside it, or a
        // finished one-shot) would destroy the closure under its own feet: defer.
        host->_inTimer = true;
        host->_firing = id;
        host->_releaseFiring = t->once;
        try {
            t->fn();
        } catch (const std::exception& e) {
            // A throwing timer must not unwind into the host; the instance keeps running.
            host->logQuietly(std::string("timer callback threw: ") + e.what());
        } catch (...) {
            host->logQuietly("timer callback threw");
        }
        host->_inTimer = false;
        if (host->_releaseFiring) host->_timers.erase(id);
    }

    void logQuietly(const std::string& msg) const noexcept {
        try {
            error(msg);
        } catch (...) {
        }
    }

    static void onHttp(void* user, const bourse_http_response* r) noexcept {
        auto* p = static_cast<PendingHttp*>(user);
        Host* host = p->host;
        const std::uint64_t id = p->id;
        try {
            HttpResponse resp;
            resp.status = r->status;
            for (std::size_t i = 0; i < r->header_count; ++i)
                resp.headers.emplace_back(fromStr(r->headers[i].name), fromStr(r->headers[i].value));
            resp.body = fromStr(r->body);
            resp.error = fromStr(r->error);
            auto fn = std::move(p->fn);
            host->_http.erase(id);  // frees p
            fn(resp);
        } catch (const std::exception& e) {
            host->error(std::string("http callback threw: ") + e.what());
        } catch (...) {
            host->error("http callback threw");
        }
    }

    static void onWs(void* user, std::uint64_t, bourse_ws_event event, bourse_str data) noexcept {
        auto* p = static_cast<PendingWs*>(user);
        Host* host = p->host;
        const std::uint64_t id = p->id;
        const WsEvent e = event == BOURSE_WS_OPEN      ? WsEvent::Open
                          : event == BOURSE_WS_MESSAGE ? WsEvent::Message
                                                       : WsEvent::Closed;
        // As with timers: the function may close its own connection; free it afterwards.
        host->_inWs = id;
        host->_releaseWs = e == WsEvent::Closed;
        try {
            p->fn(e, std::string_view(data.data ? data.data : "", data.len));
        } catch (const std::exception& ex) {
            host->logQuietly(std::string("websocket callback threw: ") + ex.what());
        } catch (...) {
            host->logQuietly("websocket callback threw");
        }
        host->_inWs = 0;
        if (host->_releaseWs) host->_ws.erase(id);
    }

    const bourse_host_api* _api;
    bourse_host_ctx* _ctx;
    std::map<std::uint64_t, std::unique_ptr<PendingWs>> _ws;
    std::uint64_t _inWs = 0;  ///< the connection whose function is running
    bool _releaseWs = false;  ///< free that function when it returns
    std::map<std::uint64_t, std::unique_ptr<PendingTimer>> _timers;
    bool _inTimer = false;        ///< a timer function is running ...
    std::uint64_t _firing = 0;    ///< ... this one
    bool _releaseFiring = false;  ///< free that function when it returns
    std::map<std::uint64_t, std::unique_ptr<PendingHttp>> _http;
};

/// A one-shot completion handed to asynchronous operations. Call ok() or fail()
/// exactly once; if it is destroyed unused it fails with "internal: reply dropped".
class Reply {
public:
    explicit Reply(bourse_reply r) : _r(r), _armed(true) {}
    Reply(Reply&& o) noexcept : _r(o._r), _armed(std::exchange(o._armed, false)) {}
    Reply& operator=(Reply&&) = delete;
    Reply(const Reply&) = delete;
    ~Reply() {
        if (_armed) fail(BOURSE_E_INTERNAL, "internal: reply dropped");
    }
    void ok(std::string_view json) { finish(BOURSE_OK, json); }
    void fail(bourse_status s, std::string_view message) { finish(s, message); }
    /// Used by the edge when the call itself failed: the host ignores the reply then.
    void disarm() noexcept { _armed = false; }

private:
    void finish(bourse_status s, std::string_view v) {
        if (!_armed) return;
        _armed = false;
        _r.done(_r.ctx, s, toStr(v));
    }
    bourse_reply _r;
    bool _armed;
};

// --------------------------------------------------------------------------
// Base classes, one per kind
// --------------------------------------------------------------------------

/// Common lifecycle. Construct from Host&; do no I/O in the constructor (read and
/// validate config there, throwing bourse::Error(BOURSE_E_CONFIG, ...)).
class Plugin {
public:
    explicit Plugin(Host& host) : _host(host) {}
    virtual ~Plugin() = default;
    Plugin(const Plugin&) = delete;
    Plugin& operator=(const Plugin&) = delete;

    /// Begin work (timers, connections). Throw to fail the start.
    virtual void start() {}
    /// Stop work. The host cancels remaining timers and requests afterwards.
    virtual void stop() {}
    /// Throw (or return false) when not ready; called after start and on demand.
    virtual bool healthy() { return true; }
    /// Operator command; return a JSON object. Unknown: throw Error(BOURSE_E_NOT_FOUND).
    virtual std::string command(const std::string& name, const std::string& argsJson) {
        (void)argsJson;
        throw Error(BOURSE_E_NOT_FOUND, "command: unknown command '" + name + "'");
    }

protected:
    [[nodiscard]] Host& host() const noexcept { return _host; }

private:
    Host& _host;
};

class PriceSource : public Plugin {
public:
    using Plugin::Plugin;
    static constexpr bourse_kind kKind = BOURSE_KIND_PRICE_SOURCE;
    virtual std::vector<Instrument> instruments() = 0;
    virtual void subscribe(const std::string& symbol) { (void)symbol; }
    virtual void unsubscribe(const std::string& symbol) { (void)symbol; }
    /// Reply with [[open_ts_ms,"o","h","l","c","v"],...]; default: unsupported.
    virtual void fetchCandles(const std::string& symbol, int intervalS, std::int64_t fromNs, std::int64_t toNs,
                              Reply reply) {
        (void)symbol, (void)intervalS, (void)fromNs, (void)toNs;
        reply.fail(BOURSE_E_UNSUPPORTED, "unsupported: historical candles");
    }
};

class PaymentGateway : public Plugin {
public:
    using Plugin::Plugin;
    static constexpr bourse_kind kKind = BOURSE_KIND_PAYMENT_GATEWAY;
    virtual void createDeposit(const PaymentRequest& request, Reply reply) = 0;
    /// Return the normalised event JSON; throw Error(BOURSE_E_SIGNATURE) on a bad signature.
    virtual std::string verifyWebhook(const Webhook& webhook) = 0;
    virtual void payout(const PaymentRequest& request, Reply reply) {
        (void)request;
        reply.fail(BOURSE_E_UNSUPPORTED, "unsupported: payouts");
    }
    virtual void refund(const PaymentRequest& request, Reply reply) {
        (void)request;
        reply.fail(BOURSE_E_UNSUPPORTED, "unsupported: refunds");
    }
    /// The provider's view of request.reference (see plugin.h query); default: unsupported.
    virtual void query(const PaymentRequest& request, Reply reply) {
        (void)request;
        reply.fail(BOURSE_E_UNSUPPORTED, "unsupported: payment queries");
    }
    /// Verify the checkout's client-side result (see plugin.h confirm_deposit); default: unsupported.
    virtual void confirmDeposit(const PaymentRequest& request, Reply reply) {
        (void)request;
        reply.fail(BOURSE_E_UNSUPPORTED, "unsupported: deposit confirmation");
    }
};

class TradeProduct : public Plugin {
public:
    using Plugin::Plugin;
    static constexpr bourse_kind kKind = BOURSE_KIND_TRADE_PRODUCT;
    /// Accepted terms as JSON (must contain "expires_in_ms"); throw to refuse
    /// (BOURSE_E_INVALID for bad input, BOURSE_E_REJECTED for a rule).
    virtual std::string validate(const OpenRequest& request) = 0;
    /// Initial state JSON for a stored position.
    virtual std::string open(const Position& position, const std::optional<Tick>& entry) {
        (void)position, (void)entry;
        return "{}";
    }
    virtual void onTick(const Position& position, const Tick& tick) { (void)position, (void)tick; }
    virtual void onFill(const Position& position, const bourse_fill& fill) { (void)position, (void)fill; }
    virtual Settlement settle(const Position& position, const std::optional<Tick>& exit) = 0;
    /// Optional (required for bots; since ABI 1.3). A lifecycle request for an
    /// open-ended position: requestJson is {"action": "pause"|"resume"|"stop",
    /// "close": bool} (see plugin.h). Like onTick and onFill it may call
    /// host().placeOrder / cancelOrder / saveState. Called on the thread that
    /// delivers the position's ticks, serialised with every other call; must
    /// not block. Throw Error(BOURSE_E_INVALID, "action: ...") for a malformed
    /// request. Default: throws Error(BOURSE_E_UNSUPPORTED).
    virtual void control(const Position& position, const std::string& requestJson) {
        (void)position, (void)requestJson;
        throw Error(BOURSE_E_UNSUPPORTED, "unsupported: control");
    }
};

class KycProvider : public Plugin {
public:
    using Plugin::Plugin;
    static constexpr bourse_kind kKind = BOURSE_KIND_KYC_PROVIDER;
    virtual void startVerification(const KycRequest& request, Reply reply) = 0;
    virtual std::string verifyWebhook(const Webhook& webhook) {
        (void)webhook;
        throw Error(BOURSE_E_UNSUPPORTED, "unsupported: webhooks");
    }
};

// --------------------------------------------------------------------------
// The edge: trampolines from the C ABI into the C++ classes
// --------------------------------------------------------------------------
namespace detail {

/// What `void* instance` points at: the Host wrapper and the plugin object.
template <class T>
struct Instance {
    Host host;
    std::unique_ptr<T> plugin;
    Instance(const bourse_host_api* api, bourse_host_ctx* ctx) : host(api, ctx) {}
};

template <class T>
T& self(void* instance) {
    return *static_cast<Instance<T>*>(instance)->plugin;
}
template <class T>
Host& hostOf(void* instance) {
    return static_cast<Instance<T>*>(instance)->host;
}

inline void reportError(const bourse_host_api* api, bourse_host_ctx* ctx, std::string_view msg) noexcept {
    if (api && api->set_error) api->set_error(ctx, toStr(msg));
}

/// Runs fn, turning every exception into a status plus host->set_error.
template <class F>
bourse_status guarded(const bourse_host_api* api, bourse_host_ctx* ctx, F&& fn) noexcept {
    try {
        fn();
        return BOURSE_OK;
    } catch (const Error& e) {
        reportError(api, ctx, e.what());
        return e.status();
    } catch (const std::exception& e) {
        reportError(api, ctx, std::string("internal: ") + e.what());
        return BOURSE_E_INTERNAL;
    } catch (...) {
        reportError(api, ctx, "internal: unknown exception");
        return BOURSE_E_INTERNAL;
    }
}

template <class T, class F>
bourse_status onInstance(void* instance, F&& fn) noexcept {
    Host& h = hostOf<T>(instance);
    return guarded(h.api(), h.ctx(), [&] { fn(self<T>(instance)); });
}

/// Like onInstance, for calls that take a Reply. If the call fails, the host
/// ignores the reply whatever happens to it (see bourse_reply in plugin.h).
template <class T, class F>
bourse_status withReply(void* instance, bourse_reply r, F&& fn) noexcept {
    return onInstance<T>(instance, [&](T& p) { fn(p, Reply(r)); });
}

inline std::optional<Tick> tickOf(const bourse_tick* t) {
    if (!t) return std::nullopt;
    return Tick{std::string(fromStr(t->symbol)), Decimal(t->price), t->ts_ns};
}

inline Position positionOf(const bourse_position* p) {
    return Position{
        std::string(fromStr(p->id)),
        std::string(fromStr(p->user_ref)),
        std::string(fromStr(p->symbol)),
        Money::fromC(p->stake),
        p->opened_at_ns,
        p->expires_at_ns,
        std::string(fromStr(p->params_json)),
        std::string(fromStr(p->state_json)),
        p->struct_size >= offsetof(bourse_position, state_version) + sizeof(p->state_version) ? p->state_version : 0};
}

inline Webhook webhookOf(const bourse_webhook* w) {
    Webhook out{std::string(fromStr(w->path)), {}, std::string(fromStr(w->body))};
    for (std::size_t i = 0; i < w->header_count; ++i)
        out.headers.emplace_back(fromStr(w->headers[i].name), fromStr(w->headers[i].value));
    return out;
}

inline PaymentRequest paymentOf(const bourse_payment_request* r) {
    return PaymentRequest{std::string(fromStr(r->idempotency_key)), std::string(fromStr(r->user_ref)),
                          Money::fromC(r->amount), std::string(fromStr(r->reference)),
                          std::string(fromStr(r->metadata_json))};
}

template <class T>
bourse_price_source_api priceSourceApi() {
    bourse_price_source_api a{};
    a.struct_size = sizeof a;
    a.list_instruments = [](void* i, bourse_instrument_sink sink) noexcept {
        return onInstance<T>(i, [&](T& p) {
            for (const Instrument& in : p.instruments()) {
                bourse_instrument c{sizeof(bourse_instrument), toStr(in.symbol),    toStr(in.name), in.priceScale,
                                    toStr(in.baseAsset),       toStr(in.quoteAsset)};
                sink.emit(sink.ctx, &c);
            }
        });
    };
    a.subscribe = [](void* i, bourse_str s) noexcept {
        return onInstance<T>(i, [&](T& p) { p.subscribe(std::string(fromStr(s))); });
    };
    a.unsubscribe = [](void* i, bourse_str s) noexcept {
        return onInstance<T>(i, [&](T& p) { p.unsubscribe(std::string(fromStr(s))); });
    };
    a.fetch_candles = [](void* i, bourse_str s, std::int32_t iv, std::int64_t f, std::int64_t t,
                         bourse_reply r) noexcept {
        return withReply<T>(
            i, r, [&](T& p, Reply reply) { p.fetchCandles(std::string(fromStr(s)), iv, f, t, std::move(reply)); });
    };
    return a;
}

template <class T>
bourse_payment_gateway_api paymentGatewayApi() {
    bourse_payment_gateway_api a{};
    a.struct_size = sizeof a;
    a.create_deposit = [](void* i, const bourse_payment_request* q, bourse_reply r) noexcept {
        return withReply<T>(i, r, [&](T& p, Reply reply) { p.createDeposit(paymentOf(q), std::move(reply)); });
    };
    a.verify_webhook = [](void* i, const bourse_webhook* w, bourse_reply r) noexcept {
        return onInstance<T>(i, [&](T& p) {
            const std::string out = p.verifyWebhook(webhookOf(w));
            r.done(r.ctx, BOURSE_OK, toStr(out));
        });
    };
    a.payout = [](void* i, const bourse_payment_request* q, bourse_reply r) noexcept {
        return withReply<T>(i, r, [&](T& p, Reply reply) { p.payout(paymentOf(q), std::move(reply)); });
    };
    a.refund = [](void* i, const bourse_payment_request* q, bourse_reply r) noexcept {
        return withReply<T>(i, r, [&](T& p, Reply reply) { p.refund(paymentOf(q), std::move(reply)); });
    };
    a.query = [](void* i, const bourse_payment_request* q, bourse_reply r) noexcept {
        return withReply<T>(i, r, [&](T& p, Reply reply) { p.query(paymentOf(q), std::move(reply)); });
    };
    a.confirm_deposit = [](void* i, const bourse_payment_request* q, bourse_reply r) noexcept {
        return withReply<T>(i, r, [&](T& p, Reply reply) { p.confirmDeposit(paymentOf(q), std::move(reply)); });
    };
    return a;
}

template <class T>
bourse_trade_product_api tradeProductApi() {
    bourse_trade_product_api a{};
    a.struct_size = sizeof a;
    a.validate = [](void* i, const bourse_open_request* q, bourse_reply r) noexcept {
        return onInstance<T>(i, [&](T& p) {
            const std::string out = p.validate(
                OpenRequest{std::string(fromStr(q->user_ref)), std::string(fromStr(q->symbol)), Money::fromC(q->stake),
                            std::string(fromStr(q->params_json)), tickOf(q->price), q->user_open_positions});
            r.done(r.ctx, BOURSE_OK, toStr(out));
        });
    };
    a.open = [](void* i, const bourse_position* pos, const bourse_tick* entry, bourse_reply r) noexcept {
        return onInstance<T>(i, [&](T& p) {
            const std::string out = p.open(positionOf(pos), tickOf(entry));
            r.done(r.ctx, BOURSE_OK, toStr(out));
        });
    };
    a.on_tick = [](void* i, const bourse_position* pos, const bourse_tick* t) noexcept {
        return onInstance<T>(i, [&](T& p) { p.onTick(positionOf(pos), *tickOf(t)); });
    };
    a.on_fill = [](void* i, const bourse_position* pos, const bourse_fill* f) noexcept {
        return onInstance<T>(i, [&](T& p) { p.onFill(positionOf(pos), *f); });
    };
    a.settle = [](void* i, const bourse_position* pos, const bourse_tick* exit, bourse_settlement* out) noexcept {
        return onInstance<T>(i, [&](T& p) {
            const Settlement s = p.settle(positionOf(pos), tickOf(exit));
            out->outcome = s.outcome;
            out->payout = s.payout.toC();
        });
    };
    // Since ABI 1.3: always filled (the default control refuses with
    // BOURSE_E_UNSUPPORTED); an older host never reads past settle.
    a.control = [](void* i, const bourse_position* pos, bourse_str request) noexcept {
        return onInstance<T>(i, [&](T& p) { p.control(positionOf(pos), std::string(fromStr(request))); });
    };
    return a;
}

template <class T>
bourse_kyc_provider_api kycProviderApi() {
    bourse_kyc_provider_api a{};
    a.struct_size = sizeof a;
    a.start_verification = [](void* i, const bourse_kyc_request* q, bourse_reply r) noexcept {
        return withReply<T>(i, r, [&](T& p, Reply reply) {
            p.startVerification(KycRequest{std::string(fromStr(q->user_ref)), std::string(fromStr(q->email)),
                                           std::string(fromStr(q->full_name)), std::string(fromStr(q->country)),
                                           std::string(fromStr(q->metadata_json))},
                                std::move(reply));
        });
    };
    a.verify_webhook = [](void* i, const bourse_webhook* w, bourse_reply r) noexcept {
        return onInstance<T>(i, [&](T& p) {
            const std::string out = p.verifyWebhook(webhookOf(w));
            r.done(r.ctx, BOURSE_OK, toStr(out));
        });
    };
    return a;
}

/// The kind table for T, chosen by the base class T derives from.
template <class T>
auto kindApiFor() {
    if constexpr (std::is_base_of_v<PriceSource, T>)
        return priceSourceApi<T>();
    else if constexpr (std::is_base_of_v<PaymentGateway, T>)
        return paymentGatewayApi<T>();
    else if constexpr (std::is_base_of_v<TradeProduct, T>)
        return tradeProductApi<T>();
    else {
        static_assert(std::is_base_of_v<KycProvider, T>,
                      "plugin classes derive from PriceSource, PaymentGateway, TradeProduct or KycProvider");
        return kycProviderApi<T>();
    }
}

template <class T>
bourse_plugin_descriptor makeDescriptor(const char* id, const char* version, const char* description,
                                        const void* kindApi) {
    bourse_plugin_descriptor d{};
    d.struct_size = sizeof d;
    d.kind = T::kKind;
    d.id = id;
    d.version = version;
    d.description = description;
    d.create = [](const bourse_host_api* api, bourse_host_ctx* ctx, void** out) noexcept {
        *out = nullptr;
        return guarded(api, ctx, [&] {
            auto inst = std::make_unique<Instance<T>>(api, ctx);
            inst->plugin = std::make_unique<T>(inst->host);
            *out = inst.release();
        });
    };
    d.destroy = [](void* i) noexcept {
        auto* inst = static_cast<Instance<T>*>(i);
        try {
            inst->plugin.reset();
        } catch (...) {
            // A destructor that throws must not reach the host.
        }
        delete inst;
    };
    d.start = [](void* i) noexcept { return onInstance<T>(i, [](T& p) { p.start(); }); };
    d.stop = [](void* i) noexcept { (void)onInstance<T>(i, [](T& p) { p.stop(); }); };
    d.health = [](void* i) noexcept {
        return onInstance<T>(i, [](T& p) {
            if (!p.healthy()) throw Error(BOURSE_E_UNAVAILABLE, "health: not ready");
        });
    };
    d.command = [](void* i, bourse_str name, bourse_str args, bourse_reply r) noexcept {
        return onInstance<T>(i, [&](T& p) {
            const std::string out = p.command(std::string(fromStr(name)), std::string(fromStr(args)));
            r.done(r.ctx, BOURSE_OK, toStr(out));
        });
    };
    d.kind_api = kindApi;
    return d;
}

inline bourse_status registerAll(const bourse_registrar* r, const bourse_plugin_descriptor* const* list,
                                 std::size_t n) noexcept {
    for (std::size_t i = 0; i < n; ++i) {
        const bourse_status s = r->add(r->ctx, list[i]);
        if (s != BOURSE_OK) return s;
    }
    return BOURSE_OK;
}

}  // namespace detail
}  // namespace bourse

/// Declares a static descriptor named `var` for plugin class `Class`.
#define BOURSE_PLUGIN_DESCRIPTOR(var, Class, id, version, description)        \
    static const auto var##_kind_api = ::bourse::detail::kindApiFor<Class>(); \
    static const bourse_plugin_descriptor var =                               \
        ::bourse::detail::makeDescriptor<Class>(id, version, description, &var##_kind_api);

/// Declares the module entry exporting the given descriptors (addresses).
#define BOURSE_MODULE(build_info, ...)                                                        \
    static bourse_status bourse_register_module_(const bourse_registrar* registrar) {         \
        const bourse_plugin_descriptor* const list[] = {__VA_ARGS__};                         \
        return ::bourse::detail::registerAll(registrar, list, sizeof list / sizeof list[0]);  \
    }                                                                                         \
    extern "C" BOURSE_EXPORT const bourse_module bourse_module_entry = {                      \
        sizeof(bourse_module),   BOURSE_ABI_MAJOR,      BOURSE_ABI_MINOR,                     \
        BOURSE_ABI_MAJOR,        BOURSE_MIN_HOST_MINOR, build_info " (" BOURSE_COMPILER_ ")", \
        &bourse_register_module_};

#if defined(__clang__)
#define BOURSE_COMPILER_ "clang " __clang_version__
#elif defined(__GNUC__)
#define BOURSE_COMPILER_ "gcc " __VERSION__
#else
#define BOURSE_COMPILER_ "unknown compiler"
#endif

/// The common case: a module with exactly one plugin.
#define BOURSE_DECLARE_PLUGIN(Class, id, version, description)                    \
    BOURSE_PLUGIN_DESCRIPTOR(bourse_descriptor_, Class, id, version, description) \
    BOURSE_MODULE(id " " version, &bourse_descriptor_)

#endif  // BOURSE_PLUGIN_HPP
