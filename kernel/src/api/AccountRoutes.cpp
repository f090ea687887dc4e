// Accounts and wallet:
//   POST /api/v1/auth/register {email, password, name}      → 201 user
//   POST /api/v1/auth/login    {email, password}            → 200 tokens
//   POST /api/v1/auth/refresh  {refresh_token}              → 200 tokens (the old one is spent)
//   POST /api/v1/auth/logout   {refresh_token}              → 204
//   GET  /api/v1/me
//   GET  /api/v1/wallet
//   GET  /api/v1/wallet/transactions?limit=&cursor=
//   POST /api/v1/wallet/demo-reset                          (Idempotency-Key header honoured)
#include "accounts/AccountService.h"
#include "api/Auth.h"
#include "api/Routes.h"
#include "app/Kernel.h"
#include "http/JsonBody.h"
#include "http/Router.h"
#include "ledger/Currencies.h"
#include "ledger/Ledger.h"
#include "storage/Database.h"
#include "util/Ids.h"

#include <Poco/JSON/Array.h>
#include <Poco/NumberParser.h>

namespace bourse {

namespace {

std::string tokensJson(const IssuedTokens& t) {
    Poco::JSON::Object o;
    o.set("access_token", t.accessToken);
    o.set("token_type", "Bearer");
    o.set("expires_in", t.expiresIn);
    o.set("refresh_token", t.refreshToken);
    return toJson(o);
}

}  // namespace

Poco::JSON::Object userJson(const UserRecord& u) {
    Poco::JSON::Object o;
    o.set("id", u.id);
    o.set("email", u.email);
    o.set("name", u.name);
    o.set("role", u.role);
    o.set("disabled", u.disabled);
    o.set("kyc_status", u.kycStatus);
    o.set("created_at", u.createdNs / 1'000'000);
    return o;
}

namespace {

std::string walletJson(Kernel& kernel, const std::string& userId) {
    Poco::Data::Session s = kernel.database().session();
    Poco::JSON::Array balances;
    for (const Balance& b : Ledger::balances(s, userId)) {
        Poco::JSON::Object o;
        const int decimals = currencyDecimals(b.currency);
        o.set("currency", b.currency);
        o.set("available", formatMinor(b.available, decimals));
        o.set("locked", formatMinor(b.locked, decimals));
        o.set("pending_withdrawal", formatMinor(b.withdrawing, decimals));
        o.set("in_bots", formatMinor(b.inBots, decimals));
        balances.add(o);
    }
    Poco::JSON::Object body;
    body.set("balances", balances);
    return toJson(body);
}

}  // namespace

void addAccountRoutes(Router& router, Kernel& kernel) {
    router.add("POST", "/api/v1/auth/register", [&kernel](Request& r) {
        limitByAddress(r, kernel);
        const auto body = r.jsonBody();
        const JsonBody b(body, {"email", "password", "name"});
        const UserRecord u =
            kernel.accounts().registerUser(b.string("email", 254), b.string("password", 256), b.string("name", 100));
        sendJson(r.response, 201, toJson(userJson(u)));
    });

    router.add("POST", "/api/v1/auth/login", [&kernel](Request& r) {
        limitByAddress(r, kernel);
        const auto body = r.jsonBody();
        const JsonBody b(body, {"email", "password"});
        sendJson(r.response, 200,
                 tokensJson(kernel.accounts().login(b.string("email", 254), b.string("password", 256))));
    });

    router.add("POST", "/api/v1/auth/refresh", [&kernel](Request& r) {
        limitByAddress(r, kernel);
        const auto body = r.jsonBody();
        const JsonBody b(body, {"refresh_token"});
        std::string why;
        const auto tokens = kernel.tokens().refresh(b.string("refresh_token", 256), why, [&](const std::string& id) {
            const auto u = kernel.accounts().find(id);
            return u && !u->disabled ? std::optional<std::string>(u->role) : std::nullopt;
        });
        if (!tokens) throw HttpError(401, "Unauthorized", why);
        sendJson(r.response, 200, tokensJson(*tokens));
    });

    router.add("POST", "/api/v1/auth/logout", [&kernel](Request& r) {
        const auto body = r.jsonBody();
        const JsonBody b(body, {"refresh_token"});
        if (!kernel.tokens().revoke(b.string("refresh_token", 256)))
            throw HttpError(401, "Unauthorized", "unknown refresh token");
        r.response.setStatus(Poco::Net::HTTPResponse::HTTP_NO_CONTENT);
        r.response.setContentLength(0);
        r.response.send();
    });

    router.add("GET", "/api/v1/me", [&kernel](Request& r) {
        const Caller c = requireUser(r, kernel);
        const auto u = kernel.accounts().find(c.userId);
        if (!u) throw HttpError(401, "Unauthorized", "the account no longer exists");
        sendJson(r.response, 200, toJson(userJson(*u)));
    });

    router.add("GET", "/api/v1/wallet", [&kernel](Request& r) {
        const Caller c = requireUser(r, kernel);
        sendJson(r.response, 200, walletJson(kernel, c.userId));
    });

    router.add("GET", "/api/v1/wallet/transactions", [&kernel](Request& r) {
        const Caller c = requireUser(r, kernel);
        const int limit = r.limit(50, 200);
        Poco::Data::Session s = kernel.database().session();
        const auto lines = Ledger::history(s, c.userId, r.query("cursor"), limit);
        Poco::JSON::Array items;
        for (const auto& l : lines) {
            Poco::JSON::Object o;
            o.set("id", l.id);
            o.set("kind", l.kind);
            o.set("reference", l.reference);
            o.set("memo", l.memo);
            o.set("currency", l.currency);
            o.set("available_change", formatMinor(l.availableChange, currencyDecimals(l.currency)));
            o.set("locked_change", formatMinor(l.lockedChange, currencyDecimals(l.currency)));
            o.set("created_at", l.createdNs / 1'000'000);
            items.add(o);
        }
        Poco::JSON::Object body;
        body.set("transactions", items);
        body.set("next_cursor",
                 static_cast<int>(lines.size()) == limit ? Poco::Dynamic::Var(lines.back().id) : Poco::Dynamic::Var());
        sendJson(r.response, 200, toJson(body));
    });

    router.add("POST", "/api/v1/wallet/demo-reset", [&kernel](Request& r) {
        const Caller c = requireUser(r, kernel);
        std::string key = r.http.get("Idempotency-Key", "");
        if (key.size() > 128) throw HttpError::badRequest("Idempotency-Key: at most 128 characters", "Idempotency-Key");
        if (key.empty()) key = newId("reset");
        kernel.accounts().demoReset(c.userId, key);
        sendJson(r.response, 200, walletJson(kernel, c.userId));
    });
}

}  // namespace bourse
