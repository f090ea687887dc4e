#include "Config.h"

#include <bourse/plugin.hpp>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <cctype>
#include <optional>
#include <set>

namespace bourse::twelvedata {

namespace {

[[noreturn]] void fail(const std::string& key, const std::string& why) {
    throw Error(BOURSE_E_CONFIG, "config: " + key + ": " + why);
}

/// A whole number as the kernel hands it over: 500 or "500" (YAML may quote it).
std::optional<std::int64_t> wholeNumber(const Poco::Dynamic::Var& v) {
    if (v.isInteger()) return v.convert<std::int64_t>();
    if (!v.isString()) return std::nullopt;
    const std::string s = v.convert<std::string>();
    if (s.empty() || s.size() > 15 || !std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); }))
        return std::nullopt;
    return std::stoll(s);
}

std::int64_t number(const Poco::JSON::Object::Ptr& o, const std::string& key, const std::string& path,
                    std::int64_t fallback, std::int64_t min, std::int64_t max) {
    if (!o->has(key)) return fallback;
    const auto n = wholeNumber(o->get(key));
    if (!n || *n < min || *n > max)
        fail(path, "expected a whole number " + std::to_string(min) + ".." + std::to_string(max));
    return *n;
}

std::string text(const Poco::JSON::Object::Ptr& o, const std::string& key, const std::string& path,
                 const std::string& fallback) {
    if (!o->has(key)) return fallback;
    if (!o->get(key).isString()) fail(path, "expected a string");
    return o->getValue<std::string>(key);
}

void checkKeys(const Poco::JSON::Object::Ptr& o, const std::vector<std::string>& known, const std::string& prefix) {
    for (const auto& [k, v] : *o)
        if (std::find(known.begin(), known.end(), k) == known.end()) fail(prefix + k, "unknown key");
}

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

SymbolConfig parseSymbol(const Poco::Dynamic::Var& v, const std::string& path) {
    if (v.type() != typeid(Poco::JSON::Object::Ptr))
        fail(path, R"(expected an object {symbol: EURUSD, twelvedata: "EUR/USD", price_scale: 5})");
    const auto o = v.extract<Poco::JSON::Object::Ptr>();
    checkKeys(o, {"symbol", "twelvedata", "price_scale", "name"}, path + ".");
    SymbolConfig s;
    if (!o->has("symbol")) fail(path + ".symbol", "required");
    s.symbol = text(o, "symbol", path + ".symbol", "");
    if (!kernelSymbol(s.symbol))
        fail(path + ".symbol", "'" + s.symbol + "' is not an instrument symbol ([A-Z0-9_]{1,32}, e.g. EURUSD)");
    if (!o->has("twelvedata")) fail(path + ".twelvedata", "required (Twelve Data's symbol, e.g. EUR/USD)");
    s.provider = text(o, "twelvedata", path + ".twelvedata", "");
    if (!providerSymbol(s.provider))
        fail(path + ".twelvedata", "'" + s.provider + "' is not a Twelve Data symbol (e.g. EUR/USD, AAPL, RY:TSX)");
    // Twelve Data gives at most 11 decimals (dp=0..11).
    if (!o->has("price_scale")) fail(path + ".price_scale", "required, a whole number 0..11");
    s.priceScale = static_cast<int>(number(o, "price_scale", path + ".price_scale", 0, 0, 11));
    s.name = text(o, "name", path + ".name", s.provider);
    return s;
}

}  // namespace

