#include <bourse/bots/GridBot.h>

#include <stdexcept>

namespace bourse::bots {
namespace {

Decimal addQty(const Decimal& a, const Decimal& b) {
    return Decimal(addChecked(a.mantissa, b.mantissa), a.scale);
}
Decimal subQty(const Decimal& a, const Decimal& b) {
    return Decimal(a.mantissa - b.mantissa, a.scale);
}

/// The share of cost that goes with `part` of `whole` (all of it when part == whole).
std::int64_t costShare(std::int64_t cost, const Decimal& part, const Decimal& whole) {
    if (part.mantissa == whole.mantissa) return cost;
    return toInt64(mulDiv(cost, part.mantissa, whole.mantissa, Rounding::HalfAwayFromZero));
}

constexpr Wide kYearNs = static_cast<Wide>(365) * 24 * 3600 * 1000000000LL;

}  // namespace

GridBot::GridBot(GridParams params)
    : params_((requireValid(validateGrid(params)), std::move(params))), pair_(params_.pair), levels_(params_) {
    s_.qtyPerOrder = s_.looseQty = s_.initialQty = pair_.zeroQty();
    s_.sellOnStop = params_.sellBaseOnStop;
}

GridBot::GridBot(GridParams params, GridState state) : GridBot(std::move(params)) {
    s_ = std::move(state);
}

GridInterval* GridBot::interval(std::int64_t k) {
    for (GridInterval& iv : s_.intervals)
        if (iv.k == k) return &iv;
    return nullptr;
}

GridOrder& GridBot::place(GridOrder order) {
    order.clientId = params_.idPrefix + "g" + std::to_string(s_.nextOrderSeq++);
    order.filledQty = pair_.zeroQty();
    OrderIntent intent;
    intent.clientId = order.clientId;
    intent.side = order.side;
    intent.type = order.type;
    intent.price = order.price;
    intent.qty = order.qty;
    intent.quoteAmount = order.quoteAmount;
    intents_.push_back(std::move(intent));
    s_.orders.push_back(std::move(order));
    return s_.orders.back();
}

void GridBot::placeIntervalOrder(GridInterval& iv) {
    GridOrder o;
    o.interval = iv.k;
    o.type = OrderType::Limit;
    if (iv.side == Side::Buy) {
        if (iv.qty.mantissa <= 0) return;
        o.kind = GridOrderKind::IntervalBuy;
        o.side = Side::Buy;
        o.price = levels_.line(iv.k);
        o.qty = iv.qty;
    } else {
        if (iv.held.mantissa <= 0) return;
        o.kind = GridOrderKind::IntervalSell;
        o.side = Side::Sell;
        o.price = levels_.line(iv.k + 1);
        o.qty = iv.held;
    }
    iv.orderId = place(o).clientId;
}

void GridBot::start(const Decimal& price, TimeNs ts) {
    if (s_.status != GridStatus::NotStarted) throw std::logic_error("grid already started");
    const GridPlan plan = planGrid(params_, price);
    s_.startedAt = ts;
    s_.startPrice = s_.lastPrice = price;
    s_.qtyPerOrder = plan.qtyPerOrder;
    for (int k = 0; k < params_.gridCount; ++k) {
        GridInterval iv;
        iv.k = k;
        iv.side = plan.lines[static_cast<std::size_t>(k)].compare(price) < 0 ? Side::Buy : Side::Sell;
        iv.qty = plan.qtyPerOrder;
        iv.held = pair_.zeroQty();
        s_.intervals.push_back(iv);
    }
    if (plan.sellOrders > 0) {
        GridOrder buy;
        buy.kind = GridOrderKind::InitialBuy;
        buy.side = Side::Buy;
        buy.type = OrderType::Market;
        buy.qty = plan.baseToBuy;
        place(buy);
        s_.status = GridStatus::Starting;
    } else {
        s_.status = GridStatus::Running;
    }
    for (GridInterval& iv : s_.intervals)
        if (iv.side == Side::Buy) placeIntervalOrder(iv);
}

void GridBot::onTick(const Decimal& price, TimeNs ts) {
    if (s_.status == GridStatus::NotStarted) {
        start(price, ts);
        return;
    }
    s_.lastPrice = price;
    s_.exitWaitsForTick = false;
    if (s_.status == GridStatus::Starting || s_.status == GridStatus::Running) {
        if (params_.stopLoss && price.compare(*params_.stopLoss) <= 0)
            beginStop(GridStopReason::StopLoss, ts);
        else if (params_.takeProfit && price.compare(*params_.takeProfit) >= 0)
            beginStop(GridStopReason::TakeProfit, ts);
    }
    if (s_.status == GridStatus::Running || s_.status == GridStatus::Starting)
        for (GridInterval& iv : s_.intervals)
            if (iv.orderId.empty()) placeIntervalOrder(iv);
    reconcile(ts);
}

void GridBot::stop(TimeNs now, std::optional<bool> sellBase) {
    if (sellBase) s_.sellOnStop = *sellBase;
    if (s_.status == GridStatus::NotStarted) {
        s_.status = GridStatus::Stopped;
        s_.reason = GridStopReason::Manual;
        s_.stoppedAt = now;
        return;
    }
    beginStop(GridStopReason::Manual, now);
    reconcile(now);
}

void GridBot::beginStop(GridStopReason reason, TimeNs /*ts*/) {
    if (s_.status == GridStatus::Stopping || s_.status == GridStatus::Stopped) return;
    s_.status = GridStatus::Stopping;
    s_.reason = reason;
}

bool GridBot::onFill(const FillReport& fill) {
    std::size_t index = s_.orders.size();
    for (std::size_t i = 0; i < s_.orders.size(); ++i)
        if (s_.orders[i].clientId == fill.clientId) index = i;
    if (index == s_.orders.size()) return false;  // unknown, or already done
    GridOrder& o = s_.orders[index];
    const Decimal qty = pair_.normalizeQty(fill.qty);
    if (qty.mantissa < 0) throw std::invalid_argument("negative fill quantity");
    GridInterval* iv = (o.kind == GridOrderKind::IntervalBuy || o.kind == GridOrderKind::IntervalSell ||
                        o.kind == GridOrderKind::ShiftBuy)
                           ? interval(o.interval)
                           : nullptr;
    if (qty.mantissa > 0) {
        if (fill.price.mantissa <= 0 || fill.price.scale < 0 || fill.price.scale > Decimal::kMaxScale)
            throw std::invalid_argument("fill price must be positive");
        if (fill.feeMinor < 0) throw std::invalid_argument("negative fee");
        if (o.qty.mantissa > 0 && addQty(o.filledQty, qty).mantissa > o.qty.mantissa)
            throw std::invalid_argument("fill beyond the order quantity for " + o.clientId);
        if (o.kind == GridOrderKind::IntervalSell && (iv == nullptr || qty.mantissa > iv->held.mantissa))
            throw std::invalid_argument("sell fill beyond what the interval holds for " + o.clientId);
        if (o.kind == GridOrderKind::Exit && qty.mantissa > s_.looseQty.mantissa)
            throw std::invalid_argument("exit fill beyond the held base for " + o.clientId);
        s_.fees = addChecked(s_.fees, fill.feeMinor);
        o.filledQty = addQty(o.filledQty, qty);
        if (o.side == Side::Buy) {
            const std::int64_t cost = addChecked(pair_.buyNotional(fill.price, qty), fill.feeMinor);
            if (o.kind == GridOrderKind::InitialBuy) {
                s_.initialQty = addQty(s_.initialQty, qty);
                s_.initialCost = addChecked(s_.initialCost, cost);
            } else if (iv != nullptr) {
                iv->held = addQty(iv->held, qty);
                iv->heldCost = addChecked(iv->heldCost, cost);
            } else {
                s_.looseQty = addQty(s_.looseQty, qty);
                s_.looseCost = addChecked(s_.looseCost, cost);
            }
        } else {
            const std::int64_t net = pair_.sellNotional(fill.price, qty) - fill.feeMinor;
            if (o.kind == GridOrderKind::IntervalSell) {
                const std::int64_t removed = costShare(iv->heldCost, qty, iv->held);
                iv->heldCost -= removed;
                iv->held = subQty(iv->held, qty);
                iv->pendingProfit += net - removed;
                s_.gridProfit = addChecked(s_.gridProfit, net - removed);
            } else {  // Exit
                const std::int64_t removed = costShare(s_.looseCost, qty, s_.looseQty);
                s_.looseCost -= removed;
                s_.looseQty = subQty(s_.looseQty, qty);
                s_.closingPnl = addChecked(s_.closingPnl, net - removed);
            }
        }
    }
    if (!fill.done) return true;

    const GridOrder done = o;
    s_.orders.erase(s_.orders.begin() + static_cast<std::ptrdiff_t>(index));
    if (iv != nullptr && iv->orderId == done.clientId) iv->orderId.clear();
    // Pairs keep working while the start's market buy is out.
    const bool running = s_.status == GridStatus::Running || s_.status == GridStatus::Starting;
    switch (done.kind) {
        case GridOrderKind::IntervalBuy:
            if (iv == nullptr) break;
            if (s_.shiftInProgress && done.cancelRequested && s_.status == GridStatus::Running &&
                iv == &s_.intervals.front()) {
                completeShiftCancel(*iv, done);
                break;
            }
            if (iv->held.mantissa > 0) {
                iv->side = Side::Sell;
                if (running) placeIntervalOrder(*iv);
            }
            break;
        case GridOrderKind::IntervalSell:
            if (iv == nullptr) break;
            if (iv->held.mantissa == 0) {
                ++iv->rounds;
                ++s_.completedPairs;
                s_.lastPairProfit = iv->pendingProfit;
                iv->pendingProfit = 0;
                iv->side = Side::Buy;
                if (iv->qty.mantissa == 0) iv->qty = s_.qtyPerOrder;
                if (running) placeIntervalOrder(*iv);
            }
            break;
        case GridOrderKind::InitialBuy: {
            // Share the purchase out, lowest sell interval first, cost pro rata.
            Decimal given = pair_.zeroQty();
            std::int64_t costGiven = 0;
            for (GridInterval& each : s_.intervals) {
                if (each.side != Side::Sell || each.held.mantissa > 0) continue;
                const std::int64_t left = s_.initialQty.mantissa - given.mantissa;
                const Decimal share(left < each.qty.mantissa ? left : each.qty.mantissa, pair_.qtyScale());
                if (share.mantissa <= 0) {
                    each.side = Side::Buy;  // not funded: it waits for its line from below
                    continue;
                }
                given = addQty(given, share);
                const std::int64_t upTo = costShare(s_.initialCost, given, s_.initialQty);
                each.held = share;
                each.heldCost = upTo - costGiven;
                costGiven = upTo;
            }
            if (s_.initialQty.mantissa > given.mantissa) {  // more than asked for: keep it apart
                s_.looseQty = addQty(s_.looseQty, subQty(s_.initialQty, given));
                s_.looseCost = addChecked(s_.looseCost, s_.initialCost - costGiven);
            }
            if (s_.status == GridStatus::Starting) {
                s_.status = GridStatus::Running;
                for (GridInterval& each : s_.intervals)
                    if (each.side == Side::Sell && each.orderId.empty()) placeIntervalOrder(each);
            }
            break;
        }
        case GridOrderKind::ShiftBuy:
            s_.shiftInProgress = false;
            if (iv == nullptr) break;
            if (iv->held.mantissa > 0) {
                iv->side = Side::Sell;
                iv->qty = iv->held;
                if (running) placeIntervalOrder(*iv);
            } else {
                iv->side = Side::Buy;
                iv->qty = pair_.qtyForQuote(done.quoteAmount, levels_.line(iv->k));
                if (iv->qty.mantissa == 0) s_.intervals.pop_back();
            }
            break;
        case GridOrderKind::Exit:
            if (s_.looseQty.mantissa > 0) s_.exitWaitsForTick = true;
            break;
    }
    reconcile(fill.ts);
    return true;
}

void GridBot::completeShiftCancel(GridInterval& lowest, const GridOrder& cancelled) {
    // What the cancelled buy got in the race stays held, apart from the grid.
    s_.looseQty = addQty(s_.looseQty, lowest.held);
    s_.looseCost = addChecked(s_.looseCost, lowest.heldCost);
    const Decimal unfilled = subQty(cancelled.qty, cancelled.filledQty);
    const std::int64_t released = pair_.buyNotional(cancelled.price, unfilled);
    s_.intervals.erase(s_.intervals.begin());
    GridInterval top;
    top.k = s_.intervals.back().k + 1;
    top.side = Side::Sell;
    top.qty = top.held = pair_.zeroQty();
    s_.intervals.push_back(top);
    ++s_.shifts;
    GridOrder buy;
    buy.kind = GridOrderKind::ShiftBuy;
    buy.interval = top.k;
    buy.side = Side::Buy;
    buy.type = OrderType::Market;
    buy.qty = pair_.zeroQty();
    buy.quoteAmount = released;
    place(buy);
}

std::optional<Decimal> GridBot::shiftTrigger() const {
    if (!params_.trailingUp || s_.shiftInProgress || s_.status != GridStatus::Running || s_.intervals.size() < 2)
        return std::nullopt;
    const std::int64_t topK = s_.intervals.back().k;
    try {
        const Decimal newTop = levels_.line(topK + 2);
        if (params_.trailingUpLimit && newTop.compare(*params_.trailingUpLimit) > 0) return std::nullopt;
        return levels_.line(topK + 1);
    } catch (const std::overflow_error&) {
        return std::nullopt;  // beyond what the geometric ratio can reach
    }
}

void GridBot::maybeShift() {
    const std::optional<Decimal> trigger = shiftTrigger();
    if (!trigger || s_.lastPrice.compare(*trigger) <= 0) return;
    GridInterval& lowest = s_.intervals.front();
    if (lowest.side != Side::Buy || lowest.orderId.empty() || lowest.held.mantissa != 0) return;
    for (GridOrder& o : s_.orders)
        if (o.clientId == lowest.orderId) {
            if (o.filledQty.mantissa != 0 || o.cancelRequested) return;
            o.cancelRequested = true;
            intents_.push_back(cancelOrder(o.clientId));
            s_.shiftInProgress = true;
            return;
        }
}

std::optional<QuietBand> GridBot::quietBand() const {
    // Exactly the states in which onTick() would only remember the price.
    if (s_.status != GridStatus::Running || s_.exitWaitsForTick || s_.shiftInProgress) return std::nullopt;
    for (const GridInterval& iv : s_.intervals)
        if (iv.orderId.empty()) return std::nullopt;  // the next tick places it again
    QuietBand band;
    band.wakeAtOrBelow = params_.stopLoss;
    band.wakeAtOrAbove = params_.takeProfit;
    if (const std::optional<Decimal> trigger = shiftTrigger()) {
        // A fill re-checks the shift against the last price seen, so that price
        // must stay exact while it is above the trigger: awake until it is not.
        if (s_.lastPrice.compare(*trigger) > 0) return std::nullopt;
        // Waking at the trigger exactly costs one harmless tick.
        if (!band.wakeAtOrAbove || trigger->compare(*band.wakeAtOrAbove) < 0) band.wakeAtOrAbove = trigger;
    }
    return band;
}

void GridBot::reconcile(TimeNs ts) {
    if (s_.status == GridStatus::Running) {
        maybeShift();
        return;
    }
    if (s_.status != GridStatus::Stopping) return;
    bool waiting = false;
    for (GridOrder& o : s_.orders) {
        waiting = true;
        if (o.kind != GridOrderKind::Exit && !o.cancelRequested) {
            o.cancelRequested = true;
            intents_.push_back(cancelOrder(o.clientId));
        }
    }
    if (waiting) return;
    // Everything held moves to the stop's account.
    for (GridInterval& iv : s_.intervals) {
        s_.looseQty = addQty(s_.looseQty, iv.held);
        s_.looseCost = addChecked(s_.looseCost, iv.heldCost);
        iv.held = pair_.zeroQty();
        iv.heldCost = 0;
    }
    if (s_.sellOnStop && s_.looseQty.mantissa > 0) {
        if (s_.exitWaitsForTick) return;
        GridOrder exit;
        exit.kind = GridOrderKind::Exit;
        exit.side = Side::Sell;
        exit.type = OrderType::Market;
        exit.qty = s_.looseQty;
        place(exit);
        return;
    }
    s_.status = GridStatus::Stopped;
    s_.stoppedAt = ts;
}

std::vector<OrderIntent> GridBot::takeIntents() {
    std::vector<OrderIntent> out;
    out.swap(intents_);
    return out;
}

Decimal GridBot::lowestLine() const {
    return levels_.line(s_.intervals.empty() ? 0 : s_.intervals.front().k);
}

Decimal GridBot::highestLine() const {
    return levels_.line(s_.intervals.empty() ? params_.gridCount : s_.intervals.back().k + 1);
}

Decimal GridBot::heldQty() const {
    Decimal total = s_.looseQty;
    for (const GridInterval& iv : s_.intervals)
        total = addQty(total, iv.held);
    return total;
}

std::int64_t GridBot::heldCost() const {
    std::int64_t total = s_.looseCost;
    for (const GridInterval& iv : s_.intervals)
        total = addChecked(total, iv.heldCost);
    return total;
}

std::int64_t GridBot::floatingPnl(const Decimal& price) const {
    return pair_.markToMarket(price, heldQty()) - heldCost();
}

std::int64_t GridBot::totalPnl(const Decimal& price) const {
    return addChecked(addChecked(s_.gridProfit, s_.closingPnl), floatingPnl(price));
}

Decimal GridBot::annualizedReturn(TimeNs now) const {
    const TimeNs elapsed = now - s_.startedAt;
    if (s_.status == GridStatus::NotStarted || elapsed <= 0) return Decimal(0, 4);
    return decimalAt(
        mulDivN({s_.gridProfit, kYearNs, 100 * pow10w(4)}, {params_.investment, elapsed}, Rounding::HalfAwayFromZero),
        4);
}

}  // namespace bourse::bots
