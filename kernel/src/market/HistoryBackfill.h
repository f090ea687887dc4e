//
// HistoryBackfill.h — fills holes in the candles from a price source's history.
//
// MarketData asks for a back-fill when an instrument gets a live source after
// having none: on first start (from the last stored candle, at most
// history_hours back) and after every source was down (the hole). Requests run
// one at a time on a worker thread so a source's rate limits see one history
// call at a time; the source answers asynchronously (PluginInstance::
// fetchCandles), the worker parses the rows and hands them to
// MarketData::storeHistory. A source that is out of budget (BOURSE_E_UNAVAILABLE)
// is asked again later, a few times; one without history is skipped quietly.
//
#pragma once

#include <bourse/plugin.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace bourse {

class Clock;
class MarketData;
struct Candle;

class HistoryBackfill {
public:
    using ReplyHandler = std::function<void(bourse_status, const std::string& json)>;
    /// Starts a history request on a source's running instance; `done` runs exactly once.
    using Fetch = std::function<void(const std::string& source, const std::string& symbol, int intervalS,
                                     std::int64_t fromNs, std::int64_t toNs, ReplyHandler done)>;

    static constexpr int kIntervalS = 60;  ///< history is fetched as 1-minute candles
    static constexpr int kMaxAttempts = 4;

    HistoryBackfill(MarketData& market, const Clock& clock, Fetch fetch, int historyHours,
                    std::chrono::milliseconds retryAfter = std::chrono::seconds(60));
    ~HistoryBackfill();
    HistoryBackfill(const HistoryBackfill&) = delete;
    HistoryBackfill& operator=(const HistoryBackfill&) = delete;

    void start();
    void stop();

    /// Queues a back-fill of [fromNs, toNs) (fromNs 0: since the last stored candle).
    void request(const std::string& symbol, const std::string& source, std::int64_t fromNs, std::int64_t toNs);

    /// Parses a fetch_candles reply: [[open_ts_ms, "o", "h", "l", "c", "v"], ...].
    /// Throws std::invalid_argument naming the bad row.
    static std::vector<Candle> parseRows(const std::string& json, const std::string& symbol, int intervalS);

    /// Requests finished (stored, failed or given up): for tests and the status API.
    [[nodiscard]] std::uint64_t completed() const;

private:
    struct Job {
        std::string symbol, source;
        std::int64_t fromNs = 0, toNs = 0;
        int attempt = 0;
        std::chrono::steady_clock::time_point notBefore;
    };
    void run();
    /// Runs one job to its end (waits for the source's reply).
    void perform(Job job);

    MarketData& _market;
    const Clock& _clock;
    Fetch _fetch;
    const int _historyHours;
    const std::chrono::milliseconds _retryAfter;

    mutable std::mutex _mutex;
    std::condition_variable _wake;
    std::deque<Job> _jobs;
    struct ReplySlot {
        std::mutex mutex;
        std::condition_variable ready;
        std::optional<std::pair<bourse_status, std::string>> reply;
        bool cancelled = false;
    };
    std::shared_ptr<ReplySlot> _inflight;  ///< of the job in flight
    std::uint64_t _completed = 0;
    bool _stopping = false;
    std::thread _worker;
};

}  // namespace bourse
