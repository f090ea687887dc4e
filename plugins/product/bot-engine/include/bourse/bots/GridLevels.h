//
// bourse/bots/GridLevels.h — grid lines, profit per grid, and order sizing.
//
// Lines (k = 0..grid_count; beyond grid_count when trailing up):
//   arithmetic  lower + k × (upper − lower) / N
//   geometric   lower × r^k,  r = (upper / lower)^(1/N)
// each rounded once to the nearest tick; line N is upper exactly. r is found
// with 36 decimals by bisection in integer arithmetic (no floating point).
//
// Profit of one buy→sell pair on interval k (buy at line k, sell at line k+1),
// fees f on both fills, as a percentage of the buy value:
//   (L(k+1) × (1 − f) − L(k) × (1 + f)) / L(k) × 100
// ≈ step / price − 2f (arithmetic) or r − 1 − 2f (geometric).
//
// Sizing: every order of the grid trades the same base quantity Q:
//   Q = investment / ((Σ buy lines + sells × price) × (1 + f)), down to the lot step,
// where interval k starts with a buy at line k if line k < price, otherwise with
// a sell at line k+1 backed by base bought at market at the start.
//
// Errors: InvalidParams for invalid terms. Thread-safe: immutable after construction.
//
#pragma once

#include <bourse/bots/GridParams.h>

#include <vector>

namespace bourse::bots {

class GridLevels {
public:
    /// Throws InvalidParams when validateGrid() finds a problem with the lines'
    /// inputs (pair, lower, upper, grid_count).
    explicit GridLevels(const GridParams& params);

    /// Line k (k ≥ 0; above grid_count the spacing continues upward).
    [[nodiscard]] Decimal line(std::int64_t k) const;
    /// Lines 0..grid_count.
    [[nodiscard]] std::vector<Decimal> lines() const;
    /// r with 18 decimals (geometric), 1 for arithmetic.
    [[nodiscard]] Decimal ratio() const;
    /// Percent profit of a pair on interval k after two fees of feeBps, 4 decimals.
    [[nodiscard]] Decimal pairProfitPercent(std::int64_t k, const Decimal& feeBps) const;
    /// True when a pair on interval k earns more than its two fees.
    [[nodiscard]] bool coversFees(std::int64_t k, const Decimal& feeBps) const;

private:
    Pair pair_;
    GridSpacing spacing_;
    int count_;
    Wide lower_ = 0;  ///< price units
    Wide upper_ = 0;
    Wide r36_ = 0;  ///< r × 10^36 (geometric)
};

/// How a grid starts at a price.
struct GridPlan {
    std::vector<Decimal> lines;
    Decimal qtyPerOrder;                ///< Q
    int buyOrders = 0;                  ///< intervals starting with a buy
    int sellOrders = 0;                 ///< intervals starting with a sell
    Decimal baseToBuy;                  ///< sellOrders × Q, bought at market at the start
    std::int64_t buyReserve = 0;        ///< Σ over buy lines of L × Q (rounded up), fees excluded
    std::int64_t baseCostEstimate = 0;  ///< baseToBuy × price (rounded up), fees excluded
};

/// Throws InvalidParams (validateGridAtPrice).
GridPlan planGrid(const GridParams& params, const Decimal& price);

}  // namespace bourse::bots
