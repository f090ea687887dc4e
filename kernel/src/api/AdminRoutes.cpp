// The operator API for plugins and the audit log:
//   GET  /api/v1/admin/plugins                     list with state and last error
//   GET  /api/v1/admin/plugins/{id}
//   POST /api/v1/admin/plugins/{id}/reload|enable|disable
//   POST /api/v1/admin/plugins/{id}/commands/{name}   body: the command's JSON arguments
//   GET  /api/v1/admin/audit?limit=
//   GET  /api/v1/admin/users?q=&limit=
//   POST /api/v1/admin/users/{id}/disable|enable
//   POST /api/v1/admin/users/{id}/adjust-balance {amount: "-5.00", reason}
//   GET  /api/v1/admin/stats
//   GET  /api/v1/admin/markets, PUT /api/v1/admin/markets/{symbol}  (binary options rules)
// Every route requires the operator role (or server.admin_token for automation).
#include "accounts/AccountService.h"
#include "api/Auth.h"
#include "api/Routes.h"
#include "app/Kernel.h"
#include "http/HttpError.h"
#include "http/JsonBody.h"
#include "http/Router.h"
#include "ledger/Ledger.h"
#include "market/MarketData.h"
#include "plugins/PluginManager.h"
#include "storage/AuditLog.h"
#include "storage/Database.h"
#include "util/Ids.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/NumberParser.h>

