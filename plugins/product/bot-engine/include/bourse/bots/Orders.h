//
// bourse/bots/Orders.h — what the engines ask for and what they are told.
//
// Engines never do I/O. They emit OrderIntents (place / cancel) and consume
// FillReports, one per execution or end of an order. Whoever drives an engine —
// a plugin talking to the kernel's venue operations, or the paper fill model in
// a backtest — turns intents into orders and reports back.
//
// Client ids are deterministic: "<deal or bot id>-<role><n>", at most 36
// characters when the id prefix is at most 16 (Binance's newClientOrderId limit),
// only [A-Za-z0-9_-]. Replaying the same ticks and fills produces the same ids.
//
// Reports for one client id: any number of executions (qty > 0), then exactly one
// with done = true (the order filled completely, or was cancelled, rejected or
// expired; it may carry a last execution). A cancel confirmation is a done report
// with qty 0. Fees are in quote minor units.
//
#pragma once

#include <bourse/decimal.hpp>

#include <cstdint>
#include <string>

namespace bourse::bots {

/// Instants are epoch nanoseconds, always injected (the engine reads no clock).
using TimeNs = std::int64_t;

enum class Side { Buy, Sell };
enum class OrderType { Market, Limit };

struct OrderIntent {
    enum class Action { Place, Cancel };
    Action action = Action::Place;
    std::string clientId;
    // Place only:
    Side side = Side::Buy;
    OrderType type = OrderType::Limit;
    Decimal price;                 ///< limit price at the pair's price scale (0 for market)
    Decimal qty;                   ///< base quantity at the lot scale (0 for a market buy by quote)
    std::int64_t quoteAmount = 0;  ///< market buy spending this many quote minor units (else 0)
};

struct FillReport {
    std::string clientId;
    Decimal qty;                ///< executed now, base; 0 for a cancel/reject confirmation
    Decimal price;              ///< execution price (ignored when qty is 0)
    std::int64_t feeMinor = 0;  ///< fee of this execution, quote minor units
    TimeNs ts = 0;
    bool done = false;  ///< no further reports will come for this client id
};

/// A Place intent for a limit order.
OrderIntent placeLimit(std::string clientId, Side side, const Decimal& price, const Decimal& qty);
/// A Place intent for a market order by base quantity.
OrderIntent placeMarket(std::string clientId, Side side, const Decimal& qty);
/// A Place intent for a market buy spending quoteMinor.
OrderIntent placeMarketBuyQuote(std::string clientId, std::int64_t quoteMinor);
/// A Cancel intent.
OrderIntent cancelOrder(std::string clientId);

/// True for a usable id prefix: 1..16 characters of [A-Za-z0-9_].
bool validIdPrefix(const std::string& prefix);

}  // namespace bourse::bots
