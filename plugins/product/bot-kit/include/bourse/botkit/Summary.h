//
// bourse/botkit/Summary.h — the "summary" object of a bot's saved state, the
// part the kernel reads for lists and events (plugins/product/README.md):
//
//   {"finished": false, "error": "", "status": "running", "note": "...",
//    "realized_pnl": "1.23", "fees": "0.40", "grid_profit": "0.00",
//    "active_deals": 1, "closed_deals": 3, "held_qty": "0.10000", "held_cost": "99.00"}
//
// Every key is present for both bots (zeros where one does not apply), so a
// reader needs no product switch. held_qty / held_cost let a reader value the
// bot's base at any price (floating P&L = held_qty × price − held_cost) without
// the state changing on every tick. Money at the quote scale, quantities at
// the lot scale.
//
// The kernel acts on two keys: a non-empty `error` puts the bot in error (it
// trades no more), so only failures go there — a condition the bot waits out
// (no deal can start at this price) goes in `note`; `finished` after a stop
// lets the kernel settle the bot and return its money.
// Thread-safe: functions of their arguments.
//
#pragma once

#include <bourse/botkit/Json.h>

#include <cstdint>
#include <string>

namespace bourse::botkit {

struct Summary {
    bool finished = false;
    std::string error;   ///< a failure: the kernel stops trading the bot
    std::string status;  ///< waiting | running | paused | stopping | stopped
    std::string note;    ///< one line for people
    std::int64_t realizedPnl = 0;
    std::int64_t fees = 0;
    std::int64_t gridProfit = 0;
    std::int64_t activeDeals = 0;
    std::int64_t closedDeals = 0;
    Decimal heldQty;
    std::int64_t heldCost = 0;
};

JsonObject summaryJson(const Summary& summary, int quoteScale);

}  // namespace bourse::botkit
