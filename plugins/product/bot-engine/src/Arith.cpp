// Exact multiply-divide with a 256-bit intermediate (schoolbook, no allocation).
#include <bourse/bots/Arith.h>

#include <stdexcept>

namespace bourse::bots {
namespace {

__extension__ typedef unsigned __int128 U128;

/// An unsigned 256-bit integer: hi·2^128 + lo.
struct U256 {
    U128 hi = 0;
    U128 lo = 0;
};

bool isZero(const U256& a) {
    return a.hi == 0 && a.lo == 0;
}

int cmp(const U256& a, const U256& b) {
    if (a.hi != b.hi) return a.hi < b.hi ? -1 : 1;
    if (a.lo != b.lo) return a.lo < b.lo ? -1 : 1;
    return 0;
}

U256 sub(const U256& a, const U256& b) {
    U256 r;
    r.lo = a.lo - b.lo;
    r.hi = a.hi - b.hi - (a.lo < b.lo ? 1 : 0);
    return r;
}

U256 add(const U256& a, const U256& b) {
    U256 r;
    r.lo = a.lo + b.lo;
    r.hi = a.hi + b.hi + (r.lo < a.lo ? 1 : 0);
    return r;
}

/// 128 × 128 → 256 bits.
U256 mul128(U128 a, U128 b) {
    const std::uint64_t a0 = static_cast<std::uint64_t>(a), a1 = static_cast<std::uint64_t>(a >> 64);
    const std::uint64_t b0 = static_cast<std::uint64_t>(b), b1 = static_cast<std::uint64_t>(b >> 64);
    const U128 p00 = static_cast<U128>(a0) * b0, p01 = static_cast<U128>(a0) * b1;
    const U128 p10 = static_cast<U128>(a1) * b0, p11 = static_cast<U128>(a1) * b1;
    U256 r{p11, p00};
    const U256 mid1{p01 >> 64, p01 << 64}, mid2{p10 >> 64, p10 << 64};
    return add(add(r, mid1), mid2);
}

/// 256 × 128 bits; throws std::overflow_error beyond 256 bits.
U256 mul(const U256& a, U128 b) {
    const U256 low = mul128(a.lo, b);
    const U256 high = mul128(a.hi, b);  // shifted left by 128
    if (high.hi != 0) throw std::overflow_error("bot engine arithmetic overflow");
    U256 r{low.hi + high.lo, low.lo};
    if (r.hi < low.hi) throw std::overflow_error("bot engine arithmetic overflow");
    return r;
}

U256 shl1(const U256& a) {
    return {(a.hi << 1) | (a.lo >> 127), a.lo << 1};
}

/// Long division, one bit at a time: q = n / d, r = n % d.
void divmod(const U256& n, const U256& d, U256& q, U256& r) {
    q = {};
    r = {};
    for (int bit = 255; bit >= 0; --bit) {
        r = shl1(r);
        const U128 word = bit >= 128 ? n.hi : n.lo;
        if ((word >> (bit % 128)) & 1) r.lo |= 1;
        if (cmp(r, d) >= 0) {
            r = sub(r, d);
            if (bit >= 128)
                q.hi |= static_cast<U128>(1) << (bit - 128);
            else
                q.lo |= static_cast<U128>(1) << bit;
        }
    }
}

U128 magnitude(Wide v) {
    return v < 0 ? static_cast<U128>(0) - static_cast<U128>(v) : static_cast<U128>(v);
}

}  // namespace

Wide pow10w(int n) {
    if (n < 0 || n > 38) throw std::invalid_argument("power of ten out of range");
    Wide p = 1;
    for (int i = 0; i < n; ++i)
        p *= 10;
    return p;
}

Wide mulDivN(std::initializer_list<Wide> numerator, std::initializer_list<Wide> denominator, Rounding rounding) {
    if (denominator.size() == 0) throw std::invalid_argument("division without a denominator");
    bool negative = false;
    U256 num{0, 1}, den{0, 1};
    for (const Wide f : numerator) {
        if (f < 0) negative = !negative;
        num = mul(num, magnitude(f));
    }
    for (const Wide f : denominator) {
        if (f == 0) throw std::invalid_argument("division by zero");
        if (f < 0) negative = !negative;
        den = mul(den, magnitude(f));
    }
    if (isZero(num)) return 0;
    U256 q, r;
    divmod(num, den, q, r);
    bool up = false;  // add one to the magnitude
    if (!isZero(r)) {
        switch (rounding) {
            case Rounding::Floor:
                up = negative;
                break;
            case Rounding::Ceil:
                up = !negative;
                break;
            case Rounding::HalfAwayFromZero: {
                const U256 twice = shl1(r);
                up = (r.hi >> 127) != 0 || cmp(twice, den) >= 0;
                break;
            }
        }
    }
    if (up) q = add(q, U256{0, 1});
    const U128 limit = static_cast<U128>(1) << 127;  // |result| must fit a signed 128-bit value
    if (q.hi != 0 || q.lo > limit || (q.lo == limit && !negative))
        throw std::overflow_error("bot engine arithmetic overflow");
    return negative ? static_cast<Wide>(static_cast<U128>(0) - q.lo) : static_cast<Wide>(q.lo);
}

std::int64_t toInt64(Wide value) {
    if (value > INT64_MAX || value < INT64_MIN) throw std::overflow_error("value does not fit 64 bits");
    return static_cast<std::int64_t>(value);
}

std::int64_t addChecked(std::int64_t a, std::int64_t b) {
    std::int64_t out = 0;
    if (__builtin_add_overflow(a, b, &out)) throw std::overflow_error("amount overflow");
    return out;
}

std::int64_t mulChecked(std::int64_t a, std::int64_t b) {
    std::int64_t out = 0;
    if (__builtin_mul_overflow(a, b, &out)) throw std::overflow_error("amount overflow");
    return out;
}

Wide unitsAt(const Decimal& d, int scale, Rounding rounding) {
    if (scale < 0 || scale > Decimal::kMaxScale || d.scale < 0 || d.scale > Decimal::kMaxScale)
        throw std::invalid_argument("scale out of range");
    if (d.scale <= scale) return static_cast<Wide>(d.mantissa) * pow10w(scale - d.scale);
    return mulDivN({d.mantissa}, {pow10w(d.scale - scale)}, rounding);
}

Decimal decimalAt(Wide units, int scale) {
    return Decimal(toInt64(units), scale);
}

}  // namespace bourse::bots
