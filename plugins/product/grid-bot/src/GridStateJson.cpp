#include "GridStateJson.h"

#include <bourse/botkit/EnumNames.h>

#include <array>

namespace bourse::grid {

namespace {

using botkit::enumOf;
using botkit::JsonArray;
using botkit::JsonObject;
using botkit::nameOf;
using botkit::StateReader;

// Enum names as written in the state: the index is the enum's value.
constexpr std::array kStatus{"not_started", "starting", "running", "stopping", "stopped"};
constexpr std::array kReason{"none", "stop_loss", "take_profit", "manual"};
constexpr std::array kKind{"interval_buy", "interval_sell", "initial_buy", "shift_buy", "exit"};
constexpr std::array kSide{"buy", "sell"};
constexpr std::array kType{"market", "limit"};

JsonObject intervalJson(const bots::GridInterval& iv, int qs) {
    JsonObject j = new Poco::JSON::Object;
    j->set("k", iv.k);
    j->set("side", nameOf(kSide, iv.side));
    j->set("qty", iv.qty.toString());
    j->set("held", iv.held.toString());
    j->set("held_cost", botkit::money(iv.heldCost, qs));
    j->set("order_id", iv.orderId);
    j->set("rounds", iv.rounds);
    j->set("pending_profit", botkit::money(iv.pendingProfit, qs));
    return j;
}

bots::GridInterval readInterval(const StateReader& in, int qs) {
    bots::GridInterval iv;
    iv.k = in.whole("k");
    iv.side = enumOf<bots::Side>(kSide, in, "side");
    iv.qty = in.decimal("qty");
    iv.held = in.decimal("held");
    iv.heldCost = in.money("held_cost", qs);
    iv.orderId = in.text("order_id");
    iv.rounds = in.whole("rounds");
    iv.pendingProfit = in.money("pending_profit", qs);
    return iv;
}

JsonObject orderJson(const bots::GridOrder& o, int qs) {
    JsonObject j = new Poco::JSON::Object;
    j->set("client_id", o.clientId);
    j->set("kind", nameOf(kKind, o.kind));
    j->set("interval", o.interval);
    j->set("side", nameOf(kSide, o.side));
    j->set("type", nameOf(kType, o.type));
    j->set("price", o.price.toString());
    j->set("qty", o.qty.toString());
    j->set("quote_amount", botkit::money(o.quoteAmount, qs));
    j->set("filled_qty", o.filledQty.toString());
    j->set("cancel_requested", o.cancelRequested);
    return j;
}

bots::GridOrder readOrder(const StateReader& in, int qs) {
    bots::GridOrder o;
    o.clientId = in.text("client_id");
    o.kind = enumOf<bots::GridOrderKind>(kKind, in, "kind");
    o.interval = in.whole("interval");
    o.side = enumOf<bots::Side>(kSide, in, "side");
    o.type = enumOf<bots::OrderType>(kType, in, "type");
    o.price = in.decimal("price");
    o.qty = in.decimal("qty");
    o.quoteAmount = in.money("quote_amount", qs);
    o.filledQty = in.decimal("filled_qty");
    o.cancelRequested = in.flag("cancel_requested");
    return o;
}

JsonObject gridJson(const bots::GridState& s, int qs, bool full) {
    JsonObject j = new Poco::JSON::Object;
    j->set("status", nameOf(kStatus, s.status));
    j->set("reason", nameOf(kReason, s.reason));
    j->set("started_at", s.startedAt);
    j->set("stopped_at", s.stoppedAt);
    j->set("start_price", s.startPrice.toString());
    if (full) j->set("last_price", s.lastPrice.toString());
    j->set("qty_per_order", s.qtyPerOrder.toString());
    JsonArray intervals = new Poco::JSON::Array;
    for (const bots::GridInterval& iv : s.intervals)
        intervals->add(intervalJson(iv, qs));
    j->set("intervals", intervals);
    JsonArray orders = new Poco::JSON::Array;
    for (const bots::GridOrder& o : s.orders)
        orders->add(orderJson(o, qs));
    j->set("orders", orders);
    j->set("next_order_seq", static_cast<std::int64_t>(s.nextOrderSeq));
    j->set("loose_qty", s.looseQty.toString());
    j->set("loose_cost", botkit::money(s.looseCost, qs));
    j->set("initial_qty", s.initialQty.toString());
    j->set("initial_cost", botkit::money(s.initialCost, qs));
    j->set("shift_in_progress", s.shiftInProgress);
    j->set("shifts", s.shifts);
    j->set("exit_waits_for_tick", s.exitWaitsForTick);
    j->set("sell_on_stop", s.sellOnStop);
    j->set("grid_profit", botkit::money(s.gridProfit, qs));
    j->set("completed_pairs", s.completedPairs);
    j->set("last_pair_profit", botkit::money(s.lastPairProfit, qs));
    j->set("closing_pnl", botkit::money(s.closingPnl, qs));
    j->set("fees", botkit::money(s.fees, qs));
    return j;
}

bots::GridState readGrid(const StateReader& in, int qs) {
    bots::GridState s;
    s.status = enumOf<bots::GridStatus>(kStatus, in, "status");
    s.reason = enumOf<bots::GridStopReason>(kReason, in, "reason");
    s.startedAt = in.whole("started_at");
    s.stoppedAt = in.whole("stopped_at");
    s.startPrice = in.decimal("start_price");
    s.lastPrice = in.decimal("last_price");
    s.qtyPerOrder = in.decimal("qty_per_order");
    const JsonArray intervals = in.array("intervals");
    for (std::size_t i = 0; i < intervals->size(); ++i)
        s.intervals.push_back(readInterval(in.entry("intervals", intervals, i), qs));
    const JsonArray orders = in.array("orders");
    for (std::size_t i = 0; i < orders->size(); ++i)
        s.orders.push_back(readOrder(in.entry("orders", orders, i), qs));
    s.nextOrderSeq = static_cast<std::uint64_t>(in.whole("next_order_seq"));
    s.looseQty = in.decimal("loose_qty");
    s.looseCost = in.money("loose_cost", qs);
    s.initialQty = in.decimal("initial_qty");
    s.initialCost = in.money("initial_cost", qs);
    s.shiftInProgress = in.flag("shift_in_progress");
    s.shifts = in.whole("shifts");
    s.exitWaitsForTick = in.flag("exit_waits_for_tick");
    s.sellOnStop = in.flag("sell_on_stop");
    s.gridProfit = in.money("grid_profit", qs);
    s.completedPairs = in.whole("completed_pairs");
    s.lastPairProfit = in.money("last_pair_profit", qs);
    s.closingPnl = in.money("closing_pnl", qs);
    s.fees = in.money("fees", qs);
    return s;
}

}  // namespace

JsonObject gridStateJson(const GridSessionState& s, const bots::PairSpec& pair, botkit::StateView view) {
    const bool full = view == botkit::StateView::Full;
    JsonObject o = new Poco::JSON::Object;
    o->set("format", 1);
    o->set("paused", s.paused);
    o->set("error", s.error);
    if (full)
        o->set("waiting", s.waiting);
    else
        o->set("waiting", !s.waiting.empty());
    o->set("grid", gridJson(s.grid, pair.quoteScale, full));
    return o;
}

GridSessionState readGridState(const JsonObject& json, const bots::PairSpec& pair) {
    const StateReader root(json, "");
    if (root.whole("format") != 1) root.fail("format", "unknown format");
    GridSessionState s;
    s.paused = root.flag("paused");
    s.error = root.text("error");
    s.waiting = root.text("waiting");
    s.grid = readGrid(root.object("grid"), pair.quoteScale);
    return s;
}

}  // namespace bourse::grid
