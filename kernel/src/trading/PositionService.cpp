#include "trading/PositionService.h"

#include "http/HttpError.h"
#include "ledger/Ledger.h"
#include "log/Log.h"
#include "market/MarketData.h"
#include "metrics/Metrics.h"
#include "plugins/PluginManager.h"
#include "plugins/PluginProblem.h"
#include "storage/CommitQueue.h"
#include "storage/Database.h"
#include "storage/PreparedSession.h"
#include "trading/OpenPositionTx.h"
#include "util/Clock.h"
#include "util/Ids.h"

#include <Poco/Data/RecordSet.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <future>
#include <limits>
#include <sstream>

using namespace Poco::Data::Keywords;

namespace bourse {

namespace {

constexpr std::int64_t kNsPerMs = 1'000'000;
/// Positions read and settled per transaction in a burst, and per pass.
constexpr std::size_t kSettleSpan = 2500;
constexpr std::size_t kSettlePassMax = 20000;
/// A source that stopped ticking must not block settlement forever.
constexpr std::int64_t kSettleGraceNs = 2'000'000'000;

const char* kColumns =
    "id, user_id, product, symbol, client_order_id, stake, currency, status, params_json, state_json, price_scale, "
    "entry_price, exit_price, payout, opened_ns, expires_ns, settled_ns";

/// Reads rows selected with kColumns.
std::vector<Position> readPositions(Poco::Data::Statement& stmt) {
    std::vector<Position> out;
    Poco::Data::RecordSet rs(stmt);
    for (bool more = rs.moveFirst(); more; more = rs.moveNext()) {
        Position p;
        p.id = rs["id"].convert<std::string>();
        p.userId = rs["user_id"].convert<std::string>();
        p.product = rs["product"].convert<std::string>();
        p.symbol = rs["symbol"].convert<std::string>();
        p.clientOrderId = rs["client_order_id"].convert<std::string>();
        p.stake = rs["stake"].convert<Poco::Int64>();
        p.currency = rs["currency"].convert<std::string>();
        p.status = rs["status"].convert<std::string>();
        p.paramsJson = rs["params_json"].convert<std::string>();
        p.stateJson = rs["state_json"].convert<std::string>();
        p.priceScale = rs["price_scale"].convert<int>();
        if (!rs["entry_price"].isEmpty()) p.entryPrice = rs["entry_price"].convert<Poco::Int64>();
        if (!rs["exit_price"].isEmpty()) p.exitPrice = rs["exit_price"].convert<Poco::Int64>();
        if (!rs["payout"].isEmpty()) p.payout = rs["payout"].convert<Poco::Int64>();
        p.openedNs = rs["opened_ns"].convert<Poco::Int64>();
        p.expiresNs = rs["expires_ns"].convert<Poco::Int64>();
        if (!rs["settled_ns"].isEmpty()) p.settledNs = rs["settled_ns"].convert<Poco::Int64>();
        out.push_back(std::move(p));
    }
    return out;
}

std::optional<Position> findByClientOrder(Poco::Data::Session& s, const std::string& userId,
                                          const std::string& clientOrderId) {
    std::string uid = userId, coid = clientOrderId;
    Poco::Data::Statement stmt(s);
    stmt << "SELECT " << kColumns << " FROM positions WHERE user_id = $1 AND client_order_id = $2", use(uid), use(coid),
        now;
    auto rows = readPositions(stmt);
    if (rows.empty()) return std::nullopt;
    return rows.front();
}

/// The C view of a stored position, valid while `p` lives.
bourse_position cPosition(const Position& p) {
    bourse_position c{};
    c.struct_size = sizeof c;
    c.id = {p.id.data(), p.id.size()};
    c.user_ref = {p.userId.data(), p.userId.size()};
    c.symbol = {p.symbol.data(), p.symbol.size()};
    c.stake = Money{p.stake, p.currency}.toC();
    c.opened_at_ns = p.openedNs;
    c.expires_at_ns = p.expiresNs;
    c.params_json = {p.paramsJson.data(), p.paramsJson.size()};
    c.state_json = {p.stateJson.data(), p.stateJson.size()};
    return c;
}

/// The stored status of a settled position.
const char* outcomeName(bourse_outcome o) {
    switch (o) {
        case BOURSE_OUTCOME_WON:
            return "WON";
        case BOURSE_OUTCOME_LOST:
            return "LOST";
        case BOURSE_OUTCOME_TIE:
            return "TIE";
        case BOURSE_OUTCOME_CLOSED:
            return "CLOSED";
        case BOURSE_OUTCOME_OPEN:
            break;
    }
    return "OPEN";
}

}  // namespace

PositionService::PositionService(Database& db, CommitQueue& commits, MarketData& market, PluginManager& plugins,
                                 const Clock& clock, Metrics& metrics)
    : _db(db),
      _commits(commits),
      _market(market),
      _plugins(plugins),
      _clock(clock),
      _opened(metrics.counter("bourse_positions_opened_total", "Positions opened")),
      _settled(metrics.counter("bourse_positions_settled_total", "Positions settled")) {}

PositionService::~PositionService() {
    stop();
}

PositionService::Accepted PositionService::accept(const OpenPositionRequest& req, PluginInstance& product) const {
    // Modules built before ABI 1.4 count the user's open positions themselves
    // (racy: two requests can both see room); newer ones name their limit in
    // the terms and the host enforces it in the transaction that opens.
    std::int32_t openCount = -1;
    if (product.library().abiMinor() < 4) {
        _db.read([&](PreparedSession& r) {
            openCount = static_cast<std::int32_t>(
                r.first<Poco::Int64>("SELECT open_count FROM open_positions WHERE user_id = $1 AND product = $2",
                                     req.userId, req.product)
                    .value_or(0));
        });
    }
    const auto instrument = _market.instrument(req.symbol);
    if (!instrument) throw HttpError::badRequest("symbol: unknown symbol '" + req.symbol + "'", "symbol");
    if (!_market.hasLiveSource(req.symbol))
        throw HttpError(409, "Conflict", "symbol: no live price source for " + req.symbol + " right now", "symbol");
    const auto price = _market.lastTick(req.symbol);

    Accepted a;
    a.entry = bourse_tick{sizeof(bourse_tick), {req.symbol.data(), req.symbol.size()}, {}, 0};
    if (price) {
        a.entry.price = price->price.toC();
        a.entry.ts_ns = price->tsNs;
    }
    const bourse_open_request r{sizeof(bourse_open_request),
                                {req.userId.data(), req.userId.size()},
                                {req.symbol.data(), req.symbol.size()},
                                Money{req.stake, req.currency}.toC(),
                                {req.paramsJson.data(), req.paramsJson.size()},
                                price ? &a.entry : nullptr,
                                openCount};
    std::string terms;
    try {
        terms = product.validate(r);
    } catch (const PluginError& e) {
        throw pluginProblem(e);
    }
    std::int64_t expiresInMs = -1;
    try {
        Poco::JSON::Parser parser;
        const auto obj = parser.parse(terms).extract<Poco::JSON::Object::Ptr>();
        expiresInMs = obj->getValue<Poco::Int64>("expires_in_ms");
        if (obj->has("max_open")) a.maxOpen = obj->getValue<Poco::Int64>("max_open");
    } catch (const Poco::Exception&) {
        expiresInMs = -1;
    }
    if (expiresInMs < 0 || !price)
        throw HttpError(500, "Internal Server Error",
                        "product '" + req.product + "' accepted terms without expires_in_ms");

    Position& p = a.position;
    p.id = newId("t");
    p.userId = req.userId;
    p.product = req.product;
    p.symbol = req.symbol;
    p.clientOrderId = req.clientOrderId;
    p.stake = req.stake;
    p.currency = req.currency;
    p.status = "OPEN";
    p.paramsJson = std::move(terms);
    p.priceScale = instrument->priceScale;
    p.entryPrice = price->price.rescaled(instrument->priceScale).mantissa;
    p.openedNs = _clock.nowNs();
    p.expiresNs = expiresInMs ? p.openedNs + expiresInMs * kNsPerMs : 0;
    return a;
}

Position PositionService::open(const OpenPositionRequest& req, bool& created) {
    created = false;
    const auto instance = _plugins.instance(req.product);
    if (!instance || instance->kind() != BOURSE_KIND_TRADE_PRODUCT)
        throw HttpError(503, "Service Unavailable", "product '" + req.product + "' is not available right now");
    Accepted accepted;
    try {
        accepted = accept(req, *instance);
    } catch (const HttpError&) {
        // A retry is answered with the position it made, whatever the rules or
        // the market say now (only refusals pay for this read).
        if (auto earlier = retried(req)) return *earlier;
        throw;
    }
    Position& p = accepted.position;
    const std::int64_t maxOpen = accepted.maxOpen;

    OpenPositionTx tx(p, maxOpen);
    try {
        _commits.run([&tx](PreparedSession& w) { tx.run(w); });
    } catch (const Poco::Exception&) {
        // The unique (user, client_order_id) refused it: another kernel process on
        // the same SQLite file inserted it first (PostgreSQL's statement skips the conflict).
        if (auto earlier = retried(req)) return *earlier;
        throw;
    }
    const auto outcome = tx.outcome();
    if (outcome != OpenPositionTx::Outcome::Opened) {
        // A retry is answered with the position it made, even if the balance or
        // the open count would refuse it now.
        if (auto earlier = retried(req)) return *earlier;
        if (outcome == OpenPositionTx::Outcome::TooManyOpen)
            throw HttpError(422, "Unprocessable Content",
                            "trades: at most " + std::to_string(maxOpen) + " open trades at a time", "trades");
        if (outcome == OpenPositionTx::Outcome::InsufficientFunds)
            throw HttpError(422, "Unprocessable Content", "stake: insufficient available balance", "stake");
        throw HttpError(500, "Internal Server Error", "client_order_id: the earlier trade could not be read");
    }
    created = true;
    _opened.inc();
    // The product may keep state per position (bots); binary options keep none.
    try {
        const bourse_position c = cPosition(p);
        const std::string state = instance->open(c, &accepted.entry);
        if (!state.empty() && state != "{}") {
            p.stateJson = state;
            Poco::Data::Session s = _db.session();
            s << "UPDATE positions SET state_json = $1 WHERE id = $2", use(p.stateJson), use(p.id), now;
        }
    } catch (const PluginError& e) {
        log::warn("trading", "product open hook failed", {{"position", p.id}, {"error", e.what()}});
    }
    if (_events) _events(p.userId, [&p] { return R"({"type":"trade.opened","trade":)" + positionJson(p) + "}"; });
    return p;
}

std::optional<Position> PositionService::retried(const OpenPositionRequest& req) const {
    Poco::Data::Session s = _db.session();
    auto existing = findByClientOrder(s, req.userId, req.clientOrderId);
    if (existing &&
        (existing->symbol != req.symbol || existing->stake != req.stake || existing->product != req.product))
        throw HttpError(409, "Conflict", "client_order_id: already used for a different trade", "client_order_id");
    return existing;
}

std::optional<Position> PositionService::find(const std::string& userId, const std::string& id) const {
    Poco::Data::Session s = _db.session();
    std::string uid = userId, pid = id;
    Poco::Data::Statement stmt(s);
    stmt << "SELECT " << kColumns << " FROM positions WHERE id = $1 AND user_id = $2", use(pid), use(uid), now;
    auto rows = readPositions(stmt);
    if (rows.empty()) return std::nullopt;
    return rows.front();
}

std::vector<Position> PositionService::list(const std::string& userId, const PositionFilter& filter,
                                            const std::string& cursor, int limit) const {
    Poco::Data::Session s = _db.session();
    std::string uid = userId, st = filter.status, sym = filter.symbol,
                after = cursor.empty() ? std::string("~") : cursor;  // '~' sorts after every id
    int lim = limit;
    Poco::Data::Statement stmt(s);
    // Newest first along positions_user (user_id, id); an empty filter value matches everything.
    stmt << "SELECT " << kColumns
         << " FROM positions WHERE user_id = $1 AND id < $2 AND ($3 = '' OR status = $3) AND ($4 = '' OR symbol = $4) "
            "ORDER BY id DESC LIMIT $5",
        use(uid), use(after), use(st), use(sym), use(lim), now;
    return readPositions(stmt);
}

TradeStats PositionService::stats(const std::string& userId) const {
    Poco::Data::Session s = _db.session();
    std::string uid = userId;
    std::vector<std::string> statuses;
    std::vector<Poco::Int64> counts, stakes, payouts;
    s << "SELECT status, COUNT(*), CAST(COALESCE(SUM(stake), 0) AS BIGINT), CAST(COALESCE(SUM(payout), 0) AS BIGINT) "
         "FROM positions WHERE user_id = $1 GROUP BY status",
        use(uid), into(statuses), into(counts), into(stakes), into(payouts), now;
    TradeStats t;
    for (std::size_t i = 0; i < statuses.size(); ++i) {
        t.total += counts[i];
        if (statuses[i] == "OPEN") {
            t.open = counts[i];
            continue;
        }
        if (statuses[i] == "WON")
            t.won = counts[i];
        else if (statuses[i] == "LOST")
            t.lost = counts[i];
        else if (statuses[i] == "TIE")
            t.tie = counts[i];
        t.staked += stakes[i];
        t.paidOut += payouts[i];
    }
    return t;
}

int PositionService::settleDue() {
    std::lock_guard pass(_settleMutex);
    const std::int64_t nowNs = _clock.nowNs();

    struct Work {
        Position position;
        bourse_settlement result;
        std::int64_t exitPrice;
        bool applied = false;
    };
    // One page of due positions, settled in one transaction. Pages are read
    // (by a cursor, since the earlier ones are still OPEN until their commit)
    // and priced while the writer commits the ones before: a burst keeps both
    // this thread and the writer busy.
    struct Page {
        std::vector<Work> work;
        std::future<void> done;
    };
    std::vector<std::unique_ptr<Page>> pages;
    const std::int64_t settledAt = nowNs;
    // Settles page.work[first, first + count). Exactly once: only the transaction
    // that moves a position out of OPEN pays it. Many at a time are claimed
    // without waiting for each answer (one that another settler got first fails
    // the transaction, and the page is settled one position at a time); one at a
    // time asks, and skips a position already settled.
    const auto settle = [settledAt](PreparedSession& writer, std::vector<Work>& work, std::size_t first,
                                    std::size_t count) {
        const std::string claim =
            "UPDATE positions SET status = $1, exit_price = $2, payout = $3, settled_ns = $4 WHERE id = $5 AND status "
            "= 'OPEN'";
        std::vector<JournalTx> txs;
        std::map<std::pair<std::string, std::string>, Poco::Int64> closed;  // (user, product) -> positions
        for (std::size_t i = first; i < first + count; ++i) {
            Work& w = work[i];
            const Position& p = w.position;
            const std::string status = outcomeName(w.result.outcome);
            const Poco::Int64 payout = w.result.payout.minor;
            w.applied = false;
            if (count > 1) {
                writer.defer(claim, status, Poco::Int64{w.exitPrice}, payout, Poco::Int64{settledAt}, p.id);
            } else if (writer.exec(claim, status, Poco::Int64{w.exitPrice}, payout, Poco::Int64{settledAt}, p.id) ==
                       0) {
                return;
            }
            ++closed[{p.userId, p.product}];
            JournalTx tx{"settle:" + p.id, "settlement", p.userId, p.id, p.product + " " + p.symbol + " " + status, {}};
            tx.postings.push_back({Ledger::userAccount(p.userId, "locked", p.currency), p.currency, -p.stake});
            if (payout > 0)
                tx.postings.push_back({Ledger::userAccount(p.userId, "available", p.currency), p.currency, payout});
            if (p.stake != payout)
                tx.postings.push_back({Ledger::houseAccount("pnl", p.currency), p.currency, p.stake - payout});
            txs.push_back(std::move(tx));
        }
        for (const auto& [key, n] : closed)
            writer.defer("UPDATE open_positions SET open_count = open_count - $1 WHERE user_id = $2 AND product = $3",
                         n, key.first, key.second);
        Ledger::applyAll(writer, txs, settledAt);
        for (std::size_t i = first; i < first + count; ++i)
            work[i].applied = true;
    };

    Poco::Int64 afterExpiry = 0;
    std::string afterId;
    for (std::size_t read = 0; read < kSettlePassMax;) {
        std::vector<Position> due;
        {
            Poco::Data::Session s = _db.session();
            Poco::Int64 cutoff = nowNs, limit = static_cast<Poco::Int64>(kSettleSpan);
            Poco::Data::Statement stmt(s);
            stmt << "SELECT " << kColumns
                 << " FROM positions WHERE status = 'OPEN' AND expires_ns > 0 AND expires_ns <= $1 "
                    "AND (expires_ns > $2 OR (expires_ns = $2 AND id > $3)) ORDER BY expires_ns, id LIMIT $4",
                use(cutoff), use(afterExpiry), use(afterId), use(limit), now;
            due = readPositions(stmt);
        }
        if (due.empty()) break;
        read += due.size();
        afterExpiry = due.back().expiresNs;
        afterId = due.back().id;
        const bool last = due.size() < kSettleSpan;

        auto page = std::make_unique<Page>();
        page->work.reserve(due.size());
        for (auto& p : due) {
            // The exit is the price in force at expiry: wait until the source has moved past it
            // (or has been silent for the grace period).
            const auto lastTick = _market.lastTick(p.symbol);
            if ((!lastTick || lastTick->tsNs <= p.expiresNs) && nowNs < p.expiresNs + kSettleGraceNs) continue;
            const auto instance = _plugins.instance(p.product);
            if (!instance) continue;  // product down: settle when it is back
            const auto exit = _market.priceAt(p.symbol, p.expiresNs);
            const Decimal exitPrice = exit ? exit->price.rescaled(p.priceScale) : Decimal(*p.entryPrice, p.priceScale);
            bourse_tick cExit{sizeof(bourse_tick),
                              {p.symbol.data(), p.symbol.size()},
                              exitPrice.toC(),
                              exit ? exit->tsNs : p.expiresNs};
            try {
                const bourse_position c = cPosition(p);
                const bourse_settlement r = instance->settle(c, &cExit);
                if (r.payout.minor < 0 || r.outcome == BOURSE_OUTCOME_OPEN) {
                    log::error("trading", "product returned an invalid settlement", {{"position", p.id}});
                    continue;
                }
                page->work.push_back(Work{std::move(p), r, exitPrice.mantissa});
            } catch (const PluginError& e) {
                log::error("trading", "settle failed", {{"position", p.id}, {"error", e.what()}});
            }
        }
        if (!page->work.empty()) {
            std::vector<Work>* work = &page->work;  // stable: the page is never touched until done
            page->done = _commits.submit([=](PreparedSession& w) { settle(w, *work, 0, work->size()); });
            pages.push_back(std::move(page));
        }
        if (last) break;
    }

    // Pages complete in order; each one's events go out while the writer is
    // still committing the next ones.
    int settled = 0;
    const auto report = [&](const Work& w, const std::string& failure) {
        if (!failure.empty()) {
            log::error("trading", "settlement transaction failed", {{"position", w.position.id}, {"error", failure}});
            return;
        }
        if (!w.applied) return;
        ++settled;
        _settled.inc();
        if (!_events) return;
        _events(w.position.userId, [&] {
            Position p = w.position;
            p.status = outcomeName(w.result.outcome);
            p.exitPrice = w.exitPrice;
            p.payout = w.result.payout.minor;
            p.settledNs = settledAt;
            return R"({"type":"trade.settled","trade":)" + positionJson(p) + "}";
        });
    };
    for (auto& page : pages) {
        std::vector<Work>& work = page->work;
        std::string failure;
        try {
            page->done.get();
        } catch (const std::exception& e) {
            failure = e.what();
        }
        if (failure.empty() || work.size() == 1) {
            for (const auto& w : work)
                report(w, failure);
            continue;
        }
        log::warn("trading", "settlement page failed; settling its positions one by one", {{"error", failure}});
        std::vector<std::future<void>> retries;
        for (std::size_t i = 0; i < work.size(); ++i)
            retries.push_back(_commits.submit([&settle, &work, i](PreparedSession& w) { settle(w, work, i, 1); }));
        for (std::size_t i = 0; i < retries.size(); ++i) {
            std::string why;
            try {
                retries[i].get();
            } catch (const std::exception& e) {
                why = e.what();
            }
            report(work[i], why);
        }
    }
    return settled;
}

void PositionService::startSettler(std::chrono::milliseconds interval) {
    std::lock_guard lock(_threadMutex);
    if (_settler.joinable()) return;
    _stopping = false;
    _settler = std::thread([this, interval] {
        std::unique_lock l(_threadMutex);
        while (!_stopping) {
            l.unlock();
            try {
                while (settleDue() > 0) {
                }
            } catch (const std::exception& e) {
                log::error("trading", "settlement pass failed", {{"error", e.what()}});
            }
            l.lock();
            _wake.wait_for(l, interval, [&] { return _stopping; });
        }
    });
}

void PositionService::stop() {
    {
        std::lock_guard lock(_threadMutex);
        _stopping = true;
    }
    _wake.notify_all();
    if (_settler.joinable()) _settler.join();
}

std::string positionJson(const Position& p) {
    Poco::JSON::Object o;
    o.set("id", p.id);
    o.set("product", p.product);
    o.set("symbol", p.symbol);
    o.set("client_order_id", p.clientOrderId);
    o.set("stake", formatMinor(p.stake));
    o.set("currency", p.currency);
    o.set("status", p.status);
    Poco::JSON::Object::Ptr params;
    try {
        Poco::JSON::Parser parser;
        params = parser.parse(p.paramsJson).extract<Poco::JSON::Object::Ptr>();
    } catch (const Poco::Exception&) {
        params = new Poco::JSON::Object;
    }
    for (const char* k : {"direction", "duration", "payout_percent", "loss_refund_percent"})
        if (params->has(k)) o.set(k, params->get(k));
    o.set("entry_price",
          p.entryPrice ? Poco::Dynamic::Var(Decimal(*p.entryPrice, p.priceScale).toString()) : Poco::Dynamic::Var());
    o.set("exit_price",
          p.exitPrice ? Poco::Dynamic::Var(Decimal(*p.exitPrice, p.priceScale).toString()) : Poco::Dynamic::Var());
    o.set("payout", p.payout ? Poco::Dynamic::Var(formatMinor(*p.payout)) : Poco::Dynamic::Var());
    o.set("opened_at", p.openedNs / kNsPerMs);
    o.set("expires_at", p.expiresNs ? Poco::Dynamic::Var(p.expiresNs / kNsPerMs) : Poco::Dynamic::Var());
    o.set("settled_at", p.settledNs ? Poco::Dynamic::Var(*p.settledNs / kNsPerMs) : Poco::Dynamic::Var());
    std::ostringstream out;
    o.stringify(out);
    return out.str();
}

}  // namespace bourse
