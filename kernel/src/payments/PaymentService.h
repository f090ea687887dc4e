//
// PaymentService.h — deposits and withdrawals through payment-gateway plugins,
// exactly once, whatever the gateway's webhooks do.
//
// Deposits: the row is stored (pending) before the gateway is asked, so an
// event that arrives before the gateway's answer has a deposit to match (by
// the deposit id echoed in the provider's metadata, or later by provider_ref:
// unmatched events are kept and replayed when the ref is stored). The credit is
// posted in the transaction that records the event, keyed by the deposit id:
// a replayed, duplicated or reconciled event finds it done.
//
// Withdrawals: the funds move from available to withdrawing in the
// transaction that stores the request (no overdraft under any concurrency),
// wait for an operator below the auto-approval amount, are sent with the
// withdrawal id as the provider's idempotency key, and finish on the gateway's
// event or the reconciler's query. Anything that ends a withdrawal unpaid
// returns the funds in the same transaction.
//
// Reconciliation (a thread, and on demand): deposits pending longer than
// payments.reconcile_after_s are asked about; approved withdrawals whose send
// did not get an answer are sent again (same idempotency key); processing ones
// are asked about.
//
// Errors reach callers as HttpError with the status and message a client
// should see. Thread-safe.
//
#pragma once

#include "payments/GatewayClient.h"
#include "payments/Payment.h"

#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace bourse {

class AuditLog;
class Clock;
class CommitQueue;
class Counter;
class Database;
class Metrics;
class PreparedSession;
struct Config;

struct DepositResult {
    Deposit deposit;
    std::string checkoutJson;  ///< for the browser only; "" when the deposit is not awaiting payment
    bool created = false;      ///< false for an idempotent repeat
};

struct PaymentFlag {
    std::string id, userId, rule, detail, reference, resolvedBy;
    std::int64_t createdNs = 0, resolvedNs = 0;
};

struct ReconcileReport {
    int depositsChecked = 0, depositsCompleted = 0, withdrawalsSent = 0, withdrawalsChecked = 0,
        withdrawalsCompleted = 0;
};

class PaymentService {
public:
    /// Receives (channel, json) for the stream: "user:<id>" and "events:operator".
    using EventSink = std::function<void(const std::string& channel, const std::string& json)>;

    PaymentService(Database& db, CommitQueue& commits, GatewayClient& gateways, AuditLog& audit, const Config& config,
                   const Clock& clock, Metrics& metrics);
    ~PaymentService();

    void setEventSink(EventSink sink) { _events = std::move(sink); }

    [[nodiscard]] std::vector<GatewayInfo> gateways() const { return _gateways.gateways(); }

    // ---- deposits ----
    DepositResult createDeposit(const std::string& userId, const std::string& gateway, const std::string& amount,
                                const std::string& currency, const std::string& clientKey,
                                const std::string& returnUrl);
    /// The browser's checkout result (Razorpay's signed callback, the sandbox's button).
    Deposit confirmDeposit(const std::string& userId, const std::string& depositId, const std::string& resultJson);
    [[nodiscard]] Deposit deposit(const std::string& userId, const std::string& id) const;
    [[nodiscard]] std::vector<Deposit> deposits(const std::string& userId, const std::string& status,
                                                const std::string& cursor, int limit) const;

    // ---- withdrawals ----
    Withdrawal requestWithdrawal(const std::string& userId, const std::string& gateway, const std::string& amount,
                                 const std::string& currency, const std::string& destinationJson,
                                 const std::string& clientKey, bool& created);
    Withdrawal cancelWithdrawal(const std::string& userId, const std::string& id);
    Withdrawal approveWithdrawal(const std::string& actor, const std::string& id);
    Withdrawal rejectWithdrawal(const std::string& actor, const std::string& id, const std::string& reason);
    [[nodiscard]] Withdrawal withdrawal(const std::string& userId, const std::string& id) const;
    [[nodiscard]] std::vector<Withdrawal> withdrawals(const std::string& userId, const std::string& status,
                                                      const std::string& cursor, int limit) const;

    // ---- gateway events ----
    /// Applies a verified, normalised event (see PluginInstance::verifyWebhook)
    /// exactly once; returns what it did: "applied", "duplicate", "unchanged",
    /// "ignored", "unmatched" (kept until its deposit/withdrawal is known) or "review".
    std::string applyEvent(const std::string& gateway, const std::string& eventJson);

    // ---- operators ----
    [[nodiscard]] std::vector<PaymentFlag> flags(bool openOnly, int limit) const;
    void resolveFlag(const std::string& actor, const std::string& id);
    ReconcileReport reconcile();
    void startReconciler();
    void stop();

private:
    /// Settles a deposit in an open transaction from any source (event,
    /// confirmation, query); returns the outcome word of applyEvent.
    std::string settleDeposit(PreparedSession& w, const std::string& id, const std::string& outcome,
                              const std::string& paymentRef, std::optional<std::int64_t> amount,
                              const std::string& currency, const std::string& reason, std::int64_t nowNs);
    std::string settleWithdrawal(PreparedSession& w, const std::string& id, const std::string& outcome,
                                 const std::string& reason, std::int64_t nowNs);
    std::string applyInTransaction(PreparedSession& w, const std::string& gateway, const GatewayEvent& e,
                                   std::string& target, std::int64_t nowNs);
    /// Applies events kept as unmatched for (gateway, provider_ref), now that it is known.
    void replayUnmatched(PreparedSession& w, const std::string& gateway, const std::string& providerRef,
                         std::int64_t nowNs);
    /// Sends an approved withdrawal to its gateway and records the answer.
    void dispatch(const std::string& id);
    void recordGatewayReply(const Deposit& d, const GatewayReply& reply, const char* source);
    void notifyDeposit(const std::string& id);
    void notifyWithdrawal(const std::string& id);
    [[nodiscard]] const CurrencyLimits& limitsFor(const std::string& currency, const std::string& field) const;
    [[nodiscard]] std::int64_t parseAmount(const std::string& text) const;
    [[nodiscard]] std::string kycStatus(const std::string& userId) const;
    void reconcileLoop();

    Database& _db;
    CommitQueue& _commits;
    GatewayClient& _gateways;
    AuditLog& _audit;
    const Config& _config;
    const Clock& _clock;
    Counter& _credited;
    Counter& _paidOut;
    Counter& _events_total;
    EventSink _events;

    std::mutex _reconcileMutex;  ///< one reconciliation pass at a time
    std::mutex _threadMutex;
    std::condition_variable _wake;
    bool _stopping = false;
    std::thread _reconciler;
};

}  // namespace bourse
