#include "bots/BotJson.h"

#include "bots/PaperVenue.h"
#include "ledger/Currencies.h"
#include "ledger/Ledger.h"

#include <bourse/decimal.hpp>

#include <Poco/JSON/Parser.h>

namespace bourse {

namespace {

constexpr std::int64_t kNsPerMs = 1'000'000;

std::string money(std::int64_t minor, const std::string& currency) {
    return formatMinor(minor, currencyDecimals(currency));
}

}  // namespace

Poco::JSON::Object::Ptr objectMember(const std::string& json, const std::string& key) {
    try {
        Poco::JSON::Parser parser;
        const auto root = parser.parse(json).extract<Poco::JSON::Object::Ptr>();
        if (root && root->isObject(key)) return root->getObject(key);
    } catch (const Poco::Exception&) {
    }
    return nullptr;
}

std::int64_t equityMinor(const Bot& bot, const BotHoldings& holdings, std::optional<std::int64_t> price) {
    if (!price || holdings.base == 0) return holdings.quote;
    return holdings.quote + notionalMinor(*price, bot.priceScale, holdings.base, currencyDecimals(bot.base),
                                          currencyDecimals(bot.quote), false);
}

Poco::JSON::Object::Ptr botJson(const Bot& bot, const BotHoldings& holdings, std::optional<std::int64_t> price) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
    o->set("id", bot.id);
    o->set("name", bot.name);
    o->set("product", bot.product);
    o->set("symbol", bot.symbol);
    o->set("venue", bot.venue);
    o->set("status", bot.status);
    o->set("error", bot.error);
    o->set("capital", money(bot.capital, bot.quote));
    o->set("currency", bot.quote);
    o->set("base_asset", bot.base);
    Poco::JSON::Object::Ptr balances = new Poco::JSON::Object;
    balances->set("quote", money(holdings.quote, bot.quote));
    balances->set("base", money(holdings.base, bot.base));
    o->set("balances", balances);
    // A bot that has stopped holds nothing: its result is what it returned.
    const std::int64_t equity = equityMinor(bot, holdings, price);
    o->set("equity", money(equity, bot.quote));
    if (bot.status != "stopped" && bot.status != "deleted") o->set("pnl", money(equity - bot.capital, bot.quote));
    if (price) o->set("price", Decimal(*price, bot.priceScale).toString());
    const auto summary = objectMember(bot.stateJson, "summary");
    o->set("summary", summary ? summary : Poco::JSON::Object::Ptr(new Poco::JSON::Object));
    for (const char* key : {"params", "preview", "worst_case"})
        if (const auto member = objectMember(bot.paramsJson, key)) o->set(key, member);
    o->set("client_order_id", bot.clientOrderId);
    o->set("created_at", bot.createdNs / kNsPerMs);
    o->set("updated_at", bot.updatedNs / kNsPerMs);
    return o;
}

Poco::JSON::Object::Ptr orderJson(const Bot& bot, const BotOrder& order) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
    o->set("client_order_id", order.clientOrderId);
    o->set("side", order.side);
    o->set("type", order.type);
    if (order.type == "LIMIT") o->set("price", Decimal(order.price, bot.priceScale).toString());
    o->set("qty", Decimal(order.qty, bot.qtyScale).toString());
    if (order.quoteAmount > 0) o->set("quote_amount", money(order.quoteAmount, bot.quote));
    o->set("filled_qty", Decimal(order.filledQty, bot.qtyScale).toString());
    o->set("status", order.status);
    o->set("reason", order.reason);
    o->set("created_at", order.createdNs / kNsPerMs);
    o->set("updated_at", order.updatedNs / kNsPerMs);
    return o;
}

Poco::JSON::Object::Ptr fillJson(const Bot& bot, const BotFill& fill) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
    o->set("id", fill.id);
    o->set("client_order_id", fill.clientOrderId);
    o->set("side", fill.side);
    o->set("qty", Decimal(fill.qty, bot.qtyScale).toString());
    if (fill.qty > 0) o->set("price", Decimal(fill.price, bot.priceScale).toString());
    o->set("fee", money(fill.fee, bot.quote));
    o->set("order_done", fill.orderDone);
    o->set("at", fill.tsNs / kNsPerMs);
    return o;
}

}  // namespace bourse
