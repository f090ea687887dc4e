#include "binance/FakeSpotExchange.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Stringifier.h>

#include <algorithm>
#include <set>
#include <sstream>

namespace bourse::fakes {

namespace {

using Wide = __int128;
constexpr Units kOne = 100'000'000;

std::string error(int code, const std::string& msg) {
    Poco::JSON::Object o;
    o.set("code", code);
    o.set("msg", msg);
    std::ostringstream out;
    Poco::JSON::Stringifier::stringify(o, out);
    return out.str();
}

FakeReply fail(int code, const std::string& msg, int status = 400) {
    return {status, error(code, msg)};
}

FakeReply mandatory(const std::string& name) {
    return fail(-1102, "Mandatory parameter '" + name + "' was not sent, was empty/null, or malformed.");
}

FakeReply notRequired(const std::string& name) {
    return fail(-1106, "Parameter '" + name + "' sent when not required.");
}

FakeReply filterFailure(const std::string& name) {
    return fail(-1013, "Filter failure: " + name);
}

Units mulDown(Units a, Units b) {
    return static_cast<Units>(Wide(a) * b / kOne);
}

Units mulUp(Units a, Units b) {
    const Wide p = Wide(a) * b;
    return static_cast<Units>(p / kOne + (p % kOne != 0 ? 1 : 0));
}

/// a × b rounded half up: what an execution's quote amount is.
Units mulNearest(Units a, Units b) {
    return static_cast<Units>((Wide(a) * b + kOne / 2) / kOne);
}

Units fraction(Units amount, int bps, bool up) {
    const Wide p = Wide(amount) * bps;
    return static_cast<Units>(p / 10'000 + (up && p % 10'000 != 0 ? 1 : 0));
}

Units field(const Poco::JSON::Object& o, const std::string& key) {
    if (!o.has(key)) return 0;
    return parseUnits(o.get(key).convert<std::string>()).value_or(0);
}

bool validClientId(const std::string& id) {
    if (id.empty() || id.size() > 36) return false;
    return std::all_of(id.begin(), id.end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == ':' ||
               c == '/' || c == '_' || c == '-';
    });
}

std::string stringify(const Poco::JSON::Object& o) {
    std::ostringstream out;
    Poco::JSON::Stringifier::stringify(o, out);
    return out.str();
}

}  // namespace

std::optional<Units> parseUnits(std::string_view text) {
    if (text.empty() || text.front() == '.' || text.back() == '.') return std::nullopt;
    Wide v = 0;
    int decimals = -1;
    for (const char c : text) {
        if (c == '.') {
            if (decimals >= 0) return std::nullopt;
            decimals = 0;
            continue;
        }
        if (c < '0' || c > '9') return std::nullopt;
        if (decimals >= 8) {
            if (c != '0') return std::nullopt;
            continue;
        }
        v = v * 10 + (c - '0');
        if (decimals >= 0) ++decimals;
        if (v > Wide(INT64_MAX)) return std::nullopt;
    }
    for (int i = decimals < 0 ? 0 : decimals; i < 8; ++i)
        v *= 10;
    if (v > Wide(INT64_MAX)) return std::nullopt;
    return static_cast<Units>(v);
}

std::string unitsText(Units units) {
    const bool negative = units < 0;
    const Wide m = negative ? -Wide(units) : Wide(units);
    std::string frac = std::to_string(static_cast<std::int64_t>(m % kOne));
    frac.insert(0, 8 - frac.size(), '0');
    return (negative ? "-" : "") + std::to_string(static_cast<std::int64_t>(m / kOne)) + "." + frac;
}

