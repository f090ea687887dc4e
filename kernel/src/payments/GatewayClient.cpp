#include "payments/GatewayClient.h"

#include "config/Config.h"
#include "http/HttpError.h"
#include "plugins/PluginManager.h"

#include <Poco/JSON/Parser.h>

#include <cstring>
#include <memory>

namespace bourse {

std::string GatewayReply::field(const char* key) const {
    return body && body->has(key) && !body->isNull(key) ? body->getValue<std::string>(key) : std::string();
}

GatewayClient::GatewayClient(PluginManager& plugins, const Config& config, std::chrono::milliseconds timeout)
    : _plugins(plugins), _config(config), _timeout(timeout) {}

GatewayReply GatewayClient::call(const std::string& gateway, PaymentCall call, const GatewayRequest& r) const {
    const auto instance = _plugins.instance(gateway);
    if (!instance || instance->kind() != BOURSE_KIND_PAYMENT_GATEWAY)
        return {BOURSE_E_UNAVAILABLE, nullptr, "payment gateway '" + gateway + "' is not running"};
    bourse_payment_request request{};
    request.struct_size = sizeof request;
    request.idempotency_key = {r.idempotencyKey.data(), r.idempotencyKey.size()};
    request.user_ref = {r.userRef.data(), r.userRef.size()};
    request.amount.minor = r.amount;
    std::strncpy(request.amount.currency, r.currency.c_str(), sizeof request.amount.currency - 1);
    request.reference = {r.reference.data(), r.reference.size()};
    request.metadata_json = {r.metadataJson.data(), r.metadataJson.size()};

    const auto reply = awaitReply([&](auto done) { instance->payment(call, request, std::move(done)); }, _timeout);
    if (!reply)
        return {BOURSE_E_UNAVAILABLE, nullptr,
                "payment gateway '" + gateway + "' did not answer within " + std::to_string(_timeout.count()) + " ms"};
    const auto& [status, json] = *reply;
    if (status != BOURSE_OK) return {status, nullptr, json};
    try {
        auto body = Poco::JSON::Parser().parse(json).extract<Poco::JSON::Object::Ptr>();
        if (body) return {BOURSE_OK, body, ""};
    } catch (const std::exception&) {
        // Falls through: a reply that is not an object is the plugin's bug.
    }
    return {BOURSE_E_INTERNAL, nullptr, "payment gateway '" + gateway + "' replied with something not a JSON object"};
}

std::vector<GatewayInfo> GatewayClient::gateways() const {
    std::vector<GatewayInfo> out;
    for (const auto& p : _config.plugins) {
        if (!p.enabled) continue;
        const auto instance = _plugins.instance(p.id);
        const bool running = instance && instance->kind() == BOURSE_KIND_PAYMENT_GATEWAY;
        if (!running) {
            // Configured but not running: listed only if it is a gateway we know of by its status.
            try {
                if (_plugins.status(p.id).kind != "payment_gateway") continue;
            } catch (const std::exception&) {
                continue;
            }
        }
        out.push_back({p.id, p.withdrawVia, p.realMoney(), running});
    }
    return out;
}

GatewayInfo GatewayClient::require(const std::string& id, const std::string& field) const {
    for (const auto& g : gateways()) {
        if (g.id != id) continue;
        if (!g.running) throw HttpError(503, "Service Unavailable", "payment gateway '" + id + "' is not running now");
        return g;
    }
    throw HttpError(422, "Unprocessable Content", "'" + id + "' is not a payment gateway here", field);
}

}  // namespace bourse
