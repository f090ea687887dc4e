#include "bots/BotJson.h"

#include "bots/StateText.h"

#include "bots/PaperVenue.h"
#include "ledger/Currencies.h"
#include "ledger/Ledger.h"

#include <bourse/decimal.hpp>

#include <Poco/JSON/Parser.h>

#include <optional>
#include <string_view>

namespace bourse {

namespace {

constexpr std::int64_t kNsPerMs = 1'000'000;

std::string money(std::int64_t minor, const std::string& currency) {
    return formatMinor(minor, currencyDecimals(currency));
}

bool space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/// Past the JSON string starting at json[at] (a '"'); npos when unterminated.
std::size_t skipString(std::string_view json, std::size_t at) {
    for (std::size_t i = at + 1; i < json.size(); ++i) {
        if (json[i] == '\\')
            ++i;
        else if (json[i] == '"')
            return i + 1;
    }
    return std::string_view::npos;
}

/// Past the JSON value starting at json[at]; npos when it is cut short.
std::size_t skipValue(std::string_view json, std::size_t at) {
    if (at >= json.size()) return std::string_view::npos;
    if (json[at] == '"') return skipString(json, at);
    if (json[at] != '{' && json[at] != '[') {
        std::size_t i = at;
        while (i < json.size() && json[i] != ',' && json[i] != '}' && json[i] != ']' && !space(json[i]))
            ++i;
        return i;
    }
    int depth = 0;
    for (std::size_t i = at; i < json.size();) {
        const char c = json[i];
        if (c == '"') {
            i = skipString(json, i);
            if (i == std::string_view::npos) return i;
            continue;
        }
        if (c == '{' || c == '[') ++depth;
        if ((c == '}' || c == ']') && --depth == 0) return i + 1;
        ++i;
    }
    return std::string_view::npos;
}

/// The text of the top-level member `key` of a JSON object, found by skipping
/// the other members unparsed (bot states run to tens of KiB; what the runner
/// reads of them after every decision is the small summary).
std::optional<std::string_view> memberText(std::string_view json, std::string_view key) {
    std::size_t i = 0;
    const auto ws = [&] {
        while (i < json.size() && space(json[i]))
            ++i;
    };
    ws();
    if (i >= json.size() || json[i] != '{') return std::nullopt;
    ++i;
    while (true) {
        ws();
        if (i >= json.size() || json[i] != '"') return std::nullopt;
        const std::size_t keyEnd = skipString(json, i);
        if (keyEnd == std::string_view::npos) return std::nullopt;
        const std::string_view name = json.substr(i + 1, keyEnd - i - 2);
        i = keyEnd;
        ws();
        if (i >= json.size() || json[i] != ':') return std::nullopt;
        ++i;
        ws();
        const std::size_t valueEnd = skipValue(json, i);
        if (valueEnd == std::string_view::npos) return std::nullopt;
        if (name == key) return json.substr(i, valueEnd - i);
        i = valueEnd;
        ws();
        if (i >= json.size() || json[i] != ',') return std::nullopt;
        ++i;
    }
}

}  // namespace

bourse_position cPosition(const Bot& b, const std::string& stateJson) {
    return bourse_position{sizeof(bourse_position),
                           {b.id.data(), b.id.size()},
                           {b.userId.data(), b.userId.size()},
                           {b.symbol.data(), b.symbol.size()},
                           Money{b.capital, b.quote}.toC(),
                           b.createdNs,
                           0,
                           {b.paramsJson.data(), b.paramsJson.size()},
                           {stateJson.data(), stateJson.size()},
                           b.stateVersion};
}

Poco::JSON::Object::Ptr objectMember(const std::string& json, const std::string& key) {
    const auto text = memberText(json, key);
    if (!text || text->empty() || text->front() != '{') return nullptr;
    try {
        Poco::JSON::Parser parser;
        return parser.parse(std::string(*text)).extract<Poco::JSON::Object::Ptr>();
    } catch (const Poco::Exception&) {
        return nullptr;
    }
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
    const auto summary = objectMember(stateText::plain(bot.stateJson), "summary");
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
