#include "OtcConfig.h"

#include "JsonValues.h"

#include <bourse/plugins/ConfigReader.h>

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

using plugins::ConfigReader;

constexpr int kMinTickMs = 10;
constexpr int kMaxTickMs = 3'600'000;

InstrumentConfig parseInstrument(const ConfigReader& o) {
    o.allowOnly({"symbol", "name", "base_price", "price_scale", "volatility", "bias", "tick_interval_ms", "base_asset",
                 "quote_asset"});

    InstrumentConfig in;
    o.require("symbol");
    in.symbol = o.text("symbol", "");
    static const std::regex symbolShape("[A-Z0-9_]{1,32}");
    if (!std::regex_match(in.symbol, symbolShape))
        o.fail("symbol", "expected [A-Z0-9_]{1,32}, got '" + in.symbol + "'");
    in.name = o.text("name", in.symbol);
    in.priceScale = static_cast<int>(o.whole("price_scale", in.priceScale, 0, kMaxPriceScale));

    o.require("base_price");
    // "1.085", or 1.085 unquoted: the kernel copies a YAML number's digits verbatim.
    const auto base = json::text(o.value("base_price"));
    if (!base) o.fail("base_price", "expected a string");
    try {
        // Fewer decimals than the scale is exact ("1.085" at scale 5); more is not.
        in.basePrice = Decimal::parse(*base).rescaled(in.priceScale);
    } catch (const std::exception& e) {
        o.fail("base_price", "'" + *base + "' is not a price with at most " + std::to_string(in.priceScale) +
                                 " decimals (" + e.what() + ")");
    }
    if (in.basePrice.mantissa <= 0) o.fail("base_price", "must be positive");
    if (in.basePrice.mantissa > kMaxPriceUnits)
        o.fail("base_price",
               "too large (at most 10^18 minor units at price_scale " + std::to_string(in.priceScale) + ")");

    if (o.has("volatility")) {
        try {
            in.volatility = parseVolatility(o.text("volatility", ""));
        } catch (const std::invalid_argument& e) {
            o.fail("volatility", e.what());
        }
    }
    if (o.has("bias")) {
        const auto b = json::realNumber(o.value("bias"));
        if (!b) o.fail("bias", "expected a number between -1 and 1");
        try {
            in.bias = checkBias(*b);
        } catch (const std::invalid_argument& e) {
            o.fail("bias", e.what());
        }
    }
    in.tickIntervalMs = static_cast<int>(o.whole("tick_interval_ms", in.tickIntervalMs, kMinTickMs, kMaxTickMs));
    in.baseAsset = o.text("base_asset", "");
    in.quoteAsset = o.text("quote_asset", "");
    return in;
}

}  // namespace

OtcConfig parseConfig(const std::string& text) {
    const ConfigReader root = ConfigReader::parse(text);
    root.allowOnly({"seed", "tick_interval_ms", "instruments"});
    OtcConfig c;
    if (root.has("seed")) {
        const auto seed = json::unsignedNumber(root.value("seed"));  // all of 0..2^64-1
        if (!seed) root.fail("seed", "expected a whole number >= 0");
        c.seed = *seed;
    }
    c.tickIntervalMs = static_cast<int>(root.whole("tick_interval_ms", c.tickIntervalMs, kMinTickMs, kMaxTickMs));
    root.require("instruments");
    const auto list = root.list("instruments", "a list of instruments", "instrument");
    std::set<std::string> seen;
    for (std::size_t i = 0; i < list.size(); ++i) {
        const ConfigReader o = list.object(i, "an object");
        InstrumentConfig in = parseInstrument(o);
        if (!seen.insert(in.symbol).second) o.fail("symbol", "duplicate symbol " + in.symbol);
        c.instruments.push_back(std::move(in));
    }
    return c;
}

}  // namespace bourse::otc
