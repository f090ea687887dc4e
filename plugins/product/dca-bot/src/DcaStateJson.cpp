#include "DcaStateJson.h"

#include <bourse/botkit/EnumNames.h>

#include <array>
#include <utility>

namespace bourse::dca {

namespace {

using botkit::enumOf;
using botkit::JsonArray;
using botkit::JsonObject;
using botkit::nameOf;
using botkit::StateReader;

// Enum names as written in the state: the index is the enum's value.
constexpr std::array kStatus{"opening", "active", "closing", "closed"};
constexpr std::array kReason{"none", "take_profit", "stop_loss", "manual", "failed"};
constexpr std::array kCloseMode{"sell", "keep"};
constexpr std::array kRole{"base", "safety", "take_profit", "exit"};
constexpr std::array kSide{"buy", "sell"};
constexpr std::array kType{"market", "limit"};

JsonObject orderJson(const bots::DealOrder& o, int qs) {
    JsonObject j = new Poco::JSON::Object;
    j->set("client_id", o.clientId);
    j->set("role", nameOf(kRole, o.role));
    j->set("index", o.index);
    j->set("side", nameOf(kSide, o.side));
    j->set("type", nameOf(kType, o.type));
    j->set("price", o.price.toString());
    j->set("qty", o.qty.toString());
    j->set("quote_amount", botkit::money(o.quoteAmount, qs));
    j->set("filled_qty", o.filledQty.toString());
    j->set("cancel_requested", o.cancelRequested);
    j->set("done", o.done);
    return j;
}

bots::DealOrder readOrder(const StateReader& in, int qs) {
    bots::DealOrder o;
    o.clientId = in.text("client_id");
    o.role = enumOf<bots::DealOrderRole>(kRole, in, "role");
    o.index = static_cast<int>(in.whole("index"));
    o.side = enumOf<bots::Side>(kSide, in, "side");
    o.type = enumOf<bots::OrderType>(kType, in, "type");
    o.price = in.decimal("price");
    o.qty = in.decimal("qty");
    o.quoteAmount = in.money("quote_amount", qs);
    o.filledQty = in.decimal("filled_qty");
    o.cancelRequested = in.flag("cancel_requested");
    o.done = in.flag("done");
    return o;
}

JsonObject dealJson(const bots::DealState& d, int qs) {
    JsonObject j = new Poco::JSON::Object;
    j->set("id", d.id);
    j->set("status", nameOf(kStatus, d.status));
    j->set("reason", nameOf(kReason, d.reason));
    j->set("close_mode", nameOf(kCloseMode, d.closeMode));
    j->set("opened_at", d.openedAt);
    j->set("closed_at", d.closedAt);
    j->set("base_price", d.basePrice.toString());
    j->set("qty", d.qty.toString());
    j->set("cost", botkit::money(d.cost, qs));
    j->set("bought_qty", d.boughtQty.toString());
    j->set("sold_qty", d.soldQty.toString());
    j->set("bought_notional", botkit::money(d.boughtNotional, qs));
    j->set("sold_notional", botkit::money(d.soldNotional, qs));
    j->set("fees", botkit::money(d.fees, qs));
    j->set("realized_gross", botkit::money(d.realizedGross, qs));
    j->set("safety_orders_placed", d.safetyOrdersPlaced);
    j->set("safety_orders_filled", d.safetyOrdersFilled);
    j->set("tp_version", d.tpVersion);
    j->set("exit_version", d.exitVersion);
    j->set("tp_stale", d.tpStale);
    j->set("exit_waits_for_tick", d.exitWaitsForTick);
    JsonArray orders = new Poco::JSON::Array;
    for (const bots::DealOrder& o : d.orders)
        orders->add(orderJson(o, qs));
    j->set("orders", orders);
    return j;
}

bots::DealState readDeal(const StateReader& in, int qs) {
    bots::DealState d;
    d.id = in.text("id");
    d.status = enumOf<bots::DealStatus>(kStatus, in, "status");
    d.reason = enumOf<bots::CloseReason>(kReason, in, "reason");
    d.closeMode = enumOf<bots::CloseMode>(kCloseMode, in, "close_mode");
    d.openedAt = in.whole("opened_at");
    d.closedAt = in.whole("closed_at");
    d.basePrice = in.decimal("base_price");
    d.qty = in.decimal("qty");
    d.cost = in.money("cost", qs);
    d.boughtQty = in.decimal("bought_qty");
    d.soldQty = in.decimal("sold_qty");
    d.boughtNotional = in.money("bought_notional", qs);
    d.soldNotional = in.money("sold_notional", qs);
    d.fees = in.money("fees", qs);
    d.realizedGross = in.money("realized_gross", qs);
    d.safetyOrdersPlaced = static_cast<int>(in.whole("safety_orders_placed"));
    d.safetyOrdersFilled = static_cast<int>(in.whole("safety_orders_filled"));
    d.tpVersion = static_cast<int>(in.whole("tp_version"));
    d.exitVersion = static_cast<int>(in.whole("exit_version"));
    d.tpStale = in.flag("tp_stale");
    d.exitWaitsForTick = in.flag("exit_waits_for_tick");
    const JsonArray orders = in.array("orders");
    for (std::size_t i = 0; i < orders->size(); ++i)
        d.orders.push_back(readOrder(in.entry("orders", orders, i), qs));
    return d;
}

bots::DealSummary readDealSummary(const StateReader& in, int qs) {
    bots::DealSummary d;
    d.id = in.text("id");
    d.status = enumOf<bots::DealStatus>(kStatus, in, "status");
    d.reason = enumOf<bots::CloseReason>(kReason, in, "reason");
    d.openedAt = in.whole("opened_at");
    d.closedAt = in.whole("closed_at");
    d.basePrice = in.decimal("base_price");
    d.safetyOrdersFilled = static_cast<int>(in.whole("safety_orders_filled"));
    d.boughtQty = in.decimal("bought_qty");
    d.boughtNotional = in.money("bought_notional", qs);
    d.soldNotional = in.money("sold_notional", qs);
    d.fees = in.money("fees", qs);
    d.realizedPnl = in.money("realized_pnl", qs);
    d.averageEntry = in.decimal("average_entry");
    return d;
}

}  // namespace

JsonObject dealSummaryJson(const bots::DealSummary& d, const bots::PairSpec& pair) {
    const int qs = pair.quoteScale;
    JsonObject j = new Poco::JSON::Object;
    j->set("id", d.id);
    j->set("status", nameOf(kStatus, d.status));
    j->set("reason", nameOf(kReason, d.reason));
    j->set("opened_at", d.openedAt);
    j->set("closed_at", d.closedAt);
    j->set("base_price", d.basePrice.toString());
    j->set("safety_orders_filled", d.safetyOrdersFilled);
    j->set("bought_qty", d.boughtQty.toString());
    j->set("bought_notional", botkit::money(d.boughtNotional, qs));
    j->set("sold_notional", botkit::money(d.soldNotional, qs));
    j->set("fees", botkit::money(d.fees, qs));
    j->set("realized_pnl", botkit::money(d.realizedPnl, qs));
    j->set("average_entry", d.averageEntry.toString());
    return j;
}

JsonObject dcaStateJson(const DcaState& s, const bots::PairSpec& pair, botkit::StateView view) {
    const int qs = pair.quoteScale;
    const bool full = view == botkit::StateView::Full;
    JsonObject bot = new Poco::JSON::Object;
    bot->set("next_deal_seq", static_cast<std::int64_t>(s.bot.nextDealSeq));
    if (s.bot.lastDealStart) bot->set("last_deal_start", *s.bot.lastDealStart);
    if (s.bot.lastDealClose) bot->set("last_deal_close", *s.bot.lastDealClose);
    if (full) {
        JsonArray window = new Poco::JSON::Array;
        for (const bots::PricePoint& p : s.bot.highWindow) {
            JsonArray point = new Poco::JSON::Array;
            point->add(p.ts);
            point->add(p.price.toString());
            window->add(point);
        }
        bot->set("high_window", window);
        bot->set("last_start_error", s.bot.lastStartError);
    } else {
        bot->set("last_start_error", !s.bot.lastStartError.empty());
    }
    bot->set("accepting_deals", s.bot.acceptingDeals);
    JsonArray closed = new Poco::JSON::Array;
    for (const bots::DealSummary& d : s.bot.closedDeals)
        closed->add(dealSummaryJson(d, pair));
    bot->set("closed_deals", closed);

    JsonObject archived = new Poco::JSON::Object;
    archived->set("deals", s.archived.deals);
    archived->set("realized_pnl", botkit::money(s.archived.realizedPnl, qs));
    archived->set("fees", botkit::money(s.archived.fees, qs));

    JsonArray deals = new Poco::JSON::Array;
    for (const bots::DealState& d : s.deals)
        deals->add(dealJson(d, qs));

    JsonObject o = new Poco::JSON::Object;
    o->set("format", 1);
    o->set("stopping", s.stopping);
    o->set("error", s.error);
    o->set("bot", bot);
    o->set("archived", archived);
    o->set("deals", deals);
    return o;
}

DcaState readDcaState(const JsonObject& json, const bots::PairSpec& pair) {
    const int qs = pair.quoteScale;
    const StateReader root(json, "");
    if (root.whole("format") != 1) root.fail("format", "unknown format");
    DcaState s;
    s.stopping = root.flag("stopping");
    s.error = root.text("error");

    const StateReader bot = root.object("bot");
    s.bot.nextDealSeq = static_cast<std::uint64_t>(bot.whole("next_deal_seq"));
    s.bot.lastDealStart = bot.optionalWhole("last_deal_start");
    s.bot.lastDealClose = bot.optionalWhole("last_deal_close");
    if (bot.has("high_window")) {
        const JsonArray window = bot.array("high_window");
        for (std::size_t i = 0; i < window->size(); ++i) {
            const std::string where = "bot.high_window[" + std::to_string(i) + "]";
            const Poco::Dynamic::Var v = window->get(static_cast<unsigned>(i));
            if (v.type() != typeid(Poco::JSON::Array::Ptr)) bot.fail("high_window", "expected [ts, price] pairs");
            const auto point = v.extract<Poco::JSON::Array::Ptr>();
            s.bot.highWindow.push_back(
                {botkit::wholeValue(point->get(0), where), botkit::decimalValue(point->get(1), where)});
        }
    }
    s.bot.acceptingDeals = bot.flag("accepting_deals");
    s.bot.lastStartError = bot.text("last_start_error");
    const JsonArray closed = bot.array("closed_deals");
    for (std::size_t i = 0; i < closed->size(); ++i)
        s.bot.closedDeals.push_back(readDealSummary(bot.entry("closed_deals", closed, i), qs));

    const StateReader archived = root.object("archived");
    s.archived.deals = archived.whole("deals");
    s.archived.realizedPnl = archived.money("realized_pnl", qs);
    s.archived.fees = archived.money("fees", qs);

    const JsonArray deals = root.array("deals");
    for (std::size_t i = 0; i < deals->size(); ++i)
        s.deals.push_back(readDeal(root.entry("deals", deals, i), qs));
    return s;
}

}  // namespace bourse::dca
