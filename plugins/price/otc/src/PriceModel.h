//
// PriceModel.h — the synthetic random walk behind each OTC instrument.
//
// Each tick moves the price by price × multiplier × (z + bias), z standard
// normal; SPIKE instruments also jump three times as far on 2 % of ticks. The
// generator is std::mt19937_64 with a Box–Muller transform written here, so a
// seed gives the same path with any standard library (std::normal_distribution
// is implementation-defined). Prices stay exact fixed-point values: the step is
// rounded to whole minor units, and the price is kept between one minor unit
// and kMaxPriceUnits.
//
#pragma once

#include "OtcConfig.h"

#include <cstdint>
#include <optional>
#include <random>
#include <string>

namespace bourse::otc {

class PriceModel {
public:
    PriceModel(std::uint64_t seed, Decimal start);

    /// Advances one tick and returns the new price (same scale as the start).
    Decimal step(Volatility volatility, double bias);
    [[nodiscard]] Decimal price() const { return _price; }
    /// Continues from p (same scale), clamped into the model's range.
    void setPrice(Decimal p);

    /// Standard normal variate (exposed for tests).
    double normal();

private:
    double uniform();  ///< (0, 1]

    std::mt19937_64 _rng;
    Decimal _price;
    std::optional<double> _spare;  ///< Box–Muller yields two variates per draw
};

/// Seed for one instrument: the source seed mixed with the symbol (FNV-1a).
std::uint64_t instrumentSeed(std::uint64_t seed, const std::string& symbol);

}  // namespace bourse::otc
