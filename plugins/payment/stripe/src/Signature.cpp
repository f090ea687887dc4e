#include "Signature.h"

#include <bourse/plugins/Signing.h>
#include <bourse/plugin.hpp>

#include <algorithm>
#include <cctype>

namespace bourse::stripe {

namespace {

[[noreturn]] void refuse(const std::string& why) {
    throw Error(BOURSE_E_SIGNATURE, "signature: " + why);
}

/// Stripe's t: a positive decimal without leading zeros (so the text signed is
/// the number stripe-node would print), at most 12 digits.
bool canonicalSeconds(std::string_view t) {
    return !t.empty() && t.size() <= 12 && t[0] != '0' &&
           std::all_of(t.begin(), t.end(), [](unsigned char c) { return std::isdigit(c); });
}

}  // namespace

SignatureHeader parseSignatureHeader(std::string_view header) {
    SignatureHeader out;
    bool haveT = false;
    std::size_t start = 0;
    while (start <= header.size()) {
        const std::size_t comma = std::min(header.find(',', start), header.size());
        const std::string_view item = header.substr(start, comma - start);
        start = comma + 1;
        const std::size_t eq = item.find('=');
        if (eq == std::string_view::npos) continue;  // stripe-node skips items without a value too
        const std::string_view key = item.substr(0, eq), value = item.substr(eq + 1);
        if (key == "t") {
            if (haveT) refuse("unable to extract timestamp and signatures from header (t given twice)");
            haveT = true;
            out.timestamp = std::string(value);
        } else if (key == "v1") {
            out.v1.emplace_back(value);
        }
    }
    if (!haveT || !canonicalSeconds(out.timestamp)) refuse("unable to extract timestamp and signatures from header");
    if (out.v1.empty()) refuse("no signatures found with expected scheme v1");
    return out;
}

std::int64_t verifySignature(std::string_view header, std::string_view rawBody, const std::vector<std::string>& secrets,
                             const SignaturePolicy& policy) {
    // HTTP allows whitespace around a header value; it is not part of it.
    while (!header.empty() && (header.front() == ' ' || header.front() == '\t'))
        header.remove_prefix(1);
    while (!header.empty() && (header.back() == ' ' || header.back() == '\t'))
        header.remove_suffix(1);
    if (header.empty()) refuse("missing Stripe-Signature header");
    const SignatureHeader h = parseSignatureHeader(header);

    std::string signedPayload;
    signedPayload.reserve(h.timestamp.size() + 1 + rawBody.size());
    signedPayload.append(h.timestamp).append(1, '.').append(rawBody);
    bool matched = false;
    for (const std::string& secret : secrets) {
        const std::string expected = plugins::hmacSha256Hex(secret, signedPayload);
        // Every candidate is compared (no early exit), each in constant time.
        for (const std::string& candidate : h.v1)
            matched = plugins::constantTimeEquals(expected, candidate) || matched;
    }
    if (!matched) refuse("no signatures found matching the expected signature for payload");

    const std::int64_t t = std::stoll(h.timestamp);
    if (policy.nowS - t > policy.toleranceS)
        refuse("timestamp outside the tolerance zone (signed " + std::to_string(policy.nowS - t) + " s ago, limit " +
               std::to_string(policy.toleranceS) + " s)");
    if (t - policy.nowS > policy.futureSkewS)
        refuse("timestamp " + std::to_string(t - policy.nowS) + " s in the future (limit " +
               std::to_string(policy.futureSkewS) + " s)");
    return t;
}

}  // namespace bourse::stripe
