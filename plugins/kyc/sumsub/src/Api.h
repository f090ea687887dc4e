//
// Api.h — the Sumsub REST calls the plugin makes, as pure functions: URLs,
// request bodies, reading replies and turning failed replies into errors.
// Transport and signing are elsewhere (SumsubProvider, RequestSigner).
//
//   POST /resources/applicants?levelName=L   {"externalUserId","email","fixedInfo":{"country"}}
//        409 "Applicant with external user id 'X' already exists: <id>" when X has one
//   GET  /resources/applicants/-;externalUserId=X/one   the applicant of X
//   POST /resources/accessTokens/sdk          {"userId","levelName","ttlInSecs"} → {"token","userId"}
//
// Failures (failure()): no reply → UNAVAILABLE; 401/403 → CONFIG (credentials,
// permissions or the clock); 429, 5xx and other statuses → UNAVAILABLE;
// 400/404/422 → INVALID and 409/other 4xx → REJECTED, both with Sumsub's
// description. Messages never contain a secret.
//
#pragma once

#include "Review.h"

#include <bourse/plugin.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace bourse::sumsub::api {

std::string createApplicantUrl(const std::string& apiUrl, const std::string& levelName);
std::string applicantByExternalIdUrl(const std::string& apiUrl, const std::string& externalUserId);
std::string accessTokenUrl(const std::string& apiUrl);

/// {"externalUserId":..,"email":..,"fixedInfo":{"country":..}}: email and
/// fixedInfo only when given. Keys in this order, no spaces.
std::string createApplicantBody(const std::string& externalUserId, const std::string& email,
                                const std::optional<std::string>& countryAlpha3);
/// {"userId":..,"levelName":..,"ttlInSecs":..}, in this order, no spaces.
std::string accessTokenBody(const std::string& externalUserId, const std::string& levelName, std::int64_t ttlS);

struct Applicant {
    std::string id;                  ///< Sumsub's applicantId: the session_id
    std::string externalUserId;      ///< Bourse's user_ref
    std::string reviewStatus;        ///< init, pending, queued, onHold, completed, ...
    std::optional<Verdict> verdict;  ///< only when the review is completed with GREEN or RED
};

/// Reads an applicant object. Throws Error(BOURSE_E_UNAVAILABLE) when the body
/// is not an applicant (no "id").
Applicant parseApplicant(const std::string& body);

/// The "token" of an access-token reply. Throws Error(BOURSE_E_UNAVAILABLE).
std::string parseAccessToken(const std::string& body);

/// True for the 409 Sumsub answers when the externalUserId already has an applicant.
bool applicantAlreadyExists(const HttpResponse& response);

/// Sumsub's "description" of an error reply (the body itself, shortened, when
/// it has none), with every secret replaced by "***".
std::string describe(const HttpResponse& response, const std::vector<std::string>& secrets);

/// The error for a reply that was not a success; `what` names the call
/// ("create applicant"). secrets are scrubbed from the message.
Error failure(const HttpResponse& response, const std::string& what, const std::vector<std::string>& secrets);

}  // namespace bourse::sumsub::api
