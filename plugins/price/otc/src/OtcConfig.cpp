#include "OtcConfig.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

#include <regex>
#include <set>

namespace bourse::otc {

double multiplier(Volatility v) {
    switch (v) {
    case Volatility::Low: return 0.0001;
    case Volatility::Medium: return 0.0005;
    case Volatility::High: return 0.001;
    case Volatility::Spike: return 0.003;
    }
    return 0.0005;
}

const char* volatilityName(Volatility v) {
    switch (v) {
    case Volatility::Low: return "LOW";
    case Volatility::Medium: return "MEDIUM";
    case Volatility::High: return "HIGH";
    case Volatility::Spike: return "SPIKE";
    }
    return "MEDIUM";
}

Volatility parseVolatility(const std::string& text) {
    if (text == "LOW") return Volatility::Low;
    if (text == "MEDIUM") return Volatility::Medium;
    if (text == "HIGH") return Volatility::High;
    if (text == "SPIKE") return Volatility::Spike;
    throw std::invalid_argument("expected LOW, MEDIUM, HIGH or SPIKE");
}

namespace {

[[noreturn]] void fail(const std::string& path, const std::string& why) {
    throw Error(BOURSE_E_CONFIG, "config: " + path + ": " + why);
}

std::string asText(const Poco::Dynamic::Var& v, const std::string& path) {
    if (v.isString() || v.isNumeric()) return v.convert<std::string>();
    fail(path, "expected a string");
}

int asInt(const Poco::Dynamic::Var& v, const std::string& path, int min, int max) {
    if (!v.isInteger()) fail(path, "expected a whole number");
    const long long n = v.convert<long long>();
    if (n < min || n > max) fail(path, "must be between " + std::to_string(min) + " and " + std::to_string(max));
    return static_cast<int>(n);
}

InstrumentConfig parseInstrument(const Poco::JSON::Object& o, const std::string& at) {
    static const std::set<std::string> known = {"symbol", "name", "base_price", "price_scale", "volatility",
                                                "bias", "tick_interval_ms", "base_asset", "quote_asset"};
    for (const auto& [key, value] : o)
        if (!known.count(key)) fail(at + "." + key, "unknown key");
    InstrumentConfig in;
    if (!o.has("symbol")) fail(at + ".symbol", "is required");
    in.symbol = asText(o.get("symbol"), at + ".symbol");
    static const std::regex symbolPattern("[A-Z0-9_]{1,32}");
    if (!std::regex_match(in.symbol, symbolPattern)) fail(at + ".symbol", "expected [A-Z0-9_]{1,32}, got '" + in.symbol + "'");
    in.name = o.has("name") ? asText(o.get("name"), at + ".name") : in.symbol;
    in.priceScale = o.has("price_scale") ? asInt(o.get("price_scale"), at + ".price_scale", 0, 12) : 2;
    if (!o.has("base_price")) fail(at + ".base_price", "is required");
    const std::string base = asText(o.get("base_price"), at + ".base_price");
    try {
        in.basePrice = Decimal::parse(base).rescaled(in.priceScale);
    } catch (const std::exception& e) {
        fail(at + ".base_price", "'" + base + "' is not a price with at most " + std::to_string(in.priceScale) +
                                     " decimals (" + e.what() + ")");
    }
    if (in.basePrice.mantissa <= 0) fail(at + ".base_price", "must be positive");
    if (o.has("volatility")) {
        try {
            in.volatility = parseVolatility(asText(o.get("volatility"), at + ".volatility"));
        } catch (const std::invalid_argument& e) {
            fail(at + ".volatility", e.what());
        }
    }
    if (o.has("bias")) {
        const Poco::Dynamic::Var b = o.get("bias");
        if (!b.isNumeric()) fail(at + ".bias", "expected a number between -1 and 1");
        in.bias = b.convert<double>();
        if (in.bias < -1.0 || in.bias > 1.0) fail(at + ".bias", "must be between -1 and 1");
    }
    if (o.has("tick_interval_ms")) in.tickIntervalMs = asInt(o.get("tick_interval_ms"), at + ".tick_interval_ms", 10, 3'600'000);
    if (o.has("base_asset")) in.baseAsset = asText(o.get("base_asset"), at + ".base_asset");
    if (o.has("quote_asset")) in.quoteAsset = asText(o.get("quote_asset"), at + ".quote_asset");
    return in;
}

} // namespace

OtcConfig parseConfig(const std::string& json) {
    Poco::JSON::Object::Ptr root;
    try {
        Poco::JSON::Parser parser;
        root = parser.parse(json).extract<Poco::JSON::Object::Ptr>();
    } catch (const Poco::Exception& e) {
        throw Error(BOURSE_E_CONFIG, "config: not a JSON object (" + e.message() + ")");
    }
    OtcConfig c;
    for (const auto& [key, value] : *root) {
        if (key == "seed") {
            if (!value.isInteger() || value.convert<long long>() < 0) fail("seed", "expected a non-negative whole number");
            c.seed = value.convert<std::uint64_t>();
        } else if (key == "tick_interval_ms") {
            c.tickIntervalMs = asInt(value, "tick_interval_ms", 10, 3'600'000);
        } else if (key != "instruments") {
            fail(key, "unknown key");
        }
    }
    if (!root->has("instruments")) fail("instruments", "is required");
    Poco::JSON::Array::Ptr list;
    try {
        list = root->getArray("instruments");
    } catch (const Poco::Exception&) {
    }
    if (!list || list->size() == 0) fail("instruments", "expected a non-empty list");
    std::set<std::string> seen;
    for (std::size_t i = 0; i < list->size(); ++i) {
        const std::string at = "instruments[" + std::to_string(i) + "]";
        Poco::JSON::Object::Ptr o = list->getObject(static_cast<unsigned>(i));
        if (!o) fail(at, "expected an object");
        InstrumentConfig in = parseInstrument(*o, at);
        if (!seen.insert(in.symbol).second) fail(at + ".symbol", "duplicate symbol " + in.symbol);
        c.instruments.push_back(std::move(in));
    }
    return c;
}

} // namespace bourse::otc
