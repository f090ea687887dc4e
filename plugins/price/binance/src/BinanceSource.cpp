#include "BinanceSource.h"

#include "Wire.h"

#include <bourse/plugins/ConfigReader.h>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <cctype>
#include <sstream>

namespace bourse::binance {

namespace {

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

std::string stringify(const Poco::JSON::Object& o) {
    std::ostringstream out;
    o.stringify(out);
    return out.str();
}

/// Why s is not a Binance symbol; "" when it is one.
std::string symbolProblem(const std::string& s) {
    if (!s.empty() && s.size() <= 20 &&
        std::all_of(s.begin(), s.end(), [](unsigned char ch) { return std::isupper(ch) || std::isdigit(ch); }))
        return "";
    return "'" + s + "' is not a Binance symbol (uppercase letters and digits, e.g. BTCUSDT)";
}

}  // namespace

BinanceConfig BinanceConfig::parse(const std::string& json) {
    const plugins::ConfigReader cfg = plugins::ConfigReader::parse(json);
    cfg.allowOnly({"rest_url", "ws_url", "symbols", "stream", "reconnect_min_ms", "reconnect_max_ms",
                   "poll_interval_ms", "stale_after_ms", "renew_after_ms", "weight_limit"});
    BinanceConfig c;
    c.restUrl = cfg.baseUrl("rest_url", c.restUrl);
    c.wsUrl = cfg.baseUrl("ws_url", c.wsUrl, {"ws", "wss"});
    cfg.require("symbols", "required, a list of Binance symbols such as [BTCUSDT, ETHUSDT]");
    c.symbols = cfg.strings("symbols", "a list of Binance symbols such as [BTCUSDT, ETHUSDT]", "symbol", symbolProblem);
    if (c.symbols.size() > 1024) cfg.fail("symbols", "at most 1024 per connection");
    c.stream = cfg.text("stream", c.stream);
    if (c.stream != "trade" && c.stream != "kline_1m" && c.stream != "bookTicker")
        cfg.fail("stream", "must be trade, kline_1m or bookTicker");
    c.reconnectMinMs = cfg.whole("reconnect_min_ms", c.reconnectMinMs, 1, 3'600'000);
    c.reconnectMaxMs = cfg.whole("reconnect_max_ms", c.reconnectMaxMs, 1, 3'600'000);
    c.pollIntervalMs = cfg.whole("poll_interval_ms", c.pollIntervalMs, 1, 86'400'000);
    c.staleAfterMs = cfg.whole("stale_after_ms", c.staleAfterMs, 1, 86'400'000);
    c.renewAfterMs = cfg.whole("renew_after_ms", c.renewAfterMs, 1, 86'400'000);
    c.weightLimit = static_cast<int>(cfg.whole("weight_limit", c.weightLimit, 1, 1'000'000));
    if (c.reconnectMaxMs < c.reconnectMinMs) cfg.fail("reconnect_max_ms", "must not be below reconnect_min_ms");
    return c;
}

BinanceSource::BinanceSource(Host& host)
    : PriceSource(host),
      _config(BinanceConfig::parse(host.configJson())),
      _random(static_cast<std::uint64_t>(host.nowNs())) {}

void BinanceSource::start() {
    fetchExchangeInfo(true);
    connect();
    _watchdog = host().every(std::chrono::milliseconds(200), [this] { watchdog(); });
}

void BinanceSource::stop() {
    for (const auto id : {_watchdog, _reconnect, _infoRetry})
        if (id) host().cancel(id);
    if (_ws) host().wsClose(_ws);
    _ws = 0;
}

std::string BinanceSource::symbolsParam() const {
    // symbols=["BTCUSDT","ETHUSDT"], URL-encoded.
    std::string out = "%5B";
    for (std::size_t i = 0; i < _config.symbols.size(); ++i)
        out += (i ? "%2C%22" : "%22") + _config.symbols[i] + "%22";
    return out + "%5D";
}

void BinanceSource::fetchExchangeInfo(bool filtered) {
    if (_infoPending) return;
    _infoPending = true;
    HttpRequest req;
    req.url = _config.restUrl + "/api/v3/exchangeInfo" + (filtered ? "?symbols=" + symbolsParam() : "");
    host().http(req, [this, filtered](const HttpResponse& r) {
        _infoPending = false;
        // One unknown symbol makes Binance refuse the whole filtered request
        // (-1121): ask for everything and report the unknown ones instead.
        if (filtered && r.status == 400 && r.body.find("-1121") != std::string::npos) return fetchExchangeInfo(false);
        std::vector<std::string> missing;
        bool ok = usable(r, "exchangeInfo");
        if (ok) {
            try {
                _instruments = parseExchangeInfo(r.body, _config.symbols, missing);
            } catch (const std::exception& e) {
                _lastError = std::string("exchangeInfo: ") + e.what();
                ok = false;
            }
        }
        if (!ok) {
            host().warn("binance: " + _lastError + "; retrying");
            const std::int64_t wait = std::max<std::int64_t>(1000, _restBlockedUntilMs - nowMs());
            _infoRetry = host().schedule(std::chrono::milliseconds(wait), std::chrono::nanoseconds(0), [this] {
                _infoRetry = 0;
                fetchExchangeInfo(true);
            });
            return;
        }
        if (!missing.empty()) {
            std::string list;
            for (const auto& m : missing)
                list += (list.empty() ? "" : ", ") + m;
            _lastError = "exchangeInfo: not trading on Binance: " + list;
            host().warn("binance: " + _lastError);
        }
        _scales.clear();
        for (const auto& in : _instruments)
            _scales[in.symbol] = in.priceScale;
        host().info("binance: " + std::to_string(_instruments.size()) + " instruments from exchangeInfo");
        host().instrumentsChanged();
    });
}

void BinanceSource::connect() {
    std::string url = _config.wsUrl + "/stream?streams=";
    for (std::size_t i = 0; i < _config.symbols.size(); ++i)
        url += (i ? "/" : "") + lower(_config.symbols[i]) + "@" + _config.stream;
    _open = _flowing = false;
    _ws = host().wsConnect(url, [this](Host::WsEvent e, std::string_view data) { onStream(e, data); });
}

void BinanceSource::onStream(Host::WsEvent event, std::string_view data) {
    switch (event) {
        case Host::WsEvent::Open:
            _open = true;
            _openedAtMs = _lastMessageMs = nowMs();
            host().info("binance: stream open");
            return;
        case Host::WsEvent::Closed:
            _ws = 0;
            _open = _flowing = false;
            _lastError = "stream: " + std::string(data);
            host().warn("binance: stream closed (" + std::string(data) + "); reconnecting, polling REST meanwhile");
            scheduleReconnect();
            reportState();
            return;
        case Host::WsEvent::Message:
            break;
    }
    _lastMessageMs = nowMs();
    ++_messages;
    StreamEvent ev;
    try {
        ev = parseStreamMessage(std::string(data));
    } catch (const std::exception& e) {
        ++_malformed;  // one bad frame is not a reason to drop the stream
        _lastError = std::string("stream: malformed message: ") + e.what();
        return;
    }
    if (ev.kind == StreamEvent::Kind::Shutdown) {
        host().info("binance: server shutdown announced; reconnecting now");
        if (_ws) host().wsClose(_ws);
        _ws = 0;
        _open = false;
        connect();
        return;
    }
    if (ev.kind == StreamEvent::Kind::Price) {
        _attempt = 0;  // a working stream
        if (!_flowing) {
            // Live once prices flow, not when the socket opens: a stream that
            // opens and stays silent is no better than a closed one.
            _flowing = true;
            reportState();
        }
        publish(ev.symbol, ev.price, ev.timeMs);
    }
}

void BinanceSource::scheduleReconnect() {
    if (_reconnect) return;
    // Exponential, capped, with "equal jitter" so many kernels do not retry in step.
    const std::int64_t base = std::min(_config.reconnectMaxMs, _config.reconnectMinMs << std::min(_attempt, 20));
    const std::int64_t delay =
        base / 2 + static_cast<std::int64_t>(_random() % static_cast<std::uint64_t>(base / 2 + 1));
    ++_attempt;
    ++_reconnects;
    _reconnect = host().schedule(std::chrono::milliseconds(delay), std::chrono::nanoseconds(0), [this] {
        _reconnect = 0;
        connect();
    });
}

void BinanceSource::watchdog() {
    const std::int64_t now = nowMs();
    if (_open && now - _lastMessageMs > _config.staleAfterMs) {
        // Open but silent: treat as dead (Binance streams are known to go quiet without closing).
        host().warn("binance: stream silent for " + std::to_string(now - _lastMessageMs) + " ms; reconnecting");
        _lastError = "stream: silent";
        if (_ws) host().wsClose(_ws);
        _ws = 0;
        _open = _flowing = false;
        scheduleReconnect();
        reportState();
    } else if (_open && now - _openedAtMs > _config.renewAfterMs) {
        host().info("binance: renewing the stream before the 24-hour cut");
        if (_ws) host().wsClose(_ws);
        _ws = 0;
        connect();
    }
    if (!_open && now >= _nextPollMs) poll();
}

void BinanceSource::poll() {
    if (_scales.empty() || nowMs() < _restBlockedUntilMs) return;
    if (_usedWeight > _config.weightLimit * 9 / 10) return;  // leave room; the minute rolls over soon
    _nextPollMs = nowMs() + _config.pollIntervalMs;
    HttpRequest req;
    req.url = _config.restUrl + "/api/v3/ticker/price?symbols=" + symbolsParam();
    host().http(req, [this](const HttpResponse& r) {
        if (!usable(r, "ticker/price")) return;
        ++_polls;
        try {
            for (const auto& t : parseTickerPrices(r.body))
                if (!_open) publish(t.symbol, t.price, 0);  // the stream is back: it has the fresher prices
        } catch (const std::exception& e) {
            _lastError = std::string("ticker/price: ") + e.what();
        }
    });
}

bool BinanceSource::usable(const HttpResponse& r, const std::string& what) {
    if (const auto w = r.header("X-MBX-USED-WEIGHT-1M")) {
        try {
            _usedWeight = std::stoll(*w);
        } catch (const std::exception&) {
        }
    }
    if (r.status == 200) {
        if (_banned) {
            _banned = false;
            reportState();
        }
        return true;
    }
    std::int64_t retryAfterS = 0;
    if (const auto ra = r.header("Retry-After")) {
        try {
            retryAfterS = std::stoll(*ra);
        } catch (const std::exception&) {
        }
    }
    if (r.status == 429 || r.status == 418) {
        // 429: back off as told; 418: banned, so no REST call at all until the ban ends.
        _banned = r.status == 418;
        _restBlockedUntilMs = nowMs() + std::max<std::int64_t>(retryAfterS, 1) * 1000;
        _lastError = what + ": " + (r.status == 418 ? "IP banned by Binance" : "rate limited") + ", waiting " +
                     std::to_string(std::max<std::int64_t>(retryAfterS, 1)) + " s (" + describeError(r.status, r.body) +
                     ")";
        host().warn("binance: " + _lastError);
        if (_banned)
            host().notify("plugin.alert", R"({"plugin":"binance","problem":"banned","retry_after_s":)" +
                                              std::to_string(retryAfterS) + "}");
        reportState();
        return false;
    }
    _lastError = what + ": " + (r.status == 0 ? "upstream: " + r.error : describeError(r.status, r.body));
    host().warn("binance: " + _lastError);
    return false;
}

void BinanceSource::publish(const std::string& symbol, const std::string& price, std::int64_t timeMs) {
    const auto scale = _scales.find(symbol);
    if (scale == _scales.end()) return;  // not (yet) an instrument here
    try {
        const Decimal p = Decimal::parse(price).rounded(scale->second);
        if (p.mantissa <= 0) return;
        // Event time when the stream gives one; the host's clock otherwise.
        host().publishTick(symbol, p, timeMs > 0 ? timeMs * 1'000'000 : 0);
    } catch (const std::exception& e) {
        ++_malformed;
        _lastError = "price '" + price + "' for " + symbol + ": " + e.what();
    }
}

void BinanceSource::reportState() {
    // A flowing stream is live whatever REST does; without it, a ban stops the
    // REST polling that would cover for it.
    const Host::SourceState state = _flowing  ? Host::SourceState::Live
                                    : _banned ? Host::SourceState::Banned
                                              : Host::SourceState::BackingOff;
    if (static_cast<int>(state) == _reportedState) return;
    _reportedState = static_cast<int>(state);
    host().sourceState(state, state == Host::SourceState::Live ? "stream flowing" : _lastError);
}

struct BinanceSource::History {
    std::string symbol, interval;
    std::int64_t nextMs = 0, endMs = 0;  ///< [nextMs, endMs) still to fetch
    std::int64_t stepMs = 0;
    int scale = 0;
    int pages = 0;
    std::string rows;  ///< JSON rows gathered so far, comma-separated
    Reply reply;
};

void BinanceSource::fetchCandles(const std::string& symbol, int intervalS, std::int64_t fromNs, std::int64_t toNs,
                                 Reply reply) {
    const auto scale = _scales.find(symbol);
    if (scale == _scales.end()) return reply.fail(BOURSE_E_NOT_FOUND, "binance: no instrument " + symbol);
    const std::string interval = klineInterval(intervalS);
    if (interval.empty())
        return reply.fail(BOURSE_E_INVALID, "binance: no kline interval of " + std::to_string(intervalS) + " s");
    if (toNs <= fromNs) return reply.ok("[]");
    auto h = std::make_shared<History>(History{symbol, interval, fromNs / 1'000'000, toNs / 1'000'000,
                                               static_cast<std::int64_t>(intervalS) * 1000, scale->second, 0, "",
                                               std::move(reply)});
    h->nextMs = (h->nextMs + h->stepMs - 1) / h->stepMs * h->stepMs;  // whole intervals only
    fetchPage(std::move(h));
}

void BinanceSource::fetchPage(std::shared_ptr<History> h) {
    constexpr int kPageRows = 1000;  // Binance's maximum per request
    constexpr int kMaxPages = 50;    // 50,000 rows: a month of minutes; more is not a back-fill
    if (h->nextMs >= h->endMs || h->pages >= kMaxPages) return h->reply.ok("[" + h->rows + "]");
    if (nowMs() < _restBlockedUntilMs)
        return h->reply.fail(BOURSE_E_UNAVAILABLE, "binance: REST " + std::string(_banned ? "banned" : "rate limited") +
                                                       " for " + std::to_string(_restBlockedUntilMs - nowMs()) +
                                                       " ms more");
    HttpRequest req;
    req.url = _config.restUrl + "/api/v3/klines?symbol=" + h->symbol + "&interval=" + h->interval +
              "&startTime=" + std::to_string(h->nextMs) + "&endTime=" + std::to_string(h->endMs - 1) +
              "&limit=" + std::to_string(kPageRows);
    host().http(req, [this, h](const HttpResponse& r) {
        if (!usable(r, "klines")) return h->reply.fail(BOURSE_E_UNAVAILABLE, "binance: " + _lastError);
        std::vector<Kline> page;
        try {
            page = parseKlines(r.body);
        } catch (const std::exception& e) {
            _lastError = std::string("klines: ") + e.what();
            return h->reply.fail(BOURSE_E_UNAVAILABLE, "binance: " + _lastError);
        }
        ++h->pages;
        for (const Kline& k : page) {
            if (k.openMs < h->nextMs || k.openMs >= h->endMs) continue;
            try {
                std::string row = "[" + std::to_string(k.openMs);
                for (const std::string* v : {&k.open, &k.high, &k.low, &k.close})
                    row += ",\"" + Decimal::parse(*v).rounded(h->scale).toString() + "\"";
                row += ",\"" + Decimal::parse(k.volume).toString() + "\"]";
                h->rows += (h->rows.empty() ? "" : ",") + row;
            } catch (const std::exception& e) {
                _lastError = "klines: row at " + std::to_string(k.openMs) + ": " + e.what();
                return h->reply.fail(BOURSE_E_UNAVAILABLE, "binance: " + _lastError);
            }
        }
        // A short page is the last one (Binance has nothing newer yet).
        if (page.size() < static_cast<std::size_t>(kPageRows) || page.back().openMs + h->stepMs <= h->nextMs)
            return h->reply.ok("[" + h->rows + "]");
        h->nextMs = page.back().openMs + h->stepMs;
        fetchPage(h);
    });
}

std::string BinanceSource::command(const std::string& name, const std::string& argsJson) {
    if (name != "status") return PriceSource::command(name, argsJson);
    Poco::JSON::Object o;
    o.set("stream", _open ? "open" : (_reconnect ? "backing off" : "connecting"));
    o.set("rest", _banned ? "banned" : (nowMs() < _restBlockedUntilMs ? "backing off" : "ok"));
    o.set("instruments", static_cast<int>(_instruments.size()));
    o.set("messages", _messages);
    o.set("malformed", _malformed);
    o.set("reconnects", _reconnects);
    o.set("polls", _polls);
    o.set("used_weight_1m", _usedWeight);
    o.set("last_error", _lastError);
    return stringify(o);
}

}  // namespace bourse::binance