FakeSpotExchange::FakeSpotExchange(const Poco::JSON::Object& exchangeInfo, int commissionBps)
    : _commissionBps(commissionBps) {
    const auto symbols = exchangeInfo.getArray("symbols");
    for (std::size_t i = 0; symbols && i < symbols->size(); ++i) {
        const auto s = symbols->getObject(static_cast<unsigned>(i));
        Filters f;
        f.status = s->optValue<std::string>("status", "TRADING");
        f.base = s->optValue<std::string>("baseAsset", "");
        f.quote = s->optValue<std::string>("quoteAsset", "");
        f.quoteOrderQtyMarketAllowed = s->optValue<bool>("quoteOrderQtyMarketAllowed", true);
        const auto filters = s->getArray("filters");
        for (std::size_t k = 0; filters && k < filters->size(); ++k) {
            const auto x = filters->getObject(static_cast<unsigned>(k));
            const std::string type = x->optValue<std::string>("filterType", "");
            if (type == "PRICE_FILTER") {
                f.minPrice = field(*x, "minPrice");
                f.maxPrice = field(*x, "maxPrice");
                f.tickSize = field(*x, "tickSize");
            } else if (type == "LOT_SIZE") {
                f.minQty = field(*x, "minQty");
                f.maxQty = field(*x, "maxQty");
                f.stepSize = field(*x, "stepSize");
            } else if (type == "MARKET_LOT_SIZE") {
                f.marketMinQty = field(*x, "minQty");
                f.marketMaxQty = field(*x, "maxQty");
                f.marketStepSize = field(*x, "stepSize");
            } else if (type == "NOTIONAL" || (type == "MIN_NOTIONAL" && f.notionalName.empty())) {
                f.notionalName = type;
                f.minNotional = field(*x, "minNotional");
                f.maxNotional = type == "NOTIONAL" ? field(*x, "maxNotional") : 0;
                f.applyMinToMarket = x->optValue<bool>(type == "NOTIONAL" ? "applyMinToMarket" : "applyToMarket", true);
                f.applyMaxToMarket = x->optValue<bool>("applyMaxToMarket", false);
            } else if (type == "PERCENT_PRICE_BY_SIDE") {
                f.percentBySide = true;
                f.bidUp = field(*x, "bidMultiplierUp");
                f.bidDown = field(*x, "bidMultiplierDown");
                f.askUp = field(*x, "askMultiplierUp");
                f.askDown = field(*x, "askMultiplierDown");
            } else if (type == "MAX_NUM_ORDERS") {
                f.maxNumOrders = x->optValue<int>("maxNumOrders", 0);
            }
        }
        _filters[s->getValue<std::string>("symbol")] = f;
    }
}

void FakeSpotExchange::addAccount(const std::string& apiKey, const std::string& secret) {
    std::lock_guard lock(_mutex);
    _accounts[apiKey].secret = secret;
}

std::optional<std::string> FakeSpotExchange::secretOf(const std::string& apiKey) const {
    std::lock_guard lock(_mutex);
    const auto it = _accounts.find(apiKey);
    if (it == _accounts.end()) return std::nullopt;
    return it->second.secret;
}

void FakeSpotExchange::setBalance(const std::string& apiKey, const std::string& asset, Units free) {
    std::lock_guard lock(_mutex);
    _accounts[apiKey].balances[asset].free = free;
}

Units FakeSpotExchange::freeBalance(const std::string& apiKey, const std::string& asset) const {
    std::lock_guard lock(_mutex);
    const auto a = _accounts.find(apiKey);
    if (a == _accounts.end()) return 0;
    const auto b = a->second.balances.find(asset);
    return b == a->second.balances.end() ? 0 : b->second.free;
}

Units FakeSpotExchange::lockedBalance(const std::string& apiKey, const std::string& asset) const {
    std::lock_guard lock(_mutex);
    const auto a = _accounts.find(apiKey);
    if (a == _accounts.end()) return 0;
    const auto b = a->second.balances.find(asset);
    return b == a->second.balances.end() ? 0 : b->second.locked;
}

void FakeSpotExchange::setLiquidity(const std::string& symbol, Units qty) {
    std::lock_guard lock(_mutex);
    _liquidity[symbol] = qty;
}

