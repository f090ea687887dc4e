//
// bourse/bots/DcaParams.h — a DCA bot's terms and their validation.
//
// Percentages are Decimals in percent (1.5 % is {15, 1}); scales are plain
// Decimals (2 is {2, 0}); money is quote minor units of the pair's quote_scale.
// See README.md beside this library for the rules (long deals only; stop loss
// measured from the average entry; take profit without fees added).
//
// validateDca() lists every problem, naming the params_json field; it needs no
// price. validateDcaAtPrice() adds the checks that depend on where the deal
// would start (every order at least one lot step and the minimum notional).
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

/// Deals buy low and sell higher (Long). Short deals are not implemented: the
/// validator refuses them ("direction").
enum class DealDirection { Long, Short };

/// When the bot opens a deal: as soon as it may, or once the price has dropped
/// start_drop % below the highest price seen over the last start_lookback_ns.
enum class StartCondition { Immediate, AfterDrop };

struct DcaParams {
    PairSpec pair;                                     ///< "pair"
    DealDirection direction = DealDirection::Long;     ///< "direction"
    std::int64_t baseOrderSize = 0;                    ///< "base_order_size": market buy, quote minor units
    std::int64_t safetyOrderSize = 0;                  ///< "safety_order_size": SO1's size, quote minor units
    int maxSafetyOrders = 0;                           ///< "max_safety_orders": 0..100
    int maxActiveSafetyOrders = 0;                     ///< "max_active_safety_orders": on the book at once; 0 = all
    Decimal priceDeviation{1, 0};                      ///< "price_deviation": % below the base price for SO1
    Decimal stepScale{1, 0};                           ///< "step_scale": each gap × this
    Decimal volumeScale{1, 0};                         ///< "volume_scale": each size × this
    Decimal takeProfit{1, 0};                          ///< "take_profit": % above the average entry
    std::optional<Decimal> stopLoss;                   ///< "stop_loss": % below the average entry
    TimeNs cooldownNs = 0;                             ///< "cooldown": after a deal starts or closes
    int maxActiveDeals = 1;                            ///< "max_active_deals": 1..100
    StartCondition start = StartCondition::Immediate;  ///< "start_condition"
    Decimal startDrop{0, 0};                           ///< "start_drop": % (AfterDrop)
    TimeNs startLookbackNs = 0;                        ///< "start_lookback": window of the recent high (AfterDrop)
    std::string idPrefix = "dca";                      ///< "id_prefix": 1..16 of [A-Za-z0-9_]
};

/// Every problem with `params`, without a price.
FieldErrors validateDca(const DcaParams& params);

/// validateDca() plus: at a base price of `price`, the base order and every
/// safety order buy at least one lot step and reach the pair's minimum notional.
FieldErrors validateDcaAtPrice(const DcaParams& params, const Decimal& price);

}  // namespace bourse::bots
