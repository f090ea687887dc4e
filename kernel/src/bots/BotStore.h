//
// BotStore.h — the SQL of bots, their orders and fills, and their money.
//
// Reads take a pooled session; writes are functions of the commit queue's
// writer (PreparedSession) so callers put several into one transaction. Every
// write keeps the rule of migration 6: (bot, client order id) is unique, a fill
// is stored once and delivered once.
//
// Threading: stateless; the Database and the writer carry the threading rules.
// Errors: Poco::Data exceptions pass through.
//
#pragma once

#include "bots/Bot.h"

#include <optional>
#include <string>
#include <vector>

namespace Poco::Data {
class Session;
}

namespace bourse {

class Database;
class PreparedSession;

namespace BotStore {

/// The ledger account of a bot's holdings in `currency`.
std::string account(const Bot& bot, const std::string& currency);

std::optional<Bot> find(Database& db, const std::string& botId);
std::optional<Bot> findByClientOrder(Database& db, const std::string& userId, const std::string& clientOrderId);
/// A user's bots, newest first (deleted ones left out).
std::vector<Bot> listByUser(Database& db, const std::string& userId);
/// How many of a user's bots are not stopped (created, running, paused, stopping, error).
int activeCount(Database& db, const std::string& userId);
/// Bots with orders or money on a venue (running, paused, stopping, error).
std::vector<Bot> live(Database& db);
std::vector<BotOrder> orders(Database& db, const std::string& botId, int limit);
/// Every open order of live bots (the paper venue's book after a restart).
std::vector<BotOrder> openOrders(Database& db);
std::vector<BotFill> fills(Database& db, const std::string& botId, int limit);
std::vector<BotFill> undelivered(Database& db, const std::string& botId);
/// Every bot's undelivered fills, oldest first (the runner's queues after a restart).
std::vector<BotFill> undelivered(Database& db);
/// Equity samples (ts_ns, quote minor units), oldest first.
std::vector<std::pair<std::int64_t, std::int64_t>> equity(Database& db, const std::string& botId, int limit);
/// The bot's balance in `currency` (its ledger account; 0 when none).
std::int64_t balance(Database& db, const Bot& bot, const std::string& currency);

// Writes, inside the caller's transaction.
void insert(PreparedSession& w, const Bot& bot);
void setStatus(PreparedSession& w, const std::string& botId, const std::string& status, const std::string& error,
               std::int64_t nowNs);
void saveState(PreparedSession& w, const std::string& botId, const std::string& stateJson, std::int64_t nowNs);
/// False when the bot already has an order with this client id (a repeat).
bool insertOrder(PreparedSession& w, const BotOrder& order);
void updateOrder(PreparedSession& w, const BotOrder& order);
void insertFill(PreparedSession& w, const BotFill& fill);
void markDelivered(PreparedSession& w, const std::string& fillId);
void recordEquity(PreparedSession& w, const std::string& botId, std::int64_t tsNs, std::int64_t equity);

}  // namespace BotStore
}  // namespace bourse