bool FakeSpotExchange::knows(const std::string& symbol) const {
    std::lock_guard lock(_mutex);
    return _filters.count(symbol) > 0;
}

std::string FakeSpotExchange::newClientId() {
    // Binance generates 22 alphanumerics; a deterministic sequence is enough here.
    static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    std::string id;
    for (int i = 0; i < 22; ++i) {
        _clientIdSeed ^= _clientIdSeed << 13;
        _clientIdSeed ^= _clientIdSeed >> 7;
        _clientIdSeed ^= _clientIdSeed << 17;
        id += kAlphabet[_clientIdSeed % 62];
    }
    return id;
}

FakeReply FakeSpotExchange::placeOrder(const std::string& apiKey, const Params& p, Units marketPrice,
                                       std::int64_t nowMs, std::vector<UserEvent>& events) {
    std::lock_guard lock(_mutex);
    const auto has = [&](const char* k) { return p.count(k) && !p.at(k).empty(); };
    if (!has("symbol")) return mandatory("symbol");
    const std::string symbol = p.at("symbol");
    const auto fit = _filters.find(symbol);
    if (fit == _filters.end()) return fail(-1121, "Invalid symbol.");
    const Filters& f = fit->second;
    if (!has("side")) return mandatory("side");
    const std::string side = p.at("side");
    if (side != "BUY" && side != "SELL") return fail(-1117, "Invalid side.");
    if (!has("type")) return mandatory("type");
    const std::string type = p.at("type");
    if (type != "LIMIT" && type != "MARKET") return fail(-1116, "Invalid orderType.");
    const bool buy = side == "BUY", market = type == "MARKET";

    // Decimals: present or not, and well-formed.
    std::map<std::string, Units> num;
    for (const char* k : {"quantity", "price", "quoteOrderQty"}) {
        if (!has(k)) continue;
        const std::string& v = p.at(k);
        if (v.find_first_not_of("0123456789.") != std::string::npos)
            return fail(-1100, std::string("Illegal characters found in parameter '") + k +
                                   "'; legal range is '^([0-9]{1,20})(\\.[0-9]{1,20})?$'.");
        const auto u = parseUnits(v);
        if (!u) return fail(-1111, std::string("Parameter '") + k + "' has too much precision.");
        num[k] = *u;
    }
    std::string tif;
    if (!market) {
        if (!has("timeInForce")) return mandatory("timeInForce");
        tif = p.at("timeInForce");
        if (tif != "GTC" && tif != "IOC" && tif != "FOK") return fail(-1115, "Invalid timeInForce.");
        if (!num.count("quantity")) return mandatory("quantity");
        if (!num.count("price")) return mandatory("price");
        if (num.count("quoteOrderQty")) return notRequired("quoteOrderQty");
    } else {
        if (num.count("price")) return notRequired("price");
        if (has("timeInForce")) return notRequired("timeInForce");
        if (!num.count("quantity") && !num.count("quoteOrderQty"))
            return fail(-1102, "Param 'quantity' or 'quoteOrderQty' must be sent, but both were empty/null!");
        if (num.count("quantity") && num.count("quoteOrderQty")) return notRequired("quoteOrderQty");
        if (num.count("quoteOrderQty") && !f.quoteOrderQtyMarketAllowed)
            return fail(-2010, "Quote order qty market orders are not support for this symbol.");
    }
    std::string clientId;
    if (has("newClientOrderId")) {
        clientId = p.at("newClientOrderId");
        if (!validClientId(clientId))
            return fail(-1100,
                        "Illegal characters found in parameter 'newClientOrderId'; legal range is "
                        "'^[\\.A-Z\\:/a-z0-9_-]{1,36}$'.");
        for (const auto& [id, o] : _orders)
            if (o.apiKey == apiKey && o.open() && o.clientOrderId == clientId)
                return fail(-2010, "Duplicate order sent.");
    } else {
        clientId = newClientId();
    }
    if (f.status != "TRADING") return fail(-2010, "Market is closed.");
    if (marketPrice <= 0) return fail(-2010, "Order book liquidity is less than symbol minimum quantity.");

    Units price = market ? 0 : num["price"];
    Units qty = num.count("quantity") ? num["quantity"] : 0;
    const Units quoteQty = num.count("quoteOrderQty") ? num["quoteOrderQty"] : 0;
    if (quoteQty > 0) {
        // As many base units as the quote amount buys (or needs to be sold for it), on the step grid.
        qty = static_cast<Units>(Wide(quoteQty) * kOne / marketPrice);
        if (f.stepSize > 0) qty -= qty % f.stepSize;
    }

    if (!market) {
        if ((f.minPrice > 0 && price < f.minPrice) || (f.maxPrice > 0 && price > f.maxPrice) ||
            (f.tickSize > 0 && price % f.tickSize != 0))
            return filterFailure("PRICE_FILTER");
        if (f.percentBySide) {
            const Units up = mulDown(marketPrice, buy ? f.bidUp : f.askUp);
            const Units down = mulUp(marketPrice, buy ? f.bidDown : f.askDown);
            if ((up > 0 && price > up) || price < down) return filterFailure("PERCENT_PRICE_BY_SIDE");
        }
    }
    if (qty <= 0 || (f.minQty > 0 && qty < f.minQty) || (f.maxQty > 0 && qty > f.maxQty) ||
        (f.stepSize > 0 && qty % f.stepSize != 0))
        return filterFailure("LOT_SIZE");
    if (market && ((f.marketMinQty > 0 && qty < f.marketMinQty) || (f.marketMaxQty > 0 && qty > f.marketMaxQty) ||
                   (f.marketStepSize > 0 && qty % f.marketStepSize != 0)))
        return filterFailure("MARKET_LOT_SIZE");
    if (!f.notionalName.empty()) {
        const Units notional = quoteQty > 0 ? quoteQty : mulDown(market ? marketPrice : price, qty);
        if ((!market || f.applyMinToMarket) && notional < f.minNotional) return filterFailure(f.notionalName);
        if ((!market || f.applyMaxToMarket) && f.maxNotional > 0 && notional > f.maxNotional)
            return filterFailure(f.notionalName);
    }
    if (f.maxNumOrders > 0 && !market) {
        int open = 0;
        for (const auto& [id, o] : _orders)
            open += o.apiKey == apiKey && o.symbol == symbol && o.open();
        if (open >= f.maxNumOrders) return filterFailure("MAX_NUM_ORDERS");
    }

    Account& acct = _accounts[apiKey];
    const std::string& payAsset = buy ? f.quote : f.base;
    const Units need = buy ? (quoteQty > 0 ? quoteQty : mulUp(market ? marketPrice : price, qty)) : qty;
    if (acct.balances[payAsset].free < need)
        return fail(-2010, "Account has insufficient balance for requested action.");

    Order o;
    o.apiKey = apiKey;
    o.symbol = symbol;
    o.clientOrderId = clientId;
    o.side = side;
    o.type = type;
    o.timeInForce = market ? "GTC" : tif;
    o.id = _nextOrderId++;
    o.price = price;
    o.origQty = qty;
    o.origQuoteQty = quoteQty;
    o.time = o.updateTime = nowMs;

    const bool crosses = market || (buy ? price >= marketPrice : price <= marketPrice);
    const Units cap = _liquidity.count(symbol) ? _liquidity[symbol] : 0;
    const Units available = market || cap <= 0 ? qty : std::min(qty, cap);
    const bool rests = !market && tif == "GTC";
    if (rests) {
        // The order goes on the book (first) and locks what it may pay.
        acct.balances[payAsset].free -= need;
        acct.balances[payAsset].locked += need;
        o.lockedLeft = need;
    }
    Order& order = _orders.emplace(o.id, o).first->second;
    events.push_back({apiKey, report(order, "NEW", nowMs, nullptr, false, "")});

    std::vector<Execution> fills;
    if (crosses && !(tif == "FOK" && available < qty))
        fills.push_back(execute(order, available, marketPrice, false, nowMs, events));
    if (order.open() && !rests) finish(order, "EXPIRED");  // IOC/FOK remainder (and a FOK that could not fill)
    if (order.status == "EXPIRED") events.push_back({apiKey, report(order, "EXPIRED", nowMs, nullptr, false, "")});
    if (rests || !fills.empty()) events.push_back({apiKey, position(apiKey, {f.base, f.quote}, nowMs)});

    const std::string respType = p.count("newOrderRespType") ? p.at("newOrderRespType") : "FULL";
    Poco::JSON::Object out;
    out.set("symbol", symbol);
    out.set("orderId", order.id);
    out.set("orderListId", -1);
    out.set("clientOrderId", order.clientOrderId);
    out.set("transactTime", nowMs);
    if (respType != "ACK") {
        out.set("price", unitsText(order.price));
        out.set("origQty", unitsText(order.origQty));
        out.set("executedQty", unitsText(order.executed));
        out.set("origQuoteOrderQty", unitsText(order.origQuoteQty));
        out.set("cummulativeQuoteQty", unitsText(order.cumQuote));
        out.set("status", order.status);
        out.set("timeInForce", order.timeInForce);
        out.set("type", order.type);
        out.set("side", order.side);
        out.set("workingTime", nowMs);
        out.set("selfTradePreventionMode", "EXPIRE_MAKER");
    }
    if (respType == "FULL") {
        Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
        for (const auto& e : fills) {
            Poco::JSON::Object fo;
            fo.set("price", unitsText(e.price));
            fo.set("qty", unitsText(e.qty));
            fo.set("commission", unitsText(e.commission));
            fo.set("commissionAsset", e.commissionAsset);
            fo.set("tradeId", e.tradeId);
            list->add(fo);
        }
        out.set("fills", list);
    }
    return {200, stringify(out)};
}

