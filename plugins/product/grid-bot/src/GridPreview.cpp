#include "GridPreview.h"

#include <bourse/bots/GridLevels.h>

namespace bourse::grid {

botkit::JsonObject gridPreview(const GridTerms& t, const Decimal& price) {
    const bots::GridParams& p = t.params;
    const bots::GridPlan plan = bots::planGrid(p, price);
    const bots::GridLevels levels(p);
    const int qs = p.pair.quoteScale;

    Poco::JSON::Array::Ptr lines = new Poco::JSON::Array;
    for (const Decimal& line : plan.lines)
        lines->add(line.toString());
    Decimal least, most;
    for (int k = 0; k < p.gridCount; ++k) {
        const Decimal pct = levels.pairProfitPercent(k, p.feeBps);
        if (k == 0 || pct < least) least = pct;
        if (k == 0 || pct > most) most = pct;
    }
    botkit::JsonObject profit = new Poco::JSON::Object;
    profit->set("min", least.toString());
    profit->set("max", most.toString());

    botkit::JsonObject o = new Poco::JSON::Object;
    o->set("price", price.toString());
    o->set("spacing", p.spacing == bots::GridSpacing::Geometric ? "geometric" : "arithmetic");
    o->set("lines", lines);
    if (p.spacing == bots::GridSpacing::Geometric) o->set("ratio", levels.ratio().toString());
    o->set("qty_per_order", plan.qtyPerOrder.toString());
    o->set("buy_orders", plan.buyOrders);
    o->set("sell_orders", plan.sellOrders);
    o->set("base_to_buy", plan.baseToBuy.toString());
    o->set("buy_reserve", botkit::money(plan.buyReserve, qs));
    o->set("base_cost_estimate", botkit::money(plan.baseCostEstimate, qs));
    o->set("profit_per_grid_percent", profit);
    return o;
}

botkit::JsonObject gridWorstCase(const GridTerms& t, const Decimal& price) {
    const bots::GridParams& p = t.params;
    const bots::Pair pair(p.pair);
    const bots::GridPlan plan = bots::planGrid(p, price);
    const Decimal& q = plan.qtyPerOrder;

    // What every interval holds at the bottom: the start's purchase, then a buy on each line below the price.
    std::int64_t cost = bots::addChecked(plan.baseCostEstimate, bots::Pair::feeFor(plan.baseCostEstimate, p.feeBps));
    for (int k = 0; k < p.gridCount; ++k) {
        const Decimal& line = plan.lines[static_cast<std::size_t>(k)];
        if (!(line < price)) continue;
        const std::int64_t n = pair.buyNotional(line, q);
        cost = bots::addChecked(cost, bots::addChecked(n, bots::Pair::feeFor(n, p.feeBps)));
    }
    const Decimal held(bots::mulChecked(q.mantissa, p.gridCount), q.scale);
    const Decimal bottom = p.stopLoss ? *p.stopLoss : plan.lines.front();
    std::int64_t value = pair.markToMarket(bottom, held);
    std::string note;
    if (p.stopLoss && p.sellBaseOnStop) {
        value -= bots::Pair::feeFor(value, p.feeBps);
        note = "every buy down to the lowest line filled, then the stop loss sold the grid's " + held.toString() +
               " at " + bottom.toString() + "; fees included";
    } else if (p.stopLoss) {
        note = "every buy down to the lowest line filled and the stop loss at " + bottom.toString() +
               " stopped the grid, keeping " + held.toString() + " valued at that price";
    } else {
        note = "no stop loss: at " + bottom.toString() + " every buy has filled and the grid holds " + held.toString() +
               "; below it the loss grows with the fall, up to the whole investment";
    }
    botkit::JsonObject o = new Poco::JSON::Object;
    o->set("price", bottom.toString());
    o->set("loss", botkit::money(cost - value, p.pair.quoteScale));
    o->set("qty", held.toString());
    o->set("cost", botkit::money(cost, p.pair.quoteScale));
    o->set("note", note);
    return o;
}

}  // namespace bourse::grid
