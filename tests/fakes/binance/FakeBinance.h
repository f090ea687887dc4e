//
// FakeBinance.h — a local stand-in for Binance Spot, speaking its real wire
// format (see ../shared/reference/wire-formats.md §1–2 and the addendum), for
// tests and for running bourse against "Binance" offline.
//
// Market data. REST (weights as Binance counts them, X-MBX-USED-WEIGHT-1M on
// every reply): GET /api/v3/ping, /api/v3/time, /api/v3/exchangeInfo[?symbol=|symbols=[..]],
//   /api/v3/klines?symbol&interval[&startTime&endTime&limit], /api/v3/ticker/price[?symbol=|symbols=]
//   Errors as Binance sends them: {"code":-1121,"msg":"Invalid symbol."} (400) ...;
//   over the weight limit: 429 with Retry-After; still calling during that
//   wait: 418 (banned) with Retry-After; once Retry-After has passed the used
//   weight starts again from zero.
// WebSocket market streams: /ws/<stream> (raw) and /stream?streams=a/b (combined,
//   {"stream":..,"data":..}); streams <symbol>@trade, @kline_1m, @bookTicker;
//   SUBSCRIBE / UNSUBSCRIBE / LIST_SUBSCRIPTIONS requests answered as Binance does;
//   a ping every pingInterval, and a connection that leaves pings unanswered
//   for pongTimeout is dropped.
// Prices are a deterministic function of (symbol, second) of the fake's clock, so
// klines and live trades agree and every run sees the same numbers — unless a
// test sets a price (setPrice), which then holds for trades, tickers and orders.
//
// Trading (SIGNED: X-MBX-APIKEY, timestamp/recvWindow against the fake's clock,
// HMAC over query + body: SignedRequest.h; accounts, filters, matching and error
// codes: FakeSpotExchange.h):
//   POST /api/v3/order (weight 1; ORDERS limit per 10 s → 429 -1015 with
//   Retry-After), DELETE /api/v3/order (1), GET /api/v3/order (4),
//   GET /api/v3/openOrders (6, or 80 without symbol), GET /api/v3/account (20).
//   Resting LIMIT orders are matched against the current price every matchInterval.
// WebSocket API (/ws-api/v3, WsApiSession.h): userDataStream.subscribe.signature
//   and executionReport / outboundAccountPosition events for the account.
// Controls over HTTP for the fake-binance program (GET or POST, query params):
//   /_fake/account?apiKey&secret, /_fake/balance?apiKey&asset&free,
//   /_fake/price?symbol&price (no price: back to the curve), /_fake/clockSkew?ms,
//   /_fake/liquidity?symbol&qty, /_fake/failNextOrder?status&code&msg[&execute=true].
//
// Faults for tests: drop every stream mid-frame (market and WS API), stall them
// (open but silent), send one malformed frame, announce serverShutdown, fail the
// next N REST calls with a status, lower the weight or order limit, answer slowly,
// skew the clock, fail the next order, end user-data subscriptions.
//
// Thread-safe; the destructor stops the server and closes every connection.
//
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

