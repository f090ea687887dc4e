#include "DcaSession.h"

#include <bourse/botkit/Summary.h>

namespace bourse::dca {

namespace {

std::string plural(std::size_t n, const std::string& word) {
    return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

}  // namespace

DcaSession::DcaSession(DcaTerms terms)
    : _terms(std::move(terms)), _bot(std::make_unique<bots::DcaBot>(_terms.params)) {}

DcaSession::DcaSession(DcaTerms terms, DcaState state)
    : _terms(std::move(terms)),
      _bot(std::make_unique<bots::DcaBot>(_terms.params, std::move(state.bot), std::move(state.deals))),
      _archived(state.archived),
      _stopping(state.stopping),
      _error(std::move(state.error)) {}

void DcaSession::onTick(const Decimal& price, bots::TimeNs ts) {
    // Paused and stopping bots still get ticks: their deals need them (take
    // profit re-placed, stop loss, a closing sale retried).
    _bot->onTick(price, ts);
    archiveOldDeals();
}

bool DcaSession::onFill(const bots::FillReport& fill) {
    const bool applied = _bot->onFill(fill);
    archiveOldDeals();
    return applied;
}

void DcaSession::control(const botkit::ControlRequest& request, bots::TimeNs now) {
    using Action = botkit::ControlRequest::Action;
    if (request.action == Action::Stop) {
        _stopping = true;
        _bot->stop(request.close.value_or(false) ? bots::CloseMode::SellAtMarket : bots::CloseMode::KeepPosition, now);
        archiveOldDeals();
    } else if (!_stopping) {
        _bot->setAcceptingDeals(request.action == Action::Resume);
    }
}

void DcaSession::recordError(const std::string& message) {
    if (_error.empty()) _error = message;
}

DcaState DcaSession::state() const {
    DcaState s;
    s.bot = _bot->state();
    for (const auto& deal : _bot->activeDeals())
        s.deals.push_back(deal->state());
    s.archived = _archived;
    s.stopping = _stopping;
    s.error = _error;
    return s;
}

void DcaSession::archiveOldDeals() {
    const auto& closed = _bot->closedDeals();
    if (closed.size() <= kKeepClosedDeals) return;
    // The engine keeps its state whole; a trimmed copy goes back in through its
    // restoring constructor, the totals of what was cut into _archived.
    DcaState s = state();
    const std::size_t cut = closed.size() - kKeepClosedDeals;
    for (std::size_t i = 0; i < cut; ++i) {
        const bots::DealSummary& d = s.bot.closedDeals[i];
        ++_archived.deals;
        _archived.realizedPnl = bots::addChecked(_archived.realizedPnl, d.realizedPnl);
        _archived.fees = bots::addChecked(_archived.fees, d.fees);
    }
    s.bot.closedDeals.erase(s.bot.closedDeals.begin(), s.bot.closedDeals.begin() + static_cast<std::ptrdiff_t>(cut));
    std::vector<bots::OrderIntent> pending = _bot->takeIntents();
    _bot = std::make_unique<bots::DcaBot>(_terms.params, std::move(s.bot), std::move(s.deals));
    // What the old engine decided in this call still has to go out.
    _carried.insert(_carried.end(), pending.begin(), pending.end());
}

std::vector<bots::OrderIntent> DcaSession::takeIntents() {
    std::vector<bots::OrderIntent> out;
    out.swap(_carried);
    for (bots::OrderIntent& i : _bot->takeIntents())
        out.push_back(std::move(i));
    return out;
}

std::string DcaSession::stateJson(botkit::StateView view) const {
    const DcaState s = state();
    botkit::JsonObject o = dcaStateJson(s, pair(), view);
    if (view != botkit::StateView::Full) return botkit::stringify(o);

    botkit::Summary sum;
    sum.finished = finished();
    sum.error = _error;
    const std::size_t active = _bot->activeDeals().size();
    sum.activeDeals = static_cast<std::int64_t>(active);
    sum.closedDeals = _archived.deals + static_cast<std::int64_t>(_bot->closedDeals().size());
    sum.realizedPnl = bots::addChecked(_archived.realizedPnl, _bot->realizedPnl());
    sum.fees = bots::addChecked(_archived.fees, _bot->feesPaid());
    std::int64_t held = 0;
    for (const auto& deal : _bot->activeDeals()) {
        held = bots::addChecked(held, deal->state().qty.mantissa);
        sum.heldCost = bots::addChecked(sum.heldCost, deal->state().cost);
    }
    sum.heldQty = Decimal(held, pair().lotStep.scale);
    if (sum.finished) {
        sum.status = "stopped";
        sum.note = "stopped after " + plural(static_cast<std::size_t>(sum.closedDeals), "deal");
    } else if (_stopping) {
        sum.status = "stopping";
        sum.note = "stopping: closing " + plural(active, "deal");
    } else if (!_bot->state().acceptingDeals) {
        sum.status = "paused";
        sum.note = "paused: no new deals; " + plural(active, "active deal") + " running on";
    } else {
        sum.status = "running";
        if (!_bot->lastStartError().empty())
            sum.note = "no deal can start at the current price: " + _bot->lastStartError();
        else if (active == 0)
            sum.note = "waiting for the start condition";
        else
            sum.note = plural(active, "active deal");
    }
    o->set("summary", botkit::summaryJson(sum, pair().quoteScale));
    return botkit::stringify(o);
}

}  // namespace bourse::dca
