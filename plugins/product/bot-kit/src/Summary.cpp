#include <bourse/botkit/Summary.h>

namespace bourse::botkit {

JsonObject summaryJson(const Summary& s, int quoteScale) {
    JsonObject o = new Poco::JSON::Object;
    o->set("finished", s.finished);
    o->set("error", s.error);
    o->set("status", s.status);
    o->set("note", s.note);
    o->set("realized_pnl", money(s.realizedPnl, quoteScale));
    o->set("fees", money(s.fees, quoteScale));
    o->set("grid_profit", money(s.gridProfit, quoteScale));
    o->set("active_deals", s.activeDeals);
    o->set("closed_deals", s.closedDeals);
    o->set("held_qty", s.heldQty.toString());
    o->set("held_cost", money(s.heldCost, quoteScale));
    return o;
}

}  // namespace bourse::botkit
