//
// UserDataStream.h — a user-data subscription on Binance's WebSocket API,
// delivering parsed execution reports (and balance positions) to callbacks.
//
// Since 2026-02-20 the REST listenKey flow is gone: a connection to the WS API
// sends `userDataStream.subscribe.signature` {apiKey, timestamp, recvWindow,
// signature} (signature over the sorted params, RequestSigning.h) and receives
// events wrapped as {"subscriptionId":N,"event":{...}} (wire-formats.md addendum).
//
// Lifecycle, all on one thread the stream owns: connect → subscribe → read.
// Pings are answered with pongs echoing their payload. It reconnects (with
// exponential backoff and jitter, reset by a successful subscribe) when the
// connection drops, goes silent for staleAfter (Binance pings every 20 s), sends
// serverShutdown, or reaches renewAfter (Binance cuts connections at 24 h); after
// eventStreamTerminated it subscribes again on the same connection. A -1021 on
// subscribe triggers the client's time re-sync before the next attempt.
// Events that happen while disconnected are NOT replayed by Binance: onState(
// Subscribed) after a reconnect is the caller's cue to reconcile with
// queryOrder/openOrders.
//
// Threading: handlers run on the stream thread, one at a time, in arrival order;
// they must not block for long and must not destroy the stream. stop() (and the
// destructor) may be called from any other thread; they join the stream thread.
// Errors: nothing throws after construction; failures are reported through
// onState(Disconnected, reason) and retried.
//
#pragma once

#include "venues/binance/Types.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace Poco::Net {
class WebSocket;
}

namespace bourse::venues::binance {

enum class LogLevel { Debug, Info, Warn, Error };

enum class StreamState {
    Connecting,    ///< opening the connection (first time or after a drop)
    Subscribed,    ///< the subscription is live; detail "reconnected" after a gap
    Disconnected,  ///< lost or refused; detail says why; a retry follows
    Stopped,       ///< stop() was called; nothing follows
};

struct UserDataHandlers {
    /// Required: one order change (NEW, TRADE, CANCELED, EXPIRED, REJECTED ...).
    std::function<void(const ExecutionReport&)> onExecutionReport;
    /// Optional: balances after a change (outboundAccountPosition).
    std::function<void(const AccountPosition&)> onAccountPosition;
    /// Optional: connection state changes.
    std::function<void(StreamState, const std::string& detail)> onState;
};

struct UserDataOptions {
    std::chrono::milliseconds reconnectMin{500}, reconnectMax{30'000};
    std::chrono::milliseconds staleAfter{75'000};  ///< nothing received (not even a ping) for this long: reconnect
    std::chrono::milliseconds renewAfter{std::chrono::hours(23)};  ///< before Binance's 24-hour cut
    std::chrono::milliseconds timeout{10'000};                     ///< connect and subscribe-reply deadline
};

/// What the stream needs from its client (BinanceSpotClient::openUserDataStream fills it).
struct UserDataCredentials {
    std::string wsApiUrl;  ///< ws:// (tests) or wss://
    std::string apiKey, secret;
    int recvWindowMs = 5000;
    std::function<std::int64_t()> serverNowMs;              ///< Required: timestamp source
    std::function<void()> resyncTime;                       ///< Optional: called after a -1021
    std::function<void(LogLevel, const std::string&)> log;  ///< Optional
};

class UserDataStream {
public:
    /// Starts the stream thread. Throws std::invalid_argument when onExecutionReport
    /// or serverNowMs is missing or the URL is not ws:// or wss://.
    UserDataStream(UserDataCredentials credentials, UserDataHandlers handlers, UserDataOptions options = {});
    ~UserDataStream();
    UserDataStream(const UserDataStream&) = delete;
    UserDataStream& operator=(const UserDataStream&) = delete;

    /// Unsubscribes (best effort), closes and joins. Idempotent.
    void stop();

    [[nodiscard]] bool subscribed() const { return _subscribed.load(); }
    [[nodiscard]] int connects() const { return _connects.load(); }            ///< connections opened
    [[nodiscard]] int subscriptions() const { return _subscriptions.load(); }  ///< successful subscribes
    [[nodiscard]] int reportsDelivered() const { return _reports.load(); }

private:
    void run();
    /// One connection's life: subscribe, then read until it must be replaced; returns why.
    std::string serve(Poco::Net::WebSocket& ws, bool& hadSubscription, std::chrono::milliseconds& backoff);
    /// Sends userDataStream.subscribe.signature; returns the request id.
    std::string subscribe(Poco::Net::WebSocket& ws);
    void state(StreamState s, const std::string& detail);
    void log(LogLevel level, const std::string& message) const;
    /// Sleeps up to `d`, waking early on stop(); false when stopping.
    bool pause(std::chrono::milliseconds d);

    UserDataCredentials _credentials;
    UserDataHandlers _handlers;
    UserDataOptions _options;
    std::atomic<bool> _stopping{false}, _subscribed{false};
    std::atomic<int> _connects{0}, _subscriptions{0}, _reports{0};
    std::mutex _wakeMutex;
    std::condition_variable _wake;
    std::thread _thread;
};

}  // namespace bourse::venues::binance