FakeSpotExchange::Execution FakeSpotExchange::execute(Order& o, Units qty, Units price, bool maker, std::int64_t nowMs,
                                                      std::vector<UserEvent>& events) {
    const Filters& f = _filters.at(o.symbol);
    Account& acct = _accounts[o.apiKey];
    const bool buy = o.side == "BUY";
    Execution e;
    e.qty = qty;
    e.price = price;
    e.quote = mulNearest(qty, price);
    e.tradeId = _nextTradeId++;
    e.commissionAsset = buy ? f.base : f.quote;
    e.commission = fraction(buy ? qty : e.quote, _commissionBps, true);
    const Units pay = buy ? e.quote : qty;
    Balance& paid = acct.balances[buy ? f.quote : f.base];
    // What the order locked pays first; anything beyond it (rounding) comes from free.
    const Units fromLock = std::min(pay, o.lockedLeft);
    paid.locked -= fromLock;
    o.lockedLeft -= fromLock;
    paid.free -= pay - fromLock;
    acct.balances[buy ? f.base : f.quote].free += (buy ? qty : e.quote) - e.commission;
    o.executed += qty;
    o.cumQuote += e.quote;
    o.updateTime = nowMs;
    o.status = o.executed >= o.origQty ? "FILLED" : "PARTIALLY_FILLED";
    if (o.status == "FILLED") finish(o, "FILLED");
    events.push_back({o.apiKey, report(o, "TRADE", nowMs, &e, maker, "")});
    return e;
}

