//
// GridPreview.h — what validate() tells a client before a grid is created.
//
// All numbers come from the engine (planGrid, GridLevels, Pair's rounding).
//   capital    = investment: the engine sizes every order so that the buys
//                below the price, the start's market buy and their fees fit in it
//   preview    = {"price", "spacing", "lines": ["90.00", ...], "ratio" (geometric),
//                 "qty_per_order", "buy_orders", "sell_orders", "base_to_buy",
//                 "buy_reserve", "base_cost_estimate",
//                 "profit_per_grid_percent": {"min", "max"}}   (after two fees)
//   worst_case = the price falls to stop_loss (or, without one, to the lowest
//                line) after every buy on the way filled: the grid holds
//                grid_count × qty_per_order, bought at the lines and at the start;
//                {"price", "loss", "qty", "cost", "note"}, fees included (the
//                stop's sale fee when it sells). Trailing up is not counted.
// Errors: bots::InvalidParams for terms validateGridAtPrice refuses (validate
// checks first). Thread-safe: functions of their arguments.
//
#pragma once

#include "GridParamsJson.h"

#include <bourse/botkit/Json.h>

namespace bourse::grid {

botkit::JsonObject gridPreview(const GridTerms& terms, const Decimal& price);

botkit::JsonObject gridWorstCase(const GridTerms& terms, const Decimal& price);

}  // namespace bourse::grid
