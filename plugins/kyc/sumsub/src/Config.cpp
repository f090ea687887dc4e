#include "Config.h"

#include <bourse/plugins/ConfigReader.h>

#include <Poco/Exception.h>
#include <Poco/URI.h>

#include <algorithm>
#include <array>
#include <cctype>

namespace bourse::sumsub {

namespace {

using plugins::ConfigReader;

constexpr std::array<const char*, 4> kPlaceholders = {"{access_token}", "{applicant_id}", "{user_ref}", "{level_name}"};

/// Level names are set in the Sumsub dashboard; what they may contain is kept
/// to what travels unchanged in a query string and a JSON string.
bool validLevelName(const std::string& s) {
    return !s.empty() && s.size() <= 128 && std::all_of(s.begin(), s.end(), [](unsigned char c) {
        return std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == ' ';
    });
}

void checkTemplate(const ConfigReader& cfg, const std::string& url) {
    if (url.empty()) return;
    if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0 && url.front() != '/')
        cfg.fail("websdk_url", "must start with https://, http:// or / (a page of the kernel's own site)");
    for (std::size_t open = url.find('{'); open != std::string::npos; open = url.find('{', open + 1)) {
        const std::size_t close = url.find('}', open);
        if (close == std::string::npos) cfg.fail("websdk_url", "unclosed '{'");
        const std::string name = url.substr(open, close - open + 1);
        if (std::find(kPlaceholders.begin(), kPlaceholders.end(), name) == kPlaceholders.end())
            cfg.fail("websdk_url", "unknown placeholder " + name +
                                       " (known: {access_token}, {applicant_id}, {user_ref}, {level_name})");
    }
}

std::string encoded(const std::string& value) {
    std::string out;
    Poco::URI::encode(value, "!#$&'()*+,/:;=?@[]", out);  // a query value or a path segment either way
    return out;
}

}  // namespace

SumsubConfig SumsubConfig::parse(const std::string& json) {
    const ConfigReader cfg = ConfigReader::parse(json);
    cfg.allowOnly({"api_url", "level_name", "websdk_url", "token_ttl_s", "request_timeout_ms"});

    SumsubConfig c;
    c.apiUrl = cfg.baseUrl("api_url", c.apiUrl);
    try {
        if (!Poco::URI(c.apiUrl).getPath().empty() || c.apiUrl.find('?') != std::string::npos)
            cfg.fail("api_url", "scheme, host and port only (the plugin adds /resources/...)");
    } catch (const Poco::Exception& e) {
        cfg.fail("api_url", "not a URL: " + e.message());
    }
    c.levelName = cfg.text("level_name", c.levelName);
    if (!validLevelName(c.levelName))
        cfg.fail("level_name", "1..128 letters, digits, spaces and '-', '_', '.' (the level's name in Sumsub)");
    c.websdkUrl = cfg.text("websdk_url", c.websdkUrl);
    checkTemplate(cfg, c.websdkUrl);
    // Sumsub's WebSDK asks for a new token when one expires; a minute is the least that makes sense.
    c.tokenTtlS = cfg.whole("token_ttl_s", c.tokenTtlS, 60, 86'400);
    c.requestTimeoutMs = cfg.whole("request_timeout_ms", c.requestTimeoutMs, 100, 120'000);
    return c;
}

std::string SumsubConfig::redirectUrl(const std::string& accessToken, const std::string& applicantId,
                                      const std::string& userRef) const {
    std::string out = websdkUrl;
    const std::array<std::string, 4> values = {accessToken, applicantId, userRef, levelName};
    for (std::size_t i = 0; i < kPlaceholders.size(); ++i) {
        const std::string name = kPlaceholders[i];
        const std::string value = encoded(values[i]);
        for (std::size_t at = out.find(name); at != std::string::npos; at = out.find(name, at + value.size()))
            out.replace(at, name.size(), value);
    }
    return out;
}

}  // namespace bourse::sumsub