void FakeSpotExchange::finish(Order& o, const std::string& status) {
    if (o.lockedLeft > 0) {
        const Filters& f = _filters.at(o.symbol);
        Balance& b = _accounts[o.apiKey].balances[o.side == "BUY" ? f.quote : f.base];
        b.locked -= o.lockedLeft;
        b.free += o.lockedLeft;
        o.lockedLeft = 0;
    }
    o.status = status;
}

void FakeSpotExchange::match(const std::string& symbol, Units marketPrice, std::int64_t nowMs,
                             std::vector<UserEvent>& events) {
    std::lock_guard lock(_mutex);
    if (marketPrice <= 0) return;
    const Units cap = _liquidity.count(symbol) ? _liquidity[symbol] : 0;
    std::set<std::string> touched;
    for (auto& [id, o] : _orders) {
        if (o.symbol != symbol || !o.open() || o.type != "LIMIT") continue;
        const bool reached = o.side == "BUY" ? marketPrice <= o.price : marketPrice >= o.price;
        if (!reached) continue;
        const Units left = o.origQty - o.executed;
        execute(o, cap > 0 ? std::min(cap, left) : left, o.price, true, nowMs, events);
        touched.insert(o.apiKey);
    }
    const Filters& f = _filters.at(symbol);
    for (const auto& key : touched)
        events.push_back({key, position(key, {f.base, f.quote}, nowMs)});
}

