#include "DcaBacktest.h"

#include "DcaParamsJson.h"
#include "DcaPreview.h"
#include "DcaStateJson.h"

#include <bourse/botkit/BacktestJson.h>

namespace bourse::dca {

std::string runDcaBacktest(const std::string& argsJson, const DcaLimits& limits) {
    bots::FieldErrors errors;
    const botkit::ParamReader in(botkit::parseObject(argsJson, BOURSE_E_INVALID, "arguments"), "", errors);
    in.allowOnly({"params", "candles", "slippage_bps", "interval_s"});
    DcaTerms terms;
    if (in.require("params")) terms = readDcaTerms(in.object("params"), &limits);
    const botkit::BacktestArgs args = botkit::readBacktestArgs(in, limits.maxBacktestCandles);
    botkit::refuseIfAny(errors);

    const bots::PaperConfig paper{terms.venue.feeBps, args.slippageBps};
    bots::BacktestResult result;
    try {
        result = bots::backtestDca(terms.params, paper, dcaCapital(terms), args.candles);
    } catch (const bots::InvalidParams& e) {
        botkit::refuseIfAny(e.errors(), "params.");  // checked above; kept as a refusal, not an internal error
    }

    botkit::JsonArray deals = new Poco::JSON::Array;
    std::int64_t active = 0;
    for (const bots::DealSummary& d : result.deals) {
        deals->add(dealSummaryJson(d, terms.params.pair));
        active += d.status != bots::DealStatus::Closed;
    }
    botkit::JsonObject final = new Poco::JSON::Object;
    final->set("active_deals", active);
    final->set("closed_deals", static_cast<std::int64_t>(result.deals.size()) - active);
    return botkit::stringify(botkit::backtestJson(result, terms.params.pair, deals, final));
}

}  // namespace bourse::dca
