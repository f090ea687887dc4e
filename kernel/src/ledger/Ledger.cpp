#include "ledger/Ledger.h"

#include "storage/PreparedSession.h"
#include "util/Ids.h"

#include <bourse/decimal.hpp>

#include <Poco/Data/Session.h>

#include <stdexcept>
#include <tuple>

using namespace Poco::Data::Keywords;

namespace bourse {

std::string Ledger::userAccount(const std::string& userId, const std::string& kind, const std::string& currency) {
    return "user:" + userId + ":" + kind + ":" + currency;
}

std::string Ledger::houseAccount(const std::string& kind, const std::string& currency) {
    return "house:" + kind + ":" + currency;
}

namespace {

/// Splits "user:<uid>:<kind>:<ccy>" / "house:<kind>:<ccy>" for account creation.
void describe(const std::string& account, std::string& userId, std::string& kind) {
    const auto last = account.rfind(':');
    const auto prev = account.rfind(':', last - 1);
    kind = account.substr(prev + 1, last - prev - 1);
    userId = account.rfind("user:", 0) == 0 ? account.substr(5, prev - 5) : "";
}

}  // namespace

namespace {

/// Throws std::logic_error unless tx sums to zero per currency and has at most
/// one guarded posting; returns that posting (or null).
const Posting* checkBalanced(const JournalTx& tx) {
    std::map<std::string, std::int64_t> sums;
    const Posting* guarded = nullptr;
    for (const auto& p : tx.postings) {
        sums[p.currency] += p.amount;
        if (p.guarded) {
            if (guarded) throw std::logic_error("ledger: at most one guarded posting per transaction");
            guarded = &p;
        }
    }
    for (const auto& [currency, sum] : sums)
        if (sum != 0) throw std::logic_error("ledger: transaction " + tx.kind + " does not balance in " + currency);
    return guarded;
}

const std::string kUpsertAccount =
    "INSERT INTO ledger_accounts (id, user_id, kind, currency, balance) VALUES ($1, $2, $3, $4, $5) "
    "ON CONFLICT (id) DO UPDATE SET balance = ledger_accounts.balance + excluded.balance";

/// Adds `amount` to an account, creating it with its first posting.
void deferPosting(PreparedSession& w, const std::string& account, const std::string& currency, std::int64_t amount) {
    std::string userId, kind;
    describe(account, userId, kind);
    Poco::Nullable<std::string> owner;
    if (!userId.empty()) owner = userId;
    w.defer(kUpsertAccount, account, owner, kind, currency, Poco::Int64{amount});
}

const std::string kInsertEntries = "INSERT INTO journal_entries (journal_id, account_id, currency, amount)";

}  // namespace

Ledger::Result Ledger::apply(PreparedSession& w, const JournalTx& tx, std::int64_t nowNs) {
    const Posting* guarded = checkBalanced(tx);

    // The journal row first: its unique idempotency key makes a repeat a no-op.
    const std::string id = newId("j");
    Poco::Nullable<std::string> user;
    if (!tx.userId.empty()) user = tx.userId;
    const Poco::Int64 at = nowNs;
    if (w.exec("INSERT INTO journal (id, idempotency_key, kind, user_id, reference, memo, created_ns) "
               "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (idempotency_key) DO NOTHING",
               id, tx.idempotencyKey, tx.kind, user, tx.reference, tx.memo, at) == 0)
        return Result::Duplicate;

    // Then the guarded posting: if it is refused, the journal row goes again and
    // the transaction has written nothing.
    if (guarded && w.exec("UPDATE ledger_accounts SET balance = balance + $1 WHERE id = $2 AND balance + $1 >= 0",
                          Poco::Int64{guarded->amount}, guarded->account) == 0) {
        w.exec("DELETE FROM journal WHERE id = $1", id);
        return Result::Insufficient;
    }
    // The rest cannot be refused: sent without waiting (see PreparedSession::defer).
    std::vector<std::tuple<std::string, std::string, std::string, Poco::Int64>> entries;
    for (const auto& p : tx.postings) {
        if (&p != guarded) deferPosting(w, p.account, p.currency, p.amount);
        entries.emplace_back(id, p.account, p.currency, p.amount);
    }
    w.deferRows(kInsertEntries, entries);
    return Result::Applied;
}

void Ledger::applyAll(PreparedSession& w, const std::vector<JournalTx>& txs, std::int64_t nowNs) {
    std::vector<std::tuple<std::string, std::string, std::string, Poco::Nullable<std::string>, std::string, std::string,
                           Poco::Int64>>
        journal;
    std::vector<std::tuple<std::string, std::string, std::string, Poco::Int64>> entries;
    // One balance update per account for the whole set, however many postings it has.
    std::map<std::string, std::pair<std::string, std::int64_t>> deltas;
    journal.reserve(txs.size());
    for (const auto& tx : txs) {
        if (checkBalanced(tx)) throw std::logic_error("ledger: applyAll takes no guarded postings");
        const std::string id = newId("j");
        Poco::Nullable<std::string> user;
        if (!tx.userId.empty()) user = tx.userId;
        journal.emplace_back(id, tx.idempotencyKey, tx.kind, user, tx.reference, tx.memo, Poco::Int64{nowNs});
        for (const auto& p : tx.postings) {
            entries.emplace_back(id, p.account, p.currency, p.amount);
            auto& d = deltas[p.account];
            d.first = p.currency;
            d.second += p.amount;
        }
    }
    // No ON CONFLICT: a key applied before makes the insert, and so the caller's transaction, fail.
    w.deferRows("INSERT INTO journal (id, idempotency_key, kind, user_id, reference, memo, created_ns)", journal);
    for (const auto& [account, delta] : deltas)
        deferPosting(w, account, delta.first, delta.second);
    w.deferRows(kInsertEntries, entries);
}

std::vector<Balance> Ledger::balances(Poco::Data::Session& s, const std::string& userId) {
    std::string uid = userId;
    std::vector<std::string> kinds, currencies;
    std::vector<Poco::Int64> amounts;
    // A live bot's accounts mirror money held on the exchange, not in Bourse:
    // they are the bot's business (its page), not the wallet's.
    s << "SELECT a.kind, a.currency, a.balance FROM ledger_accounts a WHERE a.user_id = $1 AND NOT EXISTS "
         "(SELECT 1 FROM bots b WHERE a.kind = 'bot-' || b.id AND b.venue <> 'paper') ORDER BY a.currency",
        use(uid), into(kinds), into(currencies), into(amounts), now;
    std::map<std::string, Balance> byCurrency;
    for (std::size_t i = 0; i < kinds.size(); ++i) {
        Balance& b = byCurrency[currencies[i]];
        b.currency = currencies[i];
        if (kinds[i] == "available")
            b.available = amounts[i];
        else if (kinds[i] == "locked")
            b.locked = amounts[i];
        else if (kinds[i] == "withdrawing")
            b.withdrawing = amounts[i];
        else if (kinds[i].rfind("bot-", 0) == 0)
            b.inBots += amounts[i];
    }
    std::vector<Balance> out;
    for (auto& [c, b] : byCurrency)
        out.push_back(b);
    return out;
}

std::vector<JournalLine> Ledger::history(Poco::Data::Session& s, const std::string& userId, const std::string& cursor,
                                         int limit) {
    std::string uid = userId, after = cursor.empty() ? std::string("~") : cursor;  // '~' sorts after every id
    int lim = limit;
    std::vector<std::string> ids, kinds, refs, memos;
    std::vector<Poco::Int64> created;
    s << "SELECT id, kind, reference, memo, created_ns FROM journal WHERE user_id = $1 AND id < $2 "
         "ORDER BY id DESC LIMIT $3",
        use(uid), use(after), use(lim), into(ids), into(kinds), into(refs), into(memos), into(created), now;
    std::vector<JournalLine> out;
    const std::string prefix = "user:" + userId + ":";
    for (std::size_t i = 0; i < ids.size(); ++i) {
        JournalLine line{ids[i], kinds[i], refs[i], memos[i], "", created[i], 0, 0};
        std::vector<std::string> accounts, currencies;
        std::vector<Poco::Int64> amounts;
        std::string jid = ids[i];
        s << "SELECT account_id, currency, amount FROM journal_entries WHERE journal_id = $1", use(jid), into(accounts),
            into(currencies), into(amounts), now;
        for (std::size_t k = 0; k < accounts.size(); ++k) {
            if (accounts[k].rfind(prefix, 0) != 0) continue;
            line.currency = currencies[k];
            if (accounts[k].find(":available:") != std::string::npos)
                line.availableChange += amounts[k];
            else if (accounts[k].find(":locked:") != std::string::npos)
                line.lockedChange += amounts[k];
        }
        out.push_back(std::move(line));
    }
    return out;
}

VerifyReport Ledger::verify(Poco::Data::Session& s) {
    VerifyReport r;
    s << "SELECT COUNT(*) FROM journal", into(r.transactions), now;
    s << "SELECT COUNT(*) FROM ledger_accounts", into(r.accounts), now;
    {
        std::vector<std::string> ids, currencies;
        std::vector<Poco::Int64> sums;
        s << "SELECT journal_id, currency, CAST(SUM(amount) AS BIGINT) FROM journal_entries GROUP BY journal_id, "
             "currency "
             "HAVING SUM(amount) <> 0",
            into(ids), into(currencies), into(sums), now;
        for (std::size_t i = 0; i < ids.size(); ++i)
            r.problems.push_back("transaction " + ids[i] + " does not balance in " + currencies[i] + " (sum " +
                                 std::to_string(sums[i]) + ")");
    }
    {
        std::vector<std::string> ids;
        s << "SELECT id FROM journal WHERE NOT EXISTS (SELECT 1 FROM journal_entries e WHERE e.journal_id = "
             "journal.id)",
            into(ids), now;
        for (const auto& id : ids)
            r.problems.push_back("transaction " + id + " has no entries");
    }
    {
        std::vector<std::string> ids;
        std::vector<Poco::Int64> balances, sums;
        // Sums first, in one pass over the entries: they have no index by account
        // (placing an order would pay for it on every write).
        s << "WITH sums AS (SELECT account_id, CAST(SUM(amount) AS BIGINT) AS total FROM journal_entries "
             "GROUP BY account_id) "
             "SELECT a.id, a.balance, COALESCE(sums.total, 0) FROM ledger_accounts a "
             "LEFT JOIN sums ON sums.account_id = a.id WHERE a.balance <> COALESCE(sums.total, 0)",
            into(ids), into(balances), into(sums), now;
        for (std::size_t i = 0; i < ids.size(); ++i)
            r.problems.push_back("account " + ids[i] + " balance " + std::to_string(balances[i]) +
                                 " differs from its journal sum " + std::to_string(sums[i]));
    }
    {
        std::vector<std::string> ids;
        s << "SELECT DISTINCT account_id FROM journal_entries WHERE account_id NOT IN (SELECT id FROM ledger_accounts)",
            into(ids), now;
        for (const auto& id : ids)
            r.problems.push_back("entries reference unknown account " + id);
    }
    {
        std::vector<std::string> ids;
        std::vector<Poco::Int64> balances;
        s << "SELECT id, balance FROM ledger_accounts WHERE user_id IS NOT NULL AND balance < 0", into(ids),
            into(balances), now;
        for (std::size_t i = 0; i < ids.size(); ++i)
            r.problems.push_back("account " + ids[i] + " is negative (" + std::to_string(balances[i]) + ")");
    }
    {
        // Locked funds are exactly the stakes of open positions.
        std::vector<std::string> users, currencies;
        std::vector<Poco::Int64> locked, stakes;
        s << "SELECT a.user_id, a.currency, a.balance, CAST(COALESCE((SELECT SUM(p.stake) FROM positions p "
             "WHERE p.user_id = a.user_id AND p.currency = a.currency AND p.status = 'OPEN'), 0) AS BIGINT) "
             "FROM ledger_accounts a WHERE a.kind = 'locked'",
            into(users), into(currencies), into(locked), into(stakes), now;
        for (std::size_t i = 0; i < users.size(); ++i)
            if (locked[i] != stakes[i])
                r.problems.push_back("user " + users[i] + " has " + std::to_string(locked[i]) + " " + currencies[i] +
                                     " locked but open stakes of " + std::to_string(stakes[i]));
    }
    {
        // Funds reserved for withdrawals are exactly the withdrawals not yet ended.
        std::vector<std::string> users, currencies;
        std::vector<Poco::Int64> reserved, inFlight;
        s << "SELECT a.user_id, a.currency, a.balance, CAST(COALESCE((SELECT SUM(w.amount) FROM withdrawals w "
             "WHERE w.user_id = a.user_id AND w.currency = a.currency AND w.status IN ('pending_approval', "
             "'approved', 'processing')), 0) AS BIGINT) FROM ledger_accounts a WHERE a.kind = 'withdrawing'",
            into(users), into(currencies), into(reserved), into(inFlight), now;
        for (std::size_t i = 0; i < users.size(); ++i)
            if (reserved[i] != inFlight[i])
                r.problems.push_back("user " + users[i] + " has " + std::to_string(reserved[i]) + " " + currencies[i] +
                                     " reserved for withdrawals but " + std::to_string(inFlight[i]) + " in flight");
    }
    {
        // A bot that has finished gave everything back: its accounts are empty.
        std::vector<std::string> ids;
        std::vector<Poco::Int64> balances;
        s << "SELECT a.id, a.balance FROM ledger_accounts a JOIN bots b ON a.kind = 'bot-' || b.id "
             "WHERE b.status IN ('stopped', 'deleted') AND a.balance <> 0",
            into(ids), into(balances), now;
        for (std::size_t i = 0; i < ids.size(); ++i)
            r.problems.push_back("account " + ids[i] + " of a stopped bot still holds " + std::to_string(balances[i]));
    }
    {
        // Placement's per-user open counters agree with the open positions.
        std::vector<std::string> users, products;
        std::vector<Poco::Int64> actual, counted;
        s << "SELECT p.user_id, p.product, COUNT(*), CAST(COALESCE(MAX(c.open_count), 0) AS BIGINT) FROM positions p "
             "LEFT JOIN open_positions c ON c.user_id = p.user_id AND c.product = p.product WHERE p.status = 'OPEN' "
             "GROUP BY p.user_id, p.product HAVING COUNT(*) <> COALESCE(MAX(c.open_count), 0)",
            into(users), into(products), into(actual), into(counted), now;
        for (std::size_t i = 0; i < users.size(); ++i)
            r.problems.push_back("user " + users[i] + " has " + std::to_string(actual[i]) + " open " + products[i] +
                                 " positions but a counter of " + std::to_string(counted[i]));
        users.clear();
        products.clear();
        counted.clear();
        s << "SELECT c.user_id, c.product, c.open_count FROM open_positions c WHERE c.open_count <> 0 AND NOT EXISTS "
             "(SELECT 1 FROM positions p WHERE p.user_id = c.user_id AND p.product = c.product AND p.status = 'OPEN')",
            into(users), into(products), into(counted), now;
        for (std::size_t i = 0; i < users.size(); ++i)
            r.problems.push_back("user " + users[i] + " has no open " + products[i] + " positions but a counter of " +
                                 std::to_string(counted[i]));
    }
    return r;
}

std::string formatMinor(std::int64_t minor, int decimals) {
    return Decimal(minor, decimals).toString();
}

std::optional<std::int64_t> parseMinor(const std::string& text, int decimals, std::string& why) {
    try {
        const Decimal d = Decimal::parse(text, decimals);
        return d.rescaled(decimals).mantissa;
    } catch (const std::invalid_argument& e) {
        why = e.what();
        if (why == "too many decimals") why = "at most " + std::to_string(decimals) + " decimals";
    } catch (const std::overflow_error&) {
        why = "number too large";
    }
    return std::nullopt;
}

}  // namespace bourse
