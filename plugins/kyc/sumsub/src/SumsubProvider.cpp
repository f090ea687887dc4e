#include "SumsubProvider.h"

#include "Countries.h"
#include "RequestSigner.h"
#include "Webhook.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <algorithm>
#include <cctype>
#include <sstream>

namespace bourse::sumsub {

namespace {

std::string requiredSecret(Host& host, const char* name) {
    const auto value = host.secret(name);
    if (!value || value->empty())
        throw Error(BOURSE_E_CONFIG, std::string("config: secret ") + name + " is missing (secrets: {" + name +
                                         ": ${SUMSUB_" + name + "}}, upper-case)");
    return *value;
}

/// user_ref travels in a URL path (-;externalUserId=<user_ref>): only characters
/// that pass every HTTP client unchanged, so the signed path is the sent one.
bool validUserRef(const std::string& s) {
    return !s.empty() && s.size() <= 256 && std::all_of(s.begin(), s.end(), [](unsigned char c) {
        return std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == ':' || c == '@' || c == '+';
    });
}

std::string stringify(const Poco::JSON::Object& o) {
    std::ostringstream out;
    o.stringify(out);
    return out.str();
}

}  // namespace

SumsubProvider::SumsubProvider(Host& host)
    : KycProvider(host),
      _config(SumsubConfig::parse(host.configJson())),
      _secrets{requiredSecret(host, "app_token"), requiredSecret(host, "secret_key"),
               requiredSecret(host, "webhook_secret")} {}

void SumsubProvider::start() {
    host().info("sumsub: " + _config.apiUrl + ", level '" + _config.levelName + "', access tokens for " +
                std::to_string(_config.tokenTtlS) + " s");
    // Allowed, but almost always a mistake: the webhook has its own secret in the Webhook manager.
    if (_secrets.webhookSecret == _secrets.secretKey)
        host().warn("sumsub: webhook_secret equals secret_key; Sumsub signs webhooks with the webhook's own secret");
}

std::vector<std::string> SumsubProvider::secrets() const {
    return {_secrets.appToken, _secrets.secretKey, _secrets.webhookSecret};
}

void SumsubProvider::startVerification(const KycRequest& request, Reply reply) {
    ++_counts.started;
    if (!validUserRef(request.userRef)) {
        ++_counts.failed;
        reply.fail(BOURSE_E_INVALID, "invalid: user_ref must be 1..256 letters, digits or -_.:@+");
        return;
    }
    auto flow = std::make_shared<Flow>(Flow{request, std::move(reply)});
    try {
        createApplicant(flow);
    } catch (const Error& e) {
        fail(flow, e);
    }
}

void SumsubProvider::call(const FlowPtr& flow, const std::string& method, const std::string& url,
                          const std::string& body, std::function<void(const HttpResponse&)> fn) {
    HttpRequest req;
    req.method = method;
    req.url = url;
    req.body = body;
    req.timeout = std::chrono::milliseconds(_config.requestTimeoutMs);
    try {
        req.headers = signedHeaders(_secrets.appToken, _secrets.secretKey, host().nowNs(), method, url, body);
    } catch (const std::invalid_argument& e) {
        throw Error(BOURSE_E_CONFIG, std::string("config: api_url: ") + e.what());
    }
    host().http(req, [this, flow, fn = std::move(fn)](const HttpResponse& r) {
        try {
            fn(r);
        } catch (const Error& e) {
            fail(flow, e);
        } catch (const std::exception& e) {
            fail(flow, Error(BOURSE_E_INTERNAL, std::string("internal: ") + e.what()));
        }
    });
}

void SumsubProvider::createApplicant(const FlowPtr& flow) {
    const KycRequest& q = flow->request;
    std::optional<std::string> country;
    if (!q.country.empty()) {
        country = alpha3(q.country);
        if (!country) host().warn("sumsub: country '" + q.country + "' is no ISO 3166-1 alpha-2 code; not sent");
    }
    call(flow, "POST", api::createApplicantUrl(_config.apiUrl, _config.levelName),
         api::createApplicantBody(q.userRef, q.email, country), [this, flow](const HttpResponse& r) {
             if (r.status >= 200 && r.status < 300) return decide(flow, api::parseApplicant(r.body));
             if (api::applicantAlreadyExists(r)) return findApplicant(flow);
             throw api::failure(r, "create applicant", secrets());
         });
}

void SumsubProvider::findApplicant(const FlowPtr& flow) {
    call(flow, "GET", api::applicantByExternalIdUrl(_config.apiUrl, flow->request.userRef), "",
         [this, flow](const HttpResponse& r) {
             if (r.status >= 200 && r.status < 300) return decide(flow, api::parseApplicant(r.body));
             // 404 after a 409: the applicant belongs to another app token (or was deleted).
             if (r.status == 404)
                 throw Error(BOURSE_E_REJECTED,
                             "sumsub: user_ref already has an applicant this app token cannot "
                             "see: " +
                                 api::describe(r, secrets()));
             throw api::failure(r, "find applicant", secrets());
         });
}

void SumsubProvider::decide(const FlowPtr& flow, const api::Applicant& applicant) {
    // A decided review needs no WebSDK session, except a RETRY rejection: the user may resubmit.
    if (applicant.verdict && !(applicant.verdict->status == "rejected" && applicant.verdict->retry))
        return answer(flow, applicant, "");
    issueToken(flow, applicant);
}

void SumsubProvider::issueToken(const FlowPtr& flow, const api::Applicant& applicant) {
    call(flow, "POST", api::accessTokenUrl(_config.apiUrl),
         api::accessTokenBody(flow->request.userRef, _config.levelName, _config.tokenTtlS),
         [this, flow, applicant](const HttpResponse& r) {
             if (r.status < 200 || r.status >= 300) throw api::failure(r, "access token", secrets());
             answer(flow, applicant, api::parseAccessToken(r.body));
         });
}

void SumsubProvider::answer(const FlowPtr& flow, const api::Applicant& applicant, const std::string& token) {
    const std::string status = applicant.verdict ? applicant.verdict->status : "pending";
    Poco::JSON::Object out(Poco::JSON_PRESERVE_KEY_ORDER);
    out.set("session_id", applicant.id);
    out.set("status", status);
    out.set("redirect_url", token.empty() ? "" : _config.redirectUrl(token, applicant.id, flow->request.userRef));
    if (!token.empty()) {
        out.set("access_token", token);
        out.set("access_token_expires_at_ms", host().nowNs() / 1'000'000 + _config.tokenTtlS * 1'000);
    }
    out.set("reason", applicant.verdict ? applicant.verdict->reason : "");
    out.set("retry", applicant.verdict ? applicant.verdict->retry : false);
    Poco::JSON::Array::Ptr labels = new Poco::JSON::Array;
    if (applicant.verdict)
        for (const auto& l : applicant.verdict->labels)
            labels->add(l);
    out.set("reject_labels", labels);
    out.set("level_name", _config.levelName);
    out.set("user_ref", flow->request.userRef);
    ++(status == "approved" ? _counts.approved : status == "rejected" ? _counts.rejected : _counts.pending);
    flow->reply.ok(stringify(out));
}

void SumsubProvider::fail(const FlowPtr& flow, const Error& e) {
    ++_counts.failed;
    _lastError = e.what();
    host().warn(std::string("sumsub: start_verification failed: ") + e.what());
    flow->reply.fail(e.status(), e.what());
}

std::string SumsubProvider::verifyWebhook(const Webhook& webhook) {
    try {
        std::string event = normalise(webhook, _secrets.webhookSecret, host().nowNs());
        ++_counts.webhooks;
        return event;
    } catch (const Error& e) {
        ++(e.status() == BOURSE_E_SIGNATURE ? _counts.webhooksRefused : _counts.webhooksInvalid);
        _lastError = e.what();
        throw;
    }
}

std::string SumsubProvider::command(const std::string& name, const std::string& argsJson) {
    if (name != "status") return KycProvider::command(name, argsJson);
    Poco::JSON::Object out(Poco::JSON_PRESERVE_KEY_ORDER);
    out.set("api_url", _config.apiUrl);
    out.set("level_name", _config.levelName);
    out.set("websdk_url", _config.websdkUrl);
    out.set("token_ttl_s", _config.tokenTtlS);
    out.set("verifications_started", _counts.started);
    out.set("pending", _counts.pending);
    out.set("approved", _counts.approved);
    out.set("rejected", _counts.rejected);
    out.set("failed", _counts.failed);
    out.set("webhooks_accepted", _counts.webhooks);
    out.set("webhooks_refused_signature", _counts.webhooksRefused);
    out.set("webhooks_invalid", _counts.webhooksInvalid);
    out.set("last_error", _lastError);
    return stringify(out);
}

}  // namespace bourse::sumsub
