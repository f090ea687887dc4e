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
};

}  // namespace bourse
