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

    /// Folds a history candle (from a source's back-fill) into the candles in
    /// progress of coarser intervals that cover it: it widens high/low and, when
    /// it lies before their first tick, sets the open. Returns the candles changed.
    std::vector<Candle> absorb(const Candle& history);

    /// The candle in progress for (symbol, interval), if any.
    [[nodiscard]] const Candle* current(const std::string& symbol, int intervalS) const;

    /// Forget a symbol (its source went away).
    void forget(const std::string& symbol);

private:
    struct Slot {
        Candle candle;
        std::int64_t firstTickNs = 0;
    };
    std::map<std::pair<std::string, int>, Slot> _current;
};

}  // namespace bourse
