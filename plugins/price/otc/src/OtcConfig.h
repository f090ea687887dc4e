//
// OtcConfig.h — the OTC price source's configuration, parsed strictly from the
// JSON the kernel hands over (numbers may arrive as JSON numbers or strings).
// Errors throw bourse::Error(BOURSE_E_CONFIG) whose message names the JSON
// path: "config: instruments[2].volatility: expected LOW, MEDIUM, HIGH or SPIKE".
//
#pragma once

#include <bourse/plugin.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace bourse::otc {

enum class Volatility { Low, Medium, High, Spike };

/// Relative step size per tick: LOW 0.0001, MEDIUM 0.0005, HIGH 0.001, SPIKE 0.003.
double multiplier(Volatility v);
const char* volatilityName(Volatility v);
/// Parses "LOW" | "MEDIUM" | "HIGH" | "SPIKE"; throws std::invalid_argument.
Volatility parseVolatility(const std::string& text);

/// Prices are kept at or below this many minor units, so a step (at most ~9 %
/// of the price) can never overflow int64.
constexpr std::int64_t kMaxPriceUnits = 1'000'000'000'000'000'000;  // 10^18
/// Largest accepted price_scale: room for 10^6 whole units at 10^12 minor units.
constexpr int kMaxPriceScale = 12;

struct InstrumentConfig {
    std::string symbol, name, baseAsset, quoteAsset;
    Decimal basePrice;
    int priceScale = 2;
    Volatility volatility = Volatility::Medium;
    double bias = 0.0;       ///< -1..1: drift per tick in units of the volatility multiplier
    int tickIntervalMs = 0;  ///< 0: the source's default
};

struct OtcConfig {
    std::uint64_t seed = 0;  ///< 0: seeded from the host clock
    int tickIntervalMs = 500;
    std::vector<InstrumentConfig> instruments;
};

/// Parses and validates the whole config. Throws bourse::Error(BOURSE_E_CONFIG).
OtcConfig parseConfig(const std::string& json);

/// Checks a bias value (-1..1); throws std::invalid_argument with the reason.
double checkBias(double bias);

}  // namespace bourse::otc
