//
// GridSession.h — one grid bot in memory: the engine's GridBot plus what the
// plugin adds to it (pause, a failure, why it has not started).
//
// Ticks, as the plugin passes them on:
//   * not started: the first tick inside [lower, upper] starts the grid (and a
//     price the grid cannot start at is kept in "waiting", a note: the bot
//     waits for a better one instead of failing);
//   * paused: only a tick that reaches stop_loss or take_profit goes to the
//     grid (and stops it); the others are dropped, so no order is placed
//     again, no start and no trailing up while paused. Fills still reach the
//     grid: a filled buy still places its sell one line up;
//   * stopping: every tick (a closing sale may need one to be retried).
// Control: pause / resume toggle the above (nothing after a stop); stop cancels
// every order, then sells the held base at market with close: true, keeps it
// with close: false, and follows params.sell_base_on_stop when close is absent.
//
// Threading: single-threaded (the host serialises calls). Errors: the
// constructors throw bots::InvalidParams or Error(BOURSE_E_INTERNAL); onFill
// throws std::invalid_argument for a report that contradicts the grid.
//
#pragma once

#include "GridParamsJson.h"
#include "GridStateJson.h"

#include <bourse/botkit/BotProduct.h>
#include <bourse/bots/GridBot.h>

#include <memory>

namespace bourse::grid {

class GridSession : public botkit::BotSession {
public:
    /// A grid that has not started.
    explicit GridSession(GridTerms terms);
    /// A grid as it was saved.
    GridSession(GridTerms terms, GridSessionState state);

    [[nodiscard]] const bots::PairSpec& pair() const override { return _terms.params.pair; }
    void onTick(const Decimal& price, bots::TimeNs ts) override;
    bool onFill(const bots::FillReport& fill) override { return _grid->onFill(fill); }
    void control(const botkit::ControlRequest& request, bots::TimeNs now) override;
    std::vector<bots::OrderIntent> takeIntents() override { return _grid->takeIntents(); }
    void recordError(const std::string& message) override;
    [[nodiscard]] bool finished() const override { return _grid->finished(); }
    [[nodiscard]] std::string stateJson(botkit::StateView view) const override;
    /// A trailing grid records whether the price is above its top line; a grid
    /// not started yet records why it waits (the price outside its range).
    [[nodiscard]] bool tickMovesKey() const override {
        return _terms.params.trailingUp || _grid->status() == bots::GridStatus::NotStarted;
    }

    /// Paused: only the stop triggers matter (onTick forwards nothing else).
    [[nodiscard]] std::optional<bots::QuietBand> quietBand() const override;

    [[nodiscard]] const bots::GridBot& grid() const { return *_grid; }

private:
    /// True when price reaches stop_loss or take_profit.
    [[nodiscard]] bool triggers(const Decimal& price) const;

    GridTerms _terms;
    std::unique_ptr<bots::GridBot> _grid;
    bool _paused = false;
    std::string _error;
    std::string _waiting;
};

}  // namespace bourse::grid
