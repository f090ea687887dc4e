// Payments (see payments/PaymentService.h and plugins/payment/README.md):
//   GET  /api/v1/payments/gateways                     gateways, limits per currency
//   POST /api/v1/wallet/deposits {gateway, amount, currency}   → 201 {deposit, checkout}
//   GET  /api/v1/wallet/deposits[?status=&cursor=&limit=]      GET /api/v1/wallet/deposits/{id}
//   POST /api/v1/wallet/deposits/{id}/confirm {result: {...}}  the checkout's signed result
//   POST /api/v1/wallet/withdrawals {gateway, amount, currency, destination?} → 201 withdrawal
//   GET  /api/v1/wallet/withdrawals[...]   GET /api/v1/wallet/withdrawals/{id}
//   POST /api/v1/wallet/withdrawals/{id}/cancel                while awaiting approval
//   POST /api/v1/webhooks/{plugin-id}    raw body, verified by the plugin (payment gateways and KYC providers)
// Operator:
//   GET  /api/v1/admin/withdrawals[?status=pending_approval]   POST .../{id}/approve, .../{id}/reject {reason}
//   GET  /api/v1/admin/deposits[?status=]
//   GET  /api/v1/admin/payments/flags[?open=true]              POST .../flags/{id}/resolve
//   POST /api/v1/admin/payments/reconcile                      one reconciliation pass now
// Creating calls honour an Idempotency-Key header (one deposit/withdrawal per key and user).
#include "api/Auth.h"
#include "api/Routes.h"
#include "app/Kernel.h"
#include "config/Config.h"
#include "http/HttpError.h"
#include "http/JsonBody.h"
#include "http/Router.h"
#include "kyc/KycService.h"
#include "ledger/Ledger.h"
#include "payments/PaymentService.h"
#include "plugins/PluginError.h"
#include "plugins/PluginInstance.h"
#include "plugins/PluginManager.h"
#include "storage/AuditLog.h"
#include "util/RateLimiter.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

