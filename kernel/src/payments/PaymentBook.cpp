#include "payments/PaymentBook.h"

#include "ledger/Ledger.h"
#include "storage/PreparedSession.h"

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Statement.h>

#include <stdexcept>
#include <tuple>

using namespace Poco::Data::Keywords;

namespace bourse::payment_book {

namespace {

const char* const kDepositColumns =
    "id, user_id, gateway, amount, currency, status, provider_ref, payment_ref, refunded, reason, created_ns, "
    "updated_ns, completed_ns";
const char* const kWithdrawalColumns =
    "id, user_id, gateway, amount, currency, status, method, destination_json, deposit_id, provider_ref, reason, "
    "reviewed_by, attempts, created_ns, updated_ns, completed_ns";

std::string str(const Poco::Data::RecordSet& rs, std::size_t col, std::size_t row) {
    return rs.isNull(col, row) ? std::string() : rs.value(col, row).convert<std::string>();
}
std::int64_t num(const Poco::Data::RecordSet& rs, std::size_t col, std::size_t row) {
    return rs.isNull(col, row) ? 0 : rs.value(col, row).convert<Poco::Int64>();
}

Deposit depositAt(const Poco::Data::RecordSet& rs, std::size_t r) {
    Deposit d;
    d.id = str(rs, 0, r);
    d.userId = str(rs, 1, r);
    d.gateway = str(rs, 2, r);
    d.amount = num(rs, 3, r);
    d.currency = str(rs, 4, r);
    d.status = str(rs, 5, r);
    d.providerRef = str(rs, 6, r);
    d.paymentRef = str(rs, 7, r);
    d.refunded = num(rs, 8, r);
    d.reason = str(rs, 9, r);
    d.createdNs = num(rs, 10, r);
    d.updatedNs = num(rs, 11, r);
    d.completedNs = num(rs, 12, r);
    return d;
}

Withdrawal withdrawalAt(const Poco::Data::RecordSet& rs, std::size_t r) {
    Withdrawal w;
    w.id = str(rs, 0, r);
    w.userId = str(rs, 1, r);
    w.gateway = str(rs, 2, r);
    w.amount = num(rs, 3, r);
    w.currency = str(rs, 4, r);
    w.status = str(rs, 5, r);
    w.method = str(rs, 6, r);
    w.destinationJson = str(rs, 7, r);
    w.depositId = str(rs, 8, r);
    w.providerRef = str(rs, 9, r);
    w.reason = str(rs, 10, r);
    w.reviewedBy = str(rs, 11, r);
    w.attempts = static_cast<int>(num(rs, 12, r));
    w.createdNs = num(rs, 13, r);
    w.updatedNs = num(rs, 14, r);
    w.completedNs = num(rs, 15, r);
    return w;
}

/// Runs a SELECT with string/int64 parameters bound in order and maps its rows.
template <class T, class Map>
std::vector<T> query(Poco::Data::Session& s, const std::string& sql, std::vector<std::string> texts,
                     std::vector<Poco::Int64> numbers, Map map) {
    Poco::Data::Statement st(s);
    st << sql;
    for (auto& t : texts)
        st, use(t);
    for (auto& n : numbers)
        st, use(n);
    st.execute();
    Poco::Data::RecordSet rs(st);
    std::vector<T> out;
    for (std::size_t r = 0; r < rs.rowCount(); ++r)
        out.push_back(map(rs, r));
    return out;
}

/// "status IN ('a', 'b')" from the kernel's own status names (never user input).
std::string statusIn(const std::vector<std::string>& statuses) {
    std::string sql = "status IN (";
    for (std::size_t i = 0; i < statuses.size(); ++i) {
        for (char c : statuses[i])
            if (!(c == '_' || (c >= 'a' && c <= 'z'))) throw std::logic_error("bad status name");
        sql += (i ? ", '" : "'") + statuses[i] + "'";
    }
    return sql + ")";
}

struct Owner {
    std::string userId, currency, gateway, method, depositId;
    std::int64_t amount = 0;
};

std::optional<Owner> depositOwner(PreparedSession& w, const std::string& id) {
    std::tuple<Poco::Nullable<std::string>, Poco::Nullable<Poco::Int64>, Poco::Nullable<std::string>,
               Poco::Nullable<std::string>>
        row;
    if (!w.row(row, "SELECT user_id, amount, currency, gateway FROM deposits WHERE id = $1", id)) return std::nullopt;
    return Owner{std::get<0>(row).value(), std::get<2>(row).value(), std::get<3>(row).value(), "", "",
                 std::get<1>(row).value()};
}

std::optional<Owner> withdrawalOwner(PreparedSession& w, const std::string& id) {
    std::tuple<Poco::Nullable<std::string>, Poco::Nullable<Poco::Int64>, Poco::Nullable<std::string>,
               Poco::Nullable<std::string>, Poco::Nullable<std::string>, Poco::Nullable<std::string>>
        row;
    if (!w.row(row, "SELECT user_id, amount, currency, gateway, method, deposit_id FROM withdrawals WHERE id = $1", id))
        return std::nullopt;
    Owner o{std::get<0>(row).value(), std::get<2>(row).value(), std::get<3>(row).value(), std::get<4>(row).value(), "",
            std::get<1>(row).value()};
    if (!std::get<5>(row).isNull()) o.depositId = std::get<5>(row).value();
    return o;
}

void post(PreparedSession& w, const std::string& key, const std::string& kind, const Owner& o,
          const std::string& reference, const std::string& memo, std::vector<Posting> postings, std::int64_t nowNs) {
    JournalTx tx{key, kind, o.userId, reference, memo, std::move(postings)};
    if (Ledger::apply(w, tx, nowNs) == Ledger::Result::Insufficient)
        throw std::logic_error("ledger refused " + key + ": reserved funds missing");
}

}  // namespace

std::optional<Deposit> findDeposit(Poco::Data::Session& s, const std::string& id) {
    auto rows = query<Deposit>(s, std::string("SELECT ") + kDepositColumns + " FROM deposits WHERE id = $1", {id}, {},
                               depositAt);
    if (rows.empty()) return std::nullopt;
    return rows.front();
}

std::optional<Deposit> findDepositByKey(Poco::Data::Session& s, const std::string& userId, const std::string& key) {
    auto rows = query<Deposit>(
        s, std::string("SELECT ") + kDepositColumns + " FROM deposits WHERE user_id = $1 AND client_key = $2",
        {userId, key}, {}, depositAt);
    if (rows.empty()) return std::nullopt;
    return rows.front();
}

std::vector<Deposit> listDeposits(Poco::Data::Session& s, const std::string& userId, const std::string& status,
                                  const std::string& cursor, int limit) {
    return query<Deposit>(s,
                          std::string("SELECT ") + kDepositColumns +
                              " FROM deposits WHERE ($1 = '' OR user_id = $1) AND ($2 = '' OR status = $2) AND id < $3 "
                              "ORDER BY id DESC LIMIT $4",
                          {userId, status, cursor.empty() ? "~" : cursor}, {limit}, depositAt);
}

std::optional<Withdrawal> findWithdrawal(Poco::Data::Session& s, const std::string& id) {
    auto rows = query<Withdrawal>(s, std::string("SELECT ") + kWithdrawalColumns + " FROM withdrawals WHERE id = $1",
                                  {id}, {}, withdrawalAt);
    if (rows.empty()) return std::nullopt;
    return rows.front();
}

std::optional<Withdrawal> findWithdrawalByKey(Poco::Data::Session& s, const std::string& userId,
                                              const std::string& key) {
    auto rows = query<Withdrawal>(
        s, std::string("SELECT ") + kWithdrawalColumns + " FROM withdrawals WHERE user_id = $1 AND client_key = $2",
        {userId, key}, {}, withdrawalAt);
    if (rows.empty()) return std::nullopt;
    return rows.front();
}

std::vector<Withdrawal> listWithdrawals(Poco::Data::Session& s, const std::string& userId, const std::string& status,
                                        const std::string& cursor, int limit) {
    return query<Withdrawal>(
        s,
        std::string("SELECT ") + kWithdrawalColumns +
            " FROM withdrawals WHERE ($1 = '' OR user_id = $1) AND ($2 = '' OR status = $2) AND id < $3 "
            "ORDER BY id DESC LIMIT $4",
        {userId, status, cursor.empty() ? "~" : cursor}, {limit}, withdrawalAt);
}

std::vector<Deposit> staleDeposits(Poco::Data::Session& s, std::int64_t beforeNs, int limit) {
    return query<Deposit>(
        s,
        std::string("SELECT ") + kDepositColumns +
            " FROM deposits WHERE status = 'pending' AND updated_ns < $1 ORDER BY updated_ns LIMIT $2",
        {}, {beforeNs, limit}, depositAt);
}

std::vector<Withdrawal> withdrawalsIn(Poco::Data::Session& s, const std::string& status, std::int64_t beforeNs,
                                      int limit) {
    return query<Withdrawal>(s,
                             std::string("SELECT ") + kWithdrawalColumns +
                                 " FROM withdrawals WHERE status = $1 AND updated_ns < $2 ORDER BY updated_ns LIMIT $3",
                             {status}, {beforeNs, limit}, withdrawalAt);
}

std::string insertDeposit(PreparedSession& w, const Deposit& d) {
    if (w.exec("INSERT INTO deposits (id, user_id, gateway, amount, currency, status, client_key, created_ns, "
               "updated_ns) VALUES ($1, $2, $3, $4, $5, 'pending', $6, $7, $7) "
               "ON CONFLICT (user_id, client_key) DO NOTHING",
               d.id, d.userId, d.gateway, Poco::Int64{d.amount}, d.currency, d.clientKey,
               Poco::Int64{d.createdNs}) == 1)
        return d.id;
    return w.first<std::string>("SELECT id FROM deposits WHERE user_id = $1 AND client_key = $2", d.userId, d.clientKey)
        .value_or("");
}

void setDepositProviderRef(PreparedSession& w, const std::string& id, const std::string& ref, std::int64_t nowNs) {
    w.exec("UPDATE deposits SET provider_ref = $2, updated_ns = $3 WHERE id = $1 AND provider_ref IS NULL", id, ref,
           Poco::Int64{nowNs});
}

bool creditDeposit(PreparedSession& w, const std::string& id, const std::string& paymentRef, std::int64_t nowNs) {
    const auto o = depositOwner(w, id);
    if (!o) return false;
    if (w.exec("UPDATE deposits SET status = 'succeeded', reason = '', "
               "payment_ref = CASE WHEN $2 = '' THEN payment_ref ELSE $2 END, updated_ns = $3, completed_ns = $3 "
               "WHERE id = $1 AND status IN ('pending', 'failed')",
               id, paymentRef, Poco::Int64{nowNs}) == 0)
        return false;
    post(w, "deposit:" + id, "deposit", *o, id, "deposit via " + o->gateway,
         {{Ledger::houseAccount("deposits", o->currency), o->currency, -o->amount, false},
          {Ledger::userAccount(o->userId, "available", o->currency), o->currency, o->amount, false}},
         nowNs);
    return true;
}

bool failDeposit(PreparedSession& w, const std::string& id, const std::string& reason, std::int64_t nowNs) {
    return w.exec(
               "UPDATE deposits SET status = 'failed', reason = $2, updated_ns = $3, completed_ns = $3 "
               "WHERE id = $1 AND status = 'pending'",
               id, reason, Poco::Int64{nowNs}) == 1;
}

bool holdDeposit(PreparedSession& w, const std::string& id, const std::string& reason, std::int64_t nowNs) {
    return w.exec(
               "UPDATE deposits SET status = 'review', reason = $2, updated_ns = $3 "
               "WHERE id = $1 AND status IN ('pending', 'failed')",
               id, reason, Poco::Int64{nowNs}) == 1;
}

Reserve reserveWithdrawal(PreparedSession& w, const Withdrawal& wd) {
    const Owner o{wd.userId, wd.currency, wd.gateway, wd.method, wd.depositId, wd.amount};
    JournalTx tx{"withdrawal:" + wd.id + ":reserve",
                 "withdrawal",
                 wd.userId,
                 wd.id,
                 "withdrawal via " + wd.gateway,
                 {{Ledger::userAccount(wd.userId, "available", wd.currency), wd.currency, -wd.amount, true},
                  {Ledger::userAccount(wd.userId, "withdrawing", wd.currency), wd.currency, wd.amount, false}}};
    if (Ledger::apply(w, tx, wd.createdNs) == Ledger::Result::Insufficient) return Reserve::Insufficient;
    Poco::Nullable<std::string> deposit;
    if (!wd.depositId.empty()) {
        deposit = wd.depositId;
        // The caller chose a deposit with enough left to refund in this same transaction.
        if (w.exec("UPDATE deposits SET refunded = refunded + $2 WHERE id = $1 AND amount - refunded >= $2",
                   wd.depositId, Poco::Int64{wd.amount}) != 1)
            throw std::logic_error("deposit " + wd.depositId + " has less left to refund than was checked");
    }
    w.exec(
        "INSERT INTO withdrawals (id, user_id, gateway, amount, currency, status, method, destination_json, "
        "deposit_id, client_key, created_ns, updated_ns) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)",
        wd.id, wd.userId, wd.gateway, Poco::Int64{wd.amount}, wd.currency, wd.status, wd.method, wd.destinationJson,
        deposit, wd.clientKey, Poco::Int64{wd.createdNs});
    return Reserve::Reserved;
}

bool moveWithdrawal(PreparedSession& w, const std::string& id, const std::vector<std::string>& from,
                    const std::string& to, const std::string& reason, const std::string& reviewedBy,
                    std::int64_t nowNs) {
    return w.exec(
               "UPDATE withdrawals SET status = $2, reason = CASE WHEN $3 = '' THEN reason ELSE $3 END, "
               "reviewed_by = CASE WHEN $4 = '' THEN reviewed_by ELSE $4 END, updated_ns = $5 WHERE id = $1 AND " +
                   statusIn(from),
               id, to, reason, reviewedBy, Poco::Int64{nowNs}) == 1;
}

bool returnWithdrawal(PreparedSession& w, const std::string& id, const std::vector<std::string>& from,
                      const std::string& to, const std::string& reason, const std::string& reviewedBy,
                      std::int64_t nowNs) {
    const auto o = withdrawalOwner(w, id);
    if (!o || !moveWithdrawal(w, id, from, to, reason, reviewedBy, nowNs)) return false;
    w.exec("UPDATE withdrawals SET completed_ns = $2 WHERE id = $1", id, Poco::Int64{nowNs});
    post(w, "withdrawal:" + id + ":return", "withdrawal_return", *o, id, "withdrawal " + to + ": funds returned",
         {{Ledger::userAccount(o->userId, "withdrawing", o->currency), o->currency, -o->amount, false},
          {Ledger::userAccount(o->userId, "available", o->currency), o->currency, o->amount, false}},
         nowNs);
    if (!o->depositId.empty())
        w.exec("UPDATE deposits SET refunded = refunded - $2 WHERE id = $1", o->depositId, Poco::Int64{o->amount});
    return true;
}

bool completeWithdrawal(PreparedSession& w, const std::string& id, std::int64_t nowNs) {
    const auto o = withdrawalOwner(w, id);
    if (!o || w.exec("UPDATE withdrawals SET status = 'succeeded', reason = '', updated_ns = $2, completed_ns = $2 "
                     "WHERE id = $1 AND status IN ('approved', 'processing')",
                     id, Poco::Int64{nowNs}) == 0)
        return false;
    post(w, "withdrawal:" + id + ":paid", "withdrawal_paid", *o, id, "withdrawal paid via " + o->gateway,
         {{Ledger::userAccount(o->userId, "withdrawing", o->currency), o->currency, -o->amount, false},
          {Ledger::houseAccount("withdrawals", o->currency), o->currency, o->amount, false}},
         nowNs);
    return true;
}

bool reverseWithdrawal(PreparedSession& w, const std::string& id, const std::string& reason, std::int64_t nowNs) {
    const auto o = withdrawalOwner(w, id);
    if (!o || w.exec("UPDATE withdrawals SET status = 'reversed', reason = $2, updated_ns = $3 "
                     "WHERE id = $1 AND status = 'succeeded'",
                     id, reason, Poco::Int64{nowNs}) == 0)
        return false;
    post(w, "withdrawal:" + id + ":reversal", "withdrawal_reversal", *o, id, "withdrawal reversed: funds returned",
         {{Ledger::houseAccount("withdrawals", o->currency), o->currency, -o->amount, false},
          {Ledger::userAccount(o->userId, "available", o->currency), o->currency, o->amount, false}},
         nowNs);
    if (!o->depositId.empty())
        w.exec("UPDATE deposits SET refunded = refunded - $2 WHERE id = $1", o->depositId, Poco::Int64{o->amount});
    return true;
}

void setWithdrawalProviderRef(PreparedSession& w, const std::string& id, const std::string& ref, std::int64_t nowNs) {
    w.exec("UPDATE withdrawals SET provider_ref = $2, updated_ns = $3 WHERE id = $1 AND provider_ref IS NULL", id, ref,
           Poco::Int64{nowNs});
}

void touchDeposit(PreparedSession& w, const std::string& id, std::int64_t nowNs) {
    w.exec("UPDATE deposits SET updated_ns = $2 WHERE id = $1", id, Poco::Int64{nowNs});
}

void touchWithdrawal(PreparedSession& w, const std::string& id, std::int64_t nowNs) {
    w.exec("UPDATE withdrawals SET updated_ns = $2 WHERE id = $1", id, Poco::Int64{nowNs});
}

void countAttempt(PreparedSession& w, const std::string& id, std::int64_t nowNs) {
    w.exec("UPDATE withdrawals SET attempts = attempts + 1, updated_ns = $2 WHERE id = $1", id, Poco::Int64{nowNs});
}

}  // namespace bourse::payment_book
