//
// PluginHarness.h — a PluginManager wired to real kernel services (SQLite in a
// temporary directory, real timers, real market data) for plugin lifecycle
// tests, without the HTTP layer.
//
#pragma once

#include "config/Config.h"
#include "market/MarketData.h"
#include "metrics/Metrics.h"
#include "plugins/HostServices.h"
#include "plugins/HttpClient.h"
#include "plugins/PluginManager.h"
#include "plugins/TimerService.h"
#include "plugins/WsClient.h"
#include "storage/AuditLog.h"
#include "storage/Database.h"
#include "storage/KvStore.h"
#include "util/Clock.h"

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace bourse::test {

inline std::string buildDir() {
    const char* b = std::getenv("BOURSE_BUILD_DIR");
    return b ? b : ".";
}

/// A fresh temporary directory, removed at destruction.
class TempDir {
public:
    TempDir() {
        std::string tmpl = (std::filesystem::temp_directory_path() / "bourse-test-XXXXXX").string();
        _path = ::mkdtemp(tmpl.data());
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(_path, ec);
    }
    [[nodiscard]] const std::string& path() const { return _path; }

private:
    std::string _path;
};

inline PluginConfig pluginEntry(const std::string& id, const std::string& library, const std::string& json = "{}",
                                bool enabled = true) {
    PluginConfig p;
    p.id = id;
    p.library = library;
    p.enabled = enabled;
    p.configJson = json;
    p.where = "test";
    return p;
}

/// Polls `cond` every 10 ms for up to `timeout`.
inline bool eventually(const std::function<bool()>& cond, std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (cond()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return cond();
}

class PluginHarness {
public:
    explicit PluginHarness(std::vector<PluginConfig> plugins, std::vector<std::string> extraDirs = {}) {
        config.dataDir = tmp.path();
        config.pluginDirs = std::move(extraDirs);
        config.pluginDirs.push_back(buildDir() + "/test-plugins");
        config.pluginDirs.push_back(buildDir() + "/lib/bourse/plugins");
        config.plugins = std::move(plugins);
        db = std::make_unique<Database>(config.storage, config.dataDir);
        db->migrate();
        kv = std::make_unique<KvStore>(*db, clock);
        audit = std::make_unique<AuditLog>(*db, clock);
        market = std::make_unique<MarketData>(*db, config.marketData, clock, metrics);
        market->start();
        services =
            std::make_unique<HostServices>(HostServices{clock, *market, *kv, timers, http, ws, nullptr, nullptr});
        services->instrumentsChanged = [this](const std::string& id) {
            timers.schedule(std::chrono::nanoseconds(0), std::chrono::nanoseconds(0),
                            [this, id] { manager->refreshInstruments(id); });
        };
        manager = std::make_unique<PluginManager>(config, *services, *market, *audit, clock, metrics,
                                                  tmp.path() + "/run/plugins");
    }
    ~PluginHarness() {
        manager.reset();
        timers.stop();
        http.stop();
        market->stop();
    }

    TempDir tmp;
    Config config;
    SystemClock clock;
    Metrics metrics;
    std::unique_ptr<Database> db;
    std::unique_ptr<KvStore> kv;
    std::unique_ptr<AuditLog> audit;
    std::unique_ptr<MarketData> market;
    TimerService timers;
    HttpClient http{metrics, 1};
    WsClient ws{metrics};
    std::unique_ptr<HostServices> services;
    std::unique_ptr<PluginManager> manager;
};

}  // namespace bourse::test
