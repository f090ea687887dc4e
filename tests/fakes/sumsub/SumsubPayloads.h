//
// SumsubPayloads.h — the JSON the fake Sumsub sends: applicants, review
// statuses, access tokens, errors and webhook bodies, shaped as Sumsub's
// documentation shows them. Pure functions; the fake keeps the state.
//
#pragma once

#include "sumsub/FakeSumsub.h"

#include <cstdint>
#include <optional>
#include <random>
#include <string>

namespace bourse::fakes::sumsub_payloads {

/// Everything the fake knows about one applicant.
struct ApplicantRecord {
    std::string id, externalUserId, levelName, email, country;  ///< country: alpha-3 or ""
    std::string inspectionId, reviewId, attemptId;
    std::int64_t createdAtMs = 0, reviewCreatedMs = 0, reviewDateMs = 0;
    int attemptCnt = 0;
    std::string reviewStatus = "init";
    std::optional<FakeSumsubReview> review;  ///< present once completed
};

/// "2020-02-21 13:23:19" or, with millis, "2020-02-21 13:23:19.321" (UTC).
std::string utcText(std::int64_t ms, bool millis);

/// Random lower-case hex ids (applicant ids are 24 of them).
std::string hexId(std::mt19937_64& random, std::size_t length);

/// {"description":..,"code":N,"correlationId":..[,"errorCode":E]}
std::string errorBody(int code, const std::string& description, const std::string& correlationId, int errorCode = 0);

/// The applicant as GET /resources/applicants/{id}/one answers.
std::string applicantJson(const ApplicantRecord& a, const std::string& clientId);

/// GET /resources/applicants/{id}/status.
std::string statusJson(const ApplicantRecord& a);

/// A webhook body of `type` for the applicant's current state.
std::string webhookBody(const std::string& type, const ApplicantRecord& a, const std::string& clientId,
                        std::int64_t createdAtMs, const std::string& correlationId);

/// FakeSumsubApplicant (the public view) of a record.
FakeSumsubApplicant publicView(const ApplicantRecord& a, const std::string& clientId);

}  // namespace bourse::fakes::sumsub_payloads
