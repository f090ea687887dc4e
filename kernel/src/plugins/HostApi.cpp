// The host-services table: the C entry points plugins call. Each one is a thin
// adapter from C types to a kernel service; none lets an exception escape.
#include "log/Log.h"
#include "market/MarketData.h"
#include "plugins/HostContext.h"
#include "plugins/HttpClient.h"
#include "plugins/ProductCallScope.h"
#include "plugins/TimerService.h"
#include "plugins/WsClient.h"
#include "storage/KvStore.h"
#include "util/Clock.h"

#include <bourse/plugin.hpp>

#include <Poco/Exception.h>

namespace bourse {

namespace {

std::string str(bourse_str s) {
    return s.data ? std::string(s.data, s.len) : std::string();
}
bourse_str view(const std::string& s) {
    return bourse_str{s.data(), s.size()};
}

void setError(bourse_host_ctx* ctx, bourse_str msg) {
    ctx->lastError = str(msg);
}

bourse_status fail(bourse_host_ctx* ctx, bourse_status s, const std::string& msg) {
    ctx->lastError = msg;
    return s;
}

/// Runs fn on the instance if it is still live; used by timers and HTTP completions.
template <class F>
void callIntoInstance(const std::weak_ptr<bourse_host_ctx>& weak, F&& fn) {
    const auto ctx = weak.lock();
    if (!ctx) return;
    std::lock_guard lock(ctx->callMutex);
    if (ctx->stopped) return;
    fn(*ctx);
}

void hostLog(bourse_host_ctx* ctx, bourse_log_level level, bourse_str msg) {
    const log::Level l = level == BOURSE_LOG_DEBUG   ? log::Level::Debug
                         : level == BOURSE_LOG_WARN  ? log::Level::Warn
                         : level == BOURSE_LOG_ERROR ? log::Level::Error
                                                     : log::Level::Info;
    log::write(l, "plugin", str(msg), {{"plugin", ctx->pluginId}});
}

std::int64_t hostNow(bourse_host_ctx* ctx) {
    return ctx->services.clock.nowNs();
}

bourse_status timerStart(bourse_host_ctx* ctx, std::int64_t delayNs, std::int64_t intervalNs, bourse_timer_callback cb,
                         void* user, std::uint64_t* outId) {
    if (!cb || !outId || delayNs < 0 || intervalNs < 0) return fail(ctx, BOURSE_E_INVALID, "timer: bad arguments");
    if (intervalNs > 0 && intervalNs < 1'000'000) return fail(ctx, BOURSE_E_INVALID, "timer: interval below 1 ms");
    auto idHolder = std::make_shared<std::atomic<std::uint64_t>>(0);
    const bool repeating = intervalNs > 0;
    std::lock_guard lock(ctx->resourceMutex);  // the timer cannot fire before its id is recorded
    const std::uint64_t id =
        ctx->services.timers.schedule(std::chrono::nanoseconds(delayNs), std::chrono::nanoseconds(intervalNs),
                                      [weak = ctx->weak_from_this(), cb, user, idHolder, repeating] {
                                          callIntoInstance(weak, [&](bourse_host_ctx& c) {
                                              const std::uint64_t myId = idHolder->load();
                                              {
                                                  std::lock_guard rl(c.resourceMutex);
                                                  if (!c.timers.count(myId)) return;  // cancelled
                                                  if (!repeating) c.timers.erase(myId);
                                              }
                                              cb(user, myId);
                                          });
                                      });
    idHolder->store(id);
    ctx->timers.insert(id);
    *outId = id;
    return BOURSE_OK;
}

void timerCancel(bourse_host_ctx* ctx, std::uint64_t id) {
    {
        std::lock_guard lock(ctx->resourceMutex);
        if (!ctx->timers.erase(id)) return;
    }
    ctx->services.timers.cancel(id);
}

bourse_str configJson(bourse_host_ctx* ctx) {
    return view(ctx->configJson);
}

bourse_status secretGet(bourse_host_ctx* ctx, bourse_str name, bourse_reply sink) {
    const auto it = ctx->secrets.find(str(name));
    if (it == ctx->secrets.end()) return BOURSE_E_NOT_FOUND;
    if (sink.done) sink.done(sink.ctx, BOURSE_OK, view(it->second));
    return BOURSE_OK;
}

template <class F>
bourse_status storage(bourse_host_ctx* ctx, F&& fn) {
    try {
        return fn();
    } catch (const Poco::Exception& e) {
        return fail(ctx, BOURSE_E_UNAVAILABLE, "kv: " + e.displayText());
    }
}

bourse_status kvGet(bourse_host_ctx* ctx, bourse_str key, bourse_reply sink) {
    return storage(ctx, [&] {
        const auto v = ctx->services.kv.get(ctx->pluginId, str(key));
        if (!v) return BOURSE_E_NOT_FOUND;
        if (sink.done) sink.done(sink.ctx, BOURSE_OK, view(*v));
        return BOURSE_OK;
    });
}

bourse_status kvPut(bourse_host_ctx* ctx, bourse_str key, bourse_str value) {
    if (key.len == 0 || key.len > 256) return fail(ctx, BOURSE_E_INVALID, "kv: key must be 1..256 bytes");
    if (value.len > (1u << 20)) return fail(ctx, BOURSE_E_INVALID, "kv: value larger than 1 MiB");
    return storage(ctx, [&] {
        ctx->services.kv.put(ctx->pluginId, str(key), str(value));
        return BOURSE_OK;
    });
}

bourse_status kvDelete(bourse_host_ctx* ctx, bourse_str key) {
    return storage(ctx, [&] {
        ctx->services.kv.remove(ctx->pluginId, str(key));
        return BOURSE_OK;
    });
}

constexpr std::size_t kMaxPendingTicks = 4096;  ///< symbols kept from an instance still loading

bourse_status publishTick(bourse_host_ctx* ctx, const bourse_tick* tick) {
    if (!tick || tick->struct_size < sizeof(bourse_tick)) return fail(ctx, BOURSE_E_INVALID, "tick: bad struct");
    PriceTick t{str(tick->symbol), Decimal(tick->price), tick->ts_ns ? tick->ts_ns : ctx->services.clock.nowNs()};
    if (!ctx->active.load()) {
        // Not swapped in yet: the latest price per symbol is applied when it is
        // (a source that polls every few minutes must not lose its first poll).
        // One being replaced is never swapped in again, so its ticks go nowhere.
        std::lock_guard lock(ctx->resourceMutex);
        if (ctx->pendingTicks.size() < kMaxPendingTicks || ctx->pendingTicks.count(t.symbol))
            ctx->pendingTicks[t.symbol] = t;
        return BOURSE_OK;
    }
    if (std::string why = ctx->services.market.onTick(ctx->pluginId, std::move(t)); !why.empty())
        return fail(ctx, BOURSE_E_INVALID, "tick: " + why);
    return BOURSE_OK;
}

bourse_status publishCandle(bourse_host_ctx* ctx, const bourse_candle*) {
    // The kernel derives candles from ticks; a source's own candles come in
    // through fetch_candles, when the kernel back-fills history.
    return fail(ctx, BOURSE_E_UNSUPPORTED, "unsupported: publish_candle (the kernel builds candles from ticks)");
}

bourse_status lastTick(bourse_host_ctx* ctx, bourse_str symbol, bourse_tick* out) {
    if (!out) return fail(ctx, BOURSE_E_INVALID, "last_tick: out is null");
    const auto t = ctx->services.market.lastTick(str(symbol));
    if (!t) return BOURSE_E_NOT_FOUND;
    ctx->scratch = t->symbol;
    out->struct_size = sizeof(bourse_tick);
    out->symbol = view(ctx->scratch);
    out->price = t->price.toC();
    out->ts_ns = t->tsNs;
    return BOURSE_OK;
}

bourse_status notify(bourse_host_ctx* ctx, bourse_str topic, bourse_str json) {
    if (ctx->services.notify) ctx->services.notify(ctx->pluginId, str(topic), str(json));
    return BOURSE_OK;
}

bourse_status httpRequest(bourse_host_ctx* ctx, const bourse_http_request* r, bourse_http_callback cb, void* user,
                          std::uint64_t* outId) {
    if (!r || r->struct_size < sizeof(bourse_http_request) || !cb || !outId)
        return fail(ctx, BOURSE_E_INVALID, "http: bad arguments");
    OutboundRequest req;
    req.method = str(r->method);
    req.url = str(r->url);
    if (req.url.rfind("http://", 0) != 0 && req.url.rfind("https://", 0) != 0)
        return fail(ctx, BOURSE_E_INVALID, "http: URL must start with http:// or https://");
    for (std::size_t i = 0; i < r->header_count; ++i)
        req.headers.emplace_back(str(r->headers[i].name), str(r->headers[i].value));
    req.body = str(r->body);
    if (r->timeout_ms > 0) req.timeoutMs = r->timeout_ms;
    std::uint64_t id = 0;
    {
        std::lock_guard lock(ctx->resourceMutex);
        id = ctx->nextHttpId++;
        ctx->httpRequests.insert(id);
    }
    *outId = id;
    ctx->services.http.submit(
        std::move(req),
        [weak = ctx->weak_from_this(), cb, user, id](const OutboundResponse& resp) {
            callIntoInstance(weak, [&](bourse_host_ctx& c) {
                {
                    std::lock_guard rl(c.resourceMutex);
                    if (!c.httpRequests.erase(id)) return;  // cancelled
                }
                std::vector<bourse_http_header> hs;
                for (const auto& [k, v] : resp.headers)
                    hs.push_back({view(k), view(v)});
                const bourse_http_response out{
                    sizeof(bourse_http_response), resp.status, hs.data(), hs.size(), view(resp.body), view(resp.error)};
                cb(user, &out);
            });
        },
        ctx->pluginId);
    return BOURSE_OK;
}

void httpCancel(bourse_host_ctx* ctx, std::uint64_t id) {
    std::lock_guard lock(ctx->resourceMutex);
    ctx->httpRequests.erase(id);
}

bourse_ws_event toC(WsClient::Event e) {
    switch (e) {
        case WsClient::Event::Open:
            return BOURSE_WS_OPEN;
        case WsClient::Event::Message:
            return BOURSE_WS_MESSAGE;
        case WsClient::Event::Closed:
            break;
    }
    return BOURSE_WS_CLOSED;
}

bourse_status wsConnect(bourse_host_ctx* ctx, bourse_str url, bourse_ws_callback cb, void* user, std::uint64_t* outId) {
    if (!cb || !outId) return fail(ctx, BOURSE_E_INVALID, "ws: bad arguments");
    const std::string target = str(url);
    if (target.rfind("ws://", 0) != 0 && target.rfind("wss://", 0) != 0)
        return fail(ctx, BOURSE_E_INVALID, "ws: URL must start with ws:// or wss://");
    // Events are delivered only under the instance's call lock, which the plugin
    // holds while it calls us: the id is registered before any can arrive.
    auto idHolder = std::make_shared<std::atomic<std::uint64_t>>(0);
    WsClient& client = ctx->services.ws;
    const std::uint64_t id = client.connect(target, [weak = ctx->weak_from_this(), cb, user, idHolder, &client](
                                                        WsClient::Event e, const std::string& data) {
        bool release = false;
        callIntoInstance(weak, [&](bourse_host_ctx& c) {
            const std::uint64_t myId = idHolder->load();
            {
                std::lock_guard rl(c.resourceMutex);
                if (!c.wsConnections.count(myId)) return;  // closed by the plugin
                if (e == WsClient::Event::Closed) c.wsConnections.erase(myId);
            }
            release = e == WsClient::Event::Closed;
            cb(user, myId, toC(e), view(data));
        });
        if (release) client.close(idHolder->load());  // reader thread done: let it be joined
    });
    idHolder->store(id);
    {
        std::lock_guard lock(ctx->resourceMutex);
        ctx->wsConnections.insert(id);
    }
    *outId = id;
    return BOURSE_OK;
}

bourse_status wsSend(bourse_host_ctx* ctx, std::uint64_t id, bourse_str text) {
    {
        std::lock_guard lock(ctx->resourceMutex);
        if (!ctx->wsConnections.count(id)) return fail(ctx, BOURSE_E_NOT_FOUND, "ws: no such connection");
    }
    if (!ctx->services.ws.send(id, str(text))) return fail(ctx, BOURSE_E_UNAVAILABLE, "ws: connection is not open");
    return BOURSE_OK;
}

void wsClose(bourse_host_ctx* ctx, std::uint64_t id) {
    {
        std::lock_guard lock(ctx->resourceMutex);
        if (!ctx->wsConnections.erase(id)) return;
    }
    ctx->services.ws.close(id);
}

bourse_status ledgerOp(bourse_host_ctx* ctx, bourse_str, bourse_money, bourse_str) {
    return fail(ctx, BOURSE_E_UNSUPPORTED, "unsupported: ledger operations are not available in this host yet");
}
// Venue and state calls of trade products: only inside a call the kernel is
// making into the product (see ProductCallScope.h).
bourse_status outsideScope(bourse_host_ctx* ctx) {
    return fail(ctx, BOURSE_E_UNSUPPORTED,
                "unsupported: venue orders and position state only inside on_tick, on_fill or control");
}
bourse_status placeOrder(bourse_host_ctx* ctx, const bourse_order_request* order) {
    auto* scope = ProductCallScope::current();
    if (!scope) return outsideScope(ctx);
    if (!order || order->struct_size < sizeof(bourse_order_request))
        return fail(ctx, BOURSE_E_INVALID, "venue_place_order: order is null or too small");
    std::string error;
    const bourse_status st = scope->placeOrder(ctx->pluginId, *order, error);
    return st == BOURSE_OK ? st : fail(ctx, st, error);
}
bourse_status cancelOrder(bourse_host_ctx* ctx, bourse_str positionId, bourse_str clientOrderId) {
    auto* scope = ProductCallScope::current();
    if (!scope) return outsideScope(ctx);
    std::string error;
    const bourse_status st = scope->cancelOrder(ctx->pluginId, str(positionId), str(clientOrderId), error);
    return st == BOURSE_OK ? st : fail(ctx, st, error);
}
bourse_status saveState(bourse_host_ctx* ctx, bourse_str positionId, bourse_str json) {
    auto* scope = ProductCallScope::current();
    if (!scope) return outsideScope(ctx);
    std::string error;
    const bourse_status st = scope->saveState(ctx->pluginId, str(positionId), str(json), error);
    return st == BOURSE_OK ? st : fail(ctx, st, error);
}

bourse_status positionSleep(bourse_host_ctx* ctx, bourse_str positionId, const bourse_wake* wake) {
    auto* scope = ProductCallScope::current();
    if (!scope) return outsideScope(ctx);
    if (!wake || wake->struct_size < sizeof(bourse_wake))
        return fail(ctx, BOURSE_E_INVALID, "position_sleep: wake is null or too small");
    if (const std::string problem = wakeProblem(*wake); !problem.empty()) return fail(ctx, BOURSE_E_INVALID, problem);
    std::string error;
    const bourse_status st = scope->sleep(ctx->pluginId, str(positionId), *wake, error);
    return st == BOURSE_OK ? st : fail(ctx, st, error);
}

bourse_status instrumentsChanged(bourse_host_ctx* ctx) {
    if (!ctx->services.instrumentsChanged) return fail(ctx, BOURSE_E_UNSUPPORTED, "unsupported: instruments_changed");
    // Not from here: the caller is inside a call into its instance, and the
    // refresh calls instruments() on it. The plugin manager does it right after,
    // or, for an instance still being loaded, once it is swapped in.
    ctx->instrumentsChanged = true;
    if (ctx->active) ctx->services.instrumentsChanged(ctx->pluginId);
    return BOURSE_OK;
}

bourse_status sourceState(bourse_host_ctx* ctx, std::int32_t state, bourse_str detail) {
    if (state < BOURSE_SOURCE_LIVE || state > BOURSE_SOURCE_BANNED)
        return fail(ctx, BOURSE_E_INVALID, "source_state: unknown state " + std::to_string(state));
    const FeedStatus status = state == BOURSE_SOURCE_BANNED        ? FeedStatus::Banned
                              : state == BOURSE_SOURCE_BACKING_OFF ? FeedStatus::BackingOff
                                                                   : FeedStatus::Live;
    {
        // An instance still loading keeps its latest state until it is swapped in.
        std::lock_guard lock(ctx->resourceMutex);
        if (!ctx->active) {
            ctx->pendingSourceState.emplace(status, str(detail));
            return BOURSE_OK;
        }
    }
    ctx->services.market.reportSourceState(ctx->pluginId, status, str(detail));
    return BOURSE_OK;
}

const bourse_host_api kHostApi = {
    sizeof(bourse_host_api),
    BOURSE_ABI_MAJOR,
    BOURSE_ABI_MINOR,
    &hostLog,
    &setError,
    &hostNow,
    &timerStart,
    &timerCancel,
    &configJson,
    &secretGet,
    &kvGet,
    &kvPut,
    &kvDelete,
    &publishTick,
    &publishCandle,
    &lastTick,
    &notify,
    &httpRequest,
    &httpCancel,
    &wsConnect,
    &wsSend,
    &wsClose,
    &ledgerOp,
    &ledgerOp,
    &placeOrder,
    &cancelOrder,
    &saveState,
    &instrumentsChanged,
    &sourceState,
    &positionSleep,
};

}  // namespace

const bourse_host_api* hostApi() {
    return &kHostApi;
}

void releaseHostResources(bourse_host_ctx& ctx) {
    std::set<std::uint64_t> timers, sockets;
    {
        std::lock_guard lock(ctx.resourceMutex);
        timers.swap(ctx.timers);
        sockets.swap(ctx.wsConnections);
        ctx.httpRequests.clear();  // completions arriving later are dropped
    }
    for (const std::uint64_t id : timers)
        ctx.services.timers.cancel(id);
    for (const std::uint64_t id : sockets)
        ctx.services.ws.close(id);
}

}  // namespace bourse
