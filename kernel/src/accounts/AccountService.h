//
// AccountService.h — users: registration, login with throttling and lockout,
// roles, the first operator, and the money actions tied to an account (demo
// credit at registration, demo reset, operator adjustments), each a ledger
// transaction.
//
// Errors are HttpError with the status and field a client should see.
// Thread-safe.
//
#pragma once

#include "accounts/PasswordHasher.h"
#include "accounts/TokenService.h"

#include <cstdint>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace bourse {

class AuditLog;
class Clock;
class CommitQueue;
class Database;

struct AccountsConfig {
    std::string currency = "USD";
    std::int64_t demoBalanceMinor = 1'000'000;  ///< 10,000.00
    Argon2Params argon2;
    int maxFailedLogins = 5;
    int lockoutSeconds = 900;
};

struct UserRecord {
    std::string id, email, name, role;
    bool disabled = false;
    std::int64_t createdNs = 0;
    std::string kycStatus = "none";  ///< none | pending | verified | rejected (see kyc/KycService.h)
};

class AccountService {
public:
    AccountService(Database& db, CommitQueue& commits, TokenService& tokens, AuditLog& audit, const Clock& clock,
                   AccountsConfig config);

    /// Creates a user with the demo balance. 400 (field) on bad input, 409 if the e-mail is taken.
    UserRecord registerUser(const std::string& email, const std::string& password, const std::string& name,
                            const std::string& role = "user");
    /// 401 on bad credentials (same answer for unknown e-mail), 429 while locked, 403 if disabled.
    IssuedTokens login(const std::string& email, const std::string& password);

    [[nodiscard]] std::optional<UserRecord> find(const std::string& id) const;
    [[nodiscard]] std::vector<UserRecord> search(const std::string& query, int limit) const;
    void setDisabled(const std::string& id, bool disabled, const std::string& actor);
    /// From an in-memory set kept current by setDisabled (no query per request).
    [[nodiscard]] bool isDisabled(const std::string& id) const;

    /// Creates the first operator if there is none. Returns the generated password
    /// when one had to be generated (to be printed once), else "".
    std::string ensureOperator(const std::string& email, const std::string& password);

    /// Sets the user's available balance back to the demo amount (a ledger transaction).
    void demoReset(const std::string& userId, const std::string& idempotencyKey);
    /// Operator credit (positive) or debit (negative) with a reason; audited.
    void adjustBalance(const std::string& userId, std::int64_t amountMinor, const std::string& reason,
                       const std::string& actor, const std::string& idempotencyKey);

    [[nodiscard]] const AccountsConfig& config() const noexcept { return _config; }
    [[nodiscard]] const PasswordHasher& hasher() const noexcept { return _hasher; }

private:
    Database& _db;
    CommitQueue& _commits;
    TokenService& _tokens;
    AuditLog& _audit;
    const Clock& _clock;
    AccountsConfig _config;
    PasswordHasher _hasher;
    std::string _dummyHash;  ///< verified against for unknown e-mails, so timing reveals nothing
    mutable std::mutex _disabledMutex;
    std::set<std::string> _disabled;
};

}  // namespace bourse
