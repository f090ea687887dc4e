#include <bourse/bots/Backtest.h>

#include <stdexcept>

namespace bourse::bots {
namespace {

constexpr int kMaxRounds = 10000;

void checkCandle(const Candle& c) {
    if (c.durationNs <= 0) throw std::invalid_argument("candle duration must be positive");
    for (const Decimal* p : {&c.open, &c.high, &c.low, &c.close})
        if (p->mantissa <= 0) throw std::invalid_argument("candle prices must be positive");
    if (c.high.compare(c.open) < 0 || c.high.compare(c.close) < 0 || c.low.compare(c.open) > 0 ||
        c.low.compare(c.close) > 0)
        throw std::invalid_argument("candle high/low do not contain open and close");
}

}  // namespace

std::vector<PricePoint> candlePath(const Candle& c) {
    checkCandle(c);
    const bool bullish = c.close.compare(c.open) >= 0;
    const Decimal& first = bullish ? c.low : c.high;
    const Decimal& second = bullish ? c.high : c.low;
    return {{c.openTs, c.open},
            {c.openTs + c.durationNs / 3, first},
            {c.openTs + 2 * (c.durationNs / 3), second},
            {c.openTs + c.durationNs - 1, c.close}};
}

BacktestResult runBacktest(BotEngine& engine, PaperExchange& exchange, std::span<const Candle> candles, Ticks ticks) {
    BacktestResult result;
    result.initialEquity = exchange.wallet().quote;
    if (!candles.empty()) result.initialEquity = exchange.equity(candles.front().open);
    std::int64_t peak = result.initialEquity;
    Wide worstRatio = 0;  // drawdown / peak × 10^6 (percent with 4 decimals)
    TimeNs lastTs = INT64_MIN;
    std::int64_t equity = result.initialEquity;
    for (const Candle& candle : candles) {
        for (const PricePoint& point : candlePath(candle)) {
            if (point.ts < lastTs) throw std::invalid_argument("candles go back in time");
            lastTs = point.ts;
            for (const FillReport& f : exchange.onPrice(point.price, point.ts))
                engine.onFill(f);
            const std::optional<QuietBand> quiet = ticks == Ticks::Every ? std::nullopt : engine.quietBand();
            if (quiet && !quiet->wakes(point.price, point.ts))
                ++result.ticksSkipped;
            else
                engine.onTick(point.price, point.ts);
            for (int round = 0;; ++round) {
                if (round >= kMaxRounds) throw std::logic_error("engine and paper model do not settle");
                const std::vector<OrderIntent> intents = engine.takeIntents();
                if (intents.empty()) break;
                for (const OrderIntent& intent : intents)
                    for (const FillReport& f : exchange.submit(intent, point.ts))
                        engine.onFill(f);
            }
            equity = exchange.equity(point.price);
            if (equity > peak) peak = equity;
            const std::int64_t drawdown = peak - equity;
            if (drawdown > result.maxDrawdown) result.maxDrawdown = drawdown;
            if (peak > 0 && drawdown > 0) {
                const Wide ratio = mulDivN({drawdown, 100 * pow10w(4)}, {peak}, Rounding::HalfAwayFromZero);
                if (ratio > worstRatio) worstRatio = ratio;
            }
        }
        result.equity.push_back({candle.openTs + candle.durationNs - 1, equity});
    }
    result.finalEquity = equity;
    result.pnl = equity - result.initialEquity;
    result.feesPaid = exchange.feesPaid();
    result.maxDrawdownPercent = decimalAt(worstRatio, 4);
    result.fills = exchange.fills();
    result.finalWallet = exchange.wallet();
    return result;
}

BacktestResult backtestDca(const DcaParams& params, const PaperConfig& paper, std::int64_t initialQuote,
                           std::span<const Candle> candles, Ticks ticks) {
    DcaBot bot(params);
    PaperExchange exchange(params.pair, paper, Wallet{initialQuote, Decimal(0, params.pair.lotStep.scale)});
    BacktestResult result = runBacktest(bot, exchange, candles, ticks);
    result.deals = bot.closedDeals();
    for (const auto& deal : bot.activeDeals())
        result.deals.push_back(deal->summary());
    return result;
}

BacktestResult backtestGrid(const GridParams& params, const PaperConfig& paper, std::span<const Candle> candles,
                            Ticks ticks) {
    GridBot bot(params);
    PaperExchange exchange(params.pair, paper, Wallet{params.investment, Decimal(0, params.pair.lotStep.scale)});
    BacktestResult result = runBacktest(bot, exchange, candles, ticks);
    result.gridProfit = bot.gridProfit();
    result.completedPairs = bot.completedPairs();
    return result;
}

}  // namespace bourse::bots
