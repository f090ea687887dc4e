//
// FakeSumsub.h — a local stand-in for Sumsub's applicant API and webhooks,
// speaking its real wire format (../shared/reference/wire-formats.md §7.1),
// for tests and for running bourse's sumsub plugin offline.
//
// Every /resources call must be signed as Sumsub requires: X-App-Token,
// X-App-Access-Ts (UNIX seconds within maxClockSkew of the fake's clock) and
// X-App-Access-Sig = hex HMAC_SHA256(secret key, ts + METHOD + path_with_query
// + body), over the request target and body exactly as received. Otherwise:
// 401 {"description":..,"code":401,"correlationId":"req-..","errorCode":4003}
// (4000s: Sumsub's documented authentication error codes).
//   POST /resources/applicants?levelName=L  {"externalUserId",["email"],["fixedInfo":{"country":"DEU"}]}
//        → 200 the applicant; 409 "Applicant with external user id 'X' already exists: <id>";
//          400 without externalUserId or with a country that is not alpha-3; 404 unknown level
//   GET  /resources/applicants/{id}/one, /resources/applicants/-;externalUserId=X/one → the applicant / 404
//   GET  /resources/applicants/{id}/status → {"reviewId","attemptId","attemptCnt","levelName",
//        "createDate","reviewDate","reviewResult","reviewStatus"}
//   POST /resources/accessTokens/sdk {"userId","levelName"[,"ttlInSecs"]} → {"token":"_act-sbx-..","userId"}
//   POST /resources/applicants/{id}/status/testCompleted {"reviewAnswer",..} → {"ok":1}
//        (Sumsub's sandbox review simulation: same as review())
// Applicants: {"id","createdAt","clientId","inspectionId","externalUserId",
// ["email"],["fixedInfo"],"type":"individual","review":{"reviewId","attemptId",
// "attemptCnt","levelName","createDate","reviewStatus",["reviewDate","reviewResult"]}}.
//
// Webhooks (to options.webhookUrl, http:// only): JSON bodies signed like
// Sumsub's, X-Payload-Digest = hex HMAC_<alg>(webhook secret, body) and
// X-Payload-Digest-Alg; applicantCreated when an applicant is made, and
// applicantReviewed / applicantPending / applicantOnHold / applicantReset from
// the test controls. Each attempt is recorded (webhooks()), also when no URL is
// set (status 0), so tests without a receiver read what would have been sent.
// Delivery runs on the thread that triggers it and waits for the receiver (5 s
// timeout, as Sumsub's).
//
// Test controls: C++ methods below, and the same over HTTP without signing
// under /_fake/ (FakeSumsubControl.h lists them; README.md beside this file).
//
// Thread-safe; the destructor stops the server and releases hung requests.
//
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace bourse::fakes {

struct FakeSumsubOptions {
    std::uint16_t port = 0;  ///< 0: any free port
    std::string appToken = "sbx:fake-app-token";
    std::string secretKey = "fake-secret-key";
    std::string webhookUrl;  ///< "" records webhooks without sending them
    std::string webhookSecret = "fake-webhook-secret";
    std::string webhookAlg = "HMAC_SHA256_HEX";  ///< or HMAC_SHA1_HEX, HMAC_SHA512_HEX
    std::set<std::string> levels = {"basic-kyc-level"};
    /// How far X-App-Access-Ts may be from the fake's clock. Sumsub's own window
    /// is not documented; a minute is strict enough to catch ms-for-s mistakes.
    std::chrono::seconds maxClockSkew{60};
    std::string clientId = "bourse-fake";
    /// The clock (epoch ms) for timestamps and signature freshness; the system clock if empty.
    std::function<std::int64_t()> clock;
};

/// A review outcome, as Sumsub's moderators (or testCompleted) give it.
struct FakeSumsubReview {
    std::string answer = "GREEN";  ///< GREEN or RED
    std::string rejectType;        ///< RED: FINAL or RETRY
    std::vector<std::string> rejectLabels;
    std::string moderationComment;  ///< may be shown to the user
    std::string clientComment;      ///< for the operator only

    static FakeSumsubReview green() { return {}; }
    static FakeSumsubReview red(std::string type, std::vector<std::string> labels, std::string moderation = "",
                                std::string client = "") {
        return {"RED", std::move(type), std::move(labels), std::move(moderation), std::move(client)};
    }
};

struct FakeSumsubApplicant {
    std::string id, externalUserId, levelName, email, country;
    std::string reviewStatus = "init";       ///< init, pending, onHold, completed
    std::optional<FakeSumsubReview> review;  ///< the last completed review
    std::string json;                        ///< as GET .../one answers
};

/// One /resources request as the fake saw and answered it.
struct FakeSumsubRequest {
    std::int64_t atMs = 0;
    std::string method;
    std::string target;  ///< path and query exactly as received
    std::string body;
    std::string appToken, ts, signature;  ///< the X-App-* headers ("" when absent)
    bool signatureValid = false;          ///< token, signature and timestamp all accepted
    int status = 0;
    std::string response;
};

/// One webhook delivery attempt.
struct FakeSumsubWebhook {
    std::int64_t atMs = 0;
    std::string type;  ///< applicantCreated, applicantReviewed, ...
    std::string applicantId;
    std::string url;  ///< "" when none was configured
    std::string body;
    std::string digest, alg;  ///< the X-Payload-Digest and X-Payload-Digest-Alg sent
    int status = 0;           ///< the receiver's HTTP status; 0 when not delivered
    std::string error;        ///< why not delivered
};

class FakeSumsub {
public:
    explicit FakeSumsub(FakeSumsubOptions options = {});
    ~FakeSumsub();
    FakeSumsub(const FakeSumsub&) = delete;
    FakeSumsub& operator=(const FakeSumsub&) = delete;

    [[nodiscard]] std::string baseUrl() const;  ///< http://127.0.0.1:PORT (the plugin's api_url)
    [[nodiscard]] std::uint16_t port() const;
    [[nodiscard]] std::int64_t nowMs() const;
    [[nodiscard]] const FakeSumsubOptions& options() const;

    // --- applicants ---
    /// An applicant made outside the plugin (as the WebSDK or the dashboard
    /// would); sends applicantCreated. Returns its id.
    std::string addApplicant(const std::string& externalUserId, const std::string& levelName = "basic-kyc-level");
    [[nodiscard]] std::optional<FakeSumsubApplicant> applicant(const std::string& applicantId) const;
    [[nodiscard]] std::optional<FakeSumsubApplicant> applicantByExternalId(const std::string& externalUserId) const;
    [[nodiscard]] std::vector<FakeSumsubApplicant> applicants() const;
    /// Access tokens issued, oldest first: (token, userId).
    [[nodiscard]] std::vector<std::pair<std::string, std::string>> accessTokens() const;

    // --- verification outcomes: each sends its webhook (throws std::invalid_argument for an unknown applicant) ---
    /// Completes the review (reviewStatus completed) → applicantReviewed.
    void review(const std::string& applicantId, const FakeSumsubReview& review);
    void approve(const std::string& applicantId) { review(applicantId, FakeSumsubReview::green()); }
    /// The user submitted documents → reviewStatus pending, applicantPending.
    void markPending(const std::string& applicantId);
    /// → reviewStatus onHold, applicantOnHold.
    void putOnHold(const std::string& applicantId);
    /// The applicant starts over → reviewStatus init, no result, applicantReset.
    void resetApplicant(const std::string& applicantId);

    // --- webhook delivery ---
    void setWebhookUrl(const std::string& url);
    void setWebhookSecret(const std::string& secret);
    /// HMAC_SHA1_HEX, HMAC_SHA256_HEX or HMAC_SHA512_HEX (anything else is sent as is, signed with SHA-256).
    void setWebhookAlg(const std::string& alg);
    /// Every webhook is sent twice, byte for byte (Sumsub delivers at least once).
    void deliverTwice(bool on);
    /// Webhooks wait until releaseWebhooks() (recorded only when sent).
    void holdWebhooks(bool on);
    /// Sends the held webhooks, oldest first or (newestFirst) in reverse; returns how many.
    int releaseWebhooks(bool newestFirst = false);
    /// Webhooks are signed with a secret that is not the webhook secret.
    void signWithWrongSecret(bool on);
    /// Every attempt so far, oldest first.
    [[nodiscard]] std::vector<FakeSumsubWebhook> webhooks() const;
    /// The attempts of one type (e.g. "applicantReviewed").
    [[nodiscard]] std::vector<FakeSumsubWebhook> webhooks(const std::string& type) const;

    // --- faults (the next N /resources requests, before authentication) ---
    /// Answer `status` (500, 502, 503, 429, ...) with Sumsub's error body.
    void failNext(int status, int count = 1);
    /// Accept the connection and never answer, until releaseHung() or the fake stops.
    void hangNext(int count = 1);
    void releaseHung();

    // --- what clients did ---
    [[nodiscard]] std::vector<FakeSumsubRequest> requests() const;
    void clearRequests();

    class Impl;

private:
    std::unique_ptr<Impl> _impl;
};

}  // namespace bourse::fakes
