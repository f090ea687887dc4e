//
// Wire.h — Binance Spot replies and user-data events read into Types.h values.
//
// REST: order replies (POST/DELETE/GET /api/v3/order, ACK/RESULT/FULL shapes),
// open orders, account balances, server time, and the error body
// {"code":-2010,"msg":"..."}. WebSocket API: responses
// {"id":..,"status":..,"result"|"error":..} and events
// {"subscriptionId":0,"event":{"e":"executionReport",...}} (user-data-stream.md).
// Keys are case-sensitive ("c" and "C", "l" and "L" are different fields).
//
// Pure functions, no I/O. Errors: the parse functions throw std::invalid_argument
// naming what was wrong; parseErrorBody() returns nullopt instead.
//
#pragma once

#include "venues/binance/Types.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace bourse::venues::binance {

struct ErrorBody {
    int code = 0;
    std::string msg;
};
/// {"code":-1121,"msg":"Invalid symbol."}; nullopt when the text is not that shape.
std::optional<ErrorBody> parseErrorBody(const std::string& json);

OrderInfo parseOrder(const std::string& json);
std::vector<OrderInfo> parseOrders(const std::string& json);
/// GET /api/v3/account → "balances".
std::vector<Balance> parseAccountBalances(const std::string& json);
/// GET /api/v3/time → "serverTime" (ms).
std::int64_t parseServerTime(const std::string& json);

/// One text frame from the WebSocket API.
struct WsApiMessage {
    enum class Kind {
        Response,          ///< an answer to a request: id, status, error (when status != 200)
        ExecutionReport,   ///< report
        AccountPosition,   ///< position
        StreamTerminated,  ///< eventStreamTerminated: the subscription ended
        ServerShutdown,    ///< the server is going away: reconnect now
        OtherEvent,        ///< balanceUpdate, listStatus, externalLockUpdate, ...: ignored
    } kind = Kind::OtherEvent;
    std::string id;  ///< Response: the request id as text
    int status = 0;  ///< Response: HTTP-like status
    std::optional<ErrorBody> error;
    std::optional<int> subscriptionId;  ///< Response result / event wrapper
    std::string eventType;              ///< events: "e"
    ExecutionReport report;
    AccountPosition position;
};
WsApiMessage parseWsApiMessage(const std::string& json);

}  // namespace bourse::venues::binance
