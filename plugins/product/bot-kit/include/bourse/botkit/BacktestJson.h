//
// bourse/botkit/BacktestJson.h — the arguments and the reply of the bots'
// command("backtest", args) (plugins/product/README.md).
//
// Arguments:
//   {"params": {...as for validate, with pair and venue...},
//    "candles": [[open_ts_ns, "open", "high", "low", "close"], ...],   // a 6th entry (volume) is ignored
//    "slippage_bps": "5",      // optional, default 0; market orders only
//    "interval_s": 60}         // optional: candle length; default the smallest gap
//                              // between two candles, or 60 for a single one
// Candles oldest first, times strictly increasing, prices decimal strings (or
// integers) with high ≥ max(open, close) and low ≤ min(open, close).
//
// Reply (money at the quote scale):
//   {"deals": [...], "equity": [[ts_ns, "equity"], ...], "initial_equity": "…",
//    "final_equity": "…", "max_drawdown": "…", "max_drawdown_percent": "…",
//    "fees": "…", "pnl": "…", "orders": n, "final": {...}}
// `orders` counts executed orders: the paper model fills each order whole, at
// once, so it equals the number of fills. The equity curve has one point per
// candle, at its close; the drawdown is measured at every tick of the path.
// Thread-safe: functions of their arguments.
//
#pragma once

#include <bourse/botkit/Json.h>
#include <bourse/bots/Backtest.h>

#include <cstddef>
#include <vector>

namespace bourse::botkit {

/// The backtest arguments besides "params".
struct BacktestArgs {
    std::vector<bots::Candle> candles;
    Decimal slippageBps{0, 0};
};

/// Reads candles, slippage_bps and interval_s from `in` (the arguments'
/// reader); at most `maxCandles` candles. Problems are recorded on in's errors.
BacktestArgs readBacktestArgs(const ParamReader& in, std::size_t maxCandles);

/// The reply for `result`; `deals` and `final` are the product's own parts
/// (final gets "quote", "base" and "equity" added).
JsonObject backtestJson(const bots::BacktestResult& result, const bots::PairSpec& pair, const JsonArray& deals,
                        JsonObject final);

}  // namespace bourse::botkit
