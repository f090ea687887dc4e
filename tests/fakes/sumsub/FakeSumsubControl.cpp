#include "sumsub/FakeSumsubControl.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/StreamCopier.h>

#include <sstream>
#include <stdexcept>

namespace bourse::fakes {

namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

/// A control request that cannot be done: its HTTP status and message.
struct Refusal : std::runtime_error {
    int status;
    Refusal(int s, const std::string& m) : std::runtime_error(m), status(s) {}
};

void reply(Poco::Net::HTTPServerResponse& resp, int status, const Poco::Dynamic::Var& body) {
    std::ostringstream out;
    Poco::JSON::Stringifier::stringify(body, out);
    const std::string text = out.str();
    resp.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
    resp.setContentType("application/json");
    resp.setContentLength(static_cast<std::streamsize>(text.size()));
    resp.send() << text;
}

Object::Ptr bodyOf(Poco::Net::HTTPServerRequest& req) {
    std::string text;
    Poco::StreamCopier::copyToString(req.stream(), text);
    if (text.empty()) return new Object;
    try {
        const auto v = Poco::JSON::Parser().parse(text);
        if (v.type() == typeid(Object::Ptr)) return v.extract<Object::Ptr>();
    } catch (const Poco::Exception&) {
    }
    throw Refusal(400, "body must be a JSON object");
}

/// The applicant named by "applicantId" or "externalUserId".
std::string applicantIdOf(const FakeSumsub& fake, const Object::Ptr& o) {
    if (o->has("applicantId")) {
        const std::string id = o->getValue<std::string>("applicantId");
        if (!fake.applicant(id)) throw Refusal(404, "no applicant " + id);
        return id;
    }
    if (o->has("externalUserId")) {
        const std::string ext = o->getValue<std::string>("externalUserId");
        const auto a = fake.applicantByExternalId(ext);
        if (!a) throw Refusal(404, "no applicant with externalUserId " + ext);
        return a->id;
    }
    throw Refusal(400, "name the applicant: applicantId or externalUserId");
}

Array::Ptr applicantsJson(const FakeSumsub& fake) {
    Array::Ptr out = new Array;
    for (const auto& a : fake.applicants())
        out->add(Poco::JSON::Parser().parse(a.json));
    return out;
}

Array::Ptr requestsJson(const FakeSumsub& fake) {
    Array::Ptr out = new Array;
    for (const auto& r : fake.requests()) {
        Object::Ptr o = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
        o->set("atMs", r.atMs);
        o->set("method", r.method);
        o->set("target", r.target);
        o->set("status", r.status);
        o->set("signatureValid", r.signatureValid);
        out->add(o);
    }
    return out;
}

Array::Ptr webhooksJson(const FakeSumsub& fake) {
    Array::Ptr out = new Array;
    for (const auto& w : fake.webhooks()) {
        Object::Ptr o = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
        o->set("atMs", w.atMs);
        o->set("type", w.type);
        o->set("applicantId", w.applicantId);
        o->set("url", w.url);
        o->set("status", w.status);
        o->set("error", w.error);
        o->set("alg", w.alg);
        o->set("digest", w.digest);
        o->set("body", w.body);
        out->add(o);
    }
    return out;
}

FakeSumsubReview reviewOf(const Object::Ptr& o) {
    FakeSumsubReview r;
    r.answer = o->optValue<std::string>("reviewAnswer", "GREEN");
    if (r.answer != "GREEN" && r.answer != "RED") throw Refusal(400, "reviewAnswer must be GREEN or RED");
    r.rejectType = o->optValue<std::string>("reviewRejectType", r.answer == "RED" ? "FINAL" : "");
    r.moderationComment = o->optValue<std::string>("moderationComment", "");
    r.clientComment = o->optValue<std::string>("clientComment", "");
    if (const auto labels = o->getArray("rejectLabels"))
        for (std::size_t i = 0; i < labels->size(); ++i)
            r.rejectLabels.push_back(labels->get(static_cast<unsigned>(i)).toString());
    return r;
}

Object::Ptr ok() {
    Object::Ptr o = new Object;
    o->set("ok", true);
    return o;
}

Poco::Dynamic::Var handle(FakeSumsub& fake, const std::string& method, const std::string& path,
                          Poco::Net::HTTPServerRequest& req) {
    if (method == "GET") {
        if (path == "/_fake/applicants") return applicantsJson(fake);
        if (path == "/_fake/requests") return requestsJson(fake);
        if (path == "/_fake/webhooks") return webhooksJson(fake);
        throw Refusal(404, "unknown control " + path);
    }
    if (method != "POST") throw Refusal(405, "GET or POST");
    const Object::Ptr o = bodyOf(req);
    if (path == "/_fake/applicants") {
        const std::string ext = o->optValue<std::string>("externalUserId", "");
        if (ext.empty()) throw Refusal(400, "externalUserId is required");
        Object::Ptr out = new Object;
        out->set("id", fake.addApplicant(ext, o->optValue<std::string>("levelName", "basic-kyc-level")));
        return out;
    }
    if (path == "/_fake/review") {
        fake.review(applicantIdOf(fake, o), reviewOf(o));
        return ok();
    }
    if (path == "/_fake/pending") return fake.markPending(applicantIdOf(fake, o)), ok();
    if (path == "/_fake/on-hold") return fake.putOnHold(applicantIdOf(fake, o)), ok();
    if (path == "/_fake/reset") return fake.resetApplicant(applicantIdOf(fake, o)), ok();
    if (path == "/_fake/webhook") {
        if (o->has("url")) fake.setWebhookUrl(o->getValue<std::string>("url"));
        if (o->has("secret")) fake.setWebhookSecret(o->getValue<std::string>("secret"));
        if (o->has("alg")) fake.setWebhookAlg(o->getValue<std::string>("alg"));
        if (o->has("deliverTwice")) fake.deliverTwice(o->getValue<bool>("deliverTwice"));
        if (o->has("hold")) fake.holdWebhooks(o->getValue<bool>("hold"));
        if (o->has("wrongSecret")) fake.signWithWrongSecret(o->getValue<bool>("wrongSecret"));
        return ok();
    }
    if (path == "/_fake/release") {
        Object::Ptr out = new Object;
        out->set("released", fake.releaseWebhooks(o->optValue<bool>("newestFirst", false)));
        return out;
    }
    if (path == "/_fake/fail") {
        fake.failNext(o->optValue<int>("status", 500), o->optValue<int>("count", 1));
        return ok();
    }
    if (path == "/_fake/hang") return fake.hangNext(o->optValue<int>("count", 1)), ok();
    if (path == "/_fake/unhang") return fake.releaseHung(), ok();
    throw Refusal(404, "unknown control " + path);
}

}  // namespace

void handleFakeControl(FakeSumsub& fake, Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) {
    const std::string uri = req.getURI();
    const std::string path = uri.substr(0, uri.find('?'));
    try {
        reply(resp, 200, handle(fake, req.getMethod(), path, req));
    } catch (const Refusal& e) {
        Object::Ptr o = new Object;
        o->set("error", e.what());
        reply(resp, e.status, o);
    } catch (const std::exception& e) {  // a wrongly typed field (Poco), an unknown applicant
        Object::Ptr o = new Object;
        o->set("error", e.what());
        reply(resp, 400, o);
    }
}

}  // namespace bourse::fakes