const FakeSpotExchange::Order* FakeSpotExchange::find(const std::string& apiKey, const Params& p, int& code,
                                                      std::string& msg) const {
    const auto has = [&](const char* k) { return p.count(k) && !p.at(k).empty(); };
    if (!has("symbol")) {
        code = -1102;
        msg = "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed.";
        return nullptr;
    }
    if (!_filters.count(p.at("symbol"))) {
        code = -1121;
        msg = "Invalid symbol.";
        return nullptr;
    }
    if (!has("orderId") && !has("origClientOrderId")) {
        code = -1102;
        msg = "Param 'origClientOrderId' or 'orderId' must be sent, but both were empty/null!";
        return nullptr;
    }
    const std::string& symbol = p.at("symbol");
    if (has("orderId")) {
        std::int64_t id = 0;
        try {
            id = std::stoll(p.at("orderId"));
        } catch (const std::exception&) {
            code = -1100;
            msg = "Illegal characters found in parameter 'orderId'; legal range is '^[0-9]{1,20}$'.";
            return nullptr;
        }
        const auto it = _orders.find(id);
        if (it == _orders.end() || it->second.apiKey != apiKey || it->second.symbol != symbol) return nullptr;
        if (has("origClientOrderId") && it->second.clientOrderId != p.at("origClientOrderId")) return nullptr;
        return &it->second;
    }
    // By client id: the open order with it, else the most recent one that had it.
    const Order* latest = nullptr;
    for (const auto& [id, o] : _orders) {
        if (o.apiKey != apiKey || o.symbol != symbol || o.clientOrderId != p.at("origClientOrderId")) continue;
        if (o.open()) return &o;
        latest = &o;
    }
    return latest;
}

FakeReply FakeSpotExchange::cancelOrder(const std::string& apiKey, const Params& p, std::int64_t nowMs,
                                        std::vector<UserEvent>& events) {
    std::lock_guard lock(_mutex);
    int code = -2011;
    std::string msg = "Unknown order sent.";
    const Order* found = find(apiKey, p, code, msg);
    if (!found || !found->open()) return fail(code, msg);
    Order& o = _orders.at(found->id);
    const std::string cancelId =
        p.count("newClientOrderId") && !p.at("newClientOrderId").empty() ? p.at("newClientOrderId") : newClientId();
    o.updateTime = nowMs;
    finish(o, "CANCELED");
    events.push_back({apiKey, report(o, "CANCELED", nowMs, nullptr, false, cancelId)});
    const Filters& f = _filters.at(o.symbol);
    events.push_back({apiKey, position(apiKey, {f.base, f.quote}, nowMs)});
    Poco::JSON::Object out;
    out.set("symbol", o.symbol);
    out.set("origClientOrderId", o.clientOrderId);
    out.set("orderId", o.id);
    out.set("orderListId", -1);
    out.set("clientOrderId", cancelId);
    out.set("transactTime", nowMs);
    out.set("price", unitsText(o.price));
    out.set("origQty", unitsText(o.origQty));
    out.set("executedQty", unitsText(o.executed));
    out.set("origQuoteOrderQty", unitsText(o.origQuoteQty));
    out.set("cummulativeQuoteQty", unitsText(o.cumQuote));
    out.set("status", o.status);
    out.set("timeInForce", o.timeInForce);
    out.set("type", o.type);
    out.set("side", o.side);
    out.set("selfTradePreventionMode", "EXPIRE_MAKER");
    return {200, stringify(out)};
}

