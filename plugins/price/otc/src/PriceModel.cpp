#include "PriceModel.h"

#include <algorithm>
#include <cmath>

namespace bourse::otc {

namespace {
constexpr double kSpikeProbability = 0.02;
constexpr double kSpikeFactor = 3.0;
constexpr double kTwoPi = 6.283185307179586;
}  // namespace

std::uint64_t instrumentSeed(std::uint64_t seed, const std::string& symbol) {
    std::uint64_t h = 1469598103934665603ULL;
    for (unsigned char c : symbol) {
        h ^= c;
        h *= 1099511628211ULL;
    }
    return seed ^ h;
}

PriceModel::PriceModel(std::uint64_t seed, Decimal start) : _rng(seed) {
    setPrice(start);
}

double PriceModel::uniform() {
    // 53 random bits → (0, 1]: never 0, so log() below is finite.
    return (static_cast<double>(_rng() >> 11) + 1.0) / 9007199254740992.0;
}

double PriceModel::normal() {
    if (_spare) {
        const double z = *_spare;
        _spare.reset();
        return z;
    }
    const double r = std::sqrt(-2.0 * std::log(uniform()));
    const double theta = kTwoPi * uniform();
    _spare = r * std::sin(theta);
    return r * std::cos(theta);
}

Decimal PriceModel::step(Volatility volatility, double bias) {
    double relative = multiplier(volatility) * (normal() + bias);
    if (volatility == Volatility::Spike && uniform() < kSpikeProbability) relative *= kSpikeFactor;
    // |relative| < 0.1 (z is at most ~8.6 from 53-bit uniforms), so with the
    // price capped at 10^18 units neither the product nor the sum can overflow.
    const auto delta = static_cast<std::int64_t>(std::llround(static_cast<double>(_price.mantissa) * relative));
    _price.mantissa = std::clamp<std::int64_t>(_price.mantissa + delta, 1, kMaxPriceUnits);
    return _price;
}

void PriceModel::setPrice(Decimal p) {
    _price = Decimal(std::clamp<std::int64_t>(p.mantissa, 1, kMaxPriceUnits), p.scale);
}

}  // namespace bourse::otc
