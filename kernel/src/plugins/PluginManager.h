//
// PluginManager.h — loads the plugins listed in config and keeps them running:
// enable, disable and hot reload at runtime, optionally when a library changes
// on disk.
//
// A reload builds a complete new instance first — library from a fresh copy,
// create, start, health check, instruments — and only then swaps it in. Calls
// already running finish on the old instance, which is stopped right after the
// swap and unloaded when its last reference goes. If any step fails, the old
// instance keeps serving and the failure is recorded as the plugin's last error.
//
// Failures never stop the kernel: every bad plugin ends up as one log line, an
// audit entry and `last_error` in the API. Thread-safe; lifecycle operations
// are serialised.
//
#pragma once

#include "config/Config.h"
#include "plugins/PluginError.h"
#include "plugins/PluginInstance.h"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace bourse {

class AuditLog;
class Clock;
class Counter;
class Metrics;
class MarketData;

struct PluginStatus {
    std::string id;
    std::string kind;  ///< "price_source", ... ("" if never loaded)
    std::string version;
    std::string state;  ///< "running", "disabled", "failed"
    bool enabled = false;
    std::string library;      ///< configured library (name or path)
    std::string libraryPath;  ///< resolved file
    std::string buildInfo;
    std::string description;
    std::int64_t loadedAtMs = 0;
    std::uint64_t generation = 0;  ///< increases with every successful (re)load
    std::string lastError;
    std::int64_t lastErrorAtMs = 0;
};

class PluginManager {
public:
    PluginManager(const Config& config, HostServices& services, MarketData& market, AuditLog& audit, const Clock& clock,
                  Metrics& metrics, std::string runtimeDir);
    ~PluginManager();
    PluginManager(const PluginManager&) = delete;
    PluginManager& operator=(const PluginManager&) = delete;

    /// Loads every enabled plugin. Failures are recorded, never thrown.
    void startAll();
    /// Stops every instance (kernel shutdown).
    void stopAll();

    [[nodiscard]] std::vector<PluginStatus> list() const;
    /// Throws PluginError(BOURSE_E_NOT_FOUND) for an unknown id.
    [[nodiscard]] PluginStatus status(const std::string& id) const;

    /// Hot reload; throws PluginError when the new version cannot be swapped in
    /// (the old one keeps serving). Reloading a disabled plugin is refused.
    PluginStatus reload(const std::string& id, const std::string& actor);
    PluginStatus enable(const std::string& id, const std::string& actor);
    PluginStatus disable(const std::string& id, const std::string& actor);
    /// Re-reads the instruments of a running price source that said they changed
    /// (host->instruments_changed) and updates the markets. A symbol another
    /// source provides is refused and becomes the plugin's last error; the
    /// plugin keeps running with what it had. Unknown or stopped ids are ignored.
    void refreshInstruments(const std::string& id);

    /// Runs an operator command on the current instance; throws PluginError.
    std::string command(const std::string& id, const std::string& name, const std::string& argsJson,
                        const std::string& actor);

    /// The running instance of id, or nullptr.
    [[nodiscard]] std::shared_ptr<PluginInstance> instance(const std::string& id) const;

    /// Polls library files and reloads a plugin whose file changed.
    void startWatcher(int intervalMs);

private:
    struct Entry {
        PluginConfig config;
        bool enabled = false;
        std::shared_ptr<PluginInstance> current;
        std::string kind, version, buildInfo, description, libraryPath;
        std::int64_t loadedAtMs = 0;
        std::uint64_t generation = 0;
        std::string lastError;
        std::int64_t lastErrorAtMs = 0;
        std::int64_t fileStamp = 0;  ///< mtime of the library last loaded
    };

    Entry& entry(const std::string& id);
    const Entry& entry(const std::string& id) const;
    PluginStatus statusOf(const Entry& e) const;
    /// Builds and swaps in a new instance; on failure records and rethrows.
    void activate(Entry& e, const std::string& actor, const char* action);
    void recordFailure(Entry& e, const std::string& message, const std::string& actor, const char* action);
    void watchLoop(int intervalMs);

    const Config _config;
    HostServices& _services;
    MarketData& _market;
    AuditLog& _audit;
    const Clock& _clock;
    Counter& _reloads;
    Counter& _failures;
    const std::string _runtimeDir;

    std::mutex _lifecycleMutex;  ///< one load/reload/enable/disable at a time
    mutable std::mutex _mutex;   ///< guards _entries' fields
    std::map<std::string, Entry> _entries;
    std::uint64_t _loadCounter = 0;  ///< makes every library copy name unique

    std::mutex _watchMutex;
    std::condition_variable _watchWake;
    bool _watchStop = false;
    std::thread _watcher;
};

}  // namespace bourse
