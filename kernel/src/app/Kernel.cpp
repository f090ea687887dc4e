#include "app/Kernel.h"

#include "accounts/AccountService.h"
#include "accounts/TokenService.h"
#include "api/Routes.h"
#include "bots/BinanceVenue.h"
#include "bots/BotRunner.h"
#include "bots/BotService.h"
#include "bots/VenueKeyStore.h"
#include "http/Router.h"
#include "kyc/KycService.h"
#include "ledger/Ledger.h"
#include "log/Log.h"
#include "market/HistoryBackfill.h"
#include "market/MarketData.h"
#include "metrics/Metrics.h"
#include "payments/GatewayClient.h"
#include "payments/PaymentService.h"
#include "plugins/HostServices.h"
#include "plugins/HttpClient.h"
#include "plugins/PluginManager.h"
#include "plugins/TimerService.h"
#include "plugins/WsClient.h"
#include "security/SecretBox.h"
#include "storage/AuditLog.h"
#include "storage/CommitQueue.h"
#include "storage/Database.h"
#include "storage/KvStore.h"
#include "storage/WalCheckpointer.h"
#include "stream/StreamHub.h"
#include "trading/PositionService.h"
#include "util/Clock.h"
#include "util/RateLimiter.h"

#include <Poco/Crypto/Crypto.h>
#include <Poco/Environment.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Path.h>
#include <Poco/Process.h>

namespace bourse {

Kernel::Kernel(Config config, std::shared_ptr<const Clock> clock)
    : _config(std::move(config)), _clock(clock ? std::move(clock) : std::make_shared<SystemClock>()) {
    // Poco::Crypto reference-counts OpenSSL initialisation per object: every JWT
    // verify would otherwise initialise and tear down OpenSSL, and two threads
    // doing that at once corrupt the heap. Hold one reference for our lifetime.
    Poco::Crypto::initializeCrypto();
    _metrics = std::make_unique<Metrics>();
    _db = std::make_unique<Database>(_config.storage, _config.dataDir);
    _kv = std::make_unique<KvStore>(*_db, *_clock);
    _audit = std::make_unique<AuditLog>(*_db, *_clock);
    _market = std::make_unique<MarketData>(*_db, _config.marketData, *_clock, *_metrics);
    _timers = std::make_unique<TimerService>();
    _http = std::make_unique<HttpClient>(*_metrics);
    _ws = std::make_unique<WsClient>(*_metrics);
    _stream =
        std::make_unique<StreamHub>(StreamHub::Options{static_cast<std::size_t>(_config.stream.maxQueuedBytes),
                                                       static_cast<std::size_t>(_config.stream.maxConnections), 256},
                                    *_metrics);
    _services = std::make_unique<HostServices>(HostServices{
        *_clock,
        *_market,
        *_kv,
        *_timers,
        *_http,
        *_ws,
        [this](const std::string& pluginId, const std::string& topic, const std::string& json) {
            log::info("plugin", "notification", {{"plugin", pluginId}, {"topic", topic}});
            _stream->publish("events:operator", R"({"type":"notification","plugin":")" + pluginId + R"(","topic":")" +
                                                    topic + R"(","payload":)" + json + "}");
        },
        {}});
    const std::string runtimeDir = Poco::Path(Poco::Path(_config.dataDir).makeDirectory(), "run/plugins").toString();
    // Re-read on the timer thread: the plugin is inside a call when it says so.
    _services->instrumentsChanged = [this](const std::string& pluginId) {
        _timers->schedule(std::chrono::nanoseconds(0), std::chrono::nanoseconds(0),
                          [this, pluginId] { _plugins->refreshInstruments(pluginId); });
    };
    _plugins = std::make_unique<PluginManager>(_config, *_services, *_market, *_audit, *_clock, *_metrics, runtimeDir);
    _history = std::make_unique<HistoryBackfill>(
        *_market, *_clock,
        [this](const std::string& source, const std::string& symbol, int intervalS, std::int64_t fromNs,
               std::int64_t toNs, HistoryBackfill::ReplyHandler done) {
            const auto instance = _plugins->instance(source);
            if (!instance) return done(BOURSE_E_UNAVAILABLE, "plugin '" + source + "' is not running");
            instance->fetchCandles(symbol, intervalS, fromNs, toNs, std::move(done));
        },
        _config.marketData.historyHours);
    _market->setHistoryRequester([this](const std::string& symbol, const std::string& source, std::int64_t fromNs,
                                        std::int64_t toNs) { _history->request(symbol, source, fromNs, toNs); });
    _router = std::make_unique<Router>(*_metrics);
}

