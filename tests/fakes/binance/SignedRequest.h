//
// SignedRequest.h — how the fake Binance checks a SIGNED call, REST or
// WebSocket API, the way rest-api.md "Request security" describes it.
//
// REST: the API key comes in X-MBX-APIKEY (missing or malformed: -2014, 401;
// unknown: -2015, 401). `timestamp` is mandatory; `recvWindow` defaults to 5000
// and may not exceed 60000 (-1131). The request is accepted only when
// timestamp < serverTime + 1000 and serverTime - timestamp <= recvWindow (else
// -1021). The signature is hex HMAC-SHA256 of the query string followed by the
// body, exactly as received, minus the `signature` parameter itself (any case;
// else -1022). Parameters may be in the query, the body or both; the query wins.
// WebSocket API: the same checks on `params`, the payload being every param but
// `signature`, sorted by name, `k=v&...`.
//
// Pure functions; thread-safe.
//
#pragma once

#include "binance/FakeSpotExchange.h"

#include <Poco/JSON/Object.h>

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>

namespace bourse::fakes {

/// Decoded parameters of a request: query first, then body (the query wins).
std::map<std::string, std::string> requestParams(const std::string& rawQuery, const std::string& rawBody);

using SecretLookup = std::function<std::optional<std::string>(const std::string& apiKey)>;

/// The error reply for a REST request that fails the checks, or nullopt when it passes.
std::optional<FakeReply> checkSignedRest(const std::string& apiKeyHeader, const std::string& rawQuery,
                                         const std::string& rawBody, const std::map<std::string, std::string>& params,
                                         std::int64_t serverNowMs, const SecretLookup& secretOf);

/// The same for WebSocket API params ({apiKey, timestamp, recvWindow?, signature}).
std::optional<FakeReply> checkSignedWsApi(const Poco::JSON::Object& params, std::int64_t serverNowMs,
                                          const SecretLookup& secretOf);

}  // namespace bourse::fakes
