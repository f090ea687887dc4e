#include "market/MarketData.h"

#include "log/Log.h"
#include "metrics/Metrics.h"
#include "storage/Database.h"
#include "util/Clock.h"

#include <algorithm>

using namespace Poco::Data::Keywords;

namespace bourse {

namespace {
constexpr std::int64_t kNsPerMs = 1'000'000;
}

std::string tickJson(const PriceTick& t) {
    // Built by hand: this runs for every tick and the shape is fixed.
    std::string out;
    out.reserve(96);
    out += R"({"type":"tick","symbol":")";
    out += t.symbol;
    out += R"(","price":")";
    out += t.price.toString();
    out += R"(","ts":)";
    out += std::to_string(t.tsNs / kNsPerMs);
    out += '}';
    return out;
}

std::string candleJson(const Candle& c) {
    std::string out;
    out.reserve(192);
    out += R"({"type":"candle","symbol":")";
    out += c.symbol;
    out += R"(","interval":")";
    out += intervalName(c.intervalS);
    out += R"(","open_time":)";
    out += std::to_string(c.openNs / kNsPerMs);
    for (const auto& [k, v] : {std::pair{"open", c.open}, {"high", c.high}, {"low", c.low}, {"close", c.close}}) {
        out += R"(,")";
        out += k;
        out += R"(":")";
        out += Decimal(v, c.scale).toString();
        out += '"';
    }
    out += R"(,"ticks":)";
    out += std::to_string(c.tickCount);
    out += '}';
    return out;
}

MarketData::MarketData(Database& db, const MarketDataConfig& config, const Clock& clock, Metrics& metrics)
    : _db(db),
      _config(config),
      _clock(clock),
      _ticksAccepted(metrics.counter("bourse_ticks_total", "Ticks accepted from price sources")),
      _ticksRejected(metrics.counter("bourse_ticks_rejected_total", "Ticks refused (unknown symbol, bad scale)")) {}

MarketData::~MarketData() {
    stop();
}

void MarketData::setListener(Listener listener) {
    std::lock_guard lock(_mutex);
    _listener = std::move(listener);
}

void MarketData::start() {
    std::lock_guard lock(_mutex);
    if (_writer.joinable()) return;
    _stopping = false;
    _writer = std::thread([this] { writerLoop(); });
}

void MarketData::stop() {
    {
        std::lock_guard lock(_mutex);
        if (!_writer.joinable()) return;
        _stopping = true;
    }
    _wake.notify_all();
    _writer.join();
    flush();
}

std::optional<PriceTick> MarketData::loadLastTick(const std::string& symbol) const {
    Poco::Data::Session s = _db.session();
    std::string sym = symbol;
    Poco::Nullable<Poco::Int64> price, ts;
    Poco::Nullable<int> scale;
    s << "SELECT price, scale, ts_ns FROM ticks WHERE symbol = $1 ORDER BY ts_ns DESC LIMIT 1", use(sym), into(price),
        into(scale), into(ts), now;
    if (price.isNull()) return std::nullopt;
    return PriceTick{symbol, Decimal(price.value(), scale.value()), ts.value()};
}

void MarketData::setInstruments(const std::string& source, const std::vector<InstrumentInfo>& instruments) {
    std::vector<std::pair<std::string, std::optional<PriceTick>>> restored;
    {
        std::lock_guard lock(_mutex);
        for (const auto& in : instruments) {
            const auto it = _instruments.find(in.symbol);
            if (it != _instruments.end() && it->second.source != source)
                throw std::invalid_argument("symbol " + in.symbol + " is already provided by '" + it->second.source +
                                            "'");
        }
        for (auto it = _instruments.begin(); it != _instruments.end();)
            it = it->second.source == source ? _instruments.erase(it) : std::next(it);
        for (auto in : instruments) {
            in.source = source;
            if (!_last.count(in.symbol)) restored.emplace_back(in.symbol, std::nullopt);
            _instruments[in.symbol] = in;
        }
    }
    // The last stored price survives restarts, so sources continue from it.
    for (auto& [symbol, tick] : restored) {
        tick = loadLastTick(symbol);
        if (!tick) continue;
        std::lock_guard lock(_mutex);
        _last.try_emplace(symbol, *tick);
    }
}

void MarketData::removeSource(const std::string& source) {
    std::lock_guard lock(_mutex);
    for (auto it = _instruments.begin(); it != _instruments.end();) {
        if (it->second.source == source) {
            _aggregator.forget(it->first);
            it = _instruments.erase(it);
        } else {
            ++it;
        }
    }
}