namespace bourse {

namespace {

Poco::JSON::Object pluginJson(const PluginStatus& p, const MarketData& market) {
    Poco::JSON::Object o;
    o.set("id", p.id);
    o.set("kind", p.kind);
    o.set("version", p.version);
    o.set("state", p.state);
    o.set("enabled", p.enabled);
    o.set("library", p.library);
    o.set("library_path", p.libraryPath);
    o.set("build_info", p.buildInfo);
    o.set("description", p.description);
    o.set("generation", p.generation);
    o.set("loaded_at", p.loadedAtMs ? Poco::Dynamic::Var(p.loadedAtMs) : Poco::Dynamic::Var());
    o.set("last_error", p.lastError.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(p.lastError));
    o.set("last_error_at", p.lastErrorAtMs ? Poco::Dynamic::Var(p.lastErrorAtMs) : Poco::Dynamic::Var());
    // Price sources: the state of the feed (live, stale, backing_off, banned).
    if (p.kind == "price_source" && p.state == "running") {
        if (const auto st = market.sourceStatus(p.id)) {
            Poco::JSON::Object source;
            source.set("status", st->status);
            source.set("detail", st->detail);
            o.set("source", source);
        }
    }
    return o;
}

int httpStatusFor(bourse_status s) {
    switch (s) {
        case BOURSE_E_NOT_FOUND:
            return 404;
        case BOURSE_E_INVALID:
            return 400;
        case BOURSE_E_REJECTED:
            return 409;
        case BOURSE_E_UNAVAILABLE:
            return 503;
        case BOURSE_E_UNSUPPORTED:
            return 501;
        default:
            return 500;
    }
}

/// Runs a plugin operation, answering a PluginError as problem+json with the
/// plugin's own message (it names the file or plugin and the reason).
template <class F>
void pluginCall(Request& r, F&& fn) {
    try {
        fn();
    } catch (const PluginError& e) {
        const int status = httpStatusFor(e.status());
        const std::string title = status == 500 ? "Plugin Failure" : (status == 404 ? "Not Found" : "Plugin Error");
        sendProblem(r.response, status, title, e.what());
    }
}

}  // namespace

void addAdminRoutes(Router& router, Kernel& kernel) {
    router.add("GET", "/api/v1/admin/plugins", [&kernel](Request& r) {
        requireOperator(r, kernel);
        Poco::JSON::Array list;
        for (const auto& p : kernel.plugins().list())
            list.add(pluginJson(p, kernel.market()));
        Poco::JSON::Object body;
        body.set("plugins", list);
        sendJson(r.response, 200, toJson(body));
    });

    router.add("GET", "/api/v1/admin/plugins/{id}", [&kernel](Request& r) {
        requireOperator(r, kernel);
        pluginCall(r, [&] {
            sendJson(r.response, 200, toJson(pluginJson(kernel.plugins().status(r.param("id")), kernel.market())));
        });
    });

    router.add("GET", "/api/v1/admin/users", [&kernel](Request& r) {
        requireOperator(r, kernel);
        const int limit = r.limit(50, 500);
        Poco::JSON::Array list;
        for (const auto& u : kernel.accounts().search(r.query("q"), limit))
            list.add(userJson(u));
        Poco::JSON::Object body;
        body.set("users", list);
        sendJson(r.response, 200, toJson(body));
    });

    for (const bool disable : {true, false}) {
        router.add("POST", std::string("/api/v1/admin/users/{id}/") + (disable ? "disable" : "enable"),
                   [&kernel, disable](Request& r) {
                       const std::string actor = requireOperator(r, kernel);
                       kernel.accounts().setDisabled(r.param("id"), disable, actor);
                       sendJson(r.response, 200, R"({"status":"ok"})");
                   });
    }

    router.add("POST", "/api/v1/admin/users/{id}/adjust-balance", [&kernel](Request& r) {
        const std::string actor = requireOperator(r, kernel);
        const auto body = r.jsonBody();
        if (body.has("amount") && !body.get("amount").isString())
            throw HttpError::badRequest("amount: must be a decimal string like \"-5.00\"", "amount");
        const JsonBody b(body, {"amount", "reason"});
        const std::string reason = b.string("reason", 500);
        if (reason.find_first_not_of(" \t") == std::string::npos)
            throw HttpError::badRequest("reason: is required", "reason");
        std::string why;
        const auto amount = parseMinor(b.string("amount", 32), 2, why);
        if (!amount) throw HttpError::badRequest("amount: " + why, "amount");
        std::string key = r.http.get("Idempotency-Key", "");
        if (key.empty()) key = newId("adj");
        kernel.accounts().adjustBalance(r.param("id"), *amount, reason, actor, key);
        sendJson(r.response, 200, R"({"status":"ok"})");
    });

    router.add("GET", "/api/v1/admin/stats", [&kernel](Request& r) {
        requireOperator(r, kernel);
        Poco::Data::Session s = kernel.database().session();
        Poco::Int64 users = 0, open = 0, volume = 0, trades = 0;
        Poco::Nullable<Poco::Int64> pnl;
        s << "SELECT COUNT(*) FROM users WHERE role = 'user'", Poco::Data::Keywords::into(users),
            Poco::Data::Keywords::now;
        s << "SELECT COUNT(*), CAST(COALESCE(SUM(stake), 0) AS BIGINT) FROM positions",
            Poco::Data::Keywords::into(trades), Poco::Data::Keywords::into(volume), Poco::Data::Keywords::now;
        s << "SELECT COUNT(*) FROM positions WHERE status = 'OPEN'", Poco::Data::Keywords::into(open),
            Poco::Data::Keywords::now;
        const std::string ccy = kernel.accounts().config().currency;
        std::string pnlAccount = Ledger::houseAccount("pnl", ccy);
        s << "SELECT balance FROM ledger_accounts WHERE id = $1", Poco::Data::Keywords::use(pnlAccount),
            Poco::Data::Keywords::into(pnl), Poco::Data::Keywords::now;
        int healthy = 0, enabled = 0;
        for (const auto& p : kernel.plugins().list()) {
            enabled += p.enabled ? 1 : 0;
            healthy += p.state == "running" ? 1 : 0;
        }
        Poco::JSON::Object o;
        o.set("users", users);
        o.set("trades", trades);
        o.set("open_trades", open);
        o.set("volume", formatMinor(volume));
        o.set("house_pnl", formatMinor(pnl.isNull() ? 0 : pnl.value()));
        o.set("currency", ccy);
        o.set("plugins_enabled", enabled);
        o.set("plugins_running", healthy);
        sendJson(r.response, 200, toJson(o));
    });

    router.add("GET", "/api/v1/admin/markets", [&kernel](Request& r) {
        const std::string actor = requireOperator(r, kernel);
        pluginCall(r, [&] {
            sendJson(r.response, 200,
                     kernel.plugins().command(kernel.config().trading.binaryProduct, "get_markets", "{}", actor));
        });
    });

    router.add("PUT", "/api/v1/admin/markets/{symbol}", [&kernel](Request& r) {
        const std::string actor = requireOperator(r, kernel);
        Poco::JSON::Object args = r.jsonBody();
        args.set("symbol", r.param("symbol"));
        pluginCall(r, [&] {
            sendJson(
                r.response, 200,
                kernel.plugins().command(kernel.config().trading.binaryProduct, "set_market", toJson(args), actor));
        });
    });

    using Action = PluginStatus (PluginManager::*)(const std::string&, const std::string&);
    for (const auto& [name, action] : {std::pair<const char*, Action>{"reload", &PluginManager::reload},
                                       {"enable", &PluginManager::enable},
                                       {"disable", &PluginManager::disable}}) {
        router.add("POST", std::string("/api/v1/admin/plugins/{id}/") + name, [&kernel, action = action](Request& r) {
            const std::string actor = requireOperator(r, kernel);
            pluginCall(r, [&] {
                const PluginStatus s = (kernel.plugins().*action)(r.param("id"), actor);
                sendJson(r.response, 200, toJson(pluginJson(s, kernel.market())));
            });
        });
    }

    router.add("POST", "/api/v1/admin/plugins/{id}/commands/{name}", [&kernel](Request& r) {
        const std::string actor = requireOperator(r, kernel);
        const Poco::JSON::Object args = r.jsonBody();
        pluginCall(r, [&] {
            const std::string reply = kernel.plugins().command(r.param("id"), r.param("name"), toJson(args), actor);
            sendJson(r.response, 200, reply.empty() ? "{}" : reply);
        });
    });

    router.add("GET", "/api/v1/admin/audit", [&kernel](Request& r) {
        requireOperator(r, kernel);
        const int limit = r.limit(100, 1000);
        Poco::JSON::Array list;
        for (const auto& e : kernel.audit().recent(limit)) {
            Poco::JSON::Object o;
            o.set("id", e.id);
            o.set("ts", e.tsNs / 1'000'000);
            o.set("actor", e.actor);
            o.set("action", e.action);
            o.set("target", e.target);
            o.set("detail", e.detail);
            list.add(o);
        }
        Poco::JSON::Object body;
        body.set("entries", list);
        sendJson(r.response, 200, toJson(body));
    });
}

}  // namespace bourse
