#include <bourse/botkit/BotProduct.h>

#include <functional>

namespace bourse::botkit {

namespace {

std::size_t hashOf(const std::string& text) {
    return std::hash<std::string>{}(text);
}

}  // namespace

void BotProduct::remember(const std::string& positionId, std::unique_ptr<BotSession> session,
                          const std::string& stateJson) {
    Entry e;
    e.savedKey = hashOf(session->stateJson(StateView::ChangeKey));
    e.session = std::move(session);
    e.savedState = hashOf(stateJson);
    _sessions[positionId] = std::move(e);
}

BotProduct::Entry& BotProduct::entryFor(const Position& position) {
    const auto it = _sessions.find(position.id);
    if (it != _sessions.end()) {
        Entry& known = it->second;
        // Same version: same text, no need to compare kilobytes on every tick.
        if (position.stateVersion != 0 && known.version == position.stateVersion) return known;
        if (known.savedState == hashOf(position.stateJson)) {
            known.version = position.stateVersion;
            return known;
        }
    }
    // Unknown here, or the kernel holds another state than we saved last (our
    // last call was not committed): the position is the truth.
    Entry e;
    e.session = restore(position);
    e.savedState = hashOf(position.stateJson);
    e.version = position.stateVersion;
    return _sessions[position.id] = std::move(e);
}

void BotProduct::save(const std::string& positionId, Entry& e) {
    const std::string full = e.session->stateJson(StateView::Full);
    host().saveState(positionId, full);
    e.savedState = hashOf(full);
    e.savedKey.reset();
    e.version = 0;  // the host gives the saved text a version of its own
}

template <class Step>
void BotProduct::run(const Position& position, Step&& step, bool tick) {
    Entry& e = entryFor(position);
    try {
        step(*e.session);
        const std::vector<bots::OrderIntent> intents = e.session->takeIntents();
        for (const bots::OrderIntent& intent : intents) {
            if (intent.action == bots::OrderIntent::Action::Cancel)
                host().cancelOrder(position.id, intent.clientId);
            else
                host().placeOrder(orderFor(intent, position.id, e.session->pair()));
        }
        if (!tick) {
            save(position.id, e);  // a fill or a request changes the books: no need to compare
        } else if (!intents.empty() || e.session->tickMovesKey() || e.session->finished()) {
            const std::size_t key = hashOf(e.session->stateJson(StateView::ChangeKey));
            if (key != e.savedKey) {
                save(position.id, e);
                e.savedKey = key;
            }
        }
        // Nothing more will happen to it; a late call rebuilds it from the position.
        if (e.session->finished()) {
            _sessions.erase(position.id);
            return;
        }
        if (const std::optional<bots::QuietBand> band = e.session->quietBand())
            host().sleep(position.id, band->wakeAtOrBelow, band->wakeAtOrAbove, band->wakeAt);
    } catch (...) {
        // What this call decided is lost with it (the kernel commits all or
        // nothing): the engine in memory would be ahead of the saved state.
        _sessions.erase(position.id);
        throw;
    }
}

void BotProduct::onTick(const Position& position, const Tick& tick) {
    run(
        position, [&](BotSession& s) { s.onTick(tick.price, tick.tsNs); }, true);
}

void BotProduct::onFill(const Position& position, const bourse_fill& fill) {
    run(position, [&](BotSession& s) {
        const bots::FillReport report = reportFor(fill);
        try {
            if (!s.onFill(report))
                host().log(BOURSE_LOG_DEBUG, "fill for " + report.clientId + " of " + position.id + " ignored");
        } catch (const std::invalid_argument& e) {
            // Redelivering it would fail the same way forever: record and go on.
            s.recordError("fill: " + report.clientId + ": " + e.what());
            host().warn("bot " + position.id + ": refused a fill: " + e.what());
        }
    });
}

void BotProduct::control(const Position& position, const std::string& requestJson) {
    const ControlRequest request = parseControl(requestJson);
    run(position, [&](BotSession& s) { s.control(request, host().nowNs()); });
}

Settlement BotProduct::settle(const Position& position, const std::optional<Tick>& exit) {
    (void)exit;
    _sessions.erase(position.id);
    return Settlement{BOURSE_OUTCOME_CLOSED, Money{0, position.stake.currency}};
}

}  // namespace bourse::botkit
