#include <bourse/bots/DcaLadder.h>
#include <bourse/bots/DcaParams.h>

#include "DcaMath.h"

#include <string>

namespace bourse::bots {
namespace {

bool scaleOk(const Decimal& d) {
    return d.scale >= 0 && d.scale <= Decimal::kMaxScale;
}

/// value in (low, high) (exclusive bounds, whole numbers).
bool between(const Decimal& d, std::int64_t low, std::int64_t high) {
    return scaleOk(d) && Decimal(low, 0) < d && d < Decimal(high, 0);
}

void percentIn(FieldErrors& errors, const char* field, const Decimal& d, std::int64_t high) {
    if (!scaleOk(d))
        errors.push_back({field, "must have at most 18 decimals"});
    else if (!between(d, 0, high))
        errors.push_back({field, "must be above 0 and below " + std::to_string(high) + " %"});
}

}  // namespace

FieldErrors validateDca(const DcaParams& p) {
    FieldErrors errors = validatePair(p.pair, "pair");
    const bool pairOk = errors.empty();
    if (p.direction == DealDirection::Short)
        errors.push_back({"direction", "short deals are not implemented; use long"});
    if (p.baseOrderSize <= 0)
        errors.push_back({"base_order_size", "must be positive"});
    else if (pairOk && p.baseOrderSize < p.pair.minNotional)
        errors.push_back({"base_order_size", "is below the pair's minimum notional"});
    if (p.maxSafetyOrders < 0 || p.maxSafetyOrders > 100)
        errors.push_back({"max_safety_orders", "must be between 0 and 100"});
    if (p.maxActiveSafetyOrders < 0 || p.maxActiveSafetyOrders > p.maxSafetyOrders)
        errors.push_back({"max_active_safety_orders", "must be between 0 (all) and max_safety_orders"});
    const bool ladder = p.maxSafetyOrders > 0 && p.maxSafetyOrders <= 100;
    bool ladderTermsOk = true;
    if (ladder) {
        if (p.safetyOrderSize <= 0) {
            errors.push_back({"safety_order_size", "must be positive when max_safety_orders is above 0"});
        } else if (pairOk && p.safetyOrderSize < p.pair.minNotional) {
            errors.push_back({"safety_order_size", "is below the pair's minimum notional"});
        }
        const std::size_t before = errors.size();
        percentIn(errors, "price_deviation", p.priceDeviation, 100);
        if (!scaleOk(p.stepScale) || !between(p.stepScale, 0, 101))
            errors.push_back({"step_scale", "must be above 0 and at most 100"});
        if (!scaleOk(p.volumeScale) || !between(p.volumeScale, 0, 101))
            errors.push_back({"volume_scale", "must be above 0 and at most 100"});
        ladderTermsOk = errors.size() == before;
    } else if (p.safetyOrderSize < 0) {
        errors.push_back({"safety_order_size", "must not be negative"});
    }
    if (ladder && ladderTermsOk) {
        const std::vector<Wide> deviations = detail::totalDeviations(p);
        if (static_cast<int>(deviations.size()) < p.maxSafetyOrders) {
            const std::string n = std::to_string(deviations.size() + 1);
            errors.push_back({p.stepScale == Decimal(1, 0) ? "price_deviation" : "step_scale",
                              "safety order " + n + " would sit 100 % or more below the base price"});
        }
        std::vector<std::int64_t> sizes;
        bool capitalFits = detail::sizesFit(p, sizes);
        std::int64_t capital = p.baseOrderSize;
        for (std::size_t i = 0; capitalFits && i < sizes.size(); ++i)
            capitalFits = !__builtin_add_overflow(capital, sizes[i], &capital);
        if (!capitalFits) errors.push_back({"volume_scale", "the capital required does not fit 64 bits"});
        if (capitalFits && pairOk && p.safetyOrderSize >= p.pair.minNotional) {
            for (std::size_t i = 0; i < sizes.size(); ++i)
                if (sizes[i] < p.pair.minNotional) {
                    errors.push_back({"volume_scale", "safety order " + std::to_string(i + 1) +
                                                          " is below the pair's minimum notional"});
                    break;
                }
        }
    }
    percentIn(errors, "take_profit", p.takeProfit, 1000);
    if (p.stopLoss) percentIn(errors, "stop_loss", *p.stopLoss, 100);
    if (p.cooldownNs < 0) errors.push_back({"cooldown", "must not be negative"});
    if (p.maxActiveDeals < 1 || p.maxActiveDeals > 100)
        errors.push_back({"max_active_deals", "must be between 1 and 100"});
    if (p.start == StartCondition::AfterDrop) {
        percentIn(errors, "start_drop", p.startDrop, 100);
        if (p.startLookbackNs <= 0) errors.push_back({"start_lookback", "must be positive"});
    }
    if (!validIdPrefix(p.idPrefix)) errors.push_back({"id_prefix", "must be 1 to 16 of A-Z a-z 0-9 _"});
    return errors;
}

FieldErrors validateDcaAtPrice(const DcaParams& p, const Decimal& price) {
    FieldErrors errors = validateDca(p);
    if (!errors.empty()) return errors;
    const Pair pair(p.pair);
    if (!scaleOk(price) || price.mantissa <= 0) {
        errors.push_back({"price", "must be positive"});
        return errors;
    }
    const Decimal base = pair.toTick(price);
    if (base.mantissa <= 0) {
        errors.push_back({"price", "rounds to zero at the pair's tick size"});
        return errors;
    }
    const Decimal baseQty = pair.qtyForQuote(p.baseOrderSize, base);
    if (baseQty.mantissa == 0)
        errors.push_back({"base_order_size", "buys less than one lot step at " + base.toString()});
    else if (pair.buyNotional(base, baseQty) < p.pair.minNotional)
        errors.push_back({"base_order_size", "falls below the minimum notional once rounded to the lot step"});
    for (const SafetyOrderStep& s : safetyLadder(p, base)) {
        const std::string which = "safety order " + std::to_string(s.index);
        if (s.price.mantissa <= 0) {
            errors.push_back({"price_deviation", which + " rounds to a price of zero"});
            break;
        }
        if (s.qty.mantissa == 0) {
            errors.push_back({"safety_order_size", which + " buys less than one lot step at " + s.price.toString()});
            break;
        }
        if (pair.buyNotional(s.price, s.qty) < p.pair.minNotional) {
            errors.push_back({"safety_order_size", which + " falls below the minimum notional once rounded"});
            break;
        }
    }
    return errors;
}

}  // namespace bourse::bots
