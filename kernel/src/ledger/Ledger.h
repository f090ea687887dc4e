//
// Ledger.h — the double-entry ledger: every movement of money is a journal
// transaction whose entries sum to zero per currency, applied inside the
// caller's database transaction together with whatever it pays for (a trade,
// a settlement), so money and positions change together or not at all.
//
// Accounts are named, not numbered: "user:<uid>:available:USD",
// "user:<uid>:locked:USD", "user:<uid>:withdrawing:USD", "house:pnl:USD",
// "house:demo:USD", "house:deposits:USD", "house:withdrawals:USD",
// "house:adjustments:USD". Balances are kept on the
// account rows for speed and checked against the journal by verify().
//
// Overdraft is impossible: a posting marked `guarded` is applied with one
// conditional UPDATE that refuses to take the balance below zero, before any
// other posting, so a refused transaction leaves nothing behind. Every
// transaction carries an idempotency key (unique in the journal); applying a
// key twice changes nothing.
//
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace Poco::Data {
class Session;
}

namespace bourse {

class PreparedSession;

struct Posting {
    std::string account;
    std::string currency;
    std::int64_t amount = 0;  ///< minor units; positive raises the balance
    bool guarded = false;     ///< refuse the transaction if this takes the balance below zero
};

struct JournalTx {
    std::string idempotencyKey;
    std::string kind;       ///< "demo_credit", "stake_lock", "settlement", "adjustment", ...
    std::string userId;     ///< whose history it appears in ("" for house-only)
    std::string reference;  ///< e.g. position id
    std::string memo;
    std::vector<Posting> postings;
};

struct Balance {
    std::string currency;
    std::int64_t available = 0;
    std::int64_t locked = 0;
    std::int64_t withdrawing = 0;  ///< reserved for withdrawals in flight
    std::int64_t inBots = 0;       ///< held by the user's bots (their capital, or what they bought)
};

struct JournalLine {
    std::string id, kind, reference, memo, currency;
    std::int64_t createdNs = 0;
    std::int64_t availableChange = 0, lockedChange = 0;
};

struct VerifyReport {
    std::int64_t transactions = 0, accounts = 0;
    std::vector<std::string> problems;  ///< empty when the ledger is sound
};

class Ledger {
public:
    enum class Result { Applied, Duplicate, Insufficient };

    static std::string userAccount(const std::string& userId, const std::string& kind, const std::string& currency);
    static std::string houseAccount(const std::string& kind, const std::string& currency);

    /// Applies tx in the writer's open transaction (see CommitQueue). Throws std::logic_error for an
    /// unbalanced transaction or more than one guarded posting.
    static Result apply(PreparedSession& writer, const JournalTx& tx, std::int64_t nowNs);
    /// Applies many transactions at once (settlement): none may have a guarded
    /// posting, and every idempotency key must be new, or it throws and the
    /// caller's transaction must be rolled back. Balances are updated once per
    /// account for the whole set and rows are inserted many per statement.
    static void applyAll(PreparedSession& writer, const std::vector<JournalTx>& txs, std::int64_t nowNs);

    /// Available and locked balance per currency of a user, and what their paper
    /// bots hold (live bots' money is on the exchange: not counted).
    static std::vector<Balance> balances(Poco::Data::Session& session, const std::string& userId);
    /// A user's journal, newest first, starting after `cursor` (a journal id; "" for the newest).
    static std::vector<JournalLine> history(Poco::Data::Session& session, const std::string& userId,
                                            const std::string& cursor, int limit);
    /// Checks that every transaction balances, every account balance equals the
    /// sum of its entries, no user balance is negative, locked funds equal the
    /// stakes of open positions, funds reserved for withdrawals equal the
    /// withdrawals in flight, and stopped bots hold nothing.
    static VerifyReport verify(Poco::Data::Session& session);
};

/// "123.45" for 12345 minor units of a 2-decimal currency.
std::string formatMinor(std::int64_t minor, int decimals = 2);
/// Parses "100.00" / "100" / "0.5" into minor units; nullopt with why on error.
std::optional<std::int64_t> parseMinor(const std::string& text, int decimals, std::string& why);

}  // namespace bourse
