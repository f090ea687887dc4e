#include "venues/binance/BinanceSpotClient.h"

#include "venues/binance/HttpTransport.h"
#include "venues/binance/RateGate.h"
#include "venues/binance/RequestSigning.h"
#include "venues/binance/ServerClock.h"
#include "venues/binance/Wire.h"

#include <cctype>
#include <stdexcept>

namespace bourse::venues::binance {

namespace {

constexpr char kOrderPath[] = "/api/v3/order";

/// Retry-After in whole seconds; `fallback` when absent or not a number (an
/// HTTP-date form is never sent by Binance).
std::chrono::seconds retryAfter(const HttpReply& reply, std::chrono::seconds fallback) {
    const std::string v = reply.header("Retry-After");
    if (v.empty()) return fallback;
    for (const char c : v)
        if (!std::isdigit(static_cast<unsigned char>(c))) return fallback;
    return std::chrono::seconds(std::stoll(v));
}

std::string refText(const OrderRef& ref) {
    return ref.orderId ? "orderId " + std::to_string(ref.orderId) : "client order id " + ref.clientOrderId;
}

void addRef(std::vector<std::pair<std::string, std::string>>& params, const OrderRef& ref) {
    if (ref.orderId) params.emplace_back("orderId", std::to_string(ref.orderId));
    if (!ref.clientOrderId.empty()) params.emplace_back("origClientOrderId", ref.clientOrderId);
}

}  // namespace

BinanceSpotClient::BinanceSpotClient(ClientConfig config, std::shared_ptr<const bourse::Clock> clock)
    : _config(std::move(config)), _clock(clock ? std::move(clock) : std::make_shared<bourse::SystemClock>()) {
    if (_config.apiKey.empty() || _config.secret.empty())
        throw std::invalid_argument("Binance client: apiKey and secret are required");
    if (_config.recvWindowMs < 1 || _config.recvWindowMs > 60'000)
        throw std::invalid_argument("Binance client: recvWindowMs must be 1..60000");
    _serverClock = std::make_unique<ServerClock>(_clock);
    _transport = std::make_unique<HttpTransport>(_config.restUrl, _config.timeout);
    _ipGate = std::make_unique<RateGate>(_clock);
    _orderGate = std::make_unique<RateGate>(_clock);
}

BinanceSpotClient::~BinanceSpotClient() = default;

void BinanceSpotClient::log(LogLevel level, const std::string& message) const {
    if (_config.log) _config.log(level, message);
}

VenueError BinanceSpotClient::refuse(VenueError error) {
    {
        std::lock_guard lock(_mutex);
        ++_stats.localRefusals;
    }
    log(LogLevel::Debug, "binance: refused locally: " + error.describe());
    return error;
}

// --- time ---

Result<std::int64_t> BinanceSpotClient::syncTime() {
    std::lock_guard syncLock(_syncMutex);
    const std::int64_t sent = _serverClock->localMs();
    auto reply = sendOnce(Request{"GET", "/api/v3/time", {}, false, false, false});
    if (!reply) return reply.error();
    const std::int64_t received = _serverClock->localMs();
    try {
        _serverClock->applySample(sent, parseServerTime(reply.value().body), received);
    } catch (const std::invalid_argument& e) {
        return VenueError{ErrorKind::Protocol, reply.value().status, 0, e.what(), {}};
    }
    {
        std::lock_guard lock(_mutex);
        ++_stats.timeSyncs;
    }
    log(LogLevel::Info, "binance: server time offset " + std::to_string(_serverClock->offsetMs()) + " ms");
    return _serverClock->offsetMs();
}

std::int64_t BinanceSpotClient::serverTimeOffsetMs() const {
    return _serverClock->offsetMs();
}

std::int64_t BinanceSpotClient::serverNowMs() const {
    return _serverClock->nowMs();
}

// --- transport ---

Result<HttpReply> BinanceSpotClient::send(const Request& request) {
    auto reply = sendOnce(request);
    // -1021: the request was refused before the matching engine, so sending it again
    // with a fresh timestamp cannot execute it twice.
    if (!reply && reply.error().code == -1021 && request.isSigned && _config.retryOnceAfterTimeResync) {
        log(LogLevel::Warn, "binance: timestamp outside recvWindow; re-syncing time and retrying once");
        if (auto synced = syncTime(); !synced) return synced.error();
        reply = sendOnce(request);
    }
    return reply;
}

Result<HttpReply> BinanceSpotClient::sendOnce(const Request& request) {
    if (auto closed = _ipGate->check()) return refuse(*closed);
    if (request.placesOrder)
        if (auto closed = _orderGate->check()) return refuse(*closed);
    if (request.isSigned && _serverClock->due(_config.timeResyncEvery))
        if (auto synced = syncTime(); !synced) return synced.error();

    QueryString params;
    for (const auto& [k, v] : request.params)
        params.add(k, v);
    std::vector<std::pair<std::string, std::string>> headers;
    if (request.isSigned) {
        params.add("recvWindow", std::to_string(_config.recvWindowMs));
        params.add("timestamp", std::to_string(_serverClock->nowMs()));
        headers.emplace_back("X-MBX-APIKEY", _config.apiKey);
    }
    // POST carries its parameters in the body, the others in the query; the
    // signature covers query + body either way.
    const bool inBody = request.method == "POST";
    std::string query = inBody ? "" : params.str();
    std::string body = inBody ? params.str() : "";
    if (request.isSigned) {
        const std::string signature = signRest(_config.secret, query, body);
        (inBody ? body : query) += "&signature=" + signature;
    }
    const std::string target = query.empty() ? request.path : request.path + "?" + query;

    HttpReply reply;
    try {
        {
            std::lock_guard lock(_mutex);
            ++_stats.requests;
        }
        reply = _transport->send(request.method, target, body, headers);
    } catch (const TransportError& e) {
        const bool unknown = e.sent && request.mutates;
        VenueError error{unknown ? ErrorKind::Unknown : ErrorKind::Network,
                         0,
                         0,
                         request.method + " " + request.path + ": " + e.what() +
                             (unknown ? " (sent; outcome unknown: query before retrying)" : ""),
                         {}};
        log(LogLevel::Warn, "binance: " + error.describe());
        return error;
    }
    {
        std::lock_guard lock(_mutex);
        if (const auto w = reply.header("X-MBX-USED-WEIGHT-1M"); !w.empty()) _stats.usedWeight1m = w;
        if (const auto c = reply.header("X-MBX-ORDER-COUNT-10S"); !c.empty()) _stats.orderCount10s = c;
    }
    if (reply.status >= 200 && reply.status < 300) return reply;
    return classify(request, reply);
}

VenueError BinanceSpotClient::classify(const Request& request, const HttpReply& reply) {
    const auto body = parseErrorBody(reply.body);
    VenueError error{ErrorKind::Rejected,
                     reply.status,
                     body ? body->code : 0,
                     body ? body->msg : "HTTP " + std::to_string(reply.status),
                     {}};
    if (reply.status == 429 || reply.status == 418) {
        const bool banned = reply.status == 418;
        error.kind = banned ? ErrorKind::Banned : ErrorKind::RateLimited;
        // Binance always sends Retry-After; without it, wait the shortest ban (2 min) rather than guess low.
        error.retryAfter = retryAfter(reply, std::chrono::seconds(banned ? 120 : 60));
        // -1015 is the account's order rate: only new orders wait. Anything else is the IP's weight.
        (error.code == -1015 && !banned ? *_orderGate : *_ipGate)
            .close(error.retryAfter, banned, error.code,
                   request.method + " " + request.path + " answered " + std::to_string(reply.status));
        std::lock_guard lock(_mutex);
        ++_stats.rateLimited;
    } else if (reply.status >= 500 || error.code == -1007) {
        // Binance: 5xx means the execution status is unknown (it may have succeeded).
        error.kind = request.mutates ? ErrorKind::Unknown : ErrorKind::Network;
    } else if (reply.status == 401 || error.code == -2014 || error.code == -2015 || error.code == -1022) {
        error.kind = ErrorKind::Unauthorized;
    } else if (error.code == -1021) {
        std::lock_guard lock(_mutex);
        ++_stats.timestampRejections;
    }
    if (!body && reply.status == 403) error.message = "HTTP 403: blocked by Binance's WAF";
    log(error.kind == ErrorKind::Rejected ? LogLevel::Info : LogLevel::Warn,
        "binance: " + request.method + " " + request.path + " " + error.describe());
    return error;
}

// --- filters ---

Result<std::size_t> BinanceSpotClient::loadFilters(const std::vector<std::string>& symbols) {
    Request request{"GET", "/api/v3/exchangeInfo", {}, false, false, false};
    if (symbols.size() == 1) {
        request.params.emplace_back("symbol", symbols.front());
    } else if (!symbols.empty()) {
        std::string list = "[";
        for (const auto& s : symbols)
            list += (list.size() > 1 ? ",\"" : "\"") + s + "\"";
        request.params.emplace_back("symbols", list + "]");
    }
    auto reply = send(request);
    if (!reply) return reply.error();
    try {
        auto parsed = parseExchangeInfo(reply.value().body);
        std::lock_guard lock(_mutex);
        for (auto& [name, f] : parsed)
            _filters[name] = std::move(f);
        return parsed.size();
    } catch (const std::invalid_argument& e) {
        return VenueError{ErrorKind::Protocol, reply.value().status, 0, e.what(), {}};
    }
}

std::optional<SymbolFilters> BinanceSpotClient::filters(const std::string& symbol) const {
    std::lock_guard lock(_mutex);
    const auto it = _filters.find(symbol);
    if (it == _filters.end()) return std::nullopt;
    return it->second;
}

Result<OrderRequest> BinanceSpotClient::prepareOrder(const OrderRequest& order) {
    if (!validClientOrderId(order.clientOrderId))
        return refuse({ErrorKind::LocalInvalid,
                       0,
                       0,
                       "client order id '" + order.clientOrderId + "' must match ^[.A-Z:/a-z0-9_-]{1,36}$",
                       {}});
    auto f = filters(order.symbol);
    if (!f) {
        if (auto loaded = loadFilters({order.symbol}); !loaded) {
            if (loaded.error().code == -1121)
                return refuse({ErrorKind::LocalInvalid, 0, -1121, "Invalid symbol: " + order.symbol, {}});
            return loaded.error();
        }
        f = filters(order.symbol);
        if (!f) return refuse({ErrorKind::LocalInvalid, 0, -1121, "Invalid symbol: " + order.symbol, {}});
    }
    auto applied = f->apply(order);
    if (!applied) return refuse(applied.error());
    return applied;
}

// --- orders ---

Result<OrderInfo> BinanceSpotClient::placeOrder(const OrderRequest& order) {
    OrderRequest toSend = order;
    if (!_config.bypassLocalFiltersForTests) {
        auto prepared = prepareOrder(order);
        if (!prepared) return prepared.error();
        toSend = prepared.value();
    }
    Request request{"POST", kOrderPath, {}, true, true, true};
    auto& p = request.params;
    p.emplace_back("symbol", toSend.symbol);
    p.emplace_back("side", toWire(toSend.side));
    p.emplace_back("type", toWire(toSend.type));
    if (toSend.type == OrderType::Limit) p.emplace_back("timeInForce", toWire(toSend.timeInForce));
    if (toSend.quantity.positive() || toSend.type == OrderType::Limit)
        p.emplace_back("quantity", toSend.quantity.str());
    if (toSend.quoteQuantity.positive()) p.emplace_back("quoteOrderQty", toSend.quoteQuantity.str());
    if (toSend.type == OrderType::Limit || toSend.price.positive()) p.emplace_back("price", toSend.price.str());
    if (!toSend.clientOrderId.empty()) p.emplace_back("newClientOrderId", toSend.clientOrderId);
    p.emplace_back("newOrderRespType", "FULL");
    auto reply = send(request);
    if (!reply) return reply.error();
    try {
        auto info = parseOrder(reply.value().body);
        log(LogLevel::Info, "binance: placed " + toSend.clientOrderId + " on " + toSend.symbol + " as order " +
                                std::to_string(info.orderId) + " (" + info.statusText + ")");
        return info;
    } catch (const std::invalid_argument& e) {
        // It was accepted (2xx): the order exists even though the reply is unreadable.
        return VenueError{ErrorKind::Protocol,
                          reply.value().status,
                          0,
                          std::string("order accepted but its reply could not be read: ") + e.what(),
                          {}};
    }
}

Result<OrderInfo> BinanceSpotClient::cancelOrder(const std::string& symbol, const OrderRef& ref) {
    if (!ref.orderId && ref.clientOrderId.empty())
        return refuse({ErrorKind::LocalInvalid, 0, 0, "cancel needs an orderId or a client order id", {}});
    Request request{"DELETE", kOrderPath, {{"symbol", symbol}}, true, false, true};
    addRef(request.params, ref);
    auto reply = send(request);
    if (!reply) return reply.error();
    try {
        auto info = parseOrder(reply.value().body);
        log(LogLevel::Info, "binance: cancelled " + refText(ref) + " on " + symbol);
        return info;
    } catch (const std::invalid_argument& e) {
        return VenueError{ErrorKind::Protocol,
                          reply.value().status,
                          0,
                          std::string("cancel accepted but its reply could not be read: ") + e.what(),
                          {}};
    }
}

Result<OrderInfo> BinanceSpotClient::queryOrder(const std::string& symbol, const OrderRef& ref) {
    if (!ref.orderId && ref.clientOrderId.empty())
        return refuse({ErrorKind::LocalInvalid, 0, 0, "query needs an orderId or a client order id", {}});
    Request request{"GET", kOrderPath, {{"symbol", symbol}}, true, false, false};
    addRef(request.params, ref);
    auto reply = send(request);
    if (!reply) return reply.error();
    try {
        return parseOrder(reply.value().body);
    } catch (const std::invalid_argument& e) {
        return VenueError{ErrorKind::Protocol, reply.value().status, 0, e.what(), {}};
    }
}

Result<std::vector<OrderInfo>> BinanceSpotClient::openOrders(const std::string& symbol) {
    auto reply = send(Request{"GET", "/api/v3/openOrders", {{"symbol", symbol}}, true, false, false});
    if (!reply) return reply.error();
    try {
        return parseOrders(reply.value().body);
    } catch (const std::invalid_argument& e) {
        return VenueError{ErrorKind::Protocol, reply.value().status, 0, e.what(), {}};
    }
}

Result<std::vector<Balance>> BinanceSpotClient::balances(bool omitZero) {
    Request request{"GET", "/api/v3/account", {}, true, false, false};
    if (omitZero) request.params.emplace_back("omitZeroBalances", "true");
    auto reply = send(request);
    if (!reply) return reply.error();
    try {
        return parseAccountBalances(reply.value().body);
    } catch (const std::invalid_argument& e) {
        return VenueError{ErrorKind::Protocol, reply.value().status, 0, e.what(), {}};
    }
}

// --- user data ---

std::unique_ptr<UserDataStream> BinanceSpotClient::openUserDataStream(UserDataHandlers handlers,
                                                                      UserDataOptions options) {
    UserDataCredentials c;
    c.wsApiUrl = _config.wsApiUrl;
    c.apiKey = _config.apiKey;
    c.secret = _config.secret;
    c.recvWindowMs = _config.recvWindowMs;
    c.serverNowMs = [this] { return _serverClock->nowMs(); };
    c.resyncTime = [this] { (void)syncTime(); };
    c.log = _config.log;
    if (_serverClock->due(_config.timeResyncEvery)) (void)syncTime();  // the subscribe is signed too
    return std::make_unique<UserDataStream>(std::move(c), std::move(handlers), options);
}

ClientStats BinanceSpotClient::stats() const {
    std::lock_guard lock(_mutex);
    return _stats;
}

}  // namespace bourse::venues::binance
