//
// MarketData.h — instruments, last prices and candles: the kernel's view of the
// market, fed by price-source plugins and read by the HTTP API, the stream and
// (later) settlement.
//
// Ticks are validated (known symbol, offered by the publishing source, that
// source's scale, positive). An instrument may have several sources in priority
// order (SourceSelector picks the active one; the others' ticks only keep their
// feed fresh). Ticks of the active source are brought to the instrument's scale,
// folded into candles, handed to the listener (the WebSocket hub) and persisted
// in batches by a writer thread, so a publisher never waits on the database.
// When an instrument gets a source after having none (first start, or every
// source was down), the history requester is asked to back-fill the hole with
// the source's candles (storeHistory). Thread-safe.
//
#pragma once

#include "config/Config.h"
#include "market/Candle.h"
#include "market/CandleAggregator.h"
#include "market/SourceSelector.h"

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
    InstrumentInfo instrument;  ///< source: the active source (when none is live, the first in priority)
    std::optional<PriceTick> last;
    std::optional<Decimal> hourOpen;                ///< open of the current hour candle, for "change"
    std::vector<SourceSelector::FeedView> sources;  ///< every source of it, in priority order
    bool live = false;                              ///< a usable source feeds it (trading needs one)
};

/// A source's state as operators see it: "live", "stale", "backing_off", "banned".
struct SourceStatus {
    std::string status;
    std::string detail;
};

class MarketData {
public:
    /// Receives (channel key, JSON message) for every tick and candle update.
    using Listener = std::function<void(const std::string& channel, const std::string& json)>;

    MarketData(Database& db, const MarketDataConfig& config, const Clock& clock, Metrics& metrics);
    ~MarketData();
    MarketData(const MarketData&) = delete;
    MarketData& operator=(const MarketData&) = delete;

    /// Asked to back-fill [fromNs, toNs) of symbol's candles from `source`
    /// (fromNs 0: since the last stored candle, at most history_hours back).
    using HistoryRequester = std::function<void(const std::string& symbol, const std::string& source,
                                                std::int64_t fromNs, std::int64_t toNs)>;

    void setListener(Listener listener);
    /// Told of every tick that became an instrument's price, after the listener,
    /// on the publishing source's thread (the bot runner queues it). Must not block.
    using PriceObserver = std::function<void(const PriceTick& tick)>;
    void setPriceObserver(PriceObserver observer);
    void setHistoryRequester(HistoryRequester requester);
    void start();
    /// Flushes what is pending and stops the writer.
    void stop();

    /// "" if `source` may offer every one of `instruments`, else why not (a
    /// symbol another source provides without both being configured for it).
    [[nodiscard]] std::string refusal(const std::string& source, const std::vector<InstrumentInfo>& instruments) const;
    /// Registers the instruments of `source`, replacing its previous list.
    /// Throws std::invalid_argument (and changes nothing) when refusal() says why.
    void setInstruments(const std::string& source, const std::vector<InstrumentInfo>& instruments);
    /// Removes every instrument of `source` (it was disabled).
    void removeSource(const std::string& source);
    /// What a source says of its connection (host->source_state).
    void reportSourceState(const std::string& source, FeedStatus state, const std::string& detail);
    /// A source's state: what it reported, else judged from its feeds' ticks.
    [[nodiscard]] std::optional<SourceStatus> sourceStatus(const std::string& source) const;
    /// True when symbol has a usable source (trading needs one).
    [[nodiscard]] bool hasLiveSource(const std::string& symbol) const;
    /// Re-judges staleness now (the writer does it every flush interval).
    void evaluateSources();

    /// Stores history candles of `source` for symbol (one interval, oldest first):
    /// fills the minutes that have none, folds them into the coarser intervals and
    /// into the candles in progress. Candles built from live ticks win. Ignored
    /// unless source offers symbol. Returns how many candles were new.
    std::size_t storeHistory(const std::string& symbol, const std::string& source, const std::vector<Candle>& history);
    /// The open time of the newest stored candle of (symbol, interval) that
    /// opened before beforeNs, if any.
    [[nodiscard]] std::optional<std::int64_t> lastCandleOpen(const std::string& symbol, int intervalS,
                                                             std::int64_t beforeNs) const;

    /// Applies a tick from `source`. Returns "" when accepted, else the reason.
    std::string onTick(const std::string& source, PriceTick tick);

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
    using Messages = std::vector<std::pair<std::string, std::string>>;  ///< (channel, JSON) for the listener

    /// Logs, counts and announces switches (after the replayed price messages);
    /// queues history requests. Call without _mutex.
    void announce(const std::vector<SourceSelector::Switch>& switches, const Messages& replayed = {});
    // The rest run under _mutex.
    /// Brings a tick to its instrument's scale; false if it does not fit.
    bool toInstrumentScale(PriceTick& tick) const;
    /// Makes tick the instrument's price: last, recent, candles, persistence.
    void applyPrice(const PriceTick& tick, Messages& messages);
    /// Keeps a standby source's tick for a possible take-over.
    void keepStandby(const std::string& source, const PriceTick& tick);
    /// After a switch: the new source's kept ticks since the last price become prices.
    void takeOver(const SourceSelector::Switch& sw, Messages& messages);
    /// Rebuilds _instruments[symbol] from the offers and the active source. Under _mutex.
    void describe(const std::string& symbol);
    /// Monotonic nanoseconds for staleness (wall-clock jumps must not make sources stale).
    static std::int64_t monotonicNs();
    void writerLoop();
    /// Drops ticks and candles past their retention (sweep: every symbol ever stored).
    void prune(bool sweep);
    std::optional<PriceTick> loadLastTick(const std::string& symbol) const;

    Database& _db;
    MarketDataConfig _config;
    const Clock& _clock;
    Counter& _ticksAccepted;
    Counter& _ticksRejected;

    Counter& _sourceSwitches;

    mutable std::mutex _mutex;                           // guards everything below
    std::map<std::string, InstrumentInfo> _instruments;  ///< what callers see; source = the active one
    std::map<std::string, std::map<std::string, InstrumentInfo>> _offers;  ///< symbol → source → as offered
    SourceSelector _selector;
    std::map<std::string, std::int64_t> _holeSinceNs;  ///< symbol → wall time it lost its last source
    HistoryRequester _historyRequester;
    static constexpr std::size_t kStandbyTicks = 4096;  ///< per standby feed
    static constexpr std::int64_t kStandbyWindowNs = 120'000'000'000;
    std::map<std::pair<std::string, std::string>, std::deque<PriceTick>> _standby;  ///< (symbol, source) → recent ticks
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
    PriceObserver _priceObserver;
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
