//
// Ids.h — how the kernel's ids become Razorpay fields, and which ids the plugin
// accepts from outside. The kernel's deposit and withdrawal ids are stable
// across retries; Razorpay limits what fits where:
//   order `receipt` and payout `reference_id`: at most 40 characters;
//   `X-Payout-Idempotency`: 4-36 characters of [A-Za-z0-9 _-].
// An id that fits is sent as it is (readable on the Razorpay dashboard); one
// that does not is mapped deterministically (a readable prefix plus a hash),
// so every retry sends the same value. The full id always travels in `notes`.
//
#pragma once

#include <string>
#include <string_view>

namespace bourse::razorpay {

/// The order `receipt` / payout `reference_id` for a kernel id (≤ 40 characters).
std::string receiptFor(std::string_view kernelId);

/// The `X-Payout-Idempotency` value for a withdrawal id (4-36 of [A-Za-z0-9 _-]).
std::string idempotencyKeyFor(std::string_view kernelId);

/// True for a Razorpay entity id safe to put in a URL path: 1-64 of [A-Za-z0-9_]
/// ("order_EKwxwAgItmmXdp", "pay_29QQoUBi66xm2f"). Prefixes are not enforced:
/// the caller says which entity it expects in its error message.
bool plausibleId(std::string_view id);

/// A host KV key `prefix + parts`, hashed when it would exceed the host's 256 bytes.
std::string kvKey(std::string_view prefix, std::string_view parts);

/// Percent-encodes a query parameter value (RFC 3986 unreserved kept).
std::string encodeQuery(std::string_view value);

}  // namespace bourse::razorpay