std::string MarketData::onTick(const std::string& source, const PriceTick& tick) {
    std::vector<std::pair<std::string, std::string>> messages;
    Listener listener;
    {
        std::lock_guard lock(_mutex);
        const auto it = _instruments.find(tick.symbol);
        std::string reason;
        if (it == _instruments.end())
            reason = "unknown symbol '" + tick.symbol + "'";
        else if (it->second.source != source)
            reason = "symbol '" + tick.symbol + "' belongs to '" + it->second.source + "'";
        else if (tick.price.scale != it->second.priceScale)
            reason = "price scale " + std::to_string(tick.price.scale) + " differs from the instrument's " +
                     std::to_string(it->second.priceScale);
        else if (tick.price.mantissa <= 0)
            reason = "price must be positive";
        if (!reason.empty()) {
            _ticksRejected.inc();
            return reason;
        }
        _last[tick.symbol] = tick;
        auto& recent = _recent[tick.symbol];
        recent.push_back({tick.tsNs, tick.price.mantissa, tick.price.scale});
        if (recent.size() > kRecentTicks) recent.pop_front();
        _pendingTicks.push_back(tick);
        messages.emplace_back("ticks:" + tick.symbol, tickJson(tick));
        for (const Candle& c : _aggregator.update(tick)) {
            _pendingCandles[{c.symbol, c.intervalS, c.openNs}] = c;
            messages.emplace_back("candles:" + c.symbol + ":" + intervalName(c.intervalS), candleJson(c));
        }
        listener = _listener;
    }
    _ticksAccepted.inc();
    if (listener)
        for (const auto& [channel, json] : messages)
            listener(channel, json);
    return {};
}

std::optional<PriceTick> MarketData::lastTick(const std::string& symbol) const {
    {
        std::lock_guard lock(_mutex);
        const auto it = _last.find(symbol);
        if (it != _last.end()) return it->second;
    }
    // Not seen since this process started: the stored history knows (a source
    // starting after a restart continues from here).
    auto stored = loadLastTick(symbol);
    if (stored) {
        std::lock_guard lock(_mutex);
        _last.try_emplace(symbol, *stored);
    }
    return stored;
}

std::optional<PriceTick> MarketData::priceAt(const std::string& symbol, std::int64_t tsNs) const {
    {
        std::lock_guard lock(_mutex);
        const auto it = _recent.find(symbol);
        if (it != _recent.end() && !it->second.empty() && it->second.front().tsNs <= tsNs) {
            const auto& ticks = it->second;
            // Last tick with ts <= tsNs.
            auto pos = std::upper_bound(ticks.begin(), ticks.end(), tsNs,
                                        [](std::int64_t t, const RecentTick& r) { return t < r.tsNs; });
            --pos;
            return PriceTick{symbol, Decimal(pos->mantissa, pos->scale), pos->tsNs};
        }
    }
    Poco::Data::Session s = _db.session();
    std::string sym = symbol;
    Poco::Int64 at = tsNs;
    Poco::Nullable<Poco::Int64> price, ts;
    Poco::Nullable<int> scale;
    s << "SELECT price, scale, ts_ns FROM ticks WHERE symbol = $1 AND ts_ns <= $2 ORDER BY ts_ns DESC LIMIT 1",
        use(sym), use(at), into(price), into(scale), into(ts), now;
    if (price.isNull()) return std::nullopt;
    return PriceTick{symbol, Decimal(price.value(), scale.value()), ts.value()};
}

std::optional<InstrumentInfo> MarketData::instrument(const std::string& symbol) const {
    std::lock_guard lock(_mutex);
    const auto it = _instruments.find(symbol);
    if (it == _instruments.end()) return std::nullopt;
    return it->second;
}

std::vector<MarketSummary> MarketData::markets() const {
    std::lock_guard lock(_mutex);
    std::vector<MarketSummary> out;
    for (const auto& [symbol, in] : _instruments) {
        MarketSummary s{in, std::nullopt, std::nullopt};
        if (const auto it = _last.find(symbol); it != _last.end()) s.last = it->second;
        if (const Candle* c = _aggregator.current(symbol, 3600)) s.hourOpen = Decimal(c->open, c->scale);
        out.push_back(std::move(s));
    }
    return out;
}

