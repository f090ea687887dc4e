// Internal: the part of grid validation the lines depend on.
#pragma once

#include <bourse/bots/GridLevels.h>
#include <bourse/bots/GridParams.h>

namespace bourse::bots::detail {

/// Problems with pair, lower, upper and grid_count (what GridLevels needs).
FieldErrors validateGridShape(const GridParams& params);

/// Q for a grid starting at price (GridLevels.h, "Sizing"); may be zero.
Decimal qtyPerOrder(const GridParams& params, const Pair& pair, const GridLevels& levels, const Decimal& price);

}  // namespace bourse::bots::detail