Kernel::~Kernel() {
    stop();
    Poco::Crypto::uninitializeCrypto();
}

void Kernel::start() {
    if (_running) return;
    // Read first: a malformed BOURSE_SECRETS_KEY stops the start (SecretBoxError)
    // before anything runs; an unset one only disables storing exchange keys.
    auto secrets = SecretBox::fromEnvironment();
    _db->migrate();

    // Money core: group commit, tokens, accounts, positions.
    _commits = std::make_unique<CommitQueue>(*_db, *_metrics);
    if (const auto path = _db->sqlitePath())
        _checkpointer = std::make_unique<WalCheckpointer>(*path, std::chrono::milliseconds(100));
    const auto& sec = _config.security;
    _tokens = std::make_unique<TokenService>(*_db, *_clock, TokenService::resolveSecret(*_db, sec.jwtSecret),
                                             sec.accessTokenTtlS, sec.refreshTokenTtlS);
    AccountsConfig accounts;
    accounts.currency = _config.accounts.currency;
    std::string why;
    accounts.demoBalanceMinor = parseMinor(_config.accounts.demoBalance, 2, why).value_or(0);
    accounts.argon2 = Argon2Params{static_cast<std::uint32_t>(sec.argon2MemoryKib),
                                   static_cast<std::uint32_t>(sec.argon2Iterations), 1};
    accounts.maxFailedLogins = sec.maxFailedLogins;
    accounts.lockoutSeconds = sec.lockoutS;
    _accounts = std::make_unique<AccountService>(*_db, *_commits, *_tokens, *_audit, *_clock, accounts);
    // The first operator: from config, else BOURSE_ADMIN_EMAIL / BOURSE_ADMIN_PASSWORD, else generated.
    _operatorEmail = !sec.adminEmail.empty() ? sec.adminEmail
                                             : Poco::Environment::get("BOURSE_ADMIN_EMAIL", "operator@bourse.local");
    _generatedPassword = _accounts->ensureOperator(
        _operatorEmail,
        !sec.adminPassword.empty() ? sec.adminPassword : Poco::Environment::get("BOURSE_ADMIN_PASSWORD", ""));
    _authLimiter = std::make_unique<RateLimiter>(sec.authRatePerMinute, std::max(5, sec.authRatePerMinute / 6));
    _userLimiter = std::make_unique<RateLimiter>(sec.apiRatePerMinute, std::max(10, sec.apiRatePerMinute / 6));
    _positions = std::make_unique<PositionService>(*_db, *_commits, *_market, *_plugins, *_clock, *_metrics);
    _positions->setEventSink([this](const std::string& userId, const std::function<std::string()>& json) {
        const std::string channel = "user:" + userId;
        if (_stream->hasSubscribers(channel)) _stream->publish(channel, json());
    });
    _botRunner = std::make_unique<BotRunner>(
        *_db, *_commits, *_market, *_plugins, *_clock, *_metrics,
        PaperTerms{Decimal::parse(_config.trading.paperFeeBps), Decimal::parse(_config.trading.paperSlippageBps)});
    _botRunner->setEventSink([this](const std::string& userId, const std::function<std::string()>& json) {
        const std::string channel = "user:" + userId;
        if (_stream->hasSubscribers(channel)) _stream->publish(channel, json());
    });
    _bots = std::make_unique<BotService>(*_db, *_commits, *_market, *_plugins, *_botRunner, *_clock,
                                         _config.trading.maxBotsPerUser);
    _venueKeys = std::make_unique<VenueKeyStore>(*_db, *_commits, *_clock, std::move(secrets));
    log::info("venues", _venueKeys->available() ? "exchange keys can be stored"
                                                : "exchange keys cannot be stored: BOURSE_SECRETS_KEY is not set");
    if (_config.venues.binance.enabled) {
        BinanceVenue::Handlers handlers;
        handlers.refused = [this](const std::string& botId, const std::string& clientOrderId,
                                  const std::string& reason) {
            _botRunner->onLiveRefusal(botId, clientOrderId, reason);
        };
        handlers.report = [this](const std::string&, const venues::binance::ExecutionReport& report) {
            _botRunner->onLiveReport(report);
        };
        handlers.resumed = [this](const std::string& userId) { _botRunner->onLiveResumed(userId); };
        _binance = std::make_unique<BinanceVenue>(
            _config.venues.binance,
            [this](const std::string& userId) -> std::optional<VenueCredentials> {
                if (!_venueKeys->available()) return std::nullopt;
                return _venueKeys->load(userId, "binance");
            },
            [this](std::function<void()> fn) { _botRunner->post(std::move(fn)); }, std::move(handlers));
        _botRunner->setBinanceVenue(_binance.get());
        log::info("venues", "live bots on Binance", {{"rest_url", _config.venues.binance.restUrl}});
    }
    _gateways = std::make_unique<GatewayClient>(*_plugins, _config,
                                                std::chrono::milliseconds(_config.payments.gatewayTimeoutMs));
    _payments = std::make_unique<PaymentService>(*_db, *_commits, *_gateways, *_audit, _config, *_clock, *_metrics);
    _kyc = std::make_unique<KycService>(*_db, *_commits, *_plugins, *_audit, _config, *_clock);
    _payments->setEventSink([this](const std::string& channel, const std::string& json) {
        if (_stream->hasSubscribers(channel)) _stream->publish(channel, json);
    });
    _market->setListener(
        [this](const std::string& channel, const std::string& json) { _stream->publish(channel, json); });
    _stream->setChannelCheck([this](const std::string& key) {
        // "ticks:SYM" / "candles:SYM:1m": the symbol must be a known instrument.
        const auto first = key.find(':');
        if (first == std::string::npos) return false;
        const auto second = key.find(':', first + 1);
        return _market
            ->instrument(key.substr(first + 1, second == std::string::npos ? std::string::npos : second - first - 1))
            .has_value();
    });
    _stream->setAuthenticator([this](const std::string& token) -> std::optional<std::pair<std::string, std::string>> {
        const auto claims = _tokens->verify(token);
        if (!claims || _accounts->isDisabled(claims->userId)) return std::nullopt;
        return std::make_pair(claims->userId, claims->role);
    });
    _market->start();
    _history->start();
    _stream->start();
    _plugins->startAll();
    if (_config.watchPlugins) _plugins->startWatcher(_config.watchIntervalMs);
    // Settles what expired while the kernel was down, then keeps up.
    _positions->startSettler(std::chrono::milliseconds(_config.trading.settleIntervalMs));
    // Live bots carry on from their stored orders, fills and state.
    _botRunner->start();
    _market->setPriceObserver([this](const PriceTick& tick) { _botRunner->onPrice(tick); });
    // Asks gateways about what stayed pending, including across a restart.
    _payments->startReconciler();

    addHealthRoutes(*_router, *this);
    addMarketRoutes(*_router, *this);
    addAdminRoutes(*_router, *this);
    addAccountRoutes(*_router, *this);
    addTradeRoutes(*_router, *this);
    addBotRoutes(*_router, *this);
    addVenueRoutes(*_router, *this);
    addPaymentRoutes(*_router, *this);
    addKycRoutes(*_router, *this);
    addStreamRoute(*_router, *this);
    addStaticFiles(*_router, *this);

    auto* params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(_config.server.maxThreads);
    params->setMaxQueued(_config.server.maxQueued);
    params->setKeepAlive(true);
    params->setMaxKeepAliveRequests(0);  // unlimited
    params->setKeepAliveTimeout(Poco::Timespan(30, 0));
    Poco::Net::ServerSocket socket(
        Poco::Net::SocketAddress(_config.server.host, static_cast<Poco::UInt16>(_config.server.port)), 1024);
    _server = std::make_unique<Poco::Net::HTTPServer>(_router->factory(), socket, params);
    _server->start();
    _running = true;
    log::info("kernel", "serving",
              {{"url", baseUrl()}, {"storage", _db->describe()}, {"pid", std::to_string(Poco::Process::id())}});
}

void Kernel::stop() {
    if (!_running) return;
    _running = false;
    _server->stopAll(true);
    _stream->stop();
    _market->setPriceObserver(nullptr);
    if (_botRunner) _botRunner->stop();
    _binance.reset();  // after the runner: nothing is posted to it any more
    _positions->stop();
    _payments->stop();
    _history->stop();
    _plugins->stopAll();
    _timers->stop();
    _http->stop();
    _ws->stop();
    _market->stop();
    _commits->stop();
    if (_checkpointer) _checkpointer->stop();
    log::info("kernel", "stopped");
}

int Kernel::port() const {
    return _server ? _server->port() : _config.server.port;
}

std::string Kernel::baseUrl() const {
    return "http://" + _config.server.host + ":" + std::to_string(port()) + "/";
}

}  // namespace bourse
