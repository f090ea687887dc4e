//
// GridProduct.h — the grid-bot trade product (plugin id "grid-bot").
//
// validate() reads the client's params (with the kernel's pair and venue),
// applies the engine's rules at the price in force and this platform's
// limits, and replies with the accepted terms: capital (the investment),
// normalised params, the grid lines preview and the worst case
// (GridPreview.h). open() replies with the initial state; ticks, fills and
// control go through BotProduct into one GridSession per bot;
// command("backtest", args) replays candles through the same engine
// (GridBacktest.h). The contract is plugins/product/README.md; the rules
// chosen are in README.md beside this plugin.
//
// Threading: the host serialises calls. Errors: refusals are
// Error(BOURSE_E_INVALID, "<field>: <why>[; <field>: <why>]").
//
#pragma once

#include "GridConfig.h"

#include <bourse/botkit/BotProduct.h>

namespace bourse::grid {

class GridProduct : public botkit::BotProduct {
public:
    /// Reads the config (GridConfig.h); throws Error(BOURSE_E_CONFIG).
    explicit GridProduct(Host& host);

    std::string validate(const OpenRequest& request) override;
    std::string open(const Position& position, const std::optional<Tick>& entry) override;
    std::string command(const std::string& name, const std::string& argsJson) override;

protected:
    std::unique_ptr<botkit::BotSession> restore(const Position& position) override;

private:
    GridLimits _limits;
};

}  // namespace bourse::grid
