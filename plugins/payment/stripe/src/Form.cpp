#include "Form.h"

#include <cctype>

namespace bourse::stripe {

std::string percentEncode(const std::string& text, bool keepBrackets) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size());
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || (keepBrackets && (c == '[' || c == ']')))
            out += ch;
        else {
            out += '%';
            out += kHex[c >> 4];
            out += kHex[c & 0x0f];
        }
    }
    return out;
}

std::string formEncode(const Form& fields) {
    std::string out;
    for (const auto& [key, value] : fields) {
        if (!out.empty()) out += '&';
        out += percentEncode(key, true) + "=" + percentEncode(value);
    }
    return out;
}

}  // namespace bourse::stripe
