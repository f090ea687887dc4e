#include "storage/Migrations.h"

namespace bourse {

const std::vector<Migration>& migrations() {
    // Instants are INT64 epoch nanoseconds (Poco::DateTime would drop sub-seconds);
    // prices are fixed-point mantissas with their scale.
    static const std::vector<Migration> list = {
        {1, "market data and plugin state",
         R"SQL(
CREATE TABLE ticks (
    symbol TEXT NOT NULL,
    ts_ns BIGINT NOT NULL,
    price BIGINT NOT NULL,
    scale INTEGER NOT NULL
);
CREATE INDEX ticks_symbol_ts ON ticks (symbol, ts_ns);
CREATE TABLE candles (
    symbol TEXT NOT NULL,
    interval_s INTEGER NOT NULL,
    open_ns BIGINT NOT NULL,
    open BIGINT NOT NULL,
    high BIGINT NOT NULL,
    low BIGINT NOT NULL,
    close BIGINT NOT NULL,
    scale INTEGER NOT NULL,
    tick_count INTEGER NOT NULL,
    PRIMARY KEY (symbol, interval_s, open_ns)
);
CREATE TABLE plugin_kv (
    plugin_id TEXT NOT NULL,
    k TEXT NOT NULL,
    v TEXT NOT NULL,
    updated_ns BIGINT NOT NULL,
    PRIMARY KEY (plugin_id, k)
);
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ts_ns BIGINT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    detail TEXT NOT NULL
)
)SQL",
         R"SQL(
CREATE TABLE ticks (
    symbol TEXT NOT NULL,
    ts_ns BIGINT NOT NULL,
    price BIGINT NOT NULL,
    scale INTEGER NOT NULL
);
CREATE INDEX ticks_symbol_ts ON ticks (symbol, ts_ns);
CREATE TABLE candles (
    symbol TEXT NOT NULL,
    interval_s INTEGER NOT NULL,
    open_ns BIGINT NOT NULL,
    open BIGINT NOT NULL,
    high BIGINT NOT NULL,
    low BIGINT NOT NULL,
    close BIGINT NOT NULL,
    scale INTEGER NOT NULL,
    tick_count INTEGER NOT NULL,
    PRIMARY KEY (symbol, interval_s, open_ns)
);
CREATE TABLE plugin_kv (
    plugin_id TEXT NOT NULL,
    k TEXT NOT NULL,
    v TEXT NOT NULL,
    updated_ns BIGINT NOT NULL,
    PRIMARY KEY (plugin_id, k)
);
CREATE TABLE audit_log (
    id BIGSERIAL PRIMARY KEY,
    ts_ns BIGINT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    detail TEXT NOT NULL
)
)SQL"},
    };
    return list;
}

} // namespace bourse
