//
// GatewayClient.h — how the kernel talks to payment-gateway plugins: one
// blocking call with a deadline, and the configured gateways as the API shows
// them.
//
// A plugin answers asynchronously (it waits for its provider); the caller here
// waits at most `timeout`. No reply by then is BOURSE_E_UNAVAILABLE, the same
// as a provider that could not be reached: every caller treats it as "outcome
// unknown, ask again later with the same idempotency key", which is safe
// because the provider de-duplicates on that key. Thread-safe.
//
#pragma once

#include "plugins/PluginInstance.h"

#include <bourse/plugin.h>

#include <Poco/JSON/Object.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace bourse {

struct Config;
class PluginManager;

/// One request of plugins/payment/README.md, in owned strings.
struct GatewayRequest {
    std::string idempotencyKey, userRef, reference, metadataJson = "{}";
    std::int64_t amount = 0;
    std::string currency;
};

struct GatewayReply {
    bourse_status status = BOURSE_E_INTERNAL;
    Poco::JSON::Object::Ptr body;  ///< set when status is OK
    std::string message;           ///< the plugin's message otherwise

    [[nodiscard]] bool ok() const { return status == BOURSE_OK && body; }
    /// A string field of the body ("" if absent).
    [[nodiscard]] std::string field(const char* key) const;
};

struct GatewayInfo {
    std::string id, withdrawVia;
    bool realMoney = true;
    bool running = false;
};

class GatewayClient {
public:
    GatewayClient(PluginManager& plugins, const Config& config, std::chrono::milliseconds timeout);

    [[nodiscard]] GatewayReply call(const std::string& gateway, PaymentCall call, const GatewayRequest& request) const;
    /// The configured, enabled payment gateways (running or not).
    [[nodiscard]] std::vector<GatewayInfo> gateways() const;
    /// The gateway `id` if it is configured, enabled and running; HttpError 422 naming `field` otherwise.
    [[nodiscard]] GatewayInfo require(const std::string& id, const std::string& field) const;

private:
    PluginManager& _plugins;
    const Config& _config;
    std::chrono::milliseconds _timeout;
};

}  // namespace bourse
