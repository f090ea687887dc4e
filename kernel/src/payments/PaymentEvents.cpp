// PaymentService: gateway events (webhooks, confirmations, queries) and reconciliation.
#include "config/Config.h"
#include "http/HttpError.h"
#include "ledger/Ledger.h"
#include "log/Log.h"
#include "metrics/Metrics.h"
#include "payments/PaymentBook.h"
#include "payments/PaymentService.h"
#include "payments/RiskChecks.h"
#include "storage/AuditLog.h"
#include "storage/CommitQueue.h"
#include "storage/Database.h"
#include "storage/PreparedSession.h"
#include "util/Clock.h"

#include <chrono>

namespace bourse {

std::string PaymentService::settleDeposit(PreparedSession& w, const std::string& id, const std::string& outcome,
                                          const std::string& paymentRef, std::optional<std::int64_t> amount,
                                          const std::string& currency, const std::string& reason, std::int64_t nowNs) {
    if (outcome == "succeeded") {
        std::tuple<Poco::Nullable<Poco::Int64>, Poco::Nullable<std::string>, Poco::Nullable<std::string>> row;
        if (!w.row(row, "SELECT amount, currency, user_id FROM deposits WHERE id = $1", id)) return "unmatched";
        const std::int64_t expected = std::get<0>(row).value();
        const std::string& expectedCurrency = std::get<1>(row).value();
        // Money other than requested is never credited blindly: an operator decides.
        if (amount && (*amount != expected || (!currency.empty() && currency != expectedCurrency))) {
            const std::string why = "the gateway reported " + formatMinor(*amount) + " " + currency + " for " +
                                    formatMinor(expected) + " " + expectedCurrency;
            if (!payment_book::holdDeposit(w, id, why, nowNs)) return "unchanged";
            risk::flag(w, std::get<2>(row).value(), "amount_mismatch", why, id, nowNs);
            return "review";
        }
        return payment_book::creditDeposit(w, id, paymentRef, nowNs) ? "applied" : "unchanged";
    }
    if (outcome == "failed")
        return payment_book::failDeposit(w, id, reason.empty() ? "the payment failed" : reason, nowNs) ? "applied"
                                                                                                       : "unchanged";
    return "ignored";
}

std::string PaymentService::settleWithdrawal(PreparedSession& w, const std::string& id, const std::string& outcome,
                                             const std::string& reason, std::int64_t nowNs) {
    const std::string why = reason.empty() ? "the gateway reported the payout " + outcome : reason;
    if (outcome == "succeeded") return payment_book::completeWithdrawal(w, id, nowNs) ? "applied" : "unchanged";
    if (outcome == "failed")
        return payment_book::returnWithdrawal(w, id, {"approved", "processing"}, "failed", why, "", nowNs)
                   ? "applied"
                   : "unchanged";
    if (outcome == "reversed") {
        if (payment_book::reverseWithdrawal(w, id, why, nowNs)) return "applied";
        return payment_book::returnWithdrawal(w, id, {"approved", "processing"}, "failed", why, "", nowNs)
                   ? "applied"
                   : "unchanged";
    }
    return "ignored";
}

std::string PaymentService::applyInTransaction(PreparedSession& w, const std::string& gateway, const GatewayEvent& e,
                                               std::string& target, std::int64_t nowNs) {
    target.clear();
    if (e.isDeposit()) {
        if (!e.depositId.empty())
            target =
                w.first<std::string>("SELECT id FROM deposits WHERE id = $1 AND gateway = $2", e.depositId, gateway)
                    .value_or("");
        if (target.empty() && !e.providerRef.empty())
            target = w.first<std::string>("SELECT id FROM deposits WHERE gateway = $1 AND provider_ref = $2", gateway,
                                          e.providerRef)
                         .value_or("");
        if (target.empty()) return "unmatched";
        // The event may arrive before the call that created the deposit returned.
        if (!e.providerRef.empty()) payment_book::setDepositProviderRef(w, target, e.providerRef, nowNs);
        return settleDeposit(w, target, e.outcome(), e.paymentRef, e.amount, e.currency, e.reason, nowNs);
    }
    if (e.isWithdrawal()) {
        if (!e.withdrawalId.empty())
            target = w.first<std::string>("SELECT id FROM withdrawals WHERE id = $1 AND gateway = $2", e.withdrawalId,
                                          gateway)
                         .value_or("");
        if (target.empty() && !e.providerRef.empty())
            target = w.first<std::string>("SELECT id FROM withdrawals WHERE gateway = $1 AND provider_ref = $2",
                                          gateway, e.providerRef)
                         .value_or("");
        if (target.empty()) return "unmatched";
        if (!e.providerRef.empty()) payment_book::setWithdrawalProviderRef(w, target, e.providerRef, nowNs);
        return settleWithdrawal(w, target, e.outcome(), e.reason, nowNs);
    }
    return "ignored";
}

std::string PaymentService::applyEvent(const std::string& gateway, const std::string& eventJson) {
    GatewayEvent e;
    try {
        e = parseGatewayEvent(eventJson);
    } catch (const std::invalid_argument& bad) {
        // The plugin verified the signature but normalised badly: its bug, not the sender's.
        log::error("payments", "gateway event not understood", {{"gateway", gateway}, {"error", bad.what()}});
        throw HttpError(500, "Internal Server Error", std::string("payment gateway '") + gateway + "': " + bad.what());
    }
    _events_total.inc();
    const std::int64_t now = _clock.nowNs();
    std::string outcome, target;
    _commits.run([&](PreparedSession& w) {
        target.clear();
        // The event's row first: its primary key makes a replay a no-op.
        if (w.exec(
                "INSERT INTO payment_events (gateway, event_id, type, provider_ref, outcome, payload_json, "
                "received_ns) VALUES ($1, $2, $3, $4, 'received', $5, $6) ON CONFLICT (gateway, event_id) DO NOTHING",
                gateway, e.eventId, e.type, e.providerRef, eventJson, Poco::Int64{now}) == 0) {
            outcome = "duplicate";
            return;
        }
        outcome = applyInTransaction(w, gateway, e, target, now);
        Poco::Nullable<std::string> targetId;
        if (!target.empty()) targetId = target;
        w.exec("UPDATE payment_events SET outcome = $3, target_id = $4 WHERE gateway = $1 AND event_id = $2", gateway,
               e.eventId, outcome, targetId);
    });
    _audit.record("gateway:" + gateway, "payment.event", target.empty() ? e.providerRef : target,
                  e.type + " " + e.eventId + ": " + outcome);
    if (outcome == "applied" && e.type == "deposit.succeeded") _credited.inc();
    if (outcome == "applied" && (e.type == "payout.succeeded" || e.type == "refund.succeeded")) _paidOut.inc();
    if (!target.empty() && outcome != "duplicate") {
        if (e.isDeposit())
            notifyDeposit(target);
        else
            notifyWithdrawal(target);
    }
    if (outcome == "review" && _events) _events("events:operator", R"({"type":"payment_flag"})");
    return outcome;
}

void PaymentService::replayUnmatched(PreparedSession& w, const std::string& gateway, const std::string& providerRef,
                                     std::int64_t nowNs) {
    // Few or none: an event is unmatched only if it came before its ref was stored
    // and did not carry our id. Read them all first, then apply.
    std::vector<std::pair<std::string, std::string>> kept;
    for (int i = 0;; ++i) {
        std::tuple<Poco::Nullable<std::string>, Poco::Nullable<std::string>> row;
        if (!w.row(row,
                   "SELECT event_id, payload_json FROM payment_events WHERE outcome = 'unmatched' AND gateway = $1 "
                   "AND provider_ref = $2 ORDER BY received_ns LIMIT 1 OFFSET $3",
                   gateway, providerRef, i))
            break;
        kept.emplace_back(std::get<0>(row).value(), std::get<1>(row).value());
    }
    for (const auto& [eventId, payload] : kept) {
        std::string target;
        const std::string outcome = applyInTransaction(w, gateway, parseGatewayEvent(payload), target, nowNs);
        Poco::Nullable<std::string> targetId;
        if (!target.empty()) targetId = target;
        w.exec("UPDATE payment_events SET outcome = $3, target_id = $4 WHERE gateway = $1 AND event_id = $2", gateway,
               eventId, outcome, targetId);
    }
}

// -------------------------------------------------------- reconciliation --

ReconcileReport PaymentService::reconcile() {
    std::lock_guard pass(_reconcileMutex);
    ReconcileReport report;
    const std::int64_t now = _clock.nowNs();
    const std::int64_t staleBefore = now - std::int64_t{_config.payments.reconcileAfterS} * 1'000'000'000;
    std::vector<Deposit> deposits;
    std::vector<Withdrawal> unsent, processing;
    {
        Poco::Data::Session s = _db.session();
        deposits = payment_book::staleDeposits(s, staleBefore, 100);
        // Approved but not sent (or sent without an answer): once per pass.
        unsent = payment_book::withdrawalsIn(
            s, "approved", now - std::int64_t{_config.payments.reconcileIntervalS} * 1'000'000'000 / 2, 100);
        processing = payment_book::withdrawalsIn(s, "processing", staleBefore, 100);
    }
    for (const Deposit& d : deposits) {
        ++report.depositsChecked;
        if (d.providerRef.empty()) {
            // The gateway never told us it created the intent: the user could not have paid it.
            // (A late capture still credits: an event with our id moves failed to succeeded.)
            _commits.run([&](PreparedSession& w) {
                payment_book::failDeposit(w, d.id, "the gateway never confirmed creating this deposit", _clock.nowNs());
            });
            notifyDeposit(d.id);
            continue;
        }
        GatewayRequest request;
        request.idempotencyKey = d.id;
        request.userRef = d.userId;
        request.amount = d.amount;
        request.currency = d.currency;
        request.reference = d.providerRef;
        request.metadataJson = R"({"kind":"deposit","deposit_id":")" + d.id + "\"}";
        const GatewayReply reply = _gateways.call(d.gateway, PaymentCall::Query, request);
        if (reply.ok()) recordGatewayReply(d, reply, "reconciled");
        if (deposit("", d.id).status != "pending") {
            ++report.depositsCompleted;
            continue;
        }
        if (!reply.ok())
            log::warn("payments", "reconcile: deposit query failed", {{"deposit", d.id}, {"error", reply.message}});
        // Still open: an abandoned checkout expires; anything else is asked about again next turn.
        const std::int64_t expiryNs = std::int64_t{_config.payments.depositExpiryHours} * 3'600'000'000'000;
        const bool expired = d.createdNs < now - expiryNs;
        _commits.run([&](PreparedSession& w) {
            if (expired)
                payment_book::failDeposit(
                    w, d.id, "expired: not paid within " + std::to_string(_config.payments.depositExpiryHours) + " hours",
                    _clock.nowNs());
            else
                payment_book::touchDeposit(w, d.id, _clock.nowNs());
        });
        if (expired) notifyDeposit(d.id);
    }
    for (const Withdrawal& wd : unsent) {
        ++report.withdrawalsSent;
        dispatch(wd.id);
        notifyWithdrawal(wd.id);
    }
    for (const Withdrawal& wd : processing) {
        ++report.withdrawalsChecked;
        GatewayRequest request;
        request.idempotencyKey = wd.id;
        request.userRef = wd.userId;
        request.amount = wd.amount;
        request.currency = wd.currency;
        request.reference = wd.providerRef;
        request.metadataJson = R"({"kind":")" + std::string(wd.method == "refund" ? "refund" : "payout") +
                               R"(","withdrawal_id":")" + wd.id + "\"}";
        const GatewayReply reply = _gateways.call(wd.gateway, PaymentCall::Query, request);
        if (!reply.ok())
            log::warn("payments", "reconcile: withdrawal query failed",
                      {{"withdrawal", wd.id}, {"error", reply.message}});
        std::string outcome;
        _commits.run([&](PreparedSession& w) {
            outcome = reply.ok() ? settleWithdrawal(w, wd.id, reply.field("status"), reply.field("reason"),
                                                    _clock.nowNs())
                                 : "unchanged";
            if (outcome != "applied") payment_book::touchWithdrawal(w, wd.id, _clock.nowNs());
        });
        if (outcome == "applied") {
            ++report.withdrawalsCompleted;
            _audit.record("gateway:" + wd.gateway, "withdrawal.reconciled", wd.id, reply.field("status"));
            notifyWithdrawal(wd.id);
        }
    }
    return report;
}

void PaymentService::startReconciler() {
    std::lock_guard lock(_threadMutex);
    if (_reconciler.joinable()) return;
    _stopping = false;
    _reconciler = std::thread([this] { reconcileLoop(); });
}

void PaymentService::reconcileLoop() {
    std::unique_lock lock(_threadMutex);
    while (!_stopping) {
        _wake.wait_for(lock, std::chrono::seconds(_config.payments.reconcileIntervalS));
        if (_stopping) break;
        lock.unlock();
        try {
            reconcile();
        } catch (const std::exception& e) {
            log::error("payments", "reconciliation pass failed", {{"error", e.what()}});
        }
        lock.lock();
    }
}

void PaymentService::stop() {
    {
        std::lock_guard lock(_threadMutex);
        _stopping = true;
    }
    _wake.notify_all();
    if (_reconciler.joinable()) _reconciler.join();
}

}  // namespace bourse
