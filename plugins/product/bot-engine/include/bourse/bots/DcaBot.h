//
// bourse/bots/DcaBot.h — a DCA bot on one pair: when to open deals, and the deals.
//
// On every tick the bot passes the price to its active deals, retires the ones
// that closed, then opens at most one new deal if all of these hold:
//   * it accepts new deals (not stopped or paused);
//   * fewer than max_active_deals deals are active;
//   * the cooldown has passed since the last deal started AND since the last
//     deal closed (whichever is later);
//   * the start condition holds: Immediate, or AfterDrop — the price is at or
//     below (1 − start_drop %) × the highest tick price of the last
//     start_lookback_ns (the window includes the current tick);
//   * validateDcaAtPrice() accepts the terms at this price (otherwise the
//     reason is kept in lastStartError()).
// Deal ids are "<id_prefix>d<n>", n = 1, 2, …; order client ids extend them
// (DcaDeal.h). Fills are routed to the deal whose id prefixes the client id.
//
// Threading: single-threaded, like every engine. Errors: the constructor throws
// InvalidParams; onFill propagates DcaDeal's std::invalid_argument.
//
#pragma once

#include <bourse/bots/DcaDeal.h>
#include <bourse/bots/Engine.h>

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace bourse::bots {

struct PricePoint {
    TimeNs ts = 0;
    Decimal price;
};

/// The bot's own state besides its deals, as plain data for persistence.
struct DcaBotState {
    std::uint64_t nextDealSeq = 1;
    std::optional<TimeNs> lastDealStart;
    std::optional<TimeNs> lastDealClose;
    std::deque<PricePoint> highWindow;  ///< decreasing prices: front is the recent high
    bool acceptingDeals = true;
    std::string lastStartError;
    std::vector<DealSummary> closedDeals;  ///< oldest first
};

class DcaBot : public BotEngine {
public:
    /// Throws InvalidParams (validateDca).
    explicit DcaBot(DcaParams params);
    /// Restores a bot: its own state plus the states of its active deals.
    DcaBot(DcaParams params, DcaBotState state, std::vector<DealState> activeDeals);

    void onTick(const Decimal& price, TimeNs ts) override;
    bool onFill(const FillReport& fill) override;
    std::vector<OrderIntent> takeIntents() override;
    /// Stopped (or paused) and no active deal.
    [[nodiscard]] bool finished() const override;
    /// Quiet while every deal is (DcaDeal::quietBand) and no deal can start
    /// before the cooldown ends; never with an after-drop start, whose window
    /// of recent highs needs every tick.
    [[nodiscard]] std::optional<QuietBand> quietBand() const override;

    /// Opens no more deals and closes every active one (Manual).
    void stop(CloseMode mode, TimeNs now);
    /// Pauses / resumes opening deals; active deals run on.
    void setAcceptingDeals(bool accepting) { s_.acceptingDeals = accepting; }

    [[nodiscard]] const DcaParams& params() const { return params_; }
    [[nodiscard]] const DcaBotState& state() const { return s_; }
    [[nodiscard]] const std::vector<std::unique_ptr<DcaDeal>>& activeDeals() const { return active_; }
    [[nodiscard]] const std::vector<DealSummary>& closedDeals() const { return s_.closedDeals; }
    [[nodiscard]] const std::string& lastStartError() const { return s_.lastStartError; }
    /// The recent high for AfterDrop (nullopt before the first tick).
    [[nodiscard]] std::optional<Decimal> recentHigh() const;
    /// Earliest instant the cooldown allows a new deal (nullopt: no constraint).
    [[nodiscard]] std::optional<TimeNs> cooldownUntil() const;

    /// Realized P&L of every deal, net of fees; fees paid; unrealized at price
    /// (the active deals' quantity marked as one holding, minus their cost).
    [[nodiscard]] std::int64_t realizedPnl() const;
    [[nodiscard]] std::int64_t feesPaid() const;
    [[nodiscard]] std::int64_t unrealizedPnl(const Decimal& price) const;

private:
    void collect(DcaDeal& deal);
    void retireClosed();
    bool startConditionHolds(const Decimal& price) const;

    DcaParams params_;
    Pair pair_;
    DcaBotState s_;
    std::vector<std::unique_ptr<DcaDeal>> active_;
    std::vector<OrderIntent> intents_;
};

}  // namespace bourse::bots
