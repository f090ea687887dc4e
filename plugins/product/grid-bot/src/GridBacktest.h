//
// GridBacktest.h — command("backtest", args) of the grid-bot plugin: the same
// engine over candles with the paper fill model (bourse/bots/Backtest.h).
//
// Arguments and reply as botkit/BacktestJson.h says. The grid starts at the
// first candle's open with exactly its investment in quote (so that open must
// lie inside [lower, upper]: "candles[0]: ..." otherwise); the paper model
// charges params.venue.fee_bps per fill and moves market orders by
// slippage_bps. "deals" is empty (a grid has pairs, not deals); "final" adds
// "grid_profit" and "completed_pairs".
// Thread-safe: a function of its arguments (CPU-bound: the candle count is
// capped by max_backtest_candles).
//
#pragma once

#include "GridConfig.h"

#include <string>

namespace bourse::grid {

std::string runGridBacktest(const std::string& argsJson, const GridLimits& limits);

}  // namespace bourse::grid
