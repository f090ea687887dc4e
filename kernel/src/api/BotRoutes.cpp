// Trading bots (DCA, grid): preview, create, lifecycle, details, backtests.
//
//   POST   /api/v1/bots/preview   {product, symbol, params}            → terms, capital, preview
//   POST   /api/v1/bots/backtest  {product, symbol, params, interval, from, to | csv}
//   POST   /api/v1/bots           {product, symbol, params, venue?, name?, client_order_id?} → 201 bot
//   GET    /api/v1/bots                                               → {"bots": [...]}
//   GET    /api/v1/bots/{id}      (404 for another user's bot)        → bot, orders, fills, equity_history
//   POST   /api/v1/bots/{id}/start | pause | resume
//   POST   /api/v1/bots/{id}/stop {close: bool}
//   DELETE /api/v1/bots/{id}      (created or stopped bots)           → 204
#include "api/Auth.h"
#include "api/Routes.h"
#include "app/Kernel.h"
#include "bots/BotService.h"
#include "http/JsonBody.h"
#include "http/Router.h"
#include "kyc/KycService.h"
#include "market/Candle.h"
#include "util/Clock.h"
#include "util/Ids.h"

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeParser.h>

#include <regex>

namespace bourse {

namespace {

/// product, symbol, params (an object), name, client_order_id of a request body.
BotRequest botRequest(const Poco::JSON::Object& body, const JsonBody& b) {
    BotRequest req;
    req.product = b.string("product", 64);
    req.symbol = b.string("symbol", 32);
    if (!body.has("params") || !body.isObject("params"))
        throw HttpError::badRequest("params: must be a JSON object", "params");
    req.params = body.getObject("params");
    for (const char* reserved : {"pair", "venue"})
        if (req.params->has(reserved))
            throw HttpError::badRequest(std::string("params.") + reserved + ": set by the platform, not the client",
                                        std::string("params.") + reserved);
    req.venue = b.optString("venue", 16).value_or("paper");
    if (req.venue != "paper" && req.venue != "binance")
        throw HttpError::badRequest("venue: \"paper\" or \"binance\"", "venue");
    req.name = b.optString("name", 64).value_or("");
    req.clientOrderId = b.optString("client_order_id", 64).value_or("");
    static const std::regex idPattern("[A-Za-z0-9_.:-]{1,64}");
    if (!req.clientOrderId.empty() && !std::regex_match(req.clientOrderId, idPattern))
        throw HttpError::badRequest("client_order_id: 1 to 64 characters of A-Z a-z 0-9 _ . : -", "client_order_id");
    return req;
}

/// An instant given as epoch milliseconds or an ISO 8601 string.
std::int64_t instantNs(const Poco::JSON::Object& body, const std::string& name) {
    const auto v = body.get(name);
    if (v.isInteger()) return v.convert<Poco::Int64>() * 1'000'000;
    if (v.isString()) {
        Poco::DateTime dt;
        int tz = 0;
        if (Poco::DateTimeParser::tryParse(Poco::DateTimeFormat::ISO8601_FORMAT, v.convert<std::string>(), dt, tz) ||
            Poco::DateTimeParser::tryParse(Poco::DateTimeFormat::ISO8601_FRAC_FORMAT, v.convert<std::string>(), dt, tz))
            return (dt.timestamp().epochMicroseconds() - static_cast<Poco::Int64>(tz) * 1'000'000) * 1000;
    }
    throw HttpError::badRequest(name + ": epoch milliseconds or an ISO 8601 time", name);
}

}  // namespace

void addBotRoutes(Router& router, Kernel& kernel) {
    router.add("POST", "/api/v1/bots/preview", [&kernel](Request& r) {
        const Caller c = requireUser(r, kernel);
        const auto body = r.jsonBody();
        const JsonBody b(body, {"product", "symbol", "params", "venue", "name", "client_order_id"});
        sendJson(r.response, 200, toJson(*kernel.bots().preview(c.userId, botRequest(body, b))));
    });

    router.add("POST", "/api/v1/bots/backtest", [&kernel](Request& r) {
        const Caller c = requireUser(r, kernel);
        const auto body = r.jsonBody();
        const JsonBody b(body, {"product", "symbol", "params", "venue", "interval", "from", "to", "csv"});
        const BotRequest req = botRequest(body, b);
        const std::string csv = b.optString("csv", 1 << 20).value_or("");
        int interval = 60;
        std::int64_t from = 0, to = 0;
        if (csv.empty()) {
            if (body.has("interval")) {
                const auto v = body.get("interval");
                interval =
                    v.isString() ? intervalSeconds(v.convert<std::string>()) : (v.isInteger() ? v.convert<int>() : 0);
                if (interval != 1 && interval != 60 && interval != 300 && interval != 3600)
                    throw HttpError::badRequest("interval: one of 1s, 1m, 5m, 1h (or 1, 60, 300, 3600)", "interval");
            }
            const std::int64_t nowNs = kernel.clock().nowNs();
            to = body.has("to") ? instantNs(body, "to") : nowNs;
            from = body.has("from") ? instantNs(body, "from") : to - 24LL * 3600 * 1'000'000'000;
            if (from >= to) throw HttpError::badRequest("from: must be before to", "from");
        }
        sendJson(r.response, 200, toJson(*kernel.bots().backtest(c.userId, req, interval, from, to, csv)));
    });

    router.add("POST", "/api/v1/bots", [&kernel](Request& r) {
        const Caller c = requireUser(r, kernel);
        if (kernel.config().kyc.needs("trading") && kernel.kyc().status(c.userId) != "verified")
            throw HttpError(403, "Forbidden", "kyc: verify your identity before trading");
        const auto body = r.jsonBody();
        const JsonBody b(body, {"product", "symbol", "params", "venue", "name", "client_order_id"});
        BotRequest req = botRequest(body, b);
        if (req.clientOrderId.empty()) req.clientOrderId = newId("create");
        bool created = false;
        const auto bot = kernel.bots().create(c.userId, req, created);
        sendJson(r.response, created ? 201 : 200, toJson(*bot));
    });

    router.add("GET", "/api/v1/bots", [&kernel](Request& r) {
        const Caller c = requireUser(r, kernel);
        sendJson(r.response, 200, toJson(*kernel.bots().list(c.userId)));
    });

    router.add("GET", "/api/v1/bots/{id}", [&kernel](Request& r) {
        const Caller c = requireUser(r, kernel);
        sendJson(r.response, 200, toJson(*kernel.bots().details(c.userId, r.param("id"))));
    });

    for (const char* action : {"start", "pause", "resume"})
        router.add("POST", std::string("/api/v1/bots/{id}/") + action, [&kernel, action](Request& r) {
            const Caller c = requireUser(r, kernel);
            sendJson(r.response, 200, toJson(*kernel.bots().act(c.userId, r.param("id"), action, false)));
        });

    router.add("POST", "/api/v1/bots/{id}/stop", [&kernel](Request& r) {
        const Caller c = requireUser(r, kernel);
        // The body is optional: no body keeps what the bot holds.
        bool close = false;
        if (r.http.getContentLength() > 0) {
            const auto body = r.jsonBody();
            close = JsonBody(body, {"close"}).optBool("close").value_or(false);
        }
        sendJson(r.response, 200, toJson(*kernel.bots().act(c.userId, r.param("id"), "stop", close)));
    });

    router.add("DELETE", "/api/v1/bots/{id}", [&kernel](Request& r) {
        const Caller c = requireUser(r, kernel);
        kernel.bots().remove(c.userId, r.param("id"));
        r.response.setStatus(Poco::Net::HTTPResponse::HTTP_NO_CONTENT);
        r.response.setContentLength(0);
        r.response.send();
    });
}

}  // namespace bourse