namespace bourse {

namespace {

constexpr std::streamsize kMaxWebhookBytes = 256 * 1024;

std::string idempotencyKey(const Request& r) {
    const std::string key = r.http.get("Idempotency-Key", "");
    if (key.size() > 128) throw HttpError::badRequest("Idempotency-Key: at most 128 characters", "Idempotency-Key");
    return key;
}

/// Where a hosted checkout sends the browser back: payments.public_url, else this request's host.
std::string returnUrl(const Request& r, const Config& config) {
    std::string base = config.payments.publicUrl;
    if (base.empty()) {
        const std::string proto = r.http.get("X-Forwarded-Proto", "http") == "https" ? "https" : "http";
        base = proto + "://" + r.http.getHost();
    }
    while (!base.empty() && base.back() == '/')
        base.pop_back();
    return base + "/#wallet";
}

/// An optional JSON object field as text ("{}" when absent).
std::string objectField(const Poco::JSON::Object& body, const std::string& name) {
    if (!body.has(name) || body.isNull(name)) return "{}";
    const auto o = body.getObject(name);
    if (!o) throw HttpError::badRequest(name + ": must be an object", name);
    std::ostringstream out;
    o->stringify(out);
    return out.str();
}

template <class T, class ToJson>
std::string page(const std::vector<T>& items, int limit, const char* name, ToJson toJsonText) {
    std::string out = std::string("{\"") + name + "\":[";
    for (std::size_t i = 0; i < items.size(); ++i)
        out += (i ? "," : "") + toJsonText(items[i]);
    out += "],\"next_cursor\":";
    out += static_cast<int>(items.size()) == limit ? "\"" + items.back().id + "\"" : std::string("null");
    return out + "}";
}

std::string statusFilter(const Request& r, std::initializer_list<const char*> allowed) {
    const std::string status = r.query("status");
    if (status.empty()) return status;
    for (const char* a : allowed)
        if (status == a) return status;
    throw HttpError::badRequest("status: unknown status '" + status + "'", "status");
}

const std::initializer_list<const char*> kDepositStatuses = {"pending", "succeeded", "failed", "review"};
const std::initializer_list<const char*> kWithdrawalStatuses = {
    "pending_approval", "approved", "processing", "succeeded", "failed", "rejected", "cancelled", "reversed"};

}  // namespace

void addPaymentRoutes(Router& router, Kernel& kernel) {
    router.add("GET", "/api/v1/payments/gateways", [&kernel](Request& r) {
        (void)requireUser(r, kernel);
        Poco::JSON::Array gateways;
        for (const auto& g : kernel.payments().gateways()) {
            Poco::JSON::Object o;
            o.set("id", g.id);
            o.set("withdraw_via", g.withdrawVia);
            o.set("real_money", g.realMoney);
            o.set("available", g.running);
            gateways.add(o);
        }
        Poco::JSON::Object limits;
        for (const auto& [currency, l] : kernel.config().payments.limits) {
            Poco::JSON::Object o;
            o.set("min_deposit", formatMinor(l.minDeposit));
            o.set("max_deposit", formatMinor(l.maxDeposit));
            o.set("min_withdrawal", formatMinor(l.minWithdrawal));
            o.set("max_withdrawal", formatMinor(l.maxWithdrawal));
            o.set("daily_deposit", formatMinor(l.dailyDeposit));
            o.set("daily_withdrawal", formatMinor(l.dailyWithdrawal));
            limits.set(currency, o);
        }
        Poco::JSON::Object body;
        body.set("gateways", gateways);
        body.set("limits", limits);
        sendJson(r.response, 200, toJson(body));
    });

    router.add("POST", "/api/v1/wallet/deposits", [&kernel](Request& r) {
        const Caller c = requireUser(r, kernel);
        const std::string key = idempotencyKey(r);
        const auto body = r.jsonBody();
        const JsonBody b(body, {"gateway", "amount", "currency"});
        const DepositResult d = kernel.payments().createDeposit(
            c.userId, b.string("gateway", 64), b.string("amount", 32),
            b.optString("currency", 3).value_or(kernel.config().accounts.currency), key, returnUrl(r, kernel.config()));
        sendJson(r.response, d.created ? 201 : 200,
                 R"({"deposit":)" + depositJson(d.deposit) + R"(,"checkout":)" +
                     (d.checkoutJson.empty() ? std::string("null") : d.checkoutJson) + "}");
    });

    router.add("GET", "/api/v1/wallet/deposits", [&kernel](Request& r) {
        const Caller c = requireUser(r, kernel);
        const int limit = r.limit(50, 200);
        sendJson(r.response, 200,
                 page(kernel.payments().deposits(c.userId, statusFilter(r, kDepositStatuses), r.query("cursor"), limit),
                      limit, "deposits", depositJson));
    });

    router.add("GET", "/api/v1/wallet/deposits/{id}", [&kernel](Request& r) {
        const Caller c = requireUser(r, kernel);
        sendJson(r.response, 200, depositJson(kernel.payments().deposit(c.userId, r.param("id"))));
    });

    router.add("POST", "/api/v1/wallet/deposits/{id}/confirm", [&kernel](Request& r) {
        const Caller c = requireUser(r, kernel);
        const auto body = r.jsonBody();
        const JsonBody b(body, {"result"});
        sendJson(r.response, 200,
                 depositJson(kernel.payments().confirmDeposit(c.userId, r.param("id"), objectField(body, "result"))));
    });

    router.add("POST", "/api/v1/wallet/withdrawals", [&kernel](Request& r) {
        const Caller c = requireUser(r, kernel);
        const std::string key = idempotencyKey(r);
        const auto body = r.jsonBody();
        const JsonBody b(body, {"gateway", "amount", "currency", "destination"});
        bool created = false;
        const Withdrawal w =
            kernel.payments().requestWithdrawal(c.userId, b.string("gateway", 64), b.string("amount", 32),
                                                b.optString("currency", 3).value_or(kernel.config().accounts.currency),
                                                objectField(body, "destination"), key, created);
        sendJson(r.response, created ? 201 : 200, withdrawalJson(w));
    });

    router.add("GET", "/api/v1/wallet/withdrawals", [&kernel](Request& r) {
        const Caller c = requireUser(r, kernel);
        const int limit = r.limit(50, 200);
        sendJson(r.response, 200,
                 page(kernel.payments().withdrawals(c.userId, statusFilter(r, kWithdrawalStatuses), r.query("cursor"),
                                                    limit),
                      limit, "withdrawals", withdrawalJson));
    });

    router.add("GET", "/api/v1/wallet/withdrawals/{id}", [&kernel](Request& r) {
        const Caller c = requireUser(r, kernel);
        sendJson(r.response, 200, withdrawalJson(kernel.payments().withdrawal(c.userId, r.param("id"))));
    });

    router.add("POST", "/api/v1/wallet/withdrawals/{id}/cancel", [&kernel](Request& r) {
        const Caller c = requireUser(r, kernel);
        sendJson(r.response, 200, withdrawalJson(kernel.payments().cancelWithdrawal(c.userId, r.param("id"))));
    });

    router.add("POST", "/api/v1/webhooks/{id}", [&kernel](Request& r) {
        const std::string id = r.param("id");
        const auto instance = kernel.plugins().instance(id);
        if (!instance) throw HttpError::notFound("no running plugin '" + id + "'");
        const std::string body = r.rawBody(kMaxWebhookBytes);
        std::vector<std::pair<std::string, std::string>> headers;
        for (const auto& [name, value] : r.http)
            headers.emplace_back(name, value);
        std::vector<bourse_http_header> cHeaders;
        for (const auto& [name, value] : headers)
            cHeaders.push_back({{name.data(), name.size()}, {value.data(), value.size()}});
        const std::string path = r.http.getURI();
        const bourse_webhook webhook{sizeof(bourse_webhook),
                                     {path.data(), path.size()},
                                     cHeaders.data(),
                                     cHeaders.size(),
                                     {body.data(), body.size()}};
        std::string event;
        try {
            event = instance->verifyWebhook(webhook);
        } catch (const PluginError& e) {
            if (e.status() == BOURSE_E_SIGNATURE || e.status() == BOURSE_E_INVALID) {
                // Audited, but a flood of forgeries from one address is not allowed to flood the audit log.
                const std::string from = r.http.clientAddress().host().toString();
                if (kernel.authLimiter().allow("webhook:" + from))
                    kernel.audit().record("webhook:" + id, "webhook.refused", id, from + ": " + e.what());
                throw HttpError::badRequest(e.status() == BOURSE_E_SIGNATURE ? "signature verification failed"
                                                                             : "malformed webhook");
            }
            if (e.status() == BOURSE_E_UNSUPPORTED) throw HttpError::notFound("plugin '" + id + "' takes no webhooks");
            // Anything else is ours: the provider retries later.
            throw HttpError(503, "Service Unavailable", "the webhook could not be processed now");
        }
        std::string outcome;
        if (instance->kind() == BOURSE_KIND_PAYMENT_GATEWAY)
            outcome = kernel.payments().applyEvent(id, event);
        else if (instance->kind() == BOURSE_KIND_KYC_PROVIDER)
            outcome = kernel.kyc().applyEvent(id, event);
        else
            throw HttpError::notFound("plugin '" + id + "' takes no webhooks");
        sendJson(r.response, 200, R"({"received":true,"outcome":")" + outcome + "\"}");
    });

