//
// Bot.h — a trading bot as the kernel stores it, its orders and its fills.
//
// A bot is an open-ended position of a bot product (dca-bot, grid-bot): the
// product decides, the kernel keeps the row, the money (ledger accounts
// user:<uid>:bot-<id>:<CUR>), the orders and the fills. Prices are mantissas at
// the bot's price scale (its instrument's), quantities at its quantity scale
// (the decimals of its base asset), money in quote minor units.
//
// Statuses: created (capital reserved, not trading) → running ⇄ paused →
// stopping (orders being cancelled, base sold if asked) → stopped (money back
// with the owner) → deleted. error: the venue refused an order; the bot trades
// no more until it is stopped.
//
#pragma once

#include <cstdint>
#include <string>

namespace bourse {

struct Bot {
    std::string id, userId, name, product, symbol, venue, status, error;
    std::string quote, base;   ///< currencies
    std::int64_t capital = 0;  ///< quote minor units reserved at creation
    int priceScale = 0, qtyScale = 0;
    std::string idPrefix;            ///< starts every client order id of the bot
    std::string clientOrderId;       ///< the creator's idempotency key
    std::string paramsJson;          ///< the terms the product accepted
    std::string stateJson = "{}";    ///< the product's state as last saved (deflated in the runner: StateText.h)
    std::uint64_t stateVersion = 0;  ///< new whenever stateJson is set in the runner (bourse_position.state_version)
    std::int64_t createdNs = 0, updatedNs = 0;

    /// Gets ticks: running, or paused (the product decides what a pause stops:
    /// new deals and grid orders, not the stop loss of what it holds).
    [[nodiscard]] bool trading() const { return status == "running" || status == "paused"; }
    /// Statuses in which the bot still has orders or money on the venue.
    [[nodiscard]] bool live() const {
        return status == "running" || status == "paused" || status == "stopping" || status == "error";
    }
};

struct BotOrder {
    std::string botId, clientOrderId, symbol;
    std::string side;  ///< "BUY" | "SELL"
    std::string type;  ///< "MARKET" | "LIMIT"
    std::int64_t price = 0, qty = 0, quoteAmount = 0, filledQty = 0;
    std::string status = "open";  ///< open | filled | cancelled | rejected
    std::string reason;
    std::int64_t createdNs = 0, updatedNs = 0;
};

struct BotFill {
    std::string id, botId, clientOrderId, side;
    std::int64_t qty = 0, price = 0, fee = 0;  ///< qty 0: the order ended without an execution
    bool orderDone = false, delivered = false;
    std::int64_t tsNs = 0;
};

}  // namespace bourse
