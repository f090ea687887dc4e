//
// PaymentBook.h — the SQL of deposits and withdrawals: reads on a pooled
// session, and the state transitions that run inside a commit-queue op
// together with the ledger transactions they imply.
//
// Every transition is one conditional UPDATE (`... WHERE status IN (...)`):
// whichever of two racing callers (a webhook and the reconciler, two webhook
// deliveries, an operator and a user) changes the row first moves the money;
// the other changes nothing and sees `false`. Ledger idempotency keys are
// derived from the row id and the step, so even a transition replayed after a
// crash posts nothing twice.
//
// Ledger accounts used: user available, user "withdrawing" (reserved for a
// withdrawal in flight), house "deposits" (money that came in through gateways)
// and house "withdrawals" (money that went out).
//
#pragma once

#include "payments/Payment.h"

#include <Poco/Data/Session.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace bourse {

class PreparedSession;

namespace payment_book {

// ---- reads (pooled session) ----
std::optional<Deposit> findDeposit(Poco::Data::Session& s, const std::string& id);
std::optional<Deposit> findDepositByKey(Poco::Data::Session& s, const std::string& userId,
                                        const std::string& clientKey);
/// Newest first after `cursor` (an id; "" = newest). userId "" = every user; status "" = any.
std::vector<Deposit> listDeposits(Poco::Data::Session& s, const std::string& userId, const std::string& status,
                                  const std::string& cursor, int limit);
std::optional<Withdrawal> findWithdrawal(Poco::Data::Session& s, const std::string& id);
std::optional<Withdrawal> findWithdrawalByKey(Poco::Data::Session& s, const std::string& userId,
                                              const std::string& clientKey);
std::vector<Withdrawal> listWithdrawals(Poco::Data::Session& s, const std::string& userId, const std::string& status,
                                        const std::string& cursor, int limit);
/// Pending deposits / withdrawals in `status` last changed or checked before
/// `beforeNs`, least recently first (so a backlog is worked through in turns).
std::vector<Deposit> staleDeposits(Poco::Data::Session& s, std::int64_t beforeNs, int limit);
std::vector<Withdrawal> withdrawalsIn(Poco::Data::Session& s, const std::string& status, std::int64_t beforeNs,
                                      int limit);

// ---- deposits (inside an op) ----
/// Inserts a pending deposit unless (user, client key) exists; returns the id that holds the key.
std::string insertDeposit(PreparedSession& w, const Deposit& d);
/// Records the provider's id of a deposit (first one wins).
void setDepositProviderRef(PreparedSession& w, const std::string& id, const std::string& providerRef,
                           std::int64_t nowNs);
/// pending|failed → succeeded, and credits the user once. False if it was not
/// pending or failed (already succeeded, or in review).
bool creditDeposit(PreparedSession& w, const std::string& id, const std::string& paymentRef, std::int64_t nowNs);
/// pending → failed. False if it was not pending.
bool failDeposit(PreparedSession& w, const std::string& id, const std::string& reason, std::int64_t nowNs);
/// pending|failed → review (the gateway reported other money than requested).
bool holdDeposit(PreparedSession& w, const std::string& id, const std::string& reason, std::int64_t nowNs);

// ---- withdrawals (inside an op) ----
enum class Reserve { Reserved, Insufficient };
/// Moves the amount from available to withdrawing (guarded: no overdraft) and
/// inserts the withdrawal; for refunds also books the amount against
/// w.depositId. Writes nothing when the funds are insufficient.
Reserve reserveWithdrawal(PreparedSession& w, const Withdrawal& wd);
/// from → to for a withdrawal whose status is one of `from`; false otherwise.
bool moveWithdrawal(PreparedSession& w, const std::string& id, const std::vector<std::string>& from,
                    const std::string& to, const std::string& reason, const std::string& reviewedBy,
                    std::int64_t nowNs);
/// Ends a withdrawal without paying it (failed, rejected, cancelled): funds back to available.
bool returnWithdrawal(PreparedSession& w, const std::string& id, const std::vector<std::string>& from,
                      const std::string& to, const std::string& reason, const std::string& reviewedBy,
                      std::int64_t nowNs);
/// processing|approved → succeeded: the reserved funds leave the platform.
bool completeWithdrawal(PreparedSession& w, const std::string& id, std::int64_t nowNs);
/// succeeded → reversed: the money came back; credit the user again.
bool reverseWithdrawal(PreparedSession& w, const std::string& id, const std::string& reason, std::int64_t nowNs);
void setWithdrawalProviderRef(PreparedSession& w, const std::string& id, const std::string& providerRef,
                              std::int64_t nowNs);
void countAttempt(PreparedSession& w, const std::string& id, std::int64_t nowNs);
/// Marks a row checked now (the reconciler asked and nothing changed).
void touchDeposit(PreparedSession& w, const std::string& id, std::int64_t nowNs);
void touchWithdrawal(PreparedSession& w, const std::string& id, std::int64_t nowNs);

}  // namespace payment_book
}  // namespace bourse