std::string FakeSpotExchange::orderJson(const Order& o, bool query) const {
    Poco::JSON::Object out;
    out.set("symbol", o.symbol);
    out.set("orderId", o.id);
    out.set("orderListId", -1);
    out.set("clientOrderId", o.clientOrderId);
    out.set("price", unitsText(o.price));
    out.set("origQty", unitsText(o.origQty));
    out.set("executedQty", unitsText(o.executed));
    out.set("cummulativeQuoteQty", unitsText(o.cumQuote));
    out.set("status", o.status);
    out.set("timeInForce", o.timeInForce);
    out.set("type", o.type);
    out.set("side", o.side);
    out.set("stopPrice", unitsText(0));
    out.set("icebergQty", unitsText(0));
    out.set("time", o.time);
    out.set("updateTime", o.updateTime);
    out.set("isWorking", query ? o.type == "LIMIT" : true);
    out.set("workingTime", o.time);
    out.set("origQuoteOrderQty", unitsText(o.origQuoteQty));
    out.set("selfTradePreventionMode", "EXPIRE_MAKER");
    return stringify(out);
}

FakeReply FakeSpotExchange::queryOrder(const std::string& apiKey, const Params& p) const {
    std::lock_guard lock(_mutex);
    int code = -2013;
    std::string msg = "Order does not exist.";
    const Order* o = find(apiKey, p, code, msg);
    if (!o) return fail(code, msg);
    return {200, orderJson(*o, true)};
}

FakeReply FakeSpotExchange::openOrders(const std::string& apiKey, const Params& p) const {
    std::lock_guard lock(_mutex);
    const std::string symbol = p.count("symbol") ? p.at("symbol") : "";
    if (!symbol.empty() && !_filters.count(symbol)) return fail(-1121, "Invalid symbol.");
    std::string out = "[";
    for (const auto& [id, o] : _orders) {
        if (o.apiKey != apiKey || !o.open() || (!symbol.empty() && o.symbol != symbol)) continue;
        if (out.size() > 1) out += ",";
        out += orderJson(o, true);
    }
    return {200, out + "]"};
}

