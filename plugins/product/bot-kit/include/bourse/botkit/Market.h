//
// bourse/botkit/Market.h — the "pair" and "venue" objects the kernel adds to a
// bot's params (plugins/product/README.md), read into the engine's PairSpec and
// the venue's terms, and written back in the same shape.
//
//   "pair":  {"symbol": "BTCUSDT", "base_asset": "BTC", "quote_asset": "USDT",
//             "tick_size": "0.01", "lot_step": "0.00001", "quote_scale": 2,
//             "min_notional": "5.00"}
//   "venue": {"name": "paper", "fee_bps": "10", "id_prefix": "b7k2m9q4x1"}
//
// Required: pair.symbol, pair.tick_size, pair.lot_step, pair.quote_scale,
// venue.id_prefix; the rest default (names "", min_notional 0, fee_bps 0).
// id_prefix is 1 to 12 of [A-Za-z0-9] (it starts every client order id; the
// engine appends at most 20 characters, within Binance's 36). The engine's own
// pair checks (bots::validatePair) run in the plugins' validation.
// Thread-safe: functions of their arguments.
//
#pragma once

#include <bourse/botkit/Json.h>
#include <bourse/bots/Pair.h>

#include <string>

namespace bourse::botkit {

/// What the kernel says about the venue the bot trades on.
struct VenueTerms {
    std::string name;      ///< "paper", "binance"
    Decimal feeBps{0, 0};  ///< what the venue charges per fill, basis points
    std::string idPrefix;  ///< starts every client order id of the bot
};

/// Reads params.pair; problems are recorded on `params`' error list.
bots::PairSpec readPair(const ParamReader& params);
/// Reads params.venue; fee_bps must be at least 0 and below 1000.
VenueTerms readVenue(const ParamReader& params);

JsonObject pairJson(const bots::PairSpec& pair);
JsonObject venueJson(const VenueTerms& venue);

/// True for 1 to 12 characters of [A-Za-z0-9].
bool validVenuePrefix(const std::string& prefix);

}  // namespace bourse::botkit
