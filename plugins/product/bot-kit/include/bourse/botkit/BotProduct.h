//
// bourse/botkit/BotProduct.h — the part of a bot product that does not depend
// on the bot: engines in memory per position, ticks/fills/control into them,
// their intents out to the venue, their state saved, the ticks they can sleep through told.
//
// A product derives from BotProduct, implements validate() (and open(),
// command()) and restore(): the BotSession of a stored position, built from
// its params_json (the validate reply) and state_json. BotProduct then:
//   * keeps one session per position id in memory, and rebuilds it from the
//     position when it is unknown (after a reload) or when the position's
//     state_json is not the text this instance saved last (same state_version,
//     or else the same hash) — the kernel did not
//     commit the last call (it failed, or the kernel stopped first), so the
//     engine in memory is ahead of the truth;
//   * runs each on_tick / on_fill / control: the step, then every intent as a
//     venue order or cancel, then saves the state — after a fill or a control
//     request always, after a tick only if its change key moved
//     (BotSession::stateJson); all of it reaches the kernel as one unit;
//   * drops the session whenever a call throws, so the next call starts again
//     from the last committed state;
//   * turns a fill the engine refuses as contradicting its books
//     (std::invalid_argument) into summary.error rather than a failed call:
//     the kernel marks the fill delivered and the bot in error, instead of
//     redelivering a fill that can never apply;
//   * tells the host, at the end of every call, the band of prices (and the
//     time) inside which the bot needs no tick (BotSession::quietBand), so
//     idle bots cost nothing per tick;
//   * forgets a session once it reports finished (after saving) and on settle.
// Settlement of a bot: outcome CLOSED, payout zero (the kernel ignores it and
// returns what the bot's accounts hold).
//
// Threading: the host serialises calls into an instance; nothing here locks.
// Errors: host failures (a refused order) propagate as bourse::Error with the
// host's status; a state that cannot be read throws Error(BOURSE_E_INTERNAL).
//
#pragma once

#include <bourse/botkit/Venue.h>
#include <bourse/bots/Engine.h>
#include <bourse/bots/Orders.h>
#include <bourse/plugin.hpp>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace bourse::botkit {

/// Which state text BotSession::stateJson writes.
enum class StateView {
    Full,      ///< everything, to save
    ChangeKey  ///< without what ticks alone change (last price, recent highs, notes): save when this differs
};

/// One bot's engine and books, as built from a position.
class BotSession {
public:
    virtual ~BotSession() = default;

    [[nodiscard]] virtual const bots::PairSpec& pair() const = 0;
    /// A market price at ts.
    virtual void onTick(const Decimal& price, bots::TimeNs ts) = 0;
    /// An execution report; false for one the engine does not own (or a
    /// duplicate). Throws std::invalid_argument when it contradicts the books.
    virtual bool onFill(const bots::FillReport& fill) = 0;
    /// pause / resume / stop at `now` (host clock).
    virtual void control(const ControlRequest& request, bots::TimeNs now) = 0;
    /// Orders to place and cancel, in the order decided; drains the queue.
    virtual std::vector<bots::OrderIntent> takeIntents() = 0;
    /// Remembers a failure for summary.error (the first one is kept).
    virtual void recordError(const std::string& message) = 0;
    /// Stopped with nothing left open: the kernel may settle the bot.
    [[nodiscard]] virtual bool finished() const = 0;
    /// The state as JSON text (see StateView).
    [[nodiscard]] virtual std::string stateJson(StateView view) const = 0;
    /// True when a tick can change the change key without placing or
    /// cancelling an order (a trailing grid above its top line). Otherwise a
    /// tick that decided nothing is not checked for a change: with thousands of
    /// bots, writing the change key on every tick cost more than all the rest.
    [[nodiscard]] virtual bool tickMovesKey() const { return false; }
    /// The ticks this bot can sleep through now (bots::BotEngine::quietBand);
    /// nullopt: every tick may matter. Told to the host after every call.
    [[nodiscard]] virtual std::optional<bots::QuietBand> quietBand() const { return std::nullopt; }
};

class BotProduct : public TradeProduct {
public:
    using TradeProduct::TradeProduct;

    void onTick(const Position& position, const Tick& tick) override;
    void onFill(const Position& position, const bourse_fill& fill) override;
    void control(const Position& position, const std::string& requestJson) override;
    /// CLOSED with a zero payout in the stake's currency; forgets the session.
    Settlement settle(const Position& position, const std::optional<Tick>& exit) override;

    /// How many bots this instance holds in memory.
    [[nodiscard]] std::size_t sessionsInMemory() const { return _sessions.size(); }

protected:
    /// The bot of a stored position (params_json as validate() replied,
    /// state_json as last saved, "{}" or "" before any). Throws Error.
    virtual std::unique_ptr<BotSession> restore(const Position& position) = 0;
    /// Keeps the session open() built, with the state text open() returns, so
    /// the first call need not rebuild it (it still does if the kernel hands
    /// back a different text).
    void remember(const std::string& positionId, std::unique_ptr<BotSession> session, const std::string& stateJson);

private:
    /// Hashes, not texts: with thousands of bots the two copies of every
    /// state cost more memory than the engines themselves.
    struct Entry {
        std::unique_ptr<BotSession> session;
        std::size_t savedState = 0;           ///< hash of the text this instance saved last (or restored from)
        std::uint64_t version = 0;            ///< the host's state_version of that text (0: not known yet)
        std::optional<std::size_t> savedKey;  ///< hash of its change key (unknown after a fill or control)
    };

    Entry& entryFor(const Position& position);
    /// Saves the session's full state; its change key is unknown until a tick needs it.
    void save(const std::string& positionId, Entry& e);
    /// One call: the step, its intents to the venue, then the state saved —
    /// always after a fill or a request, after a tick only if its change key
    /// moved (a tick that decided nothing is not even checked, see
    /// BotSession::tickMovesKey) — and the quiet band told to the host.
    template <class Step>
    void run(const Position& position, Step&& step, bool tick = false);

    std::map<std::string, Entry> _sessions;
};

}  // namespace bourse::botkit
