#include "GridBacktest.h"

#include "GridParamsJson.h"

#include <bourse/botkit/BacktestJson.h>

namespace bourse::grid {

std::string runGridBacktest(const std::string& argsJson, const GridLimits& limits) {
    bots::FieldErrors errors;
    const botkit::ParamReader in(botkit::parseObject(argsJson, BOURSE_E_INVALID, "arguments"), "", errors);
    in.allowOnly({"params", "candles", "slippage_bps", "interval_s"});
    GridTerms terms;
    if (in.require("params")) terms = readGridTerms(in.object("params"), &limits);
    const botkit::BacktestArgs args = botkit::readBacktestArgs(in, limits.maxBacktestCandles);
    if (errors.empty() && !args.candles.empty()) {
        // The grid starts at the first open: say so in terms of the candles.
        for (const bots::FieldError& e : bots::validateGridAtPrice(terms.params, args.candles.front().open))
            in.fail(e.field == "price" ? "candles[0]" : "params." + e.field, e.message);
    }
    botkit::refuseIfAny(errors);

    const bots::PaperConfig paper{terms.venue.feeBps, args.slippageBps};
    const bots::BacktestResult result = bots::backtestGrid(terms.params, paper, args.candles);
    botkit::JsonObject final = new Poco::JSON::Object;
    final->set("grid_profit", botkit::money(result.gridProfit, terms.params.pair.quoteScale));
    final->set("completed_pairs", result.completedPairs);
    return botkit::stringify(botkit::backtestJson(result, terms.params.pair, new Poco::JSON::Array, final));
}

}  // namespace bourse::grid
