#include <bourse/bots/GridLevels.h>
#include <bourse/bots/GridParams.h>

#include "GridMath.h"

namespace bourse::bots {
namespace detail {

namespace {

bool onTick(const Pair& pair, const Decimal& price) {
    if (price.scale < 0 || price.scale > Decimal::kMaxScale) return false;
    return pair.toTick(price) == price;
}

}  // namespace

FieldErrors validateGridShape(const GridParams& p) {
    FieldErrors errors = validatePair(p.pair, "pair");
    if (!errors.empty()) return errors;
    const Pair pair(p.pair);
    const bool lowerOk = p.lower.mantissa > 0 && onTick(pair, p.lower);
    if (!lowerOk) errors.push_back({"lower", "must be positive and on the pair's tick size"});
    if (p.upper.mantissa <= 0 || !onTick(pair, p.upper)) {
        errors.push_back({"upper", "must be positive and on the pair's tick size"});
    } else if (lowerOk) {
        if (p.upper.compare(p.lower) <= 0)
            errors.push_back({"upper", "must be above lower"});
        else if (p.upper.compare(Decimal(mulChecked(p.lower.mantissa, 100), p.lower.scale)) > 0)
            errors.push_back({"upper", "must be at most 100 × lower"});
    }
    if (p.gridCount < 2 || p.gridCount > 500) errors.push_back({"grid_count", "must be between 2 and 500"});
    return errors;
}

}  // namespace detail

FieldErrors validateGrid(const GridParams& p) {
    FieldErrors errors = detail::validateGridShape(p);
    const bool shapeOk = errors.empty();
    if (p.investment <= 0) errors.push_back({"investment", "must be positive"});
    const bool feeOk = p.feeBps.scale >= 0 && p.feeBps.scale <= Decimal::kMaxScale && p.feeBps.mantissa >= 0 &&
                       p.feeBps.compare(Decimal(1000, 0)) < 0;
    if (!feeOk) errors.push_back({"fee_bps", "must be at least 0 and below 1000"});
    if (shapeOk && feeOk) {
        const GridLevels levels(p);
        const std::vector<Decimal> lines = levels.lines();
        bool distinct = true;
        for (std::size_t k = 1; k < lines.size(); ++k)
            if (lines[k].compare(lines[k - 1]) <= 0) distinct = false;
        if (!distinct) {
            errors.push_back({"grid_count", "lines would be closer than one tick"});
        } else {
            for (int k = 0; k < p.gridCount; ++k)
                if (!levels.coversFees(k, p.feeBps)) {
                    errors.push_back({"grid_count", "the profit of the grid between " +
                                                        lines[static_cast<std::size_t>(k)].toString() + " and " +
                                                        lines[static_cast<std::size_t>(k) + 1].toString() +
                                                        " does not cover two fees"});
                    break;
                }
        }
    }
    if (p.stopLoss) {
        if (p.stopLoss->mantissa <= 0 || p.stopLoss->scale < 0 || p.stopLoss->scale > Decimal::kMaxScale)
            errors.push_back({"stop_loss", "must be positive"});
        else if (shapeOk && p.stopLoss->compare(p.lower) >= 0)
            errors.push_back({"stop_loss", "must be below lower"});
    }
    if (p.takeProfit) {
        if (p.takeProfit->mantissa <= 0 || p.takeProfit->scale < 0 || p.takeProfit->scale > Decimal::kMaxScale)
            errors.push_back({"take_profit", "must be positive"});
        else if (shapeOk && p.takeProfit->compare(p.upper) <= 0)
            errors.push_back({"take_profit", "must be above upper"});
    }
    if (p.trailingUpLimit) {
        if (!p.trailingUp)
            errors.push_back({"trailing_up_limit", "needs trailing_up"});
        else if (p.trailingUpLimit->scale < 0 || p.trailingUpLimit->scale > Decimal::kMaxScale ||
                 (shapeOk && p.trailingUpLimit->compare(p.upper) <= 0))
            errors.push_back({"trailing_up_limit", "must be above upper"});
    }
    if (!validIdPrefix(p.idPrefix)) errors.push_back({"id_prefix", "must be 1 to 16 of A-Z a-z 0-9 _"});
    return errors;
}

FieldErrors validateGridAtPrice(const GridParams& p, const Decimal& price) {
    FieldErrors errors = validateGrid(p);
    if (!errors.empty()) return errors;
    if (price.scale < 0 || price.scale > Decimal::kMaxScale || price.mantissa <= 0) {
        errors.push_back({"price", "must be positive"});
        return errors;
    }
    if (price.compare(p.lower) < 0 || price.compare(p.upper) > 0) {
        errors.push_back({"price", price.toString() + " is outside the grid [" + p.lower.toString() + ", " +
                                       p.upper.toString() + "]"});
        return errors;
    }
    const Pair pair(p.pair);
    const GridLevels levels(p);
    const Decimal q = detail::qtyPerOrder(p, pair, levels, price);
    if (q.mantissa == 0)
        errors.push_back({"investment", "buys less than one lot step per grid line"});
    else if (pair.buyNotional(levels.line(0), q) < p.pair.minNotional)
        errors.push_back({"investment", "an order of " + q.toString() + " at the lowest line (" +
                                            levels.line(0).toString() + ") is below the pair's minimum notional"});
    return errors;
}

}  // namespace bourse::bots
