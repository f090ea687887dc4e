//
// SymbolFilters.h — a symbol's trading rules from GET /api/v3/exchangeInfo
// (filters.md), applied to an order BEFORE it is sent.
//
// Binance rejects an order that breaks a filter with -1013 "Filter failure: X";
// checking here first saves a request (and request weight), turns a rounding
// problem into a fix instead of a failure, and names the rule that failed:
//   * PRICE_FILTER: price rounded to the nearest tickSize, then min/max checked;
//   * LOT_SIZE: quantity rounded DOWN to stepSize (never buy or sell more than
//     asked), then minQty/maxQty checked; MARKET_LOT_SIZE too for market orders
//     (each of its rules disabled when 0, as real symbols ship stepSize 0);
//   * NOTIONAL / MIN_NOTIONAL: price × quantity against the minimum (and
//     NOTIONAL's maximum). A market order's notional is its quoteOrderQty, or
//     quantity × the caller's reference price; without either it is left to Binance
//     (as applyMinToMarket/applyToMarket say whether Binance checks it at all).
// Not checked here (they need a market average price): PERCENT_PRICE,
// PERCENT_PRICE_BY_SIDE; nor the per-account counts (MAX_NUM_ORDERS, ...).
// Unknown filter types are ignored, as Binance asks of parsers.
//
// Errors: parseExchangeInfo() throws std::invalid_argument on a reply it cannot
// read; apply() returns a VenueError (LocalFilter, code -1013, message starting
// "Filter failure: <FILTER>") — never throws. Values only: thread-safe.
//
#pragma once

#include "venues/binance/Fixed8.h"
#include "venues/binance/Result.h"
#include "venues/binance/Types.h"

#include <map>
#include <string>

namespace bourse::venues::binance {

struct SymbolFilters {
    std::string symbol, status;  ///< status "TRADING" when orders are accepted
    std::string baseAsset, quoteAsset;
    int quoteAssetPrecision = 8;  ///< decimals allowed in quoteOrderQty
    bool quoteOrderQtyMarketAllowed = true;
    // PRICE_FILTER (each rule disabled when 0)
    Fixed8 minPrice, maxPrice, tickSize;
    // LOT_SIZE
    Fixed8 minQty, maxQty, stepSize;
    // MARKET_LOT_SIZE (stepSize 0: not in force)
    Fixed8 marketMinQty, marketMaxQty, marketStepSize;
    // NOTIONAL, or the older MIN_NOTIONAL (then maxNotional stays 0 = none)
    bool hasNotional = false;
    std::string notionalFilter;  ///< "NOTIONAL" or "MIN_NOTIONAL": named in refusals
    Fixed8 minNotional, maxNotional;
    bool applyMinToMarket = true, applyMaxToMarket = false;

    /// The order as it will be sent (price to tick, quantity down to step), or why
    /// it cannot be: LocalFilter (-1013, "Filter failure: LOT_SIZE: ...") or
    /// LocalInvalid (a LIMIT without price, a MARKET with both or neither quantity).
    [[nodiscard]] Result<OrderRequest> apply(const OrderRequest& order) const;
};

/// Every symbol of an exchangeInfo reply, by name.
std::map<std::string, SymbolFilters> parseExchangeInfo(const std::string& json);

}  // namespace bourse::venues::binance
