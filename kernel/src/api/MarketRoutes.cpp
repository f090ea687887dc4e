// GET /api/v1/markets and GET /api/v1/markets/{symbol}/candles.
#include "api/Routes.h"
#include "app/Kernel.h"
#include "http/HttpError.h"
#include "http/Router.h"
#include "market/MarketData.h"
#include "util/Clock.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/NumberParser.h>

namespace bourse {

namespace {

constexpr std::int64_t kNsPerMs = 1'000'000;

std::int64_t msParam(const Request& r, const std::string& name, std::int64_t fallback) {
    const std::string v = r.query(name);
    if (v.empty()) return fallback;
    Poco::Int64 out = 0;
    if (!Poco::NumberParser::tryParse64(v, out) || out < 0)
        throw HttpError::badRequest("'" + name + "' must be epoch milliseconds", name);
    return out;
}

}  // namespace

void addMarketRoutes(Router& router, Kernel& kernel) {
    router.add("GET", "/api/v1/markets", [&kernel](Request& r) {
        Poco::JSON::Array markets;
        for (const MarketSummary& m : kernel.market().markets()) {
            Poco::JSON::Object o;
            o.set("symbol", m.instrument.symbol);
            o.set("name", m.instrument.name);
            // source: the one in use (else the preferred one); sources: every one, in priority order.
            o.set("source", m.instrument.source);
            o.set("status", m.live ? "live" : "no_live_source");
            Poco::JSON::Array sources;
            for (const auto& feed : m.sources) {
                Poco::JSON::Object f;
                f.set("id", feed.source);
                f.set("status", feedStatusName(feed.status));
                if (!feed.detail.empty()) f.set("detail", feed.detail);
                f.set("active", m.live && feed.source == m.instrument.source);
                sources.add(f);
            }
            o.set("sources", sources);
            o.set("price_scale", m.instrument.priceScale);
            o.set("base_asset", m.instrument.baseAsset);
            o.set("quote_asset", m.instrument.quoteAsset);
            if (m.last) {
                o.set("last_price", m.last->price.toString());
                o.set("last_ts", m.last->tsNs / kNsPerMs);
            } else {
                o.set("last_price", Poco::Dynamic::Var());
                o.set("last_ts", Poco::Dynamic::Var());
            }
            if (m.last && m.hourOpen) {
                const Decimal open = m.hourOpen->rescaled(m.last->price.scale);
                o.set("change_1h", Decimal(m.last->price.mantissa - open.mantissa, open.scale).toString());
            }
            markets.add(o);
        }
        Poco::JSON::Object body;
        body.set("markets", markets);
        sendJson(r.response, 200, toJson(body));
    });

    router.add("GET", "/api/v1/markets/{symbol}/candles", [&kernel](Request& r) {
        const std::string symbol = r.param("symbol");
        if (!kernel.market().instrument(symbol)) throw HttpError::notFound("unknown symbol '" + symbol + "'");
        const std::string intervalText = r.query("interval", "1m");
        const int interval = intervalSeconds(intervalText);
        if (interval == 0)
            throw HttpError::badRequest("interval must be one of 1s, 1m, 5m, 1h (got '" + intervalText + "')",
                                        "interval");
        const std::int64_t nowMs = kernel.clock().nowMs();
        const std::int64_t to = msParam(r, "to", nowMs + static_cast<std::int64_t>(interval) * 1000);
        const std::int64_t from = msParam(r, "from", to - static_cast<std::int64_t>(interval) * 1000 * 500);
        if (from >= to) throw HttpError::badRequest("'from' must be before 'to'", "from");
        const int limit = r.limit(500, 5000);

        Poco::JSON::Array rows;
        for (const Candle& c : kernel.market().candles(symbol, interval, from * kNsPerMs, to * kNsPerMs, limit)) {
            Poco::JSON::Object o;
            o.set("open_time", c.openNs / kNsPerMs);
            o.set("open", Decimal(c.open, c.scale).toString());
            o.set("high", Decimal(c.high, c.scale).toString());
            o.set("low", Decimal(c.low, c.scale).toString());
            o.set("close", Decimal(c.close, c.scale).toString());
            o.set("ticks", c.tickCount);
            rows.add(o);
        }
        Poco::JSON::Object body;
        body.set("symbol", symbol);
        body.set("interval", intervalText);
        body.set("candles", rows);
        sendJson(r.response, 200, toJson(body));
    });
}

}  // namespace bourse
