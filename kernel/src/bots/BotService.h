//
// BotService.h — what the bot API does: preview, create, list, details,
// lifecycle and backtests. The live side (ticks, fills, orders) is BotRunner's.
//
// Creating a bot asks its product to validate the client's params with the
// pair's filters and the venue's terms added by the kernel, then stores the
// bot and moves its capital from the owner's available balance into the bot's
// account in one transaction (refused, changing nothing, when the balance is
// short), then asks the product for its initial state. Repeating a create with
// the same client_order_id returns the same bot.
//
// Threading: callable from any request thread. Errors: HttpError (problem+json).
//
#pragma once

#include "bots/Bot.h"
#include "bots/BotRunner.h"

#include <Poco/JSON/Object.h>

#include <string>

namespace bourse {

class Clock;
class CommitQueue;
class Database;
class MarketData;
class PluginManager;

struct BotRequest {
    std::string product, symbol, name, clientOrderId;
    std::string venue = "paper";     ///< "paper" | "binance" (live, with the user's stored API keys)
    Poco::JSON::Object::Ptr params;  ///< the client's params object
};

class BotService {
public:
    BotService(Database& db, CommitQueue& commits, MarketData& market, PluginManager& plugins, BotRunner& runner,
               const Clock& clock, int maxBotsPerUser);

    /// The product's terms for the request: capital, normalised params, preview, worst case.
    Poco::JSON::Object::Ptr preview(const std::string& userId, const BotRequest& request);
    /// Stores the bot (status created) with its capital reserved; `created` false for a repeat.
    Poco::JSON::Object::Ptr create(const std::string& userId, const BotRequest& request, bool& created);
    Poco::JSON::Object::Ptr list(const std::string& userId);
    /// The bot with its orders, fills and equity history; 404 for another user's bot.
    Poco::JSON::Object::Ptr details(const std::string& userId, const std::string& botId);
    /// "start" | "pause" | "resume" | "stop" (with close).
    Poco::JSON::Object::Ptr act(const std::string& userId, const std::string& botId, const std::string& action,
                                bool close);
    void remove(const std::string& userId, const std::string& botId);
    /// Runs the product's engine over candles: stored ones of [fromNs, toNs) at
    /// intervalS, or the rows of `csv` ("ts,open,high,low,close", ts in seconds
    /// or milliseconds since the epoch) when it is not empty.
    Poco::JSON::Object::Ptr backtest(const std::string& userId, const BotRequest& request, int intervalS,
                                     std::int64_t fromNs, std::int64_t toNs, const std::string& csv);

private:
    struct Terms {
        Bot bot;                        ///< filled but not stored
        Poco::JSON::Object::Ptr terms;  ///< the product's reply
        std::string request;            ///< the params validate was given (with pair and venue)
    };
    Terms validate(const std::string& userId, const BotRequest& request);
    Bot owned(const std::string& userId, const std::string& botId);
    Poco::JSON::Object::Ptr view(const Bot& bot);

    Database& _db;
    CommitQueue& _commits;
    MarketData& _market;
    PluginManager& _plugins;
    BotRunner& _runner;
    const Clock& _clock;
    const int _maxBotsPerUser;
};

}  // namespace bourse
