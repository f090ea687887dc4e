//
// OtcConfig.h — the OTC price source's configuration, parsed strictly from the
// JSON the kernel hands over. Errors throw bourse::Error(BOURSE_E_CONFIG) whose
// message names the JSON path: "config: instruments[2].volatility: ...".
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

struct InstrumentConfig {
    std::string symbol, name, baseAsset, quoteAsset;
    Decimal basePrice;
    int priceScale = 2;
    Volatility volatility = Volatility::Medium;
    double bias = 0.0;      ///< -1..1: drift per tick in units of the volatility multiplier
    int tickIntervalMs = 0; ///< 0: the source's default
};

struct OtcConfig {
    std::uint64_t seed = 0;  ///< 0: seeded from the host clock
    int tickIntervalMs = 500;
    std::vector<InstrumentConfig> instruments;
};

OtcConfig parseConfig(const std::string& json);

} // namespace bourse::otc
