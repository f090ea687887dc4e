#include "binance/SignedRequest.h"

#include <bourse/plugins/Signing.h>

#include <Poco/URI.h>

#include <algorithm>
#include <cctype>
#include <sstream>
#include <vector>

namespace bourse::fakes {

namespace {

FakeReply fail(int code, const std::string& msg, int status = 400) {
    return {status, R"({"code":)" + std::to_string(code) + R"(,"msg":")" + msg + R"("})"};
}

std::vector<std::string> split(const std::string& text) {
    std::vector<std::string> out;
    std::stringstream in(text);
    for (std::string piece; std::getline(in, piece, '&');)
        if (!piece.empty()) out.push_back(piece);
    return out;
}

/// The raw text without its `signature=...` piece(s), the other bytes untouched.
std::string withoutSignature(const std::string& raw, std::string& signature) {
    std::string out;
    std::stringstream in(raw);
    bool first = true;
    for (std::string piece; std::getline(in, piece, '&');) {
        if (piece.rfind("signature=", 0) == 0) {
            signature = piece.substr(10);
            continue;
        }
        if (!first) out += '&';
        out += piece;
        first = false;
    }
    return out;
}

bool keyFormatOk(const std::string& key) {
    return !key.empty() && key.size() <= 64 &&
           std::all_of(key.begin(), key.end(), [](unsigned char c) { return std::isalnum(c) != 0; });
}

/// The timing rule: nullopt when accepted.
std::optional<FakeReply> checkTime(const std::string& timestampText, const std::string& recvWindowText,
                                   std::int64_t serverNowMs) {
    if (timestampText.empty())
        return fail(-1102, "Mandatory parameter 'timestamp' was not sent, was empty/null, or malformed.");
    std::int64_t timestamp = 0;
    double recvWindow = 5000;
    try {
        std::size_t used = 0;
        timestamp = std::stoll(timestampText, &used);
        if (used != timestampText.size()) throw std::invalid_argument("timestamp");
        if (!recvWindowText.empty()) recvWindow = std::stod(recvWindowText);
    } catch (const std::exception&) {
        return fail(-1102, "Mandatory parameter 'timestamp' was not sent, was empty/null, or malformed.");
    }
    if (timestamp > 100'000'000'000'000LL) timestamp /= 1000;  // microseconds are accepted too
    if (recvWindow > 60'000 || recvWindow <= 0) return fail(-1131, "recvWindow must be less than 60000");
    if (timestamp >= serverNowMs + 1000)
        return fail(-1021, "Timestamp for this request was 1000ms ahead of the server's time.");
    if (static_cast<double>(serverNowMs - timestamp) > recvWindow)
        return fail(-1021, "Timestamp for this request is outside of the recvWindow.");
    return std::nullopt;
}

}  // namespace

std::map<std::string, std::string> requestParams(const std::string& rawQuery, const std::string& rawBody) {
    std::map<std::string, std::string> out;
    for (const auto* raw : {&rawQuery, &rawBody})
        for (const auto& piece : split(*raw)) {
            const auto eq = piece.find('=');
            std::string k, v;
            Poco::URI::decode(piece.substr(0, eq), k, true);
            if (eq != std::string::npos) Poco::URI::decode(piece.substr(eq + 1), v, true);
            out.emplace(k, v);  // emplace keeps the first: the query's value wins
        }
    return out;
}

std::optional<FakeReply> checkSignedRest(const std::string& apiKeyHeader, const std::string& rawQuery,
                                         const std::string& rawBody, const std::map<std::string, std::string>& params,
                                         std::int64_t serverNowMs, const SecretLookup& secretOf) {
    if (!keyFormatOk(apiKeyHeader)) return fail(-2014, "API-key format invalid.", 401);
    const auto secret = secretOf(apiKeyHeader);
    if (!secret) return fail(-2015, "Invalid API-key, IP, or permissions for action.", 401);
    const auto at = [&](const char* k) { return params.count(k) ? params.at(k) : std::string(); };
    if (auto bad = checkTime(at("timestamp"), at("recvWindow"), serverNowMs)) return bad;
    std::string signature;
    const std::string query = withoutSignature(rawQuery, signature);
    const std::string body = withoutSignature(rawBody, signature);
    if (signature.empty())
        return fail(-1102, "Mandatory parameter 'signature' was not sent, was empty/null, or malformed.");
    if (!bourse::plugins::verifyHmacHex(bourse::plugins::Hmac::Sha256, *secret, query + body, signature))
        return fail(-1022, "Signature for this request is not valid.");
    return std::nullopt;
}

std::optional<FakeReply> checkSignedWsApi(const Poco::JSON::Object& params, std::int64_t serverNowMs,
                                          const SecretLookup& secretOf) {
    const auto text = [&](const std::string& k) {
        return params.has(k) && !params.isNull(k) ? params.get(k).convert<std::string>() : std::string();
    };
    const std::string key = text("apiKey");
    if (!keyFormatOk(key)) return fail(-2014, "API-key format invalid.", 401);
    const auto secret = secretOf(key);
    if (!secret) return fail(-2015, "Invalid API-key, IP, or permissions for action.", 401);
    if (auto bad = checkTime(text("timestamp"), text("recvWindow"), serverNowMs)) return bad;
    const std::string signature = text("signature");
    if (signature.empty())
        return fail(-1102, "Mandatory parameter 'signature' was not sent, was empty/null, or malformed.");
    std::vector<std::string> names;
    params.getNames(names);
    std::sort(names.begin(), names.end());
    std::string payload;
    for (const auto& n : names) {
        if (n == "signature") continue;
        if (!payload.empty()) payload += '&';
        payload += n + "=" + text(n);
    }
    if (!bourse::plugins::verifyHmacHex(bourse::plugins::Hmac::Sha256, *secret, payload, signature))
        return fail(-1022, "Signature for this request is not valid.");
    return std::nullopt;
}

}  // namespace bourse::fakes
