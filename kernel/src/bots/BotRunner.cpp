#include "bots/BotRunner.h"

#include "bots/BinanceVenue.h"
#include "bots/BotStore.h"
#include "bots/StateText.h"
#include "http/HttpError.h"
#include "http/Router.h"
#include "ledger/Currencies.h"
#include "ledger/Ledger.h"
#include "log/Log.h"
#include "market/MarketData.h"
#include "metrics/Metrics.h"
#include "plugins/PluginInstance.h"
#include "plugins/PluginManager.h"
#include "plugins/ProductCallScope.h"
#include "storage/CommitQueue.h"
#include "storage/Database.h"
#include "storage/PreparedSession.h"
#include "util/Clock.h"
#include "util/Ids.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <future>
#include <set>

namespace bourse {

namespace {

const std::string kBalance = "SELECT balance FROM ledger_accounts WHERE id = $1";

/// `d` at `scale` as a mantissa; nullopt when it has finer digits than that.
std::optional<std::int64_t> atScale(const bourse_decimal& d, int scale) {
    try {
        return Decimal(d).rescaled(scale).mantissa;
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

/// `d` as a mantissa at `scale`, rounded down or up; saturates instead of overflowing.
std::int64_t onGrid(const Decimal& d, int scale, bool up) {
    if (d.scale <= scale) {
        std::int64_t out = 0;
        return __builtin_mul_overflow(d.mantissa, Decimal::pow10(scale - d.scale), &out) ? INT64_MAX : out;
    }
    const std::int64_t div = Decimal::pow10(d.scale - scale);
    return d.mantissa / div + (up && d.mantissa % div != 0 ? 1 : 0);
}

bool validClientId(std::string_view id, const std::string& prefix) {
    if (id.size() > 36 || id.size() <= prefix.size() || id.substr(0, prefix.size()) != prefix) return false;
    return std::all_of(id.begin(), id.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    });
}

}  // namespace

/// What one call into a product asked for, applied after it returns.
class CallScope final : public ProductCallScope {
public:
    CallScope(const Bot& bot, std::int64_t nowNs) : _bot(bot), _now(nowNs) {}

    bourse_status placeOrder(std::string_view pluginId, const bourse_order_request& r, std::string& error) override {
        if (!mine(pluginId, r.position_id, error)) return BOURSE_E_INVALID;
        BotOrder o;
        o.botId = _bot.id;
        o.clientOrderId = std::string(r.client_order_id.data, r.client_order_id.len);
        o.symbol = std::string(r.symbol.data, r.symbol.len);
        o.side = r.side == BOURSE_SIDE_SELL ? "SELL" : "BUY";
        o.type = r.type == BOURSE_ORDER_MARKET ? "MARKET" : "LIMIT";
        o.createdNs = o.updatedNs = _now;
        if (!validClientId(o.clientOrderId, _bot.idPrefix))
            return refuse(error, "client_order_id: must start with the bot's id_prefix '" + _bot.idPrefix +
                                     "', at most 36 of [A-Za-z0-9_-]");
        if (o.symbol != _bot.symbol) return refuse(error, "symbol: the bot trades " + _bot.symbol);
        const auto qty = atScale(r.quantity, _bot.qtyScale);
        const auto price = atScale(r.limit_price, _bot.priceScale);
        const auto quote = atScale(r.quote_amount, currencyDecimals(_bot.quote));
        if (!qty || !price || !quote) return refuse(error, "order: finer than the pair's lot step, tick or minor unit");
        o.qty = *qty;
        o.quoteAmount = *quote;
        if (o.type == "LIMIT") {
            o.price = *price;
            if (o.price <= 0 || o.qty <= 0) return refuse(error, "order: a limit order needs a positive price and qty");
            try {
                (void)notionalMinor(o.price, _bot.priceScale, o.qty, _bot.qtyScale, currencyDecimals(_bot.quote), true);
            } catch (const std::overflow_error&) {
                return refuse(error, "order: price × qty is beyond what the venue can book");
            }
            if (o.quoteAmount != 0) return refuse(error, "quote_amount: only for market buys");
        } else if (!((o.qty > 0 && o.quoteAmount == 0) || (o.qty == 0 && o.quoteAmount > 0 && o.side == "BUY"))) {
            return refuse(error, "order: a market order has a qty, or (a buy) a quote_amount");
        }
        placed.push_back(std::move(o));
        return BOURSE_OK;
    }

    bourse_status cancelOrder(std::string_view pluginId, std::string_view positionId, std::string_view clientOrderId,
                              std::string& error) override {
        if (!mine(pluginId, {positionId.data(), positionId.size()}, error)) return BOURSE_E_INVALID;
        cancelled.emplace_back(clientOrderId);
        return BOURSE_OK;
    }

    bourse_status saveState(std::string_view pluginId, std::string_view positionId, std::string_view json,
                            std::string& error) override {
        if (!mine(pluginId, {positionId.data(), positionId.size()}, error)) return BOURSE_E_INVALID;
        if (json.empty() || json.front() != '{') return refuse(error, "state: must be a JSON object");
        state = std::string(json);
        return BOURSE_OK;
    }

    bourse_status sleep(std::string_view pluginId, std::string_view positionId, const bourse_wake& wake,
                        std::string& error) override {
        if (!mine(pluginId, {positionId.data(), positionId.size()}, error)) return BOURSE_E_INVALID;
        // At the symbol's price scale: prices are on that grid, so a price is at
        // or below x exactly when it is at or below x rounded down (above: up).
        WakeIndex::Band b;
        if (wake.at_or_below.mantissa > 0) b.atOrBelow = onGrid(Decimal(wake.at_or_below), _bot.priceScale, false);
        if (wake.at_or_above.mantissa > 0) b.atOrAbove = onGrid(Decimal(wake.at_or_above), _bot.priceScale, true);
        if (b.atOrBelow && *b.atOrBelow <= 0) b.atOrBelow.reset();  // no price is that low
        if (wake.at_ns > 0) b.atNs = wake.at_ns;
        band = b;
        return BOURSE_OK;
    }

