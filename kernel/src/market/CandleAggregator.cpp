#include "market/CandleAggregator.h"

#include <algorithm>

namespace bourse {

int intervalSeconds(const std::string& name) {
    if (name == "1s") return 1;
    if (name == "1m") return 60;
    if (name == "5m") return 300;
    if (name == "1h") return 3600;
    return 0;
}

std::string intervalName(int seconds) {
    switch (seconds) {
        case 1:
            return "1s";
        case 60:
            return "1m";
        case 300:
            return "5m";
        case 3600:
            return "1h";
        default:
            return std::to_string(seconds) + "s";
    }
}

std::vector<Candle> CandleAggregator::update(const PriceTick& tick) {
    std::vector<Candle> touched;
    touched.reserve(std::size(kCandleIntervals));
    const std::int64_t m = tick.price.mantissa;
    for (const int interval : kCandleIntervals) {
        const std::int64_t width = static_cast<std::int64_t>(interval) * 1'000'000'000;
        // Floor division so instants before 1970 would still bucket correctly.
        const std::int64_t open = (tick.tsNs >= 0 ? tick.tsNs / width : (tick.tsNs - width + 1) / width) * width;
        Slot& slot = _current[{tick.symbol, interval}];
        Candle& c = slot.candle;
        if (c.tickCount > 0 && open < c.openNs) continue;  // late tick: candle already closed
        if (c.tickCount == 0 || open > c.openNs || c.scale != tick.price.scale) {
            c = Candle{tick.symbol, interval, open, m, m, m, m, tick.price.scale, 1};
            slot.firstTickNs = tick.tsNs;
        } else {
            c.high = std::max(c.high, m);
            c.low = std::min(c.low, m);
            c.close = m;
            ++c.tickCount;
        }
        touched.push_back(c);
    }
    return touched;
}

std::vector<Candle> CandleAggregator::absorb(const Candle& h) {
    std::vector<Candle> changed;
    for (const int interval : kCandleIntervals) {
        if (interval <= h.intervalS) continue;
        const auto it = _current.find({h.symbol, interval});
        if (it == _current.end()) continue;
        Slot& slot = it->second;
        Candle& c = slot.candle;
        const std::int64_t width = static_cast<std::int64_t>(interval) * 1'000'000'000;
        if (c.scale != h.scale || h.openNs < c.openNs || h.openNs >= c.openNs + width) continue;
        // The history candle ends before the first tick: it came first, so it opens the candle.
        if (h.openNs + static_cast<std::int64_t>(h.intervalS) * 1'000'000'000 <= slot.firstTickNs) {
            c.open = h.open;
            slot.firstTickNs = h.openNs;
        }
        c.high = std::max(c.high, h.high);
        c.low = std::min(c.low, h.low);
        changed.push_back(c);
    }
    return changed;
}

const Candle* CandleAggregator::current(const std::string& symbol, int intervalS) const {
    const auto it = _current.find({symbol, intervalS});
    return it == _current.end() ? nullptr : &it->second.candle;
}

void CandleAggregator::forget(const std::string& symbol) {
    for (auto it = _current.begin(); it != _current.end();)
        it = it->first.first == symbol ? _current.erase(it) : std::next(it);
}

}  // namespace bourse
