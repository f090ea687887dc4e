//
// PositionService.h — opens and settles positions of trade-product plugins,
// moving money only through the ledger and only inside the transaction that
// writes the position.
//
// Opening: the product validates the request against its rules and the price in
// force; then, in one group-committed transaction, the stake moves from the
// user's available to locked balance (a guarded posting: overdraft is
// impossible under any concurrency) and the position is stored. The client's
// client_order_id makes it idempotent: the same id again returns the same
// position and moves nothing.
//
// Settling: positions whose expiry has passed are read from the database (so a
// restart settles what expired while the kernel was down), the exit price is
// the stored price in force at the expiry instant, the product decides the
// outcome, and one transaction marks the position settled (only if still OPEN)
// and posts stake release, payout and house result. Each position settles
// exactly once even if two settlers race. Thread-safe.
//
#pragma once

#include "trading/Position.h"

#include <bourse/plugin.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <limits>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace bourse {

class Clock;
class CommitQueue;
class Counter;
class Database;
class MarketData;
class Metrics;
class PluginInstance;
class PluginManager;

struct OpenPositionRequest {
    std::string userId, product, symbol, clientOrderId, currency;
    std::int64_t stake = 0;
    std::string paramsJson;
};

struct TradeStats {
    std::int64_t total = 0, open = 0, won = 0, lost = 0, tie = 0;
    std::int64_t staked = 0, paidOut = 0;  ///< settled positions only
};

/// Which of a user's positions to list ("" matches any).
struct PositionFilter {
    std::string status;
    std::string symbol;
};

class PositionService {
public:
    /// Receives position opened/settled events: the user, and the event's JSON
    /// made on demand (a sink with nobody to tell need not pay for it).
    using EventSink = std::function<void(const std::string& userId, const std::function<std::string()>& json)>;

    PositionService(Database& db, CommitQueue& commits, MarketData& market, PluginManager& plugins, const Clock& clock,
                    Metrics& metrics);
    ~PositionService();

    void setEventSink(EventSink sink) { _events = std::move(sink); }

    /// Opens a position; `created` tells a new one from an idempotent repeat.
    /// Throws HttpError with the status and message the client should see.
    Position open(const OpenPositionRequest& request, bool& created);

    [[nodiscard]] std::optional<Position> find(const std::string& userId, const std::string& id) const;
    /// A user's positions, newest first, `limit` after `cursor` (a position id).
    [[nodiscard]] std::vector<Position> list(const std::string& userId, const PositionFilter& filter,
                                             const std::string& cursor, int limit) const;
    [[nodiscard]] TradeStats stats(const std::string& userId) const;

    /// Settles every due position (expiry passed and its price known). Returns how many.
    int settleDue();
    /// Runs settleDue() every `interval` on a thread of its own.
    void startSettler(std::chrono::milliseconds interval);
    void stop();

private:
    /// What the product accepted: the position to store (not stored yet), the
    /// most open positions it allows the user, the price it was accepted at.
    struct Accepted {
        Position position;
        std::int64_t maxOpen = std::numeric_limits<std::int64_t>::max();
        bourse_tick entry{};
    };
    /// Checks the symbol and the price, and asks the product. Throws HttpError.
    Accepted accept(const OpenPositionRequest& req, PluginInstance& product) const;
    /// The position an earlier request with req's client_order_id opened, if
    /// any; throws HttpError 409 when that was a different trade.
    [[nodiscard]] std::optional<Position> retried(const OpenPositionRequest& req) const;

    Database& _db;
    CommitQueue& _commits;
    MarketData& _market;
    PluginManager& _plugins;
    const Clock& _clock;
    Counter& _opened;
    Counter& _settled;
    EventSink _events;

    std::mutex _settleMutex;  ///< one settlement pass at a time in this process
    std::mutex _threadMutex;
    std::condition_variable _wake;
    bool _stopping = false;
    std::thread _settler;
};

/// JSON of a position in the public API shape (binary options fields).
std::string positionJson(const Position& p);

}  // namespace bourse
