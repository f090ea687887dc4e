//
// GridConfig.h — the grid-bot plugin's `config:` block. Nothing is required;
// each key narrows what the engine would allow, for this platform:
//
//   max_grid_count        2..500, default 500        intervals of one grid
//   max_backtest_candles  1..1000000, default 100000 candles one backtest may replay
//
// Errors: bourse::Error(BOURSE_E_CONFIG, "config: <key>: <why>") from the
// strict reader (unknown keys too). Thread-safe: a function of its argument.
//
#pragma once

#include <cstddef>
#include <string>

namespace bourse::grid {

struct GridLimits {
    int maxGridCount = 500;
    std::size_t maxBacktestCandles = 100000;
};

GridLimits readGridConfig(const std::string& configJson);

}  // namespace bourse::grid
