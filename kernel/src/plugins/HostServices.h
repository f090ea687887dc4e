//
// HostServices.h — the kernel services behind the host-services table. One
// instance is shared by every plugin; HostContext scopes it to one plugin.
//
#pragma once

#include <functional>
#include <string>

namespace bourse {

class Clock;
class HttpClient;
class WsClient;
class KvStore;
class MarketData;
class TimerService;

struct HostServices {
    const Clock& clock;
    MarketData& market;
    KvStore& kv;
    TimerService& timers;
    HttpClient& http;
    WsClient& ws;
    /// Operator-visible notification from a plugin (topic, JSON object).
    std::function<void(const std::string& pluginId, const std::string& topic, const std::string& json)> notify;
    /// A price source's instruments changed (host->instruments_changed): re-read
    /// them soon, on another thread. May be empty (then the call is unsupported).
    std::function<void(const std::string& pluginId)> instrumentsChanged;
};

}  // namespace bourse
