//
// Kernel.h — owns and wires every kernel service, in dependency order:
// metrics → database → stores → market data → timers/HTTP client → plugins →
// stream hub → HTTP server. start() brings them up, stop() takes them down in
// reverse. Used by `bourse serve` and by in-process tests.
//
#pragma once

#include "config/Config.h"

#include <memory>
#include <string>

namespace Poco::Net {
class HTTPServer;
}

namespace bourse {

class AccountService;
class AuditLog;
class CommitQueue;
class WalCheckpointer;
class PositionService;
class BotRunner;
class BotService;
class VenueKeyStore;
class BinanceVenue;
class GatewayClient;
class PaymentService;
class KycService;
class RateLimiter;
class TokenService;
class Clock;
class Database;
class HistoryBackfill;
class HttpClient;
class WsClient;
class KvStore;
class MarketData;
class Metrics;
class PluginManager;
class Router;
class StreamHub;
class TimerService;
struct HostServices;

class Kernel {
public:
    /// `clock` may be null (system clock).
    Kernel(Config config, std::shared_ptr<const Clock> clock = nullptr);
    ~Kernel();
    Kernel(const Kernel&) = delete;
    Kernel& operator=(const Kernel&) = delete;

    /// Migrates, loads plugins and starts serving. Throws on fatal errors
    /// (database unreachable, port in use); plugin failures are not fatal.
    void start();
    void stop();

    /// The bound port (useful with port 0).
    [[nodiscard]] int port() const;
    [[nodiscard]] std::string baseUrl() const;

    [[nodiscard]] const Config& config() const noexcept { return _config; }
    [[nodiscard]] const Clock& clock() const noexcept { return *_clock; }
    [[nodiscard]] Metrics& metrics() noexcept { return *_metrics; }
    [[nodiscard]] Database& database() noexcept { return *_db; }
    [[nodiscard]] MarketData& market() noexcept { return *_market; }
    [[nodiscard]] PluginManager& plugins() noexcept { return *_plugins; }
    [[nodiscard]] StreamHub& stream() noexcept { return *_stream; }
    [[nodiscard]] AuditLog& audit() noexcept { return *_audit; }
    [[nodiscard]] TokenService& tokens() noexcept { return *_tokens; }
    [[nodiscard]] AccountService& accounts() noexcept { return *_accounts; }
    [[nodiscard]] PositionService& positions() noexcept { return *_positions; }
    [[nodiscard]] BotService& bots() noexcept { return *_bots; }
    [[nodiscard]] VenueKeyStore& venueKeys() noexcept { return *_venueKeys; }
    [[nodiscard]] BotRunner& botRunner() noexcept { return *_botRunner; }
    [[nodiscard]] CommitQueue& commits() noexcept { return *_commits; }
    [[nodiscard]] PaymentService& payments() noexcept { return *_payments; }
    [[nodiscard]] KycService& kyc() noexcept { return *_kyc; }
    [[nodiscard]] RateLimiter& authLimiter() noexcept { return *_authLimiter; }
    [[nodiscard]] RateLimiter& userLimiter() noexcept { return *_userLimiter; }
    /// Set when start() had to generate the first operator's password ("" otherwise).
    [[nodiscard]] const std::string& generatedOperatorPassword() const noexcept { return _generatedPassword; }
    [[nodiscard]] const std::string& operatorEmail() const noexcept { return _operatorEmail; }

private:
    Config _config;
    std::shared_ptr<const Clock> _clock;
    std::unique_ptr<Metrics> _metrics;
    std::unique_ptr<Database> _db;
    std::unique_ptr<KvStore> _kv;
    std::unique_ptr<AuditLog> _audit;
    std::unique_ptr<MarketData> _market;
    std::unique_ptr<TimerService> _timers;
    std::unique_ptr<HttpClient> _http;
    std::unique_ptr<WsClient> _ws;
    std::unique_ptr<HostServices> _services;
    std::unique_ptr<PluginManager> _plugins;
    std::unique_ptr<HistoryBackfill> _history;
    std::unique_ptr<StreamHub> _stream;
    std::unique_ptr<CommitQueue> _commits;
    std::unique_ptr<WalCheckpointer> _checkpointer;  ///< SQLite only
    std::unique_ptr<TokenService> _tokens;
    std::unique_ptr<AccountService> _accounts;
    std::unique_ptr<PositionService> _positions;
    std::unique_ptr<BotRunner> _botRunner;
    std::unique_ptr<BotService> _bots;
    std::unique_ptr<VenueKeyStore> _venueKeys;
    std::unique_ptr<BinanceVenue> _binance;  ///< live bot venue (venues.binance in the config)
    std::unique_ptr<GatewayClient> _gateways;
    std::unique_ptr<PaymentService> _payments;
    std::unique_ptr<KycService> _kyc;
    std::unique_ptr<RateLimiter> _authLimiter;
    std::unique_ptr<RateLimiter> _userLimiter;
    std::string _generatedPassword;
    std::string _operatorEmail;
    std::unique_ptr<Router> _router;
    std::unique_ptr<Poco::Net::HTTPServer> _server;
    bool _running = false;
};

}  // namespace bourse
