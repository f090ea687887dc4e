//
// Config.h — the twelvedata plugin's configuration (the YAML `config:` block,
// handed over as JSON). See ../README.md for every key. The API key is not
// here: it is the secret `api_key` (secrets: {api_key: ${TWELVEDATA_API_KEY}}).
//
// parse() throws bourse::Error(BOURSE_E_CONFIG) naming the key:
// "config: symbols[1].price_scale: required, a whole number 0..11".
//
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace bourse::twelvedata {

struct SymbolConfig {
    std::string symbol;    ///< the kernel's instrument symbol, [A-Z0-9_]{1,32}
    std::string provider;  ///< Twelve Data's symbol ("EUR/USD", "AAPL", "RY:TSX")
    int priceScale = 0;    ///< decimals of published prices
    std::string name;      ///< display name; the provider symbol by default
};

struct TwelveDataConfig {
    enum class Mode { Rest, Ws };

    std::string restUrl = "https://api.twelvedata.com";
    std::string wsUrl = "wss://ws.twelvedata.com";
    Mode mode = Mode::Rest;
    std::vector<SymbolConfig> symbols;
    int creditsPerMinute = 8;  ///< the plan's limits (Basic: 8 a minute, 800 a day)
    int creditsPerDay = 800;
    int historyReservePercent = 10;       ///< share of both limits kept for fetchCandles
    std::int64_t pollIntervalMs = 1'000;  ///< floor under the budget's spacing
    std::int64_t requestTimeoutMs = 10'000;
    std::int64_t backoffMinMs = 1'000, backoffMaxMs = 60'000;  ///< 5xx, timeouts, stream reconnects
    std::int64_t heartbeatMs = 10'000;                         ///< {"action":"heartbeat"} period
    std::int64_t staleAfterMs = 30'000;  ///< a stream silent this long (no event, no heartbeat reply) is dead

    /// Throws bourse::Error(BOURSE_E_CONFIG) naming the key.
    static TwelveDataConfig parse(const std::string& json);
};

}  // namespace bourse::twelvedata
