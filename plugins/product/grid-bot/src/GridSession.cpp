#include "GridSession.h"

#include <bourse/botkit/Summary.h>

namespace bourse::grid {

GridSession::GridSession(GridTerms terms)
    : _terms(std::move(terms)), _grid(std::make_unique<bots::GridBot>(_terms.params)) {}

GridSession::GridSession(GridTerms terms, GridSessionState state)
    : _terms(std::move(terms)),
      _grid(std::make_unique<bots::GridBot>(_terms.params, std::move(state.grid))),
      _paused(state.paused),
      _error(std::move(state.error)),
      _waiting(std::move(state.waiting)) {}

bool GridSession::triggers(const Decimal& price) const {
    const bots::GridParams& p = _terms.params;
    return (p.stopLoss && !(*p.stopLoss < price)) || (p.takeProfit && !(price < *p.takeProfit));
}

void GridSession::onTick(const Decimal& price, bots::TimeNs ts) {
    const bots::GridStatus status = _grid->status();
    if (status == bots::GridStatus::Stopped) return;
    if (status == bots::GridStatus::NotStarted) {
        if (_paused) return;
        try {
            _grid->start(price, ts);  // throws before changing anything
            _waiting.clear();
        } catch (const bots::InvalidParams& e) {
            const bots::FieldError& first = e.errors().front();
            _waiting = first.field + ": " + first.message;
        }
        return;
    }
    const bool stopping = status == bots::GridStatus::Stopping;
    if (_paused && !stopping && !triggers(price)) return;
    _grid->onTick(price, ts);
}

std::optional<bots::QuietBand> GridSession::quietBand() const {
    if (!_paused || _grid->status() != bots::GridStatus::Running) return _grid->quietBand();
    return bots::QuietBand{_terms.params.stopLoss, _terms.params.takeProfit, std::nullopt};
}

void GridSession::control(const botkit::ControlRequest& request, bots::TimeNs now) {
    using Action = botkit::ControlRequest::Action;
    const bots::GridStatus status = _grid->status();
    const bool stopped = status == bots::GridStatus::Stopping || status == bots::GridStatus::Stopped;
    if (request.action == Action::Stop)
        _grid->stop(now, request.close);
    else if (!stopped)
        _paused = request.action == Action::Pause;
}

void GridSession::recordError(const std::string& message) {
    if (_error.empty()) _error = message;
}

std::string GridSession::stateJson(botkit::StateView view) const {
    const GridSessionState s{_grid->state(), _paused, _error, _waiting};
    botkit::JsonObject o = gridStateJson(s, pair(), view);
    if (view != botkit::StateView::Full) {
        // The last price is left out of the key, but trailing up decides on it
        // (a shift starts while it is above the top line): keep that much.
        if (_terms.params.trailingUp && _grid->status() == bots::GridStatus::Running)
            o->set("above_top", _grid->highestLine() < _grid->state().lastPrice);
        return botkit::stringify(o);
    }

    const bots::GridBot& g = *_grid;
    const bots::GridState& gs = g.state();
    botkit::Summary sum;
    sum.finished = g.finished();
    sum.error = _error;
    sum.realizedPnl = bots::addChecked(g.gridProfit(), g.closingPnl());
    sum.fees = g.feesPaid();
    sum.gridProfit = g.gridProfit();
    sum.heldQty = g.heldQty();
    sum.heldCost = g.heldCost();
    const std::string range = g.lowestLine().toString() + " to " + g.highestLine().toString();
    const std::string pairs =
        std::to_string(g.completedPairs()) + (g.completedPairs() == 1 ? " pair" : " pairs") + " completed";
    switch (gs.status) {
        case bots::GridStatus::NotStarted:
            sum.status = _paused ? "paused" : "waiting";
            sum.note = _waiting.empty() ? "waiting for the first price" : "cannot start yet: " + _waiting;
            break;
        case bots::GridStatus::Starting:
        case bots::GridStatus::Running:
            sum.status = _paused ? "paused" : "running";
            sum.note = (_paused ? "paused: fills still complete pairs; " : "") + pairs + ", lines " + range;
            break;
        case bots::GridStatus::Stopping:
            sum.status = "stopping";
            sum.note = "stopping: " + std::to_string(gs.orders.size()) + " orders still open";
            break;
        case bots::GridStatus::Stopped: {
            static const char* const why[] = {"", " by its stop loss", " by its take profit", " on request"};
            sum.status = "stopped";
            sum.note = std::string("stopped") + why[static_cast<int>(gs.reason)] + " after " + pairs;
            break;
        }
    }
    botkit::JsonObject summary = botkit::summaryJson(sum, pair().quoteScale);
    summary->set("completed_pairs", g.completedPairs());
    summary->set("lowest_line", g.lowestLine().toString());
    summary->set("highest_line", g.highestLine().toString());
    o->set("summary", summary);
    return botkit::stringify(o);
}

}  // namespace bourse::grid
