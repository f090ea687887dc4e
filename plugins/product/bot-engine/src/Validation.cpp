#include <bourse/bots/Validation.h>

namespace bourse::bots {
namespace {

std::string describe(const FieldErrors& errors) {
    std::string text = "invalid_params: ";
    for (std::size_t i = 0; i < errors.size(); ++i) {
        if (i > 0) text += "; ";
        text += errors[i].field + ": " + errors[i].message;
    }
    return text;
}

}  // namespace

InvalidParams::InvalidParams(FieldErrors errors)
    : std::invalid_argument(describe(errors)), errors_(std::move(errors)) {}

void requireValid(const FieldErrors& errors) {
    if (!errors.empty()) throw InvalidParams(errors);
}

}  // namespace bourse::bots
