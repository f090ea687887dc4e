#include <bourse/bots/DcaDeal.h>

#include <algorithm>

#include <stdexcept>

namespace bourse::bots {
namespace {

Decimal addQty(const Decimal& a, const Decimal& b) {
    return Decimal(addChecked(a.mantissa, b.mantissa), a.scale);
}
Decimal subQty(const Decimal& a, const Decimal& b) {
    return Decimal(a.mantissa - b.mantissa, a.scale);
}

}  // namespace

DcaDeal::DcaDeal(const DcaParams& params, std::string id, TimeNs now) : params_(params), pair_(params.pair) {
    requireValid(validateDca(params_));
    s_.id = std::move(id);
    s_.openedAt = now;
    s_.qty = s_.boughtQty = s_.soldQty = pair_.zeroQty();
    DealOrder base;
    base.clientId = s_.id + "-b";
    base.role = DealOrderRole::Base;
    base.side = Side::Buy;
    base.type = OrderType::Market;
    base.quoteAmount = params_.baseOrderSize;
    base.qty = base.filledQty = pair_.zeroQty();
    addOrder(base);
}

DcaDeal::DcaDeal(const DcaParams& params, DealState state) : params_(params), pair_(params.pair), s_(std::move(state)) {
    requireValid(validateDca(params_));
    if (s_.basePrice.mantissa > 0) ladder_ = safetyLadder(params_, s_.basePrice);
}

DealOrder& DcaDeal::addOrder(DealOrder order) {
    if (order.filledQty.scale != pair_.qtyScale()) order.filledQty = pair_.zeroQty();
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

const DealOrder* DcaDeal::order(const std::string& clientId) const {
    for (const DealOrder& o : s_.orders)
        if (o.clientId == clientId) return &o;
    return nullptr;
}

DealOrder* DcaDeal::openTakeProfit() {
    for (DealOrder& o : s_.orders)
        if (o.role == DealOrderRole::TakeProfit && !o.done) return &o;
    return nullptr;
}

bool DcaDeal::anyOpen() const {
    for (const DealOrder& o : s_.orders)
        if (!o.done) return true;
    return false;
}

std::optional<Decimal> DcaDeal::averageEntry() const {
    if (s_.qty.mantissa <= 0) return std::nullopt;
    return pair_.averagePrice(s_.cost, s_.qty);
}

std::optional<Decimal> DcaDeal::takeProfitPrice() const {
    if (s_.qty.mantissa <= 0) return std::nullopt;
    return pair_.priceFromCost(s_.cost, s_.qty, params_.takeProfit, +1);
}

std::optional<Decimal> DcaDeal::stopLossPrice() const {
    if (s_.qty.mantissa <= 0 || !params_.stopLoss) return std::nullopt;
    return pair_.priceFromCost(s_.cost, s_.qty, *params_.stopLoss, -1);
}

std::int64_t DcaDeal::unrealizedPnl(const Decimal& price) const {
    return pair_.markToMarket(price, s_.qty) - s_.cost;
}

DealSummary DcaDeal::summary() const {
    DealSummary d;
    d.id = s_.id;
    d.status = s_.status;
    d.reason = s_.reason;
    d.openedAt = s_.openedAt;
    d.closedAt = s_.closedAt;
    d.basePrice = s_.basePrice;
    d.safetyOrdersFilled = s_.safetyOrdersFilled;
    d.boughtQty = s_.boughtQty;
    d.boughtNotional = s_.boughtNotional;
    d.soldNotional = s_.soldNotional;
    d.fees = s_.fees;
    d.realizedPnl = realizedPnl();
    d.averageEntry = s_.boughtQty.mantissa > 0 ? pair_.averagePrice(s_.boughtNotional, s_.boughtQty) : Decimal();
    return d;
}

void DcaDeal::applyExecution(DealOrder& order, const Decimal& qty, const Decimal& price, std::int64_t fee) {
    s_.fees = addChecked(s_.fees, fee);
    order.filledQty = addQty(order.filledQty, qty);
    if (order.side == Side::Buy) {
        const std::int64_t n = pair_.buyNotional(price, qty);
        s_.qty = addQty(s_.qty, qty);
        s_.cost = addChecked(s_.cost, n);
        s_.boughtQty = addQty(s_.boughtQty, qty);
        s_.boughtNotional = addChecked(s_.boughtNotional, n);
    } else {
        const std::int64_t n = pair_.sellNotional(price, qty);
        const std::int64_t removed =
            qty.mantissa == s_.qty.mantissa
                ? s_.cost
                : toInt64(mulDiv(s_.cost, qty.mantissa, s_.qty.mantissa, Rounding::HalfAwayFromZero));
        s_.cost -= removed;
        s_.qty = subQty(s_.qty, qty);
        s_.realizedGross = addChecked(s_.realizedGross, n - removed);
        s_.soldQty = addQty(s_.soldQty, qty);
        s_.soldNotional = addChecked(s_.soldNotional, n);
    }
}

bool DcaDeal::onFill(const FillReport& fill) {
    DealOrder* found = nullptr;
    for (DealOrder& o : s_.orders)
        if (o.clientId == fill.clientId) found = &o;
    if (found == nullptr || found->done) return false;
    DealOrder& o = *found;
    const Decimal qty = pair_.normalizeQty(fill.qty);
    if (qty.mantissa < 0) throw std::invalid_argument("negative fill quantity");
    if (qty.mantissa > 0) {
        if (fill.price.mantissa <= 0 || fill.price.scale < 0 || fill.price.scale > Decimal::kMaxScale)
            throw std::invalid_argument("fill price must be positive");
        if (fill.feeMinor < 0) throw std::invalid_argument("negative fee");
        if (o.qty.mantissa > 0 && addQty(o.filledQty, qty).mantissa > o.qty.mantissa)
            throw std::invalid_argument("fill beyond the order quantity for " + o.clientId);
        if (o.side == Side::Sell && qty.mantissa > s_.qty.mantissa)
            throw std::invalid_argument("sell fill beyond the position for " + o.clientId);
        applyExecution(o, qty, fill.price, fill.feeMinor);
        if (o.side == Side::Buy && s_.status != DealStatus::Opening) s_.tpStale = true;
        if (o.role == DealOrderRole::Safety && o.filledQty.mantissa == qty.mantissa) ++s_.safetyOrdersFilled;
    }
    if (fill.done) {
        o.done = true;
        switch (o.role) {
            case DealOrderRole::Base:
                if (s_.status == DealStatus::Opening) {
                    if (s_.qty.mantissa == 0) {
                        beginClosing(CloseReason::Failed, fill.ts);
                    } else {
                        s_.basePrice = pair_.priceFromCost(s_.cost, s_.qty, Decimal(0, 0), +1);
                        ladder_ = safetyLadder(params_, s_.basePrice);
                        s_.status = DealStatus::Active;
                        s_.tpStale = true;
                    }
                } else if (s_.qty.mantissa > 0 && s_.basePrice.mantissa == 0) {
                    s_.basePrice = pair_.priceFromCost(s_.cost, s_.qty, Decimal(0, 0), +1);
                }
                break;
            case DealOrderRole::TakeProfit:
                if (s_.status == DealStatus::Active) {
                    if (s_.qty.mantissa == 0)
                        beginClosing(CloseReason::TakeProfit, fill.ts);
                    else if (o.cancelRequested)
                        s_.tpStale = true;  // replaced: place the new one now
                }
                break;
            case DealOrderRole::Exit:
                if (s_.qty.mantissa > 0) s_.exitWaitsForTick = true;
                break;
            case DealOrderRole::Safety:
                break;
        }
    }
    reconcile(fill.ts);
    return true;
}

void DcaDeal::onTick(const Decimal& price, TimeNs ts) {
    if (s_.status == DealStatus::Active && s_.qty.mantissa > 0) {
        const std::optional<Decimal> sl = stopLossPrice();
        if (sl && price.compare(*sl) <= 0) {
            beginClosing(CloseReason::StopLoss, ts);
        } else if (openTakeProfit() == nullptr) {
            s_.tpStale = true;  // the last one ended without our cancel: place it again
        }
    }
    s_.exitWaitsForTick = false;
    reconcile(ts);
}

int DcaDeal::openSafetyOrders() const {
    return static_cast<int>(std::count_if(s_.orders.begin(), s_.orders.end(), [](const DealOrder& o) {
        return o.role == DealOrderRole::Safety && !o.done;
    }));
}

bool DcaDeal::safetyOrderDue(int open) const {
    const int maxActive = params_.maxActiveSafetyOrders == 0 ? params_.maxSafetyOrders : params_.maxActiveSafetyOrders;
    return open < maxActive && s_.safetyOrdersPlaced < static_cast<int>(ladder_.size());
}

std::optional<QuietBand> DcaDeal::quietBand() const {
    // Exactly the states in which onTick() would neither trigger nor place anything.
    if (s_.status != DealStatus::Active || s_.qty.mantissa <= 0 || s_.tpStale) return std::nullopt;
    const bool takeProfitOpen = std::any_of(s_.orders.begin(), s_.orders.end(), [](const DealOrder& o) {
        return o.role == DealOrderRole::TakeProfit && !o.done;
    });
    if (!takeProfitOpen || safetyOrderDue(openSafetyOrders())) return std::nullopt;
    QuietBand band;
    band.wakeAtOrBelow = stopLossPrice();
    return band;
}

void DcaDeal::close(CloseMode mode, TimeNs now) {
    if (s_.status == DealStatus::Closed || s_.status == DealStatus::Closing) return;
    s_.closeMode = mode;
    beginClosing(CloseReason::Manual, now);
    reconcile(now);
}

void DcaDeal::beginClosing(CloseReason reason, TimeNs /*ts*/) {
    s_.status = DealStatus::Closing;
    s_.reason = reason;
}

void DcaDeal::reconcile(TimeNs ts) {
    if (s_.status == DealStatus::Active) {
        // Safety orders: keep up to max_active on the book, next ones as earlier ones fill.
        int open = openSafetyOrders();
        while (safetyOrderDue(open)) {
            const SafetyOrderStep& step = ladder_[static_cast<std::size_t>(s_.safetyOrdersPlaced)];
            ++s_.safetyOrdersPlaced;
            if (step.qty.mantissa <= 0 || step.price.mantissa <= 0) continue;  // below one lot: skipped
            DealOrder so;
            so.clientId = s_.id + "-s" + std::to_string(step.index);
            so.role = DealOrderRole::Safety;
            so.index = step.index;
            so.side = Side::Buy;
            so.type = OrderType::Limit;
            so.price = step.price;
            so.qty = step.qty;
            addOrder(so);
            ++open;
        }
        // Take profit: replace it when the position changed.
        if (s_.tpStale) {
            if (DealOrder* tp = openTakeProfit()) {
                if (!tp->cancelRequested) {
                    tp->cancelRequested = true;
                    intents_.push_back(cancelOrder(tp->clientId));
                }
            } else if (s_.qty.mantissa > 0) {
                DealOrder tpOrder;
                tpOrder.clientId = s_.id + "-t" + std::to_string(++s_.tpVersion);
                tpOrder.role = DealOrderRole::TakeProfit;
                tpOrder.index = s_.tpVersion;
                tpOrder.side = Side::Sell;
                tpOrder.type = OrderType::Limit;
                tpOrder.price = *takeProfitPrice();
                tpOrder.qty = s_.qty;
                addOrder(tpOrder);
                s_.tpStale = false;
            }
        }
        return;
    }
    if (s_.status != DealStatus::Closing) return;
    bool waiting = false;
    for (DealOrder& o : s_.orders) {
        if (o.done) continue;
        waiting = true;
        if (o.role != DealOrderRole::Exit && !o.cancelRequested) {
            o.cancelRequested = true;
            intents_.push_back(cancelOrder(o.clientId));
        }
    }
    if (waiting) return;
    if (s_.qty.mantissa > 0 && s_.closeMode == CloseMode::SellAtMarket) {
        if (s_.exitWaitsForTick) return;
        DealOrder exit;
        exit.clientId = s_.id + "-x" + std::to_string(++s_.exitVersion);
        exit.role = DealOrderRole::Exit;
        exit.index = s_.exitVersion;
        exit.side = Side::Sell;
        exit.type = OrderType::Market;
        exit.qty = s_.qty;
        addOrder(exit);
        return;
    }
    s_.status = DealStatus::Closed;
    s_.closedAt = ts;
}

std::vector<OrderIntent> DcaDeal::takeIntents() {
    std::vector<OrderIntent> out;
    out.swap(intents_);
    return out;
}

}  // namespace bourse::bots
