#include "Wire.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <map>
#include <stdexcept>
#include <typeinfo>

namespace bourse::binance {

namespace {

Poco::Dynamic::Var parse(const std::string& json) {
    try {
        return Poco::JSON::Parser().parse(json);
    } catch (const Poco::Exception& e) {
        throw std::invalid_argument("not JSON: " + e.message());
    }
}

Poco::JSON::Object::Ptr objectOf(const Poco::Dynamic::Var& v, const std::string& what) {
    if (v.type() != typeid(Poco::JSON::Object::Ptr)) throw std::invalid_argument(what + ": expected a JSON object");
    return v.extract<Poco::JSON::Object::Ptr>();
}

Poco::JSON::Array::Ptr arrayOf(const Poco::Dynamic::Var& v, const std::string& what) {
    if (v.type() != typeid(Poco::JSON::Array::Ptr)) throw std::invalid_argument(what + ": expected a JSON array");
    return v.extract<Poco::JSON::Array::Ptr>();
}

std::string text(const Poco::JSON::Object::Ptr& o, const std::string& key) {
    if (!o || !o->has(key) || !o->get(key).isString()) throw std::invalid_argument("missing string '" + key + "'");
    return o->getValue<std::string>(key);
}

/// (bid + ask) / 2, exact: one more decimal than the wider of the two.
std::string midPrice(const std::string& bid, const std::string& ask) {
    const Decimal b = Decimal::parse(bid), a = Decimal::parse(ask);
    const int scale = std::max(b.scale, a.scale);
    if (scale + 1 > Decimal::kMaxScale) throw std::invalid_argument("prices too precise");
    const std::int64_t sum = b.rescaled(scale + 1).mantissa + a.rescaled(scale + 1).mantissa;
    return Decimal(sum / 2, scale + 1).toString();
}

}  // namespace

int scaleOfTickSize(const std::string& tickSize) {
    const Decimal d = Decimal::parse(tickSize);
    if (d.mantissa <= 0) throw std::invalid_argument("tickSize must be positive, got '" + tickSize + "'");
    int scale = d.scale;
    std::int64_t m = d.mantissa;
    while (scale > 0 && m % 10 == 0) {
        m /= 10;
        --scale;
    }
    return scale;
}

std::vector<Instrument> parseExchangeInfo(const std::string& json, const std::vector<std::string>& wanted,
                                          std::vector<std::string>& missing) {
    const auto root = objectOf(parse(json), "exchangeInfo");
    const auto symbols = root->getArray("symbols");
    if (!symbols) throw std::invalid_argument("exchangeInfo without 'symbols'");
    std::map<std::string, Instrument> found;
    for (std::size_t i = 0; i < symbols->size(); ++i) {
        const auto s = symbols->getObject(static_cast<unsigned>(i));
        if (!s || s->optValue<std::string>("status", "") != "TRADING") continue;
        const auto filters = s->getArray("filters");
        std::optional<int> scale;
        for (std::size_t k = 0; filters && k < filters->size(); ++k) {
            const auto f = filters->getObject(static_cast<unsigned>(k));
            // Unknown filter types are normal (Binance adds them): only PRICE_FILTER matters here.
            if (f && f->optValue<std::string>("filterType", "") == "PRICE_FILTER")
                scale = scaleOfTickSize(text(f, "tickSize"));
        }
        if (!scale) continue;
        Instrument in;
        in.symbol = text(s, "symbol");
        in.baseAsset = text(s, "baseAsset");
        in.quoteAsset = text(s, "quoteAsset");
        in.name = in.baseAsset + "/" + in.quoteAsset;
        in.priceScale = *scale;
        found[in.symbol] = in;
    }
    std::vector<Instrument> out;
    missing.clear();
    for (const auto& w : wanted) {
        if (const auto it = found.find(w); it != found.end())
            out.push_back(it->second);
        else
            missing.push_back(w);
    }
    return out;
}

StreamEvent parseStreamMessage(const std::string& json) {
    const auto root = objectOf(parse(json), "stream message");
    StreamEvent ev;
    if (!root->has("stream")) return ev;  // a reply to a control request
    const std::string stream = root->getValue<std::string>("stream");
    const auto data = root->getObject("data");
    if (!data) throw std::invalid_argument("stream message without 'data'");
    if (stream == "!serverShutdown") {
        ev.kind = StreamEvent::Kind::Shutdown;
        return ev;
    }
    const auto at = stream.find('@');
    const std::string kind = at == std::string::npos ? "" : stream.substr(at + 1);
    ev.symbol = text(data, "s");
    if (kind == "trade" || kind == "aggTrade") {
        ev.price = text(data, "p");
        if (!data->has("T") || !data->get("T").isInteger()) throw std::invalid_argument("trade without time 'T'");
        ev.timeMs = data->getValue<std::int64_t>("T");
    } else if (kind.rfind("kline_", 0) == 0) {
        const auto k = data->getObject("k");
        ev.price = text(k, "c");
        ev.timeMs = data->optValue<std::int64_t>("E", 0);
    } else if (kind == "bookTicker") {
        ev.price = midPrice(text(data, "b"), text(data, "a"));
    } else {
        return StreamEvent{};
    }
    ev.kind = StreamEvent::Kind::Price;
    return ev;
}

std::vector<TickerPrice> parseTickerPrices(const std::string& json) {
    const auto arr = arrayOf(parse(json), "ticker/price");
    std::vector<TickerPrice> out;
    for (std::size_t i = 0; i < arr->size(); ++i) {
        const auto o = arr->getObject(static_cast<unsigned>(i));
        out.push_back({text(o, "symbol"), text(o, "price")});
    }
    return out;
}

std::vector<Kline> parseKlines(const std::string& json) {
    const auto arr = arrayOf(parse(json), "klines");
    std::vector<Kline> out;
    for (std::size_t i = 0; i < arr->size(); ++i) {
        const auto row = arr->getArray(static_cast<unsigned>(i));
        const std::string where = "klines[" + std::to_string(i) + "]";
        if (!row || row->size() < 6) throw std::invalid_argument(where + ": expected [open_time, o, h, l, c, v, ...]");
        Kline k;
        try {
            k.openMs = row->get(0).convert<std::int64_t>();
        } catch (const Poco::Exception&) {
            throw std::invalid_argument(where + ": open time is not a number");
        }
        std::string* fields[] = {&k.open, &k.high, &k.low, &k.close, &k.volume};
        for (unsigned f = 0; f < 5; ++f) {
            const auto v = row->get(f + 1);
            if (!v.isString()) throw std::invalid_argument(where + ": prices must be strings");
            *fields[f] = v.convert<std::string>();
        }
        if (!out.empty() && k.openMs <= out.back().openMs) throw std::invalid_argument(where + ": rows out of order");
        out.push_back(std::move(k));
    }
    return out;
}

std::string klineInterval(int seconds) {
    switch (seconds) {
        case 1:
            return "1s";
        case 60:
            return "1m";
        case 180:
            return "3m";
        case 300:
            return "5m";
        case 900:
            return "15m";
        case 1800:
            return "30m";
        case 3600:
            return "1h";
        case 14400:
            return "4h";
        case 86400:
            return "1d";
        default:
            return "";
    }
}

std::string describeError(int status, const std::string& body) {
    try {
        const auto o = Poco::JSON::Parser().parse(body).extract<Poco::JSON::Object::Ptr>();
        if (o && o->has("code") && o->has("msg"))
            return o->getValue<std::string>("msg") + " (code " + std::to_string(o->getValue<int>("code")) + ", HTTP " +
                   std::to_string(status) + ")";
    } catch (const Poco::Exception&) {
    }
    return "HTTP " + std::to_string(status) + (body.empty() ? "" : ": " + body.substr(0, 200));
}

}  // namespace bourse::binance
