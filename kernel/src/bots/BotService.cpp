#include "bots/BotService.h"

#include "bots/BinanceVenue.h"
#include "bots/BotJson.h"
#include "bots/BotStore.h"
#include "http/HttpError.h"
#include "http/Router.h"
#include "ledger/Currencies.h"
#include "ledger/Ledger.h"
#include "market/MarketData.h"
#include "plugins/PluginInstance.h"
#include "plugins/PluginManager.h"
#include "plugins/PluginProblem.h"
#include "storage/CommitQueue.h"
#include "storage/Database.h"
#include "storage/PreparedSession.h"
#include "util/Clock.h"
#include "util/Ids.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/StringTokenizer.h>

namespace bourse {

namespace {

constexpr int kMaxCandles = 20000;

Poco::JSON::Object::Ptr parseObject(const std::string& json) {
    Poco::JSON::Parser parser;
    return parser.parse(json).extract<Poco::JSON::Object::Ptr>();
}

/// One unit of the smallest step at `scale` decimals ("0.01" for 2).
std::string step(int scale) {
    return Decimal(1, scale).toString();
}

}  // namespace

BotService::BotService(Database& db, CommitQueue& commits, MarketData& market, PluginManager& plugins,
                       BotRunner& runner, const Clock& clock, int maxBotsPerUser)
    : _db(db),
      _commits(commits),
      _market(market),
      _plugins(plugins),
      _runner(runner),
      _clock(clock),
      _maxBotsPerUser(maxBotsPerUser) {}

BotService::Terms BotService::validate(const std::string& userId, const BotRequest& request) {
    const auto instance = _plugins.instance(request.product);
    if (!instance || instance->kind() != BOURSE_KIND_TRADE_PRODUCT)
        throw HttpError::badRequest("product: no bot product '" + request.product + "' is enabled", "product");
    const auto instrument = _market.instrument(request.symbol);
    if (!instrument) throw HttpError::badRequest("symbol: unknown symbol '" + request.symbol + "'", "symbol");
    if (instrument->baseAsset.empty() || instrument->quoteAsset.empty() ||
        instrument->baseAsset == instrument->quoteAsset)
        throw HttpError::badRequest("symbol: " + request.symbol + " has no base and quote asset to trade", "symbol");
    const auto price = _market.lastTick(request.symbol);
    if (!price || !_market.hasLiveSource(request.symbol))
        throw HttpError(409, "Conflict", "symbol: no live price for " + request.symbol + " right now", "symbol");

    Bot bot;
    bot.id = newId("bot");
    bot.idPrefix = "b" + bot.id.substr(bot.id.size() - 10);
    bot.userId = userId;
    bot.product = request.product;
    bot.symbol = request.symbol;
    bot.name = request.name.empty() ? request.product + " " + request.symbol : request.name;
    bot.venue = request.venue;
    bot.status = "created";
    bot.base = instrument->baseAsset;
    bot.quote = instrument->quoteAsset;
    bot.priceScale = instrument->priceScale;
    bot.qtyScale = currencyDecimals(bot.base);
    bot.clientOrderId = request.clientOrderId;

    // The kernel's facts go over whatever the client sent under these names.
    Poco::JSON::Object::Ptr params = new Poco::JSON::Object(*request.params);
    Poco::JSON::Object::Ptr pair = new Poco::JSON::Object;
    const int quoteScale = currencyDecimals(bot.quote);
    pair->set("symbol", bot.symbol);
    pair->set("base_asset", bot.base);
    pair->set("quote_asset", bot.quote);
    pair->set("tick_size", step(bot.priceScale));
    pair->set("lot_step", step(bot.qtyScale));
    pair->set("quote_scale", quoteScale);
    // The paper venue's minimum order: one unit of the quote (1.00 USD).
    pair->set("min_notional", Decimal(Decimal::pow10(quoteScale), quoteScale).toString());
    std::string feeBps = _runner.paperTerms().feeBps.toString();
    if (bot.venue == "binance") {
        // The exchange's own steps and minimum, so every order the bot plans passes its filters.
        BinanceVenue* live = _runner.binanceVenue();
        if (!live)
            throw HttpError::badRequest("venue: live trading on Binance is not configured on this server", "venue");
        const auto f = live->filters(userId, bot.symbol);
        if (!f) throw HttpError(409, "Conflict", "venue: " + f.error().message, "venue");
        pair->set("tick_size", f.value().tickSize.str());
        pair->set("lot_step", f.value().stepSize.str());
        if (f.value().minNotional.positive()) pair->set("min_notional", f.value().minNotional.str());
        feeBps = "10";  // Binance's standard spot fee
    }
    params->set("pair", pair);
    Poco::JSON::Object::Ptr venue = new Poco::JSON::Object;
    venue->set("name", bot.venue);
    venue->set("fee_bps", feeBps);
    venue->set("id_prefix", bot.idPrefix);
    params->set("venue", venue);
    const std::string paramsJson = toJson(*params);

    bourse_tick cTick{sizeof(bourse_tick), {bot.symbol.data(), bot.symbol.size()}, price->price.toC(), price->tsNs};
    const bourse_open_request r{sizeof(bourse_open_request),
                                {userId.data(), userId.size()},
                                {bot.symbol.data(), bot.symbol.size()},
                                Money{0, bot.quote}.toC(),
                                {paramsJson.data(), paramsJson.size()},
                                &cTick,
                                0};
    Terms out{std::move(bot), nullptr, paramsJson};
    try {
        out.bot.paramsJson = instance->validate(r);
        out.terms = parseObject(out.bot.paramsJson);
    } catch (const PluginError& e) {
        throw pluginProblem(e);
    } catch (const Poco::Exception&) {
        throw HttpError(500, "Internal Server Error", "product '" + request.product + "' replied with invalid terms");
    }
    std::string why;
    const auto capital = parseMinor(out.terms->optValue<std::string>("capital", ""), quoteScale, why);
    if (!capital || *capital <= 0)
        throw HttpError(500, "Internal Server Error",
                        "product '" + request.product + "' replied without a positive capital");
    out.bot.capital = *capital;
    return out;
}

Poco::JSON::Object::Ptr BotService::preview(const std::string& userId, const BotRequest& request) {
    const Terms t = validate(userId, request);
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
    o->set("product", t.bot.product);
    o->set("symbol", t.bot.symbol);
    o->set("capital", formatMinor(t.bot.capital, currencyDecimals(t.bot.quote)));
    o->set("currency", t.bot.quote);
    o->set("base_asset", t.bot.base);
    for (const char* key : {"params", "preview", "worst_case"})
        if (t.terms->has(key)) o->set(key, t.terms->get(key));
    return o;
}

Poco::JSON::Object::Ptr BotService::create(const std::string& userId, const BotRequest& request, bool& created) {
    created = false;
    if (const auto existing = BotStore::findByClientOrder(_db, userId, request.clientOrderId)) {
        if (existing->product != request.product || existing->symbol != request.symbol)
            throw HttpError(409, "Conflict", "client_order_id: already used for a different bot", "client_order_id");
        return view(*existing);
    }
    if (BotStore::activeCount(_db, userId) >= _maxBotsPerUser)
        throw HttpError(
            409, "Conflict",
            "bots: at most " + std::to_string(_maxBotsPerUser) + " bots that are not stopped; stop or delete one first",
            "product");
    Terms t = validate(userId, request);
    Bot& bot = t.bot;
    bot.createdNs = bot.updatedNs = _clock.nowNs();
    const bool live = bot.venue == "binance";
    if (live) {
        // The money is on the exchange: it must be there, free, now.
        const auto free = _runner.binanceVenue()->freeBalance(userId, bot.quote);
        if (!free) throw HttpError(409, "Conflict", "venue: " + free.error().message, "venue");
        const std::int64_t have = free.value().toScaled(currencyDecimals(bot.quote)).value_or(0);
        if (have < bot.capital)
            throw HttpError(422, "Unprocessable Content",
                            "capital: the bot needs " + formatMinor(bot.capital, currencyDecimals(bot.quote)) + " " +
                                bot.quote + "; your Binance account has " + free.value().str() + " free",
                            "capital");
    }
    bool funded = false;
    try {
        _commits.run([&](PreparedSession& w) {
            BotStore::insert(w, bot);
            JournalTx tx{"bot_fund:" + bot.id, "bot_fund", userId, bot.id, bot.product + " " + bot.symbol, {}};
            // Paper: from the owner's wallet, guarded. Live: from the mirror of the
            // exchange account (checked just above), see BinanceVenue.h.
            tx.postings = {
                {live ? BinanceVenue::mirrorAccount(bot.quote) : Ledger::userAccount(userId, "available", bot.quote),
                 bot.quote, -bot.capital, !live},
                {BotStore::account(bot, bot.quote), bot.quote, bot.capital}};
            funded = Ledger::apply(w, tx, bot.createdNs) != Ledger::Result::Insufficient;
            if (!funded) w.exec("DELETE FROM bots WHERE id = $1", bot.id);
        });
    } catch (const Poco::Exception&) {
        // The same client_order_id, created by a concurrent request first.
        if (const auto existing = BotStore::findByClientOrder(_db, userId, request.clientOrderId))
            return view(*existing);
        throw;
    }
    if (!funded)
        throw HttpError(422, "Unprocessable Content",
                        "capital: the bot needs " + formatMinor(bot.capital, currencyDecimals(bot.quote)) + " " +
                            bot.quote + ", more than your available balance",
                        "capital");
    created = true;
    try {
        if (const auto instance = _plugins.instance(bot.product)) {
            const bourse_position pos = cPosition(bot, bot.stateJson);
            const std::string state = instance->open(pos, nullptr);
            if (!state.empty() && state.front() == '{') {
                bot.stateJson = state;
                _commits.run([&](PreparedSession& w) { BotStore::saveState(w, bot.id, bot.stateJson, bot.createdNs); });
            }
        }
    } catch (const PluginError&) {
        // The product starts from "{}" on its first tick instead.
    }
    return view(bot);
}

Poco::JSON::Object::Ptr BotService::view(const Bot& bot) {
    std::optional<std::int64_t> price;
    if (const auto t = _market.lastTick(bot.symbol)) price = t->price.rescaled(bot.priceScale).mantissa;
    return botJson(bot, _runner.holdings(bot), price);
}

Poco::JSON::Object::Ptr BotService::list(const std::string& userId) {
    Poco::JSON::Array::Ptr bots = new Poco::JSON::Array;
    for (const auto& bot : BotStore::listByUser(_db, userId))
        bots->add(view(bot));
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
    o->set("bots", bots);
    return o;
}

Bot BotService::owned(const std::string& userId, const std::string& botId) {
    const auto bot = BotStore::find(_db, botId);
    // Another user's bot does not exist for this one.
    if (!bot || bot->userId != userId || bot->status == "deleted") throw HttpError::notFound("bot not found");
    return *bot;
}

Poco::JSON::Object::Ptr BotService::details(const std::string& userId, const std::string& botId) {
    const Bot bot = owned(userId, botId);
    auto o = view(bot);
    Poco::JSON::Array::Ptr orders = new Poco::JSON::Array;
    for (const auto& order : BotStore::orders(_db, bot.id, 500))
        orders->add(orderJson(bot, order));
    o->set("orders", orders);
    Poco::JSON::Array::Ptr fills = new Poco::JSON::Array;
    for (const auto& fill : BotStore::fills(_db, bot.id, 500))
        fills->add(fillJson(bot, fill));
    o->set("fills", fills);
    Poco::JSON::Array::Ptr history = new Poco::JSON::Array;
    for (const auto& [ts, equity] : BotStore::equity(_db, bot.id, 2000)) {
        Poco::JSON::Object::Ptr point = new Poco::JSON::Object;
        point->set("at", ts / 1'000'000);
        point->set("equity", formatMinor(equity, currencyDecimals(bot.quote)));
        history->add(point);
    }
    o->set("equity_history", history);
    return o;
}

Poco::JSON::Object::Ptr BotService::act(const std::string& userId, const std::string& botId, const std::string& action,
                                        bool close) {
    owned(userId, botId);
    Bot after;
    _runner.call([&] {
        if (action == "start")
            after = _runner.startBot(botId);
        else if (action == "pause")
            after = _runner.pauseBot(botId);
        else if (action == "resume")
            after = _runner.resumeBot(botId);
        else
            after = _runner.stopBot(botId, close);
    });
    return view(after);
}

void BotService::remove(const std::string& userId, const std::string& botId) {
    owned(userId, botId);
    _runner.call([&] { _runner.deleteBot(botId); });
}

Poco::JSON::Object::Ptr BotService::backtest(const std::string& userId, const BotRequest& request, int intervalS,
                                             std::int64_t fromNs, std::int64_t toNs, const std::string& csv) {
    const Terms t = validate(userId, request);
    Poco::JSON::Array::Ptr candles = new Poco::JSON::Array;
    const auto add = [&](std::int64_t ts, const std::string& open, const std::string& high, const std::string& low,
                         const std::string& close) {
        Poco::JSON::Array::Ptr row = new Poco::JSON::Array;
        row->add(ts);
        row->add(open);
        row->add(high);
        row->add(low);
        row->add(close);
        candles->add(row);
    };
    if (!csv.empty()) {
        Poco::StringTokenizer lines(csv, "\n",
                                    Poco::StringTokenizer::TOK_TRIM | Poco::StringTokenizer::TOK_IGNORE_EMPTY);
        std::size_t line = 0;
        for (const auto& text : lines) {
            ++line;
            Poco::StringTokenizer cells(text, ",", Poco::StringTokenizer::TOK_TRIM);
            if (cells.count() < 5)
                throw HttpError::badRequest("csv: line " + std::to_string(line) + ": expected ts,open,high,low,close",
                                            "csv");
            std::int64_t ts = 0;
            try {
                ts = std::stoll(cells[0]);
            } catch (const std::exception&) {
                if (line == 1) continue;  // a header row
                throw HttpError::badRequest("csv: line " + std::to_string(line) + ": ts is not a number", "csv");
            }
            // Seconds or milliseconds since the epoch.
            const std::int64_t tsNs = ts < 100'000'000'000 ? ts * 1'000'000'000 : ts * 1'000'000;
            std::string prices[4];
            for (int i = 0; i < 4; ++i) {
                try {
                    prices[i] = Decimal::parse(cells[static_cast<std::size_t>(i + 1)]).toString();
                } catch (const std::exception&) {
                    throw HttpError::badRequest("csv: line " + std::to_string(line) + ": '" +
                                                    cells[static_cast<std::size_t>(i + 1)] + "' is not a price",
                                                "csv");
                }
            }
            add(tsNs, prices[0], prices[1], prices[2], prices[3]);
            if (candles->size() > kMaxCandles)
                throw HttpError::badRequest("csv: more than " + std::to_string(kMaxCandles) + " rows", "csv");
        }
    } else {
        for (const auto& c : _market.candles(request.symbol, intervalS, fromNs, toNs, kMaxCandles))
            add(c.openNs, Decimal(c.open, c.scale).toString(), Decimal(c.high, c.scale).toString(),
                Decimal(c.low, c.scale).toString(), Decimal(c.close, c.scale).toString());
    }
    if (candles->size() == 0) throw HttpError::badRequest("from: no candles in this range", "from");
    Poco::JSON::Object::Ptr args = new Poco::JSON::Object;
    args->set("params", parseObject(t.request));
    args->set("candles", candles);
    args->set("slippage_bps", _runner.paperTerms().slippageBps.toString());
    const auto instance = _plugins.instance(request.product);
    if (!instance) throw HttpError(503, "Service Unavailable", "product '" + request.product + "' is not available");
    try {
        auto result = parseObject(instance->command("backtest", toJson(*args)));
        result->set("candles", static_cast<int>(candles->size()));
        result->set("capital", formatMinor(t.bot.capital, currencyDecimals(t.bot.quote)));
        result->set("currency", t.bot.quote);
        return result;
    } catch (const PluginError& e) {
        throw pluginProblem(e);
    }
}

}  // namespace bourse