FakeReply FakeSpotExchange::account(const std::string& apiKey, const Params& p, std::int64_t nowMs) const {
    std::lock_guard lock(_mutex);
    const bool omitZero = p.count("omitZeroBalances") && p.at("omitZeroBalances") == "true";
    Poco::JSON::Object out;
    out.set("makerCommission", _commissionBps);
    out.set("takerCommission", _commissionBps);
    out.set("buyerCommission", 0);
    out.set("sellerCommission", 0);
    Poco::JSON::Object rates;
    rates.set("maker", unitsText(static_cast<Units>(_commissionBps) * 10'000));
    rates.set("taker", unitsText(static_cast<Units>(_commissionBps) * 10'000));
    rates.set("buyer", unitsText(0));
    rates.set("seller", unitsText(0));
    out.set("commissionRates", rates);
    out.set("canTrade", true);
    out.set("canWithdraw", true);
    out.set("canDeposit", true);
    out.set("brokered", false);
    out.set("requireSelfTradePrevention", false);
    out.set("preventSor", false);
    out.set("updateTime", nowMs);
    out.set("accountType", "SPOT");
    Poco::JSON::Array::Ptr balances = new Poco::JSON::Array;
    const auto it = _accounts.find(apiKey);
    if (it != _accounts.end())
        for (const auto& [asset, b] : it->second.balances) {
            if (omitZero && b.free == 0 && b.locked == 0) continue;
            Poco::JSON::Object row;
            row.set("asset", asset);
            row.set("free", unitsText(b.free));
            row.set("locked", unitsText(b.locked));
            balances->add(row);
        }
    out.set("balances", balances);
    Poco::JSON::Array::Ptr permissions = new Poco::JSON::Array;
    permissions->add(std::string("SPOT"));
    out.set("permissions", permissions);
    out.set("uid", 354937868);
    return {200, stringify(out)};
}

std::string FakeSpotExchange::report(const Order& o, const std::string& execType, std::int64_t nowMs,
                                     const Execution* e, bool maker, const std::string& cancelClientId) {
    const bool cancel = execType == "CANCELED";
    Poco::JSON::Object r;
    r.set("e", "executionReport");
    r.set("E", nowMs);
    r.set("s", o.symbol);
    // On a cancel, c is the cancel request's id and C the cancelled order's.
    r.set("c", cancel ? cancelClientId : o.clientOrderId);
    r.set("S", o.side);
    r.set("o", o.type);
    r.set("f", o.timeInForce);
    r.set("q", unitsText(o.origQty));
    r.set("p", unitsText(o.price));
    r.set("P", unitsText(0));
    r.set("F", unitsText(0));
    r.set("g", -1);
    r.set("C", cancel ? o.clientOrderId : "");
    r.set("x", execType);
    r.set("X", o.status);
    r.set("r", "NONE");
    r.set("i", o.id);
    r.set("l", unitsText(e ? e->qty : 0));
    r.set("z", unitsText(o.executed));
    r.set("L", unitsText(e ? e->price : 0));
    r.set("n", e ? unitsText(e->commission) : std::string("0"));
    if (e)
        r.set("N", e->commissionAsset);
    else
        r.set("N", Poco::Dynamic::Var());  // null, as Binance sends it
    r.set("T", nowMs);
    r.set("t", e ? e->tradeId : -1);
    r.set("I", _nextExecutionId++);
    r.set("w", o.open() && o.type == "LIMIT");  // still on the book
    r.set("m", maker);
    r.set("M", false);
    r.set("O", o.time);
    r.set("Z", unitsText(o.cumQuote));
    r.set("Y", unitsText(e ? e->quote : 0));
    r.set("Q", unitsText(o.origQuoteQty));
    if (o.type == "LIMIT") r.set("W", o.time);
    r.set("V", "EXPIRE_MAKER");
    return stringify(r);
}

std::string FakeSpotExchange::position(const std::string& apiKey, const std::vector<std::string>& assets,
                                       std::int64_t nowMs) const {
    Poco::JSON::Object p;
    p.set("e", "outboundAccountPosition");
    p.set("E", nowMs);
    p.set("u", nowMs);
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    const auto& balances = _accounts.at(apiKey).balances;
    for (const auto& a : assets) {
        const auto it = balances.find(a);
        Poco::JSON::Object b;
        b.set("a", a);
        b.set("f", unitsText(it == balances.end() ? 0 : it->second.free));
        b.set("l", unitsText(it == balances.end() ? 0 : it->second.locked));
        list->add(b);
    }
    p.set("B", list);
    return stringify(p);
}

std::vector<std::string> FakeSpotExchange::symbolsWithOpenOrders() const {
    std::lock_guard lock(_mutex);
    std::set<std::string> out;
    for (const auto& [id, o] : _orders)
        if (o.open() && o.type == "LIMIT") out.insert(o.symbol);
    return {out.begin(), out.end()};
}

int FakeSpotExchange::openOrderCount() const {
    std::lock_guard lock(_mutex);
    int n = 0;
    for (const auto& [id, o] : _orders)
        n += o.open();
    return n;
}

}  // namespace bourse::fakes
