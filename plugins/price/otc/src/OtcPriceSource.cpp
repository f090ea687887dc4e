#include "OtcPriceSource.h"

#include "JsonValues.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

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
    const std::uint64_t seed = _config.seed ? _config.seed : static_cast<std::uint64_t>(host.nowNs());
    for (const auto& in : _config.instruments) {
        State s{in, PriceModel(instrumentSeed(seed, in.symbol), in.basePrice)};
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

}  // namespace bourse::otc
