#include "Payout.h"

#include <stdexcept>

namespace bourse::binary {

std::int64_t fraction(std::int64_t stakeMinor, std::int32_t bps) {
    const __int128 product = static_cast<__int128>(stakeMinor) * bps;
    return static_cast<std::int64_t>(product / 10000);  // stakes are positive: truncation is floor
}

bourse_outcome outcome(const PayoutTerms& terms, const Decimal& entry, const Decimal& exit) {
    const int c = exit.compare(entry);
    if (c == 0) return BOURSE_OUTCOME_TIE;
    const bool up = c > 0;
    return up == (terms.direction == Direction::Up) ? BOURSE_OUTCOME_WON : BOURSE_OUTCOME_LOST;
}

std::int64_t payout(const PayoutTerms& terms, bourse_outcome o, std::int64_t stakeMinor) {
    switch (o) {
        case BOURSE_OUTCOME_WON:
            return stakeMinor + fraction(stakeMinor, terms.payoutBps);
        case BOURSE_OUTCOME_LOST:
            return fraction(stakeMinor, terms.lossRefundBps);
        case BOURSE_OUTCOME_TIE:
            return stakeMinor;
        default:
            throw std::invalid_argument("no payout for an open or closed position");
    }
}

std::int32_t percentToBps(const std::string& percent) {
    const Decimal d = Decimal::parse(percent, 2);
    const std::int64_t bps = d.rescaled(2).mantissa;
    if (bps < 0 || bps > 100000) throw std::invalid_argument("percent out of range");
    return static_cast<std::int32_t>(bps);
}

std::string bpsToPercent(std::int32_t bps) {
    std::string s = Decimal(bps, 2).toString();
    // "80.00" → "80", "82.50" → "82.5"
    while (s.find('.') != std::string::npos && (s.back() == '0' || s.back() == '.')) {
        const bool dot = s.back() == '.';
        s.pop_back();
        if (dot) break;
    }
    return s;
}

}  // namespace bourse::binary
