//
// BinanceSpotClient.h — live orders on Binance Spot (testnet by default) over
// signed REST calls, and the user-data stream that reports their fills.
//
// What it does for a caller (a bot venue in the kernel):
//   * signs every TRADE/USER_DATA call (HMAC-SHA256 over query + body, with
//     `timestamp` from ServerClock and `recvWindow`), sends the API key in
//     X-MBX-APIKEY, and never logs either secret, signature or signed query;
//   * keeps Binance's time: an offset from GET /api/v3/time measured before the
//     first signed call, every timeResyncEvery, and after a -1021 (then the call
//     is retried once with a fresh timestamp: -1021 means it was not executed);
//   * loads each symbol's filters from exchangeInfo and applies them BEFORE
//     sending (SymbolFilters.h): price to tickSize, quantity down to stepSize,
//     refusal below minNotional naming the filter;
//   * honours 429/418 Retry-After: calls are refused locally (LocalBackoff) until
//     it has passed, so a limit hit never becomes an IP ban;
//   * opens the user-data stream (UserDataStream.h) whose timestamps share this
//     clock.
//
// Errors: every call returns Result<T>; exchange rejections, rate limits and
// network failures are VenueError values, never exceptions (see Result.h for
// which kinds may have executed). The constructor throws std::invalid_argument
// for an unusable config (no key/secret, bad URL).
// Threading: all methods are thread-safe; REST calls share one keep-alive
// connection and are serialised, each blocking for at most `timeout` (twice
// when a time re-sync and retry happen). Call them off latency-sensitive threads.
// Ownership: the client owns its connection; a UserDataStream it opens keeps a
// reference to the client's clock and must be destroyed before the client.
//
#pragma once

