//
// Fixed8.h — Binance's decimals: a signed count of 1e-8 units in an int64.
//
// Binance prints every price, quantity and balance as a decimal string with at
// most 8 decimals, and its engine holds them the same way (which is why LOT_SIZE
// maxQty tops out at 92233720368.00000000 = INT64_MAX / 1e8). Parsing into this
// type is exact; doubles never touch a value that reaches an order or a balance.
//
// Errors: parse()/fromScaled() return nullopt for text or values that do not fit
// (more than 8 significant decimals, overflow); the arithmetic helpers return
// nullopt on overflow. No exceptions. Values only: thread-safe.
//
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace bourse::venues::binance {

class Fixed8 {
public:
    static constexpr int kScale = 8;
    static constexpr std::int64_t kOne = 100'000'000;

    constexpr Fixed8() = default;
    static constexpr Fixed8 fromUnits(std::int64_t units) { return Fixed8(units); }

    /// "12", "0.001", "65000.12000000", "-1.5" (no exponent, no '+', at most 8
    /// non-zero decimals; trailing zeros beyond the 8th are accepted).
    static std::optional<Fixed8> parse(std::string_view text);

    /// mantissa / 10^scale (scale 0..18), exact: nullopt when digits would be
    /// lost below 1e-8 or the value overflows. For the kernel's mantissa/scale pairs.
    static std::optional<Fixed8> fromScaled(std::int64_t mantissa, int scale);

    [[nodiscard]] constexpr std::int64_t units() const { return _units; }
    [[nodiscard]] constexpr bool isZero() const { return _units == 0; }
    [[nodiscard]] constexpr bool positive() const { return _units > 0; }

    /// Shortest form, as an order parameter: "0.001", "65000", "-1.5".
    [[nodiscard]] std::string str() const;
    /// Binance's own form with all 8 decimals: "0.00100000".
    [[nodiscard]] std::string str8() const;

    /// The value at `scale` decimals (0..18), rounded toward negative infinity when
    /// `scale` < 8 drops digits (roundUp: toward positive infinity); nullopt on overflow.
    [[nodiscard]] std::optional<std::int64_t> toScaled(int scale, bool roundUp = false) const;

    /// Multiples of `step` (step <= 0 leaves the value as it is).
    [[nodiscard]] Fixed8 floorTo(Fixed8 step) const;
    [[nodiscard]] Fixed8 ceilTo(Fixed8 step) const;
    /// Nearest multiple; halves go away from zero.
    [[nodiscard]] Fixed8 nearestTo(Fixed8 step) const;
    [[nodiscard]] bool multipleOf(Fixed8 step) const { return step._units <= 0 || _units % step._units == 0; }

    /// a × b at 8 decimals, rounded down (toward negative infinity) or up.
    static std::optional<Fixed8> mul(Fixed8 a, Fixed8 b, bool roundUp = false);
    /// a ÷ b at 8 decimals, rounded down or up; nullopt when b is zero.
    static std::optional<Fixed8> div(Fixed8 a, Fixed8 b, bool roundUp = false);

    friend constexpr auto operator<=>(Fixed8, Fixed8) = default;
    friend constexpr bool operator==(Fixed8, Fixed8) = default;

private:
    constexpr explicit Fixed8(std::int64_t units) : _units(units) {}
    std::int64_t _units = 0;
};

}  // namespace bourse::venues::binance
