#include "bots/BinanceVenue.h"

#include "bots/BotStore.h"
#include "bots/PaperVenue.h"
#include "ledger/Currencies.h"
#include "log/Log.h"
#include "venues/binance/BinanceSpotClient.h"
#include "venues/binance/UserDataStream.h"

#include <chrono>

namespace bourse {

namespace bn = venues::binance;

namespace {

/// Attempts of one order before a transient failure becomes the bot's error.
constexpr int kAttempts = 5;

std::int64_t scaled(const bn::Fixed8& v, int scale, bool roundUp = false) {
    return v.toScaled(scale, roundUp).value_or(0);
}

void add(JournalTx& tx, const std::string& account, const std::string& currency, std::int64_t amount) {
    if (amount != 0) tx.postings.push_back({account, currency, amount});
}

}  // namespace

struct BinanceVenue::Session {
    std::string userId;
    std::unique_ptr<bn::BinanceSpotClient> client;
    std::unique_ptr<bn::UserDataStream> stream;
    std::mutex mutex;
    std::condition_variable wake;
    std::deque<std::function<void()>> jobs;
    bool stopping = false;
    std::thread worker;

    /// Sleeps up to `d`, waking on stop; false when stopping.
    bool pause(std::chrono::milliseconds d) {
        std::unique_lock lock(mutex);
        return !wake.wait_for(lock, d, [&] { return stopping; });
    }
};

BinanceVenue::BinanceVenue(BinanceVenueSection config, Keys keys, Post post, Handlers handlers)
    : _config(std::move(config)), _keys(std::move(keys)), _post(std::move(post)), _handlers(std::move(handlers)) {}

BinanceVenue::~BinanceVenue() {
    std::lock_guard lock(_mutex);
    for (auto& [user, s] : _sessions) {
        {
            std::lock_guard l(s->mutex);
            s->stopping = true;
        }
        s->wake.notify_all();
        if (s->worker.joinable()) s->worker.join();
        if (s->stream) s->stream->stop();
    }
}

std::string BinanceVenue::mirrorAccount(const std::string& asset) {
    return Ledger::houseAccount("venue-binance", asset);
}

BinanceVenue::Session* BinanceVenue::session(const std::string& userId, std::string& why) {
    std::lock_guard lock(_mutex);
    if (const auto it = _sessions.find(userId); it != _sessions.end()) return it->second.get();
    std::optional<VenueCredentials> keys;
    try {
        keys = _keys(userId);
    } catch (const std::exception& e) {
        why = std::string("the stored Binance API keys cannot be read: ") + e.what();
        return nullptr;
    }
    if (!keys) {
        why = "no Binance API keys stored (PUT /api/v1/venues/binance/keys)";
        return nullptr;
    }
    auto s = std::make_unique<Session>();
    s->userId = userId;
    bn::ClientConfig c;
    c.restUrl = _config.restUrl;
    c.wsApiUrl = _config.wsApiUrl;
    c.apiKey = keys->apiKey;
    c.secret = keys->secret;
    c.recvWindowMs = _config.recvWindowMs;
    c.timeout = std::chrono::milliseconds(_config.timeoutMs);
    c.log = [userId](bn::LogLevel level, const std::string& message) {
        if (level == bn::LogLevel::Error || level == bn::LogLevel::Warn)
            log::warn("binance", message, {{"user", userId}});
        else if (level == bn::LogLevel::Info)
            log::info("binance", message, {{"user", userId}});
    };
    try {
        s->client = std::make_unique<bn::BinanceSpotClient>(std::move(c));
    } catch (const std::invalid_argument& e) {
        why = e.what();
        return nullptr;
    }
    Session* raw = s.get();
    s->worker = std::thread([this, raw] { work(*raw); });
    return (_sessions[userId] = std::move(s)).get();
}

void BinanceVenue::enqueue(Session& s, std::function<void()> job) {
    {
        std::lock_guard lock(s.mutex);
        s.jobs.push_back(std::move(job));
    }
    s.wake.notify_one();
}

void BinanceVenue::follow(const std::string& userId) {
    std::string why;
    Session* s = session(userId, why);
    if (!s) {
        log::warn("binance", "cannot follow the user's orders", {{"user", userId}, {"error", why}});
        return;
    }
    std::lock_guard lock(s->mutex);
    if (s->stream) return;
    bn::UserDataHandlers h;
    h.onExecutionReport = [this, userId](const bn::ExecutionReport& r) {
        if (r.executionType == bn::ExecutionType::New) return;
        _post([this, userId, r] { _handlers.report(userId, r); });
    };
    h.onState = [this, userId](bn::StreamState state, const std::string& detail) {
        if (state == bn::StreamState::Disconnected)
            log::warn("binance", "user-data stream lost", {{"user", userId}, {"detail", detail}});
        if (state == bn::StreamState::Subscribed && detail == "reconnected" && _handlers.resumed)
            _post([this, userId] { _handlers.resumed(userId); });
    };
    s->stream = s->client->openUserDataStream(std::move(h));
}

bn::Result<bn::SymbolFilters> BinanceVenue::filters(const std::string& userId, const std::string& symbol) {
    std::string why;
    Session* s = session(userId, why);
    if (!s) return bn::VenueError{bn::ErrorKind::LocalInvalid, 0, 0, why, {}};
    if (!s->client->filters(symbol)) {
        const auto loaded = s->client->loadFilters({symbol});
        if (!loaded) return loaded.error();
    }
    if (const auto f = s->client->filters(symbol)) return *f;
    return bn::VenueError{bn::ErrorKind::LocalInvalid, 0, 0, "symbol: Binance does not list " + symbol, {}};
}

bn::Result<bn::Fixed8> BinanceVenue::freeBalance(const std::string& userId, const std::string& asset) {
    std::string why;
    Session* s = session(userId, why);
    if (!s) return bn::VenueError{bn::ErrorKind::LocalInvalid, 0, 0, why, {}};
    const auto balances = s->client->balances(false);
    if (!balances) return balances.error();
    for (const auto& b : balances.value())
        if (b.asset == asset) return b.free;
    return bn::Fixed8{};
}

void BinanceVenue::place(const Bot& bot, const BotOrder& order, std::optional<std::int64_t> lastPrice) {
    std::string why;
    Session* s = session(bot.userId, why);
    if (!s) {
        _post([this, botId = bot.id, id = order.clientOrderId, why] { _handlers.refused(botId, id, "venue: " + why); });
        return;
    }
    enqueue(*s, [this, s, bot, order, lastPrice] { send(*s, bot, order, lastPrice); });
}

void BinanceVenue::cancel(const Bot& bot, const std::string& clientOrderId) {
    std::string why;
    Session* s = session(bot.userId, why);
    if (!s) {
        log::warn("binance", "cannot cancel", {{"bot", bot.id}, {"error", why}});
        return;
    }
    const std::string userId = bot.userId, symbol = bot.symbol, botId = bot.id;
    enqueue(*s, [this, s, userId, symbol, botId, clientOrderId] {
        for (int attempt = 0; attempt < kAttempts; ++attempt) {
            const auto r = s->client->cancelOrder(symbol, bn::OrderRef::byClientId(clientOrderId));
            if (r) {
                // The stream says so too; the runner ends the order once.
                bn::ExecutionReport end;
                end.symbol = symbol;
                end.clientOrderId = r.value().clientOrderId;
                end.origClientOrderId = clientOrderId;
                end.executionType = bn::ExecutionType::Canceled;
                end.orderStatus = bn::OrderStatus::Canceled;
                end.transactTimeMs = r.value().transactTimeMs;
                _post([this, userId, end] { _handlers.report(userId, end); });
                return;
            }
            const bn::VenueError& e = r.error();
            if (e.code == -2011) return;  // not open any more: its end was (or will be) reported
            const bool wait = e.kind == bn::ErrorKind::RateLimited || e.kind == bn::ErrorKind::LocalBackoff ||
                              e.kind == bn::ErrorKind::Banned || e.kind == bn::ErrorKind::Network ||
                              e.kind == bn::ErrorKind::Unknown;
            if (!wait) {
                log::warn("binance", "cancel refused", {{"bot", botId}, {"error", e.describe()}});
                return;
            }
            if (!s->pause(std::max<std::chrono::milliseconds>(e.retryAfter, std::chrono::seconds(1)))) return;
        }
    });
}

void BinanceVenue::reconcile(const Bot& bot, const BotOrder& order) {
    std::string why;
    Session* s = session(bot.userId, why);
    if (!s) {
        log::warn("binance", "cannot reconcile", {{"bot", bot.id}, {"error", why}});
        return;
    }
    enqueue(*s, [this, s, bot, order] {
        const auto q = s->client->queryOrder(bot.symbol, bn::OrderRef::byClientId(order.clientOrderId));
        if (!q) {
            if (q.error().code == -2013) send(*s, bot, order, std::nullopt);  // never arrived: send it now
            return;
        }
        const bn::OrderInfo& info = q.value();
        const bn::Fixed8 known = bn::Fixed8::fromScaled(order.filledQty, bot.qtyScale).value_or(bn::Fixed8{});
        bn::ExecutionReport r;
        r.symbol = bot.symbol;
        r.clientOrderId = order.clientOrderId;
        r.side = order.side == "SELL" ? bn::Side::Sell : bn::Side::Buy;
        r.orderStatus = info.status;
        r.transactTimeMs = info.updateTimeMs;
        if (info.executedQty > known) {
            r.executionType = bn::ExecutionType::Trade;
            r.lastQty = bn::Fixed8::fromUnits(info.executedQty.units() - known.units());
            r.lastPrice = bn::Fixed8::div(info.cumulativeQuoteQty, info.executedQty).value_or(bn::Fixed8{});
            r.lastQuoteQty = bn::Fixed8::mul(r.lastPrice, r.lastQty).value_or(bn::Fixed8{});
            r.cumulativeQty = info.executedQty;
            r.tradeId = -1;  // several trades in one: the runner keys it by the cumulative quantity
        } else if (bn::isFinal(info.status)) {
            r.executionType =
                info.status == bn::OrderStatus::Canceled ? bn::ExecutionType::Canceled : bn::ExecutionType::Expired;
        } else {
            return;  // nothing happened to it meanwhile
        }
        _post([this, userId = bot.userId, r] { _handlers.report(userId, r); });
    });
}

void BinanceVenue::work(Session& s) {
    while (true) {
        std::function<void()> job;
        {
            std::unique_lock lock(s.mutex);
            s.wake.wait(lock, [&] { return s.stopping || !s.jobs.empty(); });
            if (s.stopping) return;
            job = std::move(s.jobs.front());
            s.jobs.pop_front();
        }
        job();
    }
}

void BinanceVenue::send(Session& s, const Bot& bot, const BotOrder& order, std::optional<std::int64_t> lastPrice) {
    bn::OrderRequest req;
    req.symbol = bot.symbol;
    req.side = order.side == "SELL" ? bn::Side::Sell : bn::Side::Buy;
    req.type = order.type == "MARKET" ? bn::OrderType::Market : bn::OrderType::Limit;
    req.clientOrderId = order.clientOrderId;
    if (order.type == "LIMIT") req.price = bn::Fixed8::fromScaled(order.price, bot.priceScale).value_or(bn::Fixed8{});
    if (order.qty > 0) req.quantity = bn::Fixed8::fromScaled(order.qty, bot.qtyScale).value_or(bn::Fixed8{});
    if (order.quoteAmount > 0)
        req.quoteQuantity =
            bn::Fixed8::fromScaled(order.quoteAmount, currencyDecimals(bot.quote)).value_or(bn::Fixed8{});
    if (lastPrice && order.type == "MARKET") req.referencePrice = bn::Fixed8::fromScaled(*lastPrice, bot.priceScale);

    const auto refuse = [&](const std::string& why) {
        _post([this, botId = bot.id, id = order.clientOrderId, why] { _handlers.refused(botId, id, why); });
    };
    for (int attempt = 0; attempt < kAttempts; ++attempt) {
        const auto r = s.client->placeOrder(req);
        if (r) {
            // Executions at once come in the reply; the stream repeats them
            // (or missed them, if it was reconnecting): the runner keeps one of each.
            const bn::OrderInfo& info = r.value();
            for (std::size_t i = 0; i < info.fills.size(); ++i) {
                const bn::Fill& f = info.fills[i];
                bn::ExecutionReport t;
                t.symbol = info.symbol;
                t.clientOrderId = info.clientOrderId;
                t.side = req.side;
                t.executionType = bn::ExecutionType::Trade;
                t.orderStatus = i + 1 == info.fills.size() ? info.status : bn::OrderStatus::PartiallyFilled;
                t.lastQty = f.qty;
                t.lastPrice = f.price;
                t.lastQuoteQty = bn::Fixed8::mul(f.price, f.qty).value_or(bn::Fixed8{});
                t.commission = f.commission;
                t.commissionAsset = f.commissionAsset;
                t.tradeId = f.tradeId;
                t.transactTimeMs = info.transactTimeMs;
                _post([this, userId = s.userId, t] { _handlers.report(userId, t); });
            }
            return;
        }
        const bn::VenueError& e = r.error();
        switch (e.kind) {
            case bn::ErrorKind::RateLimited:
            case bn::ErrorKind::LocalBackoff:
            case bn::ErrorKind::Banned:
            case bn::ErrorKind::Network:
                log::info("binance", "order waits",
                          {{"bot", bot.id}, {"order", order.clientOrderId}, {"reason", e.describe()}});
                if (!s.pause(std::max<std::chrono::milliseconds>(e.retryAfter, std::chrono::seconds(1)))) return;
                continue;
            case bn::ErrorKind::Unknown: {
                // It may have been placed: ask before sending it again.
                const auto q = s.client->queryOrder(bot.symbol, bn::OrderRef::byClientId(order.clientOrderId));
                if (q) return;  // it exists: its reports follow on the stream
                if (!s.pause(std::chrono::seconds(1))) return;
                continue;
            }
            case bn::ErrorKind::Protocol:
                return;  // accepted; the stream reports it
            default:
                refuse("binance: " + e.message);
                return;
        }
    }
    refuse("binance: order " + order.clientOrderId + " could not be sent after " + std::to_string(kAttempts) +
           " attempts");
}

JournalTx BinanceVenue::fillTx(const Bot& bot, const bn::ExecutionReport& report, std::int64_t lotStep, BotFill& fill) {
    const int quoteScale = currencyDecimals(bot.quote);
    const bool buy = report.side == bn::Side::Buy;
    const std::int64_t qty = scaled(report.lastQty, bot.qtyScale);
    bn::Fixed8 quote8 = report.lastQuoteQty;
    if (quote8.isZero()) quote8 = bn::Fixed8::mul(report.lastPrice, report.lastQty, buy).value_or(bn::Fixed8{});
    // What the bot pays rounds up, what it receives rounds down (as on paper).
    const std::int64_t quote = scaled(quote8, quoteScale, buy);
    const std::string& feeAsset = report.commissionAsset;
    const std::int64_t commission =
        scaled(report.commission, currencyDecimals(feeAsset.empty() ? bot.quote : feeAsset), true);

    fill.qty = qty;
    fill.price = scaled(report.lastPrice, bot.priceScale);
    fill.side = buy ? "BUY" : "SELL";
    fill.fee = 0;
    JournalTx tx{"bot_fill:" + fill.id, "bot_fill", bot.userId, bot.id, "binance " + bot.symbol, {}};
    const std::string botQuote = BotStore::account(bot, bot.quote), botBase = BotStore::account(bot, bot.base);
    if (buy) {
        add(tx, botQuote, bot.quote, -quote);
        add(tx, mirrorAccount(bot.quote), bot.quote, quote);
        add(tx, mirrorAccount(bot.base), bot.base, -qty);
        add(tx, botBase, bot.base, qty);
    } else {
        add(tx, botBase, bot.base, -qty);
        add(tx, mirrorAccount(bot.base), bot.base, qty);
        add(tx, mirrorAccount(bot.quote), bot.quote, -quote);
        add(tx, botQuote, bot.quote, quote);
    }
    if (commission > 0) {
        const std::string fees = Ledger::houseAccount("fees-binance", feeAsset);
        if (feeAsset == bot.base) {
            add(tx, botBase, bot.base, -commission);
            add(tx, fees, bot.base, commission);
            std::int64_t lost = commission;
            if (buy) {
                const std::int64_t step = lotStep > 0 ? lotStep : 1;
                fill.qty = (qty - commission) / step * step;
                lost = qty - fill.qty;
            }
            fill.fee = notionalMinor(fill.price, bot.priceScale, lost, bot.qtyScale, quoteScale, true);
        } else if (feeAsset == bot.quote) {
            add(tx, botQuote, bot.quote, -commission);
            add(tx, fees, bot.quote, commission);
            fill.fee = commission;
        } else {
            // Paid from another balance (BNB): outside the bot, mirrored only.
            add(tx, mirrorAccount(feeAsset), feeAsset, -commission);
            add(tx, fees, feeAsset, commission);
        }
    }
    return tx;
}

}  // namespace bourse
