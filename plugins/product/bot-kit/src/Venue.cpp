#include <bourse/botkit/Json.h>
#include <bourse/botkit/Venue.h>

namespace bourse::botkit {

OrderRequest orderFor(const bots::OrderIntent& intent, const std::string& positionId, const bots::PairSpec& pair) {
    OrderRequest o;
    o.positionId = positionId;
    o.clientOrderId = intent.clientId;
    o.symbol = pair.symbol;
    o.side = intent.side == bots::Side::Buy ? BOURSE_SIDE_BUY : BOURSE_SIDE_SELL;
    o.type = intent.type == bots::OrderType::Limit ? BOURSE_ORDER_LIMIT : BOURSE_ORDER_MARKET;
    o.quantity = intent.qty.mantissa != 0 ? intent.qty : Decimal(0, pair.lotStep.scale);
    o.quoteAmount = Decimal(intent.quoteAmount, pair.quoteScale);
    o.limitPrice = intent.type == bots::OrderType::Limit ? intent.price : Decimal(0, pair.tickSize.scale);
    return o;
}

bots::FillReport reportFor(const bourse_fill& fill) {
    bots::FillReport r;
    r.clientId = std::string(fromStr(fill.client_order_id));
    r.qty = Decimal(fill.quantity);
    r.price = Decimal(fill.price);
    r.feeMinor = fill.fee.minor;
    r.ts = fill.ts_ns;
    r.done = fill.order_done != 0;
    return r;
}

ControlRequest parseControl(const std::string& json) {
    const JsonObject o = parseObject(json, BOURSE_E_INVALID, "control");
    bots::FieldErrors errors;
    const ParamReader in(o, "", errors);
    in.allowOnly({"action", "close"});
    ControlRequest r;
    if (in.require("action")) {
        const auto action = in.choice("action", {"pause", "resume", "stop"});
        if (action == "resume")
            r.action = ControlRequest::Action::Resume;
        else if (action == "stop")
            r.action = ControlRequest::Action::Stop;
    }
    r.close = in.flag("close");
    refuseIfAny(errors);
    return r;
}

}  // namespace bourse::botkit
