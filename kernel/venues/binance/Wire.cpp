#include "venues/binance/Wire.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <stdexcept>

namespace bourse::venues::binance {

namespace {

using Poco::JSON::Object;

Object::Ptr parseObject(const std::string& json, const char* what) {
    try {
        auto v = Poco::JSON::Parser().parse(json);
        if (v.type() != typeid(Object::Ptr)) throw std::invalid_argument(std::string(what) + ": not a JSON object");
        return v.extract<Object::Ptr>();
    } catch (const Poco::Exception& e) {
        throw std::invalid_argument(std::string(what) + ": " + e.displayText());
    }
}

std::string text(const Object& o, const std::string& key) {
    if (!o.has(key) || o.isNull(key)) return "";
    return o.get(key).convert<std::string>();
}

std::int64_t integer(const Object& o, const std::string& key, std::int64_t fallback = 0) {
    if (!o.has(key) || o.isNull(key)) return fallback;
    return o.get(key).convert<std::int64_t>();
}

bool boolean(const Object& o, const std::string& key) {
    return o.has(key) && !o.isNull(key) && o.get(key).convert<bool>();
}

Fixed8 decimal(const Object& o, const std::string& key) {
    const std::string t = text(o, key);
    if (t.empty()) return {};
    const auto v = Fixed8::parse(t);
    if (!v) throw std::invalid_argument("field " + key + " is not a decimal: " + t);
    return *v;
}

OrderInfo orderFrom(const Object& o) {
    OrderInfo out;
    out.symbol = text(o, "symbol");
    out.orderId = integer(o, "orderId");
    out.clientOrderId = text(o, "clientOrderId");
    out.origClientOrderId = text(o, "origClientOrderId");
    out.price = decimal(o, "price");
    out.origQty = decimal(o, "origQty");
    out.executedQty = decimal(o, "executedQty");
    out.cumulativeQuoteQty = decimal(o, "cummulativeQuoteQty");  // sic: Binance's spelling
    out.origQuoteOrderQty = decimal(o, "origQuoteOrderQty");
    out.statusText = text(o, "status");
    out.status = statusFromWire(out.statusText);
    out.type = text(o, "type");
    out.side = text(o, "side");
    out.timeInForce = text(o, "timeInForce");
    out.transactTimeMs = integer(o, "transactTime");
    out.timeMs = integer(o, "time");
    out.updateTimeMs = integer(o, "updateTime");
    if (const auto fills = o.getArray("fills")) {
        for (std::size_t i = 0; i < fills->size(); ++i) {
            const auto f = fills->getObject(static_cast<unsigned>(i));
            if (!f) continue;
            out.fills.push_back(Fill{decimal(*f, "price"), decimal(*f, "qty"), decimal(*f, "commission"),
                                     text(*f, "commissionAsset"), integer(*f, "tradeId")});
        }
    }
    if (out.symbol.empty() || out.orderId == 0) throw std::invalid_argument("order reply without symbol or orderId");
    return out;
}

ExecutionReport reportFrom(const Object& e) {
    ExecutionReport r;
    r.eventTimeMs = integer(e, "E");
    r.symbol = text(e, "s");
    r.clientOrderId = text(e, "c");
    r.origClientOrderId = text(e, "C");
    const auto side = sideFromWire(text(e, "S"));
    if (!side) throw std::invalid_argument("executionReport: bad side");
    r.side = *side;
    r.orderType = text(e, "o");
    r.timeInForce = text(e, "f");
    r.orderQty = decimal(e, "q");
    r.orderPrice = decimal(e, "p");
    r.quoteOrderQty = decimal(e, "Q");
    r.executionType = executionTypeFromWire(text(e, "x"));
    r.orderStatus = statusFromWire(text(e, "X"));
    r.rejectReason = text(e, "r");
    r.orderId = integer(e, "i");
    r.lastQty = decimal(e, "l");
    r.cumulativeQty = decimal(e, "z");
    r.lastPrice = decimal(e, "L");
    r.commission = decimal(e, "n");
    r.commissionAsset = text(e, "N");
    r.transactTimeMs = integer(e, "T");
    r.tradeId = integer(e, "t", -1);
    r.executionId = integer(e, "I");
    r.maker = boolean(e, "m");
    r.onBook = boolean(e, "w");
    r.cumulativeQuoteQty = decimal(e, "Z");
    r.lastQuoteQty = decimal(e, "Y");
    if (r.symbol.empty() || r.orderId == 0) throw std::invalid_argument("executionReport without s or i");
    return r;
}

}  // namespace

std::optional<ErrorBody> parseErrorBody(const std::string& json) {
    try {
        const auto o = parseObject(json, "error");
        if (!o->has("code")) return std::nullopt;
        return ErrorBody{static_cast<int>(integer(*o, "code")), text(*o, "msg")};
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

OrderInfo parseOrder(const std::string& json) {
    try {
        return orderFrom(*parseObject(json, "order"));
    } catch (const Poco::Exception& e) {
        throw std::invalid_argument("order: " + e.displayText());
    }
}

std::vector<OrderInfo> parseOrders(const std::string& json) {
    std::vector<OrderInfo> out;
    try {
        const auto arr = Poco::JSON::Parser().parse(json).extract<Poco::JSON::Array::Ptr>();
        for (std::size_t i = 0; i < arr->size(); ++i)
            if (const auto o = arr->getObject(static_cast<unsigned>(i))) out.push_back(orderFrom(*o));
    } catch (const Poco::Exception& e) {
        throw std::invalid_argument("orders: " + e.displayText());
    }
    return out;
}

std::vector<Balance> parseAccountBalances(const std::string& json) {
    std::vector<Balance> out;
    try {
        const auto o = parseObject(json, "account");
        const auto balances = o->getArray("balances");
        if (!balances) throw std::invalid_argument("account: no balances");
        for (std::size_t i = 0; i < balances->size(); ++i) {
            const auto b = balances->getObject(static_cast<unsigned>(i));
            if (b) out.push_back(Balance{text(*b, "asset"), decimal(*b, "free"), decimal(*b, "locked")});
        }
    } catch (const Poco::Exception& e) {
        throw std::invalid_argument("account: " + e.displayText());
    }
    return out;
}

std::int64_t parseServerTime(const std::string& json) {
    try {
        const auto o = parseObject(json, "time");
        const auto t = integer(*o, "serverTime");
        if (t <= 0) throw std::invalid_argument("time: no serverTime");
        return t;
    } catch (const Poco::Exception& e) {
        throw std::invalid_argument("time: " + e.displayText());
    }
}

WsApiMessage parseWsApiMessage(const std::string& json) {
    WsApiMessage m;
    try {
        const auto o = parseObject(json, "ws-api message");
        if (o->has("event")) {
            const auto e = o->getObject("event");
            if (!e) throw std::invalid_argument("event is not an object");
            if (o->has("subscriptionId") && !o->isNull("subscriptionId"))
                m.subscriptionId = static_cast<int>(integer(*o, "subscriptionId"));
            m.eventType = text(*e, "e");
            if (m.eventType == "executionReport") {
                m.kind = WsApiMessage::Kind::ExecutionReport;
                m.report = reportFrom(*e);
            } else if (m.eventType == "outboundAccountPosition") {
                m.kind = WsApiMessage::Kind::AccountPosition;
                m.position.eventTimeMs = integer(*e, "E");
                m.position.updateTimeMs = integer(*e, "u");
                if (const auto b = e->getArray("B"))
                    for (std::size_t i = 0; i < b->size(); ++i)
                        if (const auto x = b->getObject(static_cast<unsigned>(i)))
                            m.position.balances.push_back(Balance{text(*x, "a"), decimal(*x, "f"), decimal(*x, "l")});
            } else if (m.eventType == "eventStreamTerminated") {
                m.kind = WsApiMessage::Kind::StreamTerminated;
            } else if (m.eventType == "serverShutdown") {
                m.kind = WsApiMessage::Kind::ServerShutdown;
            }
            return m;
        }
        if (!o->has("status")) throw std::invalid_argument("neither a response nor an event");
        m.kind = WsApiMessage::Kind::Response;
        m.id = text(*o, "id");
        m.status = static_cast<int>(integer(*o, "status"));
        if (const auto err = o->getObject("error"))
            m.error = ErrorBody{static_cast<int>(integer(*err, "code")), text(*err, "msg")};
        if (const auto result = o->getObject("result"))
            if (result->has("subscriptionId")) m.subscriptionId = static_cast<int>(integer(*result, "subscriptionId"));
    } catch (const Poco::Exception& e) {
        throw std::invalid_argument("ws-api message: " + e.displayText());
    }
    return m;
}

}  // namespace bourse::venues::binance
