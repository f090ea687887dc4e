#include "RequestSigner.h"

#include <bourse/plugins/Signing.h>

#include <Poco/Exception.h>
#include <Poco/URI.h>

#include <stdexcept>

namespace bourse::sumsub {

std::string requestSignature(std::string_view secretKey, std::string_view ts, std::string_view method,
                             std::string_view pathWithQuery, std::string_view body) {
    std::string message;
    message.reserve(ts.size() + method.size() + pathWithQuery.size() + body.size());
    message.append(ts).append(method).append(pathWithQuery).append(body);
    return plugins::hmacSha256Hex(secretKey, message);
}

std::string pathWithQuery(const std::string& url) {
    try {
        const std::string target = Poco::URI(url).getPathAndQuery();
        return target.empty() ? "/" : target;
    } catch (const Poco::Exception& e) {
        throw std::invalid_argument("not a URL: " + e.message());
    }
}

Headers signedHeaders(std::string_view appToken, std::string_view secretKey, std::int64_t nowNs,
                      std::string_view method, const std::string& url, std::string_view body) {
    const std::string ts = std::to_string(nowNs / 1'000'000'000);
    return {{"X-App-Token", std::string(appToken)},
            {"X-App-Access-Ts", ts},
            {"X-App-Access-Sig", requestSignature(secretKey, ts, method, pathWithQuery(url), body)},
            {"Content-Type", "application/json"},
            {"Accept", "application/json"}};
}

}  // namespace bourse::sumsub
