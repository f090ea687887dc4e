//
// bourse/bots/GridParams.h — a spot grid bot's terms and their validation.
//
// Prices are Decimals on the pair's tick; money is quote minor units; fee_bps is
// the fee the venue charges per fill, used to size orders and to refuse grids
// whose profit per line would not cover two fees (bots.md).
//
// validateGrid() needs no price. validateGridAtPrice() adds what depends on the
// start price: inside [lower, upper], no stop trigger already hit, and every
// order at least one lot step and the pair's minimum notional.
// Thread-safe (values only).
//
#pragma once

#include <bourse/bots/Orders.h>
#include <bourse/bots/Pair.h>
#include <bourse/bots/Validation.h>

#include <cstdint>
#include <optional>
#include <string>

namespace bourse::bots {

enum class GridSpacing { Arithmetic, Geometric };

struct GridParams {
    PairSpec pair;                                  ///< "pair"
    Decimal lower;                                  ///< "lower": lowest line, on the tick
    Decimal upper;                                  ///< "upper": highest line, on the tick; ≤ 100 × lower
    int gridCount = 10;                             ///< "grid_count": intervals (lines = grid_count + 1), 2..500
    GridSpacing spacing = GridSpacing::Arithmetic;  ///< "spacing"
    std::int64_t investment = 0;                    ///< "investment": quote minor units
    Decimal feeBps{10, 0};                          ///< "fee_bps": 0 ≤ fee < 1000
    std::optional<Decimal> stopLoss;                ///< "stop_loss": stop when price ≤ it; below lower
    std::optional<Decimal> takeProfit;              ///< "take_profit": stop when price ≥ it; above upper
    bool sellBaseOnStop = true;                     ///< "sell_base_on_stop": sell held base at market on stop
    bool trailingUp = false;                        ///< "trailing_up"
    std::optional<Decimal> trailingUpLimit;         ///< "trailing_up_limit": no line above it
    std::string idPrefix = "grid";                  ///< "id_prefix": 1..16 of [A-Za-z0-9_]
};

FieldErrors validateGrid(const GridParams& params);
FieldErrors validateGridAtPrice(const GridParams& params, const Decimal& price);

}  // namespace bourse::bots
