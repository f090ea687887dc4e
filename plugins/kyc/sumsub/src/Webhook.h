//
// Webhook.h — Sumsub's webhooks: the digest check and the event Bourse gets.
//
// Sumsub signs the raw body: X-Payload-Digest = hex HMAC_<alg>(webhook secret,
// body), with <alg> named by X-Payload-Digest-Alg: HMAC_SHA1_HEX,
// HMAC_SHA256_HEX or HMAC_SHA512_HEX. A missing or other algorithm, a missing
// or wrong digest → BOURSE_E_SIGNATURE, before the body is parsed; the
// comparison takes constant time. The key is the webhook's own secret (set in
// Sumsub's Webhook manager), never the app token's secret key.
//
// The event (normalise()), always these keys in this order:
//   {"event_id":"<applicantId>:<type>:<created_at_ms>", "type":"applicantReviewed",
//    "session_id":"<applicantId>", "user_ref":"<externalUserId>",
//    "status":"approved"|"rejected"|"pending"|"ignored", "reason":"...",
//    "retry":false, "reject_labels":[...], "created_at_ms":1582291399321,
//    "level_name":"basic-kyc-level", "review_status":"completed"}
// applicantReviewed GREEN → approved, RED → rejected (reason and labels, retry
// for RETRY); applicantPending, applicantOnHold, applicantReset → pending;
// every other type → ignored. A verified body that is no Sumsub event (not a
// JSON object, no applicantId or type, applicantReviewed without GREEN/RED) →
// BOURSE_E_INVALID.
//
#pragma once

#include <bourse/plugins/Signing.h>
#include <bourse/plugin.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace bourse::sumsub {

/// The algorithm an X-Payload-Digest-Alg value names (exact spelling), or nullopt.
std::optional<plugins::Hmac> digestAlgorithm(std::string_view headerValue);

/// Throws Error(BOURSE_E_SIGNATURE) unless the webhook carries a valid digest of its body under secret.
void verifyDigest(const Webhook& webhook, const std::string& secret);

/// Epoch ms of a Sumsub time: "2020-02-21 13:23:19.001" (UTC), also with 'T',
/// any number of fraction digits, "Z", "+0000" or "+00:00". nullopt otherwise.
std::optional<std::int64_t> parseSumsubTime(std::string_view text);

/// verifyDigest, then the normalised event JSON (see the banner). nowNs stands
/// in for created_at_ms when the payload carries neither createdAtMs nor createdAt.
std::string normalise(const Webhook& webhook, const std::string& secret, std::int64_t nowNs);

}  // namespace bourse::sumsub
