#include <bourse/bots/Orders.h>

namespace bourse::bots {

OrderIntent placeLimit(std::string clientId, Side side, const Decimal& price, const Decimal& qty) {
    OrderIntent i;
    i.clientId = std::move(clientId);
    i.side = side;
    i.type = OrderType::Limit;
    i.price = price;
    i.qty = qty;
    return i;
}

OrderIntent placeMarket(std::string clientId, Side side, const Decimal& qty) {
    OrderIntent i;
    i.clientId = std::move(clientId);
    i.side = side;
    i.type = OrderType::Market;
    i.qty = qty;
    return i;
}

OrderIntent placeMarketBuyQuote(std::string clientId, std::int64_t quoteMinor) {
    OrderIntent i;
    i.clientId = std::move(clientId);
    i.side = Side::Buy;
    i.type = OrderType::Market;
    i.quoteAmount = quoteMinor;
    return i;
}

OrderIntent cancelOrder(std::string clientId) {
    OrderIntent i;
    i.action = OrderIntent::Action::Cancel;
    i.clientId = std::move(clientId);
    return i;
}

bool validIdPrefix(const std::string& prefix) {
    if (prefix.empty() || prefix.size() > 16) return false;
    for (const char c : prefix)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return false;
    return true;
}

}  // namespace bourse::bots
