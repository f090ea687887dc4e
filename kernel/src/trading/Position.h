//
// Position.h — a position held by a trade product (a binary option, a bot), as
// the kernel stores it.
//
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace bourse {

struct Position {
    std::string id, userId, product, symbol, clientOrderId;
    std::int64_t stake = 0;  ///< minor units
    std::string currency;
    std::string status;  ///< OPEN, WON, LOST, TIE, CLOSED
    std::string paramsJson = "{}", stateJson = "{}";
    int priceScale = 0;
    std::optional<std::int64_t> entryPrice, exitPrice, payout;
    std::int64_t openedNs = 0, expiresNs = 0;
    std::optional<std::int64_t> settledNs;
};

}  // namespace bourse
