//
// FakeBinance.h — a local stand-in for Binance Spot market data, speaking its
// real wire format (see ../shared/reference/wire-formats.md §1–2), for tests
// and for running a "Binance" chart offline.
//
// REST (weights as Binance counts them, X-MBX-USED-WEIGHT-1M on every reply):
//   GET /api/v3/ping, /api/v3/time, /api/v3/exchangeInfo[?symbol=|symbols=[..]],
//   /api/v3/klines?symbol&interval[&startTime&endTime&limit], /api/v3/ticker/price[?symbol=|symbols=]
//   Errors as Binance sends them: {"code":-1121,"msg":"Invalid symbol."} (400) ...;
//   over the weight limit: 429 with Retry-After; still calling during that
//   wait: 418 (banned) with Retry-After.
// WebSocket market streams: /ws/<stream> (raw) and /stream?streams=a/b (combined,
//   {"stream":..,"data":..}); streams <symbol>@trade, @kline_1m, @bookTicker;
//   SUBSCRIBE / UNSUBSCRIBE / LIST_SUBSCRIPTIONS requests answered as Binance does;
//   a ping every pingInterval, and a connection that leaves pings unanswered
//   for pongTimeout is dropped.
// Prices are a deterministic function of (symbol, second), so klines and live
// trades agree and every run sees the same numbers.
//
// Faults for tests: drop every stream mid-frame, stall them (open but silent),
// send one malformed frame, announce serverShutdown, fail the next N REST
// calls with a status, lower the weight limit, answer slowly.
//
// Thread-safe; the destructor stops the server and closes every connection.
//
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
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
};

class FakeBinance {
public:
    explicit FakeBinance(FakeBinanceOptions options = {});
    ~FakeBinance();
    FakeBinance(const FakeBinance&) = delete;
    FakeBinance& operator=(const FakeBinance&) = delete;

    [[nodiscard]] std::string restUrl() const;  ///< http://127.0.0.1:PORT
    [[nodiscard]] std::string wsUrl() const;    ///< ws://127.0.0.1:PORT

    /// The price of symbol at an instant (ms), as a decimal string at its tick size.
    [[nodiscard]] static std::string priceAt(const std::string& symbol, std::int64_t ms);

    // --- faults ---
    /// Every open stream connection dies mid-frame (half a frame, then the socket closes).
    void dropStreams();
    /// Streams stay open but send nothing (not even pings) while on.
    void stallStreams(bool on);
    /// The next frame on every stream is not JSON.
    void sendMalformed();
    /// Sends the serverShutdown event on every stream, then closes them.
    void announceShutdown();
    /// The next `count` REST requests answer `status` with Binance's error body.
    void failRest(int status, int count);
    void setWeightLimit(int perMinute);
    /// Every REST reply waits this long first.
    void setRestDelay(std::chrono::milliseconds delay);

    // --- what clients did ---
    [[nodiscard]] int openStreams() const;
    [[nodiscard]] int streamsOpened() const;
    [[nodiscard]] int pongsReceived() const;
    [[nodiscard]] int restRequests() const;

    class Impl;

private:
    std::unique_ptr<Impl> _impl;
};

}  // namespace bourse::fakes
