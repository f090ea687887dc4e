//
// bourse/bots/GridBot.h — a spot grid bot as a state machine.
//
// Interval k is the gap between line k and line k+1. It always trades one way
// at a time: a buy of qty at line k, or — holding what that buy got — a sell at
// line k+1. A filled buy places the sell one line up; a filled sell places the
// buy one line down again, and completes a pair (bots.md).
//
//   NotStarted  start(price) (or the first tick) sizes the grid (GridLevels.h):
//               buys on every line below the price; the base for the sells above
//               it is bought at market (Starting) and shared out, lowest
//               interval first, before the sells are placed (Running).
//   Running     fills drive the pairs. A tick at or below stop_loss, or at or
//               above take_profit, stops the bot. With trailing_up, a tick above
//               the top line shifts the grid one line up: the lowest buy is
//               cancelled, its quote (line × qty) buys base at market, and that
//               base is offered one line above the old top; repeated while the
//               price stays above the top (and the new line is within
//               trailing_up_limit). Only a lowest buy untouched by fills moves.
//   Stopping    every open order is cancelled; once all are done the held base
//               is sold at market if sell_base_on_stop.
//   Stopped     nothing open.
//
// Accounting (quote minor units; fees always in quote). Each interval keeps the
// cost basis of what it holds (buy notional + buy fee; the base bought at the
// start carries its share of that purchase's cost and fee, pro rata).
//   grid profit   Σ over interval sells: notional − fee − cost basis of what was
//                 sold; a limit buy→sell pair on line k earns
//                 L(k+1)·q − L(k)·q − two fees.
//   closing P&L   the same for the stop's market sale.
//   floating P&L  held base × price − its cost basis.
//   total         grid + closing + floating = equity − investment.
//   annualized    grid profit / investment × (365 days / time since start), simple.
// An order that ends without our cancel leaves its interval idle; the next tick
// places it again. Client ids: "<id_prefix>g<n>", n = 1, 2, … in placement order.
//
// Threading: single-threaded. Errors: start()/the first tick throw InvalidParams
// for a price the grid cannot start at; onFill throws std::invalid_argument for a
// report that contradicts the grid.
//
#pragma once

#include <bourse/bots/Engine.h>
#include <bourse/bots/GridLevels.h>
#include <bourse/bots/GridParams.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace bourse::bots {

enum class GridStatus { NotStarted, Starting, Running, Stopping, Stopped };
enum class GridStopReason { None, StopLoss, TakeProfit, Manual };
enum class GridOrderKind { IntervalBuy, IntervalSell, InitialBuy, ShiftBuy, Exit };

struct GridOrder {
    std::string clientId;
    GridOrderKind kind = GridOrderKind::IntervalBuy;
    std::int64_t interval = 0;  ///< k of the interval (interval orders and shift buys)
    Side side = Side::Buy;
    OrderType type = OrderType::Limit;
    Decimal price;
    Decimal qty;
    std::int64_t quoteAmount = 0;
    Decimal filledQty;
    bool cancelRequested = false;
};

struct GridInterval {
    std::int64_t k = 0;              ///< buys at line k, sells at line k+1
    Side side = Side::Buy;           ///< what it trades next
    Decimal qty;                     ///< size of its buys
    Decimal held;                    ///< base it holds (to sell at line k+1)
    std::int64_t heldCost = 0;       ///< cost basis of held, fees included
    std::string orderId;             ///< its open order, "" when idle
    std::int64_t rounds = 0;         ///< completed buy→sell pairs
    std::int64_t pendingProfit = 0;  ///< grid profit of the sell in progress
};

