#include "venues/binance/RequestSigning.h"

#include <bourse/plugins/Signing.h>

#include <algorithm>

namespace bourse::venues::binance {

std::string percentEncode(std::string_view value) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(value.size());
    for (const char ch : value) {
        const auto c = static_cast<unsigned char>(ch);
        const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                                c == '-' || c == '.' || c == '_' || c == '~';
        if (unreserved) {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += kHex[c >> 4];
            out += kHex[c & 0x0F];
        }
    }
    return out;
}

QueryString& QueryString::add(std::string_view key, std::string_view value) {
    if (!_text.empty()) _text += '&';
    _text += percentEncode(key);
    _text += '=';
    _text += percentEncode(value);
    return *this;
}

std::string signRest(std::string_view secret, std::string_view query, std::string_view body) {
    std::string payload;
    payload.reserve(query.size() + body.size());
    payload.append(query).append(body);  // no separator: Binance concatenates them as they are
    return bourse::plugins::hmacSha256Hex(secret, payload);
}

std::string wsApiPayload(Params params) {
    params.erase(std::remove_if(params.begin(), params.end(), [](const auto& p) { return p.first == "signature"; }),
                 params.end());
    std::sort(params.begin(), params.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::string out;
    for (const auto& [k, v] : params) {
        if (!out.empty()) out += '&';
        out += k;
        out += '=';
        out += v;
    }
    return out;
}

std::string signWsApi(std::string_view secret, const Params& params) {
    return bourse::plugins::hmacSha256Hex(secret, wsApiPayload(params));
}

}  // namespace bourse::venues::binance
