#include "market/MarketData.h"

#include "log/Log.h"
#include "metrics/Metrics.h"
#include "storage/Database.h"
#include "util/Clock.h"

#include <algorithm>
#include <chrono>
#include <set>

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

namespace {
std::map<std::string, std::int64_t> staleLimitsNs(const MarketDataConfig& config) {
    std::map<std::string, std::int64_t> out;
    for (const auto& [source, ms] : config.staleAfterMsBySource)
        out[source] = static_cast<std::int64_t>(ms) * kNsPerMs;
    return out;
}

std::string jsonString(const std::string& s) {
    std::string out = "\"";
    for (const char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        if (static_cast<unsigned char>(c) < 0x20) continue;  // control characters carry nothing here
        out += c;
    }
    return out + '"';
}
}  // namespace

MarketData::MarketData(Database& db, const MarketDataConfig& config, const Clock& clock, Metrics& metrics)
    : _db(db),
      _config(config),
      _clock(clock),
      _ticksAccepted(metrics.counter("bourse_ticks_total", "Ticks accepted from price sources")),
      _ticksRejected(metrics.counter("bourse_ticks_rejected_total", "Ticks refused (unknown symbol, bad scale)")),
      _sourceSwitches(metrics.counter("bourse_price_source_switches_total",
                                      "Changes of an instrument's active price source (failover and return)")),
      _selector(config.sources, staleLimitsNs(config), static_cast<std::int64_t>(config.staleAfterMs) * kNsPerMs) {}

std::int64_t MarketData::monotonicNs() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

void MarketData::setHistoryRequester(HistoryRequester requester) {
    std::lock_guard lock(_mutex);
    _historyRequester = std::move(requester);
}

MarketData::~MarketData() {
    stop();
}

void MarketData::setListener(Listener listener) {
    std::lock_guard lock(_mutex);
    _listener = std::move(listener);
}

