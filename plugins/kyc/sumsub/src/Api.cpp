#include "Api.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/String.h>
#include <Poco/URI.h>

#include <sstream>

namespace bourse::sumsub::api {

namespace {

Poco::JSON::Object::Ptr objectOf(const std::string& body) {
    try {
        const auto v = Poco::JSON::Parser().parse(body);
        if (v.type() == typeid(Poco::JSON::Object::Ptr)) return v.extract<Poco::JSON::Object::Ptr>();
    } catch (const Poco::Exception&) {
    }
    return nullptr;
}

std::string stringify(const Poco::JSON::Object& o) {
    std::ostringstream out;
    o.stringify(out);
    return out.str();
}

std::string encode(const std::string& s, const std::string& reserved) {
    std::string out;
    Poco::URI::encode(s, reserved, out);
    return out;
}

std::string shortened(std::string s) {
    constexpr std::size_t kMax = 300;
    if (s.size() > kMax) s = s.substr(0, kMax) + "...";
    return s;
}

}  // namespace

std::string createApplicantUrl(const std::string& apiUrl, const std::string& levelName) {
    return apiUrl + "/resources/applicants?levelName=" + encode(levelName, "&=+#?");
}

std::string applicantByExternalIdUrl(const std::string& apiUrl, const std::string& externalUserId) {
    return apiUrl + "/resources/applicants/-;externalUserId=" + encode(externalUserId, "/;=?#&+") + "/one";
}

std::string accessTokenUrl(const std::string& apiUrl) {
    return apiUrl + "/resources/accessTokens/sdk";
}

std::string createApplicantBody(const std::string& externalUserId, const std::string& email,
                                const std::optional<std::string>& countryAlpha3) {
    Poco::JSON::Object body(Poco::JSON_PRESERVE_KEY_ORDER);
    body.set("externalUserId", externalUserId);
    if (!email.empty()) body.set("email", email);
    if (countryAlpha3) {
        Poco::JSON::Object::Ptr fixed = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        fixed->set("country", *countryAlpha3);
        body.set("fixedInfo", fixed);
    }
    return stringify(body);
}

std::string accessTokenBody(const std::string& externalUserId, const std::string& levelName, std::int64_t ttlS) {
    Poco::JSON::Object body(Poco::JSON_PRESERVE_KEY_ORDER);
    body.set("userId", externalUserId);
    body.set("levelName", levelName);
    body.set("ttlInSecs", ttlS);
    return stringify(body);
}

Applicant parseApplicant(const std::string& body) {
    const auto o = objectOf(body);
    if (!o || !o->has("id") || !o->get("id").isString() || o->getValue<std::string>("id").empty())
        throw Error(BOURSE_E_UNAVAILABLE, "upstream: sumsub sent an applicant without an id");
    Applicant a;
    a.id = o->getValue<std::string>("id");
    a.externalUserId = o->optValue<std::string>("externalUserId", "");
    if (const auto review = o->getObject("review")) {
        a.reviewStatus = review->optValue<std::string>("reviewStatus", "");
        // A result left from an earlier attempt does not count while a new one is under way.
        if (a.reviewStatus == "completed") a.verdict = verdictOf(review->getObject("reviewResult"));
    }
    return a;
}

std::string parseAccessToken(const std::string& body) {
    const auto o = objectOf(body);
    const std::string token = o ? o->optValue<std::string>("token", "") : "";
    if (token.empty()) throw Error(BOURSE_E_UNAVAILABLE, "upstream: sumsub sent an access-token reply without a token");
    return token;
}

bool applicantAlreadyExists(const HttpResponse& response) {
    if (response.status != 409) return false;
    return Poco::toLower(describe(response, {})).find("already exists") != std::string::npos;
}

std::string describe(const HttpResponse& response, const std::vector<std::string>& secrets) {
    std::string text;
    if (const auto o = objectOf(response.body)) text = o->optValue<std::string>("description", "");
    if (text.empty()) text = response.body;
    for (const auto& secret : secrets)
        if (!secret.empty()) Poco::replaceInPlace(text, secret, std::string("***"));
    for (char& c : text)
        if (c == '\n' || c == '\r') c = ' ';
    return shortened(text);
}

Error failure(const HttpResponse& response, const std::string& what, const std::vector<std::string>& secrets) {
    const int s = response.status;
    if (s == 0) {
        std::string why = response.error.empty() ? "no reply" : response.error;
        if (why.rfind("upstream: ", 0) == 0) why.erase(0, 10);  // the host's client already says where it failed
        for (const auto& secret : secrets)
            if (!secret.empty()) Poco::replaceInPlace(why, secret, std::string("***"));
        return Error(BOURSE_E_UNAVAILABLE, "upstream: sumsub " + what + ": " + shortened(why));
    }
    const std::string code = " (HTTP " + std::to_string(s) + ")";
    const std::string description = describe(response, secrets);
    if (s == 401)
        return Error(BOURSE_E_CONFIG, "config: sumsub refused the request signature" + code + ": " + description +
                                          "; check the secrets app_token and secret_key (a sandbox token starts "
                                          "with sbx:) and that the host clock is right");
    if (s == 403)
        return Error(BOURSE_E_CONFIG,
                     "config: sumsub refused the app token's permissions for " + what + code + ": " + description);
    if (s == 429) return Error(BOURSE_E_UNAVAILABLE, "upstream: sumsub rate limit" + code + ": " + description);
    if (s >= 500 || s < 400) return Error(BOURSE_E_UNAVAILABLE, "upstream: sumsub " + what + code + ": " + description);
    const bool invalid = s == 400 || s == 404 || s == 422;
    return Error(invalid ? BOURSE_E_INVALID : BOURSE_E_REJECTED, "sumsub: " + what + code + ": " + description);
}

}  // namespace bourse::sumsub::api
