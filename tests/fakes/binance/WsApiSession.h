//
// WsApiSession.h — one connection to the fake's WebSocket API
// (/ws-api/v3): requests {"id","method","params"} answered
// {"id","status","result"|"error"}, and user-data events pushed as
// {"subscriptionId":N,"event":{...}} (web-socket-api.md, user-data-stream.md).
//
// Methods: userDataStream.subscribe.signature (signed params, checked like a REST
// call: SignedRequest.h), userDataStream.unsubscribe [subscriptionId],
// session.subscriptions, ping, time. Anything else: status 400, code -1000.
// A second subscription for an account already subscribed on this connection
// is refused (Binance allows one; its exact error is not documented — this fake
// answers 400 with code -1000). Pings every pingInterval; a connection leaving
// them unanswered for pongTimeout is closed.
//
// Threading: serve() runs on the server thread of the connection; push() and
// terminate() may be called from any thread (events queue up and are sent by the
// serving thread).
//
#pragma once

#include "binance/SignedRequest.h"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>

namespace Poco::Net {
class WebSocket;
}

namespace bourse::fakes {

class WsApiSession {
public:
    struct Hooks {
        SecretLookup secretOf;
        std::function<std::int64_t()> nowMs;  ///< the fake's clock
        std::function<bool()> dropNow;        ///< true: die without a close frame
        std::function<bool()> shutdownNow;    ///< true once: send serverShutdown, close
        std::function<bool()> stopping;
        std::function<bool()> stalled;  ///< true: open but silent (no replies, events or pings)
        std::chrono::milliseconds pingInterval{20'000}, pongTimeout{60'000};
    };

    explicit WsApiSession(Hooks hooks) : _hooks(std::move(hooks)) {}

    /// Serves until the peer closes, a fault, or stopping().
    void serve(Poco::Net::WebSocket& ws);

    /// Queues an account's event for every subscription of that account here.
    void push(const UserEvent& event);
    /// Ends every subscription with eventStreamTerminated (the connection stays open).
    void terminateSubscriptions();
    [[nodiscard]] int subscriptions() const;

private:
    std::string handle(const std::string& text);

    Hooks _hooks;
    mutable std::mutex _mutex;                  ///< guards what follows
    std::map<int, std::string> _subscriptions;  ///< subscriptionId → apiKey
    int _nextSubscription = 0;
    std::deque<std::string> _outbox;
    bool _terminate = false;
};

}  // namespace bourse::fakes
