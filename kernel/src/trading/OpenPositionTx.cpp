#include "trading/OpenPositionTx.h"

#include "ledger/Ledger.h"
#include "storage/PreparedSession.h"
#include "util/Ids.h"

namespace bourse {

namespace {

/// PostgreSQL. `funds` checks the open count and the balance and locks the
/// user's available account (so another kernel instance cannot spend the same
/// money before the debit); the position goes in unless its client_order_id is
/// taken (the unique constraint decides, through its own index); every other
/// write is keyed on that insert. Data-modifying CTEs run exactly once, on one
/// snapshot; an INSERT ... SELECT FROM x writes nothing when x is empty.
/// Values are cast where they first appear in a select list, whose types
/// PostgreSQL cannot infer.
///
/// No lookup of an earlier position by client_order_id here: in a generic
/// plan prepared while the table was empty PostgreSQL may pick the (user_id,
/// id) index for it and read every position of the user on each order.
const std::string kOpenStatement = R"SQL(
WITH opened AS (
    SELECT COALESCE((SELECT open_count FROM open_positions WHERE user_id = $2 AND product = $3), 0) AS n
), funds AS (
    SELECT id FROM ledger_accounts
    WHERE id = $15 AND balance >= $6::bigint AND (SELECT n FROM opened) < $13::bigint
    FOR UPDATE
), position AS (
    INSERT INTO positions (id, user_id, product, symbol, client_order_id, stake, currency, status, params_json,
                           state_json, price_scale, entry_price, opened_ns, expires_ns)
    SELECT $1::text, $2::text, $3::text, $4::text, $5::text, $6::bigint, $7::text, 'OPEN', $8::text, '{}',
           $9::integer, $10::bigint, $11::bigint, $12::bigint FROM funds
    ON CONFLICT (user_id, client_order_id) DO NOTHING
    RETURNING id
), debit AS (
    UPDATE ledger_accounts SET balance = balance - $6::bigint WHERE id = $15 AND EXISTS (SELECT 1 FROM position)
    RETURNING id
), journal_row AS (
    INSERT INTO journal (id, idempotency_key, kind, user_id, reference, memo, created_ns)
    SELECT $14::text, $17::text, 'stake_lock', $2::text, $1::text, $18::text, $11::bigint FROM debit
), entries AS (
    INSERT INTO journal_entries (journal_id, account_id, currency, amount)
    SELECT $14::text, $15::text, $7::text, -$6::bigint FROM debit
    UNION ALL SELECT $14::text, $16::text, $7::text, $6::bigint FROM debit
), locked AS (
    INSERT INTO ledger_accounts (id, user_id, kind, currency, balance)
    SELECT $16::text, $2::text, 'locked', $7::text, $6::bigint FROM debit
    ON CONFLICT (id) DO UPDATE SET balance = ledger_accounts.balance + excluded.balance
), counted AS (
    INSERT INTO open_positions (user_id, product, open_count) SELECT $2::text, $3::text, 1 FROM debit
    ON CONFLICT (user_id, product) DO UPDATE SET open_count = open_positions.open_count + 1
)
SELECT (SELECT COUNT(*) FROM debit), (SELECT COUNT(*) FROM funds), (SELECT n FROM opened)
)SQL";

}  // namespace

OpenPositionTx::OpenPositionTx(const Position& position, std::int64_t maxOpen) : _p(position), _maxOpen(maxOpen) {}

void OpenPositionTx::run(PreparedSession& w) {
    if (!w.isPostgres()) return runSequence(w);
    const Position& p = _p;
    w.deferRow(_result, kOpenStatement, p.id, p.userId, p.product, p.symbol, p.clientOrderId, Poco::Int64{p.stake},
               p.currency, p.paramsJson, p.priceScale, Poco::Int64{p.entryPrice.value_or(0)}, Poco::Int64{p.openedNs},
               Poco::Int64{p.expiresNs}, _maxOpen, newId("j"), Ledger::userAccount(p.userId, "available", p.currency),
               Ledger::userAccount(p.userId, "locked", p.currency), "stake:" + p.id, p.product + " " + p.symbol);
}

void OpenPositionTx::runSequence(PreparedSession& w) {
    const Position& p = _p;
    Poco::Nullable<std::string> earlier;
    std::tuple<Poco::Nullable<std::string>, Poco::Nullable<Poco::Int64>> known;
    w.row(known,
          "SELECT (SELECT id FROM positions WHERE user_id = $1 AND client_order_id = $2), "
          "COALESCE((SELECT open_count FROM open_positions WHERE user_id = $1 AND product = $3), 0)",
          p.userId, p.clientOrderId, p.product);
    const Poco::Int64 open = std::get<1>(known).value();
    const bool retry = !std::get<0>(known).isNull();
    _result = {Poco::Int64{0}, Poco::Int64{retry ? 1 : 0}, open};
    if (retry || open >= _maxOpen) return;
    w.defer(
        "INSERT INTO positions (id, user_id, product, symbol, client_order_id, stake, currency, status, "
        "params_json, state_json, price_scale, entry_price, opened_ns, expires_ns) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, 'OPEN', $8, '{}', $9, $10, $11, $12)",
        p.id, p.userId, p.product, p.symbol, p.clientOrderId, Poco::Int64{p.stake}, p.currency, p.paramsJson,
        p.priceScale, Poco::Int64{p.entryPrice.value_or(0)}, Poco::Int64{p.openedNs}, Poco::Int64{p.expiresNs});
    JournalTx tx{"stake:" + p.id, "stake_lock", p.userId, p.id, p.product + " " + p.symbol, {}};
    tx.postings = {{Ledger::userAccount(p.userId, "available", p.currency), p.currency, -p.stake, true},
                   {Ledger::userAccount(p.userId, "locked", p.currency), p.currency, p.stake}};
    if (Ledger::apply(w, tx, p.openedNs) == Ledger::Result::Insufficient) {
        // Refused: what this op wrote before it knew goes again (CommitQueue's contract).
        w.exec("DELETE FROM positions WHERE id = $1", p.id);
        return;
    }
    w.defer(
        "INSERT INTO open_positions (user_id, product, open_count) VALUES ($1, $2, 1) "
        "ON CONFLICT (user_id, product) DO UPDATE SET open_count = open_positions.open_count + 1",
        p.userId, p.product);
    _result = {Poco::Int64{1}, Poco::Int64{1}, open};
}

OpenPositionTx::Outcome OpenPositionTx::outcome() const {
    const auto count = [](const Poco::Nullable<Poco::Int64>& v) { return v.isNull() ? Poco::Int64{0} : v.value(); };
    if (count(std::get<0>(_result)) == 1) return Outcome::Opened;
    // The conditions held but nothing was written: the client_order_id was taken.
    if (count(std::get<1>(_result)) == 1) return Outcome::Retry;
    if (count(std::get<2>(_result)) >= _maxOpen) return Outcome::TooManyOpen;
    return Outcome::InsufficientFunds;
}

}  // namespace bourse
