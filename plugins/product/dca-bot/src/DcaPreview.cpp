#include "DcaPreview.h"

#include <bourse/bots/DcaLadder.h>

namespace bourse::dca {

namespace {

/// The venue fee a deal's buys cost at most: each order's fee on its full size.
std::int64_t buyFeesPerDeal(const bots::DcaParams& p, const Decimal& feeBps) {
    std::int64_t fees = bots::Pair::feeFor(p.baseOrderSize, feeBps);
    for (const std::int64_t size : bots::safetyOrderSizes(p))
        fees = bots::addChecked(fees, bots::Pair::feeFor(size, feeBps));
    return fees;
}

botkit::JsonObject orderRow(const bots::Pair& pair, const bots::DcaParams& p, const char* role, int index,
                            const Decimal& deviation, const Decimal& price, std::int64_t size, const Decimal& qty,
                            std::int64_t cost, const Decimal& held) {
    const int qs = pair.quoteScale();
    botkit::JsonObject o = new Poco::JSON::Object;
    o->set("role", role);
    o->set("index", index);
    o->set("deviation", deviation.toString());
    o->set("price", price.toString());
    o->set("size", botkit::money(size, qs));
    o->set("qty", qty.toString());
    if (held.mantissa > 0) {
        o->set("average_entry", pair.averagePrice(cost, held).toString());
        o->set("take_profit_price", pair.priceFromCost(cost, held, p.takeProfit, +1).toString());
    }
    return o;
}

}  // namespace

std::int64_t dcaCapital(const DcaTerms& t) {
    const std::int64_t perDeal =
        bots::addChecked(bots::dcaCapitalRequired(t.params), buyFeesPerDeal(t.params, t.venue.feeBps));
    return bots::mulChecked(perDeal, t.params.maxActiveDeals);
}

botkit::JsonObject dcaPreview(const DcaTerms& t, const Decimal& price) {
    const bots::DcaParams& p = t.params;
    const bots::Pair pair(p.pair);
    const bots::DcaPlan plan = bots::planDca(p, pair.toTick(price));
    const int qs = pair.quoteScale();

    // The cumulative position after each order, as the deal would hold it.
    std::int64_t cost = pair.buyNotional(plan.basePrice, plan.baseQty);
    Decimal held = plan.baseQty;
    Poco::JSON::Array::Ptr orders = new Poco::JSON::Array;
    orders->add(
        orderRow(pair, p, "base", 0, Decimal(0, 0), plan.basePrice, plan.baseOrderSize, plan.baseQty, cost, held));
    for (const bots::SafetyOrderStep& s : plan.safetyOrders) {
        if (s.qty.mantissa > 0) {  // the engine skips an order below one lot step
            cost = bots::addChecked(cost, pair.buyNotional(s.price, s.qty));
            held = Decimal(bots::addChecked(held.mantissa, s.qty.mantissa), held.scale);
        }
        orders->add(orderRow(pair, p, "safety", s.index, s.deviation, s.price, s.size, s.qty, cost, held));
    }

    botkit::JsonObject o = new Poco::JSON::Object;
    o->set("price", price.toString());
    o->set("base_price", plan.basePrice.toString());
    o->set("orders", orders);
    o->set("capital_per_deal", botkit::money(plan.capitalRequired, qs));
    o->set("fees_per_deal", botkit::money(buyFeesPerDeal(p, t.venue.feeBps), qs));
    o->set("max_active_deals", p.maxActiveDeals);
    o->set("max_deviation", plan.maxDeviation.toString());
    return o;
}

botkit::JsonObject dcaWorstCase(const DcaTerms& t, const Decimal& price) {
    const bots::DcaParams& p = t.params;
    const bots::Pair pair(p.pair);
    const bots::DcaPlan plan = bots::planDca(p, pair.toTick(price));
    const int qs = pair.quoteScale();

    // Fees on what the worst case actually bought (planned notionals).
    std::int64_t buyFees = bots::Pair::feeFor(pair.buyNotional(plan.basePrice, plan.baseQty), t.venue.feeBps);
    for (const bots::SafetyOrderStep& s : plan.safetyOrders)
        if (s.qty.mantissa > 0)
            buyFees = bots::addChecked(buyFees, bots::Pair::feeFor(pair.buyNotional(s.price, s.qty), t.venue.feeBps));

    botkit::JsonObject o = new Poco::JSON::Object;
    std::int64_t perDeal = 0;
    std::string note;
    const std::string qty = plan.worstQty.toString();
    if (plan.worstStopLossPrice && plan.worstLoss) {
        const std::int64_t proceeds = pair.sellNotional(*plan.worstStopLossPrice, plan.worstQty);
        perDeal = *plan.worstLoss + buyFees + bots::Pair::feeFor(proceeds, t.venue.feeBps);
        o->set("price", plan.worstStopLossPrice->toString());
        note = "every safety order filled, then the stop loss sold the deal's " + qty + " at " +
               plan.worstStopLossPrice->toString() + "; fees included";
    } else {
        const Decimal bottom = plan.safetyOrders.empty() ? plan.basePrice : plan.safetyOrders.back().price;
        perDeal = plan.worstCost - pair.markToMarket(bottom, plan.worstQty) + buyFees;
        o->set("price", bottom.toString());
        note = "no stop loss: at " + bottom.toString() + " every safety order has filled and the deal holds " + qty +
               " with nothing left to buy; below it the loss grows with the fall, up to the whole capital";
    }
    if (p.maxActiveDeals > 1)
        note += "; counted for " + std::to_string(p.maxActiveDeals) + " deals, as if each started at " +
                plan.basePrice.toString();
    o->set("loss", botkit::money(bots::mulChecked(perDeal, p.maxActiveDeals), qs));
    o->set("loss_per_deal", botkit::money(perDeal, qs));
    o->set("qty", qty);
    o->set("average_entry", plan.worstAverageEntry.toString());
    o->set("take_profit_price", plan.worstTakeProfitPrice.toString());
    o->set("note", note);
    return o;
}

}  // namespace bourse::dca
