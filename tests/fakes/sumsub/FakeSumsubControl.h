//
// FakeSumsubControl.h — the fake Sumsub's test controls over HTTP, under
// /_fake/ (no signing), for tests and scripts that do not link the fake: each
// endpoint calls the FakeSumsub method of the same meaning. JSON in and out;
// unknown applicants 404, bad input 400 {"error":".."}.
//
//   GET  /_fake/applicants    [applicant, ...] (as GET .../one answers)
//   GET  /_fake/requests      [{"atMs","method","target","status","signatureValid"}, ...]
//   GET  /_fake/webhooks      [{"atMs","type","applicantId","url","status","error","alg","digest","body"}, ...]
//   POST /_fake/applicants    {"externalUserId"[,"levelName"]} → {"id"}
//   POST /_fake/review        {"applicantId"|"externalUserId", "reviewAnswer":"GREEN"|"RED",
//                              "reviewRejectType", "rejectLabels":[..], "moderationComment", "clientComment"}
//   POST /_fake/pending, /_fake/on-hold, /_fake/reset   {"applicantId"|"externalUserId"}
//   POST /_fake/webhook       {"url","secret","alg","deliverTwice","hold","wrongSecret"} (any subset)
//   POST /_fake/release       {"newestFirst":false} → {"released":n}
//   POST /_fake/fail          {"status":500,"count":1}
//   POST /_fake/hang          {"count":1}
//   POST /_fake/unhang        {}
//
#pragma once

#include "sumsub/FakeSumsub.h"

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

namespace bourse::fakes {

/// Answers one /_fake/ request on `fake`.
void handleFakeControl(FakeSumsub& fake, Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp);

}  // namespace bourse::fakes
