#include "payments/PaymentService.h"

#include "config/Config.h"
#include "http/HttpError.h"
#include "ledger/Ledger.h"
#include "log/Log.h"
#include "metrics/Metrics.h"
#include "payments/PaymentBook.h"
#include "payments/RiskChecks.h"
#include "storage/AuditLog.h"
#include "storage/CommitQueue.h"
#include "storage/Database.h"
#include "storage/PreparedSession.h"
#include "util/Clock.h"
#include "util/Ids.h"

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Statement.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>

#include <sstream>

using namespace Poco::Data::Keywords;

namespace bourse {

namespace {

HttpError unprocessable(const std::string& detail, const std::string& field = "") {
    return {422, "Unprocessable Content", detail, field};
}

/// A JSON object text, or HttpError 400 naming `field`.
std::string objectText(const std::string& json, const std::string& field) {
    if (json.empty()) return "{}";
    try {
        if (Poco::JSON::Parser().parse(json).extract<Poco::JSON::Object::Ptr>()) return json;
    } catch (const std::exception&) {
        // Falls through to the error below.
    }
    throw HttpError::badRequest(field + ": must be a JSON object", field);
}

/// A JSON string literal of s, quotes included.
std::string quoted(const std::string& s) {
    std::ostringstream out;
    Poco::JSON::Stringifier::formatString(s, out);
    return out.str();
}

}  // namespace

PaymentService::PaymentService(Database& db, CommitQueue& commits, GatewayClient& gateways, AuditLog& audit,
                               const Config& config, const Clock& clock, Metrics& metrics)
    : _db(db),
      _commits(commits),
      _gateways(gateways),
      _audit(audit),
      _config(config),
      _clock(clock),
      _credited(metrics.counter("bourse_deposits_credited_total", "Deposits credited to a wallet")),
      _paidOut(metrics.counter("bourse_withdrawals_paid_total", "Withdrawals paid out")),
      _events_total(metrics.counter("bourse_payment_events_total", "Payment gateway events received")) {}

PaymentService::~PaymentService() {
    stop();
}

const CurrencyLimits& PaymentService::limitsFor(const std::string& currency, const std::string& field) const {
    const auto it = _config.payments.limits.find(currency);
    if (it == _config.payments.limits.end())
        throw unprocessable(field + ": " + currency + " cannot be paid in or out here", field);
    return it->second;
}

std::int64_t PaymentService::parseAmount(const std::string& text) const {
    std::string why;
    const auto minor = parseMinor(text, 2, why);
    if (!minor) throw HttpError::badRequest("amount: " + why, "amount");
    if (*minor <= 0) throw HttpError::badRequest("amount: must be above zero", "amount");
    return *minor;
}

std::string PaymentService::kycStatus(const std::string& userId) const {
    std::string status;
    _db.read([&](PreparedSession& r) {
        status = r.first<std::string>("SELECT kyc_status FROM users WHERE id = $1", userId).value_or("none");
    });
    return status;
}

// ---------------------------------------------------------------- deposits --

DepositResult PaymentService::createDeposit(const std::string& userId, const std::string& gateway,
                                            const std::string& amountText, const std::string& currency,
                                            const std::string& clientKey, const std::string& returnUrl) {
    (void)_gateways.require(gateway, "gateway");
    const CurrencyLimits& limits = limitsFor(currency, "currency");
    const std::int64_t amount = parseAmount(amountText);
    if (amount < limits.minDeposit || amount > limits.maxDeposit)
        throw unprocessable("amount: deposits are between " + formatMinor(limits.minDeposit) + " and " +
                                formatMinor(limits.maxDeposit) + " " + currency,
                            "amount");
    if (_config.kyc.needs("deposits") && kycStatus(userId) != "verified")
        throw HttpError(403, "Forbidden", "kyc: verify your identity before depositing");

    DepositResult result;
    Deposit d;
    d.id = newId("dep");
    d.userId = userId;
    d.gateway = gateway;
    d.amount = amount;
    d.currency = currency;
    d.clientKey = clientKey.empty() ? d.id : clientKey;
    d.createdNs = _clock.nowNs();
    std::optional<std::string> refused;
    std::string heldBy;
    int flagged = 0;
    _commits.run([&](PreparedSession& w) {
        refused = risk::depositLimit(w, limits, userId, currency, amount, d.createdNs);
        heldBy.clear();
        flagged = 0;
        if (refused) return;
        heldBy = payment_book::insertDeposit(w, d);
        if (heldBy == d.id) flagged = risk::checkDeposit(w, _config.payments.velocity, userId, d.id, d.createdNs);
    });
    if (refused) throw unprocessable(*refused, "amount");
    Poco::Data::Session s = _db.session();
    auto stored = payment_book::findDeposit(s, heldBy);
    if (!stored) throw std::runtime_error("deposit " + heldBy + " vanished");
    result.created = heldBy == d.id;
    if (!result.created && (stored->gateway != gateway || stored->amount != amount || stored->currency != currency))
        throw HttpError(409, "Conflict", "Idempotency-Key: already used for a different deposit", "Idempotency-Key");
    if (flagged && _events) _events("events:operator", R"({"type":"payment_flag","user_id":)" + quoted(userId) + "}");
    if (stored->status != "pending") {
        result.deposit = *stored;
        return result;
    }

    // Ask the gateway (again, for a repeat: the same idempotency key gets the same intent).
    GatewayRequest request;
    request.idempotencyKey = stored->id;
    request.userRef = userId;
    request.amount = amount;
    request.currency = currency;
    request.metadataJson = R"({"deposit_id":)" + quoted(stored->id) + R"(,"return_url":)" + quoted(returnUrl) + "}";
    const GatewayReply reply = _gateways.call(gateway, PaymentCall::CreateDeposit, request);
    const std::int64_t now = _clock.nowNs();
    if (!reply.ok() || reply.field("provider_ref").empty()) {
        const std::string why = reply.ok() ? "the gateway returned no provider_ref" : reply.message;
        // A repeat of a deposit the gateway already took may be being paid right now: leave it be.
        if (!stored->providerRef.empty())
            throw HttpError(503, "Service Unavailable", "payment gateway '" + gateway + "' is unavailable: " + why);
        _commits.run([&](PreparedSession& w) { payment_book::failDeposit(w, stored->id, why, now); });
        _audit.record("user:" + userId, "deposit.failed", stored->id, gateway + ": " + why);
        notifyDeposit(stored->id);
        if (reply.status == BOURSE_E_INVALID || reply.status == BOURSE_E_REJECTED)
            throw unprocessable("amount: " + why, "amount");
        throw HttpError(503, "Service Unavailable", "payment gateway '" + gateway + "' is unavailable: " + why);
    }
    const std::string ref = reply.field("provider_ref");
    _commits.run([&](PreparedSession& w) {
        payment_book::setDepositProviderRef(w, stored->id, ref, now);
        replayUnmatched(w, gateway, ref, now);
    });
    if (result.created) _audit.record("user:" + userId, "deposit.created", stored->id, gateway + " " + ref);
    result.deposit = deposit(userId, stored->id);
    if (result.deposit.status == "pending" && reply.body->has("checkout")) {
        std::ostringstream out;
        reply.body->getObject("checkout")->stringify(out);
        result.checkoutJson = out.str();
    }
    return result;
}

Deposit PaymentService::confirmDeposit(const std::string& userId, const std::string& id,
                                       const std::string& resultJson) {
    const Deposit d = deposit(userId, id);
    if (d.status != "pending") return d;
    if (d.providerRef.empty()) throw HttpError(409, "Conflict", "the deposit is not ready for confirmation yet");
    GatewayRequest request;
    request.idempotencyKey = d.id;
    request.userRef = userId;
    request.amount = d.amount;
    request.currency = d.currency;
    request.reference = d.providerRef;
    request.metadataJson = objectText(resultJson, "result");
    const GatewayReply reply = _gateways.call(d.gateway, PaymentCall::ConfirmDeposit, request);
    if (reply.status == BOURSE_E_SIGNATURE) {
        _audit.record("user:" + userId, "deposit.confirm_forged", id, d.gateway + ": " + reply.message);
        throw HttpError::badRequest("result: the payment signature does not verify", "result");
    }
    if (!reply.ok()) {
        if (reply.status == BOURSE_E_UNAVAILABLE)
            throw HttpError(503, "Service Unavailable", "payment gateway '" + d.gateway + "': " + reply.message);
        throw unprocessable("result: " + reply.message, "result");
    }
    recordGatewayReply(d, reply, "confirm");
    return deposit(userId, id);
}

void PaymentService::recordGatewayReply(const Deposit& d, const GatewayReply& reply, const char* source) {
    const std::string status = reply.field("status");
    if (status != "succeeded" && status != "failed") return;
    std::optional<std::int64_t> amount;
    std::string currency;
    if (reply.body->has("amount")) {
        const auto a = reply.body->getObject("amount");
        if (a && a->has("minor")) {
            amount = a->getValue<std::int64_t>("minor");
            currency = a->optValue<std::string>("currency", "");
        }
    }
    const std::int64_t now = _clock.nowNs();
    std::string outcome;
    _commits.run([&](PreparedSession& w) {
        outcome =
            settleDeposit(w, d.id, status, reply.field("payment_ref"), amount, currency, reply.field("reason"), now);
    });
    _audit.record(std::string("gateway:") + d.gateway, std::string("deposit.") + source, d.id, status + ": " + outcome);
    if (outcome == "applied" && status == "succeeded") _credited.inc();
    notifyDeposit(d.id);
}

Deposit PaymentService::deposit(const std::string& userId, const std::string& id) const {
    Poco::Data::Session s = _db.session();
    auto d = payment_book::findDeposit(s, id);
    if (!d || (!userId.empty() && d->userId != userId)) throw HttpError::notFound("no such deposit");
    return *d;
}

std::vector<Deposit> PaymentService::deposits(const std::string& userId, const std::string& status,
                                              const std::string& cursor, int limit) const {
    Poco::Data::Session s = _db.session();
    return payment_book::listDeposits(s, userId, status, cursor, limit);
}

// ------------------------------------------------------------- withdrawals --

Withdrawal PaymentService::requestWithdrawal(const std::string& userId, const std::string& gateway,
                                             const std::string& amountText, const std::string& currency,
                                             const std::string& destinationJson, const std::string& clientKey,
                                             bool& created) {
    created = false;
    const GatewayInfo g = _gateways.require(gateway, "gateway");
    const CurrencyLimits& limits = limitsFor(currency, "currency");
    const std::int64_t amount = parseAmount(amountText);
    if (amount < limits.minWithdrawal || amount > limits.maxWithdrawal)
        throw unprocessable("amount: withdrawals are between " + formatMinor(limits.minWithdrawal) + " and " +
                                formatMinor(limits.maxWithdrawal) + " " + currency,
                            "amount");
    // Real money never leaves without a verified identity, whatever kyc.required_for says.
    if ((g.realMoney || _config.kyc.needs("withdrawals")) && kycStatus(userId) != "verified")
        throw HttpError(403, "Forbidden", "kyc: verify your identity before withdrawing");
    const std::string destination = objectText(destinationJson, "destination");
    if (destination.size() > 2048) throw HttpError::badRequest("destination: too large", "destination");

    Withdrawal wd;
    wd.id = newId("wd");
    wd.userId = userId;
    wd.gateway = gateway;
    wd.amount = amount;
    wd.currency = currency;
    wd.method = g.withdrawVia;
    wd.destinationJson = destination;
    wd.clientKey = clientKey.empty() ? wd.id : clientKey;
    wd.createdNs = _clock.nowNs();
    std::string refused, existing;
    bool insufficient = false;
    int flagged = 0;
    _commits.run([&](PreparedSession& w) {
        refused.clear();
        existing.clear();
        insufficient = false;
        flagged = 0;
        wd.depositId.clear();
        existing = w.first<std::string>("SELECT id FROM withdrawals WHERE user_id = $1 AND client_key = $2", userId,
                                        wd.clientKey)
                       .value_or("");
        if (!existing.empty()) return;
        if (auto why = risk::withdrawalLimit(w, limits, userId, currency, amount, wd.createdNs)) {
            refused = *why;
            return;
        }
        if (wd.method == "refund") {
            // Pays back the newest deposit through this gateway that has enough left to refund.
            wd.depositId = w.first<std::string>(
                                "SELECT id FROM deposits WHERE user_id = $1 AND gateway = $2 AND currency = $3 AND "
                                "status = 'succeeded' AND payment_ref IS NOT NULL AND amount - refunded >= $4 "
                                "ORDER BY created_ns DESC LIMIT 1",
                                userId, gateway, currency, Poco::Int64{amount})
                               .value_or("");
            if (wd.depositId.empty()) {
                refused = "amount: " + gateway +
                          " withdrawals are refunds of your earlier deposits through it, and none has " +
                          formatMinor(amount) + " " + currency + " left to refund";
                return;
            }
        }
        const bool autoApprove =
            limits.autoApproveBelow > 0 && amount < limits.autoApproveBelow && !risk::hasOpenFlags(w, userId);
        wd.status = autoApprove ? "approved" : "pending_approval";
        if (payment_book::reserveWithdrawal(w, wd) == payment_book::Reserve::Insufficient) {
            insufficient = true;
            return;
        }
        flagged = risk::checkWithdrawal(w, _config.payments.velocity, userId, wd.id, wd.createdNs);
        // A withdrawal that raised a flag waits for an operator, whatever its amount.
        if (flagged && wd.status == "approved") {
            payment_book::moveWithdrawal(w, wd.id, {"approved"}, "pending_approval", "held for review", "",
                                         wd.createdNs);
            wd.status = "pending_approval";
        }
    });
    if (!existing.empty()) {
        Withdrawal prior = withdrawal(userId, existing);
        if (prior.gateway != gateway || prior.amount != amount || prior.currency != currency)
            throw HttpError(409, "Conflict", "Idempotency-Key: already used for a different withdrawal",
                            "Idempotency-Key");
        return prior;
    }
    if (!refused.empty()) throw unprocessable(refused, "amount");
    if (insufficient) throw unprocessable("amount: insufficient available balance", "amount");
    created = true;
    _audit.record("user:" + userId, "withdrawal.requested", wd.id,
                  gateway + " " + formatMinor(amount) + " " + currency + " " + wd.status);
    if (flagged && _events) _events("events:operator", R"({"type":"payment_flag","user_id":)" + quoted(userId) + "}");
    if (_events) _events("events:operator", R"({"type":"withdrawal","id":)" + quoted(wd.id) + "}");
    if (wd.status == "approved") dispatch(wd.id);
    notifyWithdrawal(wd.id);
    return withdrawal(userId, wd.id);
}

Withdrawal PaymentService::cancelWithdrawal(const std::string& userId, const std::string& id) {
    (void)withdrawal(userId, id);  // 404 for someone else's
    bool done = false;
    const std::int64_t now = _clock.nowNs();
    _commits.run([&](PreparedSession& w) {
        done =
            payment_book::returnWithdrawal(w, id, {"pending_approval"}, "cancelled", "cancelled by the user", "", now);
    });
    if (!done) throw HttpError(409, "Conflict", "only a withdrawal awaiting approval can be cancelled");
    _audit.record("user:" + userId, "withdrawal.cancelled", id, "");
    notifyWithdrawal(id);
    return withdrawal(userId, id);
}

Withdrawal PaymentService::approveWithdrawal(const std::string& actor, const std::string& id) {
    (void)withdrawal("", id);
    bool done = false;
    const std::int64_t now = _clock.nowNs();
    _commits.run([&](PreparedSession& w) {
        done = payment_book::moveWithdrawal(w, id, {"pending_approval"}, "approved", "", actor, now);
    });
    if (!done) throw HttpError(409, "Conflict", "the withdrawal is not awaiting approval");
    _audit.record(actor, "withdrawal.approved", id, "");
    dispatch(id);
    notifyWithdrawal(id);
    return withdrawal("", id);
}

Withdrawal PaymentService::rejectWithdrawal(const std::string& actor, const std::string& id,
                                            const std::string& reason) {
    (void)withdrawal("", id);
    if (reason.empty()) throw HttpError::badRequest("reason: is required", "reason");
    bool done = false;
    const std::int64_t now = _clock.nowNs();
    _commits.run([&](PreparedSession& w) {
        done = payment_book::returnWithdrawal(w, id, {"pending_approval"}, "rejected", reason, actor, now);
    });
    if (!done) throw HttpError(409, "Conflict", "the withdrawal is not awaiting approval");
    _audit.record(actor, "withdrawal.rejected", id, reason);
    notifyWithdrawal(id);
    return withdrawal("", id);
}

void PaymentService::dispatch(const std::string& id) {
    const Withdrawal wd = withdrawal("", id);
    if (wd.status != "approved") return;
    _commits.run([&](PreparedSession& w) { payment_book::countAttempt(w, id, _clock.nowNs()); });
    GatewayRequest request;
    request.idempotencyKey = wd.id;
    request.userRef = wd.userId;
    request.amount = wd.amount;
    request.currency = wd.currency;
    request.metadataJson = R"({"withdrawal_id":)" + quoted(wd.id) + R"(,"destination":)" + wd.destinationJson + "}";
    PaymentCall call = PaymentCall::Payout;
    if (wd.method == "refund") {
        call = PaymentCall::Refund;
        request.reference = deposit("", wd.depositId).paymentRef;
    }
    const GatewayReply reply = _gateways.call(wd.gateway, call, request);
    const std::int64_t now = _clock.nowNs();
    if (reply.status == BOURSE_E_UNAVAILABLE) {
        // Outcome unknown: the reconciler sends it again with the same idempotency key.
        log::warn("payments", "withdrawal send failed, will retry", {{"withdrawal", id}, {"error", reply.message}});
        _commits.run([&](PreparedSession& w) {
            payment_book::moveWithdrawal(w, id, {"approved"}, "approved",
                                         "gateway unavailable, retrying: " + reply.message, "", now);
        });
        return;
    }
    std::string outcome;
    _commits.run([&](PreparedSession& w) {
        outcome.clear();
        if (!reply.ok()) {
            payment_book::returnWithdrawal(w, id, {"approved"}, "failed", reply.message, "", now);
            outcome = "failed";
            return;
        }
        const std::string ref = reply.field("provider_ref");
        if (!ref.empty()) payment_book::setWithdrawalProviderRef(w, id, ref, now);
        w.exec("UPDATE withdrawals SET reason = '' WHERE id = $1", id);  // a retry note no longer applies
        const std::string status = reply.field("status");
        if (status == "succeeded")
            payment_book::completeWithdrawal(w, id, now);
        else if (status == "failed")
            payment_book::returnWithdrawal(w, id, {"approved"}, "failed", reply.field("reason"), "", now);
        else
            payment_book::moveWithdrawal(w, id, {"approved"}, "processing", "", "", now);
        outcome = status.empty() ? "pending" : status;
        if (!ref.empty()) replayUnmatched(w, wd.gateway, ref, now);
    });
    if (outcome == "succeeded") _paidOut.inc();
    _audit.record("gateway:" + wd.gateway, "withdrawal.sent", id,
                  outcome + (reply.ok() ? " " + reply.field("provider_ref") : ": " + reply.message));
}

Withdrawal PaymentService::withdrawal(const std::string& userId, const std::string& id) const {
    Poco::Data::Session s = _db.session();
    auto w = payment_book::findWithdrawal(s, id);
    if (!w || (!userId.empty() && w->userId != userId)) throw HttpError::notFound("no such withdrawal");
    return *w;
}

std::vector<Withdrawal> PaymentService::withdrawals(const std::string& userId, const std::string& status,
                                                    const std::string& cursor, int limit) const {
    Poco::Data::Session s = _db.session();
    return payment_book::listWithdrawals(s, userId, status, cursor, limit);
}

// -------------------------------------------------------------- operators --

std::vector<PaymentFlag> PaymentService::flags(bool openOnly, int limit) const {
    Poco::Data::Session s = _db.session();
    Poco::Data::Statement st(s);
    int lim = limit;
    st << std::string(
              "SELECT id, user_id, rule, detail, reference, created_ns, resolved_by, resolved_ns FROM "
              "payment_flags ") +
              (openOnly ? "WHERE resolved_ns IS NULL " : "") + "ORDER BY created_ns DESC LIMIT $1",
        use(lim);
    st.execute();
    Poco::Data::RecordSet rs(st);
    std::vector<PaymentFlag> out;
    for (std::size_t r = 0; r < rs.rowCount(); ++r) {
        PaymentFlag f;
        f.id = rs.value(0, r).convert<std::string>();
        f.userId = rs.value(1, r).convert<std::string>();
        f.rule = rs.value(2, r).convert<std::string>();
        f.detail = rs.value(3, r).convert<std::string>();
        f.reference = rs.value(4, r).convert<std::string>();
        f.createdNs = rs.value(5, r).convert<Poco::Int64>();
        if (!rs.isNull(6, r)) f.resolvedBy = rs.value(6, r).convert<std::string>();
        if (!rs.isNull(7, r)) f.resolvedNs = rs.value(7, r).convert<Poco::Int64>();
        out.push_back(std::move(f));
    }
    return out;
}

void PaymentService::resolveFlag(const std::string& actor, const std::string& id) {
    bool done = false;
    const std::int64_t now = _clock.nowNs();
    _commits.run([&](PreparedSession& w) {
        done =
            w.exec("UPDATE payment_flags SET resolved_by = $2, resolved_ns = $3 WHERE id = $1 AND resolved_ns IS NULL",
                   id, actor, Poco::Int64{now}) == 1;
    });
    if (!done) throw HttpError::notFound("no open flag " + id);
    _audit.record(actor, "payment_flag.resolved", id, "");
}

void PaymentService::notifyDeposit(const std::string& id) {
    if (!_events) return;
    const Deposit d = deposit("", id);
    _events("user:" + d.userId, R"({"type":"deposit","deposit":)" + depositJson(d) + "}");
}

void PaymentService::notifyWithdrawal(const std::string& id) {
    if (!_events) return;
    const Withdrawal w = withdrawal("", id);
    _events("user:" + w.userId, R"({"type":"withdrawal","withdrawal":)" + withdrawalJson(w) + "}");
}

}  // namespace bourse
