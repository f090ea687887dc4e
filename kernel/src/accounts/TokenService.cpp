#include "accounts/TokenService.h"

#include "storage/Database.h"
#include "storage/Sql.h"
#include "util/Clock.h"
#include "util/Ids.h"

#include <Poco/Base64Encoder.h>
#include <Poco/JWT/Signer.h>
#include <Poco/JWT/Token.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <sstream>
#include <stdexcept>

using namespace Poco::Data::Keywords;

namespace bourse {

std::string sha256Hex(const std::string& data) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
    static const char* hex = "0123456789abcdef";
    std::string out;
    for (unsigned int i = 0; i < len; ++i) {
        out += hex[md[i] >> 4];
        out += hex[md[i] & 15];
    }
    return out;
}

std::string randomToken(std::size_t bytes) {
    std::string raw(bytes, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(bytes)) != 1)
        throw std::runtime_error("no randomness");
    std::ostringstream out;
    Poco::Base64Encoder enc(out, Poco::BASE64_URL_ENCODING | Poco::BASE64_NO_PADDING);
    enc.rdbuf()->setLineLength(0);
    enc << raw;
    enc.close();
    return out.str();
}

std::string TokenService::resolveSecret(Database& db, const std::string& configured) {
    if (!configured.empty()) {
        if (configured.size() < 32) throw std::invalid_argument("security.jwt_secret must be at least 32 characters");
        return configured;
    }
    Poco::Data::Session s = db.session();
    Poco::Nullable<std::string> stored;
    s << "SELECT v FROM kernel_settings WHERE k = 'jwt_secret'", into(stored), now;
    if (!stored.isNull()) return stored.value();
    std::string fresh = randomToken(48);
    // Another instance may win the race; both then read the winner's value.
    s << "INSERT INTO kernel_settings (k, v) VALUES ('jwt_secret', $1) ON CONFLICT (k) DO NOTHING", use(fresh), now;
    s << "SELECT v FROM kernel_settings WHERE k = 'jwt_secret'", into(stored), now;
    return stored.value();
}

TokenService::TokenService(Database& db, const Clock& clock, std::string secret, int accessTtlS, int refreshTtlS)
    : _db(db), _clock(clock), _secret(std::move(secret)), _accessTtlS(accessTtlS), _refreshTtlS(refreshTtlS) {}

std::string TokenService::accessToken(const std::string& userId, const std::string& role, std::int64_t nowS) const {
    Poco::JWT::Token token;
    token.setType("JWT");
    token.setSubject(userId);
    token.payload().set("role", role);
    // Whole seconds: Poco would otherwise write fractional numbers.
    token.payload().set("iat", static_cast<Poco::Int64>(nowS));
    token.payload().set("exp", static_cast<Poco::Int64>(nowS + _accessTtlS));
    token.setId(newId("at"));
    Poco::JWT::Signer signer(_secret);
    return signer.sign(token, Poco::JWT::Signer::ALGO_HS256);
}

std::string TokenService::newRefresh(const std::string& userId, const std::string& family) {
    const std::string token = "rt_" + randomToken(32);
    Poco::Data::Session s = _db.session();
    std::string hash = sha256Hex(token), uid = userId, fam = family;
    Poco::Int64 nowNs = _clock.nowNs();
    Poco::Int64 expires = nowNs + static_cast<std::int64_t>(_refreshTtlS) * 1'000'000'000;
    s << "INSERT INTO refresh_tokens (token_hash, user_id, family, expires_ns, revoked, created_ns) "
         "VALUES ($1, $2, $3, $4, 0, $5)",
        use(hash), use(uid), use(fam), use(expires), use(nowNs), now;
    return token;
}

IssuedTokens TokenService::issue(const std::string& userId, const std::string& role) {
    const std::int64_t nowS = _clock.nowNs() / 1'000'000'000;
    return IssuedTokens{accessToken(userId, role, nowS), newRefresh(userId, newId("rf")), _accessTtlS};
}

