//
// bourse/bots/Validation.h — parameter errors that name the field.
//
// Validators return every problem found as {field, message}; field names are the
// snake_case keys the plugins accept in params_json ("safety_order_size",
// "pair.tick_size"), so a client can point at the offending input.
// requireValid() turns a non-empty list into InvalidParams, whose what() reads
// "invalid_params: field: message; field: message". Thread-safe (values only).
//
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace bourse::bots {

struct FieldError {
    std::string field;
    std::string message;
};

using FieldErrors = std::vector<FieldError>;

/// Parameters the engine refuses. A std::invalid_argument, so plugins map it to
/// BOURSE_E_INVALID like any other bad input.
class InvalidParams : public std::invalid_argument {
public:
    explicit InvalidParams(FieldErrors errors);
    [[nodiscard]] const FieldErrors& errors() const { return errors_; }

private:
    FieldErrors errors_;
};

/// Throws InvalidParams when `errors` is not empty.
void requireValid(const FieldErrors& errors);

}  // namespace bourse::bots
