#include "Errors.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <regex>

namespace bourse::stripe {

namespace {

struct StripeError {
    std::string type, code, declineCode, message;
};

/// Stripe's {"error":{type, code, decline_code, message, …}}; empty fields when the body is something else.
StripeError parseError(const std::string& body) {
    StripeError e;
    try {
        const auto v = Poco::JSON::Parser().parse(body);
        if (v.type() != typeid(Poco::JSON::Object::Ptr)) return e;
        const auto root = v.extract<Poco::JSON::Object::Ptr>();
        if (!root->isObject("error")) return e;
        const auto err = root->getObject("error");
        const auto field = [&](const char* key) {
            return err->has(key) && err->get(key).isString() ? err->getValue<std::string>(key) : std::string();
        };
        e = StripeError{field("type"), field("code"), field("decline_code"), field("message")};
    } catch (const Poco::Exception&) {
    }
    return e;
}

std::string describe(const StripeError& e, int status) {
    std::string out = "stripe " + std::to_string(status);
    if (!e.type.empty()) out += " " + e.type;
    if (!e.code.empty()) out += " (" + e.code + (e.declineCode.empty() ? "" : "/" + e.declineCode) + ")";
    if (!e.message.empty()) out += ": " + e.message;
    return out;
}

}  // namespace

std::string redact(std::string text, const std::vector<std::string>& secrets) {
    for (const std::string& s : secrets)
        for (std::size_t at; !s.empty() && (at = text.find(s)) != std::string::npos;)
            text.replace(at, s.size(), "[redacted]");
    static const std::regex shaped(R"(\b(sk|rk|whsec)_[A-Za-z0-9_*]+|\b[A-Za-z0-9_]+_secret_[A-Za-z0-9]+)");
    text = std::regex_replace(text, shaped, "[redacted]");
    if (text.size() > 300) {  // one line for the operator; never half a UTF-8 character
        text.resize(300);
        while (!text.empty() && (static_cast<unsigned char>(text.back()) & 0xC0) == 0x80)
            text.pop_back();
        if (!text.empty() && static_cast<unsigned char>(text.back()) >= 0xC0) text.pop_back();
        text += "…";
    }
    for (char& c : text)
        if (c == '\n' || c == '\r') c = ' ';
    return text;
}

Error upstreamError(const HttpResponse& r, const std::string& what, const std::vector<std::string>& secrets) {
    if (r.status == 0)
        return Error(BOURSE_E_UNAVAILABLE, "upstream: stripe " + what + ": no reply (" +
                                               redact(r.error.empty() ? "no response" : r.error, secrets) + ")");
    const StripeError e = parseError(r.body);
    const std::string detail = redact(describe(e, r.status), secrets);
    if (r.status == 401)
        // Stripe's message quotes part of the key: say what to fix instead.
        return Error(BOURSE_E_CONFIG, "config: secrets.secret_key: Stripe refused the API key (401) on " + what +
                                          "; check the key and that its mode (test/live) is the one intended");
    if (r.status == 403)
        return Error(BOURSE_E_CONFIG, "config: secrets.secret_key: the key may not " + what + " (" + detail + ")");
    if (r.status == 402 || (r.status == 400 && e.type == "card_error"))
        return Error(BOURSE_E_REJECTED, "upstream: " + what + " refused: " + detail);
    if (r.status == 400) return Error(BOURSE_E_INVALID, "upstream: " + what + " invalid: " + detail);
    if (r.status == 404) return Error(BOURSE_E_NOT_FOUND, "upstream: " + what + ": " + detail);
    if (r.status == 409 || r.status == 424 || r.status == 429 || r.status >= 500)
        return Error(BOURSE_E_UNAVAILABLE, "upstream: " + what + " unavailable, retry later: " + detail);
    return Error(BOURSE_E_INTERNAL, "upstream: " + what + ": unexpected reply " + detail);
}

}  // namespace bourse::stripe
