//
// BinanceVenue.h — live execution of bot orders on Binance Spot (testnet by
// default), for bots created with venue "binance".
//
// Each user with live bots gets a session: a BinanceSpotClient with the user's
// own API key (decrypted when the session opens, kept in memory only), the
// user-data stream that reports executions, and a worker thread. REST calls
// block for up to the client's timeout, so they never run on the bot runner's
// thread: place() and cancel() queue the call on the user's worker and return.
// What comes back — an order the exchange refused, an execution report, the
// fills of an order that executed at once — is handed to the runner through
// `post` (it runs the handler on the runner's thread), where the ledger and the
// bot are updated. Reports may arrive twice (the place reply and the stream):
// the runner stores each trade once, by its id "binance:<symbol>:<tradeId>".
//
// Retries: a rate limit (429, -1015) or a Retry-After backoff waits and sends
// again; a network failure before sending is retried a few times; an unknown
// outcome (5xx, lost reply) asks the exchange for the order by its client id
// before sending again. Everything else the exchange (or the local filter
// check) refuses is final: the runner puts the bot into error with the
// exchange's message.
//
// Money: the exchange holds a live bot's money. The ledger mirrors it: the
// bot's accounts are funded from house:venue-binance:<ASSET> at creation (after
// checking the account's free balance on the exchange), each execution moves
// what the exchange moved (commission in the asset Binance charged it in, to
// house:fees-binance:<ASSET>), and a stopped bot's holdings go back to the
// mirror, never into the user's Bourse wallet.
//
// Threading: every public method is thread-safe. Handlers run on the runner's
// thread (through `post`). The destructor stops the workers and streams.
//
#pragma once

#include "bots/Bot.h"
#include "bots/VenueKeyStore.h"
#include "config/Config.h"
#include "ledger/Ledger.h"
#include "venues/binance/Result.h"
#include "venues/binance/SymbolFilters.h"
#include "venues/binance/Types.h"

#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace bourse {

namespace venues::binance {
class BinanceSpotClient;
class UserDataStream;
}  // namespace venues::binance

class BinanceVenue {
public:
    /// The user's stored keys (nullopt: none stored).
    using Keys = std::function<std::optional<VenueCredentials>(const std::string& userId)>;
    /// Runs a handler on the bot runner's thread.
    using Post = std::function<void(std::function<void()>)>;
    struct Handlers {
        /// An order the exchange (or the filter check before sending) refused for good.
        std::function<void(const std::string& botId, const std::string& clientOrderId, const std::string& why)> refused;
        /// An order change: TRADE, CANCELED, EXPIRED, REJECTED (NEW is not passed on).
        std::function<void(const std::string& userId, const venues::binance::ExecutionReport& report)> report;
        /// The user's stream is subscribed again after a gap: time to reconcile.
        std::function<void(const std::string& userId)> resumed;
    };

    BinanceVenue(BinanceVenueSection config, Keys keys, Post post, Handlers handlers);
    ~BinanceVenue();
    BinanceVenue(const BinanceVenue&) = delete;
    BinanceVenue& operator=(const BinanceVenue&) = delete;

    /// The symbol's exchange filters, and the free balance of `asset`, with the
    /// user's keys (synchronous: for creating a bot, off the runner's thread).
    venues::binance::Result<venues::binance::SymbolFilters> filters(const std::string& userId,
                                                                    const std::string& symbol);
    venues::binance::Result<venues::binance::Fixed8> freeBalance(const std::string& userId, const std::string& asset);

    /// Opens the user's session and stream if they are not open (bots resumed
    /// after a restart call this before anything else).
    void follow(const std::string& userId);
    /// Queues an order (prices and quantities at the bot's scales, as BotOrder
    /// holds them); `lastPrice` lets a market sell be checked against NOTIONAL.
    void place(const Bot& bot, const BotOrder& order, std::optional<std::int64_t> lastPrice);
    /// Queues a cancel by client order id; its end arrives as a CANCELED report.
    void cancel(const Bot& bot, const std::string& clientOrderId);
    /// Queues a look at an order the runner holds open (after a restart or a
    /// stream gap: executions meanwhile are not replayed). Reports what the
    /// runner has not seen: the quantity executed beyond `order.filledQty` as one
    /// trade at the average price (without its commission, which GET order does
    /// not give), and the order's end. An order the exchange never received (a
    /// crash between storing and sending it) is sent now.
    void reconcile(const Bot& bot, const BotOrder& order);

    /// The mirror transaction of one execution (kind "bot_fill", idempotency key
    /// "bot_fill:<fillId>"): what the bot gave, what it got, the commission in
    /// the asset Binance charged it in. `fill` gets what the product is told.
    /// A buy charged in base leaves the bot less than it bought, and not a whole
    /// number of lots: the product is told the base it can sell again (what it
    /// received, down to `lotStep`, a mantissa at the bot's quantity scale) and
    /// the rest (commission and dust) as a fee in quote at the execution price,
    /// so its cost basis is what the bot paid. The dust stays in the bot's
    /// accounts and goes back with the rest when it stops.
    static JournalTx fillTx(const Bot& bot, const venues::binance::ExecutionReport& report, std::int64_t lotStep,
                            BotFill& fill);
    /// The mirror account of an asset held on Binance.
    static std::string mirrorAccount(const std::string& asset);

private:
    struct Session;
    /// The user's session, opened on first use; null (and `why`) when it cannot
    /// be: no keys stored, keys that do not open, a key the client refuses.
    Session* session(const std::string& userId, std::string& why);
    /// Queues `job` on the session's worker.
    static void enqueue(Session& s, std::function<void()> job);
    void work(Session& s);
    void send(Session& s, const Bot& bot, const BotOrder& order, std::optional<std::int64_t> lastPrice);

    const BinanceVenueSection _config;
    const Keys _keys;
    const Post _post;
    const Handlers _handlers;
    std::mutex _mutex;
    std::map<std::string, std::unique_ptr<Session>> _sessions;  ///< by user id
};

}  // namespace bourse
