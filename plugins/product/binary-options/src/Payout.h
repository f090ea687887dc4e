//
// Payout.h — the money arithmetic of a fixed-time binary option, in integer
// minor units. Pure functions; the tests pin every rounding rule.
//
//   win:  stake + floor(stake × payout%)        100.00 at 80 %  → 180.00
//   loss: floor(stake × loss-refund%)           100.00 at 50 %  →  50.00, at 0 % → 0
//   tie:  stake (exit price equal to entry)     100.00          → 100.00
// Percentages are basis points (80 % = 8000). Rounding is always down to the
// minor unit, so the platform never pays a fraction it does not have.
//
#pragma once

#include <bourse/plugin.h>
#include <bourse/decimal.hpp>

#include <cstdint>
#include <string>

namespace bourse::binary {

enum class Direction { Up, Down };

struct PayoutTerms {
    Direction direction = Direction::Up;
    std::int32_t payoutBps = 8000;   ///< profit on a win, basis points of the stake
    std::int32_t lossRefundBps = 0;  ///< returned on a loss, basis points of the stake
};

/// floor(stake × bps / 10000) without overflow.
std::int64_t fraction(std::int64_t stakeMinor, std::int32_t bps);

/// Outcome and total payout (stake included) for entry → exit.
bourse_outcome outcome(const PayoutTerms& terms, const Decimal& entry, const Decimal& exit);
std::int64_t payout(const PayoutTerms& terms, bourse_outcome outcome, std::int64_t stakeMinor);

/// "80" / "82.5" / "0" → basis points; throws std::invalid_argument.
std::int32_t percentToBps(const std::string& percent);
/// 8250 → "82.5"
std::string bpsToPercent(std::int32_t bps);

}  // namespace bourse::binary
