//
// Types.h — orders, order states, balances and execution reports as Binance
// Spot defines them (rest-api.md, user-data-stream.md), in C++ types.
//
// Names follow Binance's so a reader can match a field to the docs; the
// single-letter keys of executionReport are noted beside each field. Every
// amount is a Fixed8 (exact, 8 decimals). Values only: thread-safe.
//
#pragma once

#include "venues/binance/Fixed8.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bourse::venues::binance {

enum class Side { Buy, Sell };
enum class OrderType { Limit, Market };
enum class TimeInForce { Gtc, Ioc, Fok };

enum class OrderStatus {
    New,
    PartiallyFilled,
    Filled,
    Canceled,
    PendingCancel,
    Rejected,
    Expired,
    ExpiredInMatch,
    Unknown
};
enum class ExecutionType { New, Canceled, Replaced, Rejected, Trade, Expired, TradePrevention, Amendment, Unknown };

const char* toWire(Side side);           ///< "BUY" | "SELL"
const char* toWire(OrderType type);      ///< "LIMIT" | "MARKET"
const char* toWire(TimeInForce tif);     ///< "GTC" | "IOC" | "FOK"
const char* toWire(OrderStatus status);  ///< "NEW", "PARTIALLY_FILLED", ... ("UNKNOWN")
const char* toWire(ExecutionType type);  ///< "NEW", "TRADE", ... ("UNKNOWN")
std::optional<Side> sideFromWire(std::string_view s);
OrderStatus statusFromWire(std::string_view s);  ///< Unknown for a value this code does not know
ExecutionType executionTypeFromWire(std::string_view s);
/// No further fills can come: FILLED, CANCELED, REJECTED, EXPIRED, EXPIRED_IN_MATCH.
bool isFinal(OrderStatus status);

/// True for a client order id Binance accepts: ^[.A-Z:/a-z0-9_-]{1,36}$.
bool validClientOrderId(std::string_view id);

/// An order to place. LIMIT needs price and quantity; MARKET needs quantity
/// (base) or quoteQuantity (quote to spend on a buy / receive on a sell), not both.
struct OrderRequest {
    std::string symbol;  ///< "BTCUSDT"
    Side side = Side::Buy;
    OrderType type = OrderType::Limit;
    TimeInForce timeInForce = TimeInForce::Gtc;  ///< LIMIT only
    Fixed8 price;                                ///< LIMIT only
    Fixed8 quantity;                             ///< base asset
    Fixed8 quoteQuantity;                        ///< MARKET only: quoteOrderQty
    /// newClientOrderId: the caller's idempotency key. Required: it is how a lost
    /// reply is recovered (queryOrder by client id) and how reports are matched.
    std::string clientOrderId;
    /// MARKET with quantity: the last known price, so the NOTIONAL/MIN_NOTIONAL
    /// minimum can be checked before sending. Without it only Binance checks.
    std::optional<Fixed8> referencePrice;
};

/// Which order: by Binance's id, or by the client order id (orderId wins when both are set).
struct OrderRef {
    std::int64_t orderId = 0;
    std::string clientOrderId;

    static OrderRef byId(std::int64_t id) { return {id, {}}; }
    static OrderRef byClientId(std::string id) { return {0, std::move(id)}; }
};

/// One execution in a FULL order reply ("fills").
struct Fill {
    Fixed8 price, qty, commission;
    std::string commissionAsset;
    std::int64_t tradeId = 0;
};

/// An order as POST/DELETE/GET /api/v3/order answer it.
struct OrderInfo {
    std::string symbol;
    std::int64_t orderId = 0;
    std::string clientOrderId;      ///< on a cancel reply: the cancel's own id
    std::string origClientOrderId;  ///< cancel replies only: the order's client id
    Fixed8 price, origQty, executedQty, cumulativeQuoteQty, origQuoteOrderQty;
    OrderStatus status = OrderStatus::Unknown;
    std::string statusText;  ///< as sent (kept for a status this code does not know)
    std::string type, side, timeInForce;
    std::int64_t transactTimeMs = 0;            ///< place/cancel replies
    std::int64_t timeMs = 0, updateTimeMs = 0;  ///< query replies
    std::vector<Fill> fills;                    ///< FULL replies to a place
};

struct Balance {
    std::string asset;
    Fixed8 free, locked;
};

/// A user-data "executionReport" event: one change of one order.
struct ExecutionReport {
    std::int64_t eventTimeMs = 0;                          ///< E
    std::string symbol;                                    ///< s
    std::string clientOrderId;                             ///< c (on a cancel: the cancel request's id)
    std::string origClientOrderId;                         ///< C (on a cancel: the cancelled order's id; else "")
    Side side = Side::Buy;                                 ///< S
    std::string orderType;                                 ///< o
    std::string timeInForce;                               ///< f
    Fixed8 orderQty;                                       ///< q
    Fixed8 orderPrice;                                     ///< p
    Fixed8 quoteOrderQty;                                  ///< Q
    ExecutionType executionType = ExecutionType::Unknown;  ///< x
    OrderStatus orderStatus = OrderStatus::Unknown;        ///< X
    std::string rejectReason;                              ///< r ("NONE" unless rejected)
    std::int64_t orderId = 0;                              ///< i
    Fixed8 lastQty;                                        ///< l: this execution's quantity (TRADE only)
    Fixed8 cumulativeQty;                                  ///< z
    Fixed8 lastPrice;                                      ///< L: this execution's price (TRADE only)
    Fixed8 commission;                                     ///< n: this execution's commission
    std::string commissionAsset;                           ///< N (null on non-trades → "")
    std::int64_t transactTimeMs = 0;                       ///< T
    std::int64_t tradeId = -1;                             ///< t (-1 on non-trades)
    std::int64_t executionId = 0;                          ///< I: unique per report; a de-duplication key
    bool maker = false;                                    ///< m
    bool onBook = false;                                   ///< w
    Fixed8 cumulativeQuoteQty;                             ///< Z
    Fixed8 lastQuoteQty;                                   ///< Y

    /// The id the caller gave the order: C on a cancel (where c is the cancel's
    /// own id), c otherwise.
    [[nodiscard]] const std::string& orderClientId() const {
        return executionType == ExecutionType::Canceled && !origClientOrderId.empty() ? origClientOrderId
                                                                                      : clientOrderId;
    }
    [[nodiscard]] bool isTrade() const { return executionType == ExecutionType::Trade; }
};

/// A user-data "outboundAccountPosition" event: the balances an event changed.
struct AccountPosition {
    std::int64_t eventTimeMs = 0;   ///< E
    std::int64_t updateTimeMs = 0;  ///< u
    std::vector<Balance> balances;  ///< B: a (asset), f (free), l (locked)
};

}  // namespace bourse::venues::binance
