#include "GridParamsJson.h"

namespace bourse::grid {

GridTerms readGridTerms(const botkit::ParamReader& in, const GridLimits* limits) {
    const std::size_t errorsBefore = in.errors().size();
    in.allowOnly({"lower", "upper", "grid_count", "spacing", "investment", "stop_loss", "take_profit",
                  "sell_base_on_stop", "trailing_up", "trailing_up_limit", "pair", "venue"});
    GridTerms t;
    bots::GridParams& p = t.params;
    p.pair = botkit::readPair(in);
    t.venue = botkit::readVenue(in);
    p.idPrefix = t.venue.idPrefix;
    p.feeBps = t.venue.feeBps;

    if (in.require("lower")) p.lower = in.decimal("lower").value_or(Decimal(0, 0));
    if (in.require("upper")) p.upper = in.decimal("upper").value_or(Decimal(0, 0));
    if (in.require("grid_count")) p.gridCount = static_cast<int>(in.whole("grid_count", 2, 500).value_or(p.gridCount));
    if (in.choice("spacing", {"arithmetic", "geometric"}) == "geometric") p.spacing = bots::GridSpacing::Geometric;
    if (in.require("investment")) p.investment = in.money("investment", p.pair.quoteScale).value_or(0);
    p.stopLoss = in.decimal("stop_loss");
    p.takeProfit = in.decimal("take_profit");
    p.sellBaseOnStop = in.flag("sell_base_on_stop").value_or(true);
    p.trailingUp = in.flag("trailing_up").value_or(false);
    p.trailingUpLimit = in.decimal("trailing_up_limit");
    if (limits && p.gridCount > limits->maxGridCount)
        in.fail("grid_count", "at most " + std::to_string(limits->maxGridCount) + " on this platform");
    // The engine's rules only on sound input, so a refusal says each thing once.
    if (in.errors().size() == errorsBefore) in.add(bots::validateGrid(p));
    return t;
}

botkit::JsonObject gridParamsJson(const GridTerms& t) {
    const bots::GridParams& p = t.params;
    botkit::JsonObject o = new Poco::JSON::Object;
    o->set("lower", p.lower.toString());
    o->set("upper", p.upper.toString());
    o->set("grid_count", p.gridCount);
    o->set("spacing", p.spacing == bots::GridSpacing::Geometric ? "geometric" : "arithmetic");
    o->set("investment", botkit::money(p.investment, p.pair.quoteScale));
    if (p.stopLoss) o->set("stop_loss", p.stopLoss->toString());
    if (p.takeProfit) o->set("take_profit", p.takeProfit->toString());
    o->set("sell_base_on_stop", p.sellBaseOnStop);
    o->set("trailing_up", p.trailingUp);
    if (p.trailingUpLimit) o->set("trailing_up_limit", p.trailingUpLimit->toString());
    o->set("pair", botkit::pairJson(p.pair));
    o->set("venue", botkit::venueJson(t.venue));
    return o;
}

GridTerms storedGridTerms(const std::string& paramsJson) {
    const botkit::JsonObject stored = botkit::parseObject(paramsJson, BOURSE_E_INTERNAL, "stored params");
    bots::FieldErrors errors;
    const botkit::ParamReader root(stored, "", errors);
    if (!root.has("params")) throw Error(BOURSE_E_INTERNAL, "stored params: no \"params\" object");
    const GridTerms terms = readGridTerms(root.object("params"), nullptr);
    if (!errors.empty())
        throw Error(BOURSE_E_INTERNAL, "stored params: " + errors.front().field + ": " + errors.front().message);
    return terms;
}

}  // namespace bourse::grid
