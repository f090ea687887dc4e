//
// DcaConfig.h — the dca-bot plugin's `config:` block. Nothing is required;
// each key narrows what the engine would allow, for this platform:
//
//   max_active_deals      1..100, default 100   deals one bot may run at once
//   max_safety_orders     0..100, default 100   safety orders per deal
//   max_backtest_candles  1..1000000, default 100000   candles one backtest may replay
//
// Errors: bourse::Error(BOURSE_E_CONFIG, "config: <key>: <why>") from the
// strict reader (unknown keys too). Thread-safe: a function of its argument.
//
#pragma once

#include <cstddef>
#include <string>

namespace bourse::dca {

struct DcaLimits {
    int maxActiveDeals = 100;
    int maxSafetyOrders = 100;
    std::size_t maxBacktestCandles = 100000;
};

DcaLimits readDcaConfig(const std::string& configJson);

}  // namespace bourse::dca
