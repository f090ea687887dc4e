#include "api/Auth.h"

#include "accounts/AccountService.h"
#include "app/Kernel.h"
#include "http/HttpError.h"
#include "http/Router.h"
#include "util/RateLimiter.h"

#include <openssl/crypto.h>

namespace bourse {

namespace {

std::string bearer(const Request& r) {
    const std::string auth = r.http.get("Authorization", "");
    if (auth.rfind("Bearer ", 0) != 0) return "";
    return auth.substr(7);
}

HttpError tooMany(std::chrono::seconds retry) {
    return HttpError(429, "Too Many Requests",
                     "rate limit exceeded; retry in " + std::to_string(std::max<long>(1, retry.count())) + " s");
}

}  // namespace

Caller requireUser(Request& r, Kernel& kernel) {
    const std::string token = bearer(r);
    if (token.empty()) throw HttpError(401, "Unauthorized", "missing 'Authorization: Bearer <access token>'");
    const auto claims = kernel.tokens().verify(token);
    if (!claims) throw HttpError(401, "Unauthorized", "invalid or expired access token");
    if (kernel.accounts().isDisabled(claims->userId)) throw HttpError(403, "Forbidden", "this account is disabled");
    std::chrono::seconds retry{0};
    if (!kernel.userLimiter().allow(claims->userId, &retry)) {
        r.response.set("Retry-After", std::to_string(retry.count()));
        throw tooMany(retry);
    }
    return Caller{claims->userId, claims->role};
}

std::string requireOperator(Request& r, Kernel& kernel) {
    const std::string& adminToken = kernel.config().server.adminToken;
    const std::string token = bearer(r);
    if (!adminToken.empty() && token.size() == adminToken.size() &&
        CRYPTO_memcmp(token.data(), adminToken.data(), token.size()) == 0)
        return "admin-token";
    const Caller c = requireUser(r, kernel);
    if (!c.isOperator()) throw HttpError(403, "Forbidden", "the operator API requires the operator role");
    return c.userId;
}

void limitByAddress(Request& r, Kernel& kernel) {
    std::chrono::seconds retry{0};
    if (!kernel.authLimiter().allow(r.http.clientAddress().host().toString(), &retry)) {
        r.response.set("Retry-After", std::to_string(retry.count()));
        throw tooMany(retry);
    }
}

}  // namespace bourse
