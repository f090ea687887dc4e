//
// GridStateJson.h — a grid bot's saved state ⇄ the engine's GridState.
//
//   {"summary": {...botkit/Summary.h, plus "completed_pairs", "lowest_line",
//                "highest_line"...},
//    "format": 1,
//    "paused": false,       // pause asked for (ticks do not reach the grid)
//    "error": "",           // a failure (summary.error)
//    "waiting": "",         // why the grid has not started yet (a note, not an error)
//    "grid": {...every field of bots::GridState: status, intervals, open orders,
//             next_order_seq, held base and its cost, profits, fees...}}
//
// Every engine field is written, so a grid rebuilt from the text continues
// exactly (same next client id, same resting orders). Instants are epoch
// nanoseconds; money strings at the quote scale; prices and quantities
// strings at their own scale.
//
// The change key (StateView::ChangeKey) leaves out the summary, grid.last_price
// and the text of "waiting" (only whether there is one): a tick that changes
// nothing else is not worth a database write. The last price is saved with the
// next real change; GridSession adds to the key whether it is above the top
// line when the grid trails up, the one decision it feeds between ticks.
// Errors: reading throws Error(BOURSE_E_INTERNAL, "state: <path>: <why>").
// Thread-safe: functions of their arguments.
//
#pragma once

#include <bourse/botkit/BotProduct.h>
#include <bourse/botkit/Json.h>
#include <bourse/bots/GridBot.h>

#include <string>

namespace bourse::grid {

struct GridSessionState {
    bots::GridState grid;
    bool paused = false;
    std::string error;
    std::string waiting;
};

/// The state object without "summary" (the caller adds it to Full views).
botkit::JsonObject gridStateJson(const GridSessionState& state, const bots::PairSpec& pair, botkit::StateView view);

/// Reads a state written by gridStateJson (with or without summary).
GridSessionState readGridState(const botkit::JsonObject& json, const bots::PairSpec& pair);

}  // namespace bourse::grid
