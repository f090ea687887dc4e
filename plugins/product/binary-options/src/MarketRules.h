//
// MarketRules.h — the per-market rules of the binary options product and their
// JSON form (config `defaults` and `markets`, operator set_market commands).
//
// Errors: parse functions throw bourse::Error(BOURSE_E_CONFIG or BOURSE_E_INVALID)
// naming the JSON path, e.g. "config: markets.OTC_GOLD.payout_percent: ...".
//
#pragma once

#include <bourse/plugin.hpp>

#include <Poco/JSON/Object.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace bourse::binary {

struct MarketRules {
    std::int32_t payoutBps = 8000;
    std::int32_t lossRefundBps = 0;
    std::vector<int> durations{5, 10, 15, 30, 60, 120, 180, 300};  ///< seconds
    std::int64_t minStake = 100;                                   ///< minor units (1.00)
    std::int64_t maxStake = 100000;                                ///< minor units (1,000.00)
    int maxOpenPerUser = 20;
    int maxTradesPerMinute = 10;
    bool enabled = true;
};

struct ProductConfig {
    std::string currency = "USD";
    std::int64_t maxPriceAgeMs = 3000;
    MarketRules defaults;
    std::map<std::string, Poco::JSON::Object::Ptr> overrides;  ///< per symbol, as given
};

/// Applies the fields present in `o` onto `rules`. `where` prefixes messages;
/// `status` is the error status to throw (CONFIG at load, INVALID for commands).
void applyRules(MarketRules& rules, const Poco::JSON::Object& o, const std::string& where, bourse_status status);

/// Parses the plugin's whole config JSON (unknown keys are errors).
ProductConfig parseConfig(const std::string& json);

/// The rules in force for a symbol.
MarketRules rulesFor(const ProductConfig& config, const std::string& symbol);

/// JSON object of rules (decimal strings for money and percents).
Poco::JSON::Object::Ptr rulesJson(const MarketRules& rules);

}  // namespace bourse::binary
