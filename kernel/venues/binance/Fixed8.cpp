#include "venues/binance/Fixed8.h"

#include <limits>

namespace bourse::venues::binance {

namespace {

using Wide = __int128;

constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();

std::optional<std::int64_t> narrow(Wide v) {
    if (v > kMax || v < -kMax) return std::nullopt;
    return static_cast<std::int64_t>(v);
}

Wide pow10(int n) {
    Wide p = 1;
    for (int i = 0; i < n; ++i)
        p *= 10;
    return p;
}

/// Division rounding toward negative infinity (or positive, when up), for any signs.
Wide divRound(Wide num, Wide den, bool up) {
    Wide q = num / den;
    const Wide r = num % den;
    if (r != 0) {
        const bool negative = (r < 0) != (den < 0);
        if (up && !negative) ++q;
        if (!up && negative) --q;
    }
    return q;
}

}  // namespace

std::optional<Fixed8> Fixed8::parse(std::string_view text) {
    bool negative = false;
    if (!text.empty() && text.front() == '-') {
        negative = true;
        text.remove_prefix(1);
    }
    if (text.empty() || text.front() == '.' || text.back() == '.') return std::nullopt;
    Wide acc = 0;
    int decimals = -1;  // -1: no point seen yet
    for (const char c : text) {
        if (c == '.') {
            if (decimals >= 0) return std::nullopt;
            decimals = 0;
            continue;
        }
        if (c < '0' || c > '9') return std::nullopt;
        if (decimals >= kScale) {
            if (c != '0') return std::nullopt;  // a digit below 1e-8 cannot be represented
            continue;
        }
        acc = acc * 10 + (c - '0');
        if (decimals >= 0) ++decimals;
        if (acc > Wide(kMax)) return std::nullopt;
    }
    acc *= pow10(kScale - (decimals < 0 ? 0 : decimals));
    const auto v = narrow(negative ? -acc : acc);
    if (!v) return std::nullopt;
    return Fixed8(*v);
}

std::optional<Fixed8> Fixed8::fromScaled(std::int64_t mantissa, int scale) {
    if (scale < 0 || scale > 18) return std::nullopt;
    if (scale <= kScale) {
        const auto v = narrow(Wide(mantissa) * pow10(kScale - scale));
        if (!v) return std::nullopt;
        return Fixed8(*v);
    }
    const Wide divisor = pow10(scale - kScale);
    if (Wide(mantissa) % divisor != 0) return std::nullopt;
    return Fixed8(static_cast<std::int64_t>(Wide(mantissa) / divisor));
}

std::string Fixed8::str8() const {
    const bool negative = _units < 0;
    // Through the wide type: -INT64_MIN does not fit, and parse() never makes it anyway.
    const Wide magnitude = negative ? -Wide(_units) : Wide(_units);
    std::string whole = std::to_string(static_cast<std::int64_t>(magnitude / kOne));
    std::string frac = std::to_string(static_cast<std::int64_t>(magnitude % kOne));
    frac.insert(0, static_cast<std::size_t>(kScale) - frac.size(), '0');
    return (negative ? "-" : "") + whole + "." + frac;
}

std::string Fixed8::str() const {
    std::string s = str8();
    while (s.back() == '0')
        s.pop_back();
    if (s.back() == '.') s.pop_back();
    return s == "-0" ? "0" : s;
}

std::optional<std::int64_t> Fixed8::toScaled(int scale, bool roundUp) const {
    if (scale < 0 || scale > 18) return std::nullopt;
    if (scale >= kScale) return narrow(Wide(_units) * pow10(scale - kScale));
    return narrow(divRound(_units, pow10(kScale - scale), roundUp));
}

Fixed8 Fixed8::floorTo(Fixed8 step) const {
    if (step._units <= 0) return *this;
    return Fixed8(static_cast<std::int64_t>(divRound(_units, step._units, false) * step._units));
}

Fixed8 Fixed8::ceilTo(Fixed8 step) const {
    if (step._units <= 0) return *this;
    const auto v = narrow(divRound(_units, step._units, true) * step._units);
    return v ? Fixed8(*v) : floorTo(step);  // at the very top of the range, stay representable
}

Fixed8 Fixed8::nearestTo(Fixed8 step) const {
    if (step._units <= 0) return *this;
    const Fixed8 down = floorTo(step);
    const std::int64_t below = _units - down._units;  // 0 .. step-1
    if (below == 0) return down;
    // Half away from zero: for a negative value the half rounds down.
    const bool up = _units >= 0 ? below * 2 >= step._units : below * 2 > step._units;
    return up ? ceilTo(step) : down;
}

std::optional<Fixed8> Fixed8::mul(Fixed8 a, Fixed8 b, bool roundUp) {
    const auto v = narrow(divRound(Wide(a._units) * Wide(b._units), kOne, roundUp));
    if (!v) return std::nullopt;
    return Fixed8(*v);
}

std::optional<Fixed8> Fixed8::div(Fixed8 a, Fixed8 b, bool roundUp) {
    if (b._units == 0) return std::nullopt;
    const auto v = narrow(divRound(Wide(a._units) * kOne, b._units, roundUp));
    if (!v) return std::nullopt;
    return Fixed8(*v);
}

}  // namespace bourse::venues::binance
