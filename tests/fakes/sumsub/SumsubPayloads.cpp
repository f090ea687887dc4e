#include "sumsub/SumsubPayloads.h"

#include <Poco/DateTime.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <sstream>

namespace bourse::fakes::sumsub_payloads {

namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

Object::Ptr ordered() {
    return new Object(Poco::JSON_PRESERVE_KEY_ORDER);
}

std::string stringify(const Object::Ptr& o) {
    std::ostringstream out;
    o->stringify(out);
    return out.str();
}

/// reviewResult as Sumsub writes it: GREEN alone, RED with its comments and labels.
Object::Ptr reviewResult(const FakeSumsubReview& r) {
    auto o = ordered();
    if (r.answer == "RED") {
        if (!r.moderationComment.empty()) o->set("moderationComment", r.moderationComment);
        if (!r.clientComment.empty()) o->set("clientComment", r.clientComment);
    }
    o->set("reviewAnswer", r.answer);
    if (r.answer == "RED") {
        Array::Ptr labels = new Array;
        for (const auto& l : r.rejectLabels)
            labels->add(l);
        o->set("rejectLabels", labels);
        if (!r.rejectType.empty()) o->set("reviewRejectType", r.rejectType);
    }
    return o;
}

}  // namespace

std::string utcText(std::int64_t ms, bool millis) {
    const Poco::DateTime t{Poco::Timestamp(static_cast<Poco::Timestamp::TimeVal>(ms) * 1000)};
    return Poco::DateTimeFormatter::format(t, millis ? "%Y-%m-%d %H:%M:%S.%i" : "%Y-%m-%d %H:%M:%S");
}

std::string hexId(std::mt19937_64& random, std::size_t length) {
    static const char* digits = "0123456789abcdef";
    std::string out;
    while (out.size() < length)
        out += digits[random() % 16];
    return out;
}

std::string errorBody(int code, const std::string& description, const std::string& correlationId, int errorCode) {
    auto o = ordered();
    o->set("description", description);
    o->set("code", code);
    o->set("correlationId", correlationId);
    if (errorCode) o->set("errorCode", errorCode);
    return stringify(o);
}

std::string applicantJson(const ApplicantRecord& a, const std::string& clientId) {
    auto o = ordered();
    o->set("id", a.id);
    o->set("createdAt", utcText(a.createdAtMs, false));
    o->set("clientId", clientId);
    o->set("inspectionId", a.inspectionId);
    o->set("externalUserId", a.externalUserId);
    if (!a.email.empty()) o->set("email", a.email);
    if (!a.country.empty()) {
        auto fixed = ordered();
        fixed->set("country", a.country);
        o->set("fixedInfo", fixed);
    }
    o->set("type", "individual");
    auto review = ordered();
    review->set("reviewId", a.reviewId);
    review->set("attemptId", a.attemptId);
    review->set("attemptCnt", a.attemptCnt);
    review->set("levelName", a.levelName);
    review->set("createDate", utcText(a.reviewCreatedMs, false) + "+0000");
    if (a.reviewDateMs) review->set("reviewDate", utcText(a.reviewDateMs, false) + "+0000");
    if (a.review) review->set("reviewResult", reviewResult(*a.review));
    review->set("reviewStatus", a.reviewStatus);
    review->set("priority", 0);
    o->set("review", review);
    return stringify(o);
}

std::string statusJson(const ApplicantRecord& a) {
    auto o = ordered();
    o->set("reviewId", a.reviewId);
    o->set("attemptId", a.attemptId);
    o->set("attemptCnt", a.attemptCnt);
    o->set("levelName", a.levelName);
    o->set("createDate", utcText(a.reviewCreatedMs, false) + "+0000");
    if (a.reviewDateMs) o->set("reviewDate", utcText(a.reviewDateMs, false) + "+0000");
    if (a.review) o->set("reviewResult", reviewResult(*a.review));
    o->set("reviewStatus", a.reviewStatus);
    o->set("priority", 0);
    return stringify(o);
}

std::string webhookBody(const std::string& type, const ApplicantRecord& a, const std::string& clientId,
                        std::int64_t createdAtMs, const std::string& correlationId) {
    auto o = ordered();
    o->set("applicantId", a.id);
    o->set("inspectionId", a.inspectionId);
    o->set("applicantType", "individual");
    o->set("correlationId", correlationId);
    o->set("levelName", a.levelName);
    o->set("sandboxMode", true);
    o->set("externalUserId", a.externalUserId);
    o->set("type", type);
    if (type == "applicantReviewed" && a.review) o->set("reviewResult", reviewResult(*a.review));
    o->set("reviewStatus", a.reviewStatus);
    o->set("createdAt", utcText(createdAtMs, false));
    o->set("createdAtMs", utcText(createdAtMs, true));
    o->set("clientId", clientId);
    return stringify(o);
}

FakeSumsubApplicant publicView(const ApplicantRecord& a, const std::string& clientId) {
    FakeSumsubApplicant p;
    p.id = a.id;
    p.externalUserId = a.externalUserId;
    p.levelName = a.levelName;
    p.email = a.email;
    p.country = a.country;
    p.reviewStatus = a.reviewStatus;
    p.review = a.review;
    p.json = applicantJson(a, clientId);
    return p;
}

}  // namespace bourse::fakes::sumsub_payloads
