#include "Errors.h"

#include "Entities.h"

namespace bourse::razorpay {

std::string oneLine(std::string text, std::size_t max) {
    for (char& c : text)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
    if (text.size() > max) text = text.substr(0, max) + "…";
    return text;
}

ApiError apiErrorOf(int httpStatus, const std::string& body) {
    ApiError e;
    e.httpStatus = httpStatus;
    try {
        const auto o = parseObject(body);
        if (!o->has("error") || o->get("error").type() != typeid(Poco::JSON::Object::Ptr)) return e;
        const auto err = o->getObject("error");
        const auto get = [&](const char* key) {
            return err->has(key) && err->get(key).isString() ? err->getValue<std::string>(key) : std::string();
        };
        e.code = get("code");
        e.description = get("description");
        e.field = get("field");
        e.reason = get("reason");
        e.source = get("source");
        // Razorpay writes "NA" for fields that do not apply.
        for (std::string* s : {&e.field, &e.reason, &e.source})
            if (*s == "NA") s->clear();
    } catch (const MalformedEntity&) {
        // Not Razorpay's error shape (a proxy's HTML page): the HTTP status decides alone.
    }
    return e;
}

Error errorFor(const ApiError& e, const std::string& what) {
    const std::string said = e.description.empty() ? "" : ": " + oneLine(e.description);
    const std::string http = "HTTP " + std::to_string(e.httpStatus);
    if (e.httpStatus == 429)
        return Error(BOURSE_E_UNAVAILABLE, "upstream: razorpay " + what + ": rate limited (" + http + ")" + said);
    if (e.httpStatus >= 500 || e.code == "SERVER_ERROR" || e.code == "GATEWAY_ERROR")
        return Error(BOURSE_E_UNAVAILABLE, "upstream: razorpay " + what + ": " + http + said);
    if (e.httpStatus == 401)
        return Error(BOURSE_E_CONFIG, "config: razorpay refused the API key (" + http + said +
                                          "): check config key_id and secrets.key_secret (test and live keys differ)");
    if (e.httpStatus == 403)
        return Error(BOURSE_E_CONFIG, "config: razorpay " + what + ": forbidden (" + http + said +
                                          "); payouts need this server's IP allow-listed in RazorpayX");
    if (e.description == "The id provided does not exist" || e.httpStatus == 404)
        return Error(BOURSE_E_NOT_FOUND, "razorpay: " + what + ": " + (said.empty() ? http : said.substr(2)));
    const std::string detail =
        (said.empty() ? http : said.substr(2)) + (e.field.empty() ? "" : " (field " + e.field + ")");
    if (e.code == "BAD_REQUEST_ERROR" && (!e.field.empty() || e.reason == "input_validation_failed"))
        return Error(BOURSE_E_INVALID, "razorpay: " + what + ": " + detail);
    return Error(BOURSE_E_REJECTED, "razorpay: " + what + ": " + detail);
}

Poco::JSON::Object::Ptr judge(const HttpResponse& response, const std::string& what) {
    if (response.status == 0)
        throw Error(BOURSE_E_UNAVAILABLE, "upstream: razorpay " + what + ": no response (" +
                                              oneLine(response.error.empty() ? "transport error" : response.error) +
                                              ")");
    if (response.status >= 200 && response.status < 300) {
        try {
            return parseObject(response.body);
        } catch (const MalformedEntity& e) {
            // The call may have taken effect: the kernel retries with the same key, which is safe.
            throw Error(BOURSE_E_UNAVAILABLE, "upstream: razorpay " + what + ": malformed reply (" + e.what() + ")");
        }
    }
    throw errorFor(apiErrorOf(response.status, response.body), what);
}

}  // namespace bourse::razorpay
