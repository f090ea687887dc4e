//
// DcaBacktest.h — command("backtest", args) of the dca-bot plugin: the same
// engine over candles with the paper fill model (bourse/bots/Backtest.h).
//
// Arguments and reply as botkit/BacktestJson.h says. The bot starts with its
// capital (as validate() computes it) in quote; the paper model charges
// params.venue.fee_bps per fill and moves market orders by slippage_bps.
// "deals" lists every deal (dealSummaryJson), closed ones first; "final" adds
// "active_deals" and "closed_deals". Refusals name the field:
// "params.take_profit: ...", "candles[3]: ...".
// Thread-safe: a function of its arguments (CPU-bound: the candle count is
// capped by max_backtest_candles).
//
#pragma once

#include "DcaConfig.h"

#include <string>

namespace bourse::dca {

std::string runDcaBacktest(const std::string& argsJson, const DcaLimits& limits);

}  // namespace bourse::dca
