//
// RequestSigning.h — the bytes Binance signs, built once and signed here.
//
// REST (rest-api.md "SIGNED Endpoint security"): the signature is
// hex(HMAC-SHA256(secret, queryString + body)) over exactly the bytes sent, with
// non-ASCII percent-encoded first; it is appended as `&signature=<hex>`.
// WebSocket API (web-socket-api.md "SIGNED request example (HMAC)"): every
// param except `signature`, sorted by name, joined `k=v&k=v`, unencoded.
// The HMAC itself is bourse::plugins::hmacSha256Hex (plugins/common), the one
// implementation every provider uses.
//
// Pure functions; no exceptions except std::bad_alloc. Nothing here logs: the
// secret and the signatures never leave these functions except as return values.
//
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bourse::venues::binance {

/// RFC 3986 percent-encoding of everything but unreserved characters
/// (A-Z a-z 0-9 - . _ ~), UTF-8 bytes as %XX (upper-case hex).
std::string percentEncode(std::string_view value);

/// `k=v&k=v` in insertion order (Binance signs the order you send), values encoded.
class QueryString {
public:
    QueryString& add(std::string_view key, std::string_view value);
    [[nodiscard]] const std::string& str() const { return _text; }
    [[nodiscard]] bool empty() const { return _text.empty(); }

private:
    std::string _text;
};

/// hex(HMAC-SHA256(secret, query + body)): the REST signature (lower-case hex).
std::string signRest(std::string_view secret, std::string_view query, std::string_view body);

using Params = std::vector<std::pair<std::string, std::string>>;

/// The WebSocket API payload: params except "signature", sorted by name, `k=v&...`.
std::string wsApiPayload(Params params);
/// hex(HMAC-SHA256(secret, wsApiPayload(params))).
std::string signWsApi(std::string_view secret, const Params& params);

}  // namespace bourse::venues::binance
