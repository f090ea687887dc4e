#include <bourse/bots/DcaLadder.h>

#include "DcaMath.h"

#include <stdexcept>

namespace bourse::bots {
namespace detail {

std::vector<Wide> totalDeviations(const DcaParams& params) {
    std::vector<Wide> out;
    const Wide one = pow10w(kFracScale);
    const Wide hundred = 100 * one;
    Wide step = unitsAt(params.priceDeviation, kFracScale);
    Wide total = 0;
    for (int n = 1; n <= params.maxSafetyOrders; ++n) {
        if (n > 1) step = mulDiv(step, unitsAt(params.stepScale, kFracScale), one, Rounding::HalfAwayFromZero);
        total += step;
        if (total >= hundred) break;  // validation reports the ladder reaching zero
        out.push_back(total);
    }
    return out;
}

bool sizesFit(const DcaParams& params, std::vector<std::int64_t>& out) {
    out.clear();
    const Wide one = pow10w(kFracScale);
    Wide factor = one;  // v^(n−1) × 10^18
    const Wide v = unitsAt(params.volumeScale, kFracScale);
    try {
        for (int n = 1; n <= params.maxSafetyOrders; ++n) {
            if (n > 1) factor = mulDiv(factor, v, one, Rounding::HalfAwayFromZero);
            out.push_back(toInt64(mulDiv(params.safetyOrderSize, factor, one, Rounding::Floor)));
        }
    } catch (const std::overflow_error&) {
        return false;
    }
    return true;
}

Decimal ladderPrice(const Pair& pair, const Decimal& basePrice, Wide deviation) {
    const Wide hundred = 100 * pow10w(kFracScale);
    return pair.priceFromRatio(unitsAt(basePrice, pair.priceScale()) * (hundred - deviation), hundred);
}

}  // namespace detail

std::vector<std::int64_t> safetyOrderSizes(const DcaParams& params) {
    std::vector<std::int64_t> sizes;
    if (!detail::sizesFit(params, sizes))
        throw InvalidParams(FieldErrors{{"volume_scale", "a safety order size does not fit 64 bits"}});
    return sizes;
}

std::vector<Decimal> safetyOrderDeviations(const DcaParams& params) {
    std::vector<Decimal> out;
    for (const Wide t : detail::totalDeviations(params))
        out.push_back(decimalAt(mulDivN({t}, {pow10w(detail::kFracScale - 8)}, Rounding::HalfAwayFromZero), 8));
    return out;
}

std::int64_t dcaCapitalRequired(const DcaParams& params) {
    std::int64_t total = params.baseOrderSize;
    for (const std::int64_t s : safetyOrderSizes(params))
        total = addChecked(total, s);
    return total;
}

std::vector<SafetyOrderStep> safetyLadder(const DcaParams& params, const Decimal& basePrice) {
    const Pair pair(params.pair);
    const std::vector<Wide> deviations = detail::totalDeviations(params);
    const std::vector<std::int64_t> sizes = safetyOrderSizes(params);
    const std::vector<Decimal> shown = safetyOrderDeviations(params);
    std::vector<SafetyOrderStep> out;
    for (std::size_t i = 0; i < deviations.size() && i < sizes.size(); ++i) {
        SafetyOrderStep step;
        step.index = static_cast<int>(i) + 1;
        step.deviation = shown[i];
        step.price = detail::ladderPrice(pair, basePrice, deviations[i]);
        step.size = sizes[i];
        step.qty = step.price.mantissa > 0 ? pair.qtyForQuote(step.size, step.price) : pair.zeroQty();
        out.push_back(step);
    }
    return out;
}

DcaPlan planDca(const DcaParams& params, const Decimal& basePrice) {
    requireValid(validateDcaAtPrice(params, basePrice));
    const Pair pair(params.pair);
    DcaPlan plan;
    plan.basePrice = pair.toTick(basePrice);
    plan.baseOrderSize = params.baseOrderSize;
    plan.baseQty = pair.qtyForQuote(params.baseOrderSize, plan.basePrice);
    plan.safetyOrders = safetyLadder(params, plan.basePrice);
    plan.capitalRequired = dcaCapitalRequired(params);
    plan.maxDeviation = plan.safetyOrders.empty() ? Decimal(0, 0) : plan.safetyOrders.back().deviation;

    Wide qty = unitsAt(plan.baseQty, pair.qtyScale());
    std::int64_t cost = pair.buyNotional(plan.basePrice, plan.baseQty);
    for (const SafetyOrderStep& s : plan.safetyOrders) {
        qty += unitsAt(s.qty, pair.qtyScale());
        cost = addChecked(cost, pair.buyNotional(s.price, s.qty));
    }
    plan.worstQty = decimalAt(qty, pair.qtyScale());
    plan.worstCost = cost;
    plan.worstAverageEntry = pair.averagePrice(cost, plan.worstQty);
    plan.worstTakeProfitPrice = pair.priceFromCost(cost, plan.worstQty, params.takeProfit, +1);
    if (params.stopLoss) {
        plan.worstStopLossPrice = pair.priceFromCost(cost, plan.worstQty, *params.stopLoss, -1);
        plan.worstLoss = cost - pair.sellNotional(*plan.worstStopLossPrice, plan.worstQty);
    }
    return plan;
}

}  // namespace bourse::bots
