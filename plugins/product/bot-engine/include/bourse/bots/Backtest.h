//
// bourse/bots/Backtest.h — replays candles through an engine and the paper model.
//
// The same engine code as live bots: the runner only turns candles into ticks,
// intents into paper orders, and paper fills into reports.
//
// Intra-candle path (the assumption every backtest of OHLC data must make):
//   bullish or flat candle (close ≥ open): open → low → high → close
//   bearish candle        (close < open): open → high → low → close
// at open_ts, open_ts + d/3, open_ts + 2·(d/3) and open_ts + d − 1 (d = duration,
// integer division).
// The price moves continuously between points, so a resting limit order between
// two points fills at its own limit price (PaperExchange.h).
//
// At each point: resting orders the price reaches fill (reports to the engine),
// the engine sees the tick, then intents and their immediate reports go back and
// forth until the engine asks for nothing more. Equity (paper wallet: quote + base
// × price) is measured after that at every point; the equity curve keeps one
// point per candle (at its close), the drawdown uses every point. Drawdown runs
// from the running peak, which starts at the initial equity.
//
// Errors: std::invalid_argument for a candle with high < max(open, close), low >
// min(open, close), a non-positive price or duration, or a time going backwards;
// InvalidParams from the engines; std::logic_error if an engine and the model
// keep answering each other (more than 10 000 rounds at one point).
// Threading: single-threaded, no shared state.
//
#pragma once

#include <bourse/bots/DcaBot.h>
#include <bourse/bots/Engine.h>
#include <bourse/bots/GridBot.h>
#include <bourse/bots/PaperExchange.h>

#include <cstdint>
#include <span>
#include <vector>

namespace bourse::bots {

struct Candle {
    TimeNs openTs = 0;
    TimeNs durationNs = 60'000'000'000;
    Decimal open, high, low, close;
};

/// The four points the runner feeds for one candle.
std::vector<PricePoint> candlePath(const Candle& candle);

struct EquityPoint {
    TimeNs ts = 0;
    std::int64_t equity = 0;  ///< quote minor units
};

struct BacktestResult {
    std::int64_t initialEquity = 0;
    std::int64_t finalEquity = 0;
    std::int64_t pnl = 0;  ///< finalEquity − initialEquity
    std::int64_t feesPaid = 0;
    std::int64_t maxDrawdown = 0;     ///< largest fall from a running peak, quote minor units
    Decimal maxDrawdownPercent;       ///< largest fall relative to its peak, percent, 4 decimals
    std::vector<EquityPoint> equity;  ///< one per candle, at its close
    std::size_t fills = 0;
    Wallet finalWallet;
    std::vector<DealSummary> deals;   ///< DCA: every deal, closed ones first (open ones last)
    std::int64_t gridProfit = 0;      ///< grid only
    std::int64_t completedPairs = 0;  ///< grid only
    std::size_t ticksSkipped = 0;     ///< points inside the engine's quiet band (not ticked)
};

/// Which points the engine is ticked with: like the kernel does for live bots
/// (only those outside its quiet band, Engine.h), or every one. Both give the
/// same result; BacktestTest proves it on random paths.
enum class Ticks { OutsideQuietBand, Every };

/// Runs `engine` over `candles` against `exchange` (which holds the wallet).
/// Fills the generic fields of the result.
BacktestResult runBacktest(BotEngine& engine, PaperExchange& exchange, std::span<const Candle> candles,
                           Ticks ticks = Ticks::OutsideQuietBand);

/// A DCA bot with initialQuote in its wallet.
BacktestResult backtestDca(const DcaParams& params, const PaperConfig& paper, std::int64_t initialQuote,
                           std::span<const Candle> candles, Ticks ticks = Ticks::OutsideQuietBand);

/// A grid bot whose wallet holds exactly its investment; it starts at the first
/// candle's open.
BacktestResult backtestGrid(const GridParams& params, const PaperConfig& paper, std::span<const Candle> candles,
                            Ticks ticks = Ticks::OutsideQuietBand);

}  // namespace bourse::bots
