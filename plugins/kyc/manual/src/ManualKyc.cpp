#include "ManualKyc.h"

#include <bourse/plugins/ConfigReader.h>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <sstream>

namespace bourse::kyc {

ManualKyc::ManualKyc(Host& host) : KycProvider(host) {
    const auto config = plugins::ConfigReader::parse(host.configJson());
    config.allowOnly({"instructions"});
    _instructions = config.text("instructions",
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
