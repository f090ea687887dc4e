//
// Errors.h — what a failed Stripe reply means for the kernel (the error table
// of ../../README.md), as one bourse::Error with a one-line message:
//
//   no reply (timeout, refused connection) → BOURSE_E_UNAVAILABLE
//   400 card_error, 402                     → BOURSE_E_REJECTED (Stripe's message)
//   400 otherwise (invalid_request_error, idempotency_error) → BOURSE_E_INVALID
//   401, 403                                → BOURSE_E_CONFIG (the key is wrong or lacks a permission)
//   404                                     → BOURSE_E_NOT_FOUND
//   409, 424, 429, 5xx                      → BOURSE_E_UNAVAILABLE: the kernel retries with the same
//                                             idempotency key, which Stripe answers without acting twice
//   anything else                           → BOURSE_E_INTERNAL
//
// Stripe's own message is kept (it is what the operator needs) after
// redact(): a 401 quotes part of the key, and no secret may reach a log.
//
#pragma once

#include <bourse/plugin.hpp>

#include <string>
#include <vector>

namespace bourse::stripe {

/// The error a non-2xx reply (or no reply) stands for; `what` names the call ("create checkout session").
[[nodiscard]] Error upstreamError(const HttpResponse& response, const std::string& what,
                                  const std::vector<std::string>& secrets);

/// `text` without the given secrets and without anything shaped like a Stripe
/// secret (sk_…, rk_…, whsec_…, a client secret …_secret_…).
[[nodiscard]] std::string redact(std::string text, const std::vector<std::string>& secrets);

}  // namespace bourse::stripe
