#include "Config.h"

#include <bourse/plugins/ConfigReader.h>

#include <algorithm>
#include <cctype>
#include <set>

namespace bourse::twelvedata {

namespace {

using plugins::ConfigReader;

bool kernelSymbol(const std::string& s) {
    return !s.empty() && s.size() <= 32 && std::all_of(s.begin(), s.end(), [](unsigned char c) {
        return std::isupper(c) || std::isdigit(c) || c == '_';
    });
}

bool providerSymbol(const std::string& s) {
    // Letters, digits and the separators Twelve Data uses (EUR/USD, RY:TSX, BRK.B);
    // never ',' (it separates a batch) nor spaces.
    return !s.empty() && s.size() <= 64 && std::all_of(s.begin(), s.end(), [](unsigned char c) {
        return std::isalnum(c) || c == '/' || c == ':' || c == '.' || c == '_' || c == '-';
    });
}

SymbolConfig parseSymbol(const ConfigReader& o) {
    o.allowOnly({"symbol", "twelvedata", "price_scale", "name"});
    SymbolConfig s;
    o.require("symbol");
    s.symbol = o.text("symbol", "");
    if (!kernelSymbol(s.symbol))
        o.fail("symbol", "'" + s.symbol + "' is not an instrument symbol ([A-Z0-9_]{1,32}, e.g. EURUSD)");
    o.require("twelvedata", "required (Twelve Data's symbol, e.g. EUR/USD)");
    s.provider = o.text("twelvedata", "");
    if (!providerSymbol(s.provider))
        o.fail("twelvedata", "'" + s.provider + "' is not a Twelve Data symbol (e.g. EUR/USD, AAPL, RY:TSX)");
    // Twelve Data gives at most 11 decimals (dp=0..11).
    o.require("price_scale", "required, a whole number 0..11");
    s.priceScale = static_cast<int>(o.whole("price_scale", 0, 0, 11));
    s.name = o.text("name", s.provider);
    return s;
}

}  // namespace

TwelveDataConfig TwelveDataConfig::parse(const std::string& json) {
    const ConfigReader cfg = ConfigReader::parse(json);
    cfg.allowOnly({"rest_url", "ws_url", "mode", "symbols", "credits_per_minute", "credits_per_day",
                   "history_reserve_percent", "poll_interval_ms", "request_timeout_ms", "backoff_min_ms",
                   "backoff_max_ms", "heartbeat_ms", "stale_after_ms"});
    TwelveDataConfig c;
    c.restUrl = cfg.baseUrl("rest_url", c.restUrl);
    c.wsUrl = cfg.baseUrl("ws_url", c.wsUrl, {"ws", "wss"});
    const std::string mode = cfg.text("mode", "rest");
    if (mode != "rest" && mode != "ws") cfg.fail("mode", "must be rest (polling) or ws (price stream)");
    c.mode = mode == "ws" ? Mode::Ws : Mode::Rest;

    cfg.require("symbols", "required, a list of {symbol, twelvedata, price_scale}");
    const auto symbols = cfg.list("symbols", "a list of {symbol, twelvedata, price_scale}", "symbol");
    std::set<std::string> seen;
    for (std::size_t i = 0; i < symbols.size(); ++i) {
        const ConfigReader entry =
            symbols.object(i, R"(an object {symbol: EURUSD, twelvedata: "EUR/USD", price_scale: 5})");
        SymbolConfig s = parseSymbol(entry);
        if (!seen.insert(s.symbol).second) entry.fail("symbol", "'" + s.symbol + "' is listed twice");
        c.symbols.push_back(std::move(s));
    }

    c.creditsPerMinute = static_cast<int>(cfg.whole("credits_per_minute", c.creditsPerMinute, 1, 100'000));
    c.creditsPerDay = static_cast<int>(cfg.whole("credits_per_day", c.creditsPerDay, 1, 100'000'000));
    c.historyReservePercent = static_cast<int>(cfg.whole("history_reserve_percent", c.historyReservePercent, 0, 90));
    c.pollIntervalMs = cfg.whole("poll_interval_ms", c.pollIntervalMs, 0, 86'400'000);
    c.requestTimeoutMs = cfg.whole("request_timeout_ms", c.requestTimeoutMs, 100, 120'000);
    c.backoffMinMs = cfg.whole("backoff_min_ms", c.backoffMinMs, 1, 3'600'000);
    c.backoffMaxMs = cfg.whole("backoff_max_ms", c.backoffMaxMs, 1, 3'600'000);
    if (c.backoffMaxMs < c.backoffMinMs) cfg.fail("backoff_max_ms", "must not be below backoff_min_ms");
    c.heartbeatMs = cfg.whole("heartbeat_ms", c.heartbeatMs, 100, 600'000);
    c.staleAfterMs = cfg.whole("stale_after_ms", c.staleAfterMs, 100, 3'600'000);
    if (c.staleAfterMs <= c.heartbeatMs)
        cfg.fail("stale_after_ms", "must exceed heartbeat_ms (a heartbeat reply is what keeps a quiet stream alive)");
    return c;
}

}  // namespace bourse::twelvedata
