#include "accounts/AccountService.h"

#include "http/HttpError.h"
#include "ledger/Ledger.h"
#include "log/Log.h"
#include "storage/AuditLog.h"
#include "storage/CommitQueue.h"
#include "storage/Database.h"
#include "storage/PreparedSession.h"
#include "storage/Sql.h"
#include "util/Clock.h"
#include "util/Ids.h"

#include <algorithm>
#include <regex>

using namespace Poco::Data::Keywords;

namespace bourse {

namespace {

std::string normalizeEmail(std::string email) {
    std::transform(email.begin(), email.end(), email.begin(), [](unsigned char c) { return std::tolower(c); });
    email.erase(0, email.find_first_not_of(" \t"));
    email.erase(email.find_last_not_of(" \t") + 1);
    return email;
}

UserRecord readUser(Poco::Data::Session& s, const std::string& column, const std::string& value) {
    UserRecord u;
    std::string v = value;
    Poco::Nullable<std::string> id;
    int disabled = 0;
    Poco::Int64 created = 0;
    s << "SELECT id, email, name, role, disabled, created_ns, kyc_status FROM users WHERE " + column + " = $1", use(v),
        into(id), into(u.email), into(u.name), into(u.role), into(disabled), into(created), into(u.kycStatus), now;
    if (id.isNull()) return {};
    u.id = id.value();
    u.disabled = disabled != 0;
    u.createdNs = created;
    return u;
}

}  // namespace

AccountService::AccountService(Database& db, CommitQueue& commits, TokenService& tokens, AuditLog& audit,
                               const Clock& clock, AccountsConfig config)
    : _db(db),
      _commits(commits),
      _tokens(tokens),
      _audit(audit),
      _clock(clock),
      _config(std::move(config)),
      _hasher(_config.argon2),
      _dummyHash(_hasher.hash("timing-equaliser-not-a-password")) {
    Poco::Data::Session s = _db.session();
    std::vector<std::string> ids;
    s << "SELECT id FROM users WHERE disabled <> 0", into(ids), now;
    _disabled.insert(ids.begin(), ids.end());
}

bool AccountService::isDisabled(const std::string& id) const {
    std::lock_guard lock(_disabledMutex);
    return _disabled.count(id) > 0;
}

UserRecord AccountService::registerUser(const std::string& rawEmail, const std::string& password,
                                        const std::string& rawName, const std::string& role) {
    const std::string email = normalizeEmail(rawEmail);
    static const std::regex emailPattern(R"([^@\s]{1,64}@[^@\s]+\.[^@\s]+)");
    if (email.size() > 254 || !std::regex_match(email, emailPattern))
        throw HttpError::badRequest("email: not a valid e-mail address", "email");
    std::string name = rawName;
    name.erase(0, name.find_first_not_of(" \t"));
    name.erase(name.find_last_not_of(" \t") + 1);
    if (name.empty() || name.size() > 100) throw HttpError::badRequest("name: must be 1 to 100 characters", "name");
    if (const std::string why = PasswordHasher::problemWith(password, email); !why.empty())
        throw HttpError::badRequest("password: " + why, "password");

    UserRecord u{newId("u"), email, name, role, false, _clock.nowNs()};
    std::string hash = _hasher.hash(password);  // slow on purpose: outside any transaction
    bool taken = false;
    // Through the single writer: on SQLite a read-then-write transaction racing
    // other writers would fail with "database is locked" instead of waiting.
    _commits.run([&](PreparedSession& w) {
        taken = w.first<std::string>("SELECT id FROM users WHERE email = $1", u.email).has_value();
        if (taken) return;
        w.exec("INSERT INTO users (id, email, name, password_hash, role, created_ns) VALUES ($1, $2, $3, $4, $5, $6)",
               u.id, u.email, u.name, hash, u.role, Poco::Int64{u.createdNs});
        // Both of the user's accounts exist from the start, so balances read as 0.00, not absent.
        for (const std::string kind : {"available", "locked"})
            w.exec("INSERT INTO ledger_accounts (id, user_id, kind, currency, balance) VALUES ($1, $2, $3, $4, 0)",
                   Ledger::userAccount(u.id, kind, _config.currency), u.id, kind, _config.currency);
        if (_config.demoBalanceMinor > 0 && role == "user") {
            JournalTx tx{"demo_credit:" + u.id, "demo_credit", u.id, u.id, "demo balance", {}};
            tx.postings = {
                {Ledger::houseAccount("demo", _config.currency), _config.currency, -_config.demoBalanceMinor},
                {Ledger::userAccount(u.id, "available", _config.currency), _config.currency, _config.demoBalanceMinor}};
            Ledger::apply(w, tx, u.createdNs);
        }
    });
    if (taken) throw HttpError(409, "Conflict", "email: an account with this e-mail already exists", "email");
    log::info("accounts", "user registered", {{"user", u.id}, {"role", role}});
    return u;
}

IssuedTokens AccountService::login(const std::string& rawEmail, const std::string& password) {
    const std::string email = normalizeEmail(rawEmail);
    Poco::Nullable<std::string> id, hash, role;
    int disabled = 0, failed = 0;
    Poco::Int64 lockedUntil = 0;
    {
        // Sessions are held only around queries, never across the slow hash or
        // while another session is taken (that would deadlock a full pool).
        Poco::Data::Session s = _db.session();
        std::string e = email;
        s << "SELECT id, password_hash, role, disabled, failed_logins, locked_until_ns FROM users WHERE email = $1",
            use(e), into(id), into(hash), into(role), into(disabled), into(failed), into(lockedUntil), now;
    }
    const HttpError bad(401, "Unauthorized", "invalid e-mail or password");
    if (id.isNull()) {
        (void)_hasher.verify(_dummyHash, password);  // same work as a real check
        throw bad;
    }
    std::string uid = id.value();
    const std::int64_t nowNs = _clock.nowNs();
    if (lockedUntil > nowNs) {
        const auto wait = (lockedUntil - nowNs) / 1'000'000'000 + 1;
        throw HttpError(429, "Too Many Requests",
                        "too many failed logins: account locked for " + std::to_string(wait) + " more seconds");
    }
    if (!_hasher.verify(hash.value(), password)) {
        Poco::Data::Session s = _db.session();
        // Count the failure; the attempt that reaches the limit starts the lockout.
        s << "UPDATE users SET failed_logins = failed_logins + 1 WHERE id = $1", use(uid), now;
        if (failed + 1 >= _config.maxFailedLogins) {
            Poco::Int64 until = nowNs + static_cast<std::int64_t>(_config.lockoutSeconds) * 1'000'000'000;
            s << "UPDATE users SET failed_logins = 0, locked_until_ns = $1 WHERE id = $2", use(until), use(uid), now;
            log::warn("accounts", "account locked after failed logins", {{"user", uid}});
        }
        throw bad;
    }
    if (disabled) throw HttpError(403, "Forbidden", "this account is disabled");
    if (failed > 0) {
        Poco::Data::Session s = _db.session();
        s << "UPDATE users SET failed_logins = 0 WHERE id = $1", use(uid), now;
    }
    return _tokens.issue(uid, role.value());
}

std::optional<UserRecord> AccountService::find(const std::string& id) const {
    Poco::Data::Session s = _db.session();
    UserRecord u = readUser(s, "id", id);
    if (u.id.empty()) return std::nullopt;
    return u;
}

std::vector<UserRecord> AccountService::search(const std::string& query, int limit) const {
    Poco::Data::Session s = _db.session();
    std::string pattern = "%" + normalizeEmail(query) + "%";
    int lim = limit;
    std::vector<std::string> ids, emails, names, roles, kyc;
    std::vector<int> disabled;
    std::vector<Poco::Int64> created;
    s << "SELECT id, email, name, role, disabled, created_ns, kyc_status FROM users WHERE LOWER(email) LIKE $1 OR "
         "LOWER(name) LIKE $1 OR id = $2 ORDER BY created_ns DESC LIMIT $3",
        use(pattern), bind(query), use(lim), into(ids), into(emails), into(names), into(roles), into(disabled),
        into(created), into(kyc), now;
    std::vector<UserRecord> out;
    for (std::size_t i = 0; i < ids.size(); ++i)
        out.push_back({ids[i], emails[i], names[i], roles[i], disabled[i] != 0, created[i], kyc[i]});
    return out;
}

void AccountService::setDisabled(const std::string& id, bool disabled, const std::string& actor) {
    std::size_t n = 0;
    {
        Poco::Data::Session s = _db.session();
        std::string uid = id;
        int flag = disabled ? 1 : 0;
        n = affected((s << "UPDATE users SET disabled = $1 WHERE id = $2", use(flag), use(uid)));
    }
    if (n == 0) throw HttpError::notFound("unknown user '" + id + "'");
    {
        std::lock_guard lock(_disabledMutex);
        if (disabled)
            _disabled.insert(id);
        else
            _disabled.erase(id);
    }
    if (disabled) _tokens.revokeUser(id);
    _audit.record(actor, disabled ? "user.disable" : "user.enable", id, "");
}

std::string AccountService::ensureOperator(const std::string& email, const std::string& password) {
    {
        Poco::Data::Session s = _db.session();
        Poco::Int64 operators = 0;
        s << "SELECT COUNT(*) FROM users WHERE role = 'operator'", into(operators), now;
        if (operators > 0) return "";
    }
    std::string pw = password;
    std::string generated;
    if (pw.empty()) {
        generated = randomToken(18);
        pw = generated;
    }
    const UserRecord u = registerUser(email.empty() ? "operator@bourse.local" : email, pw, "Operator", "operator");
    _audit.record("system", "user.create_operator", u.id, u.email);
    return generated;
}

void AccountService::demoReset(const std::string& userId, const std::string& idempotencyKey) {
    const std::string ccy = _config.currency;
    const std::string available = Ledger::userAccount(userId, "available", ccy);
    Ledger::Result result = Ledger::Result::Applied;
    _commits.run([&](PreparedSession& w) {
        const std::int64_t current =
            w.first<Poco::Int64>("SELECT balance FROM ledger_accounts WHERE id = $1", available).value_or(0);
        const std::int64_t delta = _config.demoBalanceMinor - current;
        result = Ledger::Result::Applied;
        if (delta == 0) return;
        JournalTx tx{
            "demo_reset:" + userId + ":" + idempotencyKey, "demo_reset", userId, userId, "demo balance reset", {}};
        tx.postings = {{Ledger::houseAccount("demo", ccy), ccy, -delta}, {available, ccy, delta, delta < 0}};
        result = Ledger::apply(w, tx, _clock.nowNs());
    });
    if (result == Ledger::Result::Insufficient)
        throw HttpError(409, "Conflict", "the balance changed during the reset; try again");
}

void AccountService::adjustBalance(const std::string& userId, std::int64_t amountMinor, const std::string& reason,
                                   const std::string& actor, const std::string& idempotencyKey) {
    if (!find(userId)) throw HttpError::notFound("unknown user '" + userId + "'");
    if (amountMinor == 0) throw HttpError::badRequest("amount: must not be zero", "amount");
    const std::string ccy = _config.currency;
    Ledger::Result result = Ledger::Result::Applied;
    _commits.run([&](PreparedSession& w) {
        JournalTx tx{"adjust:" + idempotencyKey, "adjustment", userId, actor, reason, {}};
        tx.postings = {{Ledger::houseAccount("adjustments", ccy), ccy, -amountMinor},
                       {Ledger::userAccount(userId, "available", ccy), ccy, amountMinor, amountMinor < 0}};
        result = Ledger::apply(w, tx, _clock.nowNs());
    });
    if (result == Ledger::Result::Insufficient)
        throw HttpError(409, "Conflict", "amount: the user's available balance is smaller than the debit", "amount");
    if (result == Ledger::Result::Applied)
        _audit.record(actor, "balance.adjust", userId, formatMinor(amountMinor) + " " + ccy + ": " + reason);
}

}  // namespace bourse
