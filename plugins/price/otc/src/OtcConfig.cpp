#include "OtcConfig.h"

#include "JsonValues.h"

#include <Poco/JSON/Array.h>

#include <regex>
#include <set>
#include <stdexcept>

namespace bourse::otc {

double multiplier(Volatility v) {
    switch (v) {
        case Volatility::Low:
            return 0.0001;
        case Volatility::Medium:
            return 0.0005;
        case Volatility::High:
            return 0.001;
        case Volatility::Spike:
            return 0.003;
    }
    return 0.0005;
}

const char* volatilityName(Volatility v) {
    switch (v) {
        case Volatility::Low:
            return "LOW";
        case Volatility::Medium:
            return "MEDIUM";
        case Volatility::High:
            return "HIGH";
        case Volatility::Spike:
            return "SPIKE";
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

double checkBias(double bias) {
    if (bias < -1.0 || bias > 1.0) throw std::invalid_argument("must be between -1 and 1");
    return bias;
}

namespace {

constexpr int kMinTickMs = 10;
constexpr int kMaxTickMs = 3'600'000;

[[noreturn]] void fail(const std::string& path, const std::string& why) {
    throw Error(BOURSE_E_CONFIG, "config: " + path + ": " + why);
}

std::string textAt(const Poco::JSON::Object& o, const std::string& key, const std::string& path) {
    const auto s = json::text(o.get(key));
    if (!s) fail(path, "expected a string");
    return *s;
}

int wholeAt(const Poco::JSON::Object& o, const std::string& key, const std::string& path, int min, int max) {
    const auto n = json::wholeNumber(o.get(key));
    if (!n) fail(path, "expected a whole number");
    if (*n < min || *n > max) fail(path, "must be between " + std::to_string(min) + " and " + std::to_string(max));
    return static_cast<int>(*n);
}

InstrumentConfig parseInstrument(const Poco::JSON::Object& o, const std::string& at) {
    static const std::set<std::string> known = {"symbol",           "name",       "base_price",
                                                "price_scale",      "volatility", "bias",
                                                "tick_interval_ms", "base_asset", "quote_asset"};
    for (const auto& [key, value] : o)
        if (!known.count(key)) fail(at + "." + key, "unknown key");

    InstrumentConfig in;
    if (!o.has("symbol")) fail(at + ".symbol", "is required");
    in.symbol = textAt(o, "symbol", at + ".symbol");
    static const std::regex symbolShape("[A-Z0-9_]{1,32}");
    if (!std::regex_match(in.symbol, symbolShape))
        fail(at + ".symbol", "expected [A-Z0-9_]{1,32}, got '" + in.symbol + "'");
    in.name = o.has("name") ? textAt(o, "name", at + ".name") : in.symbol;
    in.priceScale = o.has("price_scale") ? wholeAt(o, "price_scale", at + ".price_scale", 0, kMaxPriceScale) : 2;

    if (!o.has("base_price")) fail(at + ".base_price", "is required");
    const std::string base = textAt(o, "base_price", at + ".base_price");
    try {
        // Fewer decimals than the scale is exact ("1.085" at scale 5); more is not.
        in.basePrice = Decimal::parse(base).rescaled(in.priceScale);
    } catch (const std::exception& e) {
        fail(at + ".base_price", "'" + base + "' is not a price with at most " + std::to_string(in.priceScale) +
                                     " decimals (" + e.what() + ")");
    }
    if (in.basePrice.mantissa <= 0) fail(at + ".base_price", "must be positive");
    if (in.basePrice.mantissa > kMaxPriceUnits)
        fail(at + ".base_price",
             "too large (at most 10^18 minor units at price_scale " + std::to_string(in.priceScale) + ")");

    if (o.has("volatility")) {
        try {
            in.volatility = parseVolatility(textAt(o, "volatility", at + ".volatility"));
        } catch (const std::invalid_argument& e) {
            fail(at + ".volatility", e.what());
        }
    }
    if (o.has("bias")) {
        const auto b = json::realNumber(o.get("bias"));
        if (!b) fail(at + ".bias", "expected a number between -1 and 1");
        try {
            in.bias = checkBias(*b);
        } catch (const std::invalid_argument& e) {
            fail(at + ".bias", e.what());
        }
    }
    if (o.has("tick_interval_ms"))
        in.tickIntervalMs = wholeAt(o, "tick_interval_ms", at + ".tick_interval_ms", kMinTickMs, kMaxTickMs);
    if (o.has("base_asset")) in.baseAsset = textAt(o, "base_asset", at + ".base_asset");
    if (o.has("quote_asset")) in.quoteAsset = textAt(o, "quote_asset", at + ".quote_asset");
    return in;
}

}  // namespace

OtcConfig parseConfig(const std::string& text) {
    const Poco::JSON::Object::Ptr root = json::parseObject(text);
    if (!root) throw Error(BOURSE_E_CONFIG, "config: expected a JSON object");
    OtcConfig c;
    for (const auto& [key, value] : *root) {
        if (key == "seed") {
            const auto seed = json::unsignedNumber(value);
            if (!seed) fail("seed", "expected a whole number >= 0");
            c.seed = *seed;
        } else if (key == "tick_interval_ms") {
            c.tickIntervalMs = wholeAt(*root, key, key, kMinTickMs, kMaxTickMs);
        } else if (key != "instruments") {
            fail(key, "unknown key");
        }
    }
    if (!root->has("instruments")) fail("instruments", "is required");
    const Poco::JSON::Array::Ptr list = root->getArray("instruments");  // null unless an array
    if (!list || list->size() == 0) fail("instruments", "expected a non-empty list");
    std::set<std::string> seen;
    for (std::size_t i = 0; i < list->size(); ++i) {
        const std::string at = "instruments[" + std::to_string(i) + "]";
        const Poco::JSON::Object::Ptr o = list->getObject(static_cast<unsigned>(i));
        if (!o) fail(at, "expected an object");
        InstrumentConfig in = parseInstrument(*o, at);
        if (!seen.insert(in.symbol).second) fail(at + ".symbol", "duplicate symbol " + in.symbol);
        c.instruments.push_back(std::move(in));
    }
    return c;
}

}  // namespace bourse::otc
