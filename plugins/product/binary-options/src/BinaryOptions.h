//
// BinaryOptions.h — the fixed-time UP/DOWN binary options product.
//
// validate() applies the market's rules (enabled, duration, stake limits, open
// trades per user, trades per minute, price age) and fixes the terms —
// direction, duration, payout and loss-refund percentages, entry price — which
// the kernel stores with the position; settle() decides the outcome from those
// stored terms and the exit price, so a reload or a rule change never alters a
// trade already open. Operator changes to the rules (set_market) are kept in the
// host's key-value store and survive reloads and restarts.
//
#pragma once

#include "MarketRules.h"

#include <bourse/plugin.hpp>

#include <deque>
#include <map>
#include <string>

namespace bourse::binary {

class BinaryOptions : public TradeProduct {
public:
    explicit BinaryOptions(Host& host);

    std::string validate(const OpenRequest& request) override;
    Settlement settle(const bourse::Position& position, const std::optional<Tick>& exit) override;
    std::string command(const std::string& name, const std::string& argsJson) override;

private:
    void loadOverrides();
    /// Counts (and prunes) the user's accepted trades in the last minute.
    int recentTrades(const std::string& userRef, std::int64_t nowNs);

    ProductConfig _config;
    std::map<std::string, std::deque<std::int64_t>> _recent;  ///< accepted-trade instants per user
};

}  // namespace bourse::binary