    // ---- operators ----
    router.add("GET", "/api/v1/admin/withdrawals", [&kernel](Request& r) {
        (void)requireOperator(r, kernel);
        const int limit = r.limit(50, 200);
        sendJson(r.response, 200,
                 page(kernel.payments().withdrawals("", statusFilter(r, kWithdrawalStatuses), r.query("cursor"), limit),
                      limit, "withdrawals", [](const Withdrawal& w) {
                          // Operators also see whose it is and where it goes.
                          auto text = withdrawalJson(w);
                          text.pop_back();
                          return text + R"(,"user_id":")" + w.userId + R"(","destination":)" + w.destinationJson +
                                 R"(,"attempts":)" + std::to_string(w.attempts) + "}";
                      }));
    });

    for (const char* action : {"approve", "reject"}) {
        router.add("POST", std::string("/api/v1/admin/withdrawals/{id}/") + action,
                   [&kernel, approve = std::string(action) == "approve"](Request& r) {
                       const std::string actor = requireOperator(r, kernel);
                       if (approve) {
                           sendJson(r.response, 200,
                                    withdrawalJson(kernel.payments().approveWithdrawal(actor, r.param("id"))));
                           return;
                       }
                       const auto body = r.jsonBody();
                       const JsonBody b(body, {"reason"});
                       sendJson(r.response, 200,
                                withdrawalJson(
                                    kernel.payments().rejectWithdrawal(actor, r.param("id"), b.string("reason", 500))));
                   });
    }

    router.add("GET", "/api/v1/admin/deposits", [&kernel](Request& r) {
        (void)requireOperator(r, kernel);
        const int limit = r.limit(50, 200);
        sendJson(r.response, 200,
                 page(kernel.payments().deposits("", statusFilter(r, kDepositStatuses), r.query("cursor"), limit),
                      limit, "deposits", [](const Deposit& d) {
                          auto text = depositJson(d);
                          text.pop_back();
                          return text + R"(,"user_id":")" + d.userId + "\"}";
                      }));
    });

    router.add("GET", "/api/v1/admin/payments/flags", [&kernel](Request& r) {
        (void)requireOperator(r, kernel);
        Poco::JSON::Array items;
        for (const auto& f : kernel.payments().flags(r.query("open", "true") == "true", r.limit(100, 500))) {
            Poco::JSON::Object o;
            o.set("id", f.id);
            o.set("user_id", f.userId);
            o.set("rule", f.rule);
            o.set("detail", f.detail);
            o.set("reference", f.reference);
            o.set("created_at", f.createdNs / 1'000'000);
            if (f.resolvedNs) {
                o.set("resolved_by", f.resolvedBy);
                o.set("resolved_at", f.resolvedNs / 1'000'000);
            }
            items.add(o);
        }
        Poco::JSON::Object body;
        body.set("flags", items);
        sendJson(r.response, 200, toJson(body));
    });

    router.add("POST", "/api/v1/admin/payments/flags/{id}/resolve", [&kernel](Request& r) {
        const std::string actor = requireOperator(r, kernel);
        kernel.payments().resolveFlag(actor, r.param("id"));
        sendJson(r.response, 200, R"({"resolved":true})");
    });

    router.add("POST", "/api/v1/admin/payments/reconcile", [&kernel](Request& r) {
        const std::string actor = requireOperator(r, kernel);
        const ReconcileReport rep = kernel.payments().reconcile();
        kernel.audit().record(actor, "payments.reconcile", "", "");
        Poco::JSON::Object o;
        o.set("deposits_checked", rep.depositsChecked);
        o.set("deposits_completed", rep.depositsCompleted);
        o.set("withdrawals_sent", rep.withdrawalsSent);
        o.set("withdrawals_checked", rep.withdrawalsChecked);
        o.set("withdrawals_completed", rep.withdrawalsCompleted);
        sendJson(r.response, 200, toJson(o));
    });
}

}  // namespace bourse
