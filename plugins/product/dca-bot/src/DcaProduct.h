//
// DcaProduct.h — the dca-bot trade product (plugin id "dca-bot").
//
// validate() reads the client's params (with the kernel's pair and venue),
// applies the engine's rules at the price in force and this platform's
// limits, and replies with the accepted terms: capital, normalised params,
// the ladder preview and the worst case (DcaPreview.h). open() replies with the
// initial state; ticks, fills and control go through BotProduct into one
// DcaSession per bot; command("backtest", args) replays candles through the
// same engine (DcaBacktest.h). The contract is plugins/product/README.md; the
// rules chosen are in README.md beside this plugin.
//
// Threading: the host serialises calls. Errors: refusals are
// Error(BOURSE_E_INVALID, "<field>: <why>[; <field>: <why>]").
//
#pragma once

#include "DcaConfig.h"

#include <bourse/botkit/BotProduct.h>

namespace bourse::dca {

class DcaProduct : public botkit::BotProduct {
public:
    /// Reads the config (DcaConfig.h); throws Error(BOURSE_E_CONFIG).
    explicit DcaProduct(Host& host);

    std::string validate(const OpenRequest& request) override;
    std::string open(const Position& position, const std::optional<Tick>& entry) override;
    std::string command(const std::string& name, const std::string& argsJson) override;

protected:
    std::unique_ptr<botkit::BotSession> restore(const Position& position) override;

private:
    DcaLimits _limits;
};

}  // namespace bourse::dca
