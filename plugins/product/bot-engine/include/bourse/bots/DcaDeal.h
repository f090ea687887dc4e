//
// bourse/bots/DcaDeal.h — one long DCA deal as a state machine.
//
//   Opening  the base order (market buy of base_order_size quote) is out.
//   Active   the base order is done: safety orders rest below (at most
//            max_active_safety_orders at once, the next placed as one fills), and
//            one take-profit sell of the whole position rests at
//            average entry × (1 + take_profit %) (fees not added).
//   Closing  take profit filled, stop loss triggered or close() called: every open
//            order is cancelled; once all are done, what is still held is sold at
//            market (unless closed with CloseMode::KeepPosition).
//   Closed   nothing open; realized P&L final.
//
// The ladder hangs from the base order's average fill price (rounded to the
// tick). After every buy execution (partial fills too) the take profit is
// replaced: the old one is cancelled and the new one placed only once the
// venue confirms the cancel, so it never sells more than is held. The stop loss
// triggers on a tick at or below average entry × (1 − stop_loss %).
// An order that ends without our cancel and without filling is not retried
// (safety order) or is placed again on the next tick (take profit, exit).
//
// Accounting (quote minor units): cost basis of the held quantity by average
// cost; realized P&L = Σ(sell notional − cost of what was sold) − all fees.
// Client ids: "<deal id>-b", "-s<n>" (safety n), "-t<v>" (take profit v),
// "-x<v>" (exit v).
//
// Threading: single-threaded; the caller serialises calls. Errors: onFill
// throws std::invalid_argument for a report that contradicts the deal (a sell
// beyond the position, a fill beyond the order, a quantity finer than the lot
// step) and changes nothing then. Time comes only from ticks and reports.
//
#pragma once

#include <bourse/bots/DcaLadder.h>
#include <bourse/bots/DcaParams.h>
#include <bourse/bots/Engine.h>
#include <bourse/bots/Orders.h>

#include <optional>
#include <string>
#include <vector>

namespace bourse::bots {

enum class DealStatus { Opening, Active, Closing, Closed };
enum class CloseReason { None, TakeProfit, StopLoss, Manual, Failed };
/// On close: sell the position at market, or leave it to the user.
enum class CloseMode { SellAtMarket, KeepPosition };

enum class DealOrderRole { Base, Safety, TakeProfit, Exit };

struct DealOrder {
    std::string clientId;
    DealOrderRole role = DealOrderRole::Base;
    int index = 0;  ///< safety order number, take-profit / exit version
    Side side = Side::Buy;
    OrderType type = OrderType::Limit;
    Decimal price;                 ///< limit price (0 for market)
    Decimal qty;                   ///< requested base qty (0 for the base order, bought by quote)
    std::int64_t quoteAmount = 0;  ///< base order: quote minor units to spend
    Decimal filledQty;
    bool cancelRequested = false;
    bool done = false;
};

/// Everything a deal knows, as plain data: persist it (after takeIntents()) and
/// hand it back to the restoring constructor.
struct DealState {
    std::string id;
    DealStatus status = DealStatus::Opening;
    CloseReason reason = CloseReason::None;
    CloseMode closeMode = CloseMode::SellAtMarket;
    TimeNs openedAt = 0;
    TimeNs closedAt = 0;
    Decimal basePrice;      ///< base order's average fill price on the tick (once Active)
    Decimal qty;            ///< base held
    std::int64_t cost = 0;  ///< cost basis of qty (buy notional, fees excluded)
    Decimal boughtQty, soldQty;
    std::int64_t boughtNotional = 0;
    std::int64_t soldNotional = 0;
    std::int64_t fees = 0;           ///< all fees, quote minor units
    std::int64_t realizedGross = 0;  ///< Σ(sell notional − cost sold), before fees
    int safetyOrdersPlaced = 0;
    int safetyOrdersFilled = 0;  ///< safety orders with at least one execution
    int tpVersion = 0;
    int exitVersion = 0;
    bool tpStale = false;           ///< the take profit must be (re)placed
    bool exitWaitsForTick = false;  ///< an exit ended short: the next tick places another
    std::vector<DealOrder> orders;  ///< every order of the deal, in placement order
};

/// What a closed (or running) deal amounted to.
struct DealSummary {
    std::string id;
    DealStatus status = DealStatus::Opening;
    CloseReason reason = CloseReason::None;
    TimeNs openedAt = 0;
    TimeNs closedAt = 0;
    Decimal basePrice;
    int safetyOrdersFilled = 0;
    Decimal boughtQty;
    std::int64_t boughtNotional = 0;
    std::int64_t soldNotional = 0;
    std::int64_t fees = 0;
    std::int64_t realizedPnl = 0;  ///< net of fees
    Decimal averageEntry;          ///< boughtNotional / boughtQty (0 if nothing bought)
};

/// A BotEngine on its own (one deal, driven directly); DcaBot runs several.
class DcaDeal : public BotEngine {
public:
    /// Opens a deal at `now`: queues the base order. Throws InvalidParams.
    DcaDeal(const DcaParams& params, std::string id, TimeNs now);
    /// Restores a deal from its state (as returned by state()).
    DcaDeal(const DcaParams& params, DealState state);

