//
// MarketData.h — instruments, last prices and candles: the kernel's view of the
// market, fed by price-source plugins and read by the HTTP API, the stream and
// (later) settlement.
//
// Ticks are validated (known symbol, owned by the publishing source, the
// instrument's scale, positive), folded into candles, handed to the listener
// (the WebSocket hub) and persisted in batches by a writer thread, so a
// publisher never waits on the database. Thread-safe.
//
#pragma once

#include "config/Config.h"
#include "market/Candle.h"
#include "market/CandleAggregator.h"

#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace bourse {

class Clock;
class Database;
class Metrics;
class Counter;

struct MarketSummary {
    InstrumentInfo instrument;
    std::optional<PriceTick> last;
    std::optional<Decimal> hourOpen;  ///< open of the current hour candle, for "change"
};

class MarketData {
public:
    /// Receives (channel key, JSON message) for every tick and candle update.
    using Listener = std::function<void(const std::string& channel, const std::string& json)>;

    MarketData(Database& db, const MarketDataConfig& config, const Clock& clock, Metrics& metrics);
    ~MarketData();
    MarketData(const MarketData&) = delete;
    MarketData& operator=(const MarketData&) = delete;

    void setListener(Listener listener);
    void start();
    /// Flushes what is pending and stops the writer.
    void stop();

    /// Registers the instruments of `source`, replacing its previous list.
    /// Throws std::invalid_argument if a symbol belongs to another source.
    void setInstruments(const std::string& source, const std::vector<InstrumentInfo>& instruments);
    /// Removes every instrument of `source` (it was disabled).
    void removeSource(const std::string& source);

    /// Applies a tick from `source`. Returns "" when accepted, else the reason.
    std::string onTick(const std::string& source, const PriceTick& tick);

    [[nodiscard]] std::optional<PriceTick> lastTick(const std::string& symbol) const;
    /// The price in force at tsNs: the last tick at or before it (recent ticks
    /// from memory, older ones from the database). nullopt if there is none.
    [[nodiscard]] std::optional<PriceTick> priceAt(const std::string& symbol, std::int64_t tsNs) const;
    [[nodiscard]] std::optional<InstrumentInfo> instrument(const std::string& symbol) const;
    [[nodiscard]] std::vector<MarketSummary> markets() const;
    /// Candles with open time in [fromNs, toNs), oldest first, at most `limit`.
    [[nodiscard]] std::vector<Candle> candles(const std::string& symbol, int intervalS, std::int64_t fromNs,
                                              std::int64_t toNs, int limit) const;

    /// Writes pending ticks and candles now (tests, shutdown).
    void flush();

private:
    void writerLoop();
    void prune();
    std::optional<PriceTick> loadLastTick(const std::string& symbol) const;

    Database& _db;
    MarketDataConfig _config;
    const Clock& _clock;
    Counter& _ticksAccepted;
    Counter& _ticksRejected;

    mutable std::mutex _mutex;  // guards everything below
    std::map<std::string, InstrumentInfo> _instruments;
    mutable std::map<std::string, PriceTick> _last;  ///< mutable: lastTick() caches stored prices
    struct RecentTick {
        std::int64_t tsNs;
        std::int64_t mantissa;
        int scale;
    };
    static constexpr std::size_t kRecentTicks = 20000;  ///< per symbol: about half an hour at 10 ticks/s
    std::map<std::string, std::deque<RecentTick>> _recent;
    CandleAggregator _aggregator;
    Listener _listener;
    std::vector<PriceTick> _pendingTicks;
    std::map<std::tuple<std::string, int, std::int64_t>, Candle> _pendingCandles;

    std::mutex _flushMutex;  // one flush at a time
    std::condition_variable _wake;
    bool _stopping = false;
    std::thread _writer;
};

/// JSON messages shared by the HTTP API and the stream.
std::string tickJson(const PriceTick& tick);
std::string candleJson(const Candle& candle);

}  // namespace bourse
