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

#include <optional>
#include <vector>

namespace bourse::bots {

/// Where ticks stop being news for an engine: a tick whose price is strictly
/// between the two bounds, earlier than `until`, would change nothing but the
/// last price it remembers. Resting orders still fill meanwhile (their reports
/// go to onFill as always). A bound left empty never wakes.
struct QuietBand {
    std::optional<Decimal> wakeAtOrBelow;
    std::optional<Decimal> wakeAtOrAbove;
    std::optional<TimeNs> wakeAt;  ///< the first tick at or after this time

    /// True when a tick at `price`, `ts` leaves the band.
    [[nodiscard]] bool wakes(const Decimal& price, TimeNs ts) const {
        return (wakeAtOrBelow && price.compare(*wakeAtOrBelow) <= 0) ||
               (wakeAtOrAbove && price.compare(*wakeAtOrAbove) >= 0) || (wakeAt && ts >= *wakeAt);
    }
};

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
    /// The ticks this engine can skip in its current state (see QuietBand);
    /// nullopt when every tick may matter. With thousands of bots per symbol
    /// the host ticks only those whose band a price leaves. Must be exact:
    /// skipping the ticks inside the band must give the same orders, fills and
    /// results as seeing them all (BacktestTest checks this on random paths).
    [[nodiscard]] virtual std::optional<QuietBand> quietBand() const { return std::nullopt; }
};

}  // namespace bourse::bots
