//
// TokenService.h — short-lived access tokens (JWT, HS256) and rotating refresh
// tokens.
//
// Access tokens carry sub (user id), role, iat and exp in whole seconds; verify()
// checks the signature and algorithm (Poco) and the expiry (which Poco's
// verify() does not). Refresh tokens are random, stored only as SHA-256
// hashes, single-use: refreshing revokes the presented token and issues the
// next of its family; presenting a revoked token again revokes the family
// (token theft detection). Thread-safe.
//
// Every API request verifies its access token, and a client sends the same one
// for up to its whole lifetime, so verify() remembers the tokens whose
// signature it has checked (the expiry is still checked on every call).
//
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace bourse {

class Clock;
class Database;

struct AccessClaims {
    std::string userId;
    std::string role;
    std::int64_t expiresAt = 0;  ///< epoch seconds
};

struct IssuedTokens {
    std::string accessToken;
    std::string refreshToken;
    std::int64_t expiresIn = 0;  ///< seconds
};

class TokenService {
public:
    TokenService(Database& db, const Clock& clock, std::string secret, int accessTtlS, int refreshTtlS);

    /// Issues an access token and starts a new refresh-token family.
    IssuedTokens issue(const std::string& userId, const std::string& role);
    [[nodiscard]] std::optional<AccessClaims> verify(const std::string& token) const;

    /// Exchanges a refresh token for new tokens; nullopt with `why` when refused.
    /// `lookupRole` gives the user's current role, or nullopt if the user may not log in.
    std::optional<IssuedTokens> refresh(
        const std::string& refreshToken, std::string& why,
        const std::function<std::optional<std::string>(const std::string&)>& lookupRole);
    /// Revokes the family of the token (logout). False if the token is unknown.
    bool revoke(const std::string& refreshToken);
    /// Revokes every refresh token of a user (disabled account).
    void revokeUser(const std::string& userId);

    /// The signing secret from config, or one generated once and kept in the database.
    static std::string resolveSecret(Database& db, const std::string& configured);

private:
    std::string accessToken(const std::string& userId, const std::string& role, std::int64_t nowS) const;
    std::string newRefresh(const std::string& userId, const std::string& family);

    Database& _db;
    const Clock& _clock;
    std::string _secret;
    int _accessTtlS;
    int _refreshTtlS;
    // Signature-checked tokens; emptied when full (a token costs one HMAC to re-check).
    static constexpr std::size_t kVerifiedCap = 50'000;
    mutable std::mutex _verifiedMutex;
    mutable std::unordered_map<std::string, AccessClaims> _verified;
};

/// Lowercase hex SHA-256.
std::string sha256Hex(const std::string& data);
/// n random bytes, base64url without padding.
std::string randomToken(std::size_t bytes);

}  // namespace bourse
