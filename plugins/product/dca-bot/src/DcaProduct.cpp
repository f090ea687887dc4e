#include "DcaProduct.h"

#include "DcaBacktest.h"
#include "DcaParamsJson.h"
#include "DcaPreview.h"
#include "DcaSession.h"

namespace bourse::dca {

DcaProduct::DcaProduct(Host& host) : BotProduct(host), _limits(readDcaConfig(host.configJson())) {}

std::string DcaProduct::validate(const OpenRequest& request) {
    bots::FieldErrors errors;
    const botkit::ParamReader in(botkit::parseObject(request.paramsJson, BOURSE_E_INVALID, "params"), "", errors);
    const DcaTerms terms = readDcaTerms(in, &_limits);
    if (!request.price)
        in.fail("price", "no price in force for the pair");
    else if (errors.empty())
        in.add(bots::validateDcaAtPrice(terms.params, request.price->price));
    botkit::refuseIfAny(errors);

    const Decimal& price = request.price->price;
    botkit::JsonObject reply = new Poco::JSON::Object;
    reply->set("expires_in_ms", 0);
    reply->set("capital", botkit::money(dcaCapital(terms), terms.params.pair.quoteScale));
    reply->set("params", dcaParamsJson(terms));
    reply->set("preview", dcaPreview(terms, price));
    reply->set("worst_case", dcaWorstCase(terms, price));
    return botkit::stringify(reply);
}

std::string DcaProduct::open(const Position& position, const std::optional<Tick>& entry) {
    (void)entry;  // the first decision is the first tick after the bot is started
    auto session = std::make_unique<DcaSession>(storedDcaTerms(position.paramsJson));
    std::string state = session->stateJson(botkit::StateView::Full);
    remember(position.id, std::move(session), state);
    return state;
}

std::unique_ptr<botkit::BotSession> DcaProduct::restore(const Position& position) {
    DcaTerms terms = storedDcaTerms(position.paramsJson);
    const botkit::JsonObject state = botkit::parseObject(position.stateJson, BOURSE_E_INTERNAL, "state");
    if (!state->has("format")) return std::make_unique<DcaSession>(std::move(terms));  // "{}": never saved
    DcaState saved = readDcaState(state, terms.params.pair);
    return std::make_unique<DcaSession>(std::move(terms), std::move(saved));
}

std::string DcaProduct::command(const std::string& name, const std::string& argsJson) {
    if (name == "backtest") return runDcaBacktest(argsJson, _limits);
    return BotProduct::command(name, argsJson);
}

}  // namespace bourse::dca
