#include "ManualKyc.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <sstream>

namespace bourse::kyc {

ManualKyc::ManualKyc(Host& host) : KycProvider(host) {
    Poco::JSON::Object::Ptr config;
    try {
        config = Poco::JSON::Parser().parse(host.configJson()).extract<Poco::JSON::Object::Ptr>();
    } catch (const std::exception&) {
        throw Error(BOURSE_E_CONFIG, "config: expected a JSON object");
    }
    for (const auto& [key, value] : *config)
        if (key != "instructions") throw Error(BOURSE_E_CONFIG, "config: " + key + ": unknown key");
    _instructions = config->optValue<std::string>(
        "instructions",
        "Upload a photo ID (passport, national ID or driving licence) and a proof of address. "
        "An operator reviews them, usually within a working day.");
}

void ManualKyc::startVerification(const KycRequest& request, Reply reply) {
    if (request.userRef.empty()) throw Error(BOURSE_E_INVALID, "user_ref: required");
    // One session per attempt: a rejected user who tries again opens a new case;
    // an open case the kernel continues keeps its session.
    std::string session;
    try {
        if (const auto m = Poco::JSON::Parser()
                               .parse(request.metadataJson.empty() ? "{}" : request.metadataJson)
                               .extract<Poco::JSON::Object::Ptr>())
            session = m->optValue<std::string>("session_id", "");
    } catch (const std::exception&) {
        throw Error(BOURSE_E_INVALID, "metadata_json: expected a JSON object");
    }
    if (session.empty()) session = "manual-" + request.userRef + "-" + std::to_string(host().nowNs() / 1'000'000);
    Poco::JSON::Object o;
    o.set("session_id", session);
    o.set("status", "pending");
    o.set("redirect_url", "");
    o.set("documents_required", true);
    o.set("instructions", _instructions);
    std::ostringstream out;
    o.stringify(out);
    reply.ok(out.str());
}

std::string ManualKyc::verifyWebhook(const Webhook& webhook) {
    (void)webhook;
    throw Error(BOURSE_E_SIGNATURE, "manual KYC receives no webhooks");
}

}  // namespace bourse::kyc
