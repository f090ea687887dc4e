#include "DcaConfig.h"

#include <bourse/plugins/ConfigReader.h>

namespace bourse::dca {

DcaLimits readDcaConfig(const std::string& configJson) {
    const auto config = plugins::ConfigReader::parse(configJson);
    config.allowOnly({"max_active_deals", "max_safety_orders", "max_backtest_candles"});
    DcaLimits limits;
    limits.maxActiveDeals = static_cast<int>(config.whole("max_active_deals", limits.maxActiveDeals, 1, 100));
    limits.maxSafetyOrders = static_cast<int>(config.whole("max_safety_orders", limits.maxSafetyOrders, 0, 100));
    limits.maxBacktestCandles = static_cast<std::size_t>(
        config.whole("max_backtest_candles", static_cast<std::int64_t>(limits.maxBacktestCandles), 1, 1000000));
    return limits;
}

}  // namespace bourse::dca
