//
// Review.h — what a Sumsub review result means to Bourse, in one place for the
// applicant the API returns and for the applicantReviewed webhook.
//
// reviewAnswer GREEN → "approved"; RED → "rejected", retry when
// reviewRejectType is RETRY (the user may resubmit), with a reason built from
// moderationComment (written to be shown to the user) and the reject labels.
// clientComment is never read: Sumsub writes it for the operator only, and on
// FINAL rejections it may hold private findings that must not reach the user.
//
#pragma once

#include <Poco/JSON/Object.h>

#include <optional>
#include <string>
#include <vector>

namespace bourse::sumsub {

struct Verdict {
    std::string status;  ///< "approved" or "rejected"
    std::string reason;  ///< rejected: moderation comment and labels; approved: ""
    bool retry = false;  ///< rejected with RETRY: the user may submit again
    std::vector<std::string> labels;
};

/// The verdict of a reviewResult object, or nullopt when it holds neither GREEN
/// nor RED (not decided yet). Null or non-object input gives nullopt.
std::optional<Verdict> verdictOf(const Poco::JSON::Object::Ptr& reviewResult);

/// "We do not accept screenshots. [SCREENSHOTS, UNSATISFACTORY_PHOTOS]": the
/// comment, then the labels in brackets; either may be missing.
std::string reasonOf(const std::string& moderationComment, const std::vector<std::string>& labels);

}  // namespace bourse::sumsub
