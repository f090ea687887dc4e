//
// Candle.h — market data value types used inside the kernel.
//
#pragma once

#include <bourse/decimal.hpp>

#include <cstdint>
#include <string>

namespace bourse {

struct InstrumentInfo {
    std::string symbol;
    std::string name;
    std::string source;  ///< plugin id of the price source
    int priceScale = 2;
    std::string baseAsset;
    std::string quoteAsset;
};

struct PriceTick {
    std::string symbol;
    Decimal price;
    std::int64_t tsNs = 0;
};

/// OHLC over [openNs, openNs + intervalS). Prices share one scale.
struct Candle {
    std::string symbol;
    int intervalS = 60;
    std::int64_t openNs = 0;
    std::int64_t open = 0, high = 0, low = 0, close = 0;  ///< mantissas at `scale`
    int scale = 0;
    int tickCount = 0;
};

/// The intervals the kernel aggregates: 1s, 1m, 5m, 1h.
inline constexpr int kCandleIntervals[] = {1, 60, 300, 3600};

/// "1s", "1m", "5m", "1h" ↔ seconds; 0 for an unknown name.
int intervalSeconds(const std::string& name);
std::string intervalName(int seconds);

}  // namespace bourse
