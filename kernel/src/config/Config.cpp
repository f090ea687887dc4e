#include "config/Config.h"

#include "config/PaymentsConfig.h"
#include "config/YamlReader.h"

#include <bourse/validate.hpp>

#include <Poco/File.h>
#include <Poco/Path.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

namespace bourse {

const PluginConfig* Config::findPlugin(const std::string& id) const {
    for (const auto& p : plugins)
        if (p.id == id) return &p;
    return nullptr;
}

namespace {

std::string absolute(const std::string& p, const std::string& baseDir) {
    if (p.empty()) return p;
    Poco::Path path(p);
    if (path.isAbsolute()) return path.toString();
    return Poco::Path(Poco::Path(baseDir).makeDirectory(), path).toString();
}

void readServer(const YamlReader& r, ServerConfig& s, const std::string& baseDir) {
    r.allowOnly({"host", "port", "admin_token", "max_threads", "max_queued", "static_dir"});
    s.host = r.string("host", s.host);
    s.port = r.integer("port", s.port, 0, 65535);
    s.adminToken = r.string("admin_token", "");
    s.maxThreads = r.integer("max_threads", s.maxThreads, 1, 1024);
    s.maxQueued = r.integer("max_queued", s.maxQueued, 1, 1 << 20);
    s.staticDir = absolute(r.string("static_dir", ""), baseDir);
}

void readStorage(const YamlReader& r, StorageConfig& s) {
    r.allowOnly({"driver", "sqlite", "postgresql", "pool_size"});
    s.driver = r.oneOf("driver", s.driver, {"sqlite", "postgresql"});
    s.poolSize = r.integer("pool_size", s.poolSize, 1, 256);
    if (auto sq = r.child("sqlite")) {
        sq->allowOnly({"path"});
        s.sqlitePath = sq->string("path", s.sqlitePath);
    }
    if (auto pg = r.child("postgresql")) {
        pg->allowOnly({"dsn"});
        s.postgresDsn = pg->string("dsn", "");
    }
    if (s.driver == "postgresql" && s.postgresDsn.empty())
        r.fail("postgresql.dsn", "required when driver is postgresql");
}

// market_data.instruments: SYMBOL: { sources: [first, fallback, ...] }, every
// source a configured plugin id.
void readInstrumentSources(const YamlReader& market, const std::set<std::string>& pluginIds, MarketDataConfig& m) {
    const auto instruments = market.child("instruments");
    if (!instruments) return;
    static const std::regex symbolPattern("[A-Z0-9_]{1,32}");
    for (const std::string& symbol : instruments->keys()) {
        if (!std::regex_match(symbol, symbolPattern))
            instruments->fail(symbol, "'" + symbol + "' is not a symbol (A-Z, 0-9, _; at most 32)");
        const auto entry = instruments->child(symbol);
        if (!entry) instruments->fail(symbol, "expected { sources: [plugin ids in priority order] }");
        entry->allowOnly({"sources"});
        const auto sources = entry->stringList("sources");
        if (sources.empty()) entry->fail("sources", "list at least one price source");
        std::set<std::string> seen;
        for (const auto& id : sources) {
            if (!pluginIds.count(id)) entry->fail("sources", "'" + id + "' is not a configured plugin id");
            if (!seen.insert(id).second) entry->fail("sources", "'" + id + "' is listed twice");
        }
        m.sources[symbol] = sources;
    }
}

PluginConfig readPlugin(const YamlReader& r, const std::vector<std::string>& dirs) {
    r.allowOnly(
        {"id", "library", "enabled", "config", "secrets", "stale_after_ms", "withdraw_via", "checkout_origins"});
    PluginConfig p;
    p.where = r.where();
    p.id = r.requiredString("id");
    if (!isValidPluginId(p.id.c_str()))
        r.fail("id", "'" + p.id + "' is not a valid plugin id ([a-z0-9][a-z0-9._-]{0,63})");
    p.library = r.requiredString("library");
    p.libraryPath = resolvePluginLibrary(p.library, dirs);
    p.enabled = r.boolean("enabled", true);
    p.configJson = r.json("config");
    if (auto s = r.child("secrets")) p.secrets = s->stringMap();
    p.staleAfterMs = r.integer("stale_after_ms", 0, 0, 86'400'000);
    p.withdrawVia = r.oneOf("withdraw_via", p.withdrawVia, {"payout", "refund"});
    // Only scheme://host[:port]: these go verbatim into a security header.
    static const std::regex origin(R"(https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?)");
    for (const auto& o : r.stringList("checkout_origins")) {
        if (!std::regex_match(o, origin))
            r.fail("checkout_origins", "'" + o + "' is not an origin like https://checkout.example.com");
        p.checkoutOrigins.push_back(o);
    }
    return p;
}

}  // namespace

std::string resolvePluginLibrary(const std::string& library, const std::vector<std::string>& dirs) {
    auto exists = [](const std::string& f) {
        Poco::File file(f);
        return file.exists() && file.isFile();
    };
    if (library.find('/') != std::string::npos) return exists(library) ? library : "";
    for (const auto& d : dirs) {
        for (const std::string& candidate : {d + "/" + library + ".so", d + "/" + library})
            if (exists(candidate)) return Poco::Path(candidate).absolute().toString();
    }
    return "";
}

Config parseConfig(const std::string& yaml, const std::string& fileLabel, const std::string& baseDir,
                   const std::vector<std::string>& defaultPluginDirs) {
    const YamlReader root = YamlReader::parse(yaml, fileLabel);
    root.allowOnly({"data_dir", "server", "storage", "market_data", "stream", "logging", "plugin_dirs", "watch_plugins",
                    "watch_interval_ms", "plugins", "security", "accounts", "trading", "venues", "payments", "kyc"});
    Config c;
    c.file = fileLabel;
    c.dataDir = absolute(root.string("data_dir", c.dataDir), baseDir);
    if (auto s = root.child("server")) readServer(*s, c.server, baseDir);
    if (auto s = root.child("storage")) readStorage(*s, c.storage);
    if (auto m = root.child("market_data")) {
        m->allowOnly({"tick_retention_hours", "candle_retention_days", "second_candle_retention_hours",
                      "flush_interval_ms", "stale_after_ms", "history_hours", "instruments"});
        c.marketData.tickRetentionHours =
            m->integer("tick_retention_hours", c.marketData.tickRetentionHours, 1, 24 * 365);
        c.marketData.candleRetentionDays =
            m->integer("candle_retention_days", c.marketData.candleRetentionDays, 1, 3650);
        c.marketData.secondCandleRetentionHours =
            m->integer("second_candle_retention_hours", c.marketData.secondCandleRetentionHours, 1, 24 * 365);
        c.marketData.flushIntervalMs = m->integer("flush_interval_ms", c.marketData.flushIntervalMs, 10, 10000);
        c.marketData.staleAfterMs = m->integer("stale_after_ms", c.marketData.staleAfterMs, 100, 86'400'000);
        c.marketData.historyHours = m->integer("history_hours", c.marketData.historyHours, 0, 24 * 31);
    }
    if (auto s = root.child("stream")) {
        s->allowOnly({"max_queued_bytes", "max_connections"});
        c.stream.maxQueuedBytes =
            s->integer("max_queued_bytes", static_cast<int>(c.stream.maxQueuedBytes), 4096, 1 << 30);
        c.stream.maxConnections = s->integer("max_connections", c.stream.maxConnections, 1, 1'000'000);
    }
    if (auto sec = root.child("security")) {
        auto& x = c.security;
        sec->allowOnly({"jwt_secret", "access_token_ttl_s", "refresh_token_ttl_s", "argon2_memory_kib",
                        "argon2_iterations", "max_failed_logins", "lockout_s", "auth_rate_per_minute",
                        "api_rate_per_minute", "admin_email", "admin_password"});
        x.jwtSecret = sec->string("jwt_secret", "");
        if (!x.jwtSecret.empty() && x.jwtSecret.size() < 32) sec->fail("jwt_secret", "must be at least 32 characters");
        x.accessTokenTtlS = sec->integer("access_token_ttl_s", x.accessTokenTtlS, 30, 86400);
        x.refreshTokenTtlS = sec->integer("refresh_token_ttl_s", x.refreshTokenTtlS, 60, 365 * 86400);
        x.argon2MemoryKib = sec->integer("argon2_memory_kib", x.argon2MemoryKib, 1024, 4 << 20);
        x.argon2Iterations = sec->integer("argon2_iterations", x.argon2Iterations, 1, 100);
        x.maxFailedLogins = sec->integer("max_failed_logins", x.maxFailedLogins, 1, 1000);
        x.lockoutS = sec->integer("lockout_s", x.lockoutS, 1, 86400);
        x.authRatePerMinute = sec->integer("auth_rate_per_minute", x.authRatePerMinute, 1, 1'000'000);
        x.apiRatePerMinute = sec->integer("api_rate_per_minute", x.apiRatePerMinute, 1, 10'000'000);
        x.adminEmail = sec->string("admin_email", "");
        x.adminPassword = sec->string("admin_password", "");
    }
    if (auto a = root.child("accounts")) {
        a->allowOnly({"currency", "demo_balance"});
        c.accounts.currency = a->string("currency", c.accounts.currency);
        if (c.accounts.currency.size() != 3) a->fail("currency", "expected an ISO 4217 code like USD");
        c.accounts.demoBalance = a->string("demo_balance", c.accounts.demoBalance);
        static const std::regex money(R"([0-9]{1,12}(\.[0-9]{1,2})?)");
        if (!std::regex_match(c.accounts.demoBalance, money))
            a->fail("demo_balance", "expected an amount like \"10000.00\", got '" + c.accounts.demoBalance + "'");
    }
    if (auto t = root.child("trading")) {
        t->allowOnly(
            {"binary_product", "settle_interval_ms", "paper_fee_bps", "paper_slippage_bps", "max_bots_per_user"});
        c.trading.maxBotsPerUser = t->integer("max_bots_per_user", c.trading.maxBotsPerUser, 1, 10000);
        c.trading.binaryProduct = t->string("binary_product", c.trading.binaryProduct);
        c.trading.settleIntervalMs = t->integer("settle_interval_ms", c.trading.settleIntervalMs, 5, 60000);
        // Basis points below 100 % of the notional, at most 4 decimals.
        static const std::regex bps(R"([0-9]{1,3}(\.[0-9]{1,4})?)");
        c.trading.paperFeeBps = t->string("paper_fee_bps", c.trading.paperFeeBps);
        if (!std::regex_match(c.trading.paperFeeBps, bps) || std::stod(c.trading.paperFeeBps) >= 1000)
            t->fail("paper_fee_bps",
                    "expected basis points below 1000 like \"10\", got '" + c.trading.paperFeeBps + "'");
        c.trading.paperSlippageBps = t->string("paper_slippage_bps", c.trading.paperSlippageBps);
        if (!std::regex_match(c.trading.paperSlippageBps, bps) || std::stod(c.trading.paperSlippageBps) >= 1000)
            t->fail("paper_slippage_bps",
                    "expected basis points below 1000 like \"5\", got '" + c.trading.paperSlippageBps + "'");
    }
    if (auto v = root.child("venues")) {
        v->allowOnly({"binance"});
        if (auto b = v->child("binance")) {
            b->allowOnly({"rest_url", "ws_api_url", "recv_window_ms", "timeout_ms"});
            auto& bn = c.venues.binance;
            bn.enabled = true;
            bn.restUrl = b->string("rest_url", bn.restUrl);
            if (bn.restUrl.rfind("http://", 0) != 0 && bn.restUrl.rfind("https://", 0) != 0)
                b->fail("rest_url", "expected an http:// or https:// URL, got '" + bn.restUrl + "'");
            bn.wsApiUrl = b->string("ws_api_url", bn.wsApiUrl);
            if (bn.wsApiUrl.rfind("ws://", 0) != 0 && bn.wsApiUrl.rfind("wss://", 0) != 0)
                b->fail("ws_api_url", "expected a ws:// or wss:// URL, got '" + bn.wsApiUrl + "'");
            bn.recvWindowMs = b->integer("recv_window_ms", bn.recvWindowMs, 1, 60000);
            bn.timeoutMs = b->integer("timeout_ms", bn.timeoutMs, 100, 60000);
        }
    }
    if (auto l = root.child("logging")) {
        l->allowOnly({"level", "format"});
        c.logLevel = l->oneOf("level", c.logLevel, {"debug", "info", "warn", "error"});
        c.logFormat = l->oneOf("format", c.logFormat, {"text", "json"});
    }
    for (const auto& d : root.stringList("plugin_dirs"))
        c.pluginDirs.push_back(absolute(d, baseDir));
    for (const auto& d : defaultPluginDirs)
        c.pluginDirs.push_back(d);
    c.watchPlugins = root.boolean("watch_plugins", false);
    c.watchIntervalMs = root.integer("watch_interval_ms", c.watchIntervalMs, 100, 60000);

    std::set<std::string> ids;
    for (const YamlReader& item : root.list("plugins")) {
        PluginConfig p = readPlugin(item, c.pluginDirs);
        if (!ids.insert(p.id).second) item.fail("id", "duplicate plugin id '" + p.id + "'");
        if (p.staleAfterMs > 0) c.marketData.staleAfterMsBySource[p.id] = p.staleAfterMs;
        c.plugins.push_back(std::move(p));
    }
    if (auto m = root.child("market_data")) readInstrumentSources(*m, ids, c.marketData);
    if (auto p = root.child("payments")) readPayments(*p, c.payments);
    readKyc(root, c);
    return c;
}

Config loadConfig(const std::string& path, const std::vector<std::string>& defaultPluginDirs) {
    std::ifstream in(path);
    if (!in) throw ConfigError(path + ": cannot read config file");
    std::stringstream text;
    text << in.rdbuf();
    const std::string dir = Poco::Path(Poco::Path(path).absolute()).parent().toString();
    return parseConfig(text.str(), path, dir, defaultPluginDirs);
}

}  // namespace bourse