    void onTick(const Decimal& price, TimeNs ts) override;
    /// See BotEngine::onFill.
    bool onFill(const FillReport& fill) override;
    /// Closes the deal (Manual): cancels everything, then sells or keeps the position.
    void close(CloseMode mode, TimeNs now);
    std::vector<OrderIntent> takeIntents() override;
    [[nodiscard]] bool finished() const override { return closed(); }
    /// Active with the take profit and every safety order it may have on the
    /// book: only the stop loss (when set) makes a tick matter.
    [[nodiscard]] std::optional<QuietBand> quietBand() const override;

    [[nodiscard]] const DealState& state() const { return s_; }
    [[nodiscard]] const std::string& id() const { return s_.id; }
    [[nodiscard]] DealStatus status() const { return s_.status; }
    [[nodiscard]] bool closed() const { return s_.status == DealStatus::Closed; }
    [[nodiscard]] const DealOrder* order(const std::string& clientId) const;
    /// The ladder in force (empty until the base order is done).
    [[nodiscard]] const std::vector<SafetyOrderStep>& ladder() const { return ladder_; }

    /// cost / qty with 4 decimals beyond the price scale; nullopt when flat.
    [[nodiscard]] std::optional<Decimal> averageEntry() const;
    /// Where the take profit belongs for the current position; nullopt when flat.
    [[nodiscard]] std::optional<Decimal> takeProfitPrice() const;
    /// Where the stop loss triggers; nullopt when flat or without stop loss.
    [[nodiscard]] std::optional<Decimal> stopLossPrice() const;
    /// Realized P&L net of all fees so far.
    [[nodiscard]] std::int64_t realizedPnl() const { return s_.realizedGross - s_.fees; }
    /// Mark-to-market of the held quantity at price minus its cost basis.
    [[nodiscard]] std::int64_t unrealizedPnl(const Decimal& price) const;
    [[nodiscard]] DealSummary summary() const;

private:
    DealOrder& addOrder(DealOrder order);
    void applyExecution(DealOrder& order, const Decimal& qty, const Decimal& price, std::int64_t fee);
    DealOrder* openTakeProfit();
    bool anyOpen() const;
    [[nodiscard]] int openSafetyOrders() const;
    /// True when another safety order of the ladder belongs on the book, `open` being there.
    [[nodiscard]] bool safetyOrderDue(int open) const;
    void beginClosing(CloseReason reason, TimeNs ts);
    void reconcile(TimeNs ts);

    DcaParams params_;
    Pair pair_;
    DealState s_;
    std::vector<SafetyOrderStep> ladder_;
    std::vector<OrderIntent> intents_;
};

}  // namespace bourse::bots
