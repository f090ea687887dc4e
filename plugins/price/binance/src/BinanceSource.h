//
// BinanceSource.h — live prices from Binance Spot (plugin id "binance").
//
// Instruments and their price scale come from /api/v3/exchangeInfo (fetched at
// start, announced with host().instrumentsChanged()); live prices from one
// combined market stream for every configured symbol (@trade, @kline_1m or
// @bookTicker). The host answers Binance's pings. The plugin reconnects with
// exponential backoff and jitter, renews the connection before Binance's 24-hour
// cut, treats a stream silent for stale_after_ms as dead, and polls
// /api/v3/ticker/price while the stream is down. REST calls honour Retry-After
// on 429 and stop on 418 (banned) until the ban ends; X-MBX-USED-WEIGHT-1M
// close to the limit pauses polling. History comes from /api/v3/klines, paged
// 1,000 rows at a time (the kernel back-fills candles with it after start and
// after an outage). The connection state is reported to the host
// (host().sourceState): live while prices flow on the stream, backing off while
// it is down or silent (the host may fail over to another source), banned on 418.
//
// Config (JSON): rest_url, ws_url (production by default; tests point them at
// tests/fakes), symbols (["BTCUSDT", ...], required, none twice), stream
// ("trade" | "kline_1m" | "bookTicker"), reconnect_min_ms and reconnect_max_ms
// (1..3600000), poll_interval_ms, stale_after_ms and renew_after_ms
// (1..86400000), weight_limit (1..1000000); numbers may be quoted.
// Command "status": connection state, counters and the last error.
//
#pragma once

#include <bourse/plugin.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace bourse::binance {

struct BinanceConfig {
    std::string restUrl = "https://api.binance.com";
    std::string wsUrl = "wss://stream.binance.com:9443";
    std::vector<std::string> symbols;
    std::string stream = "trade";
    std::int64_t reconnectMinMs = 500, reconnectMaxMs = 30'000;
    std::int64_t pollIntervalMs = 2'000, staleAfterMs = 10'000;
    std::int64_t renewAfterMs = 23LL * 3'600'000;  ///< before Binance's 24-hour disconnect
    int weightLimit = 6'000;

    /// Throws bourse::Error(BOURSE_E_CONFIG) naming the key.
    static BinanceConfig parse(const std::string& json);
};

class BinanceSource : public PriceSource {
public:
    explicit BinanceSource(Host& host);

    std::vector<Instrument> instruments() override { return _instruments; }
    void start() override;
    void stop() override;
    std::string command(const std::string& name, const std::string& argsJson) override;
    void fetchCandles(const std::string& symbol, int intervalS, std::int64_t fromNs, std::int64_t toNs,
                      Reply reply) override;

private:
    struct History;  ///< one fetchCandles in progress
    void fetchPage(std::shared_ptr<History> history);
    /// Tells the host the state when it changed (stream open, REST banned).
    void reportState();
    /// exchangeInfo for the configured symbols (filtered) or for everything.
    void fetchExchangeInfo(bool filtered);
    void connect();
    void onStream(Host::WsEvent event, std::string_view data);
    void scheduleReconnect();
    void watchdog();
    void poll();
    /// Common REST handling: weight header, 429/418/5xx; true when the reply is a 200 to use.
    bool usable(const HttpResponse& r, const std::string& what);
    void publish(const std::string& symbol, const std::string& price, std::int64_t timeMs);
    [[nodiscard]] std::int64_t nowMs() const { return host().nowNs() / 1'000'000; }
    [[nodiscard]] std::string symbolsParam() const;

    BinanceConfig _config;
    std::vector<Instrument> _instruments;
    std::map<std::string, int> _scales;  ///< symbol → price scale, once exchangeInfo is in

    Host::WsId _ws = 0;
    bool _open = false;
    bool _flowing = false;  ///< prices arrived on the current connection
    int _attempt = 0;       ///< reconnects since the last healthy connection
    std::int64_t _openedAtMs = 0, _lastMessageMs = 0, _nextPollMs = 0, _restBlockedUntilMs = 0;
    bool _banned = false;
    bool _infoPending = false;
    Host::TimerId _watchdog = 0, _reconnect = 0, _infoRetry = 0;
    std::mt19937_64 _random;
    std::string _lastError;
    int _reportedState = -1;  ///< last Host::SourceState reported, -1 before the first
    std::int64_t _messages = 0, _malformed = 0, _reconnects = 0, _polls = 0, _usedWeight = 0;
};

}  // namespace bourse::binance
