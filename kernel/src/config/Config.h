//
// Config.h — the kernel's configuration, loaded from one YAML file.
//
// Every value is validated at load. A mistake throws ConfigError whose message
// names the file, the line and column, and the key path:
//   config/bourse.yaml:14:7: plugins[0].enabled: expected true or false
// Unknown keys are errors (a misspelled key must not be silently ignored).
// `${VAR}` and `${VAR:-default}` in scalar values are expanded from the
// environment; a missing variable without a default is an error.
//
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace bourse {

class ConfigError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct ServerConfig {
    std::string host = "127.0.0.1";
    int port = 8080;
    std::string adminToken;  ///< operator API token; empty: loopback only (until accounts exist)
    int maxThreads = 32;
    int maxQueued = 4096;
    std::string staticDir;  ///< admin-ui build; empty: not served
};

struct StorageConfig {
    std::string driver = "sqlite";         ///< "sqlite" or "postgresql"
    std::string sqlitePath = "bourse.db";  ///< relative to data_dir
    std::string postgresDsn;
    int poolSize = 32;
};

struct MarketDataConfig {
    int tickRetentionHours = 24;
    int candleRetentionDays = 90;         ///< 1m and coarser candles
    int secondCandleRetentionHours = 24;  ///< 1s candles: 86,400 a day per symbol
    int flushIntervalMs = 200;            ///< tick persistence batch period
    /// A source with no tick for this long is stale (a plugin entry's own
    /// stale_after_ms overrides it for that source).
    int staleAfterMs = 15000;
    /// How far back candles are back-filled from a source's history when an
    /// instrument has none (0: never).
    int historyHours = 24;
    /// symbol → price sources in priority order, for instruments offered by
    /// more than one source (the first live one is used).
    std::map<std::string, std::vector<std::string>> sources;
    /// plugin id → its stale_after_ms (from the plugin entries).
    std::map<std::string, int> staleAfterMsBySource;
};

struct StreamConfig {
    std::int64_t maxQueuedBytes = 1 << 20;
    int maxConnections = 50000;
};

struct SecurityConfig {
    std::string jwtSecret;  ///< empty: generated once, kept in the database
    int accessTokenTtlS = 900;
    int refreshTokenTtlS = 30 * 24 * 3600;
    int argon2MemoryKib = 19456;  ///< OWASP: argon2id m=19 MiB, t=2, p=1
    int argon2Iterations = 2;
    int maxFailedLogins = 5;
    int lockoutS = 900;
    int authRatePerMinute = 30;   ///< per client IP on /api/v1/auth/*
    int apiRatePerMinute = 1200;  ///< per user on authenticated endpoints
    std::string adminEmail;       ///< first operator (else operator@bourse.local)
    std::string adminPassword;    ///< first operator (else generated and printed once)
};

struct AccountsSection {
    std::string currency = "USD";
    std::string demoBalance = "10000.00";
};

struct TradingConfig {
    std::string binaryProduct = "binary-options";  ///< plugin id behind /api/v1/trades
    int settleIntervalMs = 100;
    /// The paper venue of bots: fee per execution and market-order slippage, in
    /// basis points (decimal strings, e.g. "7.5").
    std::string paperFeeBps = "10";
    std::string paperSlippageBps = "5";
    /// Bots a user may have that are not stopped (created, running, paused, error).
    int maxBotsPerUser = 50;
};

/// The live Binance venue of bots. Absent from the config: bots trade on paper only.
struct BinanceVenueSection {
    bool enabled = false;
    std::string restUrl = "https://testnet.binance.vision";  ///< production: https://api.binance.com
    std::string wsApiUrl = "wss://ws-api.testnet.binance.vision/ws-api/v3";
    int recvWindowMs = 5000;
    int timeoutMs = 10'000;
};

struct VenuesSection {
    BinanceVenueSection binance;
};

/// Money limits of one currency, in minor units (2-decimal currencies).
struct CurrencyLimits {
    std::int64_t minDeposit = 1'000;
    std::int64_t maxDeposit = 1'000'000;
    std::int64_t minWithdrawal = 1'000;
    std::int64_t maxWithdrawal = 500'000;
    std::int64_t dailyDeposit = 2'000'000;     ///< per user, rolling 24 h
    std::int64_t dailyWithdrawal = 1'000'000;  ///< per user, rolling 24 h
    std::int64_t autoApproveBelow = 0;         ///< withdrawals below this skip the operator queue (0: never)
};

/// Patterns that flag a user for an operator's look (nothing is blocked by them).
struct VelocityRules {
    int depositsPerHour = 5;                  ///< more deposit attempts in an hour
    int withdrawalsPerDay = 3;                ///< more withdrawal requests in 24 h
    int withdrawWithinMinutesOfDeposit = 30;  ///< a withdrawal this soon after a deposit (0: off)
};

struct PaymentsConfig {
    /// currency → limits; only these currencies can be deposited or withdrawn.
    std::map<std::string, CurrencyLimits> limits = {{"USD", CurrencyLimits{}}};
    VelocityRules velocity;
    int gatewayTimeoutMs = 20'000;  ///< a gateway call without a reply by then is treated as unavailable
    int reconcileAfterS = 600;      ///< pending this long: ask the gateway
    int depositExpiryHours = 24;    ///< a deposit still unpaid this long fails (a later capture still credits)
    int reconcileIntervalS = 60;
    std::string publicUrl;  ///< base URL the browser returns to after a hosted checkout ("" = the request's Host)
};

struct KycConfig {
    std::string provider;  ///< plugin id of the KYC provider ("" = none configured)
    /// Actions that need kyc_status verified: "withdrawals", "deposits", "trading".
    /// Withdrawals always need it when a real-money gateway is enabled.
    std::vector<std::string> requiredFor;
    std::int64_t maxDocumentBytes = 5 << 20;
    int maxDocuments = 6;
    std::vector<std::string> documentTypes = {"passport", "national_id", "driving_licence", "proof_of_address",
                                              "selfie"};
    [[nodiscard]] bool needs(const std::string& action) const {
        for (const auto& a : requiredFor)
            if (a == action) return true;
        return false;
    }
};

struct PluginConfig {
    std::string id;
    std::string library;      ///< as written: a name searched in plugin_dirs, or a path
    std::string libraryPath;  ///< resolved absolute path ("" if not found at load time)
    bool enabled = true;
    std::string configJson = "{}";
    std::map<std::string, std::string> secrets;
    std::string where;     ///< "file:line:col" of the entry, for error messages
    int staleAfterMs = 0;  ///< price sources: staleness limit; 0 = market_data.stale_after_ms
    /// Payment gateways: how withdrawals are paid, "payout" or "refund" (of an
    /// earlier deposit through the same gateway); see plugins/payment/README.md.
    std::string withdrawVia = "payout";
    /// Payment gateways: origins the provider's browser checkout loads from
    /// (scripts, frames, requests), added to the web app's Content-Security-Policy.
    std::vector<std::string> checkoutOrigins{};
    /// Payment gateways: moves real money (every gateway but the sandbox).
    [[nodiscard]] bool realMoney() const { return library.find("bourse-plugin-sandbox") == std::string::npos; }
};

struct Config {
    std::string file;  ///< path of the YAML file
    std::string dataDir = "data";
    ServerConfig server;
    StorageConfig storage;
    MarketDataConfig marketData;
    StreamConfig stream;
    SecurityConfig security;
    AccountsSection accounts;
    TradingConfig trading;
    VenuesSection venues;
    PaymentsConfig payments;
    KycConfig kyc;
    std::string logLevel = "info";
    std::string logFormat = "text";
    std::vector<std::string> pluginDirs;
    bool watchPlugins = false;
    int watchIntervalMs = 1000;
    std::vector<PluginConfig> plugins;

    [[nodiscard]] const PluginConfig* findPlugin(const std::string& id) const;
};

/// Loads and validates a file. Relative paths in it are resolved against the
/// file's directory; plugin libraries also against defaultPluginDirs.
Config loadConfig(const std::string& path, const std::vector<std::string>& defaultPluginDirs = {});

/// Parses YAML text; `fileLabel` is used in messages, `baseDir` for relative paths.
Config parseConfig(const std::string& yaml, const std::string& fileLabel, const std::string& baseDir,
                   const std::vector<std::string>& defaultPluginDirs = {});

/// Resolves a library name against the search dirs: "x" → "<dir>/x.so"; a value
/// containing '/' is a path. Returns "" when no file exists.
std::string resolvePluginLibrary(const std::string& library, const std::vector<std::string>& dirs);

}  // namespace bourse
