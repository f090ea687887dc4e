//
// Signature.h — Stripe webhook signatures, exactly as stripe-node's
// Webhooks.ts checks them (wire-formats.md §6.5):
//
//   Stripe-Signature: t=1714000000,v1=<hex>[,v1=<hex>…][,v0=<hex>]
//   v1 = hex(HMAC_SHA256(whsec_… as bytes, "<t>." + raw body))
//
// The header is split on ',' and each item on its first '='; `t` is the
// timestamp, every `v1` a candidate signature, other schemes (v0) are ignored.
// The event is genuine when any v1 equals the HMAC under any configured
// secret (two during a rotation), compared in constant time. Then its age:
// refused when now − t > tolerance (stripe-node's rule, 300 s by default),
// and, unlike stripe-node, when t − now > future skew: a timestamp far ahead
// would make a captured event replayable for that long.
//
// Every failure throws bourse::Error(BOURSE_E_SIGNATURE) with a short
// "signature: …" message; nothing about the secrets is in it.
//
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace bourse::stripe {

struct SignatureHeader {
    std::string timestamp;        ///< the t value, exactly as sent
    std::vector<std::string> v1;  ///< every v1 value, in order
};

/// Splits the header; throws Error(BOURSE_E_SIGNATURE) when t is missing or
/// malformed (or given twice), or when no v1 is present.
[[nodiscard]] SignatureHeader parseSignatureHeader(std::string_view header);

struct SignaturePolicy {
    std::int64_t nowS = 0;           ///< the host clock, whole seconds
    std::int64_t toleranceS = 300;   ///< oldest accepted age
    std::int64_t futureSkewS = 300;  ///< furthest accepted distance ahead
};

/// Checks header against the raw body; returns the timestamp on success.
/// Throws Error(BOURSE_E_SIGNATURE) otherwise.
std::int64_t verifySignature(std::string_view header, std::string_view rawBody, const std::vector<std::string>& secrets,
                             const SignaturePolicy& policy);

}  // namespace bourse::stripe
