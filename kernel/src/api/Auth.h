//
// Auth.h — who is calling: the bearer access token of a user, checked on every
// authenticated route, plus per-user and per-IP rate limits.
//
#pragma once

#include <string>

namespace bourse {

class Kernel;
class Request;

struct Caller {
    std::string userId;
    std::string role;  ///< "user" or "operator"
    [[nodiscard]] bool isOperator() const { return role == "operator"; }
};

/// The authenticated user, or HttpError 401 (missing/invalid/expired token),
/// 403 (disabled account) or 429 (rate limit).
Caller requireUser(Request& request, Kernel& kernel);
/// Like requireUser, and 403 unless the caller is an operator. `server.admin_token`
/// (automation) is accepted as an operator too. Returns the audit actor name.
std::string requireOperator(Request& request, Kernel& kernel);
/// Per-IP limit for unauthenticated auth endpoints; HttpError 429 when exceeded.
void limitByAddress(Request& request, Kernel& kernel);

}  // namespace bourse
