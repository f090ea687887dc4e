#include <bourse/botkit/Market.h>

#include <algorithm>

namespace bourse::botkit {

bots::PairSpec readPair(const ParamReader& params) {
    bots::PairSpec pair;
    if (!params.require("pair")) return pair;
    const ParamReader in = params.object("pair");
    in.allowOnly({"symbol", "base_asset", "quote_asset", "tick_size", "lot_step", "quote_scale", "min_notional"});
    if (in.require("symbol")) pair.symbol = in.text("symbol").value_or("");
    pair.baseAsset = in.text("base_asset").value_or("");
    pair.quoteAsset = in.text("quote_asset").value_or("");
    if (in.require("tick_size")) pair.tickSize = in.decimal("tick_size").value_or(Decimal(0, 0));
    if (in.require("lot_step")) pair.lotStep = in.decimal("lot_step").value_or(Decimal(0, 0));
    if (in.require("quote_scale"))
        pair.quoteScale = static_cast<std::int32_t>(in.whole("quote_scale", 0, 18).value_or(pair.quoteScale));
    pair.minNotional = in.money("min_notional", pair.quoteScale).value_or(0);
    return pair;
}

bool validVenuePrefix(const std::string& prefix) {
    return !prefix.empty() && prefix.size() <= 12 && std::all_of(prefix.begin(), prefix.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    });
}

VenueTerms readVenue(const ParamReader& params) {
    VenueTerms venue;
    if (!params.require("venue")) return venue;
    const ParamReader in = params.object("venue");
    in.allowOnly({"name", "fee_bps", "id_prefix"});
    venue.name = in.text("name").value_or("");
    if (const auto fee = in.decimal("fee_bps")) {
        if (fee->mantissa < 0 || !(*fee < Decimal(1000, 0)))
            in.fail("fee_bps", "must be at least 0 and below 1000");
        else
            venue.feeBps = *fee;
    }
    if (in.require("id_prefix")) {
        venue.idPrefix = in.text("id_prefix").value_or("");
        if (!validVenuePrefix(venue.idPrefix)) in.fail("id_prefix", "must be 1 to 12 of A-Z a-z 0-9");
    }
    return venue;
}

JsonObject pairJson(const bots::PairSpec& pair) {
    JsonObject o = new Poco::JSON::Object;
    o->set("symbol", pair.symbol);
    o->set("base_asset", pair.baseAsset);
    o->set("quote_asset", pair.quoteAsset);
    o->set("tick_size", pair.tickSize.toString());
    o->set("lot_step", pair.lotStep.toString());
    o->set("quote_scale", pair.quoteScale);
    o->set("min_notional", money(pair.minNotional, pair.quoteScale));
    return o;
}

JsonObject venueJson(const VenueTerms& venue) {
    JsonObject o = new Poco::JSON::Object;
    o->set("name", venue.name);
    o->set("fee_bps", venue.feeBps.toString());
    o->set("id_prefix", venue.idPrefix);
    return o;
}

}  // namespace bourse::botkit
