//
// OpenPositionTx.h — the writes that open a position, as one commit-queue op:
// the position row, the stake moved from the user's available to locked
// balance (a balanced journal transaction), and the user's open count for the
// product, together or not at all.
//
// Every condition is checked inside that same transaction, so none can be
// raced past: the client_order_id is new for the user (else it is a retry),
// the user holds fewer than `maxOpen` open positions of the product, and the
// available balance covers the stake. The placement path thus needs no read
// before it writes.
//
// On PostgreSQL the whole op is one statement, pipelined with the rest of the
// group commit (see PreparedSession::deferRow): a placement costs no round
// trip of its own. It bypasses Ledger::apply on purpose — that takes two
// round trips, one to learn whether the guarded posting passed — but writes
// the same rows (journal, entries, account balances), so `ledger verify`
// checks it like any other transaction. On SQLite, where a statement costs
// microseconds, the op is the plain sequence through Ledger::apply.
//
// Threading: one instance per placement; run() on the commit queue's writer,
// outcome() by the caller after the commit returned.
//
#pragma once

#include "trading/Position.h"

#include <Poco/Nullable.h>
#include <Poco/Types.h>

#include <cstdint>
#include <string>
#include <tuple>

namespace bourse {

class PreparedSession;

class OpenPositionTx {
public:
    enum class Outcome {
        Opened,
        Retry,             ///< the user already has a position with this client_order_id
        TooManyOpen,       ///< the user holds maxOpen open positions of the product already
        InsufficientFunds  ///< the available balance does not cover the stake
    };

    /// `position` (with its id) must outlive the op.
    OpenPositionTx(const Position& position, std::int64_t maxOpen);

    /// The commit-queue op (it may run twice; each run starts from scratch).
    void run(PreparedSession& writer);
    /// After the commit.
    [[nodiscard]] Outcome outcome() const;

private:
    void runSequence(PreparedSession& writer);

    const Position& _p;
    const Poco::Int64 _maxOpen;
    /// Opened (1/0); the conditions held (1/0: if they did and nothing was
    /// opened, the client_order_id was taken); the user's open count before.
    std::tuple<Poco::Nullable<Poco::Int64>, Poco::Nullable<Poco::Int64>, Poco::Nullable<Poco::Int64>> _result;
};

}  // namespace bourse
