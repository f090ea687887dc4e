#include "GridConfig.h"

#include <bourse/plugins/ConfigReader.h>

namespace bourse::grid {

GridLimits readGridConfig(const std::string& configJson) {
    const auto config = plugins::ConfigReader::parse(configJson);
    config.allowOnly({"max_grid_count", "max_backtest_candles"});
    GridLimits limits;
    limits.maxGridCount = static_cast<int>(config.whole("max_grid_count", limits.maxGridCount, 2, 500));
    limits.maxBacktestCandles = static_cast<std::size_t>(
        config.whole("max_backtest_candles", static_cast<std::int64_t>(limits.maxBacktestCandles), 1, 1000000));
    return limits;
}

}  // namespace bourse::grid