namespace bourse::fakes {

struct FakeBinanceOptions {
    std::uint16_t port = 0;    ///< 0: any free port
    int tradesPerSecond = 20;  ///< per subscribed trade stream
    std::chrono::milliseconds pingInterval{20'000};
    std::chrono::milliseconds pongTimeout{60'000};
    int weightLimitPerMinute = 6000;
    int retryAfterSeconds = 2;  ///< in 429 and 418 replies
    /// Extra TRADING symbols BENCH000USDT, BENCH001USDT, ... (tick 0.01) for load tests.
    int syntheticSymbols = 0;

    // --- trading ---
    /// The account that exists from the start (keys are 1-64 alphanumerics, as Binance's).
    std::string apiKey = "fakeBinanceApiKey0001";
    std::string secret = "fakeBinanceSecret0001";
    /// Its balances (asset → free amount as a decimal string).
    std::map<std::string, std::string> balances = {{"USDT", "10000"}, {"BTC", "1"}, {"ETH", "10"}, {"BNB", "100"}};
    int commissionBps = 10;        ///< of what is received, in that asset
    int ordersPer10Seconds = 100;  ///< the ORDERS limit in exchangeInfo's rateLimits
    std::chrono::milliseconds matchInterval{50};
};

class FakeBinance {
public:
    explicit FakeBinance(FakeBinanceOptions options = {});
    ~FakeBinance();
    FakeBinance(const FakeBinance&) = delete;
    FakeBinance& operator=(const FakeBinance&) = delete;

    [[nodiscard]] std::string restUrl() const;   ///< http://127.0.0.1:PORT
    [[nodiscard]] std::string wsUrl() const;     ///< ws://127.0.0.1:PORT
    [[nodiscard]] std::string wsApiUrl() const;  ///< ws://127.0.0.1:PORT/ws-api/v3

    /// The price of symbol at an instant (ms), as a decimal string at its tick size.
    [[nodiscard]] static std::string priceAt(const std::string& symbol, std::int64_t ms);

    // --- faults ---
    /// Every open stream and WS API connection dies without a close frame (a reset).
    void dropStreams();
    /// Streams and WS API connections stay open but send nothing (not even pings) while on.
    void stallStreams(bool on);
    /// The next frame on every stream is not JSON.
    void sendMalformed();
    /// Sends the serverShutdown event on every stream and WS API connection, then closes them.
    void announceShutdown();
    /// The next `count` REST requests answer `status` with Binance's error body.
    void failRest(int status, int count);
    void setWeightLimit(int perMinute);
    /// Every REST reply waits this long first.
    void setRestDelay(std::chrono::milliseconds delay);

    // --- trading controls ---
    void addAccount(const std::string& apiKey, const std::string& secret);
    /// Sets an asset's free balance ("1000.5"); throws std::invalid_argument for a bad amount.
    void setBalance(const std::string& apiKey, const std::string& asset, const std::string& free);
    [[nodiscard]] std::string freeBalance(const std::string& apiKey, const std::string& asset) const;
    [[nodiscard]] std::string lockedBalance(const std::string& apiKey, const std::string& asset) const;
    /// Holds the market price of symbol at `price` (matching resting orders at once);
    /// "" returns it to the deterministic curve. Throws std::invalid_argument for a bad price.
    void setPrice(const std::string& symbol, const std::string& price);
    /// The price orders execute at now (8 decimals).
    [[nodiscard]] std::string currentPrice(const std::string& symbol) const;
    /// At most `qty` of an order fills per match ("" or "0": no cap): partial fills.
    void setLiquidity(const std::string& symbol, const std::string& qty);
    /// The fake's clock runs `skew` ahead of (negative: behind) the system clock.
    void setClockSkew(std::chrono::milliseconds skew);
    [[nodiscard]] std::int64_t serverTimeMs() const;
    /// The next POST /api/v3/order (after its signature passed) is answered with
    /// this status and Binance error; with `executeAnyway` the order is placed first
    /// (a 5xx whose order exists: "execution status unknown").
    void failNextOrder(int status, int code, const std::string& msg, bool executeAnyway = false);
    void setOrderLimit(int per10Seconds);
    /// Every user-data subscription ends with eventStreamTerminated (connections stay).
    void terminateUserDataStreams();

    // --- what clients did ---
    [[nodiscard]] int openStreams() const;
    [[nodiscard]] int streamsOpened() const;
    [[nodiscard]] int pongsReceived() const;
    [[nodiscard]] int restRequests() const;
    [[nodiscard]] int openOrders() const;                ///< open orders, every account
    [[nodiscard]] int wsApiSessionsOpened() const;       ///< connections to /ws-api/v3 so far
    [[nodiscard]] int userDataSubscriptions() const;     ///< live subscriptions now
    [[nodiscard]] int signedRejections(int code) const;  ///< signed calls answered with this code (-1021, -1022, ...)
    [[nodiscard]] int ordersReceived() const;            ///< POST /api/v3/order that passed the signature check

    class Impl;

private:
    std::unique_ptr<Impl> _impl;
};

}  // namespace bourse::fakes
