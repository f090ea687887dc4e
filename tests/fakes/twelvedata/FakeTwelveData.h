//
// FakeTwelveData.h — a local stand-in for Twelve Data, speaking its real wire
// format (see ../shared/reference/wire-formats.md §3–4), for tests and for
// running bourse's twelvedata plugin offline.
//
// REST (the API key required as `Authorization: apikey <key>` or `apikey=`;
// parameter names case-insensitive; every error is {"code":N,"message":..,
// "status":"error"} with HTTP status N unless errorsWithHttp200()):
//   GET /price?symbol=A[,B,..][&dp=]    one symbol: {"price":"1.08123"};
//       several: {"A":{"price":".."},"B":{"code":404,..,"status":"error"}}
//   GET /time_series?symbol&interval[&start_date&end_date&outputsize&order&timezone&dp]
//       {"meta":{..},"values":[{"datetime","open","high","low","close"[,"volume"]}],"status":"ok"},
//       newest first unless order=asc; at most outputsize rows, the latest ones;
//       400 for a bad interval (the documented message), 404 for an unknown
//       symbol, 400 "No data is available on the specified dates" for none.
//   Credits as Twelve Data counts them: one per symbol of a request, per clock
//   minute and per UTC day; over either limit: 429 (nothing charged).
//   Unknown symbols: 404; symbols outside the plan (planRestricted): 403;
//   a missing or wrong key: 401.
// WebSocket /v1/quotes/price?apikey=<key> (or header X-TD-APIKEY; otherwise
//   the upgrade is refused with 401): {"action":"subscribe"|"unsubscribe"|
//   "reset"|"heartbeat"}; replies subscribe-status (ok / warning / error with
//   fails[]), heartbeat {"event":"heartbeat","status":"ok"}; price events with
//   JSON-number prices and UNIX-second timestamps. At most 3 connections per
//   key: a fourth closes the oldest.
// Prices are a deterministic function of (symbol, second) around a base price
// per symbol, so /price, /time_series and the stream agree and every run sees
// the same numbers.
//
// Faults for tests: fail the next N REST calls with a status, malformed
// replies, slow replies, errors with HTTP 200, credits spent by "another
// client"; streams dropped mid-frame, stalled (open and silent), heartbeats
// ignored, a malformed frame, clients without heartbeats dropped.
//
// Thread-safe; the destructor stops the server and closes every connection.
//
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace bourse::fakes {

struct FakeTwelveDataOptions {
    std::uint16_t port = 0;  ///< 0: any free port
    std::string apiKey = "test-key";
    int creditsPerMinute = 8;
    int creditsPerDay = 800;
    /// Symbols served and the price their path moves around (decimal text).
    std::map<std::string, std::string> basePrices = {{"EUR/USD", "1.08"},  {"GBP/USD", "1.27"}, {"XAU/USD", "2300"},
                                                     {"BTC/USD", "65000"}, {"ETH/USD", "3500"}, {"AAPL", "190"},
                                                     {"SPX", "5000"}};
    /// Served symbols the plan does not include: 403 over REST, fails[] on the stream.
    std::set<std::string> planRestricted = {"SPX"};
    int pricesPerSecond = 4;  ///< stream price events per subscribed symbol
    /// A stream client that sends no heartbeat for this long is dropped (0: never).
    std::chrono::milliseconds heartbeatTimeout{0};
    /// The clock (epoch ms) for credit windows, prices and timestamps; the system clock if empty.
    std::function<std::int64_t()> clock;
};

/// One REST request as the fake saw and answered it.
struct FakeTwelveDataRequest {
    std::int64_t atMs = 0;  ///< on the fake's clock
    std::string path;
    std::string query;                          ///< raw
    std::map<std::string, std::string> params;  ///< decoded, names lower-case
    std::string authorization;                  ///< the Authorization header, "" if none
    int httpStatus = 0;
    int code = 0;     ///< Twelve Data error code of the reply, 0 when it was no error
    int credits = 0;  ///< credits charged for it
    std::string body;
};

class FakeTwelveData {
public:
    explicit FakeTwelveData(FakeTwelveDataOptions options = {});
    ~FakeTwelveData();
    FakeTwelveData(const FakeTwelveData&) = delete;
    FakeTwelveData& operator=(const FakeTwelveData&) = delete;

    [[nodiscard]] std::string restUrl() const;  ///< http://127.0.0.1:PORT
    [[nodiscard]] std::string wsUrl() const;    ///< ws://127.0.0.1:PORT
    [[nodiscard]] std::int64_t nowMs() const;   ///< the fake's clock

    /// The price of symbol at an instant (ms) with dp decimals (half-up), as /price sends it.
    /// Throws std::invalid_argument for a symbol the fake does not serve.
    [[nodiscard]] std::string priceAt(const std::string& symbol, std::int64_t ms, int dp = 5) const;

    // --- faults ---
    /// The next `count` REST requests (past the key check) answer `status` with Twelve Data's error body.
    void failNext(int status, int count);
    /// The next `count` REST requests (past the key check) answer HTTP 200 with JSON cut short.
    void malformedNext(int count);
    /// Every REST reply waits this long first.
    void setDelay(std::chrono::milliseconds delay);
    /// Error bodies (401, 429, 5xx, ...) come with HTTP 200, as Twelve Data sometimes sends them.
    void errorsWithHttp200(bool on);
    /// Another client of the same key spent this many credits (this minute and today).
    void spendCredits(int credits);
    void setCreditsPerMinute(int credits);
    void setCreditsPerDay(int credits);
    /// Every open stream dies mid-frame (half a frame, then the socket closes).
    void dropStreams();
    /// Streams stay open but send nothing (no prices, no replies) while on.
    void stallStreams(bool on);
    /// Heartbeats get no reply while on (prices continue).
    void ignoreHeartbeats(bool on);
    /// The next frame on every stream is not JSON.
    void sendMalformed();

    // --- what clients did ---
    [[nodiscard]] std::vector<FakeTwelveDataRequest> requests() const;
    [[nodiscard]] int restRequests() const;
    [[nodiscard]] int creditsUsedThisMinute() const;
    [[nodiscard]] int creditsUsedToday() const;
    [[nodiscard]] int streamsOpened() const;
    [[nodiscard]] int openStreams() const;
    [[nodiscard]] int heartbeatsReceived() const;
    /// Text frames clients sent on streams, oldest first.
    [[nodiscard]] std::vector<std::string> streamMessages() const;
    /// The `apikey` of the last stream connection attempt ("" if none given).
    [[nodiscard]] std::string lastStreamKey() const;

    class Impl;

private:
    std::unique_ptr<Impl> _impl;
};

}  // namespace bourse::fakes
