//
// HostContext.h — struct bourse_host_ctx: what the host knows about one plugin
// instance. The C ABI hands plugins an opaque pointer to it.
//
// Serialisation: `callMutex` is held for every call into the instance (kind
// table, lifecycle, timer, HTTP and WebSocket callbacks), which is how the host keeps its
// promise that no two calls into one instance overlap. Timers and HTTP
// completions hold only a weak_ptr, so they cannot keep a stopped instance (or
// its library) alive.
//
#pragma once

#include "market/Candle.h"
#include "market/SourceSelector.h"
#include "plugins/HostServices.h"

#include <bourse/plugin.h>

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>

struct bourse_host_ctx : std::enable_shared_from_this<bourse_host_ctx> {
    bourse_host_ctx(std::string id, bourse::HostServices& s, std::string config,
                    std::map<std::string, std::string> secretValues)
        : pluginId(std::move(id)), services(s), configJson(std::move(config)), secrets(std::move(secretValues)) {}

    const std::string pluginId;
    bourse::HostServices& services;
    const std::string configJson;
    const std::map<std::string, std::string> secrets;

    std::mutex callMutex;      ///< held during every call into the plugin
    void* instance = nullptr;  ///< guarded by callMutex
    bool stopped = false;      ///< guarded by callMutex: no more calls in
    std::string lastError;     ///< set by host->set_error during a call; guarded by callMutex
    std::string scratch;       ///< backing store for strings lent by host calls (last_tick)

    /// Only the active instance of a plugin id may publish market data.
    std::atomic<bool> active{false};
    /// Set by host->instruments_changed, taken by the plugin manager when it re-reads them.
    std::atomic<bool> instrumentsChanged{false};

    std::mutex resourceMutex;  ///< guards the sets below, pendingSourceState and pendingTicks
    /// host->source_state from an instance not yet swapped in: applied when it is.
    std::optional<std::pair<bourse::FeedStatus, std::string>> pendingSourceState;
    /// The latest tick per symbol published before the swap: applied when it happens.
    std::map<std::string, bourse::PriceTick> pendingTicks;
    std::set<std::uint64_t> timers;
    std::set<std::uint64_t> httpRequests;
    std::set<std::uint64_t> wsConnections;
    std::uint64_t nextHttpId = 1;
};

namespace bourse {

/// The host-services table the kernel passes to every plugin.
const bourse_host_api* hostApi();

/// Cancels every timer and outstanding request of ctx (instance stopping).
void releaseHostResources(bourse_host_ctx& ctx);

}  // namespace bourse
