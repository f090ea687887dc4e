//
// bourse/plugins/Signing.h — the message authentication every provider uses:
// HMAC over a request or a webhook body, as lower-case hex, and a comparison
// whose time does not depend on where two signatures differ.
//
// Providers differ only in what they sign (Stripe "t.body", Razorpay the raw
// body or "order|payment", Sumsub "ts+METHOD+path+body", Binance the query);
// building that message is the plugin's job, the arithmetic is here once.
// Pure functions, thread-safe, no exceptions except std::bad_alloc.
//
#pragma once

#include <string>
#include <string_view>

namespace bourse::plugins {

enum class Hmac { Sha1, Sha256, Sha512 };

/// Lower-case hex HMAC of `message` under `key` (both raw bytes).
std::string hmacHex(Hmac algorithm, std::string_view key, std::string_view message);

inline std::string hmacSha256Hex(std::string_view key, std::string_view message) {
    return hmacHex(Hmac::Sha256, key, message);
}

/// True when a and b are equal, taking the same time wherever they differ
/// (lengths are not secret: different lengths return false at once).
bool constantTimeEquals(std::string_view a, std::string_view b);

/// True when `received` is the hex HMAC of message under key; accepts upper- or
/// lower-case hex, compares in constant time.
bool verifyHmacHex(Hmac algorithm, std::string_view key, std::string_view message, std::string_view received);

}  // namespace bourse::plugins
