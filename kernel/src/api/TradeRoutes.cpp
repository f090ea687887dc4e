// Fixed-time binary options over the trade-product plugin named in
// trading.binary_product:
//   POST /api/v1/trades {symbol, direction: "UP"|"DOWN", stake: "100.00", duration: 60, client_order_id}
//        → 201 with the trade; the same client_order_id again → 200 with the same trade
//   GET  /api/v1/trades/{id}          (404 for another user's trade)
//   GET  /api/v1/trades?status=&symbol=&limit=&cursor=
//   GET  /api/v1/trades/stats
//   GET  /api/v1/trading/rules        (public: payout %, refund %, durations and stake
//                                      limits per market, for the trade panel)
#include "accounts/AccountService.h"
#include "api/Auth.h"
#include "api/Routes.h"
#include "app/Kernel.h"
#include "http/JsonBody.h"
#include "http/Router.h"
#include "kyc/KycService.h"
#include "ledger/Ledger.h"
#include "plugins/PluginError.h"
#include "plugins/PluginInstance.h"
#include "plugins/PluginManager.h"
#include "trading/PositionService.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/NumberParser.h>

#include <regex>

namespace bourse {

namespace {

/// Money in the API is a decimal string with at most the currency's decimals.
std::int64_t stakeOf(const JsonBody& b) {
    const std::string text = b.string("stake", 32);
    std::string why;
    const auto minor = parseMinor(text, 2, why);
    if (!minor) throw HttpError::badRequest("stake: " + why + " (expected a decimal string like \"100.00\")", "stake");
    if (*minor <= 0) throw HttpError::badRequest("stake: must be greater than zero", "stake");
    return *minor;
}

}  // namespace

void addTradeRoutes(Router& router, Kernel& kernel) {
    router.add("GET", "/api/v1/trading/rules", [&kernel](Request& r) {
        // Read straight from the product (no audit entry: this is public reading, not an operator command).
        const auto product = kernel.plugins().instance(kernel.config().trading.binaryProduct);
        if (!product) throw HttpError(503, "Service Unavailable", "trading is not available right now");
        try {
            sendJson(r.response, 200, product->command("get_markets", "{}"));
        } catch (const PluginError&) {
            throw HttpError(503, "Service Unavailable", "trading is not available right now");
        }
    });
    router.add("POST", "/api/v1/trades", [&kernel](Request& r) {
        const Caller c = requireUser(r, kernel);
        if (kernel.config().kyc.needs("trading") && kernel.kyc().status(c.userId) != "verified")
            throw HttpError(403, "Forbidden", "kyc: verify your identity before trading");
        const auto body = r.jsonBody();
        // A stake sent as a JSON number is refused: money never travels as a float.
        if (body.has("stake") && !body.get("stake").isString())
            throw HttpError::badRequest("stake: must be a decimal string like \"100.00\"", "stake");
        const JsonBody b(body, {"symbol", "direction", "stake", "duration", "client_order_id"});
        OpenPositionRequest req;
        req.userId = c.userId;
        req.product = kernel.config().trading.binaryProduct;
        req.symbol = b.string("symbol", 32);
        req.stake = stakeOf(b);
        req.currency = kernel.accounts().config().currency;
        const std::string direction = b.string("direction", 8);
        if (direction != "UP" && direction != "DOWN")
            throw HttpError::badRequest("direction: must be \"UP\" or \"DOWN\"", "direction");
        const long long duration = b.integer("duration");
        req.clientOrderId = b.string("client_order_id", 64);
        static const std::regex idPattern("[A-Za-z0-9_.:-]{1,64}");
        if (!std::regex_match(req.clientOrderId, idPattern))
            throw HttpError::badRequest("client_order_id: 1 to 64 characters of A-Z a-z 0-9 _ . : -",
                                        "client_order_id");
        Poco::JSON::Object params;
        params.set("direction", direction);
        params.set("duration", duration);
        req.paramsJson = toJson(params);
        bool created = false;
        const Position p = kernel.positions().open(req, created);
        sendJson(r.response, created ? 201 : 200, positionJson(p));
    });

    router.add("GET", "/api/v1/trades/stats", [&kernel](Request& r) {
        const Caller c = requireUser(r, kernel);
        const TradeStats t = kernel.positions().stats(c.userId);
        Poco::JSON::Object o;
        o.set("total", t.total);
        o.set("open", t.open);
        o.set("won", t.won);
        o.set("lost", t.lost);
        o.set("tie", t.tie);
        const std::int64_t decided = t.won + t.lost;
        o.set("win_rate", decided ? Poco::Dynamic::Var(static_cast<double>(t.won) / static_cast<double>(decided))
                                  : Poco::Dynamic::Var());
        o.set("staked", formatMinor(t.staked));
        o.set("paid_out", formatMinor(t.paidOut));
        o.set("net", formatMinor(t.paidOut - t.staked));
        sendJson(r.response, 200, toJson(o));
    });

    router.add("GET", "/api/v1/trades/{id}", [&kernel](Request& r) {
        const Caller c = requireUser(r, kernel);
        const auto p = kernel.positions().find(c.userId, r.param("id"));
        if (!p) throw HttpError::notFound("no trade '" + r.param("id") + "'");
        sendJson(r.response, 200, positionJson(*p));
    });

    router.add("GET", "/api/v1/trades", [&kernel](Request& r) {
        const Caller c = requireUser(r, kernel);
        const std::string status = r.query("status");
        if (!status.empty() && status != "OPEN" && status != "WON" && status != "LOST" && status != "TIE")
            throw HttpError::badRequest("status must be OPEN, WON, LOST or TIE", "status");
        const std::string symbol = r.query("symbol");
        if (symbol.size() > 64) throw HttpError::badRequest("symbol: at most 64 characters", "symbol");
        const int limit = r.limit(50, 200);
        const auto rows = kernel.positions().list(c.userId, {status, symbol}, r.query("cursor"), limit);
        std::string json = R"({"trades":[)";
        for (std::size_t i = 0; i < rows.size(); ++i)
            json += (i ? "," : "") + positionJson(rows[i]);
        json += R"(],"next_cursor":)";
        json += static_cast<int>(rows.size()) == limit ? "\"" + rows.back().id + "\"" : "null";
        json += "}";
        sendJson(r.response, 200, json);
    });
}

}  // namespace bourse
