//
// FakeSpotExchange.h — the trading side of the fake Binance: accounts with
// balances, orders, symbol filters and a matching rule, answering with Binance's
// JSON bodies and error codes and producing user-data events.
//
// No I/O: FakeBinance parses requests, checks signatures and limits, passes the
// parameters here with the current market price and time, and sends the reply
// and events on. Amounts are int64 counts of 1e-8 (Binance's own representation).
//
// Rules (Binance's, as rest-api.md, filters.md and errors.md state them):
//   * POST order: LIMIT (timeInForce GTC, IOC, FOK) and MARKET (quantity or
//     quoteOrderQty). Mandatory/unexpected parameters -1102/-1106, bad enums
//     -1115/-1116/-1117, bad decimals -1100/-1111, unknown symbol -1121. A
//     newClientOrderId already used by an OPEN order of the account: -2010
//     "Duplicate order sent." (reusable once that order is done).
//   * Filters: PRICE_FILTER, PERCENT_PRICE_BY_SIDE (against the current price),
//     LOT_SIZE, MARKET_LOT_SIZE, NOTIONAL / MIN_NOTIONAL, MAX_NUM_ORDERS →
//     -1013 "Filter failure: <NAME>".
//   * Funds: a buy needs price × qty of quote free (quoteOrderQty for a quote
//     market buy), a sell its qty of base; else -2010 "Account has insufficient
//     balance for requested action.". A resting order locks them.
//   * Matching: a MARKET order fills at once at the market price. A LIMIT order
//     that crosses the market fills at once at the market price (taker); else it
//     rests (GTC; IOC/FOK expire) and fills at its own price (maker) when the
//     market reaches it: a buy when the price is at or below it, a sell at or above.
//     setLiquidity() caps what one match fills, to produce partial fills.
//   * Commission: commissionBps of what the account receives, in that asset.
//   * DELETE order: -2011 "Unknown order sent." unless open; GET order: -2013
//     "Order does not exist.".
//   * Events: executionReport (NEW, TRADE, CANCELED, EXPIRED) with the real keys,
//     then outboundAccountPosition for the assets that changed.
// Not modelled: order books and other traders (there is always a counterparty at
// the market price), STP, order lists, amendments, iceberg/stop orders.
//
// Thread-safe (one mutex).
//
#pragma once

#include <Poco/JSON/Object.h>

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bourse::fakes {

using Units = std::int64_t;  ///< 1e-8

/// "0.001" → 100000; nullopt when not a plain decimal or more than 8 decimals.
std::optional<Units> parseUnits(std::string_view text);
/// 100000 → "0.00100000" (Binance prints 8 decimals).
std::string unitsText(Units units);

struct FakeReply {
    int status = 200;
    std::string body;
};

/// One user-data event for the account of `apiKey` (the inner "event" object).
struct UserEvent {
    std::string apiKey;
    std::string json;
};

class FakeSpotExchange {
public:
    using Params = std::map<std::string, std::string>;

    FakeSpotExchange(const Poco::JSON::Object& exchangeInfo, int commissionBps);

    void addAccount(const std::string& apiKey, const std::string& secret);
    [[nodiscard]] std::optional<std::string> secretOf(const std::string& apiKey) const;
    void setBalance(const std::string& apiKey, const std::string& asset, Units free);
    [[nodiscard]] Units freeBalance(const std::string& apiKey, const std::string& asset) const;
    [[nodiscard]] Units lockedBalance(const std::string& apiKey, const std::string& asset) const;
    /// At most `qty` of an order fills per match (0: no cap).
    void setLiquidity(const std::string& symbol, Units qty);
    [[nodiscard]] bool knows(const std::string& symbol) const;

    FakeReply placeOrder(const std::string& apiKey, const Params& p, Units marketPrice, std::int64_t nowMs,
                         std::vector<UserEvent>& events);
    FakeReply cancelOrder(const std::string& apiKey, const Params& p, std::int64_t nowMs,
                          std::vector<UserEvent>& events);
    [[nodiscard]] FakeReply queryOrder(const std::string& apiKey, const Params& p) const;
    [[nodiscard]] FakeReply openOrders(const std::string& apiKey, const Params& p) const;
    [[nodiscard]] FakeReply account(const std::string& apiKey, const Params& p, std::int64_t nowMs) const;

    /// Fills the resting orders of `symbol` that `marketPrice` reaches.
    void match(const std::string& symbol, Units marketPrice, std::int64_t nowMs, std::vector<UserEvent>& events);
    [[nodiscard]] std::vector<std::string> symbolsWithOpenOrders() const;
    [[nodiscard]] int openOrderCount() const;

    struct Filters {
        std::string status = "TRADING", base, quote;
        bool quoteOrderQtyMarketAllowed = true;
        Units minPrice = 0, maxPrice = 0, tickSize = 0;
        Units minQty = 0, maxQty = 0, stepSize = 0;
        Units marketMinQty = 0, marketMaxQty = 0, marketStepSize = 0;
        std::string notionalName;  ///< "NOTIONAL" | "MIN_NOTIONAL" | "" (none)
        Units minNotional = 0, maxNotional = 0;
        bool applyMinToMarket = true, applyMaxToMarket = false;
        bool percentBySide = false;
        Units bidUp = 0, bidDown = 0, askUp = 0, askDown = 0;  ///< multipliers, 1e-8
        int maxNumOrders = 0;
    };

    struct Order {
        std::string apiKey, symbol, clientOrderId, side, type, timeInForce;
        std::int64_t id = 0;
        Units price = 0, origQty = 0, executed = 0, cumQuote = 0, origQuoteQty = 0;
        Units lockedLeft = 0;  ///< quote (buy) or base (sell) still locked for it
        std::string status = "NEW";
        std::int64_t time = 0, updateTime = 0;
        [[nodiscard]] bool open() const { return status == "NEW" || status == "PARTIALLY_FILLED"; }
    };

private:
    struct Balance {
        Units free = 0, locked = 0;
    };
    struct Account {
        std::string secret;
        std::map<std::string, Balance> balances;
    };
    struct Execution {
        Units qty = 0, price = 0, quote = 0, commission = 0;
        std::string commissionAsset;
        std::int64_t tradeId = 0;
    };

    Execution execute(Order& o, Units qty, Units price, bool maker, std::int64_t nowMs, std::vector<UserEvent>& events);
    void finish(Order& o, const std::string& status);  ///< releases what is still locked
    std::string report(const Order& o, const std::string& execType, std::int64_t nowMs, const Execution* e, bool maker,
                       const std::string& cancelClientId);
    std::string position(const std::string& apiKey, const std::vector<std::string>& assets, std::int64_t nowMs) const;
    std::string orderJson(const Order& o, bool query) const;
    const Order* find(const std::string& apiKey, const Params& p, int& code, std::string& msg) const;
    std::string newClientId();

    mutable std::mutex _mutex;
    std::map<std::string, Filters> _filters;
    std::map<std::string, Account> _accounts;
    std::map<std::int64_t, Order> _orders;  ///< every order ever placed, by id
    std::map<std::string, Units> _liquidity;
    int _commissionBps;
    std::int64_t _nextOrderId = 1001, _nextTradeId = 5001, _nextExecutionId = 9001;
    std::uint64_t _clientIdSeed = 0x9e3779b97f4a7c15ULL;
};

}  // namespace bourse::fakes