    [[nodiscard]] bool empty() const { return placed.empty() && cancelled.empty() && !state; }

    std::vector<BotOrder> placed;
    std::vector<std::string> cancelled;
    std::optional<std::string> state;
    std::optional<WakeIndex::Band> band;  ///< not part of empty(): nothing to store

private:
    bool mine(std::string_view pluginId, bourse_str position, std::string& error) const {
        if (pluginId != _bot.product || std::string_view(position.data, position.len) != _bot.id) {
            error = "position: only the bot being called (" + _bot.id + ") may be acted on";
            return false;
        }
        return true;
    }
    static bourse_status refuse(std::string& error, std::string why) {
        error = std::move(why);
        return BOURSE_E_INVALID;
    }

    const Bot& _bot;
    const std::int64_t _now;
};

BotRunner::BotRunner(Database& db, CommitQueue& commits, MarketData& market, PluginManager& plugins, const Clock& clock,
                     Metrics& metrics, PaperTerms terms)
    : _db(db),
      _commits(commits),
      _market(market),
      _plugins(plugins),
      _clock(clock),
      _venue(terms),
      _tickToFill(metrics.histogram("bourse_bot_tick_to_fill_seconds",
                                    "From a price's timestamp to the commit of the bot fills it caused")),
      _sleeping(metrics.gauge("bourse_bots_sleeping", "Live bots that need no tick until a price leaves their band")) {}

BotRunner::~BotRunner() {
    stop();
}

void BotRunner::start() {
    for (auto& bot : BotStore::live(_db))
        adopt(std::move(bot));
    // Fills stored but not delivered before the stop.
    for (auto& fill : BotStore::undelivered(_db))
        if (_live.count(fill.botId)) {
            _undelivered.push_back(fill.botId);
            _pendingFills[fill.botId].push_back(std::move(fill));
        }
    std::set<std::string> liveUsers;
    for (const auto& order : BotStore::openOrders(_db)) {
        const auto it = _live.find(order.botId);
        if (it == _live.end()) continue;
        if (it->second.venue == "binance") {
            _liveOrders[order.clientOrderId] = order;
            liveUsers.insert(it->second.userId);
        } else {
            _venue.add(order);
        }
    }
    // Their reports start flowing again (what happened meanwhile is not replayed:
    // see kernel/venues/binance/README.md, "after a restart or a stream gap").
    if (_binance) {
        for (const auto& user : liveUsers)
            _binance->follow(user);
        for (const auto& [id, order] : _liveOrders)
            _binance->reconcile(_live.at(order.botId), order);
    }
    _liveCount = _live.size();
    if (!_live.empty())
        log::info("bots", "resumed live bots",
                  {{"bots", std::to_string(_live.size())}, {"open_orders", std::to_string(_venue.size())}});
    _thread = std::thread([this] { work(); });
}

void BotRunner::stop() {
    {
        std::lock_guard lock(_mutex);
        if (_stopping) return;
        _stopping = true;
    }
    _wake.notify_all();
    if (_thread.joinable()) _thread.join();
}

void BotRunner::onPrice(const PriceTick& tick) {
    {
        std::lock_guard lock(_mutex);
        if (_stopping) return;
        auto [it, fresh] = _prices.insert_or_assign(tick.symbol, tick);
        (void)it;
        if (!fresh) ++_skipped;
    }
    _wake.notify_one();
}

void BotRunner::call(const std::function<void()>& fn) {
    if (_thread.get_id() == std::this_thread::get_id()) return fn();
    auto done = std::make_shared<std::promise<void>>();
    auto result = done->get_future();
    {
        std::lock_guard lock(_mutex);
        if (_stopping) throw HttpError(503, "Service Unavailable", "bots: the kernel is stopping");
        _calls.push_back([&fn, done] {
            try {
                fn();
                done->set_value();
            } catch (...) {
                done->set_exception(std::current_exception());
            }
        });
    }
    _wake.notify_one();
    result.get();
}

void BotRunner::post(std::function<void()> fn) {
    {
        std::lock_guard lock(_mutex);
        if (_stopping) return;
        _calls.push_back([fn = std::move(fn)] {
            try {
                fn();
            } catch (const std::exception& e) {
                log::error("bots", "a venue report could not be applied", {{"error", e.what()}});
            }
        });
    }
    _wake.notify_one();
}

std::size_t BotRunner::liveCount() const {
    std::lock_guard lock(_mutex);
    return _liveCount;
}

std::size_t BotRunner::sleepingCount() const {
    return static_cast<std::size_t>(_sleeping.value());
}

void BotRunner::work() {
    while (true) {
        std::deque<std::function<void()>> calls;
        std::map<std::string, PriceTick> prices;
        {
            std::unique_lock lock(_mutex);
            _wake.wait(lock, [&] { return _stopping || !_calls.empty() || !_prices.empty(); });
            if (_stopping) {
                for (auto& c : _calls)
                    c();  // each answers 503 or finishes; nobody waits forever
                _calls.clear();
                return;
            }
            calls.swap(_calls);
            prices.swap(_prices);
        }
        for (auto& c : calls)
            c();
        if (!_undelivered.empty()) {
            for (const auto& id : _undelivered)
                if (_live.count(id)) _needDelivery.insert(id);
            _undelivered.clear();
            drainDeliveries();
        }
        if (!prices.empty()) {
            try {
                process(prices);
            } catch (const std::exception& e) {
                log::error("bots", "a price round failed", {{"error", e.what()}});
            }
        }
        _sleeping.set(static_cast<std::int64_t>(_wakes.sleeping()));
        std::lock_guard lock(_mutex);
        _liveCount = _live.size();
        _processed += prices.size();
    }
}

std::uint64_t BotRunner::pricesProcessed() const {
    std::lock_guard lock(_mutex);
    return _processed;
}

std::uint64_t BotRunner::pricesSkipped() const {
    std::lock_guard lock(_mutex);
    return _skipped;
}

/// What the product calls of one round did, committed in one transaction.
struct BotRunner::Round {
    std::vector<BotOrder> placed;
    std::vector<BotOrder> ended;                // resting orders cancelled: their end is a fill to deliver
    std::map<std::string, std::string> states;  // bot → the state it saved last
    std::vector<std::string> delivered;         // fill ids
    std::map<std::string, std::pair<std::string, std::string>> statuses;  // bot → (status, error)
    std::set<std::string> touched;
    std::vector<std::pair<std::string, std::string>> liveCancels;  // (bot, client order id), sent after the commit
    std::map<std::string, WakeIndex::Band> sleeps;                 // bot → the band its last call asked for
};

void BotRunner::applySleeps(const Round& round) {
    for (const auto& [botId, band] : round.sleeps)
        if (const auto it = _live.find(botId); it != _live.end() && it->second.trading()) _wakes.sleep(botId, band);
}

void BotRunner::wakeReloadedProducts() {
    // A reloaded product decides anew: whatever its old instance said about
    // ticks no longer holds. The weak pointers keep the old control blocks, so
    // a new instance can never look like the old one.
    for (const std::string& product : _wakes.products()) {
        const std::shared_ptr<PluginInstance> now = _plugins.instance(product);
        std::weak_ptr<PluginInstance>& seen = _productInstances[product];
        if (!seen.owner_before(now) && !now.owner_before(seen)) continue;  // the same instance
        _wakes.wakeProduct(product);
        seen = now;
    }
}

void BotRunner::process(const std::map<std::string, PriceTick>& prices) {
    // Every symbol's new price at once: one transaction for the executions they
    // cause, one per delivery round, one for the decisions — however many bots.
    std::vector<Crossing> crossings;
    for (const auto& [symbol, tick] : prices) {
        if (!_wakes.hasBots(symbol)) continue;
        _lastPrice[symbol] = tick.price.mantissa;
        Crossing c{tick.price.mantissa, tick.tsNs, {}};
        for (auto& order : _venue.crossed(symbol, tick.price.mantissa))
            c.byBot[order.botId].push_back(std::move(order));
        if (!c.byBot.empty()) crossings.push_back(std::move(c));
    }
    executeRound(crossings);
    drainDeliveries();
    wakeReloadedProducts();
    Round round;
    for (const auto& [symbol, tick] : prices) {
        const bourse_tick cTick{
            sizeof(bourse_tick), {tick.symbol.data(), tick.symbol.size()}, tick.price.toC(), tick.tsNs};
        // Only the bots awake or woken by this price: the others said it cannot matter to them.
        for (const auto& id : _wakes.due(symbol, tick.price.mantissa, tick.tsNs)) {
            const auto it = _live.find(id);
            if (it == _live.end() || !it->second.trading()) continue;
            callProduct(
                id, [&](PluginInstance& p, const bourse_position& pos) { p.onTick(pos, cTick); }, round);
        }
    }
    commitRound(round);
    drainDeliveries();
}

/// What the executions of a transaction leave to do once it is committed.
struct BotRunner::Executed {
    std::map<std::string, std::string> rejections;         // bot → why its first refused order was refused
    std::vector<std::pair<BotFill, std::int64_t>> stored;  // with the timestamp of the price that caused it
};

void BotRunner::executeRound(const std::vector<Crossing>& crossings) {
    if (crossings.empty()) return;
    Executed done;
    try {
        _commits.run([&](PreparedSession& w) { executeIn(w, crossings, done); });
        afterExecution(crossings, done);
        return;
    } catch (const std::exception& e) {
        log::warn("bots", "a round of executions failed; executing bot by bot", {{"error", e.what()}});
    }
    // One bot's order that cannot be executed (an amount out of range) must not
    // hold up every other bot's: each bot on its own. A bot whose executions
    // cannot be stored stops trading; its orders stay open in the database and
    // off the book, so they are not tried again round after round.
    for (const Crossing& crossing : crossings)
        for (const auto& [botId, orders] : crossing.byBot) {
            const std::vector<Crossing> one{Crossing{crossing.price, crossing.priceTsNs, {{botId, orders}}}};
            Executed mine;
            try {
                _commits.run([&](PreparedSession& w) { executeIn(w, one, mine); });
            } catch (const std::exception& e) {
                log::error("bots", "a bot's executions could not be stored", {{"bot", botId}, {"error", e.what()}});
                if (const auto it = _live.find(botId); it != _live.end()) try {
                        setStatus(it->second, "error", std::string("execution failed: ") + e.what());
                    } catch (const std::exception&) {
                        it->second.status = "error";  // the database is down: stop it here at least
                    }
                continue;
            }
            afterExecution(one, mine);
        }
}

std::vector<BotRunner::Crossing> BotRunner::crossArrived() {
    std::vector<std::pair<std::string, PriceTick>> arrived;
    {
        std::lock_guard lock(_mutex);
        for (const auto& [symbol, tick] : _prices)
            if (_wakes.hasBots(symbol)) arrived.emplace_back(symbol, tick);
    }
    std::vector<Crossing> out;
    for (const auto& [symbol, tick] : arrived) {
        _lastPrice[symbol] = tick.price.mantissa;
        Crossing c{tick.price.mantissa, tick.tsNs, {}};
        for (auto& order : _venue.crossed(symbol, tick.price.mantissa))
            c.byBot[order.botId].push_back(std::move(order));
        if (!c.byBot.empty()) out.push_back(std::move(c));
    }
    return out;
}

void BotRunner::restore(const std::vector<Crossing>& crossings) {
    for (const Crossing& c : crossings)
        for (const auto& [botId, orders] : c.byBot)
            for (const auto& o : orders)
                _venue.add(o);
}

void BotRunner::executeIn(PreparedSession& w, const std::vector<Crossing>& crossings, Executed& done) {
    const std::int64_t now = _clock.nowNs();
    auto& [rejections, stored] = done;
    rejections.clear();  // the op may run twice (CommitQueue): assigned, not appended
    stored.clear();
    for (const Crossing& crossing : crossings)
        for (const auto& [botId, orders] : crossing.byBot) {
            const std::int64_t price = crossing.price;
            const auto it = _live.find(botId);
            if (it == _live.end()) continue;
            const Bot& bot = it->second;
            for (auto order : orders) {
                const Execution e = _venue.execute(bot, order, price);
                BotFill fill{newId("f"), bot.id, order.clientOrderId, order.side, 0, 0, 0, true, false, now};
                order.updatedNs = now;
                std::string why;
                if (e.qty == 0) {
                    why = "order " + order.clientOrderId + ": the amount buys less than one lot at " +
                          Decimal(price, bot.priceScale).toString();
                } else if (Ledger::apply(w, PaperVenue::fillTx(bot, order, e, fill.id), now) ==
                           Ledger::Result::Insufficient) {
                    why = "order " + order.clientOrderId + ": insufficient " +
                          (order.side == "BUY" ? bot.quote : bot.base) + " balance in the bot";
                }
                if (why.empty()) {
                    fill.qty = e.qty;
                    fill.price = e.price;
                    fill.fee = e.fee;
                    order.filledQty += e.qty;
                    order.status = "filled";
                } else {
                    order.status = "rejected";
                    order.reason = why;
                    rejections.emplace(bot.id, why);
                }
                BotStore::updateOrder(w, order);
                BotStore::insertFill(w, fill);
                stored.emplace_back(fill, crossing.priceTsNs);
            }
            if (const auto r = rejections.find(bot.id); r != rejections.end())
                BotStore::setStatus(w, bot.id, "error", r->second, now);
            // One equity point per execution round, valued at this price, from the
            // balances as this transaction leaves them.
            BotHoldings h;
            h.quote = w.first<Poco::Int64>(kBalance, BotStore::account(bot, bot.quote)).value_or(0);
            h.base = w.first<Poco::Int64>(kBalance, BotStore::account(bot, bot.base)).value_or(0);
            BotStore::recordEquity(w, bot.id, now, equityMinor(bot, h, price));
        }
}

void BotRunner::afterExecution(const std::vector<Crossing>& crossings, const Executed& done) {
    const auto& [rejections, stored] = done;
    const std::int64_t committed = _clock.nowNs();
    for (const Crossing& crossing : crossings)
        _tickToFill.observe(static_cast<double>(committed - crossing.priceTsNs) / 1e9);
    for (const auto& [fill, priceTsNs] : stored) {
        if (_fillLatency) _fillLatency(committed - priceTsNs);
        const auto it = _live.find(fill.botId);
        if (it == _live.end()) continue;
        publishFill(it->second, fill);
        queueDelivery(fill);
    }
    for (const auto& [botId, why] : rejections) {
        Bot& bot = _live.at(botId);
        bot.status = "error";
        bot.error = why;
        log::warn("bots", "paper venue refused an order", {{"bot", bot.id}, {"reason", why}});
    }
}

void BotRunner::drainDeliveries() {
    // A delivery may cancel orders, whose ends are fills to deliver in turn; a
    // product that keeps answering with cancels is cut off after a while.
    for (int round = 0; round < 16 && !_needDelivery.empty(); ++round) {
        const std::set<std::string> bots = std::move(_needDelivery);
        _needDelivery.clear();
        Round r;
        for (const auto& botId : bots) {
            const auto queue = _pendingFills.find(botId);
            if (queue == _pendingFills.end()) continue;
            for (const auto& f : queue->second) {
                const auto it = _live.find(botId);
                if (it == _live.end()) break;
                const Bot& bot = it->second;
                const bourse_fill c{sizeof(bourse_fill),
                                    {bot.id.data(), bot.id.size()},
                                    {f.clientOrderId.data(), f.clientOrderId.size()},
                                    {f.id.data(), f.id.size()},
                                    {bot.symbol.data(), bot.symbol.size()},
                                    f.side == "SELL" ? BOURSE_SIDE_SELL : BOURSE_SIDE_BUY,
                                    Decimal(f.qty, bot.qtyScale).toC(),
                                    Decimal(f.price, bot.priceScale).toC(),
                                    Money{f.fee, bot.quote}.toC(),
                                    f.tsNs,
                                    f.orderDone ? 1 : 0};
                if (!callProduct(
                        botId, [&](PluginInstance& p, const bourse_position& pos) { p.onFill(pos, c); }, r, f.id)) {
                    _undelivered.push_back(botId);  // the product is away (reloading): later
                    break;
                }
            }
        }
        if (!commitRound(r)) continue;  // the bots' queues were reloaded from the database
        const std::set<std::string> delivered(r.delivered.begin(), r.delivered.end());
        for (const auto& botId : bots) {
            const auto queue = _pendingFills.find(botId);
            if (queue == _pendingFills.end()) continue;
            while (!queue->second.empty() && delivered.count(queue->second.front().id))
                queue->second.pop_front();
            if (queue->second.empty()) _pendingFills.erase(queue);
        }
    }
    if (!_needDelivery.empty()) {
        log::warn("bots", "fills keep coming from cancels; delivery continues on the next round");
        for (const auto& id : _needDelivery)
            _undelivered.push_back(id);
        _needDelivery.clear();
    }
}

bool BotRunner::callProduct(const std::string& botId,
                            const std::function<void(PluginInstance&, const bourse_position&)>& fn, Round& round,
                            const std::string& deliveredFill, const std::string& newStatus) {
    auto it = _live.find(botId);
    if (it == _live.end()) return false;
    Bot& bot = it->second;
    const auto instance = _plugins.instance(bot.product);
    if (!instance) return false;
    _wakes.wake(botId);  // every call starts it awake; only a committed call puts it to sleep
    CallScope scope(bot, _clock.nowNs());
    try {
        ProductCallScope::Enter enter(scope);
        const std::string state = stateText::plain(bot.stateJson);  // borrowed by pos
        const bourse_position pos = cPosition(bot, state);
        fn(*instance, pos);
    } catch (const PluginError& e) {
        if (e.status() == BOURSE_E_UNAVAILABLE) return false;
        // The product failed on this bot: it trades no more until the owner stops it.
        log::error("bots", "the product failed on a bot", {{"bot", bot.id}, {"error", e.what()}});
        const std::string why = std::string("product error: ") + e.what();
        round.sleeps.erase(bot.id);  // an earlier call's band in this round no longer holds
        round.statuses[bot.id] = {"error", why};
        if (!deliveredFill.empty()) round.delivered.push_back(deliveredFill);
        round.touched.insert(bot.id);
        bot.status = "error";
        bot.error = why;
        return true;
    }
    // The band of the bot's last call in the round: a later call without one leaves it awake.
    if (scope.band)
        round.sleeps[bot.id] = *scope.band;
    else
        round.sleeps.erase(bot.id);
    if (scope.empty() && deliveredFill.empty() && newStatus.empty()) return true;
    // Deflated before anything changes: nothing below may fail halfway.
    std::optional<std::string> compacted;
    if (scope.state) compacted = stateText::compact(*scope.state);
    round.touched.insert(bot.id);
    // Cancels of orders still resting end them now; the end is a fill to deliver.
    for (const auto& id : scope.cancelled)
        if (bot.venue == "binance") {
            if (_liveOrders.count(id)) round.liveCancels.emplace_back(bot.id, id);
        } else if (_venue.remove(bot.id, id)) {
            BotOrder o;
            o.botId = bot.id;
            o.clientOrderId = id;
            round.ended.push_back(o);
        }
    for (auto& o : scope.placed)
        round.placed.push_back(std::move(o));
    if (scope.state) {
        bot.stateJson = std::move(*compacted);
        bot.stateVersion = ++_stateVersions;
        round.states[bot.id] = *scope.state;
    }
    if (!deliveredFill.empty()) round.delivered.push_back(deliveredFill);
    if (!newStatus.empty()) {
        round.statuses[bot.id] = {newStatus, ""};
        bot.status = newStatus;
        bot.error.clear();
    }
    return true;
}

void BotRunner::queueDelivery(const BotFill& fill) {
    _pendingFills[fill.botId].push_back(fill);
    _needDelivery.insert(fill.botId);
}

bool BotRunner::commitRound(Round& round) {
    if (round.touched.empty()) {
        applySleeps(round);
        return true;
    }
    const std::int64_t now = _clock.nowNs();
    std::vector<BotOrder> fresh;
    std::vector<BotFill> ends;  // a cancelled resting order ends with an empty fill
    for (const auto& o : round.ended)
        ends.push_back(BotFill{newId("f"), o.botId, o.clientOrderId, "", 0, 0, 0, true, false, now});
    // Prices that arrived while the products decided execute in this same
    // commit: waiting for the next round would add a round's time to their latency.
    const std::vector<Crossing> arrived = crossArrived();
    Executed executed;
    try {
        _commits.run([&](PreparedSession& w) {
            fresh.clear();
            for (const auto& o : round.placed)
                if (BotStore::insertOrder(w, o)) fresh.push_back(o);
            for (const auto& o : round.ended)
                w.defer(
                    "UPDATE bot_orders SET status = 'cancelled', updated_ns = $1 WHERE bot_id = $2 AND "
                    "client_order_id = $3 AND status = 'open'",
                    Poco::Int64{now}, o.botId, o.clientOrderId);
            for (const auto& f : ends)
                BotStore::insertFill(w, f);
            for (const auto& [botId, state] : round.states)
                BotStore::saveState(w, botId, state, now);
            for (const auto& id : round.delivered)
                BotStore::markDelivered(w, id);
            for (const auto& [botId, status] : round.statuses)
                BotStore::setStatus(w, botId, status.first, status.second, now);
            executeIn(w, arrived, executed);  // last: a refused execution's error status wins
        });
    } catch (const std::exception& e) {
        // Nothing of the round happened: the bots go back to what is stored.
        log::error("bots", "a round of bot decisions could not be stored", {{"error", e.what()}});
        // The prices' orders back on the book first: a resync then replaces a
        // touched bot's orders with what the database holds, without doubles.
        restore(arrived);
        for (const auto& id : round.touched)
            resync(id);
        return false;
    }
    for (const auto& id : round.touched)
        if (const auto it = _live.find(id); it != _live.end()) it->second.updatedNs = now;
    applySleeps(round);
    afterExecution(arrived, executed);
    for (const auto& f : ends)
        queueDelivery(f);
    // Limit orders rest on the book; market orders execute at once at the last price.
    std::map<std::string, Crossing> market;  // symbol → the market orders placed
    for (const auto& [botId, id] : round.liveCancels)
        if (const auto it = _live.find(botId); it != _live.end() && _binance) _binance->cancel(it->second, id);
    for (const auto& o : fresh) {
        if (const auto it = _live.find(o.botId); it != _live.end() && it->second.venue == "binance") {
            sendLive(it->second, o);
            continue;
        }
        if (o.type == "MARKET")
            market[o.symbol].byBot[o.botId].push_back(o);
        else
            _venue.add(o);
    }
    std::vector<Crossing> atMarket;
    for (auto& [symbol, crossing] : market) {
        const auto t = _market.lastTick(symbol);
        if (!t) {
            for (const auto& [botId, orders] : crossing.byBot)
                for (const auto& o : orders)
                    _venue.add(o);  // no price yet: the first one executes them
            continue;
        }
        crossing.price = t->price.mantissa;
        crossing.priceTsNs = _clock.nowNs();  // placed now: latency counts from here
        atMarket.push_back(std::move(crossing));
    }
    executeRound(atMarket);
    for (const auto& id : round.touched)
        review(id);
    for (const auto& id : round.touched)
        if (const auto it = _live.find(id); it != _live.end()) publish(it->second);
    return true;
}

void BotRunner::resync(const std::string& botId) {
    _venue.removeBot(botId);
    const auto stored = BotStore::find(_db, botId);
    if (!stored || !stored->live()) {
        forget(botId);
        return;
    }
    auto fills = BotStore::undelivered(_db, botId);
    _pendingFills[botId] = std::deque<BotFill>(fills.begin(), fills.end());
    adopt(*stored);
    if (stored->venue == "binance") return;  // its orders are on the exchange, unchanged
    for (const auto& order : BotStore::openOrders(_db))
        if (order.botId == botId) _venue.add(order);
}

void BotRunner::sendLive(const Bot& bot, const BotOrder& order) {
    _liveOrders[order.clientOrderId] = order;
    if (!_binance) {
        // Refused outside this round (it is being committed).
        post([this, botId = bot.id, id = order.clientOrderId] {
            onLiveRefusal(botId, id, "venue: live trading on Binance is not configured on this server");
        });
        return;
    }
    std::optional<std::int64_t> last;
    if (const auto p = _lastPrice.find(bot.symbol); p != _lastPrice.end()) last = p->second;
    _binance->place(bot, order, last);
}

void BotRunner::onLiveResumed(const std::string& userId) {
    if (!_binance) return;
    for (const auto& [id, order] : _liveOrders)
        if (const auto it = _live.find(order.botId); it != _live.end() && it->second.userId == userId)
            _binance->reconcile(it->second, order);
}

void BotRunner::onLiveRefusal(const std::string& botId, const std::string& clientOrderId, const std::string& why) {
    log::warn("bots", "the exchange refused an order", {{"bot", botId}, {"order", clientOrderId}, {"reason", why}});
    endLiveOrder(clientOrderId, "rejected", why);
    const auto it = _live.find(botId);
    if (it == _live.end()) return;
    if (it->second.status != "error" && it->second.status != "stopping") setStatus(it->second, "error", why);
}

void BotRunner::endLiveOrder(const std::string& clientOrderId, const std::string& status, const std::string& reason) {
    const auto it = _liveOrders.find(clientOrderId);
    if (it == _liveOrders.end()) return;  // ended already (the reply and the stream both say so)
    BotOrder order = it->second;
    _liveOrders.erase(it);
    const std::int64_t now = _clock.nowNs();
    order.status = status;
    order.reason = reason;
    order.updatedNs = now;
    const BotFill end{newId("f"), order.botId, order.clientOrderId, "", 0, 0, 0, true, false, now};
    _commits.run([&](PreparedSession& w) {
        BotStore::updateOrder(w, order);
        BotStore::insertFill(w, end);
    });
    if (!_live.count(order.botId)) return;
    queueDelivery(end);
    drainDeliveries();
}

void BotRunner::onLiveReport(const venues::binance::ExecutionReport& r) {
    namespace bn = venues::binance;
    const std::string id = r.orderClientId();
    const auto o = _liveOrders.find(id);
    if (o == _liveOrders.end()) return;  // not a bot's, or ended already
    const auto b = _live.find(o->second.botId);
    if (b == _live.end()) return;
    const Bot& bot = b->second;
    if (!r.isTrade()) {
        if (r.executionType == bn::ExecutionType::Rejected)
            onLiveRefusal(bot.id, id, "binance: " + r.rejectReason);
        else if (bn::isFinal(r.orderStatus))
            endLiveOrder(id, "cancelled", r.executionType == bn::ExecutionType::Expired ? "expired" : "");
        return;
    }
    const std::int64_t now = _clock.nowNs();
    BotFill fill;
    // The exchange's trade id: the same execution reported twice is stored once.
    fill.id = "binance:" + r.symbol + ":" +
              (r.tradeId >= 0 ? std::to_string(r.tradeId)
                              : id + ":to:" + std::to_string(r.cumulativeQty.units()));  // a reconciled sum
    fill.botId = bot.id;
    fill.clientOrderId = id;
    fill.orderDone = bn::isFinal(r.orderStatus);
    fill.tsNs = r.transactTimeMs > 0 ? r.transactTimeMs * 1'000'000 : now;
    std::int64_t lotStep = 1;
    try {
        // The accepted terms keep the pair the platform gave the product under "params".
        if (const auto params = objectMember(bot.paramsJson, "params"); params && params->isObject("pair"))
            lotStep = Decimal::parse(params->getObject("pair")->optValue<std::string>("lot_step", "0"))
                          .rescaled(bot.qtyScale)
                          .mantissa;
    } catch (const std::exception&) {
        lotStep = 1;  // the smallest unit: nothing is held back
    }
    const JournalTx tx = BinanceVenue::fillTx(bot, r, lotStep, fill);
    BotOrder order = o->second;
    order.filledQty += r.lastQty.toScaled(bot.qtyScale).value_or(0);
    order.status = fill.orderDone ? "filled" : "open";
    order.updatedNs = now;
    bool fresh = false;
    _commits.run([&](PreparedSession& w) {
        fresh = Ledger::apply(w, tx, now) == Ledger::Result::Applied;
        if (!fresh) return;
        BotStore::insertFill(w, fill);
        BotStore::updateOrder(w, order);
        BotHoldings h;
        h.quote = w.first<Poco::Int64>(kBalance, BotStore::account(bot, bot.quote)).value_or(0);
        h.base = w.first<Poco::Int64>(kBalance, BotStore::account(bot, bot.base)).value_or(0);
        BotStore::recordEquity(w, bot.id, now, equityMinor(bot, h, fill.price));
    });
    if (!fresh) return;
    if (fill.orderDone)
        _liveOrders.erase(id);
    else
        o->second = order;
    _tickToFill.observe(static_cast<double>(now - fill.tsNs) / 1e9);
    publishFill(bot, fill);
    queueDelivery(fill);
    drainDeliveries();
}

std::string BotRunner::releaseAccount(const Bot& bot, const std::string& currency) {
    return bot.venue == "binance" ? BinanceVenue::mirrorAccount(currency)
                                  : Ledger::userAccount(bot.userId, "available", currency);
}

void BotRunner::review(const std::string& botId) {
    auto it = _live.find(botId);
    if (it == _live.end()) return;
    Bot& bot = it->second;
    const auto summary = objectMember(stateText::plain(bot.stateJson), "summary");
    if (!summary) return;
    const std::string error = summary->optValue<std::string>("error", "");
    if (!error.empty() && bot.status != "error" && bot.status != "stopping") setStatus(bot, "error", error);
    // Finished: stopped by its owner, or by itself (a grid's stop loss or take profit).
    if (summary->optValue<bool>("finished", false)) finish(bot);
}

void BotRunner::finish(Bot& bot) {
    const auto instance = _plugins.instance(bot.product);
    if (instance) {
        try {
            const std::string state = stateText::plain(bot.stateJson);  // borrowed by pos
            const bourse_position pos = cPosition(bot, state);
            (void)instance->settle(pos, nullptr);
        } catch (const PluginError& e) {
            log::warn("bots", "settle failed on a finished bot", {{"bot", bot.id}, {"error", e.what()}});
        }
    }
    _venue.removeBot(bot.id);
    // Whatever the product left open on the exchange is cancelled there too.
    for (auto it = _liveOrders.begin(); it != _liveOrders.end();) {
        if (it->second.botId != bot.id) {
            ++it;
            continue;
        }
        if (_binance) _binance->cancel(bot, it->first);
        it = _liveOrders.erase(it);
    }
    const std::int64_t now = _clock.nowNs();
    _commits.run([&](PreparedSession& w) {
        w.exec("UPDATE bot_orders SET status = 'cancelled', updated_ns = $1 WHERE bot_id = $2 AND status = 'open'",
               Poco::Int64{now}, bot.id);
        // Everything left goes back to the owner, read inside this transaction.
        JournalTx tx{"bot_release:" + bot.id, "bot_release", bot.userId, bot.id, bot.product + " " + bot.symbol, {}};
        for (const auto& currency : {bot.quote, bot.base}) {
            const auto left = w.first<Poco::Int64>(kBalance, BotStore::account(bot, currency));
            if (!left || *left == 0) continue;
            tx.postings.push_back({BotStore::account(bot, currency), currency, -*left});
            tx.postings.push_back({releaseAccount(bot, currency), currency, *left});
        }
        if (!tx.postings.empty()) Ledger::apply(w, tx, now);
        BotStore::setStatus(w, bot.id, "stopped", bot.status == "error" ? bot.error : "", now);
    });
    bot.status = "stopped";
    bot.updatedNs = now;
    publish(bot);
    forget(bot.id);
}

void BotRunner::setStatus(Bot& bot, const std::string& status, const std::string& error) {
    const std::int64_t now = _clock.nowNs();
    _commits.run([&](PreparedSession& w) { BotStore::setStatus(w, bot.id, status, error, now); });
    bot.status = status;
    bot.error = error;
    bot.updatedNs = now;
    publish(bot);
}

void BotRunner::publishFill(const Bot& bot, const BotFill& fill) {
    if (!_events) return;
    _events(bot.userId, [&] {
        Poco::JSON::Object::Ptr event = new Poco::JSON::Object;
        event->set("type", "bot.fill");
        event->set("bot_id", fill.botId);
        event->set("fill", fillJson(bot, fill));
        return toJson(*event);
    });
}

void BotRunner::publish(const Bot& bot) {
    if (!_events) return;
    std::optional<std::int64_t> price;
    if (const auto p = _lastPrice.find(bot.symbol); p != _lastPrice.end()) price = p->second;
    _events(bot.userId, [&] {
        Poco::JSON::Object::Ptr event = new Poco::JSON::Object;
        event->set("type", "bot.updated");
        event->set("bot", botJson(bot, holdings(bot), price));
        return toJson(*event);
    });
}

void BotRunner::adopt(Bot bot) {
    // What the product needs to rebuild a bot is its accepted params; the
    // preview and worst case stay in the database for the API (a few KiB per bot
    // that every call would otherwise copy).
    try {
        Poco::JSON::Parser parser;
        Poco::JSON::Object::Ptr terms = parser.parse(bot.paramsJson).extract<Poco::JSON::Object::Ptr>();
        terms->remove("preview");
        terms->remove("worst_case");
        bot.paramsJson = toJson(*terms);
    } catch (const Poco::Exception&) {
        // Not an object: handed over as it is, the product will say what is wrong.
    }
    bot.stateJson = stateText::compact(bot.stateJson);
    bot.stateVersion = ++_stateVersions;
    const std::string id = bot.id;
    _wakes.add(id, bot.symbol, bot.product);
    _live[id] = std::move(bot);
}

void BotRunner::forget(const std::string& botId) {
    _pendingFills.erase(botId);
    _wakes.remove(botId);
    _live.erase(botId);
}

BotHoldings BotRunner::holdings(const Bot& bot) const {
    return {BotStore::balance(_db, bot, bot.quote), BotStore::balance(_db, bot, bot.base)};
}

Bot& BotRunner::liveBot(const std::string& botId) {
    const auto it = _live.find(botId);
    if (it == _live.end()) throw HttpError(409, "Conflict", "status: the bot is not running");
    return it->second;
}

Bot BotRunner::loadOwned(const std::string& botId) const {
    if (const auto it = _live.find(botId); it != _live.end()) {
        Bot copy = it->second;
        copy.stateJson = stateText::plain(copy.stateJson);
        return copy;
    }
    const auto bot = BotStore::find(_db, botId);
    if (!bot) throw HttpError::notFound("bot not found");
    return *bot;
}

Bot BotRunner::startBot(const std::string& botId) {
    Bot bot = loadOwned(botId);
    if (bot.status != "created")
        throw HttpError(409, "Conflict", "status: only a created bot can be started (it is " + bot.status + ")",
                        "status");
    adopt(bot);
    if (bot.venue == "binance" && _binance) _binance->follow(bot.userId);
    setStatus(_live[bot.id], "running", "");
    // The first decision now, at the price in force, not at the next tick.
    if (const auto t = _market.lastTick(bot.symbol)) {
        _lastPrice[bot.symbol] = t->price.mantissa;
        const bourse_tick c{sizeof(bourse_tick), {t->symbol.data(), t->symbol.size()}, t->price.toC(), t->tsNs};
        Round round;
        callProduct(
            bot.id, [&](PluginInstance& p, const bourse_position& pos) { p.onTick(pos, c); }, round);
        commitRound(round);
        drainDeliveries();
    }
    return loadOwned(botId);
}

void BotRunner::control(const std::string& botId, const std::string& request, const std::string& newStatus) {
    const std::string product = liveBot(botId).product;
    Round round;
    if (!callProduct(
            botId, [&](PluginInstance& p, const bourse_position& pos) { p.control(pos, request); }, round, "",
            newStatus))
        throw HttpError(503, "Service Unavailable", "product '" + product + "' is not available right now");
    commitRound(round);
    // Cancels (and a closing sale) report back before the bot can finish.
    drainDeliveries();
    if (_live.count(botId)) review(botId);
}

Bot BotRunner::pauseBot(const std::string& botId) {
    if (const Bot& bot = liveBot(botId); bot.status != "running")
        throw HttpError(409, "Conflict", "status: only a running bot can be paused (it is " + bot.status + ")",
                        "status");
    control(botId, R"({"action":"pause","close":false})", "paused");
    return loadOwned(botId);
}

Bot BotRunner::resumeBot(const std::string& botId) {
    if (const Bot& bot = liveBot(botId); bot.status != "paused")
        throw HttpError(409, "Conflict", "status: only a paused bot can be resumed (it is " + bot.status + ")",
                        "status");
    control(botId, R"({"action":"resume","close":false})", "running");
    return loadOwned(botId);
}

Bot BotRunner::stopBot(const std::string& botId, bool close) {
    Bot current = loadOwned(botId);
    if (current.status == "created") {
        // Never traded: its capital goes straight back.
        adopt(current);
        _live[botId].status = "stopping";
        finish(_live[botId]);
        return loadOwned(botId);
    }
    if (current.status == "stopped" || current.status == "deleted")
        throw HttpError(409, "Conflict", "status: the bot is already " + current.status, "status");
    control(botId, std::string(R"({"action":"stop","close":)") + (close ? "true" : "false") + "}", "stopping");
    return loadOwned(botId);
}

void BotRunner::deleteBot(const std::string& botId) {
    Bot bot = loadOwned(botId);
    if (bot.status == "created") {
        stopBot(botId, false);
    } else if (bot.status != "stopped") {
        throw HttpError(409, "Conflict", "status: stop the bot before deleting it (it is " + bot.status + ")",
                        "status");
    }
    const std::int64_t now = _clock.nowNs();
    _commits.run([&](PreparedSession& w) { BotStore::setStatus(w, botId, "deleted", "", now); });
}

}  // namespace bourse
