//
// RequestSigner.h — Sumsub's request authentication (wire-formats.md §7.1):
// every call carries
//   X-App-Token:      the app token
//   X-App-Access-Ts:  UNIX seconds (the host clock)
//   X-App-Access-Sig: hex HMAC_SHA256(secret key, ts + METHOD + path_with_query + body)
// where path_with_query is exactly what goes on the request line.
//
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bourse::sumsub {

using Headers = std::vector<std::pair<std::string, std::string>>;

/// Lower-case hex HMAC_SHA256(secretKey, ts + method + pathWithQuery + body).
std::string requestSignature(std::string_view secretKey, std::string_view ts, std::string_view method,
                             std::string_view pathWithQuery, std::string_view body);

/// The request line's target for an absolute URL, as the host's HTTP client
/// (Poco) sends it: Sumsub signs what arrives, so the plugin signs this, not
/// the text it built. Throws std::invalid_argument for a URL Poco refuses.
std::string pathWithQuery(const std::string& url);

/// The headers of a signed call: X-App-Token, X-App-Access-Ts, X-App-Access-Sig,
/// Content-Type: application/json (Sumsub asks for it even on GET) and Accept.
Headers signedHeaders(std::string_view appToken, std::string_view secretKey, std::int64_t nowNs,
                      std::string_view method, const std::string& url, std::string_view body);

}  // namespace bourse::sumsub
