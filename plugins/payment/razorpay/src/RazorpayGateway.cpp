#include "RazorpayGateway.h"

#include "Ids.h"
#include "Replies.h"

#include <Poco/JSON/Parser.h>

#include <algorithm>

namespace bourse::razorpay {

namespace {

/// A secret from the entry's `secrets:`; "" when absent and optional.
std::string readSecret(Host& host, const std::string& name, bool required, const std::string& hint) {
    const auto value = host.secret(name);
    if (!value || value->empty()) {
        if (!required) return "";
        throw Error(BOURSE_E_CONFIG, "config: secrets." + name + ": missing; " + hint);
    }
    if (!std::all_of(value->begin(), value->end(), [](unsigned char c) { return c > 0x20 && c < 0x7f; }))
        throw Error(BOURSE_E_CONFIG, "config: secrets." + name + ": contains spaces or control characters");
    return *value;
}

}  // namespace

Poco::JSON::Object::Ptr metadataOf(const PaymentRequest& request) {
    if (request.metadataJson.empty()) return new Poco::JSON::Object;
    try {
        const auto v = Poco::JSON::Parser().parse(request.metadataJson);
        if (v.type() == typeid(Poco::JSON::Object::Ptr)) return v.extract<Poco::JSON::Object::Ptr>();
    } catch (const Poco::Exception&) {
        // Reported below, like any other shape that is not an object.
    }
    throw Error(BOURSE_E_INVALID, "invalid: metadata_json is not a JSON object");
}

std::string stringField(const Poco::JSON::Object::Ptr& o, const std::string& key) {
    if (!o || !o->has(key) || !o->get(key).isString()) return "";
    return o->getValue<std::string>(key);
}

RazorpayGateway::RazorpayGateway(Host& host)
    : PaymentGateway(host),
      _config(RazorpayConfig::parse(host.configJson())),
      _keySecret(readSecret(host, "key_secret", true,
                            "map the API key secret of config key_id, e.g. secrets: {key_secret: "
                            "${RAZORPAY_KEY_SECRET}}")),
      _webhookSecrets{readSecret(host, "webhook_secret", true,
                                 "map the secret set on the webhook in the Razorpay Dashboard (not the key "
                                 "secret), e.g. secrets: {webhook_secret: ${RAZORPAY_WEBHOOK_SECRET}}"),
                      readSecret(host, "webhook_secret_previous", false, "")},
      _api(host, _config, _keySecret) {
    // Allowed (Razorpay does not forbid it) but a sign the two were confused.
    if (_webhookSecrets.current == _keySecret)
        host.warn(
            "razorpay: secrets.webhook_secret equals secrets.key_secret; the webhook secret is normally its "
            "own value, set on the webhook in the Dashboard");
    host.info("razorpay: key " + _config.keyId + (_config.keyId.rfind("rzp_live_", 0) == 0 ? " (live)" : " (test)") +
              ", payouts " +
              (_config.payout ? "from account ending " +
                                    _config.payout->accountNumber.substr(_config.payout->accountNumber.size() - 4)
                              : std::string("off")));
}

std::string RazorpayGateway::verifyWebhook(const Webhook& webhook) {
    return razorpay::verifyWebhook(webhook, _webhookSecrets);
}

void RazorpayGateway::query(const PaymentRequest& request, Reply reply) {
    const auto meta = metadataOf(request);
    const std::string kind = stringField(meta, "kind");
    const std::string& ref = request.reference;
    if (!plausibleId(ref)) throw Error(BOURSE_E_INVALID, "invalid: query needs the provider_ref in reference");
    if (kind != "deposit" && kind != "payout" && kind != "refund")
        throw Error(BOURSE_E_INVALID, "invalid: query metadata kind must be deposit, payout or refund");
    auto shared = std::make_shared<Reply>(std::move(reply));
    if (kind == "deposit") {
        _api.get("/v1/orders/" + ref + "/payments", "fetch payments of " + ref, shared,
                 [shared, ref](const Poco::JSON::Object::Ptr& collection) {
                     std::vector<Payment> payments;
                     for (const auto& item : itemsOf(collection))
                         payments.push_back(paymentFrom(item));
                     shared->ok(depositFromPayments(ref, payments).toJson());
                 });
    } else if (kind == "payout") {
        _api.get("/v1/payouts/" + ref, "fetch payout " + ref, shared,
                 [shared](const Poco::JSON::Object::Ptr& o) { shared->ok(payoutReply(payoutFrom(o), true).toJson()); });
    } else {
        _api.get("/v1/refunds/" + ref, "fetch refund " + ref, shared,
                 [shared](const Poco::JSON::Object::Ptr& o) { shared->ok(refundReply(refundFrom(o), true).toJson()); });
    }
}

}  // namespace bourse::razorpay
