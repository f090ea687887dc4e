//
// bourse/bots/DcaLadder.h — where a DCA deal's safety orders sit and what they cost.
//
// Safety order n (1-based) sits at a total deviation of
//     d × (1 + s + … + s^(n−1))  percent below the base order's price,
// and buys size × v^(n−1) quote (bots.md). The deviation and the volume factor
// are carried with 18 decimals (each multiplication by s or v rounds half away
// from zero at the 18th decimal, exact for scales like 2 or 1.5); the price then
// rounds once to the nearest tick, the size DOWN to the quote minor unit, the
// quantity DOWN to the lot step.
//
// Capital for a deal (bots.md): base + Σ size × v^(k−1), k = 1..max SO.
// Worst case: the base order and every safety order filled at their prices.
//
// Errors: planDca() throws InvalidParams (validateDcaAtPrice) for bad terms.
// Thread-safe (values only).
//
#pragma once

#include <bourse/bots/DcaParams.h>

#include <cstdint>
#include <optional>
#include <vector>

namespace bourse::bots {

struct SafetyOrderStep {
    int index = 0;          ///< 1-based
    Decimal deviation;      ///< total % below the base price, 8 decimals (nearest)
    Decimal price;          ///< limit price, on the tick
    std::int64_t size = 0;  ///< quote minor units (size × v^(n−1), down)
    Decimal qty;            ///< size / price, down to the lot step
};

struct DcaPlan {
    Decimal basePrice;
    std::int64_t baseOrderSize = 0;
    Decimal baseQty;  ///< base_order_size / base price, down to the lot step
    std::vector<SafetyOrderStep> safetyOrders;
    std::int64_t capitalRequired = 0;  ///< base + Σ safety sizes, quote minor units
    Decimal maxDeviation;              ///< total deviation of the last safety order (0 without any)
    // Worst case — everything filled at the planned prices, fees excluded:
    Decimal worstQty;                           ///< base held
    std::int64_t worstCost = 0;                 ///< Σ price × qty (each rounded up)
    Decimal worstAverageEntry;                  ///< worstCost / worstQty, 4 decimals beyond the price scale
    Decimal worstTakeProfitPrice;               ///< where the take profit would then sit
    std::optional<Decimal> worstStopLossPrice;  ///< where the stop loss would then trigger
    std::optional<std::int64_t> worstLoss;      ///< worstCost − proceeds at worstStopLossPrice
};

/// Safety order sizes in quote minor units, SO1 first. Throws InvalidParams
/// ("volume_scale") when a size does not fit 64 bits.
std::vector<std::int64_t> safetyOrderSizes(const DcaParams& params);

/// Total deviations of the safety orders in percent, 8 decimals, SO1 first.
std::vector<Decimal> safetyOrderDeviations(const DcaParams& params);

/// base_order_size + Σ safety sizes. Needs no price.
std::int64_t dcaCapitalRequired(const DcaParams& params);

/// The safety ladder below `basePrice` (a price on the tick; the deal passes its
/// base order's average fill price rounded to the tick). Expects params that
/// validateDca() accepts; an order below one lot step gets qty 0 (the deal skips it).
std::vector<SafetyOrderStep> safetyLadder(const DcaParams& params, const Decimal& basePrice);

/// The whole plan for a deal starting at basePrice. Throws InvalidParams.
DcaPlan planDca(const DcaParams& params, const Decimal& basePrice);

}  // namespace bourse::bots
