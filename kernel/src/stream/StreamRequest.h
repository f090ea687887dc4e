//
// StreamRequest.h — the JSON operations a stream client sends (see StreamHub.h),
// parsed and checked for shape. Whether a symbol exists or a private channel is
// allowed is decided by the hub, which knows the connection.
//
#pragma once

#include <string>
#include <variant>
#include <vector>

namespace bourse::stream {

struct Request {
    enum class Op { Subscribe, Unsubscribe, Auth, Ping };
    Op op = Op::Ping;
    std::string channel;               ///< "ticks", "candles", "trades" or "operator"
    std::vector<std::string> symbols;  ///< ticks and candles
    std::string interval;              ///< candles: "1s", "1m", "5m" or "1h"
    std::string token;                 ///< auth

    [[nodiscard]] bool isMarket() const { return channel == "ticks" || channel == "candles"; }
};

/// The request in a text message, or the error message to answer with.
std::variant<Request, std::string> parseRequest(const std::string& text);

/// The channel key of one symbol of a market request: "ticks:<SYM>" or
/// "candles:<SYM>:<interval>".
std::string marketKey(const Request& request, const std::string& symbol);

}  // namespace bourse::stream
