// The operator API for plugins and the audit log:
//   GET  /api/v1/admin/plugins                     list with state and last error
//   GET  /api/v1/admin/plugins/{id}
//   POST /api/v1/admin/plugins/{id}/reload|enable|disable
//   POST /api/v1/admin/plugins/{id}/commands/{name}   body: the command's JSON arguments
//   GET  /api/v1/admin/audit?limit=
// Until accounts exist: with server.admin_token set, a matching
// "Authorization: Bearer <token>" is required; without one, only loopback
// clients are served.
#include "api/Routes.h"
#include "app/Kernel.h"
#include "http/HttpError.h"
#include "http/Router.h"
#include "plugins/PluginManager.h"
#include "storage/AuditLog.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/NumberParser.h>

#include <openssl/crypto.h>

namespace bourse {

namespace {

bool sameSecret(const std::string& a, const std::string& b) {
    return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

/// Returns the actor name for the audit log, or throws 401/403.
std::string requireOperator(const Request& r, const Kernel& kernel) {
    const std::string& token = kernel.config().server.adminToken;
    if (!token.empty()) {
        const std::string auth = r.http.get("Authorization", "");
        if (auth.rfind("Bearer ", 0) != 0 || !sameSecret(auth.substr(7), token))
            throw HttpError(401, "Unauthorized", "the operator API needs 'Authorization: Bearer <admin token>'");
        return "operator-token";
    }
    if (!r.fromLoopback())
        throw HttpError(403, "Forbidden", "the operator API answers only on loopback unless server.admin_token is set");
    return "operator-loopback";
}

Poco::JSON::Object pluginJson(const PluginStatus& p) {
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
    return o;
}

int httpStatusFor(bourse_status s) {
    switch (s) {
    case BOURSE_E_NOT_FOUND: return 404;
    case BOURSE_E_INVALID: return 400;
    case BOURSE_E_REJECTED: return 409;
    case BOURSE_E_UNAVAILABLE: return 503;
    case BOURSE_E_UNSUPPORTED: return 501;
    default: return 500;
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

} // namespace

void addAdminRoutes(Router& router, Kernel& kernel) {
    router.add("GET", "/api/v1/admin/plugins", [&kernel](Request& r) {
        requireOperator(r, kernel);
        Poco::JSON::Array list;
        for (const auto& p : kernel.plugins().list()) list.add(pluginJson(p));
        Poco::JSON::Object body;
        body.set("plugins", list);
        sendJson(r.response, 200, toJson(body));
    });

    router.add("GET", "/api/v1/admin/plugins/{id}", [&kernel](Request& r) {
        requireOperator(r, kernel);
        pluginCall(r, [&] { sendJson(r.response, 200, toJson(pluginJson(kernel.plugins().status(r.param("id"))))); });
    });

    using Action = PluginStatus (PluginManager::*)(const std::string&, const std::string&);
    for (const auto& [name, action] : {std::pair<const char*, Action>{"reload", &PluginManager::reload},
                                       {"enable", &PluginManager::enable},
                                       {"disable", &PluginManager::disable}}) {
        router.add("POST", std::string("/api/v1/admin/plugins/{id}/") + name, [&kernel, action = action](Request& r) {
            const std::string actor = requireOperator(r, kernel);
            pluginCall(r, [&] {
                const PluginStatus s = (kernel.plugins().*action)(r.param("id"), actor);
                sendJson(r.response, 200, toJson(pluginJson(s)));
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
        int limit = 100;
        if (!Poco::NumberParser::tryParse(r.query("limit", "100"), limit) || limit < 1 || limit > 1000)
            throw HttpError::badRequest("limit must be between 1 and 1000", "limit");
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

} // namespace bourse
