//
// DcaStateJson.h — a DCA bot's saved state ⇄ the engine's plain-data state.
//
//   {"summary": {...botkit/Summary.h...},
//    "format": 1,
//    "stopping": false,            // a stop was asked for
//    "error": "",                  // a failure (summary.error)
//    "bot": {"next_deal_seq": 2, "last_deal_start": ts, "last_deal_close": ts,
//            "high_window": [[ts, "price"], ...], "accepting_deals": true,
//            "last_start_error": "", "closed_deals": [<deal summary>...]},
//    "archived": {"deals": 0, "realized_pnl": "0.00", "fees": "0.00"},
//    "deals": [<deal state>...]}   // active deals, every field of DealState
//
// Every engine field is written, so a bot rebuilt from the text continues
// exactly (same next client ids, same resting orders). Instants are epoch
// nanoseconds (JSON integers); money strings at the quote scale; prices and
// quantities strings at their own scale. Only the latest kKeepClosedDeals
// closed deals are kept; older ones are summed into "archived".
//
// The change key (StateView::ChangeKey) leaves out the summary, the high
// window and the text of last_start_error (only whether there is one): a tick
// that changes nothing else is not worth a database write. The full text is
// saved with the next real change; a bot rebuilt in between has a shorter
// window of recent highs, which can only delay an after_drop start.
// Errors: reading throws Error(BOURSE_E_INTERNAL, "state: <path>: <why>").
// Thread-safe: functions of their arguments.
//
#pragma once

#include <bourse/botkit/BotProduct.h>
#include <bourse/botkit/Json.h>
#include <bourse/bots/DcaBot.h>

#include <cstddef>
#include <string>
#include <vector>

namespace bourse::dca {

/// Closed deals kept in the state, newest last.
constexpr std::size_t kKeepClosedDeals = 50;

/// Totals of the closed deals no longer kept one by one.
struct Archived {
    std::int64_t deals = 0;
    std::int64_t realizedPnl = 0;
    std::int64_t fees = 0;
};

/// Everything a DCA bot's state holds besides its summary.
struct DcaState {
    bots::DcaBotState bot;
    std::vector<bots::DealState> deals;
    Archived archived;
    bool stopping = false;
    std::string error;
};

botkit::JsonObject dealSummaryJson(const bots::DealSummary& deal, const bots::PairSpec& pair);

/// The state object without "summary" (the caller adds it to Full views).
botkit::JsonObject dcaStateJson(const DcaState& state, const bots::PairSpec& pair, botkit::StateView view);

/// Reads a state written by dcaStateJson (with or without summary).
DcaState readDcaState(const botkit::JsonObject& json, const bots::PairSpec& pair);

}  // namespace bourse::dca
