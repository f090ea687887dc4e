//
// BotJson.h — bots, orders and fills as the API and the stream show them,
// and a bot as its product sees it (cPosition).
//
// Money is a decimal string at its currency's decimals, prices at the bot's
// price scale, quantities at its quantity scale, instants epoch milliseconds
// (as trades). `summary`, `params`, `preview` and `worst_case` come from the
// product (its saved state and accepted terms) as they are.
//
#pragma once

#include "bots/Bot.h"

#include <bourse/plugin.h>

#include <Poco/JSON/Object.h>

#include <optional>
#include <vector>

namespace bourse {

struct BotHoldings {
    std::int64_t quote = 0, base = 0;  ///< minor units of each currency
};

/// The bot with its holdings, equity and P&L at `price` (a mantissa at the
/// bot's price scale; without one, the base is not valued).
Poco::JSON::Object::Ptr botJson(const Bot& bot, const BotHoldings& holdings, std::optional<std::int64_t> price);
Poco::JSON::Object::Ptr orderJson(const Bot& bot, const BotOrder& order);
Poco::JSON::Object::Ptr fillJson(const Bot& bot, const BotFill& fill);
/// Quote minor units the holdings are worth at `price` (the base valued as if sold).
std::int64_t equityMinor(const Bot& bot, const BotHoldings& holdings, std::optional<std::int64_t> price);
/// The C view of a bot for its product's calls; borrows the bot's strings.
bourse_position cPosition(const Bot& bot, const std::string& stateJson);
/// A JSON object member of `json` ("" when absent or not an object / not JSON).
Poco::JSON::Object::Ptr objectMember(const std::string& json, const std::string& key);

}  // namespace bourse
