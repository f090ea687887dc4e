#include "OtcPriceSource.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <chrono>
#include <sstream>

namespace bourse::otc {

namespace {

Poco::JSON::Object::Ptr parseArgs(const std::string& json) {
    try {
        Poco::JSON::Parser parser;
        auto o = parser.parse(json.empty() ? "{}" : json).extract<Poco::JSON::Object::Ptr>();
        if (o) return o;
    } catch (const Poco::Exception&) {
    }
    throw Error(BOURSE_E_INVALID, "arguments: expected a JSON object");
}

std::string stringify(const Poco::JSON::Object& o) {
    std::ostringstream s;
    o.stringify(s);
    return s.str();
}

std::string kvKey(const std::string& symbol) { return "instrument/" + symbol; }

} // namespace

OtcPriceSource::OtcPriceSource(Host& host) : PriceSource(host), _config(parseConfig(host.configJson())) {
    const std::uint64_t seed = _config.seed ? _config.seed : static_cast<std::uint64_t>(host.nowNs());
    for (const auto& in : _config.instruments) {
        State s{in, PriceModel(instrumentSeed(seed, in.symbol), in.basePrice)};
        // Operator overrides win over the file (they were made later, on purpose).
        if (const auto saved = host.kvGet(kvKey(in.symbol))) {
            try {
                const auto o = parseArgs(*saved);
                if (o->has("volatility")) s.config.volatility = parseVolatility(o->getValue<std::string>("volatility"));
                if (o->has("bias")) s.config.bias = o->getValue<double>("bias");
            } catch (const std::exception& e) {
                host.warn("ignoring unreadable saved settings for " + in.symbol + ": " + e.what());
            }
        }
        _state.emplace(in.symbol, std::move(s));
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
        // Continue from where the market is, not from the configured base price.
        if (const auto last = host().lastTick(symbol); last && last->price.mantissa > 0) {
            try {
                s.model.setPrice(last->price.rescaled(s.config.priceScale));
            } catch (const std::exception&) {
                // Stored with another scale that cannot be represented: keep the base price.
            }
        }
        const int ms = s.config.tickIntervalMs ? s.config.tickIntervalMs : _config.tickIntervalMs;
        State* state = &s;
        _timers.push_back(host().every(std::chrono::milliseconds(ms), [this, state] { tick(*state); }));
    }
    _started = true;
}

void OtcPriceSource::stop() {
    for (const auto id : _timers) host().cancel(id);
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

void OtcPriceSource::persist(const State& s) {
    Poco::JSON::Object o;
    o.set("volatility", volatilityName(s.config.volatility));
    o.set("bias", s.config.bias);
    host().kvPut(kvKey(s.config.symbol), stringify(o));
}

std::string OtcPriceSource::describe() const {
    Poco::JSON::Array list;
    for (const auto& [symbol, s] : _state) {
        Poco::JSON::Object o;
        o.set("symbol", symbol);
        o.set("name", s.config.name);
        o.set("volatility", volatilityName(s.config.volatility));
        o.set("bias", s.config.bias);
        o.set("price", s.model.price().toString());
        list.add(o);
    }
    Poco::JSON::Object out;
    out.set("instruments", list);
    return stringify(out);
}

std::string OtcPriceSource::command(const std::string& name, const std::string& argsJson) {
    if (name == "get_instruments") return describe();
    if (name != "set_volatility" && name != "set_bias") return PriceSource::command(name, argsJson);
    const auto args = parseArgs(argsJson);
    const std::string symbol = args->optValue<std::string>("symbol", "");
    if (symbol.empty()) throw Error(BOURSE_E_INVALID, "symbol: is required");
    State& s = find(symbol);
    if (name == "set_volatility") {
        try {
            s.config.volatility = parseVolatility(args->optValue<std::string>("volatility", ""));
        } catch (const std::invalid_argument& e) {
            throw Error(BOURSE_E_INVALID, std::string("volatility: ") + e.what());
        }
    } else {
        if (!args->has("bias") || !args->get("bias").isNumeric())
            throw Error(BOURSE_E_INVALID, "bias: expected a number between -1 and 1");
        const double bias = args->getValue<double>("bias");
        if (bias < -1.0 || bias > 1.0) throw Error(BOURSE_E_INVALID, "bias: must be between -1 and 1");
        s.config.bias = bias;
    }
    persist(s);
    host().info(name + " " + symbol);
    return describe();
}

} // namespace bourse::otc
