//
// DcaPreview.h — what validate() tells a client before a DCA bot is created:
// the capital to reserve, the ladder of one deal, and the worst case.
//
// All numbers come from the engine (planDca, Pair's rounding); nothing here
// re-derives its math. The preview plans a deal whose base order fills at the
// price in force, rounded to the tick (a live base order is a market buy, so
// its fill and the ladder below it may differ a little).
//
//   capital  = max_active_deals × (base + Σ safety sizes + the venue fee on
//              each of those buys, rounded up per order)
//   preview  = {"price", "base_price", "orders": [{"role": "base"|"safety",
//              "index", "deviation", "price", "size", "qty", "average_entry",
//              "take_profit_price"}...], "capital_per_deal", "fees_per_deal",
//              "max_active_deals", "max_deviation"}
//              average_entry / take_profit_price: after that order fills
//              (cumulative, fees excluded, as the engine places the take profit)
//   worst_case = every safety order filled; with a stop loss, then sold there:
//              {"price", "loss", "loss_per_deal", "qty", "average_entry",
//               "take_profit_price", "note"}; fees included; loss counts
//              max_active_deals deals as if each started at this price
// Errors: bots::InvalidParams for terms validateDcaAtPrice refuses (validate
// checks first). Thread-safe: functions of their arguments.
//
#pragma once

#include "DcaParamsJson.h"

#include <bourse/botkit/Json.h>

#include <cstdint>

namespace bourse::dca {

/// Quote minor units to reserve for the bot; needs no price.
std::int64_t dcaCapital(const DcaTerms& terms);

botkit::JsonObject dcaPreview(const DcaTerms& terms, const Decimal& price);

botkit::JsonObject dcaWorstCase(const DcaTerms& terms, const Decimal& price);

}  // namespace bourse::dca
