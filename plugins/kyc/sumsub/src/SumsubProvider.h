//
// SumsubProvider.h — identity verification by Sumsub (plugin id "sumsub").
//
// start_verification(user_ref, email, country):
//   1. POST /resources/applicants?levelName=<level_name> creates the user's
//      applicant (externalUserId = user_ref); when Sumsub answers 409 "already
//      exists", GET /resources/applicants/-;externalUserId=<user_ref>/one
//      fetches it instead, so asking again is safe (and is how the kernel gets
//      a fresh token for the WebSDK).
//   2. A completed review is answered at once: GREEN → approved, RED FINAL →
//      rejected. Otherwise (and for RED RETRY, where the user may resubmit)
//   3. POST /resources/accessTokens/sdk issues a WebSDK access token.
//   Reply (always these keys; access_token and access_token_expires_at_ms only
//   when a token was issued):
//     {"session_id":"<applicantId>","status":"pending"|"approved"|"rejected",
//      "redirect_url":"<websdk_url expanded, or "">","access_token":"_act-...",
//      "access_token_expires_at_ms":N,"reason":"","retry":false,
//      "reject_labels":[],"level_name":"basic-kyc-level","user_ref":"<user_ref>"}
// verify_webhook: see Webhook.h.
// Every request is signed (RequestSigner.h) with the host clock; errors are
// mapped as Api.h says, and no message ever contains a secret.
//
// Command "status": configuration (no secrets) and counters.
//
#pragma once

#include "Api.h"
#include "Config.h"

#include <bourse/plugin.hpp>

#include <functional>
#include <memory>
#include <string>

namespace bourse::sumsub {

class SumsubProvider : public KycProvider {
public:
    /// Reads config and the secrets app_token, secret_key, webhook_secret;
    /// throws Error(BOURSE_E_CONFIG) naming what is wrong.
    explicit SumsubProvider(Host& host);

    void start() override;
    void startVerification(const KycRequest& request, Reply reply) override;
    std::string verifyWebhook(const Webhook& webhook) override;
    std::string command(const std::string& name, const std::string& argsJson) override;

private:
    /// One start_verification under way: what was asked and where the answer goes.
    struct Flow {
        KycRequest request;
        Reply reply;
    };
    using FlowPtr = std::shared_ptr<Flow>;

    void createApplicant(const FlowPtr& flow);
    void findApplicant(const FlowPtr& flow);
    void decide(const FlowPtr& flow, const api::Applicant& applicant);
    void issueToken(const FlowPtr& flow, const api::Applicant& applicant);
    void answer(const FlowPtr& flow, const api::Applicant& applicant, const std::string& token);

    /// A signed request; fn runs with the reply. Errors fn throws fail the flow.
    void call(const FlowPtr& flow, const std::string& method, const std::string& url, const std::string& body,
              std::function<void(const HttpResponse&)> fn);
    void fail(const FlowPtr& flow, const Error& e);
    [[nodiscard]] std::vector<std::string> secrets() const;

    SumsubConfig _config;
    SumsubSecrets _secrets;
    struct Counters {
        int started = 0, pending = 0, approved = 0, rejected = 0, failed = 0;
        int webhooks = 0, webhooksRefused = 0, webhooksInvalid = 0;
    } _counts;
    std::string _lastError;
};

}  // namespace bourse::sumsub
