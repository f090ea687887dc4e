//
// bourse/bots/Engine.h — what the backtest runner (and a plugin) drives.
//
// Threading: engines are single-threaded state machines; the caller serialises
// every call on one instance (the host serialises callbacks per plugin instance).
// Ownership: intents returned by takeIntents() are the caller's; the engine keeps
// no reference to reports passed to onFill().
//
#pragma once

#include <bourse/bots/Orders.h>

#include <vector>

namespace bourse::bots {

class BotEngine {
public:
    virtual ~BotEngine() = default;

    /// A market price observation at ts (not earlier than the previous one).
    virtual void onTick(const Decimal& price, TimeNs ts) = 0;
    /// An execution report. Returns false (and changes nothing) for an id this
    /// engine does not own or an order it already saw done (a duplicate).
    virtual bool onFill(const FillReport& fill) = 0;
    /// Orders to place and cancel, in the order they were decided; drains the queue.
    virtual std::vector<OrderIntent> takeIntents() = 0;
    /// True when the engine has nothing left to do (stopped, no open orders).
    [[nodiscard]] virtual bool finished() const = 0;
};

}  // namespace bourse::bots