#include "util/Clock.h"
#include "venues/binance/Result.h"
#include "venues/binance/SymbolFilters.h"
#include "venues/binance/Types.h"
#include "venues/binance/UserDataStream.h"

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace bourse::venues::binance {

class HttpTransport;
class RateGate;
class ServerClock;
struct HttpReply;

struct ClientConfig {
    /// REST base; production: https://api.binance.com
    std::string restUrl = "https://testnet.binance.vision";
    /// WebSocket API; production: wss://ws-api.binance.com:443/ws-api/v3
    std::string wsApiUrl = "wss://ws-api.testnet.binance.vision/ws-api/v3";
    /// Required.
    std::string apiKey;
    /// Required; the HMAC key. Never logged, never in an error message.
    std::string secret;
    int recvWindowMs = 5000;                    ///< 1..60000; Binance's default, and what it recommends at most
    std::chrono::milliseconds timeout{10'000};  ///< per HTTP request (Binance itself gives up after 10 s)
    std::chrono::milliseconds timeResyncEvery{std::chrono::minutes(30)};
    bool retryOnceAfterTimeResync = true;  ///< on -1021: re-sync, then send again once
    /// TESTS ONLY: send orders as given, without the local filter check and
    /// rounding, so tests can see Binance's own -1013. Never set in production.
    bool bypassLocalFiltersForTests = false;
    /// Optional: where the client reports what it did (the kernel passes bourse::log).
    std::function<void(LogLevel, const std::string&)> log;
};

struct ClientStats {
    int requests = 0;             ///< HTTP requests sent (not local refusals)
    int timeSyncs = 0;            ///< /api/v3/time samples taken
    int timestampRejections = 0;  ///< -1021 answers seen
    int rateLimited = 0;          ///< 429/418 answers seen
    int localRefusals = 0;        ///< calls refused before sending (filters, backoff, invalid)
    std::string usedWeight1m;     ///< last X-MBX-USED-WEIGHT-1M
    std::string orderCount10s;    ///< last X-MBX-ORDER-COUNT-10S
};

class BinanceSpotClient {
public:
    /// `clock`: the local clock (SystemClock when null). Throws std::invalid_argument
    /// when apiKey/secret are empty, recvWindowMs is outside 1..60000 or a URL is unusable.
    explicit BinanceSpotClient(ClientConfig config, std::shared_ptr<const bourse::Clock> clock = nullptr);
    ~BinanceSpotClient();
    BinanceSpotClient(const BinanceSpotClient&) = delete;
    BinanceSpotClient& operator=(const BinanceSpotClient&) = delete;

    /// GET /api/v3/time: measures the offset to Binance's clock; returns it (ms).
    Result<std::int64_t> syncTime();
    [[nodiscard]] std::int64_t serverTimeOffsetMs() const;
    /// Binance's time as estimated now (ms): what `timestamp` is set from.
    [[nodiscard]] std::int64_t serverNowMs() const;

    /// GET /api/v3/exchangeInfo (all symbols when empty; weight 20): replaces the
    /// filters of the symbols returned; returns how many.
    Result<std::size_t> loadFilters(const std::vector<std::string>& symbols = {});
    /// The filters of a loaded symbol.
    [[nodiscard]] std::optional<SymbolFilters> filters(const std::string& symbol) const;

    /// The order exactly as placeOrder() would send it (filters applied; loads the
    /// symbol's filters first if needed), or why it would be refused locally. Lets a
    /// bot validate its configuration ("a grid line below minNotional") up front.
    Result<OrderRequest> prepareOrder(const OrderRequest& order);

    /// POST /api/v3/order (FULL reply: status and fills of what executed at once).
    /// Refused locally (nothing sent) for an invalid client order id or a filter
    /// failure. Unknown outcome (5xx, lost reply): queryOrder(byClientId) before
    /// placing again — a duplicate open client id is refused by Binance (-2010).
    Result<OrderInfo> placeOrder(const OrderRequest& order);
    /// DELETE /api/v3/order. -2011 "Unknown order sent." when it is not open.
    Result<OrderInfo> cancelOrder(const std::string& symbol, const OrderRef& ref);
    /// GET /api/v3/order (weight 4). -2013 "Order does not exist." when unknown.
    Result<OrderInfo> queryOrder(const std::string& symbol, const OrderRef& ref);
    /// GET /api/v3/openOrders for one symbol (weight 6): reconciliation after a stream gap.
    Result<std::vector<OrderInfo>> openOrders(const std::string& symbol);
    /// GET /api/v3/account (weight 20): balances (only non-zero ones when omitZero).
    Result<std::vector<Balance>> balances(bool omitZero = false);

    /// Starts a user-data subscription on the WebSocket API with this client's key,
    /// secret, recvWindow and clock. Handlers run on the stream's own thread.
    std::unique_ptr<UserDataStream> openUserDataStream(UserDataHandlers handlers, UserDataOptions options = {});

    [[nodiscard]] ClientStats stats() const;

private:
    struct Request {
        std::string method, path;
        std::vector<std::pair<std::string, std::string>> params;
        bool isSigned = true;
        bool placesOrder = false;  ///< counts against the order-rate limit
        bool mutates = false;      ///< a lost reply means "outcome unknown", not "not sent"
    };

    Result<HttpReply> send(const Request& request);
    Result<HttpReply> sendOnce(const Request& request);
    VenueError classify(const Request& request, const HttpReply& reply);
    VenueError refuse(VenueError error);
    void log(LogLevel level, const std::string& message) const;

    ClientConfig _config;
    std::shared_ptr<const bourse::Clock> _clock;
    std::unique_ptr<ServerClock> _serverClock;
    std::unique_ptr<HttpTransport> _transport;
    std::unique_ptr<RateGate> _ipGate, _orderGate;
    std::mutex _syncMutex;  ///< one time sync at a time

    mutable std::mutex _mutex;  ///< guards what follows
    std::map<std::string, SymbolFilters> _filters;
    ClientStats _stats;
};

}  // namespace bourse::venues::binance
