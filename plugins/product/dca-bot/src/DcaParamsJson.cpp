#include "DcaParamsJson.h"

namespace bourse::dca {

namespace {

constexpr std::int64_t kSecondNs = 1'000'000'000;
constexpr std::int64_t kYearS = 366LL * 24 * 3600;

}  // namespace

DcaTerms readDcaTerms(const botkit::ParamReader& in, const DcaLimits* limits) {
    const std::size_t errorsBefore = in.errors().size();
    in.allowOnly({"direction", "base_order_size", "safety_order_size", "max_safety_orders", "max_active_safety_orders",
                  "price_deviation", "step_scale", "volume_scale", "take_profit", "stop_loss", "cooldown",
                  "max_active_deals", "start_condition", "start_drop", "start_lookback", "pair", "venue"});
    DcaTerms t;
    bots::DcaParams& p = t.params;
    p.pair = botkit::readPair(in);
    t.venue = botkit::readVenue(in);
    p.idPrefix = t.venue.idPrefix;
    const int qs = p.pair.quoteScale;

    if (in.choice("direction", {"long", "short"}) == "short") p.direction = bots::DealDirection::Short;
    if (in.require("base_order_size")) p.baseOrderSize = in.money("base_order_size", qs).value_or(0);
    p.safetyOrderSize = in.money("safety_order_size", qs).value_or(0);
    p.maxSafetyOrders = static_cast<int>(in.whole("max_safety_orders", 0, 100).value_or(0));
    p.maxActiveSafetyOrders = static_cast<int>(in.whole("max_active_safety_orders", 0, 100).value_or(0));
    p.priceDeviation = in.decimal("price_deviation").value_or(p.priceDeviation);
    p.stepScale = in.decimal("step_scale").value_or(p.stepScale);
    p.volumeScale = in.decimal("volume_scale").value_or(p.volumeScale);
    if (in.require("take_profit")) p.takeProfit = in.decimal("take_profit").value_or(p.takeProfit);
    p.stopLoss = in.decimal("stop_loss");
    p.cooldownNs = in.whole("cooldown", 0, 10 * kYearS).value_or(0) * kSecondNs;
    p.maxActiveDeals = static_cast<int>(in.whole("max_active_deals", 1, 100).value_or(1));
    if (in.choice("start_condition", {"immediate", "after_drop"}) == "after_drop") {
        p.start = bots::StartCondition::AfterDrop;
        if (in.require("start_drop")) p.startDrop = in.decimal("start_drop").value_or(p.startDrop);
        if (in.require("start_lookback"))
            p.startLookbackNs = in.whole("start_lookback", 1, kYearS).value_or(0) * kSecondNs;
    } else {
        // Accepted silently they would suggest a rule that is not in force.
        for (const char* key : {"start_drop", "start_lookback"})
            if (in.has(key)) in.fail(key, "only with start_condition after_drop");
    }
    if (limits) {
        if (p.maxActiveDeals > limits->maxActiveDeals)
            in.fail("max_active_deals", "at most " + std::to_string(limits->maxActiveDeals) + " on this platform");
        if (p.maxSafetyOrders > limits->maxSafetyOrders)
            in.fail("max_safety_orders", "at most " + std::to_string(limits->maxSafetyOrders) + " on this platform");
    }
    // The engine's rules only on sound input: on defaults they would repeat
    // what is already said ("required" and then "must be positive").
    if (in.errors().size() == errorsBefore) in.add(bots::validateDca(p));
    return t;
}

botkit::JsonObject dcaParamsJson(const DcaTerms& t) {
    const bots::DcaParams& p = t.params;
    const int qs = p.pair.quoteScale;
    botkit::JsonObject o = new Poco::JSON::Object;
    o->set("direction", p.direction == bots::DealDirection::Long ? "long" : "short");
    o->set("base_order_size", botkit::money(p.baseOrderSize, qs));
    o->set("safety_order_size", botkit::money(p.safetyOrderSize, qs));
    o->set("max_safety_orders", p.maxSafetyOrders);
    o->set("max_active_safety_orders", p.maxActiveSafetyOrders);
    o->set("price_deviation", p.priceDeviation.toString());
    o->set("step_scale", p.stepScale.toString());
    o->set("volume_scale", p.volumeScale.toString());
    o->set("take_profit", p.takeProfit.toString());
    if (p.stopLoss) o->set("stop_loss", p.stopLoss->toString());
    o->set("cooldown", p.cooldownNs / kSecondNs);
    o->set("max_active_deals", p.maxActiveDeals);
    if (p.start == bots::StartCondition::AfterDrop) {
        o->set("start_condition", "after_drop");
        o->set("start_drop", p.startDrop.toString());
        o->set("start_lookback", p.startLookbackNs / kSecondNs);
    } else {
        o->set("start_condition", "immediate");
    }
    o->set("pair", botkit::pairJson(p.pair));
    o->set("venue", botkit::venueJson(t.venue));
    return o;
}

DcaTerms storedDcaTerms(const std::string& paramsJson) {
    const botkit::JsonObject stored = botkit::parseObject(paramsJson, BOURSE_E_INTERNAL, "stored params");
    bots::FieldErrors errors;
    const botkit::ParamReader root(stored, "", errors);
    if (!root.has("params")) throw Error(BOURSE_E_INTERNAL, "stored params: no \"params\" object");
    const DcaTerms terms = readDcaTerms(root.object("params"), nullptr);
    if (!errors.empty())
        throw Error(BOURSE_E_INTERNAL, "stored params: " + errors.front().field + ": " + errors.front().message);
    return terms;
}

}  // namespace bourse::dca
