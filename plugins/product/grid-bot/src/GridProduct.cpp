#include "GridProduct.h"

#include "GridBacktest.h"
#include "GridParamsJson.h"
#include "GridPreview.h"
#include "GridSession.h"

namespace bourse::grid {

GridProduct::GridProduct(Host& host) : BotProduct(host), _limits(readGridConfig(host.configJson())) {}

std::string GridProduct::validate(const OpenRequest& request) {
    bots::FieldErrors errors;
    const botkit::ParamReader in(botkit::parseObject(request.paramsJson, BOURSE_E_INVALID, "params"), "", errors);
    const GridTerms terms = readGridTerms(in, &_limits);
    if (!request.price)
        in.fail("price", "no price in force for the pair");
    else if (errors.empty())
        in.add(bots::validateGridAtPrice(terms.params, request.price->price));
    botkit::refuseIfAny(errors);

    const Decimal& price = request.price->price;
    botkit::JsonObject reply = new Poco::JSON::Object;
    reply->set("expires_in_ms", 0);
    reply->set("capital", botkit::money(terms.params.investment, terms.params.pair.quoteScale));
    reply->set("params", gridParamsJson(terms));
    reply->set("preview", gridPreview(terms, price));
    reply->set("worst_case", gridWorstCase(terms, price));
    return botkit::stringify(reply);
}

std::string GridProduct::open(const Position& position, const std::optional<Tick>& entry) {
    (void)entry;  // the grid starts at the first tick after the bot is started
    auto session = std::make_unique<GridSession>(storedGridTerms(position.paramsJson));
    std::string state = session->stateJson(botkit::StateView::Full);
    remember(position.id, std::move(session), state);
    return state;
}

std::unique_ptr<botkit::BotSession> GridProduct::restore(const Position& position) {
    GridTerms terms = storedGridTerms(position.paramsJson);
    const botkit::JsonObject state = botkit::parseObject(position.stateJson, BOURSE_E_INTERNAL, "state");
    if (!state->has("format")) return std::make_unique<GridSession>(std::move(terms));  // "{}": never saved
    GridSessionState saved = readGridState(state, terms.params.pair);
    return std::make_unique<GridSession>(std::move(terms), std::move(saved));
}

std::string GridProduct::command(const std::string& name, const std::string& argsJson) {
    if (name == "backtest") return runGridBacktest(argsJson, _limits);
    return BotProduct::command(name, argsJson);
}

}  // namespace bourse::grid