std::vector<Candle> MarketData::candles(const std::string& symbol, int intervalS, std::int64_t fromNs,
                                        std::int64_t toNs, int limit) const {
    std::map<std::int64_t, Candle> byOpen;
    {
        Poco::Data::Session s = _db.session();
        std::string sym = symbol;
        int interval = intervalS;
        Poco::Int64 from = fromNs, to = toNs;
        int lim = limit;
        std::vector<Poco::Int64> open, o, h, l, c;
        std::vector<int> scale, count;
        s << "SELECT open_ns, open, high, low, close, scale, tick_count FROM candles "
             "WHERE symbol = $1 AND interval_s = $2 AND open_ns >= $3 AND open_ns < $4 "
             "ORDER BY open_ns DESC LIMIT $5",
            use(sym), use(interval), use(from), use(to), use(lim), into(open), into(o), into(h), into(l), into(c),
            into(scale), into(count), now;
        for (std::size_t i = 0; i < open.size(); ++i)
            byOpen[open[i]] = Candle{symbol, intervalS, open[i], o[i], h[i], l[i], c[i], scale[i], count[i]};
    }
    {
        // Pending (unflushed) and in-progress candles are newer than the database.
        std::lock_guard lock(_mutex);
        for (const auto& [key, c] : _pendingCandles)
            if (std::get<0>(key) == symbol && c.intervalS == intervalS && c.openNs >= fromNs && c.openNs < toNs)
                byOpen[c.openNs] = c;
        if (const Candle* c = _aggregator.current(symbol, intervalS); c && c->openNs >= fromNs && c->openNs < toNs)
            byOpen[c->openNs] = *c;
    }
    std::vector<Candle> out;
    for (auto& [open, c] : byOpen)
        out.push_back(c);
    if (out.size() > static_cast<std::size_t>(limit)) out.erase(out.begin(), out.end() - limit);
    return out;
}

void MarketData::flush() {
    std::lock_guard flushLock(_flushMutex);
    std::vector<PriceTick> ticks;
    std::map<std::tuple<std::string, int, std::int64_t>, Candle> candles;
    {
        std::lock_guard lock(_mutex);
        ticks.swap(_pendingTicks);
        candles.swap(_pendingCandles);
    }
    if (ticks.empty() && candles.empty()) return;
    try {
        Poco::Data::Session s = _db.session();
        _db.beginWrite(s);
        try {
            if (!ticks.empty()) {
                std::vector<std::string> sym;
                std::vector<Poco::Int64> ts, price;
                std::vector<int> scale;
                for (const auto& t : ticks) {
                    sym.push_back(t.symbol);
                    ts.push_back(t.tsNs);
                    price.push_back(t.price.mantissa);
                    scale.push_back(t.price.scale);
                }
                s << "INSERT INTO ticks (symbol, ts_ns, price, scale) VALUES ($1, $2, $3, $4)", use(sym), use(ts),
                    use(price), use(scale), now;
            }
            for (const auto& [key, c] : candles) {
                std::string sym = c.symbol;
                int interval = c.intervalS, scale = c.scale, count = c.tickCount;
                Poco::Int64 open = c.openNs, o = c.open, h = c.high, l = c.low, cl = c.close;
                s << "INSERT INTO candles (symbol, interval_s, open_ns, open, high, low, close, scale, tick_count) "
                     "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) "
                     "ON CONFLICT (symbol, interval_s, open_ns) DO UPDATE SET open = excluded.open, "
                     "high = excluded.high, low = excluded.low, close = excluded.close, scale = excluded.scale, "
                     "tick_count = excluded.tick_count",
                    use(sym), use(interval), use(open), use(o), use(h), use(l), use(cl), use(scale), use(count), now;
            }
            _db.commit(s);
        } catch (...) {
            _db.rollback(s);
            throw;
        }
    } catch (const Poco::Exception& e) {
        // Keep the data for the next attempt rather than dropping market history.
        log::error("market", "persisting ticks failed", {{"error", e.displayText()}});
        std::lock_guard lock(_mutex);
        _pendingTicks.insert(_pendingTicks.begin(), ticks.begin(), ticks.end());
        for (auto& [k, c] : candles)
            _pendingCandles.try_emplace(k, c);
    }
}

void MarketData::prune() {
    const std::int64_t nowNs = _clock.nowNs();
    Poco::Int64 tickCutoff = nowNs - static_cast<std::int64_t>(_config.tickRetentionHours) * 3600 * 1'000'000'000;
    Poco::Int64 candleCutoff = nowNs - static_cast<std::int64_t>(_config.candleRetentionDays) * 86400 * 1'000'000'000;
    try {
        Poco::Data::Session s = _db.session();
        s << "DELETE FROM ticks WHERE ts_ns < $1", use(tickCutoff), now;
        s << "DELETE FROM candles WHERE open_ns < $1", use(candleCutoff), now;
    } catch (const Poco::Exception& e) {
        log::warn("market", "retention pruning failed", {{"error", e.displayText()}});
    }
}

void MarketData::writerLoop() {
    auto nextPrune = std::chrono::steady_clock::now();
    std::unique_lock lock(_mutex);
    while (!_stopping) {
        _wake.wait_for(lock, std::chrono::milliseconds(_config.flushIntervalMs));
        lock.unlock();
        flush();
        if (std::chrono::steady_clock::now() >= nextPrune) {
            prune();
            nextPrune = std::chrono::steady_clock::now() + std::chrono::minutes(1);
        }
        lock.lock();
    }
}

}  // namespace bourse