TwelveDataConfig TwelveDataConfig::parse(const std::string& json) {
    Poco::JSON::Object::Ptr cfg;
    try {
        const auto v = Poco::JSON::Parser().parse(json);
        if (v.type() == typeid(Poco::JSON::Object::Ptr)) cfg = v.extract<Poco::JSON::Object::Ptr>();
    } catch (const Poco::Exception& e) {
        throw Error(BOURSE_E_CONFIG, "config: not a JSON object: " + e.message());
    }
    if (!cfg) throw Error(BOURSE_E_CONFIG, "config: not a JSON object");
    checkKeys(cfg,
              {"rest_url", "ws_url", "mode", "symbols", "credits_per_minute", "credits_per_day",
               "history_reserve_percent", "poll_interval_ms", "request_timeout_ms", "backoff_min_ms", "backoff_max_ms",
               "heartbeat_ms", "stale_after_ms"},
              "");
    TwelveDataConfig c;
    c.restUrl = text(cfg, "rest_url", "rest_url", c.restUrl);
    c.wsUrl = text(cfg, "ws_url", "ws_url", c.wsUrl);
    if (c.restUrl.rfind("http://", 0) != 0 && c.restUrl.rfind("https://", 0) != 0)
        fail("rest_url", "must start with http:// or https://");
    if (c.wsUrl.rfind("ws://", 0) != 0 && c.wsUrl.rfind("wss://", 0) != 0)
        fail("ws_url", "must start with ws:// or wss://");
    while (!c.restUrl.empty() && c.restUrl.back() == '/')
        c.restUrl.pop_back();
    while (!c.wsUrl.empty() && c.wsUrl.back() == '/')
        c.wsUrl.pop_back();
    const std::string mode = text(cfg, "mode", "mode", "rest");
    if (mode != "rest" && mode != "ws") fail("mode", "must be rest (polling) or ws (price stream)");
    c.mode = mode == "ws" ? Mode::Ws : Mode::Rest;

    if (!cfg->has("symbols") || cfg->get("symbols").type() != typeid(Poco::JSON::Array::Ptr))
        fail("symbols", "required, a list of {symbol, twelvedata, price_scale}");
    const auto symbols = cfg->getArray("symbols");
    if (symbols->size() == 0) fail("symbols", "list at least one symbol");
    std::set<std::string> seen;
    for (std::size_t i = 0; i < symbols->size(); ++i) {
        const std::string path = "symbols[" + std::to_string(i) + "]";
        SymbolConfig s = parseSymbol(symbols->get(static_cast<unsigned>(i)), path);
        if (!seen.insert(s.symbol).second) fail(path + ".symbol", "'" + s.symbol + "' is listed twice");
        c.symbols.push_back(std::move(s));
    }

    c.creditsPerMinute =
        static_cast<int>(number(cfg, "credits_per_minute", "credits_per_minute", c.creditsPerMinute, 1, 100'000));
    c.creditsPerDay =
        static_cast<int>(number(cfg, "credits_per_day", "credits_per_day", c.creditsPerDay, 1, 100'000'000));
    c.historyReservePercent = static_cast<int>(
        number(cfg, "history_reserve_percent", "history_reserve_percent", c.historyReservePercent, 0, 90));
    c.pollIntervalMs = number(cfg, "poll_interval_ms", "poll_interval_ms", c.pollIntervalMs, 0, 86'400'000);
    c.requestTimeoutMs = number(cfg, "request_timeout_ms", "request_timeout_ms", c.requestTimeoutMs, 100, 120'000);
    c.backoffMinMs = number(cfg, "backoff_min_ms", "backoff_min_ms", c.backoffMinMs, 1, 3'600'000);
    c.backoffMaxMs = number(cfg, "backoff_max_ms", "backoff_max_ms", c.backoffMaxMs, 1, 3'600'000);
    if (c.backoffMaxMs < c.backoffMinMs) fail("backoff_max_ms", "must not be below backoff_min_ms");
    c.heartbeatMs = number(cfg, "heartbeat_ms", "heartbeat_ms", c.heartbeatMs, 100, 600'000);
    c.staleAfterMs = number(cfg, "stale_after_ms", "stale_after_ms", c.staleAfterMs, 100, 3'600'000);
    if (c.staleAfterMs <= c.heartbeatMs)
        fail("stale_after_ms", "must exceed heartbeat_ms (a heartbeat reply is what keeps a quiet stream alive)");
    return c;
}

}  // namespace bourse::twelvedata
