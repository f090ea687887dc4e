#include "OtcPriceSource.h"

#include "JsonValues.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <set>

namespace bourse::otc {

namespace {

std::string kvKey(const std::string& symbol) {
    return "instrument/" + symbol;
}

Poco::JSON::Object::Ptr commandArgs(const std::string& text, const std::set<std::string>& allowed) {
    const auto args = json::parseObject(text.empty() ? "{}" : text);
    if (!args) throw Error(BOURSE_E_INVALID, "arguments: expected a JSON object");
    for (const auto& [key, value] : *args)
        if (!allowed.count(key)) throw Error(BOURSE_E_INVALID, "arguments: unknown key '" + key + "'");
    return args;
}

}  // namespace

OtcPriceSource::OtcPriceSource(Host& host) : PriceSource(host), _config(parseConfig(host.configJson())) {
    _seed = _config.seed ? _config.seed : static_cast<std::uint64_t>(host.nowNs());
    for (const auto& in : _config.instruments) {
        State s{in, PriceModel(instrumentSeed(_seed, in.symbol), in.basePrice)};
        applySavedSettings(s);
        // The step is rounded to whole minor units: below one unit per typical
        // step the price hardly ever moves. Say so instead of looking broken.
        if (static_cast<double>(in.basePrice.mantissa) * multiplier(s.config.volatility) < 1.0)
            host.warn(in.symbol + ": at price_scale " + std::to_string(in.priceScale) + " a " +
                      volatilityName(s.config.volatility) +
                      " step is below one minor unit, so the price will barely move; raise price_scale");
        _state.emplace(in.symbol, std::move(s));
    }
}

void OtcPriceSource::applySavedSettings(State& s) {
    const auto saved = host().kvGet(kvKey(s.config.symbol));
    if (!saved) return;
    // Operator overrides win over the file: they were made later, on purpose.
    const auto o = json::parseObject(*saved);
    try {
        if (!o) throw std::invalid_argument("not a JSON object");
        if (o->has("volatility")) s.config.volatility = parseVolatility(o->getValue<std::string>("volatility"));
        if (o->has("bias")) {
            const auto bias = json::realNumber(o->get("bias"));
            if (!bias) throw std::invalid_argument("bias is not a number");
            s.config.bias = checkBias(*bias);
        }
    } catch (const std::exception& e) {
        host().warn("ignoring unreadable saved settings for " + s.config.symbol + ": " + e.what());
    }
}

std::vector<Instrument> OtcPriceSource::instruments() {
    std::vector<Instrument> out;
    for (const auto& in : _config.instruments)
        out.push_back({in.symbol, in.name, in.priceScale, in.baseAsset, in.quoteAsset});
    return out;
}

void OtcPriceSource::start() {
    for (auto& [symbol, s] : _state) {
        applySavedSettings(s);
        // Continue from where the market is, not from the configured base price.
        if (const auto last = host().lastTick(symbol); last && last->price.mantissa > 0) {
            try {
                s.model.setPrice(last->price.rounded(s.config.priceScale));
            } catch (const std::exception& e) {
                host().warn(symbol + ": cannot continue from last price " + last->price.toString() + " (" + e.what() +
                            "), starting from base_price");
            }
        }
        const int ms = s.config.tickIntervalMs ? s.config.tickIntervalMs : _config.tickIntervalMs;
        State* state = &s;  // map nodes never move
        _timers.push_back(host().every(std::chrono::milliseconds(ms), [this, state] { tick(*state); }));
    }
    _started = true;
}

void OtcPriceSource::stop() {
    for (const auto id : _timers)
        host().cancel(id);
    _timers.clear();
    _started = false;
}

void OtcPriceSource::tick(State& s) {
    host().publishTick(s.config.symbol, s.model.step(s.config.volatility, s.config.bias));
}

OtcPriceSource::State& OtcPriceSource::find(const std::string& symbol) {
    const auto it = _state.find(symbol);
    if (it == _state.end()) throw Error(BOURSE_E_NOT_FOUND, "symbol: unknown symbol '" + symbol + "'");
    return it->second;
}

void OtcPriceSource::saveSetting(const std::string& symbol, const std::string& key, const Poco::Dynamic::Var& value) {
    // Merge: storing only what the operator changed lets the config file keep
    // control of the other setting.
    Poco::JSON::Object::Ptr saved;
    if (const auto old = host().kvGet(kvKey(symbol))) saved = json::parseObject(*old);
    if (!saved) saved = new Poco::JSON::Object;
    saved->set(key, value);
    host().kvPut(kvKey(symbol), json::stringify(*saved));
}

std::string OtcPriceSource::describe() const {
    Poco::JSON::Array list;
    for (const auto& in : _config.instruments) {
        const State& s = _state.at(in.symbol);
        Poco::JSON::Object o;
        o.set("symbol", in.symbol);
        o.set("name", in.name);
        o.set("volatility", volatilityName(s.config.volatility));
        o.set("bias", s.config.bias);
        o.set("price", s.model.price().toString());
        o.set("price_scale", in.priceScale);
        o.set("tick_interval_ms", in.tickIntervalMs ? in.tickIntervalMs : _config.tickIntervalMs);
        list.add(o);
    }
    Poco::JSON::Object out;
    out.set("instruments", list);
    return json::stringify(out);
}

std::string OtcPriceSource::command(const std::string& name, const std::string& argsJson) {
    if (name == "get_instruments") {
        commandArgs(argsJson, {});
        return describe();
    }
    if (name != "set_volatility" && name != "set_bias") return PriceSource::command(name, argsJson);

    const std::string key = name == "set_volatility" ? "volatility" : "bias";
    const auto args = commandArgs(argsJson, {"symbol", key});
    const auto symbol = args->has("symbol") ? json::text(args->get("symbol")) : std::nullopt;
    if (!symbol || symbol->empty()) throw Error(BOURSE_E_INVALID, "symbol: is required");
    State& s = find(*symbol);
    if (!args->has(key)) throw Error(BOURSE_E_INVALID, key + ": is required");
    // Saved first: if the store refuses, the command fails and nothing changed.
    if (key == "volatility") {
        Volatility v{};
        try {
            v = parseVolatility(json::text(args->get(key)).value_or(""));
        } catch (const std::invalid_argument& e) {
            throw Error(BOURSE_E_INVALID, std::string("volatility: ") + e.what());
        }
        saveSetting(*symbol, key, std::string(volatilityName(v)));
        s.config.volatility = v;
    } else {
        const auto bias = json::realNumber(args->get(key));
        if (!bias) throw Error(BOURSE_E_INVALID, "bias: expected a number between -1 and 1");
        try {
            checkBias(*bias);
        } catch (const std::invalid_argument& e) {
            throw Error(BOURSE_E_INVALID, std::string("bias: ") + e.what());
        }
        saveSetting(*symbol, key, *bias);
        s.config.bias = *bias;
    }
    host().info(name + " " + *symbol + " applied and saved");
    return describe();
}

void OtcPriceSource::fetchCandles(const std::string& symbol, int intervalS, std::int64_t fromNs, std::int64_t toNs,
                                  Reply reply) {
    constexpr std::int64_t kMaxRows = 50'000;
    // History runs inside one call into the instance (its ticks wait meanwhile):
    // a day of minutes at 60 steps each is ~86,000 steps, a few milliseconds.
    constexpr std::int64_t kMaxStepsPerCandle = 60;
    const auto it = _state.find(symbol);
    if (it == _state.end()) return reply.fail(BOURSE_E_NOT_FOUND, "otc: no instrument " + symbol);
    if (intervalS <= 0) return reply.fail(BOURSE_E_INVALID, "otc: interval must be positive");
    const State& st = it->second;
    const std::int64_t width = static_cast<std::int64_t>(intervalS) * 1'000'000'000;
    const std::int64_t first = (fromNs + width - 1) / width * width;
    const std::int64_t rows = toNs > first ? (toNs - first + width - 1) / width : 0;
    if (rows > kMaxRows) return reply.fail(BOURSE_E_INVALID, "otc: at most 50000 candles per request");
    const int tickMs = st.config.tickIntervalMs ? st.config.tickIntervalMs : _config.tickIntervalMs;
    const std::int64_t steps =
        std::clamp<std::int64_t>(static_cast<std::int64_t>(intervalS) * 1000 / tickMs, 1, kMaxStepsPerCandle);
    // Backwards from the price now: a random walk reversed in time is a random
    // walk with the opposite drift. Seeded by the range, so asking twice agrees.
    PriceModel walk(instrumentSeed(_seed ^ static_cast<std::uint64_t>(first), symbol), st.model.price());
    std::vector<std::array<Decimal, 4>> candles(static_cast<std::size_t>(rows));  // open, high, low, close
    for (std::int64_t i = rows - 1; i >= 0; --i) {
        const Decimal close = walk.price();
        Decimal high = close, low = close, open = close;
        for (std::int64_t k = 0; k < steps; ++k) {
            open = walk.step(st.config.volatility, -st.config.bias);
            if (open.compare(high) > 0) high = open;
            if (open.compare(low) < 0) low = open;
        }
        candles[static_cast<std::size_t>(i)] = {open, high, low, close};
    }
    std::string out = "[";
    for (std::int64_t i = 0; i < rows; ++i) {
        const auto& c = candles[static_cast<std::size_t>(i)];
        out += (i ? ",[" : "[") + std::to_string((first + i * width) / 1'000'000);
        for (const Decimal& d : c)
            out += ",\"" + d.toString() + "\"";
        out += ",\"0\"]";
    }
    reply.ok(out + "]");
}

}  // namespace bourse::otc
