//
// GridParamsJson.h — a grid bot's params JSON ⇄ the engine's GridParams.
//
// Keys are the engine's field names (bourse/bots/GridParams.h); README.md beside
// this plugin lists each one with its type, default and limits. Prices are
// decimal strings on the pair's tick, investment a decimal string at the quote
// scale. The fee the grid is sized and checked with is venue.fee_bps (the
// kernel's, never the client's); the client order id prefix is
// venue.id_prefix.
//
// The normalised form (gridParamsJson) is what validate() stores under
// "params"; reading it back gives the same terms. Platform limits
// (GridLimits) apply to new bots only.
// Thread-safe: functions of their arguments.
//
#pragma once

#include "GridConfig.h"

#include <bourse/botkit/Json.h>
#include <bourse/botkit/Market.h>
#include <bourse/bots/GridParams.h>

#include <string>

namespace bourse::grid {

struct GridTerms {
    bots::GridParams params;
    botkit::VenueTerms venue;
};

/// Reads params from `in`; every problem is recorded on in's error list, the
/// engine's checks (validateGrid) included once the JSON itself is sound.
/// `limits` (null: none) caps grid_count.
GridTerms readGridTerms(const botkit::ParamReader& in, const GridLimits* limits);

/// The normalised params object (pair and venue included).
botkit::JsonObject gridParamsJson(const GridTerms& terms);

/// The terms under "params" of a stored validate reply. Throws
/// Error(BOURSE_E_INTERNAL, "stored params: ...") when they do not read back.
GridTerms storedGridTerms(const std::string& paramsJson);

}  // namespace bourse::grid
