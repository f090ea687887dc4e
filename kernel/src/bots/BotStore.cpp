#include "bots/BotStore.h"

#include "ledger/Ledger.h"
#include "storage/Database.h"
#include "storage/PreparedSession.h"

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>

using namespace Poco::Data::Keywords;

namespace bourse::BotStore {

namespace {

const char* kBotColumns =
    "id, user_id, name, product, symbol, venue, status, error, quote_currency, base_currency, capital, price_scale, "
    "qty_scale, id_prefix, client_order_id, params_json, state_json, created_ns, updated_ns";
const char* kOrderColumns =
    "bot_id, client_order_id, symbol, side, type, price, qty, quote_amount, filled_qty, status, reason, created_ns, "
    "updated_ns";
const char* kFillColumns = "id, bot_id, client_order_id, side, qty, price, fee, order_done, delivered, ts_ns";

std::string text(Poco::Data::RecordSet& rs, const char* column) {
    return rs[column].convert<std::string>();
}
std::int64_t number(Poco::Data::RecordSet& rs, const char* column) {
    return rs[column].convert<Poco::Int64>();
}

std::vector<Bot> readBots(Poco::Data::Statement& stmt) {
    std::vector<Bot> out;
    Poco::Data::RecordSet rs(stmt);
    for (bool more = rs.moveFirst(); more; more = rs.moveNext()) {
        Bot b;
        b.id = text(rs, "id");
        b.userId = text(rs, "user_id");
        b.name = text(rs, "name");
        b.product = text(rs, "product");
        b.symbol = text(rs, "symbol");
        b.venue = text(rs, "venue");
        b.status = text(rs, "status");
        b.error = text(rs, "error");
        b.quote = text(rs, "quote_currency");
        b.base = text(rs, "base_currency");
        b.capital = number(rs, "capital");
        b.priceScale = static_cast<int>(number(rs, "price_scale"));
        b.qtyScale = static_cast<int>(number(rs, "qty_scale"));
        b.idPrefix = text(rs, "id_prefix");
        b.clientOrderId = text(rs, "client_order_id");
        b.paramsJson = text(rs, "params_json");
        b.stateJson = text(rs, "state_json");
        b.createdNs = number(rs, "created_ns");
        b.updatedNs = number(rs, "updated_ns");
        out.push_back(std::move(b));
    }
    return out;
}

std::vector<BotOrder> readOrders(Poco::Data::Statement& stmt) {
    std::vector<BotOrder> out;
    Poco::Data::RecordSet rs(stmt);
    for (bool more = rs.moveFirst(); more; more = rs.moveNext()) {
        BotOrder o;
        o.botId = text(rs, "bot_id");
        o.clientOrderId = text(rs, "client_order_id");
        o.symbol = text(rs, "symbol");
        o.side = text(rs, "side");
        o.type = text(rs, "type");
        o.price = number(rs, "price");
        o.qty = number(rs, "qty");
        o.quoteAmount = number(rs, "quote_amount");
        o.filledQty = number(rs, "filled_qty");
        o.status = text(rs, "status");
        o.reason = text(rs, "reason");
        o.createdNs = number(rs, "created_ns");
        o.updatedNs = number(rs, "updated_ns");
        out.push_back(std::move(o));
    }
    return out;
}

std::vector<BotFill> readFills(Poco::Data::Statement& stmt) {
    std::vector<BotFill> out;
    Poco::Data::RecordSet rs(stmt);
    for (bool more = rs.moveFirst(); more; more = rs.moveNext()) {
        BotFill f;
        f.id = text(rs, "id");
        f.botId = text(rs, "bot_id");
        f.clientOrderId = text(rs, "client_order_id");
        f.side = text(rs, "side");
        f.qty = number(rs, "qty");
        f.price = number(rs, "price");
        f.fee = number(rs, "fee");
        f.orderDone = number(rs, "order_done") != 0;
        f.delivered = number(rs, "delivered") != 0;
        f.tsNs = number(rs, "ts_ns");
        out.push_back(std::move(f));
    }
    return out;
}

}  // namespace

std::string account(const Bot& bot, const std::string& currency) {
    return Ledger::userAccount(bot.userId, "bot-" + bot.id, currency);
}

std::optional<Bot> find(Database& db, const std::string& botId) {
    Poco::Data::Session s = db.session();
    std::string id = botId;
    Poco::Data::Statement stmt(s);
    stmt << "SELECT " << kBotColumns << " FROM bots WHERE id = $1", use(id), now;
    auto rows = readBots(stmt);
    if (rows.empty()) return std::nullopt;
    return rows.front();
}

std::optional<Bot> findByClientOrder(Database& db, const std::string& userId, const std::string& clientOrderId) {
    Poco::Data::Session s = db.session();
    std::string uid = userId, coid = clientOrderId;
    Poco::Data::Statement stmt(s);
    stmt << "SELECT " << kBotColumns << " FROM bots WHERE user_id = $1 AND client_order_id = $2", use(uid), use(coid),
        now;
    auto rows = readBots(stmt);
    if (rows.empty()) return std::nullopt;
    return rows.front();
}

std::vector<Bot> listByUser(Database& db, const std::string& userId) {
    Poco::Data::Session s = db.session();
    std::string uid = userId;
    Poco::Data::Statement stmt(s);
    stmt << "SELECT " << kBotColumns
         << " FROM bots WHERE user_id = $1 AND status <> 'deleted' ORDER BY created_ns DESC",
        use(uid), now;
    return readBots(stmt);
}

int activeCount(Database& db, const std::string& userId) {
    Poco::Data::Session s = db.session();
    std::string uid = userId;
    Poco::Int64 n = 0;
    s << "SELECT COUNT(*) FROM bots WHERE user_id = $1 AND status NOT IN ('stopped', 'deleted')", use(uid), into(n),
        now;
    return static_cast<int>(n);
}

std::vector<Bot> live(Database& db) {
    Poco::Data::Session s = db.session();
    Poco::Data::Statement stmt(s);
    stmt << "SELECT " << kBotColumns
         << " FROM bots WHERE status IN ('running', 'paused', 'stopping', 'error') ORDER BY created_ns",
        now;
    return readBots(stmt);
}

std::vector<BotOrder> orders(Database& db, const std::string& botId, int limit) {
    Poco::Data::Session s = db.session();
    std::string id = botId;
    int lim = limit;
    Poco::Data::Statement stmt(s);
    stmt << "SELECT " << kOrderColumns
         << " FROM bot_orders WHERE bot_id = $1 ORDER BY created_ns DESC, client_order_id DESC LIMIT $2",
        use(id), use(lim), now;
    return readOrders(stmt);
}

std::vector<BotOrder> openOrders(Database& db) {
    Poco::Data::Session s = db.session();
    Poco::Data::Statement stmt(s);
    stmt << "SELECT " << kOrderColumns << " FROM bot_orders WHERE status = 'open' ORDER BY created_ns", now;
    return readOrders(stmt);
}

std::vector<BotFill> fills(Database& db, const std::string& botId, int limit) {
    Poco::Data::Session s = db.session();
    std::string id = botId;
    int lim = limit;
    Poco::Data::Statement stmt(s);
    stmt << "SELECT " << kFillColumns << " FROM bot_fills WHERE bot_id = $1 ORDER BY ts_ns DESC, id DESC LIMIT $2",
        use(id), use(lim), now;
    return readFills(stmt);
}

std::vector<BotFill> undelivered(Database& db, const std::string& botId) {
    Poco::Data::Session s = db.session();
    std::string id = botId;
    Poco::Data::Statement stmt(s);
    stmt << "SELECT " << kFillColumns << " FROM bot_fills WHERE bot_id = $1 AND delivered = 0 ORDER BY ts_ns, id",
        use(id), now;
    return readFills(stmt);
}

std::vector<BotFill> undelivered(Database& db) {
    Poco::Data::Session s = db.session();
    Poco::Data::Statement stmt(s);
    stmt << "SELECT " << kFillColumns << " FROM bot_fills WHERE delivered = 0 ORDER BY ts_ns, id", now;
    return readFills(stmt);
}

std::vector<std::pair<std::int64_t, std::int64_t>> equity(Database& db, const std::string& botId, int limit) {
    Poco::Data::Session s = db.session();
    std::string id = botId;
    int lim = limit;
    std::vector<Poco::Int64> ts, values;
    s << "SELECT ts_ns, equity FROM (SELECT ts_ns, equity FROM bot_equity WHERE bot_id = $1 ORDER BY ts_ns DESC "
         "LIMIT $2) recent ORDER BY ts_ns",
        use(id), use(lim), into(ts), into(values), now;
    std::vector<std::pair<std::int64_t, std::int64_t>> out;
    for (std::size_t i = 0; i < ts.size(); ++i)
        out.emplace_back(ts[i], values[i]);
    return out;
}

std::int64_t balance(Database& db, const Bot& bot, const std::string& currency) {
    Poco::Data::Session s = db.session();
    std::string id = account(bot, currency);
    Poco::Nullable<Poco::Int64> value;
    s << "SELECT balance FROM ledger_accounts WHERE id = $1", use(id), into(value), now;
    return value.isNull() ? 0 : value.value();
}

void insert(PreparedSession& w, const Bot& b) {
    w.defer(
        "INSERT INTO bots (id, user_id, name, product, symbol, venue, status, error, quote_currency, base_currency, "
        "capital, price_scale, qty_scale, id_prefix, client_order_id, params_json, state_json, created_ns, "
        "updated_ns) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)",
        b.id, b.userId, b.name, b.product, b.symbol, b.venue, b.status, b.error, b.quote, b.base,
        Poco::Int64{b.capital}, b.priceScale, b.qtyScale, b.idPrefix, b.clientOrderId, b.paramsJson, b.stateJson,
        Poco::Int64{b.createdNs}, Poco::Int64{b.updatedNs});
}

void setStatus(PreparedSession& w, const std::string& botId, const std::string& status, const std::string& error,
               std::int64_t nowNs) {
    w.defer("UPDATE bots SET status = $1, error = $2, updated_ns = $3 WHERE id = $4", status, error, Poco::Int64{nowNs},
            botId);
}

void saveState(PreparedSession& w, const std::string& botId, const std::string& stateJson, std::int64_t nowNs) {
    w.defer("UPDATE bots SET state_json = $1, updated_ns = $2 WHERE id = $3", stateJson, Poco::Int64{nowNs}, botId);
}

bool insertOrder(PreparedSession& w, const BotOrder& o) {
    return w.exec(
               "INSERT INTO bot_orders (bot_id, client_order_id, symbol, side, type, price, qty, quote_amount, "
               "filled_qty, status, reason, venue_order_id, created_ns, updated_ns) VALUES ($1, $2, $3, $4, $5, "
               "$6, $7, $8, $9, $10, $11, '', $12, $13) ON CONFLICT (bot_id, client_order_id) DO NOTHING",
               o.botId, o.clientOrderId, o.symbol, o.side, o.type, Poco::Int64{o.price}, Poco::Int64{o.qty},
               Poco::Int64{o.quoteAmount}, Poco::Int64{o.filledQty}, o.status, o.reason, Poco::Int64{o.createdNs},
               Poco::Int64{o.updatedNs}) == 1;
}

void updateOrder(PreparedSession& w, const BotOrder& o) {
    w.defer(
        "UPDATE bot_orders SET filled_qty = $1, status = $2, reason = $3, updated_ns = $4 WHERE bot_id = $5 AND "
        "client_order_id = $6",
        Poco::Int64{o.filledQty}, o.status, o.reason, Poco::Int64{o.updatedNs}, o.botId, o.clientOrderId);
}

void insertFill(PreparedSession& w, const BotFill& f) {
    w.defer(
        "INSERT INTO bot_fills (id, bot_id, client_order_id, side, qty, price, fee, order_done, delivered, ts_ns) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, $9)",
        f.id, f.botId, f.clientOrderId, f.side, Poco::Int64{f.qty}, Poco::Int64{f.price}, Poco::Int64{f.fee},
        f.orderDone ? 1 : 0, Poco::Int64{f.tsNs});
}

void markDelivered(PreparedSession& w, const std::string& fillId) {
    w.defer("UPDATE bot_fills SET delivered = 1 WHERE id = $1", fillId);
}

void recordEquity(PreparedSession& w, const std::string& botId, std::int64_t tsNs, std::int64_t equity) {
    w.defer(
        "INSERT INTO bot_equity (bot_id, ts_ns, equity) VALUES ($1, $2, $3) ON CONFLICT (bot_id, ts_ns) DO UPDATE "
        "SET equity = excluded.equity",
        botId, Poco::Int64{tsNs}, Poco::Int64{equity});
}

}  // namespace bourse::BotStore
