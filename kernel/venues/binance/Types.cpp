#include "venues/binance/Types.h"

namespace bourse::venues::binance {

const char* toWire(Side side) {
    return side == Side::Buy ? "BUY" : "SELL";
}

const char* toWire(OrderType type) {
    return type == OrderType::Limit ? "LIMIT" : "MARKET";
}

const char* toWire(TimeInForce tif) {
    switch (tif) {
        case TimeInForce::Gtc:
            return "GTC";
        case TimeInForce::Ioc:
            return "IOC";
        case TimeInForce::Fok:
            return "FOK";
    }
    return "GTC";
}

namespace {

struct StatusName {
    OrderStatus status;
    const char* name;
};
constexpr StatusName kStatuses[] = {
    {OrderStatus::New, "NEW"},
    {OrderStatus::PartiallyFilled, "PARTIALLY_FILLED"},
    {OrderStatus::Filled, "FILLED"},
    {OrderStatus::Canceled, "CANCELED"},
    {OrderStatus::PendingCancel, "PENDING_CANCEL"},
    {OrderStatus::Rejected, "REJECTED"},
    {OrderStatus::Expired, "EXPIRED"},
    {OrderStatus::ExpiredInMatch, "EXPIRED_IN_MATCH"},
};

struct ExecName {
    ExecutionType type;
    const char* name;
};
constexpr ExecName kExecutionTypes[] = {
    {ExecutionType::New, "NEW"},
    {ExecutionType::Canceled, "CANCELED"},
    {ExecutionType::Replaced, "REPLACED"},
    {ExecutionType::Rejected, "REJECTED"},
    {ExecutionType::Trade, "TRADE"},
    {ExecutionType::Expired, "EXPIRED"},
    {ExecutionType::TradePrevention, "TRADE_PREVENTION"},
    {ExecutionType::Amendment, "AMENDMENT"},
};

}  // namespace

const char* toWire(OrderStatus status) {
    for (const auto& s : kStatuses)
        if (s.status == status) return s.name;
    return "UNKNOWN";
}

const char* toWire(ExecutionType type) {
    for (const auto& e : kExecutionTypes)
        if (e.type == type) return e.name;
    return "UNKNOWN";
}

std::optional<Side> sideFromWire(std::string_view s) {
    if (s == "BUY") return Side::Buy;
    if (s == "SELL") return Side::Sell;
    return std::nullopt;
}

OrderStatus statusFromWire(std::string_view s) {
    for (const auto& st : kStatuses)
        if (s == st.name) return st.status;
    return OrderStatus::Unknown;
}

ExecutionType executionTypeFromWire(std::string_view s) {
    for (const auto& e : kExecutionTypes)
        if (s == e.name) return e.type;
    return ExecutionType::Unknown;
}

bool isFinal(OrderStatus status) {
    return status == OrderStatus::Filled || status == OrderStatus::Canceled || status == OrderStatus::Rejected ||
           status == OrderStatus::Expired || status == OrderStatus::ExpiredInMatch;
}

bool validClientOrderId(std::string_view id) {
    if (id.empty() || id.size() > 36) return false;
    for (const char c : id) {
        const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
                        c == ':' || c == '/' || c == '_' || c == '-';
        if (!ok) return false;
    }
    return true;
}

}  // namespace bourse::venues::binance
