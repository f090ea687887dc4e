//
// Config.h — the sumsub plugin's configuration (the YAML `config:` block,
// handed over as JSON) and its three secrets. See ../README.md for every key.
//
// parse() throws bourse::Error(BOURSE_E_CONFIG) naming the key:
// "config: token_ttl_s: expected a whole number 60..86400".
//
#pragma once

#include <cstdint>
#include <string>

namespace bourse::sumsub {

struct SumsubConfig {
    std::string apiUrl = "https://api.sumsub.com";  ///< no trailing slash
    std::string levelName = "basic-kyc-level";
    /// Where the user goes to verify: "" (the kernel's page opens the WebSDK with
    /// access_token) or a template with {access_token}, {applicant_id},
    /// {user_ref}, {level_name} (each URL-encoded when expanded).
    std::string websdkUrl;
    std::int64_t tokenTtlS = 600;  ///< ttlInSecs of WebSDK access tokens
    std::int64_t requestTimeoutMs = 10'000;

    /// Throws bourse::Error(BOURSE_E_CONFIG) naming the key.
    static SumsubConfig parse(const std::string& json);

    /// websdkUrl with its placeholders replaced; "" when websdkUrl is "".
    [[nodiscard]] std::string redirectUrl(const std::string& accessToken, const std::string& applicantId,
                                          const std::string& userRef) const;
};

/// The secrets (from the entry's `secrets:` section), never logged nor echoed.
struct SumsubSecrets {
    std::string appToken;       ///< X-App-Token
    std::string secretKey;      ///< the app token's secret: signs every request
    std::string webhookSecret;  ///< the webhook's own secret (Webhook manager), not secretKey
};

}  // namespace bourse::sumsub