void MarketData::setPriceObserver(PriceObserver observer) {
    std::lock_guard lock(_mutex);
    _priceObserver = std::move(observer);
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

std::string MarketData::refusal(const std::string& source, const std::vector<InstrumentInfo>& instruments) const {
    std::lock_guard lock(_mutex);
    for (const auto& in : instruments)
        if (std::string why = _selector.refusal(in.symbol, source); !why.empty()) return why;
    return "";
}

void MarketData::describe(const std::string& symbol) {
    const auto offers = _offers.find(symbol);
    if (offers == _offers.end() || offers->second.empty()) {
        _instruments.erase(symbol);
        _aggregator.forget(symbol);
        return;
    }
    // Name, assets and scale come from the first source in priority order, so
    // the instrument's scale does not change when it fails over.
    const auto feeds = _selector.feeds(symbol, monotonicNs());
    const InstrumentInfo* primary = &offers->second.begin()->second;
    if (!feeds.empty())
        if (const auto it = offers->second.find(feeds.front().source); it != offers->second.end())
            primary = &it->second;
    InstrumentInfo info = *primary;
    info.source = _selector.active(symbol).value_or(primary->source);
    _instruments[symbol] = std::move(info);
}

void MarketData::setInstruments(const std::string& source, const std::vector<InstrumentInfo>& instruments) {
    std::vector<std::pair<std::string, std::optional<PriceTick>>> restored;
    std::vector<SourceSelector::Switch> switches;
    {
        std::lock_guard lock(_mutex);
        for (const auto& in : instruments)
            if (std::string why = _selector.refusal(in.symbol, source); !why.empty()) throw std::invalid_argument(why);
        std::set<std::string> touched;
        for (auto& [symbol, offers] : _offers)
            if (offers.erase(source)) touched.insert(symbol);
        std::vector<std::string> symbols;
        for (auto in : instruments) {
            in.source = source;
            symbols.push_back(in.symbol);
            touched.insert(in.symbol);
            if (!_last.count(in.symbol)) restored.emplace_back(in.symbol, std::nullopt);
            _offers[in.symbol][source] = std::move(in);
        }
        switches = _selector.setOffered(source, symbols, monotonicNs());
        for (const auto& symbol : touched) {
            describe(symbol);
            if (_offers[symbol].empty()) _offers.erase(symbol);
        }
    }
    announce(switches);
    // The last stored price survives restarts, so sources continue from it.
    for (auto& [symbol, tick] : restored) {
        tick = loadLastTick(symbol);
        if (!tick) continue;
        std::lock_guard lock(_mutex);
        _last.try_emplace(symbol, *tick);
    }
}

void MarketData::removeSource(const std::string& source) {
    std::vector<SourceSelector::Switch> switches;
    {
        std::lock_guard lock(_mutex);
        switches = _selector.removeSource(source, monotonicNs());
        std::erase_if(_standby, [&](const auto& entry) { return entry.first.second == source; });
        for (auto it = _offers.begin(); it != _offers.end();) {
            const std::string symbol = it->first;
            const bool had = it->second.erase(source) > 0;
            it = it->second.empty() ? _offers.erase(it) : std::next(it);
            if (had) describe(symbol);
        }
    }
    announce(switches);
}

void MarketData::reportSourceState(const std::string& source, FeedStatus state, const std::string& detail) {
    std::vector<SourceSelector::Switch> switches;
    Messages replayed;
    bool changed = false;
    {
        std::lock_guard lock(_mutex);
        const auto before = _selector.reportedStates();
        const auto it = before.find(source);
        changed = it == before.end() || it->second.first != state || it->second.second != detail;
        switches = _selector.report(source, state, detail, monotonicNs());
        for (const auto& sw : switches) {
            describe(sw.symbol);
            takeOver(sw, replayed);
        }
    }
    if (changed) {
        log::write(state == FeedStatus::Live ? log::Level::Info : log::Level::Warn, "market", "price source state",
                   {{"source", source}, {"state", feedStatusName(state)}, {"detail", detail}});
    }
    announce(switches, replayed);
}

void MarketData::evaluateSources() {
    std::vector<SourceSelector::Switch> switches;
    Messages replayed;
    {
        std::lock_guard lock(_mutex);
        switches = _selector.evaluate(monotonicNs());
        for (const auto& sw : switches) {
            describe(sw.symbol);
            takeOver(sw, replayed);
        }
    }
    announce(switches, replayed);
}

void MarketData::announce(const std::vector<SourceSelector::Switch>& switches, const Messages& replayed) {
    if (switches.empty()) return;
    const std::int64_t nowNs = _clock.nowNs();
    Listener listener;
    HistoryRequester requester;
    std::vector<std::tuple<std::string, std::string, std::int64_t>> history;  // symbol, source, from
    std::set<std::string> recovered;                                          // had no live source, has one again
    {
        std::lock_guard lock(_mutex);
        listener = _listener;
        requester = _historyRequester;
        for (const auto& sw : switches) {
            if (sw.to.empty()) {
                _holeSinceNs.try_emplace(sw.symbol, nowNs);
            } else if (sw.from.empty()) {
                // Back from nothing (or first start: since the last stored candle).
                const auto hole = _holeSinceNs.find(sw.symbol);
                history.emplace_back(sw.symbol, sw.to, hole == _holeSinceNs.end() ? 0 : hole->second);
                if (hole != _holeSinceNs.end()) {
                    recovered.insert(sw.symbol);
                    _holeSinceNs.erase(hole);
                }
            }
        }
    }
    if (listener)
        for (const auto& [channel, json] : replayed)
            listener(channel, json);
    for (const auto& sw : switches) {
        // An instrument's first live source after start is routine; the rest is news.
        const bool first = sw.from.empty() && !sw.to.empty() && !recovered.count(sw.symbol);
        const char* what = sw.to.empty()     ? "no live price source"
                           : first           ? "price source active"
                           : sw.from.empty() ? "price source back"
                                             : "price source switched";
        log::write(first ? log::Level::Debug : log::Level::Warn, "market", what,
                   {{"symbol", sw.symbol}, {"from", sw.from}, {"to", sw.to}, {"reason", sw.reason}});
        if (!sw.from.empty() || sw.to.empty()) _sourceSwitches.inc();
        if (listener)
            listener("ticks:" + sw.symbol, R"({"type":"source","symbol":")" + sw.symbol + R"(","source":)" +
                                               jsonString(sw.to) + R"(,"reason":)" + jsonString(sw.reason) + "}");
    }
    if (requester)
        for (const auto& [symbol, source, from] : history)
            requester(symbol, source, from, nowNs);
}

std::optional<SourceStatus> MarketData::sourceStatus(const std::string& source) const {
    std::lock_guard lock(_mutex);
    const auto reported = _selector.reportedStates();
    const auto it = reported.find(source);
    std::string detail = it == reported.end() ? "" : it->second.second;
    if (it != reported.end() && it->second.first != FeedStatus::Live)
        return SourceStatus{feedStatusName(it->second.first), detail};
    bool offers = false;
    const std::int64_t now = monotonicNs();
    for (const auto& [symbol, bySource] : _offers) {
        if (!bySource.count(source)) continue;
        offers = true;
        for (const auto& feed : _selector.feeds(symbol, now))
            if (feed.source == source && feed.status == FeedStatus::Live) return SourceStatus{"live", detail};
    }
    if (!offers && it == reported.end()) return std::nullopt;
    return SourceStatus{offers ? "stale" : "live", detail};
}

bool MarketData::hasLiveSource(const std::string& symbol) const {
    std::lock_guard lock(_mutex);
    return _selector.active(symbol).has_value();
}

bool MarketData::toInstrumentScale(PriceTick& tick) const {
    const auto it = _instruments.find(tick.symbol);
    if (it == _instruments.end()) return false;
    const int scale = it->second.priceScale;
    if (tick.price.scale == scale) return true;
    try {
        tick.price = tick.price.scale > scale ? tick.price.rounded(scale) : tick.price.rescaled(scale);
        return tick.price.mantissa > 0;
    } catch (const std::exception&) {
        return false;
    }
}

void MarketData::applyPrice(const PriceTick& tick, Messages& messages) {
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
}

void MarketData::keepStandby(const std::string& source, const PriceTick& tick) {
    auto& kept = _standby[{tick.symbol, source}];
    kept.push_back(tick);
    // Enough to cover any staleness limit in use; a bounded memory either way.
    while (kept.size() > kStandbyTicks || (!kept.empty() && kept.front().tsNs < tick.tsNs - kStandbyWindowNs))
        kept.pop_front();
}

void MarketData::takeOver(const SourceSelector::Switch& sw, Messages& messages) {
    if (sw.to.empty()) return;
    const auto kept = _standby.find({sw.symbol, sw.to});
    if (kept == _standby.end()) return;
    // The new source's ticks since the instrument's last price: the time it took
    // to notice the old source was gone leaves no hole in the candles.
    const auto last = _last.find(sw.symbol);
    const std::int64_t after = last == _last.end() ? 0 : last->second.tsNs;
    for (const PriceTick& t : kept->second)
        if (t.tsNs > after) applyPrice(t, messages);
    _standby.erase(kept);
}

std::string MarketData::onTick(const std::string& source, PriceTick tick) {
    Messages messages;
    Listener listener;
    PriceObserver observer;
    std::optional<SourceSelector::Switch> pendingSwitch;
    {
        std::unique_lock lock(_mutex);
        const auto offers = _offers.find(tick.symbol);
        const InstrumentInfo* offered = nullptr;
        if (offers != _offers.end())
            if (const auto o = offers->second.find(source); o != offers->second.end()) offered = &o->second;
        std::string reason;
        if (offers == _offers.end())
            reason = "unknown symbol '" + tick.symbol + "'";
        else if (!offered)
            reason = "symbol '" + tick.symbol + "' is not offered by '" + source + "'";
        else if (tick.price.scale != offered->priceScale)
            reason = "price scale " + std::to_string(tick.price.scale) + " differs from the instrument's " +
                     std::to_string(offered->priceScale);
        else if (tick.price.mantissa <= 0)
            reason = "price must be positive";
        if (!reason.empty()) {
            _ticksRejected.inc();
            return reason;
        }
        std::optional<SourceSelector::Switch> switched;
        const bool isPrice = _selector.onTick(tick.symbol, source, monotonicNs(), switched);
        if (switched) describe(tick.symbol);
        // A fallback may quote with another precision than the instrument's.
        const bool fits = toInstrumentScale(tick);
        if (!isPrice) {
            // A fallback keeping its feed fresh: accepted, not the price, but kept a
            // while so a failover can fill the moments before it was noticed.
            if (fits) keepStandby(source, tick);
            lock.unlock();
            _ticksAccepted.inc();
            if (switched) announce({*switched});
            return {};
        }
        if (!fits) {
            _ticksRejected.inc();
            return "price does not fit the instrument's scale " + std::to_string(_instruments[tick.symbol].priceScale);
        }
        if (switched) {
            takeOver(*switched, messages);
            pendingSwitch = switched;
        }
        applyPrice(tick, messages);
        listener = _listener;
        observer = _priceObserver;
    }
    _ticksAccepted.inc();
    if (pendingSwitch) announce({*pendingSwitch});
    if (listener)
        for (const auto& [channel, json] : messages)
            listener(channel, json);
    if (observer) observer(tick);
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
        MarketSummary s{in, std::nullopt, std::nullopt, _selector.feeds(symbol, monotonicNs()),
                        _selector.active(symbol).has_value()};
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

std::optional<std::int64_t> MarketData::lastCandleOpen(const std::string& symbol, int intervalS,
                                                       std::int64_t beforeNs) const {
    Poco::Data::Session s = _db.session();
    std::string sym = symbol;
    int interval = intervalS;
    Poco::Int64 before = beforeNs;
    Poco::Nullable<Poco::Int64> last;
    s << "SELECT MAX(open_ns) FROM candles WHERE symbol = $1 AND interval_s = $2 AND open_ns < $3", use(sym),
        use(interval), use(before), into(last), now;
    if (last.isNull()) return std::nullopt;
    return last.value();
}

namespace {
/// Candles of `interval` rebuilt from finer stored ones: first open, last close, extremes, summed ticks.
std::optional<Candle> rollUp(Poco::Data::Session& s, const std::string& symbol, int fineS, int interval,
                             std::int64_t openNs) {
    std::string sym = symbol;
    int fine = fineS;
    Poco::Int64 from = openNs, to = openNs + static_cast<std::int64_t>(interval) * 1'000'000'000;
    std::vector<Poco::Int64> o, h, l, c;
    std::vector<int> scale, count;
    s << "SELECT open, high, low, close, scale, tick_count FROM candles "
         "WHERE symbol = $1 AND interval_s = $2 AND open_ns >= $3 AND open_ns < $4 ORDER BY open_ns",
        use(sym), use(fine), use(from), use(to), into(o), into(h), into(l), into(c), into(scale), into(count), now;
    if (o.empty()) return std::nullopt;
    Candle out{symbol, interval, openNs, o.front(), h.front(), l.front(), c.back(), scale.front(), 0};
    for (std::size_t i = 0; i < o.size(); ++i) {
        if (scale[i] != out.scale) return std::nullopt;  // mixed precision: leave the stored one alone
        out.high = std::max<std::int64_t>(out.high, h[i]);
        out.low = std::min<std::int64_t>(out.low, l[i]);
        out.tickCount += count[i];
    }
    return out;
}

/// Inserts c, or (keepExisting false) overwrites the stored one. Returns the rows changed.
std::size_t upsertCandle(Poco::Data::Session& s, const Candle& c, bool keepExisting) {
    std::string sym = c.symbol;
    int interval = c.intervalS, scale = c.scale, count = c.tickCount;
    Poco::Int64 open = c.openNs, o = c.open, h = c.high, l = c.low, cl = c.close;
    Poco::Data::Statement insert(s);
    insert << std::string(
                  "INSERT INTO candles (symbol, interval_s, open_ns, open, high, low, close, scale, tick_count) "
                  "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (symbol, interval_s, open_ns) ") +
                  (keepExisting ? "DO NOTHING"
                                : "DO UPDATE SET open = excluded.open, high = excluded.high, low = excluded.low, "
                                  "close = excluded.close, scale = excluded.scale, tick_count = excluded.tick_count"),
        use(sym), use(interval), use(open), use(o), use(h), use(l), use(cl), use(scale), use(count);
    return insert.execute();
}
}  // namespace

std::size_t MarketData::storeHistory(const std::string& symbol, const std::string& source,
                                     const std::vector<Candle>& history) {
    if (history.empty()) return 0;
    // 1. What may be filled: brought to the instrument's scale, minus the candles in progress.
    std::vector<Candle> fill;
    std::map<int, std::int64_t> inProgress;  // interval → open of the candle the aggregator holds
    {
        std::lock_guard lock(_mutex);
        const auto offers = _offers.find(symbol);
        if (offers == _offers.end() || !offers->second.count(source)) return 0;
        const int scale = _instruments[symbol].priceScale;
        for (const int interval : kCandleIntervals)
            if (const Candle* c = _aggregator.current(symbol, interval)) inProgress[interval] = c->openNs;
        for (Candle c : history) {
            c.symbol = symbol;
            c.tickCount = 0;  // from history, not from ticks we saw
            // The minute in progress is built from live ticks.
            if (const auto cur = inProgress.find(c.intervalS); cur != inProgress.end() && c.openNs >= cur->second)
                continue;
            if (c.scale != scale) {
                try {
                    for (std::int64_t* v : {&c.open, &c.high, &c.low, &c.close}) {
                        const Decimal d(*v, c.scale);
                        *v = (c.scale > scale ? d.rounded(scale) : d.rescaled(scale)).mantissa;
                    }
                    c.scale = scale;
                } catch (const std::exception&) {
                    continue;  // does not fit the instrument's precision
                }
            }
            fill.push_back(c);
        }
    }
    if (fill.empty()) return 0;
    flush();  // candles built from ticks reach the table first, and win below

    // 2. Only the missing ones go in; coarser candles they touch are rebuilt from the minutes.
    const int fine = fill.front().intervalS;
    std::vector<Candle> added;
    try {
        Poco::Data::Session s = _db.session();
        _db.beginWrite(s);
        try {
            for (const Candle& c : fill)
                if (upsertCandle(s, c, true) > 0) added.push_back(c);
            std::set<std::pair<int, std::int64_t>> buckets;
            for (const Candle& c : added)
                for (const int interval : kCandleIntervals) {
                    if (interval <= fine || interval % fine != 0) continue;
                    const std::int64_t width = static_cast<std::int64_t>(interval) * 1'000'000'000;
                    const std::int64_t open = c.openNs / width * width;
                    const auto cur = inProgress.find(interval);
                    if (cur == inProgress.end() || open < cur->second) buckets.emplace(interval, open);
                }
            for (const auto& [coarse, open] : buckets)
                if (const auto rolled = rollUp(s, symbol, fine, coarse, open)) upsertCandle(s, *rolled, false);
            _db.commit(s);
        } catch (...) {
            _db.rollback(s);
            throw;
        }
    } catch (const Poco::Exception& e) {
        log::error("market", "storing history failed", {{"symbol", symbol}, {"error", e.displayText()}});
        return 0;
    }

    // 3. The candles in progress take in what was added before their first tick.
    std::vector<std::pair<std::string, std::string>> messages;
    Listener listener;
    {
        std::lock_guard lock(_mutex);
        for (const Candle& c : added)
            for (const Candle& changed : _aggregator.absorb(c)) {
                _pendingCandles[{changed.symbol, changed.intervalS, changed.openNs}] = changed;
                messages.emplace_back("candles:" + symbol + ":" + intervalName(changed.intervalS), candleJson(changed));
            }
        listener = _listener;
    }
    if (listener) {
        for (const auto& [channel, json] : messages)
            listener(channel, json);
        // Charts open now reload what they show.
        for (const int interval : kCandleIntervals)
            if (interval >= fine && !added.empty())
                listener(
                    "candles:" + symbol + ":" + intervalName(interval),
                    R"({"type":"history","symbol":")" + symbol + R"(","added":)" + std::to_string(added.size()) + "}");
    }
    return added.size();
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

void MarketData::prune(bool sweep) {
    const std::int64_t nowNs = _clock.nowNs();
    Poco::Int64 tickCutoff = nowNs - static_cast<std::int64_t>(_config.tickRetentionHours) * 3600 * 1'000'000'000;
    Poco::Int64 candleCutoff = nowNs - static_cast<std::int64_t>(_config.candleRetentionDays) * 86400 * 1'000'000'000;
    Poco::Int64 secondCutoff =
        nowNs - static_cast<std::int64_t>(_config.secondCandleRetentionHours) * 3600 * 1'000'000'000;
    std::vector<std::string> symbols;
    {
        std::lock_guard lock(_mutex);
        for (const auto& [symbol, offers] : _offers)
            symbols.push_back(symbol);
    }
    try {
        Poco::Data::Session s = _db.session();
        if (sweep) {
            // Everything, retired symbols included: scans the tables, so only now and then.
            s << "DELETE FROM ticks WHERE ts_ns < $1", use(tickCutoff), now;
            s << "DELETE FROM candles WHERE interval_s = 1 AND open_ns < $1", use(secondCutoff), now;
            s << "DELETE FROM candles WHERE open_ns < $1", use(candleCutoff), now;
            return;
        }
        // Per symbol and interval, along the primary key and the ticks index.
        for (std::string symbol : symbols) {
            s << "DELETE FROM ticks WHERE symbol = $1 AND ts_ns < $2", use(symbol), use(tickCutoff), now;
            for (const int interval : kCandleIntervals) {
                int iv = interval;
                Poco::Int64 cutoff = interval == 1 ? secondCutoff : candleCutoff;
                s << "DELETE FROM candles WHERE symbol = $1 AND interval_s = $2 AND open_ns < $3", use(symbol), use(iv),
                    use(cutoff), now;
            }
        }
    } catch (const Poco::Exception& e) {
        log::warn("market", "retention pruning failed", {{"error", e.displayText()}});
    }
}

void MarketData::writerLoop() {
    auto nextPrune = std::chrono::steady_clock::now();
    auto nextSweep = nextPrune;
    std::unique_lock lock(_mutex);
    while (!_stopping) {
        _wake.wait_for(lock, std::chrono::milliseconds(_config.flushIntervalMs));
        lock.unlock();
        flush();
        evaluateSources();
        if (const auto t = std::chrono::steady_clock::now(); t >= nextPrune) {
            const bool sweep = t >= nextSweep;
            prune(sweep);
            nextPrune = t + std::chrono::minutes(1);
            if (sweep) nextSweep = t + std::chrono::hours(6);
        }
        lock.lock();
    }
}

}  // namespace bourse
