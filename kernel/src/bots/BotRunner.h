//
// BotRunner.h — runs every live bot: prices in, paper executions, the
// product's decisions out, all on one thread.
//
// One thread owns the live bots, the paper venue's book and every call into a
// bot product (on_tick, on_fill, control, settle), so a bot sees its ticks,
// fills and lifecycle requests strictly one after another. Prices arrive from
// MarketData's observer and are coalesced per symbol (a slow round sees the
// latest price, never a backlog). A round takes every new price at once:
// resting orders they cross execute (one transaction for all the executions,
// each its own balanced ledger transaction with its order and fill rows), the
// fills are delivered, then the running bots those prices concern get their
// tick: the awake ones, and those whose quiet band a price leaves (WakeIndex;
// a product says after each call which prices it can sleep through) — a few
// commits per round however many bots run. Prices that arrive while products
// decide execute in the commit of those decisions, not a round later.
//
// What a product does inside a call (orders placed and cancelled, state saved)
// is recorded in a CallScope and committed in one transaction after the call,
// together with marking the delivered fill; a crash loses the whole call or
// nothing. A restart loads the live bots, their open orders and the fills not
// yet delivered, and carries on.
//
// Venues: "paper" bots execute here, against the prices (PaperVenue); "binance"
// bots send their orders to the exchange through the BinanceVenue (set with
// setBinanceVenue), whose answers and execution reports come back to this
// thread (post()) and are stored and delivered like paper fills.
//
// Threading: onPrice() is cheap and callable from any thread; lifecycle
// operations are run on the runner's thread through call() and wait for it.
// Errors: lifecycle operations throw HttpError (status conflicts, product down).
//
#pragma once

#include "bots/Bot.h"
#include "bots/BotJson.h"
#include "bots/PaperVenue.h"
#include "bots/WakeIndex.h"
#include "market/Candle.h"

#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace bourse {

namespace venues::binance {
struct ExecutionReport;
}

class BinanceVenue;
class Clock;
class CommitQueue;
class Database;
class MarketData;
class PluginManager;
class PluginInstance;
class CallScope;
class Gauge;
class Histogram;
class Metrics;
class PreparedSession;

class BotRunner {
public:
    /// (user id, JSON event) for the user's stream channel; the event is built
    /// only if the sink calls `json` (when somebody follows the user).
    using EventSink = std::function<void(const std::string& userId, const std::function<std::string()>& json)>;

    BotRunner(Database& db, CommitQueue& commits, MarketData& market, PluginManager& plugins, const Clock& clock,
              Metrics& metrics, PaperTerms terms);
    ~BotRunner();
    BotRunner(const BotRunner&) = delete;
    BotRunner& operator=(const BotRunner&) = delete;

    void setEventSink(EventSink sink) { _events = std::move(sink); }
    /// Told, on the runner's thread, how long each execution took from its
    /// price's timestamp to the commit of the fill (benchmarks; also exported
    /// as bourse_bot_tick_to_fill_seconds). Set before start().
    void setFillLatencyObserver(std::function<void(std::int64_t ns)> observer) { _fillLatency = std::move(observer); }
    /// Loads the live bots and their open orders, then starts the thread.
    void start();
    void stop();

    /// A new price of an instrument (any thread).
    void onPrice(const PriceTick& tick);

    /// Runs `fn` on the runner's thread and waits; its exception is rethrown here.
    void call(const std::function<void()>& fn);
    /// Runs `fn` on the runner's thread later (any thread; dropped when stopping).
    void post(std::function<void()> fn);

    /// The live venue for bots created with venue "binance" (null: none). Set before start().
    void setBinanceVenue(BinanceVenue* venue) { _binance = venue; }
    [[nodiscard]] BinanceVenue* binanceVenue() const { return _binance; }
    /// On the runner's thread: the exchange refused an order for good (the bot goes to error).
    void onLiveRefusal(const std::string& botId, const std::string& clientOrderId, const std::string& why);
    /// On the runner's thread: an order change reported by the exchange.
    void onLiveReport(const venues::binance::ExecutionReport& report);
    /// On the runner's thread: the user's reports flow again after a gap; asks where each open order stands.
    void onLiveResumed(const std::string& userId);

    // Lifecycle, on the runner's thread (through call()). Each returns the bot as it is after.
    Bot startBot(const std::string& botId);
    Bot pauseBot(const std::string& botId);
    Bot resumeBot(const std::string& botId);
    Bot stopBot(const std::string& botId, bool close);
    /// A created or stopped bot leaves the lists (its capital goes back first).
    void deleteBot(const std::string& botId);

    [[nodiscard]] const PaperTerms& paperTerms() const { return _venue.terms(); }
    /// What the bot holds now, from the ledger.
    BotHoldings holdings(const Bot& bot) const;
    [[nodiscard]] std::size_t liveCount() const;
    /// Prices processed, and prices replaced by a newer one of the same symbol
    /// before the runner got to them (it fell behind real time).
    [[nodiscard]] std::uint64_t pricesProcessed() const;
    [[nodiscard]] std::uint64_t pricesSkipped() const;
    /// Live bots asleep until a price leaves their band (plugin.h position_sleep).
    [[nodiscard]] std::size_t sleepingCount() const;

private:
    friend class CallScope;