std::optional<AccessClaims> TokenService::verify(const std::string& jwt) const {
    const std::int64_t nowS = _clock.nowNs() / 1'000'000'000;
    {
        std::lock_guard lock(_verifiedMutex);
        if (const auto it = _verified.find(jwt); it != _verified.end()) {
            if (it->second.expiresAt > nowS) return it->second;
            _verified.erase(it);
            return std::nullopt;
        }
    }
    Poco::JWT::Signer signer(_secret);  // accepts HS256 only by default
    Poco::JWT::Token token;
    try {
        if (!signer.tryVerify(jwt, token)) return std::nullopt;
    } catch (const Poco::Exception&) {
        return std::nullopt;  // not even shaped like a JWT
    }
    if (token.getAlgorithm() != Poco::JWT::Signer::ALGO_HS256) return std::nullopt;
    if (!token.payload().has("exp")) return std::nullopt;
    const auto exp = token.payload().getValue<Poco::Int64>("exp");
    if (exp <= nowS) return std::nullopt;  // Poco does not check expiry
    AccessClaims claims{token.getSubject(), token.payload().optValue<std::string>("role", "user"), exp};
    std::lock_guard lock(_verifiedMutex);
    if (_verified.size() >= kVerifiedCap) _verified.clear();
    _verified.emplace(jwt, claims);
    return claims;
}

std::optional<IssuedTokens> TokenService::refresh(
    const std::string& refreshToken, std::string& why,
    const std::function<std::optional<std::string>(const std::string&)>& lookupRole) {
    Poco::Nullable<std::string> user, family;
    Poco::Nullable<Poco::Int64> expires;
    std::size_t claimed = 0;
    {
        // One session at a time: lookupRole and newRefresh take their own.
        Poco::Data::Session s = _db.session();
        std::string hash = sha256Hex(refreshToken);
        Poco::Nullable<int> revoked;
        s << "SELECT user_id, family, expires_ns, revoked FROM refresh_tokens WHERE token_hash = $1", use(hash),
            into(user), into(family), into(expires), into(revoked), now;
        if (user.isNull()) {
            why = "unknown refresh token";
            return std::nullopt;
        }
        // Single use: the UPDATE that revokes it is the one that wins a race.
        claimed =
            affected((s << "UPDATE refresh_tokens SET revoked = 1 WHERE token_hash = $1 AND revoked = 0", use(hash)));
        if (claimed == 0) {
            std::string fam = family.value();
            s << "UPDATE refresh_tokens SET revoked = 1 WHERE family = $1", use(fam), now;
            why = "refresh token already used; all sessions of this login were revoked";
            return std::nullopt;
        }
    }
    if (expires.value() <= _clock.nowNs()) {
        why = "refresh token expired";
        return std::nullopt;
    }
    const auto role = lookupRole(user.value());
    if (!role) {
        why = "account disabled";
        return std::nullopt;
    }
    const std::int64_t nowS = _clock.nowNs() / 1'000'000'000;
    return IssuedTokens{accessToken(user.value(), *role, nowS), newRefresh(user.value(), family.value()), _accessTtlS};
}

bool TokenService::revoke(const std::string& refreshToken) {
    Poco::Data::Session s = _db.session();
    std::string hash = sha256Hex(refreshToken);
    Poco::Nullable<std::string> family;
    s << "SELECT family FROM refresh_tokens WHERE token_hash = $1", use(hash), into(family), now;
    if (family.isNull()) return false;
    std::string fam = family.value();
    s << "UPDATE refresh_tokens SET revoked = 1 WHERE family = $1", use(fam), now;
    return true;
}

void TokenService::revokeUser(const std::string& userId) {
    Poco::Data::Session s = _db.session();
    std::string uid = userId;
    s << "UPDATE refresh_tokens SET revoked = 1 WHERE user_id = $1", use(uid), now;
}

}  // namespace bourse
