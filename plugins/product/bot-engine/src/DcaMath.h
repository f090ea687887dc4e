// Internal: the ladder's 18-decimal geometry, shared by validation and planning.
#pragma once

#include <bourse/bots/DcaParams.h>

#include <vector>

namespace bourse::bots::detail {

constexpr int kFracScale = 18;

/// Total deviation of SO1..SOn in percent × 10^18. Stops early (returns fewer
/// entries) once a total reaches 100 %, which validation reports.
std::vector<Wide> totalDeviations(const DcaParams& params);

/// Sizes of SO1..SOn into out; false when one does not fit 64 bits.
bool sizesFit(const DcaParams& params, std::vector<std::int64_t>& out);

/// The price of a safety order `deviation` (percent × 10^18) below basePrice.
Decimal ladderPrice(const Pair& pair, const Decimal& basePrice, Wide deviation);

}  // namespace bourse::bots::detail
