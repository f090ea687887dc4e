//
// Errors.h — what a Razorpay HTTP reply means for the kernel, as one rule
// (plugins/payment/README.md, Errors):
//
//   2xx with a JSON object      → the object
//   no response / timeout       → BOURSE_E_UNAVAILABLE (the kernel retries with the same key)
//   429, 5xx, SERVER_ERROR,
//   GATEWAY_ERROR, a 2xx that
//   is not JSON                 → BOURSE_E_UNAVAILABLE
//   401                         → BOURSE_E_CONFIG: the key pair is wrong
//   403                         → BOURSE_E_CONFIG: not allowed (payouts need the IP allow-listed)
//   "The id provided does not
//   exist" / 404                → BOURSE_E_NOT_FOUND
//   BAD_REQUEST_ERROR with a
//   `field` or reason
//   input_validation_failed     → BOURSE_E_INVALID: the request broke a rule
//   other 4xx                   → BOURSE_E_REJECTED: Razorpay refused (balance, state)
//
// Messages carry Razorpay's own description (one line, shortened), never a
// secret: "razorpay: The amount must be at least INR 1.00 (field amount)".
//
#pragma once

#include <bourse/plugin.hpp>

#include <Poco/JSON/Object.h>

#include <string>

namespace bourse::razorpay {

/// Razorpay's {"error":{code, description, field, reason, source, step}}.
struct ApiError {
    int httpStatus = 0;
    std::string code, description, field, reason, source;
};

/// Reads an error body; fields stay empty when the body is not Razorpay's shape.
ApiError apiErrorOf(int httpStatus, const std::string& body);

/// The reply as an object, or throws bourse::Error with the status above.
/// `what` names the call for messages ("create order").
Poco::JSON::Object::Ptr judge(const HttpResponse& response, const std::string& what);

/// The bourse::Error an error reply maps to (the table above; not for 2xx).
Error errorFor(const ApiError& e, const std::string& what);

/// Text safe for a one-line operator message: control characters replaced,
/// at most `max` bytes.
std::string oneLine(std::string text, std::size_t max = 240);

}  // namespace bourse::razorpay
