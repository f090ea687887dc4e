// Users' exchange API keys, for live bots. The keys go in and never come out:
// answers show only which venues have keys, the API key's last 4 characters
// and when they were stored; nothing here logs a request body.
//
//   GET    /api/v1/venues                                  → {venues: [...], live_trading_available}
//   PUT    /api/v1/venues/binance/keys  {api_key, secret}   → {venue, api_key_hint, updated_at}
//   DELETE /api/v1/venues/binance/keys                      → 204 (404 when none are stored)
//
// Storing needs the server's BOURSE_SECRETS_KEY (503 without it); listing and
// removing do not, so a user can always withdraw keys.
#include "api/Auth.h"
#include "api/Routes.h"
#include "app/Kernel.h"
#include "bots/VenueKeyStore.h"
#include "http/JsonBody.h"
#include "http/Router.h"
#include "log/Log.h"

#include <Poco/JSON/Array.h>

#include <algorithm>

namespace bourse {

namespace {

constexpr std::size_t kMinKeyChars = 16, kMaxKeyChars = 128;

/// A required field of 16 to 128 characters of A-Z a-z 0-9 (Binance's keys
/// are 64). The message names the field, never echoes its value.
std::string keyField(const JsonBody& b, const std::string& name) {
    const std::string value = b.string(name, kMaxKeyChars);
    const bool alnum = std::all_of(value.begin(), value.end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    });
    if (value.size() < kMinKeyChars || !alnum)
        throw HttpError::badRequest(name + ": 16 to 128 characters of A-Z a-z 0-9", name);
    return value;
}

Poco::JSON::Object infoJson(const VenueKeyInfo& info) {
    Poco::JSON::Object o;
    o.set("venue", info.venue);
    o.set("api_key_hint", info.apiKeyHint);
    o.set("updated_at", static_cast<Poco::Int64>(info.updatedNs / 1'000'000));
    return o;
}

}  // namespace

void addVenueRoutes(Router& router, Kernel& kernel) {
    router.add("GET", "/api/v1/venues", [&kernel](Request& r) {
        const Caller c = requireUser(r, kernel);
        const auto stored = kernel.venueKeys().info(c.userId);
        Poco::JSON::Array venues;
        for (const auto& venue : VenueKeyStore::venues()) {
            const auto it =
                std::find_if(stored.begin(), stored.end(), [&](const VenueKeyInfo& i) { return i.venue == venue; });
            Poco::JSON::Object o;
            o.set("venue", venue);
            o.set("configured", it != stored.end());
            o.set("api_key_hint", it != stored.end() ? Poco::Dynamic::Var(it->apiKeyHint) : Poco::Dynamic::Var());
            o.set("updated_at", it != stored.end()
                                    ? Poco::Dynamic::Var(static_cast<Poco::Int64>(it->updatedNs / 1'000'000))
                                    : Poco::Dynamic::Var());
            venues.add(o);
        }
        Poco::JSON::Object body;
        body.set("venues", venues);
        body.set("live_trading_available", kernel.venueKeys().available());
        sendJson(r.response, 200, toJson(body));
    });

    router.add("PUT", "/api/v1/venues/binance/keys", [&kernel](Request& r) {
        const Caller c = requireUser(r, kernel);
        if (!kernel.venueKeys().available())
            throw HttpError(503, "Service Unavailable",
                            "venues: live trading is not set up on this server (BOURSE_SECRETS_KEY is not set)");
        const auto body = r.jsonBody();
        const JsonBody b(body, {"api_key", "secret"});
        const std::string apiKey = keyField(b, "api_key");
        const std::string secret = keyField(b, "secret");
        const auto info = kernel.venueKeys().put(c.userId, "binance", apiKey, secret);
        log::info("venues", "keys stored", {{"user", c.userId}, {"venue", info.venue}});
        sendJson(r.response, 200, toJson(infoJson(info)));
    });

    router.add("DELETE", "/api/v1/venues/binance/keys", [&kernel](Request& r) {
        const Caller c = requireUser(r, kernel);
        if (!kernel.venueKeys().remove(c.userId, "binance"))
            throw HttpError::notFound("venues: no keys stored for binance");
        log::info("venues", "keys removed", {{"user", c.userId}, {"venue", "binance"}});
        r.response.setStatus(Poco::Net::HTTPResponse::HTTP_NO_CONTENT);
        r.response.setContentLength(0);
        r.response.send();
    });
}

}  // namespace bourse
