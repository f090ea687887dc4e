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
        Candle& c = _current[{tick.symbol, interval}];
        if (c.tickCount > 0 && open < c.openNs) continue;  // late tick: candle already closed
        if (c.tickCount == 0 || open > c.openNs || c.scale != tick.price.scale) {
            c = Candle{tick.symbol, interval, open, m, m, m, m, tick.price.scale, 1};
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

const Candle* CandleAggregator::current(const std::string& symbol, int intervalS) const {
    const auto it = _current.find({symbol, intervalS});
    return it == _current.end() ? nullptr : &it->second;
}

void CandleAggregator::forget(const std::string& symbol) {
    for (auto it = _current.begin(); it != _current.end();)
        it = it->first.first == symbol ? _current.erase(it) : std::next(it);
}

}  // namespace bourse
