//
// WebhookSender.h — how the fake Sumsub signs and posts a webhook:
// X-Payload-Digest = hex HMAC_<alg>(secret, body), X-Payload-Digest-Alg = alg,
// Content-Type: application/json, POSTed to an http:// URL with Sumsub's 5 s timeout.
//
#pragma once

#include "sumsub/FakeSumsub.h"

#include <string>

namespace bourse::fakes {

/// The digest Sumsub would send: HMAC_SHA1_HEX, HMAC_SHA256_HEX or
/// HMAC_SHA512_HEX; any other name is signed with SHA-256 (the fake can send
/// an algorithm name the receiver must refuse).
std::string payloadDigest(const std::string& alg, const std::string& secret, const std::string& body);

/// Signs and sends; the attempt (status, or error when not delivered) comes
/// back filled in. An empty url records an attempt that was not sent. Never throws.
FakeSumsubWebhook sendWebhook(const std::string& url, const std::string& secret, const std::string& alg,
                              FakeSumsubWebhook attempt);

}  // namespace bourse::fakes
