#include "TwelveDataSource.h"

#include "Wire.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <algorithm>
#include <sstream>
#include <utility>

namespace bourse::twelvedata {

namespace {

constexpr std::chrono::milliseconds kPumpPeriod{100};  ///< polls, heartbeats and the watchdog run on this beat
constexpr int kPageRows = 5000;                        ///< outputsize maximum of /time_series
constexpr int kMaxPages = 20;                          ///< 100,000 rows: ten weeks of minutes; more is not a back-fill

std::string stringify(const Poco::JSON::Object& o) {
    std::ostringstream out;
    o.stringify(out);
    return out.str();
}

std::string stateName(int state) {
    switch (state) {
        case static_cast<int>(Host::SourceState::Live):
            return "live";
        case static_cast<int>(Host::SourceState::BackingOff):
            return "backing_off";
        case static_cast<int>(Host::SourceState::Banned):
            return "banned";
        default:
            return "starting";
    }
}

}  // namespace

struct TwelveDataSource::History {
    explicit History(Reply r) : reply(std::move(r)) {}
    std::size_t provider = 0;
    std::string interval;
    std::int64_t nextMs = 0, endMs = 0;  ///< [nextMs, endMs) still to fetch
    std::int64_t stepMs = 0;
    int scale = 0;
    int pages = 0;
    std::string rows;  ///< JSON rows gathered so far, comma-separated
    Reply reply;
};

TwelveDataSource::TwelveDataSource(Host& host)
    : PriceSource(host),
      _config(TwelveDataConfig::parse(host.configJson())),
      _budget(_config.creditsPerMinute, _config.creditsPerDay, _config.historyReservePercent),
      _random(static_cast<std::uint64_t>(host.nowNs())) {
    const auto key = host.secret("api_key");
    if (!key || key->empty())
        throw Error(BOURSE_E_CONFIG,
                    "config: secrets.api_key: missing; map the Twelve Data API key into the plugin's secrets, e.g. "
                    "secrets: {api_key: ${TWELVEDATA_API_KEY}}");
    if (!std::all_of(key->begin(), key->end(), [](unsigned char c) { return c > 0x20 && c < 0x7f; }))
        throw Error(BOURSE_E_CONFIG, "config: secrets.api_key: contains spaces or control characters");
    _apiKey = *key;
    for (std::size_t i = 0; i < _config.symbols.size(); ++i) {
        const SymbolConfig& s = _config.symbols[i];
        auto [it, fresh] = _providerIndex.emplace(s.provider, _providers.size());
        if (fresh) {
            Provider p;
            p.symbol = s.provider;
            _providers.push_back(std::move(p));
        }
        Provider& p = _providers[it->second];
        p.instruments.push_back(i);
        p.maxScale = std::max(p.maxScale, s.priceScale);
        _symbols.push_back(Symbol{s, it->second, 0, Decimal(), false});
    }
}

std::vector<Instrument> TwelveDataSource::instruments() {
    std::vector<Instrument> out;
    for (const Symbol& s : _symbols) {
        if (_providers[s.provider].state != Provider::State::Active) continue;
        const auto [base, quote] = assetsOf(s.config.provider);
        out.push_back(Instrument{s.config.symbol, s.config.name, s.config.priceScale, base, quote});
    }
    return out;
}

void TwelveDataSource::start() {
    try {
        if (const auto saved = host().kvGet("credits")) _budget.restore(*saved);
    } catch (const std::exception& e) {
        host().warn(std::string("twelvedata: credits spent before this start are unknown: ") + e.what());
    }
    _wsDownSinceMs = nowMs();
    const int batch = static_cast<int>(
        std::min<std::size_t>({_providers.size(), static_cast<std::size_t>(_budget.maxPollCredits()), _maxBatch}));
    host().info("twelvedata: " + std::string(_config.mode == TwelveDataConfig::Mode::Ws ? "stream" : "polling") + ", " +
                std::to_string(_symbols.size()) + " instruments; REST budget " +
                std::to_string(_config.creditsPerMinute) + "/min, " + std::to_string(_config.creditsPerDay) +
                "/day (history keeps " + std::to_string(_budget.minuteReserve()) + " and " +
                std::to_string(_budget.dayReserve()) + "): a poll of " + std::to_string(batch) + " symbols every " +
                std::to_string(_budget.pollSpacingMs(batch, _config.pollIntervalMs)) + " ms");
    _pump = host().every(kPumpPeriod, [this] { pump(); });
    if (_config.mode == TwelveDataConfig::Mode::Ws)
        connect();
    else
        poll();
}

void TwelveDataSource::stop() {
    if (_pump) host().cancel(_pump);
    _pump = 0;
    if (_ws) host().wsClose(_ws);
    _ws = 0;
    _wsOpen = false;
}

// ---------------------------------------------------------------------------
// REST polling
// ---------------------------------------------------------------------------

void TwelveDataSource::pump() {
    if (_config.mode == TwelveDataConfig::Mode::Ws && !_banned) {
        const std::int64_t now = nowMs();
        if (_wsOpen && now - _lastWsMessageMs > _config.staleAfterMs) {
            // Open but silent, heartbeats unanswered too: treat as dead.
            closeStream("stream silent for " + std::to_string(now - _lastWsMessageMs) + " ms");
        } else if (_wsOpen && now >= _nextHeartbeatMs) {
            if (host().wsSend(_ws, heartbeatMessage())) ++_heartbeatsSent;
            _nextHeartbeatMs = now + _config.heartbeatMs;
        } else if (!_ws && _reconnectAtMs && now >= _reconnectAtMs) {
            _reconnectAtMs = 0;
            connect();
        }
    }
    if (_echoAtMs && nowMs() >= _echoAtMs) echo();
    poll();
}

void TwelveDataSource::echo() {
    // The host ignores ticks from an instance it has not swapped in yet, and the
    // first poll is made in start(), before the swap: on a plan that polls every
    // few minutes, those prices would be missing until the next poll. Once,
    // shortly after each poll, publish again what the host does not have.
    _echoAtMs = 0;
    for (Symbol& s : _symbols) {
        if (!std::exchange(s.echo, false) || _providers[s.provider].state != Provider::State::Active) continue;
        try {
            const auto known = host().lastTick(s.config.symbol);
            if (!known || known->tsNs < s.lastTsNs) host().publishTick(s.config.symbol, s.lastPrice, s.lastTsNs);
        } catch (const std::exception& e) {
            setError("price for " + s.config.symbol + ": " + e.what());
        }
    }
}

bool TwelveDataSource::restCovers(const Provider& p) const {
    if (p.state != Provider::State::Active) return false;
    if (_config.mode == TwelveDataConfig::Mode::Rest || p.streamRefused) return true;
    // The stream gets heartbeat_ms to come (back) before polling fills in.
    return !_wsOpen && nowMs() - _wsDownSinceMs >= _config.heartbeatMs;
}

std::vector<std::size_t> TwelveDataSource::nextBatch() {
    while (!_probe.empty() && !restCovers(_providers[_probe.front()]))
        _probe.erase(_probe.begin());
    if (!_probe.empty()) return {_probe.front()};
    std::vector<std::size_t> covered;
    for (std::size_t i = 0; i < _providers.size(); ++i)
        if (restCovers(_providers[i])) covered.push_back(i);
    if (covered.empty()) return {};
    const std::size_t size = std::min({covered.size(), static_cast<std::size_t>(_budget.maxPollCredits()), _maxBatch});
    // Round-robin, so every symbol gets its turn when one poll cannot carry them all.
    const auto first = std::lower_bound(covered.begin(), covered.end(), _cursor);
    std::size_t start = first == covered.end() ? 0 : static_cast<std::size_t>(first - covered.begin());
    std::vector<std::size_t> batch;
    for (std::size_t k = 0; k < size; ++k)
        batch.push_back(covered[(start + k) % covered.size()]);
    return batch;
}

void TwelveDataSource::poll() {
    if (_banned || _pollInFlight) return;
    const std::int64_t now = nowMs();
    if (now < _blockedUntilMs || now < _retryAtMs || now < _nextPollMs) return;
    const std::vector<std::size_t> batch = nextBatch();
    if (batch.empty()) return;
    const int cost = static_cast<int>(batch.size());
    if (const std::int64_t at = _budget.availableAt(now, cost, CreditBudget::Use::Poll); at != now) {
        _nextPollMs = at;  // a history request took this window's share: the next window
        return;
    }
    if (!_probe.empty() && batch.size() == 1 && batch[0] == _probe.front())
        _probe.erase(_probe.begin());
    else
        _cursor = batch.back() + 1;
    spend(cost);
    _nextPollMs = now + _budget.pollSpacingMs(cost, _config.pollIntervalMs);
    std::string symbols;
    int scale = 0;
    for (const std::size_t i : batch) {
        symbols += (symbols.empty() ? "" : ",") + encodeQuery(_providers[i].symbol);
        scale = std::max(scale, _providers[i].maxScale);
    }
    const int dp = dpFor(scale);
    _pollInFlight = true;
    host().http(get("/price?symbol=" + symbols + (dp != 5 ? "&dp=" + std::to_string(dp) : "")),
                [this, batch](const HttpResponse& r) { onPrices(batch, r); });
}

void TwelveDataSource::onPrices(const std::vector<std::size_t>& batch, const HttpResponse& r) {
    _pollInFlight = false;
    if (_banned) return;
    const Outcome o = judge(r);
    _malformed += o.malformed;
    if (o.kind == Outcome::Kind::Transient) return transient("price: " + o.why);
    if (o.kind == Outcome::Kind::ApiFailure) {
        const int code = o.error.code;
        if (code == 401) return ban(o.error);
        if (code == 429) return rateLimited(o.error);
        if (code == 414 && batch.size() > 1) {
            _maxBatch = std::max<std::size_t>(1, batch.size() / 2);
            setError("price: " + describe(o.error) + "; batches of at most " + std::to_string(_maxBatch) + " now");
            host().warn("twelvedata: " + _lastError);
            return;
        }
        if (isSymbolError(o.error)) {
            if (batch.size() == 1)
                return dropProvider(batch[0], code == 403 ? Provider::State::Refused : Provider::State::Unknown,
                                    describe(o.error));
            // One bad symbol may sink a whole batch: ask one at a time to find it.
            for (const std::size_t i : batch)
                if (std::find(_probe.begin(), _probe.end(), i) == _probe.end()) _probe.push_back(i);
            setError("price: batch refused (" + describe(o.error) + "); asking symbol by symbol");
            host().warn("twelvedata: " + _lastError);
            return;
        }
        return transient("price: " + describe(o.error));
    }
    std::vector<std::string> asked;
    for (const std::size_t i : batch)
        asked.push_back(_providers[i].symbol);
    PriceReply reply;
    try {
        reply = parsePrices(r.body, asked);
    } catch (const std::exception& e) {
        ++_malformed;
        return transient(std::string("price: malformed reply: ") + e.what());
    }
    ++_polls;
    bool published = false;
    for (const PriceQuote& q : reply.prices)
        published |= publish(_providerIndex.at(q.symbol), q.price, 0);
    bool limited = false;
    for (const auto& [symbol, error] : reply.failed) {
        const std::size_t i = _providerIndex.at(symbol);
        if (isSymbolError(error))
            dropProvider(i, error.code == 403 ? Provider::State::Refused : Provider::State::Unknown, describe(error));
        else if (error.code == 429) {
            if (!limited) rateLimited(error);  // credits ran out part-way through the batch
            limited = true;
        } else
            setError("price: " + symbol + ": " + describe(error));
    }
    if (!reply.missing.empty()) {
        std::string list;
        for (const auto& m : reply.missing)
            list += (list.empty() ? "" : ", ") + m;
        setError("price: the reply lacks " + list);
    }
    if (published) {
        _restOk = true;
        _restAttempt = 0;
        _echoAtMs = nowMs() + 500;
    }
    reportState();
}

TwelveDataSource::Outcome TwelveDataSource::judge(const HttpResponse& r) const {
    Outcome o;
    if (r.status == 0) {
        o.kind = Outcome::Kind::Transient;
        o.why = "upstream: " + redact(r.error.empty() ? "no response" : r.error);
        return o;
    }
    try {
        if (const auto error = replyError(r.status, r.body)) {
            o.kind = Outcome::Kind::ApiFailure;
            o.error = *error;
            o.error.message = redact(o.error.message);
        }
    } catch (const std::exception& e) {
        o.kind = Outcome::Kind::Transient;
        o.why = std::string("malformed reply: ") + e.what();
        o.malformed = true;
    }
    return o;
}

void TwelveDataSource::ban(const ApiError& error) {
    if (_banned) return;
    _banned = true;
    _restOk = _wsLive = false;
    _reconnectAtMs = 0;
    if (_ws) host().wsClose(_ws);
    _ws = 0;
    _wsOpen = false;
    setError("invalid API key (" + describe(error) +
             "): nothing more is sent; fix secrets.api_key and reload the plugin");
    host().error("twelvedata: " + _lastError);
    try {
        host().notify("plugin.alert", R"({"plugin":"twelvedata","problem":"invalid_api_key"})");
    } catch (const std::exception&) {
        // The log line and the state say it too.
    }
    reportState();
}

void TwelveDataSource::rateLimited(const ApiError& error) {
    const std::int64_t now = nowMs();
    // Twelve Data counts per clock minute (and per UTC day on some plans): nothing
    // helps before the window turns, and asking early only prolongs the refusal.
    if (isDailyLimit(error)) {
        _budget.exhaustDay(now);
        _blockedUntilMs = std::max(_blockedUntilMs, CreditBudget::nextDay(now));
    } else {
        _budget.exhaustMinute(now);
        _blockedUntilMs = std::max(_blockedUntilMs, CreditBudget::nextMinute(now));
    }
    spend(0);                       // keeps the exhausted window in the KV store
    _nextPollMs = _blockedUntilMs;  // the refused poll brought nothing: ask again as soon as the window turns
    ++_rateLimited;
    _restOk = false;
    setError("rate limited: " + describe(error) + "; no request before " + formatUtc(_blockedUntilMs) + " UTC");
    host().warn("twelvedata: " + _lastError);
    reportState();
}

void TwelveDataSource::transient(const std::string& why) {
    ++_errors;
    const std::int64_t delay = backoffMs(_restAttempt++);
    _retryAtMs = nowMs() + delay;
    _restOk = false;
    setError(why + "; retrying in " + std::to_string(delay) + " ms");
    host().warn("twelvedata: " + _lastError);
    reportState();
}

void TwelveDataSource::dropProvider(std::size_t index, Provider::State state, const std::string& why) {
    Provider& p = _providers[index];
    if (p.state != Provider::State::Active) return;
    p.state = state;
    p.why = why;
    std::string kernel;
    for (const std::size_t i : p.instruments)
        kernel += (kernel.empty() ? "" : ", ") + _symbols[i].config.symbol;
    setError(p.symbol + " (" + kernel + ") " +
             (state == Provider::State::Refused ? "is not in the plan" : "is unknown to Twelve Data") + ": " + why +
             "; no longer polled nor offered");
    host().warn("twelvedata: " + _lastError);  // once: the state changes once
    _probe.erase(std::remove(_probe.begin(), _probe.end(), index), _probe.end());
    if (_wsOpen) host().wsSend(_ws, unsubscribeMessage({p.symbol}));  // stream credits are per symbol
    try {
        host().instrumentsChanged();
    } catch (const std::exception& e) {
        host().warn(std::string("twelvedata: could not withdraw the instrument: ") + e.what());
    }
}

bool TwelveDataSource::publish(std::size_t provider, const std::string& price, std::int64_t tsNs) {
    Decimal parsed;
    try {
        parsed = Decimal::parse(price);
    } catch (const std::exception& e) {
        ++_malformed;
        setError("price '" + price.substr(0, 40) + "' for " + _providers[provider].symbol + ": " + e.what());
        return false;
    }
    const std::int64_t now = host().nowNs();
    bool any = false;
    for (const std::size_t i : _providers[provider].instruments) {
        Symbol& s = _symbols[i];
        try {
            const Decimal p = parsed.rounded(s.config.priceScale);  // half-up, exact
            if (p.mantissa <= 0) continue;
            // The service's quote time when it gives one, never ahead of the host
            // nor behind what was published already.
            const std::int64_t ts = std::max(tsNs > 0 ? std::min(tsNs, now) : now, s.lastTsNs);
            host().publishTick(s.config.symbol, p, ts);
            s.lastTsNs = ts;
            s.lastPrice = p;
            s.echo = tsNs == 0;  // polled prices only: the stream sends more soon enough
            ++_prices;
            any = true;
        } catch (const std::exception& e) {
            setError("price '" + price.substr(0, 40) + "' for " + s.config.symbol + ": " + e.what());
        }
    }
    return any;
}

// ---------------------------------------------------------------------------
// The price stream
// ---------------------------------------------------------------------------

void TwelveDataSource::connect() {
    // The key goes in the query (the host's client sends no custom headers); the
    // URL is never logged.
    _wsOpen = _wsLive = false;
    _ws = host().wsConnect(_config.wsUrl + "/v1/quotes/price?apikey=" + encodeQuery(_apiKey),
                           [this](Host::WsEvent e, std::string_view data) { onStream(e, data); });
}

void TwelveDataSource::onStream(Host::WsEvent event, std::string_view data) {
    switch (event) {
        case Host::WsEvent::Open: {
            _wsOpen = true;
            _lastWsMessageMs = nowMs();
            _nextHeartbeatMs = _lastWsMessageMs + _config.heartbeatMs;
            std::vector<std::string> symbols;
            for (Provider& p : _providers) {
                p.streamRefused = false;
                if (p.state == Provider::State::Active) symbols.push_back(p.symbol);
            }
            if (!host().wsSend(_ws, subscribeMessage(symbols))) return closeStream("stream: could not subscribe");
            host().info("twelvedata: stream open, subscribing to " + std::to_string(symbols.size()) + " symbols");
            return;
        }
        case Host::WsEvent::Closed:
            _ws = 0;  // the host forgets it after this event
            return closeStream("stream closed: " + std::string(data));
        case Host::WsEvent::Message:
            return onStreamMessage(std::string(data));
    }
}

void TwelveDataSource::closeStream(const std::string& why) {
    if (_ws) host().wsClose(_ws);
    _ws = 0;
    _wsOpen = _wsLive = false;
    _wsDownSinceMs = nowMs();
    if (_banned) return;
    const std::int64_t delay = backoffMs(_wsAttempt++);
    _reconnectAtMs = _wsDownSinceMs + delay;
    ++_reconnects;
    setError(redact(why) + "; reconnecting in " + std::to_string(delay) + " ms");
    host().warn("twelvedata: " + _lastError);
    reportState();
}

void TwelveDataSource::onStreamMessage(const std::string& text) {
    _lastWsMessageMs = nowMs();
    ++_wsMessages;
    StreamEvent ev;
    try {
        ev = parseStreamMessage(text);
    } catch (const std::exception& e) {
        ++_malformed;  // one bad frame is not a reason to drop the stream
        setError(std::string("stream: malformed message: ") + e.what());
        return;
    }
    switch (ev.kind) {
        case StreamEvent::Kind::Price: {
            const auto it = _providerIndex.find(ev.symbol);
            if (it == _providerIndex.end() || _providers[it->second].state != Provider::State::Active) return;
            // Whole seconds; anything beyond 2100 is not a UNIX time in seconds (and would overflow).
            const std::int64_t tsNs =
                ev.timestampS > 0 && ev.timestampS < 4'102'444'800 ? ev.timestampS * 1'000'000'000 : 0;
            if (publish(it->second, ev.price, tsNs) && !_wsLive) {
                _wsLive = true;
                _wsAttempt = 0;   // a working stream
                _restOk = false;  // REST stops covering; it proves itself again when needed
                reportState();
            }
            return;
        }
        case StreamEvent::Kind::SubscribeStatus:
            for (const auto& [symbol, why] : ev.failed) {
                const auto it = _providerIndex.find(symbol);
                if (it == _providerIndex.end()) continue;
                Provider& p = _providers[it->second];
                p.streamRefused = true;
                p.streamWhy = why.empty() ? "refused by the stream" : why;
                setError("stream: " + symbol + " refused (" + p.streamWhy + "); polling it over REST instead");
                host().warn("twelvedata: " + _lastError);
            }
            if (ev.status == "error") {
                std::string messages;
                for (const auto& m : ev.messages)
                    messages += (messages.empty() ? "" : "; ") + m;
                setError("stream: subscribe failed: " + (messages.empty() ? std::string("no reason given") : messages));
                host().warn("twelvedata: " + _lastError);
            }
            return;
        case StreamEvent::Kind::Heartbeat:
            ++_heartbeatReplies;
            if (ev.status != "ok") setError("stream: heartbeat answered '" + ev.status + "'");
            return;
        case StreamEvent::Kind::Other:
            return;
    }
}

// ---------------------------------------------------------------------------
// History
// ---------------------------------------------------------------------------

void TwelveDataSource::fetchCandles(const std::string& symbol, int intervalS, std::int64_t fromNs, std::int64_t toNs,
                                    Reply reply) {
    const auto s =
        std::find_if(_symbols.begin(), _symbols.end(), [&](const Symbol& x) { return x.config.symbol == symbol; });
    if (s == _symbols.end()) return reply.fail(BOURSE_E_NOT_FOUND, "twelvedata: no instrument " + symbol);
    const Provider& p = _providers[s->provider];
    if (p.state != Provider::State::Active)
        return reply.fail(BOURSE_E_NOT_FOUND, "twelvedata: " + symbol + " is not served: " + p.why);
    const std::string interval = intervalName(intervalS);
    if (interval.empty())
        return reply.fail(BOURSE_E_INVALID,
                          "twelvedata: no Twelve Data interval of " + std::to_string(intervalS) + " s");
    if (_banned) return reply.fail(BOURSE_E_UNAVAILABLE, "twelvedata: banned: " + _lastError);
    auto h = std::make_shared<History>(std::move(reply));
    h->provider = s->provider;
    h->interval = interval;
    h->stepMs = static_cast<std::int64_t>(intervalS) * 1000;
    h->nextMs = (fromNs / 1'000'000 + h->stepMs - 1) / h->stepMs * h->stepMs;  // whole intervals only
    h->endMs = (toNs + 999'999) / 1'000'000;
    h->scale = s->config.priceScale;
    if (h->endMs <= h->nextMs) return h->reply.ok("[]");
    fetchPage(h);
}

void TwelveDataSource::fetchPage(const std::shared_ptr<History>& h) {
    if (h->nextMs >= h->endMs || h->pages >= kMaxPages) return h->reply.ok("[" + h->rows + "]");
    if (_banned) return h->reply.fail(BOURSE_E_UNAVAILABLE, "twelvedata: banned: " + _lastError);
    const std::int64_t now = nowMs();
    std::int64_t at = _budget.availableAt(now, 1, CreditBudget::Use::History);
    if (now < _blockedUntilMs) at = std::max(at, _blockedUntilMs);
    if (at != now)
        return h->reply.fail(BOURSE_E_UNAVAILABLE, "twelvedata: credit budget exhausted until " +
                                                       (at == CreditBudget::kNever ? std::string("the limits change")
                                                                                   : formatUtc(at) + " UTC"));
    // Pages are windows of at most 5,000 bars, so outputsize covers the whole
    // window whichever end of it the service counts from.
    const std::int64_t pageEnd = std::min(h->endMs, h->nextMs + kPageRows * h->stepMs);
    const std::int64_t rows = (pageEnd - h->nextMs + h->stepMs - 1) / h->stepMs;
    const int dp = dpFor(h->scale);
    const std::string query =
        "/time_series?symbol=" + encodeQuery(_providers[h->provider].symbol) + "&interval=" + h->interval +
        "&start_date=" + encodeQuery(formatUtc(h->nextMs)) + "&end_date=" + encodeQuery(formatUtc(pageEnd - 1000)) +
        "&timezone=UTC&order=asc&outputsize=" + std::to_string(rows) + (dp != 5 ? "&dp=" + std::to_string(dp) : "");
    spend(1);
    ++_historyRequests;
    host().http(get(query), [this, h, pageEnd](const HttpResponse& r) {
        const std::string symbol = _providers[h->provider].symbol;
        const Outcome o = judge(r);
        _malformed += o.malformed;
        if (o.kind == Outcome::Kind::Transient) {
            ++_errors;
            setError("time_series " + symbol + ": " + o.why);
            return h->reply.fail(BOURSE_E_UNAVAILABLE, "twelvedata: " + _lastError);
        }
        std::vector<Bar> bars;
        if (o.kind == Outcome::Kind::ApiFailure) {
            const ApiError& e = o.error;
            if (!isNoData(e)) {
                if (e.code == 401) ban(e);
                if (e.code == 429) rateLimited(e);
                if (e.code == 401 || e.code == 429)
                    return h->reply.fail(BOURSE_E_UNAVAILABLE, "twelvedata: " + _lastError);
                setError("time_series " + symbol + ": " + describe(e));
                const bourse_status status = e.code == 403   ? BOURSE_E_UNSUPPORTED  // not in the plan
                                             : e.code == 404 ? BOURSE_E_NOT_FOUND
                                             : e.code == 400 ? BOURSE_E_INVALID
                                                             : BOURSE_E_UNAVAILABLE;
                if (status == BOURSE_E_UNAVAILABLE) ++_errors;
                return h->reply.fail(status, "twelvedata: " + _lastError);
            }
            // 400 "No data is available on the specified dates": an empty window.
        } else {
            try {
                bars = parseTimeSeries(r.body);
            } catch (const std::exception& e) {
                ++_malformed;
                setError("time_series " + symbol + ": " + e.what());
                return h->reply.fail(BOURSE_E_UNAVAILABLE, "twelvedata: " + _lastError);
            }
        }
        ++h->pages;
        for (const Bar& b : bars) {
            if (b.openMs < h->nextMs || b.openMs >= pageEnd) continue;
            try {
                std::string row = "[" + std::to_string(b.openMs);
                for (const std::string* v : {&b.open, &b.high, &b.low, &b.close})
                    row += ",\"" + Decimal::parse(*v).rounded(h->scale).toString() + "\"";
                row += ",\"" + (b.volume.empty() ? std::string("0") : Decimal::parse(b.volume).toString()) + "\"]";
                h->rows += (h->rows.empty() ? "" : ",") + row;
            } catch (const std::exception& e) {
                ++_malformed;
                setError("time_series " + symbol + ": row at " + formatUtc(b.openMs) + ": " + e.what());
                return h->reply.fail(BOURSE_E_UNAVAILABLE, "twelvedata: " + _lastError);
            }
        }
        h->nextMs = pageEnd;
        fetchPage(h);
    });
}

// ---------------------------------------------------------------------------
// Helpers, state and status
// ---------------------------------------------------------------------------

void TwelveDataSource::spend(int credits) {
    _budget.spend(nowMs(), credits);
    try {
        host().kvPut("credits", _budget.save());
    } catch (const std::exception&) {
        // Only a reload would forget them; the service enforces its limits anyway.
    }
}

std::int64_t TwelveDataSource::backoffMs(int attempt) {
    // Exponential, capped, with "equal jitter" so many kernels do not retry in step.
    const std::int64_t base = std::min(_config.backoffMaxMs, _config.backoffMinMs << std::min(attempt, 20));
    return base / 2 + static_cast<std::int64_t>(_random() % static_cast<std::uint64_t>(base / 2 + 1));
}

std::int64_t TwelveDataSource::nextPollAtMs() const {
    std::size_t covered = 0;
    for (const Provider& p : _providers)
        covered += restCovers(p);
    if (_banned || covered == 0) return 0;
    const int cost = static_cast<int>(
        _probe.empty() ? std::min({covered, static_cast<std::size_t>(_budget.maxPollCredits()), _maxBatch}) : 1);
    const std::int64_t t = std::max({nowMs(), _nextPollMs, _retryAtMs, _blockedUntilMs});
    return _budget.availableAt(t, cost, CreditBudget::Use::Poll);
}

int TwelveDataSource::dpFor(int scale) const {
    // Twelve Data's default is 5 decimals; ask for more when an instrument needs them.
    return std::clamp(scale, 5, 11);
}

Host::SourceState TwelveDataSource::state() const {
    if (_banned) return Host::SourceState::Banned;
    const bool restLive = _restOk && nowMs() >= _blockedUntilMs && _restAttempt == 0;
    if (_config.mode == TwelveDataConfig::Mode::Ws && _wsOpen && _wsLive) return Host::SourceState::Live;
    return restLive ? Host::SourceState::Live : Host::SourceState::BackingOff;
}

void TwelveDataSource::reportState() {
    const Host::SourceState s = state();
    if (static_cast<int>(s) == _reportedState) return;
    _reportedState = static_cast<int>(s);
    std::string detail = _lastError;
    if (s == Host::SourceState::Live)
        detail = _wsOpen && _wsLive ? "stream open"
                                    : "polling every " + std::to_string(_budget.pollSpacingMs(1, 0)) + " ms per symbol";
    host().sourceState(s, detail);
}

void TwelveDataSource::setError(const std::string& message) {
    _lastError = redact(message);
}

std::string TwelveDataSource::redact(std::string text) const {
    // Nothing the plugin shows or logs may carry the key (a URL in an error, an echo).
    if (_apiKey.empty()) return text;
    for (auto at = text.find(_apiKey); at != std::string::npos; at = text.find(_apiKey, at + 3))
        text.replace(at, _apiKey.size(), "***");
    return text;
}

HttpRequest TwelveDataSource::get(const std::string& pathAndQuery) const {
    HttpRequest req;
    req.url = _config.restUrl + pathAndQuery;
    req.headers.emplace_back("Authorization", "apikey " + _apiKey);  // the documented header; keeps the key out of URLs
    req.timeout = std::chrono::milliseconds(_config.requestTimeoutMs);
    return req;
}

std::string TwelveDataSource::command(const std::string& name, const std::string& argsJson) {
    if (name != "status") return PriceSource::command(name, argsJson);
    const std::int64_t now = nowMs();
    Poco::JSON::Object o;
    o.set("mode", _config.mode == TwelveDataConfig::Mode::Ws ? "ws" : "rest");
    o.set("state", stateName(_reportedState));
    if (_config.mode == TwelveDataConfig::Mode::Ws)
        o.set("stream", _banned ? "off" : _wsOpen ? "open" : (_reconnectAtMs ? "backing off" : "connecting"));
    Poco::JSON::Object credits;
    credits.set("used_this_minute", _budget.usedThisMinute(now));
    credits.set("per_minute", _budget.perMinute());
    credits.set("used_today", _budget.usedToday(now));
    credits.set("per_day", _budget.perDay());
    credits.set("history_reserve_per_minute", _budget.minuteReserve());
    credits.set("history_reserve_per_day", _budget.dayReserve());
    o.set("credits", credits);
    // The plan for a full poll of every symbol still served (one batch when the budget allows).
    std::size_t active = 0;
    for (const Provider& p : _providers)
        active += p.state == Provider::State::Active;
    const int batch = static_cast<int>(
        std::min({std::max<std::size_t>(active, 1), static_cast<std::size_t>(_budget.maxPollCredits()), _maxBatch}));
    o.set("poll_batch", batch);
    o.set("poll_interval_ms", _budget.pollSpacingMs(batch, _config.pollIntervalMs));
    const std::int64_t next = nextPollAtMs();
    o.set("next_poll_at", next == 0 || next == CreditBudget::kNever ? std::string() : formatUtc(next) + " UTC");
    o.set("next_poll_in_ms", next == 0 || next == CreditBudget::kNever ? std::int64_t(-1) : next - now);
    o.set("blocked_until", now < _blockedUntilMs ? formatUtc(_blockedUntilMs) + " UTC" : std::string());
    o.set("polls", _polls);
    o.set("prices", _prices);
    o.set("errors", _errors);
    o.set("malformed", _malformed);
    o.set("rate_limited", _rateLimited);
    o.set("history_requests", _historyRequests);
    o.set("stream_messages", _wsMessages);
    o.set("reconnects", _reconnects);
    o.set("heartbeats_sent", _heartbeatsSent);
    o.set("heartbeat_replies", _heartbeatReplies);
    Poco::JSON::Array symbols;
    for (const Symbol& s : _symbols) {
        const Provider& p = _providers[s.provider];
        Poco::JSON::Object e;
        e.set("symbol", s.config.symbol);
        e.set("twelvedata", p.symbol);
        e.set("state", p.state == Provider::State::Active    ? "active"
                       : p.state == Provider::State::Unknown ? "unknown"
                                                             : "refused");
        if (!p.why.empty()) e.set("why", p.why);
        if (p.streamRefused) e.set("stream", "refused: " + p.streamWhy);
        symbols.add(e);
    }
    o.set("symbols", symbols);
    o.set("last_error", _lastError);
    return stringify(o);
}

}  // namespace bourse::twelvedata
