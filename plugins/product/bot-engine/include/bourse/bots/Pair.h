//
// bourse/bots/Pair.h — a trading pair's filters and the engine's rounding rules.
//
// Prices live at the scale of the tick size, quantities at the scale of the lot
// step, quote money in integer minor units (quote_scale decimals). The rules,
// applied everywhere in the engine and by the paper fill model:
//   * computed prices (ladder, take profit, stop loss, grid lines) round to the
//     NEAREST tick, ties away from zero;
//   * computed quantities round DOWN to a multiple of the lot step;
//   * the notional of a fill (price × qty) rounds UP to the minor unit for a buy
//     (what is paid) and DOWN for a sell (what is received);
//   * fees round UP to the minor unit and are always charged in the quote asset.
//
// Thread-safe: a Pair is immutable after construction. Errors: the constructor
// throws InvalidParams (fields "pair.*"); the helpers throw std::invalid_argument
// for a quantity finer than the lot scale and std::overflow_error on overflow.
//
#pragma once

#include <bourse/bots/Arith.h>
#include <bourse/bots/Validation.h>

#include <cstdint>
#include <string>

namespace bourse::bots {

/// The venue's rules for one symbol (Binance: PRICE_FILTER, LOT_SIZE, NOTIONAL).
struct PairSpec {
    std::string symbol;            ///< e.g. "BTCUSDT"
    std::string baseAsset;         ///< e.g. "BTC" (informational)
    std::string quoteAsset;        ///< e.g. "USDT" (informational)
    Decimal tickSize{1, 2};        ///< price step; its scale is the price scale
    Decimal lotStep{1, 6};         ///< quantity step; its scale is the quantity scale
    std::int32_t quoteScale = 2;   ///< decimals of one quote minor unit (2: cents)
    std::int64_t minNotional = 0;  ///< smallest order value, quote minor units (0: none)
};

/// Problems with a PairSpec, fields prefixed with `field` ("pair.tick_size").
FieldErrors validatePair(const PairSpec& spec, const std::string& field = "pair");

class Pair {
public:
    /// Throws InvalidParams when validatePair() finds a problem.
    explicit Pair(PairSpec spec);

    [[nodiscard]] const PairSpec& spec() const { return spec_; }
    [[nodiscard]] int priceScale() const { return spec_.tickSize.scale; }
    [[nodiscard]] int qtyScale() const { return spec_.lotStep.scale; }
    [[nodiscard]] int quoteScale() const { return spec_.quoteScale; }

    /// The exact value num/den, counted in 10^-priceScale units, rounded to the
    /// nearest tick.
    [[nodiscard]] Decimal priceFromRatio(Wide num, Wide den) const;
    /// `price` × (1 + sign × percent/100), to the nearest tick. sign is +1 or −1.
    [[nodiscard]] Decimal shiftedPrice(const Decimal& price, const Decimal& percent, int sign) const;
    /// (costMinor / qty) × (1 + sign × percent/100), to the nearest tick: take
    /// profit and stop loss from an average entry without rounding it first.
    [[nodiscard]] Decimal priceFromCost(std::int64_t costMinor, const Decimal& qty, const Decimal& percent,
                                        int sign) const;
    /// costMinor / qty with `extra` decimals beyond the price scale (at most 18),
    /// nearest: the average entry as displayed.
    [[nodiscard]] Decimal averagePrice(std::int64_t costMinor, const Decimal& qty, int extra = 4) const;
    /// A market price at the price scale (finer digits round to nearest; the result
    /// need not be a multiple of the tick).
    [[nodiscard]] Decimal normalizePrice(const Decimal& price) const;
    /// The nearest multiple of the tick size.
    [[nodiscard]] Decimal toTick(const Decimal& price) const;

    /// The exact value num/den, counted in 10^-qtyScale units, rounded down to a
    /// multiple of the lot step.
    [[nodiscard]] Decimal floorQty(Wide num, Wide den) const;
    /// How much base `quoteMinor` buys at `price`, down to the lot step.
    [[nodiscard]] Decimal qtyForQuote(std::int64_t quoteMinor, const Decimal& price) const;
    /// `qty` at the quantity scale; throws std::invalid_argument if it has finer digits.
    [[nodiscard]] Decimal normalizeQty(const Decimal& qty) const;
    /// A zero quantity at the quantity scale.
    [[nodiscard]] Decimal zeroQty() const { return Decimal(0, qtyScale()); }

    /// price × qty in quote minor units, rounded as asked.
    [[nodiscard]] std::int64_t notional(const Decimal& price, const Decimal& qty, Rounding rounding) const;
    /// What a buy of qty at price costs (rounded up) / a sell returns (rounded down).
    [[nodiscard]] std::int64_t buyNotional(const Decimal& price, const Decimal& qty) const {
        return notional(price, qty, Rounding::Ceil);
    }
    [[nodiscard]] std::int64_t sellNotional(const Decimal& price, const Decimal& qty) const {
        return notional(price, qty, Rounding::Floor);
    }
    /// The value of qty at price for equity (rounded down, like a sale).
    [[nodiscard]] std::int64_t markToMarket(const Decimal& price, const Decimal& qty) const {
        return notional(price, qty, Rounding::Floor);
    }

    /// feeBps basis points of notionalMinor, rounded up.
    [[nodiscard]] static std::int64_t feeFor(std::int64_t notionalMinor, const Decimal& feeBps);

private:
    PairSpec spec_;
};

}  // namespace bourse::bots