/// Everything a grid knows, as plain data: persist it after takeIntents().
struct GridState {
    GridStatus status = GridStatus::NotStarted;
    GridStopReason reason = GridStopReason::None;
    TimeNs startedAt = 0;
    TimeNs stoppedAt = 0;
    Decimal startPrice;
    Decimal lastPrice;
    Decimal qtyPerOrder;
    std::vector<GridInterval> intervals;  ///< ascending k
    std::vector<GridOrder> orders;        ///< open orders, in placement order
    std::uint64_t nextOrderSeq = 1;
    Decimal looseQty;  ///< base held outside the intervals (stop, shift races)
    std::int64_t looseCost = 0;
    Decimal initialQty;  ///< bought by the start's market buy
    std::int64_t initialCost = 0;
    bool shiftInProgress = false;
    std::int64_t shifts = 0;
    bool exitWaitsForTick = false;
    bool sellOnStop = true;
    std::int64_t gridProfit = 0;
    std::int64_t completedPairs = 0;
    std::int64_t lastPairProfit = 0;  ///< grid profit of the latest completed pair
    std::int64_t closingPnl = 0;
    std::int64_t fees = 0;
};

class GridBot : public BotEngine {
public:
    /// Throws InvalidParams (validateGrid).
    explicit GridBot(GridParams params);
    /// Restores a grid from its state.
    GridBot(GridParams params, GridState state);

    /// Starts at price: throws InvalidParams (validateGridAtPrice), or
    /// std::logic_error when already started.
    void start(const Decimal& price, TimeNs ts);
    /// Starts on the first tick; then stop triggers, idle orders, trailing up.
    void onTick(const Decimal& price, TimeNs ts) override;
    bool onFill(const FillReport& fill) override;
    std::vector<OrderIntent> takeIntents() override;
    [[nodiscard]] bool finished() const override { return s_.status == GridStatus::Stopped; }
    /// Running with an order on every interval: only the stop-loss and
    /// take-profit triggers and, with trailing up, the top line make a tick matter.
    [[nodiscard]] std::optional<QuietBand> quietBand() const override;
    /// Stops (Manual); sellBase overrides sell_base_on_stop when given.
    void stop(TimeNs now, std::optional<bool> sellBase = std::nullopt);

    [[nodiscard]] const GridParams& params() const { return params_; }
    [[nodiscard]] const GridLevels& levels() const { return levels_; }
    [[nodiscard]] const GridState& state() const { return s_; }
    [[nodiscard]] GridStatus status() const { return s_.status; }
    /// The grid's current range (it moves when trailing up).
    [[nodiscard]] Decimal lowestLine() const;
    [[nodiscard]] Decimal highestLine() const;

    [[nodiscard]] std::int64_t gridProfit() const { return s_.gridProfit; }
    [[nodiscard]] std::int64_t completedPairs() const { return s_.completedPairs; }
    [[nodiscard]] std::int64_t closingPnl() const { return s_.closingPnl; }
    [[nodiscard]] std::int64_t feesPaid() const { return s_.fees; }
    [[nodiscard]] Decimal heldQty() const;
    [[nodiscard]] std::int64_t heldCost() const;
    [[nodiscard]] std::int64_t floatingPnl(const Decimal& price) const;
    [[nodiscard]] std::int64_t totalPnl(const Decimal& price) const;
    /// Percent per year, 4 decimals (0 before any time has passed).
    [[nodiscard]] Decimal annualizedReturn(TimeNs now) const;

private:
    GridInterval* interval(std::int64_t k);
    GridOrder& place(GridOrder order);
    void placeIntervalOrder(GridInterval& iv);
    void beginStop(GridStopReason reason, TimeNs ts);
    /// The line a price must pass for a trailing shift, when one could happen now.
    [[nodiscard]] std::optional<Decimal> shiftTrigger() const;
    void maybeShift();
    void completeShiftCancel(GridInterval& lowest, const GridOrder& cancelled);
    void reconcile(TimeNs ts);

    GridParams params_;
    Pair pair_;
    GridLevels levels_;
    GridState s_;
    std::vector<OrderIntent> intents_;
};

}  // namespace bourse::bots
