//
// bourse/botkit/Venue.h — between the engine's intents and reports and the
// kernel's orders and fills.
//
// An engine intent becomes a bourse::OrderRequest the way the kernel checks
// them (kernel/src/bots/BotRunner.cpp): a LIMIT carries qty (lot scale) and
// price (tick scale); a MARKET sell carries qty; a MARKET buy carries either
// qty or, when the engine spends a quote amount, quote_amount (quote scale)
// with qty 0. Unused amounts are zero at their own scale.
//
// A kernel fill becomes the engine's FillReport: quantity, price and fee
// (quote minor units, whatever currency code rides along: the kernel's
// bourse_money has room for three letters, so "USDT" cannot be checked) and
// order_done as `done`.
// Thread-safe: functions of their arguments.
//
#pragma once

#include <bourse/bots/Orders.h>
#include <bourse/bots/Pair.h>
#include <bourse/plugin.hpp>

#include <optional>
#include <string>

namespace bourse::botkit {

/// The order for a Place intent of the bot at `positionId`.
OrderRequest orderFor(const bots::OrderIntent& intent, const std::string& positionId, const bots::PairSpec& pair);

/// The engine's report for a kernel fill.
bots::FillReport reportFor(const bourse_fill& fill);

/// A control request: {"action": "pause"|"resume"|"stop", "close": bool}.
struct ControlRequest {
    enum class Action { Pause, Resume, Stop };
    Action action = Action::Pause;
    std::optional<bool> close;  ///< absent: the product's default (see its README)
};

/// Parses a control request; throws Error(BOURSE_E_INVALID, "action: ..." or "close: ...").
ControlRequest parseControl(const std::string& json);

}  // namespace bourse::botkit