    struct Round;

    void work();
    void process(const std::map<std::string, PriceTick>& prices);
    /// The orders one price of a symbol executes: at `price` (the symbol's
    /// scale), caused by a tick at `priceTsNs`, by bot.
    struct Crossing {
        std::int64_t price = 0, priceTsNs = 0;
        std::map<std::string, std::vector<BotOrder>> byBot;
    };
    struct Executed;
    /// Executes the crossed or market orders of every symbol of a round in one transaction.
    void executeRound(const std::vector<Crossing>& crossings);
    /// The executions, inside a transaction (run on the committing thread; may run twice).
    void executeIn(PreparedSession& w, const std::vector<Crossing>& crossings, Executed& done);
    /// After their commit: latency, events, the fills queued for delivery, refused orders' errors.
    void afterExecution(const std::vector<Crossing>& crossings, const Executed& done);
    /// What the prices that arrived since the round began cross (taken off the book).
    std::vector<Crossing> crossArrived();
    /// Puts the orders of crossings that could not be executed back on the book.
    void restore(const std::vector<Crossing>& crossings);
    /// Delivers the stored, undelivered fills of the bots in _needDelivery, oldest first, round after round.
    void drainDeliveries();
    /// Calls into the product with a scope open and adds what it did to `round`.
    /// False when the product is not available (the caller retries later).
    bool callProduct(const std::string& botId, const std::function<void(PluginInstance&, const bourse_position&)>& fn,
                     Round& round, const std::string& deliveredFill = "", const std::string& newStatus = "");
    /// Puts the bots of the round to sleep in the bands their calls asked for (once committed).
    void applySleeps(const Round& round);
    /// Wakes the bots of a product whose instance changed (reloaded) since the last round.
    void wakeReloadedProducts();
    /// Stores everything of the round in one transaction, then rests the new
    /// limit orders, executes the market ones, reviews and publishes the bots.
    /// False when the transaction failed (the bots went back to what is stored).
    bool commitRound(Round& round);
    /// A fill was committed: it waits for delivery to its bot's product.
    void queueDelivery(const BotFill& fill);
    /// A lifecycle request to the product, committed, its consequences delivered.
    void control(const std::string& botId, const std::string& request, const std::string& newStatus);
    /// Back to what the database holds for the bot (after a failed commit).
    void resync(const std::string& botId);
    /// After a call: a finished product releases the bot; an error stops its trading.
    void review(const std::string& botId);
    /// Cancels what is left, moves the bot's holdings back to its owner, status stopped.
    void finish(Bot& bot);
    /// Sends an order of a live bot to its exchange (it is open there until a report ends it).
    void sendLive(const Bot& bot, const BotOrder& order);
    /// Ends a live order (cancelled, expired or refused): the order row, the end fill to deliver.
    void endLiveOrder(const std::string& clientOrderId, const std::string& status, const std::string& reason);
    /// Where a stopped bot's holdings go: the owner's wallet (paper), the exchange mirror (live).
    static std::string releaseAccount(const Bot& bot, const std::string& currency);
    Bot& liveBot(const std::string& botId);
    Bot loadOwned(const std::string& botId) const;
    void setStatus(Bot& bot, const std::string& status, const std::string& error);
    void publish(const Bot& bot);
    void publishFill(const Bot& bot, const BotFill& fill);
    /// Takes a bot into the live set, its params without preview and worst case.
    void adopt(Bot bot);
    void forget(const std::string& botId);

    Database& _db;
    CommitQueue& _commits;
    MarketData& _market;
    PluginManager& _plugins;
    const Clock& _clock;
    PaperVenue _venue;
    BinanceVenue* _binance = nullptr;
    std::map<std::string, BotOrder> _liveOrders;  ///< open orders on live venues, by client order id
    EventSink _events;
    std::function<void(std::int64_t)> _fillLatency;
    Histogram& _tickToFill;
    Gauge& _sleeping;

    std::unordered_map<std::string, Bot> _live;  ///< runner thread only (never iterated)
    std::uint64_t _stateVersions = 0;            ///< the last Bot::stateVersion given
    WakeIndex _wakes;                            ///< live bots by symbol, and which of them sleep through which prices
    std::map<std::string, std::weak_ptr<PluginInstance>>
        _productInstances;                           ///< the instance each product's bands came from
    std::map<std::string, std::int64_t> _lastPrice;  ///< symbol → mantissa
    std::vector<std::string> _undelivered;           ///< bots whose fills wait for their product
    std::set<std::string> _needDelivery;             ///< bots with fills to deliver this round
    /// Stored fills not delivered yet, per bot, oldest first: what the database
    /// holds with delivered = 0, kept here so a delivery round reads nothing.
    std::map<std::string, std::deque<BotFill>> _pendingFills;

    mutable std::mutex _mutex;
    std::condition_variable _wake;
    std::map<std::string, PriceTick> _prices;  ///< latest per symbol, not yet processed
    std::deque<std::function<void()>> _calls;
    bool _stopping = false;
    std::size_t _liveCount = 0;
    std::uint64_t _processed = 0, _skipped = 0;
    std::thread _thread;
};

}  // namespace bourse
