#include <bourse/bots/DcaBot.h>

namespace bourse::bots {

DcaBot::DcaBot(DcaParams params) : params_(std::move(params)), pair_(params_.pair) {
    requireValid(validateDca(params_));
}

DcaBot::DcaBot(DcaParams params, DcaBotState state, std::vector<DealState> activeDeals) : DcaBot(std::move(params)) {
    s_ = std::move(state);
    for (DealState& d : activeDeals)
        active_.push_back(std::make_unique<DcaDeal>(params_, std::move(d)));
}

void DcaBot::collect(DcaDeal& deal) {
    for (OrderIntent& i : deal.takeIntents())
        intents_.push_back(std::move(i));
}

void DcaBot::retireClosed() {
    for (auto it = active_.begin(); it != active_.end();) {
        if ((*it)->closed()) {
            collect(**it);
            s_.lastDealClose = (*it)->state().closedAt;
            s_.closedDeals.push_back((*it)->summary());
            it = active_.erase(it);
        } else {
            ++it;
        }
    }
}

std::optional<Decimal> DcaBot::recentHigh() const {
    if (s_.highWindow.empty()) return std::nullopt;
    return s_.highWindow.front().price;
}

std::optional<TimeNs> DcaBot::cooldownUntil() const {
    std::optional<TimeNs> until;
    for (const std::optional<TimeNs>& t : {s_.lastDealStart, s_.lastDealClose})
        if (t && (!until || *t + params_.cooldownNs > *until)) until = *t + params_.cooldownNs;
    return until;
}

bool DcaBot::startConditionHolds(const Decimal& price) const {
    if (params_.start == StartCondition::Immediate) return true;
    const std::optional<Decimal> high = recentHigh();
    if (!high) return false;
    // price ≤ high × (100 − drop) / 100, exactly.
    const int scale = params_.startDrop.scale;
    const Wide hundred = 100 * pow10w(scale);
    const int ps = price.scale > high->scale ? price.scale : high->scale;
    const Wide lhs = unitsAt(price, ps) * hundred;
    const Wide rhs = unitsAt(*high, ps) * (hundred - params_.startDrop.mantissa);
    return lhs <= rhs;
}

void DcaBot::onTick(const Decimal& price, TimeNs ts) {
    if (params_.start == StartCondition::AfterDrop) {
        while (!s_.highWindow.empty() && s_.highWindow.back().price.compare(price) <= 0)
            s_.highWindow.pop_back();
        s_.highWindow.push_back({ts, price});
        while (s_.highWindow.front().ts < ts - params_.startLookbackNs)
            s_.highWindow.pop_front();
    }
    for (auto& deal : active_) {
        deal->onTick(price, ts);
        collect(*deal);
    }
    retireClosed();

    if (!s_.acceptingDeals || static_cast<int>(active_.size()) >= params_.maxActiveDeals) return;
    const std::optional<TimeNs> until = cooldownUntil();
    if (until && ts < *until) return;
    if (!startConditionHolds(price)) return;
    const FieldErrors errors = validateDcaAtPrice(params_, price);
    if (!errors.empty()) {
        s_.lastStartError = InvalidParams(errors).what();
        return;
    }
    s_.lastStartError.clear();
    const std::string id = params_.idPrefix + "d" + std::to_string(s_.nextDealSeq++);
    active_.push_back(std::make_unique<DcaDeal>(params_, id, ts));
    s_.lastDealStart = ts;
    collect(*active_.back());
}

bool DcaBot::onFill(const FillReport& fill) {
    const std::size_t dash = fill.clientId.rfind('-');
    if (dash == std::string::npos) return false;
    const std::string dealId = fill.clientId.substr(0, dash);
    for (auto& deal : active_) {
        if (deal->id() != dealId) continue;
        const bool applied = deal->onFill(fill);
        collect(*deal);
        retireClosed();
        return applied;
    }
    return false;
}

std::optional<QuietBand> DcaBot::quietBand() const {
    if (params_.start == StartCondition::AfterDrop || finished()) return std::nullopt;
    QuietBand band;
    for (const auto& deal : active_) {
        const std::optional<QuietBand> quiet = deal->quietBand();
        if (!quiet) return std::nullopt;
        // The highest stop loss is the first a falling price reaches.
        if (quiet->wakeAtOrBelow && (!band.wakeAtOrBelow || quiet->wakeAtOrBelow->compare(*band.wakeAtOrBelow) > 0))
            band.wakeAtOrBelow = quiet->wakeAtOrBelow;
    }
    if (s_.acceptingDeals && static_cast<int>(active_.size()) < params_.maxActiveDeals) {
        // With an immediate start the next deal opens on the first tick after the cooldown.
        const std::optional<TimeNs> until = cooldownUntil();
        if (!until) return std::nullopt;
        band.wakeAt = *until;
    }
    return band;
}

std::vector<OrderIntent> DcaBot::takeIntents() {
    std::vector<OrderIntent> out;
    out.swap(intents_);
    return out;
}

bool DcaBot::finished() const {
    return !s_.acceptingDeals && active_.empty();
}

void DcaBot::stop(CloseMode mode, TimeNs now) {
    s_.acceptingDeals = false;
    for (auto& deal : active_) {
        deal->close(mode, now);
        collect(*deal);
    }
    retireClosed();
}

std::int64_t DcaBot::realizedPnl() const {
    std::int64_t total = 0;
    for (const DealSummary& d : s_.closedDeals)
        total = addChecked(total, d.realizedPnl);
    for (const auto& deal : active_)
        total = addChecked(total, deal->realizedPnl());
    return total;
}

std::int64_t DcaBot::feesPaid() const {
    std::int64_t total = 0;
    for (const DealSummary& d : s_.closedDeals)
        total = addChecked(total, d.fees);
    for (const auto& deal : active_)
        total = addChecked(total, deal->state().fees);
    return total;
}

std::int64_t DcaBot::unrealizedPnl(const Decimal& price) const {
    // Marked as one holding (rounded once), like a wallet would value it.
    std::int64_t qty = 0, cost = 0;
    for (const auto& deal : active_) {
        qty = addChecked(qty, deal->state().qty.mantissa);
        cost = addChecked(cost, deal->state().cost);
    }
    return pair_.markToMarket(price, Decimal(qty, pair_.qtyScale())) - cost;
}

}  // namespace bourse::bots
