//
// bourse/decimal.hpp — exact fixed-point decimals and money for C++ code.
//
// Header-only; used by plugins (through <bourse/plugin.hpp>) and by the kernel,
// so prices are parsed and printed the same way on both sides of the ABI.
//
// Errors: parse() throws std::invalid_argument naming what is wrong; arithmetic
// that would overflow int64 throws std::overflow_error. Thread-safe (values only).
//
#ifndef BOURSE_DECIMAL_HPP
#define BOURSE_DECIMAL_HPP

#include <bourse/plugin.h>

#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>

namespace bourse {

/// An exact decimal: mantissa / 10^scale. The C struct bourse_decimal as a value type.
struct Decimal {
    static constexpr int kMaxScale = 18;

    std::int64_t mantissa = 0;
    std::int32_t scale = 0;

    constexpr Decimal() = default;
    constexpr Decimal(std::int64_t m, std::int32_t s) : mantissa(m), scale(s) {}
    constexpr explicit Decimal(const bourse_decimal& d) : mantissa(d.mantissa), scale(d.scale) {}

    [[nodiscard]] constexpr bourse_decimal toC() const { return bourse_decimal{mantissa, scale}; }

    /// 10^n for 0 <= n <= 18.
    static constexpr std::int64_t pow10(int n) {
        std::int64_t p = 1;
        for (int i = 0; i < n; ++i)
            p *= 10;
        return p;
    }

    /// The same number with `newScale` decimals. Throws std::overflow_error if it
    /// does not fit, std::invalid_argument if digits would be lost.
    [[nodiscard]] Decimal rescaled(std::int32_t newScale) const {
        // Both scales: a value from a foreign module may carry any scale, and
        // pow10() beyond 18 would overflow.
        if (newScale < 0 || newScale > kMaxScale || scale < 0 || scale > kMaxScale)
            throw std::invalid_argument("scale out of range");
        if (newScale == scale) return *this;
        if (newScale > scale) {
            std::int64_t out = 0;
            if (__builtin_mul_overflow(mantissa, pow10(newScale - scale), &out))
                throw std::overflow_error("decimal overflow");
            return {out, newScale};
        }
        const std::int64_t div = pow10(scale - newScale);
        if (mantissa % div != 0) throw std::invalid_argument("too many decimals");
        return {mantissa / div, newScale};
    }

    /// Rounds half away from zero to `newScale` decimals (only ever reduces scale).
    [[nodiscard]] Decimal rounded(std::int32_t newScale) const {
        if (newScale >= scale || newScale < 0 || scale > kMaxScale) return rescaled(newScale);  // checks scales
        const std::int64_t div = pow10(scale - newScale);
        std::int64_t q = mantissa / div;
        const std::int64_t r = mantissa % div;
        if (r * 2 >= div)
            ++q;
        else if (r * 2 <= -div)
            --q;
        return {q, newScale};
    }

    /// -1, 0, 1 comparing numeric values whatever the scales. Exact: 128-bit
    /// products never overflow (|mantissa| < 2^63, 10^18 < 2^60), so comparing
    /// 9e9 with 1e-18 works. Throws std::invalid_argument for a scale outside 0..18.
    [[nodiscard]] int compare(const Decimal& other) const {
        if (scale < 0 || scale > kMaxScale || other.scale < 0 || other.scale > kMaxScale)
            throw std::invalid_argument("scale out of range");
        __extension__ typedef __int128 Wide;  // __extension__: quiet under -Wpedantic
        const std::int32_t s = scale > other.scale ? scale : other.scale;
        const Wide a = static_cast<Wide>(mantissa) * pow10(s - scale);
        const Wide b = static_cast<Wide>(other.mantissa) * pow10(s - other.scale);
        return a < b ? -1 : (a > b ? 1 : 0);
    }
    bool operator==(const Decimal& o) const { return compare(o) == 0; }
    bool operator<(const Decimal& o) const { return compare(o) < 0; }
    bool operator>(const Decimal& o) const { return compare(o) > 0; }

    /// Plain decimal text with exactly `scale` decimals: "1.08500", "-0.5", "42".
    [[nodiscard]] std::string toString() const {
        const bool negative = mantissa < 0;
        // Work in unsigned so INT64_MIN prints correctly.
        std::uint64_t magnitude =
            negative ? (~static_cast<std::uint64_t>(mantissa) + 1) : static_cast<std::uint64_t>(mantissa);
        std::string digits = std::to_string(magnitude);
        if (scale > 0) {
            if (digits.size() <= static_cast<std::size_t>(scale))
                digits.insert(0, static_cast<std::size_t>(scale) - digits.size() + 1, '0');
            digits.insert(digits.size() - static_cast<std::size_t>(scale), 1, '.');
        }
        return negative ? "-" + digits : digits;
    }

    /// Parses "123", "-1.25", "0.000001". No exponent, no '+', no spaces, at most
    /// maxScale decimals. Throws std::invalid_argument with the reason.
    static Decimal parse(std::string_view text, int maxScale = kMaxScale) {
        if (text.empty()) throw std::invalid_argument("empty number");
        std::size_t i = 0;
        const bool negative = text[0] == '-';
        if (negative) ++i;
        if (i >= text.size()) throw std::invalid_argument("not a number");
        std::int64_t m = 0;
        std::int32_t s = 0;
        bool dot = false, digit = false;
        for (; i < text.size(); ++i) {
            const char c = text[i];
            if (c == '.') {
                if (dot || !digit) throw std::invalid_argument("not a number");
                dot = true;
                continue;
            }
            if (c < '0' || c > '9') throw std::invalid_argument("not a number");
            digit = true;
            if (__builtin_mul_overflow(m, 10, &m) || __builtin_add_overflow(m, c - '0', &m))
                throw std::invalid_argument("number too large");
            if (dot && ++s > maxScale) throw std::invalid_argument("too many decimals");
        }
        if (!digit || text.back() == '.') throw std::invalid_argument("not a number");
        return {negative ? -m : m, s};
    }
};

/// Money: integer minor units plus an ISO 4217 code. Never a float.
struct Money {
    std::int64_t minor = 0;
    std::string currency;

    [[nodiscard]] bourse_money toC() const {
        bourse_money m{minor, {0, 0, 0, 0}};
        for (std::size_t i = 0; i < 3 && i < currency.size(); ++i)
            m.currency[i] = currency[i];
        return m;
    }
    static Money fromC(const bourse_money& m) { return {m.minor, std::string(m.currency, strnlen(m.currency, 3))}; }
};

}  // namespace bourse

#endif  // BOURSE_DECIMAL_HPP
