#include "Ids.h"

#include <bourse/plugins/Signing.h>

#include <algorithm>
#include <cctype>

namespace bourse::razorpay {

namespace {

/// A stable 16-hex-digit digest of an id. Not a secret: the key only separates
/// this use of SHA-256 from others, so any change to it changes every mapping.
std::string digest(std::string_view id) {
    return plugins::hmacSha256Hex("bourse-razorpay-id", id).substr(0, 16);
}

bool idempotencyChar(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == ' ' || c == '_' || c == '-';
}

}  // namespace

std::string receiptFor(std::string_view kernelId) {
    if (!kernelId.empty() && kernelId.size() <= 40) return std::string(kernelId);
    return std::string(kernelId.substr(0, 23)) + "-" + digest(kernelId);  // 23 + 1 + 16 = 40
}

std::string idempotencyKeyFor(std::string_view kernelId) {
    if (kernelId.size() >= 4 && kernelId.size() <= 36 && std::all_of(kernelId.begin(), kernelId.end(), idempotencyChar))
        return std::string(kernelId);
    std::string prefix(kernelId.substr(0, 19));
    std::replace_if(
        prefix.begin(), prefix.end(), [](char c) { return !idempotencyChar(c); }, '_');
    return prefix + "-" + digest(kernelId);  // at most 19 + 1 + 16 = 36, at least 17
}

bool plausibleId(std::string_view id) {
    return !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
    });
}

std::string kvKey(std::string_view prefix, std::string_view parts) {
    std::string key = std::string(prefix) + std::string(parts);
    if (key.size() <= 256) return key;
    return std::string(prefix) + "sha256:" + plugins::hmacSha256Hex("bourse-razorpay-kv", parts);
}

std::string encodeQuery(std::string_view value) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (const char ch : value) {
        const auto c = static_cast<unsigned char>(ch);
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out += ch;
        } else {
            out += '%';
            out += kHex[c >> 4];
            out += kHex[c & 0x0f];
        }
    }
    return out;
}

}  // namespace bourse::razorpay
