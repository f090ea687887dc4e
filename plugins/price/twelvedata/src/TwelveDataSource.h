//
// TwelveDataSource.h — prices from Twelve Data (plugin id "twelvedata"): forex,
// metals, crypto and stocks, as a primary source or as a fallback for another
// source's instruments (BTCUSDT served from BTC/USD).
//
// Instruments come from config (kernel symbol → Twelve Data symbol, price
// scale), so instruments() answers at once. Prices come either from polling
// GET /price?symbol=A,B,.. (mode "rest") or from the price stream
// /v1/quotes/price (mode "ws", with {"action":"heartbeat"} every heartbeat_ms;
// REST polling covers what the stream does not: symbols it refused, and
// everything while it is down). Every price is rounded half-up to the
// instrument's scale from its decimal text.
//
// Credits: polling never exceeds the plan's per-minute or per-day credits; a
// share is kept for history, and history requests respect the limits too
// (CreditBudget.h has the rule). Spending is kept in the host's KV store, so
// a reload does not start the count afresh.
//
// Failures ("status":"error" bodies count whatever the HTTP status):
//   401 → banned (invalid key): nothing more is sent until a reload; logged as
//         an error, notified as plugin.alert, shown in `status` and the state.
//   403 → the symbol is not in the plan; 404, or a 400 naming the symbol →
//         unknown symbol: reported once, no longer polled nor offered; the
//         others continue. A batch refused as a whole is retried one symbol at
//         a time to find the culprit.
//   429 → backing off: no request before the next minute (next UTC day when
//         the day's credits are spent).
//   5xx, timeouts, malformed replies → retried with exponential backoff and jitter.
// The connection state goes to the host (host().sourceState): live while
// prices flow, backing off while waiting, banned on 401. The host ignores
// ticks of an instance it has not swapped in yet, so shortly after each poll
// the plugin publishes again what the host did not take (echo()).
//
// History: fetchCandles pages GET /time_series (timezone=UTC, order=asc,
// outputsize ≤ 5000) and replies asynchronously with rows in [from, to).
//
// Config: see Config.h and ../README.md. Command "status": mode, state,
// credits, next poll, counters, symbols and the last error.
//
#pragma once

#include "Config.h"
#include "CreditBudget.h"
#include "Wire.h"

#include <bourse/plugin.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace bourse::twelvedata {

class TwelveDataSource : public PriceSource {
public:
    explicit TwelveDataSource(Host& host);

    std::vector<Instrument> instruments() override;
    void start() override;
    void stop() override;
    std::string command(const std::string& name, const std::string& argsJson) override;
    void fetchCandles(const std::string& symbol, int intervalS, std::int64_t fromNs, std::int64_t toNs,
                      Reply reply) override;

private:
    /// One Twelve Data symbol (several kernel symbols may map to it).
    struct Provider {
        enum class State { Active, Unknown, Refused } state = State::Active;
        std::string symbol;
        std::string why;             ///< for Unknown and Refused
        int maxScale = 0;            ///< the widest scale of the instruments it feeds
        bool streamRefused = false;  ///< ws: listed in subscribe-status fails[] (REST covers it)
        std::string streamWhy;
        std::vector<std::size_t> instruments;  ///< indexes into _symbols
    };
    struct Symbol {
        SymbolConfig config;
        std::size_t provider = 0;
        std::int64_t lastTsNs = 0;  ///< of the last tick published
        Decimal lastPrice;
        bool echo = false;  ///< polled: check the host took it (see echo())
    };
    /// What a REST reply amounts to.
    struct Outcome {
        enum class Kind { Ok, ApiFailure, Transient } kind = Kind::Ok;
        ApiError error;          ///< ApiFailure
        std::string why;         ///< Transient
        bool malformed = false;  ///< Transient: the reply was not what Twelve Data sends
    };
    struct History;

    void pump();
    void poll();
    void echo();
    [[nodiscard]] bool restCovers(const Provider& p) const;
    [[nodiscard]] std::vector<std::size_t> nextBatch();
    void onPrices(const std::vector<std::size_t>& batch, const HttpResponse& r);
    [[nodiscard]] Outcome judge(const HttpResponse& r) const;
    void ban(const ApiError& error);
    void rateLimited(const ApiError& error);
    void transient(const std::string& why);
    void dropProvider(std::size_t index, Provider::State state, const std::string& why);
    /// Publishes a provider's price to each instrument it feeds; false if none took it.
    bool publish(std::size_t provider, const std::string& price, std::int64_t tsNs);

    void connect();
    void onStream(Host::WsEvent event, std::string_view data);
    void closeStream(const std::string& why);
    void onStreamMessage(const std::string& text);

    void fetchPage(const std::shared_ptr<History>& h);
    void spend(int credits);
    [[nodiscard]] std::int64_t backoffMs(int attempt);
    [[nodiscard]] std::int64_t nextPollAtMs() const;
    [[nodiscard]] int dpFor(int scale) const;
    [[nodiscard]] Host::SourceState state() const;
    void reportState();
    void setError(const std::string& message);
    [[nodiscard]] std::string redact(std::string text) const;
    [[nodiscard]] HttpRequest get(const std::string& pathAndQuery) const;
    [[nodiscard]] std::int64_t nowMs() const { return host().nowNs() / 1'000'000; }

    TwelveDataConfig _config;
    std::string _apiKey;
    CreditBudget _budget;
    std::vector<Symbol> _symbols;
    std::vector<Provider> _providers;
    std::map<std::string, std::size_t> _providerIndex;
    std::mt19937_64 _random;

    Host::TimerId _pump = 0;
    // REST
    bool _pollInFlight = false, _restOk = false, _banned = false;
    std::int64_t _nextPollMs = 0, _retryAtMs = 0, _blockedUntilMs = 0, _echoAtMs = 0;
    int _restAttempt = 0;
    std::size_t _cursor = 0;          ///< round-robin position over the providers
    std::vector<std::size_t> _probe;  ///< providers to poll one by one (a batch was refused whole)
    std::size_t _maxBatch = 120;      ///< lowered on 414 (parameter array too long)
    // stream
    Host::WsId _ws = 0;
    bool _wsOpen = false, _wsLive = false;
    int _wsAttempt = 0;
    std::int64_t _lastWsMessageMs = 0, _nextHeartbeatMs = 0, _reconnectAtMs = 0, _wsDownSinceMs = 0;

    std::string _lastError;
    int _reportedState = -1;  ///< last Host::SourceState reported, -1 before the first
    std::int64_t _polls = 0, _prices = 0, _errors = 0, _malformed = 0, _rateLimited = 0, _historyRequests = 0,
                 _wsMessages = 0, _reconnects = 0, _heartbeatsSent = 0, _heartbeatReplies = 0;
};

}  // namespace bourse::twelvedata
