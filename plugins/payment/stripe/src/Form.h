//
// Form.h — Stripe's v1 request bodies: application/x-www-form-urlencoded with
// bracket notation for nested fields (metadata[deposit_id]=dep_1,
// line_items[0][price_data][currency]=usd). Values are percent-encoded
// (RFC 3986 unreserved characters stay); brackets in keys stay literal, as
// stripe-node sends them.
//
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace bourse::stripe {

using Form = std::vector<std::pair<std::string, std::string>>;

/// "k1=v1&k2=v2", in the given order.
[[nodiscard]] std::string formEncode(const Form& fields);

/// Percent-encodes everything but A-Z a-z 0-9 - . _ ~ (and '[' ']' when keepBrackets).
[[nodiscard]] std::string percentEncode(const std::string& text, bool keepBrackets = false);

}  // namespace bourse::stripe
