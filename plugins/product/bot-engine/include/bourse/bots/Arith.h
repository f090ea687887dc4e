//
// bourse/bots/Arith.h — exact integer arithmetic for the bot engine.
//
// Every price, quantity and amount in the engine is an integer mantissa with an
// explicit scale (bourse::Decimal, or int64 minor units for quote money). Products
// and quotients go through mulDivN(), which multiplies and divides exactly with a
// 256-bit intermediate and rounds once, in the direction the caller names. There
// is no floating point anywhere in the engine.
//
// Errors: std::overflow_error when a product exceeds 256 bits or a result does
// not fit its type; std::invalid_argument on division by zero or a scale outside
// 0..18. Thread-safe: pure functions on values.
//
#pragma once

#include <bourse/decimal.hpp>

#include <cstdint>
#include <initializer_list>

namespace bourse::bots {

__extension__ typedef __int128 Wide;  // __extension__: quiet under -Wpedantic

/// How a quotient is rounded to an integer.
enum class Rounding {
    Floor,            ///< toward −infinity
    Ceil,             ///< toward +infinity
    HalfAwayFromZero  ///< to nearest; ties away from zero
};

/// 10^n as a Wide, 0 <= n <= 38.
Wide pow10w(int n);

/// (n1 × n2 × …) / (d1 × d2 × …) rounded once. Factors may be negative; the
/// products are exact in 256 bits. Throws std::invalid_argument for an empty or
/// zero denominator, std::overflow_error when a product or the result overflows.
Wide mulDivN(std::initializer_list<Wide> numerator, std::initializer_list<Wide> denominator, Rounding rounding);

/// a × b / c rounded once (mulDivN with two factors over one).
inline Wide mulDiv(Wide a, Wide b, Wide c, Rounding rounding) {
    return mulDivN({a, b}, {c}, rounding);
}

/// Checked narrowing to int64; throws std::overflow_error.
std::int64_t toInt64(Wide value);

/// Checked a + b and a × b on int64 (std::overflow_error).
std::int64_t addChecked(std::int64_t a, std::int64_t b);
std::int64_t mulChecked(std::int64_t a, std::int64_t b);

/// The value of `d` as an integer count of 10^-scale units, rounded as asked when
/// `d` has more decimals than `scale`. Throws std::invalid_argument for scales
/// outside 0..18.
Wide unitsAt(const Decimal& d, int scale, Rounding rounding = Rounding::HalfAwayFromZero);

/// A Decimal from a count of 10^-scale units (checked narrowing).
Decimal decimalAt(Wide units, int scale);

/// Sign of a decimal: -1, 0, 1.
inline int signOf(const Decimal& d) {
    return d.mantissa < 0 ? -1 : (d.mantissa > 0 ? 1 : 0);
}

}  // namespace bourse::bots
