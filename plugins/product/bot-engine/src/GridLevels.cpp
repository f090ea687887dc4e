#include <bourse/bots/GridLevels.h>

#include "GridMath.h"

#include <limits>
#include <optional>
#include <stdexcept>

namespace bourse::bots {
namespace {

constexpr int kRootScale = 36;

/// r^n with 36 decimals, or nullopt once it exceeds cap (or 127 bits).
std::optional<Wide> powCapped(Wide r, std::int64_t n, Wide cap) {
    const Wide one = pow10w(kRootScale);
    Wide result = one, base = r;
    try {
        while (n > 0) {
            if (n & 1) {
                result = mulDiv(result, base, one, Rounding::HalfAwayFromZero);
                if (result > cap) return std::nullopt;
            }
            n >>= 1;
            if (n > 0) {
                base = mulDiv(base, base, one, Rounding::HalfAwayFromZero);
                if (base > cap) return std::nullopt;
            }
        }
    } catch (const std::overflow_error&) {
        return std::nullopt;
    }
    return result;
}

}  // namespace

namespace detail {

Decimal qtyPerOrder(const GridParams& params, const Pair& pair, const GridLevels& levels, const Decimal& price) {
    const Wide p = unitsAt(price, pair.priceScale());
    Wide sum = 0;  // price units: buy lines below the price, the price for each sell
    for (int k = 0; k < params.gridCount; ++k) {
        const Wide lk = unitsAt(levels.line(k), pair.priceScale());
        sum += lk < p ? lk : p;
    }
    const Wide full = 10000 * pow10w(params.feeBps.scale);
    // Q units = investment / 10^qs / (sum / 10^ps) × 10^qsc / (1 + f)
    return pair.floorQty(
        mulDivN({params.investment, pow10w(pair.priceScale() + pair.qtyScale()), full}, {1}, Rounding::Floor),
        static_cast<Wide>(pow10w(pair.quoteScale())) * sum * (full + params.feeBps.mantissa));
}

}  // namespace detail

GridLevels::GridLevels(const GridParams& params)
    : pair_((requireValid(detail::validateGridShape(params)), params.pair)),
      spacing_(params.spacing),
      count_(params.gridCount) {
    lower_ = unitsAt(params.lower, pair_.priceScale());
    upper_ = unitsAt(params.upper, pair_.priceScale());
    if (spacing_ == GridSpacing::Geometric) {
        // The largest r with r^N ≤ upper / lower (N ≥ 2 and upper ≤ 100 × lower, so r ≤ 10).
        const Wide one = pow10w(kRootScale);
        const Wide cap = mulDiv(upper_, one, lower_, Rounding::Floor);
        Wide lo = one, hi = 10 * one + 1;
        while (hi - lo > 1) {
            const Wide mid = lo + (hi - lo) / 2;
            if (powCapped(mid, count_, cap))
                lo = mid;
            else
                hi = mid;
        }
        r36_ = lo;
    }
}

Decimal GridLevels::line(std::int64_t k) const {
    if (k < 0) throw std::invalid_argument("grid line below 0");
    if (k == count_) return decimalAt(upper_, pair_.priceScale());
    if (spacing_ == GridSpacing::Arithmetic)
        return pair_.priceFromRatio(lower_ * count_ + k * (upper_ - lower_), count_);
    const std::optional<Wide> rk = powCapped(r36_, k, std::numeric_limits<Wide>::max());
    if (!rk) throw std::overflow_error("grid line out of range");
    const Wide tick = pair_.spec().tickSize.mantissa;
    const Wide ticks = mulDivN({lower_, *rk}, {pow10w(kRootScale), tick}, Rounding::HalfAwayFromZero);
    return decimalAt(ticks * tick, pair_.priceScale());
}

std::vector<Decimal> GridLevels::lines() const {
    std::vector<Decimal> out;
    for (int k = 0; k <= count_; ++k)
        out.push_back(line(k));
    return out;
}

Decimal GridLevels::ratio() const {
    if (spacing_ == GridSpacing::Arithmetic) return Decimal(1, 0);
    return decimalAt(mulDivN({r36_}, {pow10w(kRootScale - 18)}, Rounding::HalfAwayFromZero), 18);
}

Decimal GridLevels::pairProfitPercent(std::int64_t k, const Decimal& feeBps) const {
    const Wide l0 = unitsAt(line(k), pair_.priceScale()), l1 = unitsAt(line(k + 1), pair_.priceScale());
    const Wide full = 10000 * pow10w(feeBps.scale);
    const Wide num = (l1 - l0) * full - static_cast<Wide>(feeBps.mantissa) * (l1 + l0);
    return decimalAt(mulDivN({num, 100 * pow10w(4)}, {l0, full}, Rounding::HalfAwayFromZero), 4);
}

bool GridLevels::coversFees(std::int64_t k, const Decimal& feeBps) const {
    const Wide l0 = unitsAt(line(k), pair_.priceScale()), l1 = unitsAt(line(k + 1), pair_.priceScale());
    const Wide full = 10000 * pow10w(feeBps.scale);
    return (l1 - l0) * full - static_cast<Wide>(feeBps.mantissa) * (l1 + l0) > 0;
}

GridPlan planGrid(const GridParams& params, const Decimal& price) {
    requireValid(validateGridAtPrice(params, price));
    const Pair pair(params.pair);
    const GridLevels levels(params);
    GridPlan plan;
    plan.lines = levels.lines();
    for (int k = 0; k < params.gridCount; ++k)
        ++(plan.lines[static_cast<std::size_t>(k)].compare(price) < 0 ? plan.buyOrders : plan.sellOrders);
    plan.qtyPerOrder = detail::qtyPerOrder(params, pair, levels, price);
    plan.baseToBuy = decimalAt(static_cast<Wide>(plan.qtyPerOrder.mantissa) * plan.sellOrders, pair.qtyScale());
    for (int k = 0; k < params.gridCount; ++k) {
        const Decimal& lk = plan.lines[static_cast<std::size_t>(k)];
        if (lk.compare(price) < 0)
            plan.buyReserve = addChecked(plan.buyReserve, pair.buyNotional(lk, plan.qtyPerOrder));
    }
    plan.baseCostEstimate = pair.buyNotional(price, plan.baseToBuy);
    return plan;
}

}  // namespace bourse::bots
