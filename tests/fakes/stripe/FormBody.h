//
// FormBody.h — Stripe's v1 request bodies as the fake reads them:
// application/x-www-form-urlencoded ('+' and %20 are spaces, %XX escapes)
// with bracket notation for nested fields (metadata[deposit_id],
// line_items[0][price_data][currency], expand[]), and the parameter schema
// check that answers "Received unknown parameter: …" as Stripe does.
//
#pragma once

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bourse::fakes::stripe {

/// A body that is not valid form encoding, or a key with unbalanced brackets.
struct FormError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct FormBody {
    std::vector<std::pair<std::string, std::string>> fields;  ///< decoded, in the order sent
    std::map<std::string, std::string> values;                ///< decoded; a repeated key keeps its last value

    /// The value of `key`; nullopt when absent or empty (Stripe reads "" as "not given").
    [[nodiscard]] std::optional<std::string> get(const std::string& key) const;
    /// The entries under `prefix[…]`: "metadata" → {"deposit_id": "dep_1"} for metadata[deposit_id]=dep_1.
    [[nodiscard]] std::map<std::string, std::string> children(const std::string& prefix) const;
};

/// Throws FormError.
[[nodiscard]] FormBody parseFormBody(std::string_view body);

/// "line_items[0][quantity]" → {"line_items", "0", "quantity"}; "expand[]" → {"expand", ""}.
/// Throws FormError for unbalanced or misplaced brackets.
[[nodiscard]] std::vector<std::string> keyPath(const std::string& key);

/// The first key that matches none of `patterns` (same bracket syntax; a "#"
/// segment is an array index (digits or empty), "*" any one segment), or nullopt.
[[nodiscard]] std::optional<std::string> unknownParameter(const FormBody& body,
                                                          const std::vector<std::string>& patterns);

/// Decodes one form component ('+' → space, %XX). Throws FormError for a bad escape.
[[nodiscard]] std::string formDecode(std::string_view text);

}  // namespace bourse::fakes::stripe
