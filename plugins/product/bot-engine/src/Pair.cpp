#include <bourse/bots/Pair.h>

#include <stdexcept>

namespace bourse::bots {
namespace {

bool scaleOk(std::int32_t s) {
    return s >= 0 && s <= Decimal::kMaxScale;
}

}  // namespace

FieldErrors validatePair(const PairSpec& spec, const std::string& field) {
    FieldErrors errors;
    if (spec.symbol.empty()) errors.push_back({field + ".symbol", "must not be empty"});
    if (!scaleOk(spec.tickSize.scale) || spec.tickSize.mantissa <= 0)
        errors.push_back({field + ".tick_size", "must be positive with at most 18 decimals"});
    if (!scaleOk(spec.lotStep.scale) || spec.lotStep.mantissa <= 0)
        errors.push_back({field + ".lot_step", "must be positive with at most 18 decimals"});
    if (!scaleOk(spec.quoteScale)) errors.push_back({field + ".quote_scale", "must be between 0 and 18"});
    if (spec.minNotional < 0) errors.push_back({field + ".min_notional", "must not be negative"});
    return errors;
}

Pair::Pair(PairSpec spec) : spec_(std::move(spec)) {
    requireValid(validatePair(spec_));
}

Decimal Pair::priceFromRatio(Wide num, Wide den) const {
    const Wide tick = spec_.tickSize.mantissa;
    const Wide ticks = mulDivN({num}, {den, tick}, Rounding::HalfAwayFromZero);
    return decimalAt(ticks * tick, priceScale());
}

Decimal Pair::shiftedPrice(const Decimal& price, const Decimal& percent, int sign) const {
    const Wide p = unitsAt(price, priceScale());
    const Wide hundred = 100 * pow10w(percent.scale);
    return priceFromRatio(p * (hundred + sign * static_cast<Wide>(percent.mantissa)), hundred);
}

Decimal Pair::priceFromCost(std::int64_t costMinor, const Decimal& qty, const Decimal& percent, int sign) const {
    const Wide q = unitsAt(normalizeQty(qty), qtyScale());
    if (q <= 0) throw std::invalid_argument("average of an empty position");
    const Wide hundred = 100 * pow10w(percent.scale);
    const Wide factor = hundred + sign * static_cast<Wide>(percent.mantissa);
    // price units = cost / 10^qs / (q / 10^qsc) × 10^ps × factor / hundred
    const Wide tick = spec_.tickSize.mantissa;
    const Wide ticks = mulDivN({costMinor, pow10w(priceScale() + qtyScale()), factor},
                               {pow10w(quoteScale()), q, hundred, tick}, Rounding::HalfAwayFromZero);
    return decimalAt(ticks * tick, priceScale());
}

Decimal Pair::averagePrice(std::int64_t costMinor, const Decimal& qty, int extra) const {
    const Wide q = unitsAt(normalizeQty(qty), qtyScale());
    if (q <= 0) throw std::invalid_argument("average of an empty position");
    int scale = priceScale() + extra;
    if (scale > Decimal::kMaxScale) scale = Decimal::kMaxScale;
    const Wide units =
        mulDivN({costMinor, pow10w(scale + qtyScale())}, {pow10w(quoteScale()), q}, Rounding::HalfAwayFromZero);
    return decimalAt(units, scale);
}

Decimal Pair::normalizePrice(const Decimal& price) const {
    return decimalAt(unitsAt(price, priceScale()), priceScale());
}

Decimal Pair::toTick(const Decimal& price) const {
    if (price.scale < 0 || price.scale > Decimal::kMaxScale) throw std::invalid_argument("scale out of range");
    return priceFromRatio(static_cast<Wide>(price.mantissa) * pow10w(priceScale()), pow10w(price.scale));
}

Decimal Pair::floorQty(Wide num, Wide den) const {
    const Wide lot = spec_.lotStep.mantissa;
    const Wide lots = mulDivN({num}, {den, lot}, Rounding::Floor);
    return decimalAt(lots * lot, qtyScale());
}

Decimal Pair::qtyForQuote(std::int64_t quoteMinor, const Decimal& price) const {
    const Wide p = unitsAt(price, priceScale());
    if (p <= 0) throw std::invalid_argument("price must be positive");
    // qty units = quote / 10^qs / (p / 10^ps) × 10^qsc
    return floorQty(mulDivN({quoteMinor, pow10w(priceScale() + qtyScale())}, {1}, Rounding::Floor),
                    static_cast<Wide>(pow10w(quoteScale())) * p);
}

Decimal Pair::normalizeQty(const Decimal& qty) const {
    if (qty.scale > qtyScale()) {
        const Wide div = pow10w(qty.scale - qtyScale());
        if (qty.mantissa % div != 0)
            throw std::invalid_argument("quantity " + qty.toString() + " is finer than the lot scale");
    }
    return decimalAt(unitsAt(qty, qtyScale()), qtyScale());
}

std::int64_t Pair::notional(const Decimal& price, const Decimal& qty, Rounding rounding) const {
    if (price.scale < 0 || price.scale > Decimal::kMaxScale || qty.scale < 0 || qty.scale > Decimal::kMaxScale)
        throw std::invalid_argument("scale out of range");
    return toInt64(
        mulDivN({price.mantissa, qty.mantissa, pow10w(quoteScale())}, {pow10w(price.scale + qty.scale)}, rounding));
}

std::int64_t Pair::feeFor(std::int64_t notionalMinor, const Decimal& feeBps) {
    if (feeBps.mantissa == 0 || notionalMinor == 0) return 0;
    return toInt64(mulDivN({notionalMinor, feeBps.mantissa}, {10000 * pow10w(feeBps.scale)}, Rounding::Ceil));
}

}  // namespace bourse::bots
