//
// CandleAggregator.h — folds ticks into OHLC candles for every kernel interval.
//
// Pure logic, no I/O: the caller persists what update() reports. Not
// thread-safe; MarketData serialises calls.
//
#pragma once

#include "market/Candle.h"

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace bourse {

class CandleAggregator {
public:
    /// Applies a tick. Returns every candle it touched (one per interval), in its
    /// state after the tick. A tick older than the current candle of an interval
    /// is ignored for that interval (ticks arrive in order from one source).
    std::vector<Candle> update(const PriceTick& tick);

    /// The candle in progress for (symbol, interval), if any.
    [[nodiscard]] const Candle* current(const std::string& symbol, int intervalS) const;

    /// Forget a symbol (its source went away).
    void forget(const std::string& symbol);

private:
    std::map<std::pair<std::string, int>, Candle> _current;
};

}  // namespace bourse
