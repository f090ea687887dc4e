#include "Webhook.h"

#include "Review.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <cctype>
#include <sstream>

namespace bourse::sumsub {

namespace {

std::optional<std::string> header(const Webhook& w, std::string_view name) {
    for (const auto& [k, v] : w.headers)
        if (k.size() == name.size() && std::equal(k.begin(), k.end(), name.begin(), [](char a, char b) {
                return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
            }))
            return v;
    return std::nullopt;
}

/// Reads `n` digits at `at`; advances it. nullopt when they are not all digits.
std::optional<int> digits(std::string_view s, std::size_t& at, std::size_t n) {
    if (at + n > s.size()) return std::nullopt;
    int v = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const char c = s[at + i];
        if (c < '0' || c > '9') return std::nullopt;
        v = v * 10 + (c - '0');
    }
    at += n;
    return v;
}

bool expect(std::string_view s, std::size_t& at, char c) {
    if (at >= s.size() || s[at] != c) return false;
    ++at;
    return true;
}

/// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
std::int64_t daysFromCivil(std::int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

std::string stringify(const Poco::JSON::Object& o) {
    std::ostringstream out;
    o.stringify(out);
    return out.str();
}

std::string text(const Poco::JSON::Object::Ptr& o, const std::string& key) {
    const auto v = o->get(key);
    return v.isString() ? v.convert<std::string>() : "";
}

/// The event's time: createdAtMs (a date text or a number), else createdAt.
std::optional<std::int64_t> createdAtMs(const Poco::JSON::Object::Ptr& o) {
    for (const char* key : {"createdAtMs", "createdAt"}) {
        const auto v = o->get(key);
        if (v.isString())
            if (const auto ms = parseSumsubTime(v.convert<std::string>())) return ms;
        if (v.isInteger() && std::string(key) == "createdAtMs") return v.convert<std::int64_t>();
    }
    return std::nullopt;
}

}  // namespace

std::optional<plugins::Hmac> digestAlgorithm(std::string_view headerValue) {
    if (headerValue == "HMAC_SHA1_HEX") return plugins::Hmac::Sha1;
    if (headerValue == "HMAC_SHA256_HEX") return plugins::Hmac::Sha256;
    if (headerValue == "HMAC_SHA512_HEX") return plugins::Hmac::Sha512;
    return std::nullopt;
}

void verifyDigest(const Webhook& webhook, const std::string& secret) {
    const auto algName = header(webhook, "X-Payload-Digest-Alg");
    if (!algName) throw Error(BOURSE_E_SIGNATURE, "signature: sumsub webhook without X-Payload-Digest-Alg");
    const auto alg = digestAlgorithm(*algName);
    if (!alg)
        throw Error(BOURSE_E_SIGNATURE,
                    "signature: sumsub webhook digest algorithm is not HMAC_SHA1_HEX, HMAC_SHA256_HEX or "
                    "HMAC_SHA512_HEX");
    const auto digest = header(webhook, "X-Payload-Digest");
    if (!digest || digest->empty())
        throw Error(BOURSE_E_SIGNATURE, "signature: sumsub webhook without X-Payload-Digest");
    if (!plugins::verifyHmacHex(*alg, secret, webhook.body, *digest))
        throw Error(BOURSE_E_SIGNATURE, "signature: sumsub webhook digest does not match its body");
}

std::optional<std::int64_t> parseSumsubTime(std::string_view s) {
    std::size_t at = 0;
    const auto year = digits(s, at, 4);
    if (!year || !expect(s, at, '-')) return std::nullopt;
    const auto month = digits(s, at, 2);
    if (!month || !expect(s, at, '-')) return std::nullopt;
    const auto day = digits(s, at, 2);
    if (!day || at >= s.size() || (s[at] != ' ' && s[at] != 'T')) return std::nullopt;
    ++at;
    const auto hour = digits(s, at, 2);
    if (!hour || !expect(s, at, ':')) return std::nullopt;
    const auto minute = digits(s, at, 2);
    if (!minute || !expect(s, at, ':')) return std::nullopt;
    const auto second = digits(s, at, 2);
    if (!second) return std::nullopt;
    if (*month < 1 || *month > 12 || *day < 1 || *day > 31 || *hour > 23 || *minute > 59 || *second > 60)
        return std::nullopt;
    int ms = 0;
    if (at < s.size() && s[at] == '.') {
        ++at;
        int scale = 100, seen = 0;
        for (; at < s.size() && std::isdigit(static_cast<unsigned char>(s[at])); ++at, ++seen) {
            ms += (s[at] - '0') * scale;
            scale /= 10;
        }
        if (seen == 0) return std::nullopt;
    }
    int offsetMin = 0;
    if (at < s.size() && s[at] == 'Z') {
        ++at;
    } else if (at < s.size() && (s[at] == '+' || s[at] == '-')) {
        const int sign = s[at++] == '-' ? -1 : 1;
        const auto oh = digits(s, at, 2);
        if (!oh) return std::nullopt;
        expect(s, at, ':');
        const auto om = digits(s, at, 2);
        if (!om) return std::nullopt;
        offsetMin = sign * (*oh * 60 + *om);
    }
    if (at != s.size()) return std::nullopt;
    const std::int64_t days = daysFromCivil(*year, static_cast<unsigned>(*month), static_cast<unsigned>(*day));
    const std::int64_t seconds = days * 86'400 + *hour * 3'600 + *minute * 60 + *second - offsetMin * 60;
    return seconds * 1'000 + ms;
}

std::string normalise(const Webhook& webhook, const std::string& secret, std::int64_t nowNs) {
    verifyDigest(webhook, secret);
    Poco::JSON::Object::Ptr o;
    try {
        const auto v = Poco::JSON::Parser().parse(webhook.body);
        if (v.type() == typeid(Poco::JSON::Object::Ptr)) o = v.extract<Poco::JSON::Object::Ptr>();
    } catch (const Poco::Exception&) {
    }
    if (!o) throw Error(BOURSE_E_INVALID, "sumsub: webhook body is not a JSON object");
    const std::string applicantId = text(o, "applicantId"), type = text(o, "type");
    if (applicantId.empty() || type.empty())
        throw Error(BOURSE_E_INVALID, "sumsub: webhook without applicantId or type");

    std::string status = "ignored";
    std::optional<Verdict> verdict;
    if (type == "applicantReviewed") {
        verdict = verdictOf(o->getObject("reviewResult"));
        if (!verdict) throw Error(BOURSE_E_INVALID, "sumsub: applicantReviewed without a GREEN or RED reviewAnswer");
        status = verdict->status;
    } else if (type == "applicantPending" || type == "applicantOnHold" || type == "applicantReset") {
        status = "pending";
    }

    const auto created = createdAtMs(o);
    const std::int64_t createdMs = created ? *created : nowNs / 1'000'000;
    // Sumsub resends the same payload (same createdAtMs) on retries: that is the dedupe key.
    // Without a time, the digest identifies the payload instead.
    const std::string eventId = applicantId + ":" + type + ":" +
                                (created ? std::to_string(*created)
                                         : "digest-" + header(webhook, "X-Payload-Digest").value_or("").substr(0, 32));

    Poco::JSON::Object out(Poco::JSON_PRESERVE_KEY_ORDER);
    out.set("event_id", eventId);
    out.set("type", type);
    out.set("session_id", applicantId);
    out.set("user_ref", text(o, "externalUserId"));
    out.set("status", status);
    out.set("reason", verdict ? verdict->reason : "");
    out.set("retry", verdict ? verdict->retry : false);
    Poco::JSON::Array::Ptr labels = new Poco::JSON::Array;
    if (verdict)
        for (const auto& l : verdict->labels)
            labels->add(l);
    out.set("reject_labels", labels);
    out.set("created_at_ms", createdMs);
    out.set("level_name", text(o, "levelName"));
    out.set("review_status", text(o, "reviewStatus"));
    return stringify(out);
}

}  // namespace bourse::sumsub
