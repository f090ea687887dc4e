#include "plugins/PluginManager.h"

#include "log/Log.h"
#include "market/MarketData.h"
#include "metrics/Metrics.h"
#include "storage/AuditLog.h"
#include "util/Clock.h"

#include <bourse/validate.hpp>

#include <Poco/Exception.h>
#include <Poco/File.h>
#include <Poco/Process.h>

namespace bourse {

namespace {

std::int64_t fileStamp(const std::string& path) {
    try {
        Poco::File f(path);
        if (!f.exists()) return 0;
        return f.getLastModified().epochMicroseconds() ^ static_cast<std::int64_t>(f.getSize());
    } catch (const Poco::Exception&) {
        return 0;
    }
}

}  // namespace

PluginManager::PluginManager(const Config& config, HostServices& services, MarketData& market, AuditLog& audit,
                             const Clock& clock, Metrics& metrics, std::string runtimeDir)
    : _config(config),
      _services(services),
      _market(market),
      _audit(audit),
      _clock(clock),
      _reloads(metrics.counter("bourse_plugin_reloads_total", "Successful plugin loads and reloads")),
      _failures(metrics.counter("bourse_plugin_failures_total", "Failed plugin loads, reloads and calls")),
      _runtimeDir(std::move(runtimeDir)) {
    for (const auto& p : _config.plugins) {
        Entry e;
        e.config = p;
        e.enabled = p.enabled;
        _entries.emplace(p.id, std::move(e));
    }
}

PluginManager::~PluginManager() {
    {
        std::lock_guard lock(_watchMutex);
        _watchStop = true;
    }
    _watchWake.notify_all();
    if (_watcher.joinable()) _watcher.join();
    stopAll();
}

PluginManager::Entry& PluginManager::entry(const std::string& id) {
    const auto it = _entries.find(id);
    if (it == _entries.end()) throw PluginError("unknown plugin '" + id + "'", BOURSE_E_NOT_FOUND);
    return it->second;
}

const PluginManager::Entry& PluginManager::entry(const std::string& id) const {
    const auto it = _entries.find(id);
    if (it == _entries.end()) throw PluginError("unknown plugin '" + id + "'", BOURSE_E_NOT_FOUND);
    return it->second;
}

PluginStatus PluginManager::statusOf(const Entry& e) const {
    PluginStatus s;
    s.id = e.config.id;
    s.kind = e.kind;
    s.version = e.version;
    s.enabled = e.enabled;
    s.state = !e.enabled ? "disabled" : (e.current ? "running" : "failed");
    s.library = e.config.library;
    s.libraryPath = e.libraryPath;
    s.buildInfo = e.buildInfo;
    s.description = e.description;
    s.loadedAtMs = e.loadedAtMs;
    s.generation = e.generation;
    s.lastError = e.lastError;
    s.lastErrorAtMs = e.lastErrorAtMs;
    return s;
}

void PluginManager::recordFailure(Entry& e, const std::string& message, const std::string& actor, const char* action) {
    _failures.inc();
    {
        std::lock_guard lock(_mutex);
        e.lastError = message;
        e.lastErrorAtMs = _clock.nowMs();
    }
    log::error("plugins", std::string(action) + " failed", {{"plugin", e.config.id}, {"error", message}});
    _audit.record(actor, std::string("plugin.") + action + ".failed", e.config.id, message);
}

void PluginManager::refreshInstruments(const std::string& id) {
    const auto inst = instance(id);
    if (!inst || inst->kind() != BOURSE_KIND_PRICE_SOURCE || !inst->takeInstrumentsChanged()) return;
    Entry* e = nullptr;
    try {
        e = &entry(id);
        const auto instruments = inst->instruments();
        _market.setInstruments(id, instruments);  // all or nothing
        log::info("plugins", "instruments changed",
                  {{"plugin", id}, {"instruments", std::to_string(instruments.size())}});
    } catch (const PluginError& err) {
        if (e) recordFailure(*e, err.what(), "system", "instruments");
    } catch (const std::exception& err) {
        if (e) recordFailure(*e, "plugin '" + id + "': " + err.what(), "system", "instruments");
    }
}

void PluginManager::activate(Entry& e, const std::string& actor, const char* action) {
    const std::string& id = e.config.id;
    std::shared_ptr<PluginInstance> fresh;
    std::vector<InstrumentInfo> instruments;
    std::string path;
    try {
        // Resolve again on every load: the operator may have installed a new file.
        path = resolvePluginLibrary(e.config.library, _config.pluginDirs);
        if (path.empty()) {
            std::string dirs;
            for (const auto& d : _config.pluginDirs)
                dirs += (dirs.empty() ? "" : ", ") + d;
            throw PluginError("plugin '" + id + "': library '" + e.config.library +
                                  "' not found (searched: " + (dirs.empty() ? "no plugin_dirs" : dirs) + ")",
                              BOURSE_E_NOT_FOUND);
        }
        const std::uint64_t n = ++_loadCounter;
        const auto library = ModuleLibrary::load(
            path, _runtimeDir, id + "." + std::to_string(Poco::Process::id()) + "." + std::to_string(n));
        const bourse_plugin_descriptor* d = library->find(id);
        if (!d)
            throw PluginError(path + ": does not offer plugin '" + id + "' (it offers: " + library->offeredIds() + ")",
                              BOURSE_E_NOT_FOUND);
        fresh = PluginInstance::create(library, d, e.config, _services);
        fresh->start();
        fresh->checkHealth();
        if (fresh->kind() == BOURSE_KIND_PRICE_SOURCE) {
            instruments = fresh->instruments();
            // Refuse before swapping if another source owns one of the symbols.
            if (const std::string why = _market.refusal(id, instruments); !why.empty())
                throw PluginError("plugin '" + id + "': " + why, BOURSE_E_REJECTED);
        }
    } catch (const PluginError& err) {
        fresh.reset();  // stops and destroys the half-built instance, unloads its copy
        recordFailure(e, err.what(), actor, action);
        throw;
    } catch (const std::exception& err) {
        fresh.reset();
        const std::string msg = "plugin '" + id + "': " + err.what();
        recordFailure(e, msg, actor, action);
        throw PluginError(msg);
    }

    // The swap: from here on the new instance is the one callers and the market see.
    std::shared_ptr<PluginInstance> old;
    if (fresh->kind() == BOURSE_KIND_PRICE_SOURCE) _market.setInstruments(id, instruments);
    {
        std::lock_guard lock(_mutex);
        old = std::move(e.current);
        e.current = fresh;
        e.kind = kindName(fresh->kind());
        e.version = fresh->version();
        e.buildInfo = fresh->library().buildInfo();
        e.description = fresh->description();
        e.libraryPath = path;
        e.loadedAtMs = _clock.nowMs();
        e.fileStamp = fileStamp(path);
        ++e.generation;
        e.lastError.clear();
        e.lastErrorAtMs = 0;
    }
    if (old) old->setActive(false);
    fresh->setActive(true);
    if (const auto state = fresh->takePendingSourceState()) _market.reportSourceState(id, state->first, state->second);
    for (auto& [symbol, tick] : fresh->takePendingTicks()) {
        // Only if nothing newer came since (it is active now, and may have ticked).
        if (const auto last = _market.lastTick(symbol); last && last->tsNs >= tick.tsNs) continue;
        _market.onTick(id, std::move(tick));  // a refusal was the plugin's to hear; too late now
    }
    // It may have learnt more instruments between being asked and being swapped in
    // (host->instruments_changed only asks for a refresh once the instance is active).
    if (fresh->kind() == BOURSE_KIND_PRICE_SOURCE && fresh->instrumentsChangedPending() && _services.instrumentsChanged)
        _services.instrumentsChanged(id);
    if (old) old->stop();  // waits for a call in progress on the old instance, then cancels its timers
    _reloads.inc();
    log::info("plugins", std::string(action) + " ok",
              {{"plugin", id}, {"version", fresh->version()}, {"library", path}});
    _audit.record(actor, std::string("plugin.") + action, id, "version " + fresh->version());
}

void PluginManager::startAll() {
    std::lock_guard lifecycle(_lifecycleMutex);
    for (auto& [id, e] : _entries) {
        if (!e.enabled) continue;
        try {
            activate(e, "system", "load");
        } catch (const PluginError&) {
            // Recorded by activate; the kernel serves without this plugin.
        }
    }
}

void PluginManager::stopAll() {
    std::vector<std::shared_ptr<PluginInstance>> running;
    {
        std::lock_guard lock(_mutex);
        for (auto& [id, e] : _entries)
            if (e.current) running.push_back(std::move(e.current));
    }
    for (auto& p : running)
        p->stop();
}

std::vector<PluginStatus> PluginManager::list() const {
    std::lock_guard lock(_mutex);
    std::vector<PluginStatus> out;
    for (const auto& [id, e] : _entries)
        out.push_back(statusOf(e));
    return out;
}

PluginStatus PluginManager::status(const std::string& id) const {
    std::lock_guard lock(_mutex);
    return statusOf(entry(id));
}

std::shared_ptr<PluginInstance> PluginManager::instance(const std::string& id) const {
    std::lock_guard lock(_mutex);
    const auto it = _entries.find(id);
    return it == _entries.end() ? nullptr : it->second.current;
}

PluginStatus PluginManager::reload(const std::string& id, const std::string& actor) {
    std::lock_guard lifecycle(_lifecycleMutex);
    Entry* e = nullptr;
    {
        std::lock_guard lock(_mutex);
        e = &entry(id);
        if (!e->enabled) throw PluginError("plugin '" + id + "' is disabled; enable it instead", BOURSE_E_REJECTED);
    }
    activate(*e, actor, "reload");
    return status(id);
}

PluginStatus PluginManager::enable(const std::string& id, const std::string& actor) {
    std::lock_guard lifecycle(_lifecycleMutex);
    Entry* e = nullptr;
    {
        std::lock_guard lock(_mutex);
        e = &entry(id);
        if (e->enabled && e->current) return statusOf(*e);  // already running: nothing to do
    }
    activate(*e, actor, "enable");
    {
        std::lock_guard lock(_mutex);
        e->enabled = true;
    }
    return status(id);
}

PluginStatus PluginManager::disable(const std::string& id, const std::string& actor) {
    std::lock_guard lifecycle(_lifecycleMutex);
    std::shared_ptr<PluginInstance> old;
    std::string kind;
    {
        std::lock_guard lock(_mutex);
        Entry& e = entry(id);
        e.enabled = false;
        old = std::move(e.current);
        kind = e.kind;
    }
    if (old) {
        old->stop();
        if (old->kind() == BOURSE_KIND_PRICE_SOURCE) _market.removeSource(id);
    }
    log::info("plugins", "disable ok", {{"plugin", id}});
    _audit.record(actor, "plugin.disable", id, kind);
    return status(id);
}

std::string PluginManager::command(const std::string& id, const std::string& name, const std::string& argsJson,
                                   const std::string& actor) {
    // Two attempts: a reload may stop the instance between our lookup and the call.
    for (int attempt = 0;; ++attempt) {
        const auto inst = instance(id);
        if (!inst) {
            (void)status(id);  // throws for an unknown id
            throw PluginError("plugin '" + id + "' is not running", BOURSE_E_UNAVAILABLE);
        }
        try {
            std::string reply = inst->command(name, argsJson);
            _audit.record(actor, "plugin.command", id, name + " " + argsJson);
            return reply;
        } catch (const PluginError& err) {
            if (attempt == 0 && inst->stopped()) continue;
            if (err.status() == BOURSE_E_INTERNAL) _failures.inc();
            throw;
        }
    }
}

void PluginManager::startWatcher(int intervalMs) {
    if (_watcher.joinable()) return;
    _watcher = std::thread([this, intervalMs] { watchLoop(intervalMs); });
}

void PluginManager::watchLoop(int intervalMs) {
    std::unique_lock lock(_watchMutex);
    while (!_watchStop) {
        _watchWake.wait_for(lock, std::chrono::milliseconds(intervalMs));
        if (_watchStop) return;
        lock.unlock();
        std::vector<std::string> changed;
        {
            std::lock_guard l(_mutex);
            for (const auto& [id, e] : _entries)
                if (e.enabled && !e.libraryPath.empty()) {
                    const std::int64_t stamp = fileStamp(e.libraryPath);
                    if (stamp != 0 && stamp != e.fileStamp) changed.push_back(id);
                }
        }
        for (const auto& id : changed) {
            log::info("plugins", "library changed on disk; reloading", {{"plugin", id}});
            try {
                reload(id, "watcher");
            } catch (const PluginError&) {
                // Recorded; remember the stamp so a broken file is not retried in a loop.
                std::lock_guard l(_mutex);
                Entry& e = _entries.at(id);
                e.fileStamp = fileStamp(e.libraryPath);
            }
        }
        lock.lock();
    }
}

}  // namespace bourse
