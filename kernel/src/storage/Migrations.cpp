#include "storage/Migrations.h"

namespace bourse {

const std::vector<Migration>& migrations() {
    // Instants are INT64 epoch nanoseconds (Poco::DateTime would drop sub-seconds);
    // prices are fixed-point mantissas with their scale. One text serves both
    // dialects; {{serial_primary_key}} is the only spelling that differs.
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
    id {{serial_primary_key}},
    ts_ns BIGINT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    detail TEXT NOT NULL
)
)SQL"},
        {2, "accounts, ledger and positions",
         R"SQL(
CREATE TABLE users (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until_ns BIGINT NOT NULL DEFAULT 0,
    created_ns BIGINT NOT NULL
);
CREATE TABLE refresh_tokens (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    family TEXT NOT NULL,
    expires_ns BIGINT NOT NULL,
    revoked INTEGER NOT NULL DEFAULT 0,
    created_ns BIGINT NOT NULL
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family);
CREATE TABLE ledger_accounts (
    id TEXT PRIMARY KEY,
    user_id TEXT,
    kind TEXT NOT NULL,
    currency TEXT NOT NULL,
    balance BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX ledger_accounts_user ON ledger_accounts (user_id);
CREATE TABLE journal (
    id TEXT PRIMARY KEY,
    idempotency_key TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    user_id TEXT,
    reference TEXT NOT NULL,
    memo TEXT NOT NULL,
    created_ns BIGINT NOT NULL
);
CREATE INDEX journal_user ON journal (user_id, id);
CREATE TABLE journal_entries (
    journal_id TEXT NOT NULL,
    account_id TEXT NOT NULL,
    currency TEXT NOT NULL,
    amount BIGINT NOT NULL
);
CREATE INDEX journal_entries_journal ON journal_entries (journal_id);
CREATE INDEX journal_entries_account ON journal_entries (account_id);
CREATE TABLE positions (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    product TEXT NOT NULL,
    symbol TEXT NOT NULL,
    client_order_id TEXT NOT NULL,
    stake BIGINT NOT NULL,
    currency TEXT NOT NULL,
    status TEXT NOT NULL,
    params_json TEXT NOT NULL,
    state_json TEXT NOT NULL,
    price_scale INTEGER NOT NULL,
    entry_price BIGINT,
    exit_price BIGINT,
    payout BIGINT,
    opened_ns BIGINT NOT NULL,
    expires_ns BIGINT NOT NULL,
    settled_ns BIGINT,
    UNIQUE (user_id, client_order_id)
);
CREATE INDEX positions_due ON positions (status, expires_ns);
CREATE INDEX positions_user ON positions (user_id, id);
CREATE TABLE kernel_settings (
    k TEXT PRIMARY KEY,
    v TEXT NOT NULL
)
)SQL"},
        {3, "open positions per user, settlement by pages",
         // Placement asks for a user's open positions of a product on every order;
         // a counter kept in the same transactions as the positions answers in one
         // row read, where COUNT(*) would walk them all.
         R"SQL(
CREATE TABLE open_positions (
    user_id TEXT NOT NULL,
    product TEXT NOT NULL,
    open_count BIGINT NOT NULL,
    PRIMARY KEY (user_id, product)
);
INSERT INTO open_positions (user_id, product, open_count)
    SELECT user_id, product, COUNT(*) FROM positions WHERE status = 'OPEN' GROUP BY user_id, product;
-- The settler pages through due positions by (expires_ns, id).
DROP INDEX positions_due;
CREATE INDEX positions_due ON positions (status, expires_ns, id)
)SQL"},
        {4, "no index of journal entries by account",
         // Only `ledger verify` read entries by account, and it sums them all in
         // one pass; every order paid for the index with a page write per account.
         R"SQL(
DROP INDEX journal_entries_account
)SQL"},
        {5, "payments and KYC",
         // Deposits and withdrawals are the kernel's records of money crossing a
         // gateway; their ids are the idempotency keys sent to the provider.
         // payment_events holds every webhook event once (primary key), which is
         // what makes a replayed or duplicated event change nothing.
         R"SQL(
CREATE TABLE deposits (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    gateway TEXT NOT NULL,
    amount BIGINT NOT NULL,
    currency TEXT NOT NULL,
    status TEXT NOT NULL,
    provider_ref TEXT,
    payment_ref TEXT,
    refunded BIGINT NOT NULL DEFAULT 0,
    client_key TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    created_ns BIGINT NOT NULL,
    updated_ns BIGINT NOT NULL,
    completed_ns BIGINT,
    UNIQUE (user_id, client_key)
);
CREATE INDEX deposits_user ON deposits (user_id, id);
CREATE INDEX deposits_status ON deposits (status, created_ns);
CREATE UNIQUE INDEX deposits_provider ON deposits (gateway, provider_ref);
CREATE TABLE withdrawals (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    gateway TEXT NOT NULL,
    amount BIGINT NOT NULL,
    currency TEXT NOT NULL,
    status TEXT NOT NULL,
    method TEXT NOT NULL,
    destination_json TEXT NOT NULL,
    deposit_id TEXT,
    provider_ref TEXT,
    client_key TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    reviewed_by TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    created_ns BIGINT NOT NULL,
    updated_ns BIGINT NOT NULL,
    completed_ns BIGINT,
    UNIQUE (user_id, client_key)
);
CREATE INDEX withdrawals_user ON withdrawals (user_id, id);
CREATE INDEX withdrawals_status ON withdrawals (status, created_ns);
CREATE UNIQUE INDEX withdrawals_provider ON withdrawals (gateway, provider_ref);
CREATE TABLE payment_events (
    gateway TEXT NOT NULL,
    event_id TEXT NOT NULL,
    type TEXT NOT NULL,
    provider_ref TEXT NOT NULL,
    target_id TEXT,
    outcome TEXT NOT NULL,
    payload_json TEXT NOT NULL,
    received_ns BIGINT NOT NULL,
    PRIMARY KEY (gateway, event_id)
);
CREATE INDEX payment_events_unmatched ON payment_events (outcome, gateway, provider_ref);
CREATE TABLE payment_flags (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    rule TEXT NOT NULL,
    detail TEXT NOT NULL,
    reference TEXT NOT NULL,
    created_ns BIGINT NOT NULL,
    resolved_by TEXT,
    resolved_ns BIGINT
);
CREATE INDEX payment_flags_open ON payment_flags (resolved_ns, created_ns);
ALTER TABLE users ADD COLUMN kyc_status TEXT NOT NULL DEFAULT 'none';
CREATE TABLE kyc_cases (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    provider TEXT NOT NULL,
    session_id TEXT NOT NULL,
    status TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    last_event_ms BIGINT NOT NULL DEFAULT 0,
    reviewed_by TEXT,
    created_ns BIGINT NOT NULL,
    updated_ns BIGINT NOT NULL,
    UNIQUE (provider, session_id)
);
CREATE INDEX kyc_cases_user ON kyc_cases (user_id, created_ns);
CREATE INDEX kyc_cases_status ON kyc_cases (status, created_ns);
CREATE TABLE kyc_documents (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    doc_type TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    stored_name TEXT NOT NULL,
    created_ns BIGINT NOT NULL
);
CREATE INDEX kyc_documents_case ON kyc_documents (case_id)
)SQL"},
        {6, "trading bots",
         // A bot's money is in its own ledger accounts (user:<uid>:bot-<id>:<CUR>);
         // these tables hold what it asked the venue for and what the venue did.
         // (bot_id, client_order_id) is unique: a bot placing an id it already
         // has is a repeat, not a second order. bot_fills.delivered turns to 1 in
         // the transaction that stores the state the bot computed from the fill.
         R"SQL(
CREATE TABLE bots (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    name TEXT NOT NULL,
    product TEXT NOT NULL,
    symbol TEXT NOT NULL,
    venue TEXT NOT NULL,
    status TEXT NOT NULL,
    error TEXT NOT NULL,
    quote_currency TEXT NOT NULL,
    base_currency TEXT NOT NULL,
    capital BIGINT NOT NULL,
    price_scale INTEGER NOT NULL,
    qty_scale INTEGER NOT NULL,
    id_prefix TEXT NOT NULL,
    client_order_id TEXT NOT NULL,
    params_json TEXT NOT NULL,
    state_json TEXT NOT NULL,
    created_ns BIGINT NOT NULL,
    updated_ns BIGINT NOT NULL
);
CREATE UNIQUE INDEX bots_user_client ON bots (user_id, client_order_id);
CREATE INDEX bots_status ON bots (status);
CREATE TABLE bot_orders (
    bot_id TEXT NOT NULL,
    client_order_id TEXT NOT NULL,
    symbol TEXT NOT NULL,
    side TEXT NOT NULL,
    type TEXT NOT NULL,
    price BIGINT NOT NULL,
    qty BIGINT NOT NULL,
    quote_amount BIGINT NOT NULL,
    filled_qty BIGINT NOT NULL,
    status TEXT NOT NULL,
    reason TEXT NOT NULL,
    venue_order_id TEXT NOT NULL,
    created_ns BIGINT NOT NULL,
    updated_ns BIGINT NOT NULL,
    PRIMARY KEY (bot_id, client_order_id)
);
CREATE INDEX bot_orders_open ON bot_orders (status, symbol);
CREATE TABLE bot_fills (
    id TEXT PRIMARY KEY,
    bot_id TEXT NOT NULL,
    client_order_id TEXT NOT NULL,
    side TEXT NOT NULL,
    qty BIGINT NOT NULL,
    price BIGINT NOT NULL,
    fee BIGINT NOT NULL,
    order_done INTEGER NOT NULL,
    delivered INTEGER NOT NULL,
    ts_ns BIGINT NOT NULL
);
CREATE INDEX bot_fills_bot ON bot_fills (bot_id, ts_ns);
CREATE TABLE bot_equity (
    bot_id TEXT NOT NULL,
    ts_ns BIGINT NOT NULL,
    equity BIGINT NOT NULL,
    PRIMARY KEY (bot_id, ts_ns)
)
)SQL"},
        {7, "users' exchange API keys",
         // For live bots. Both values are sealed (AES-256-GCM under the server's
         // BOURSE_SECRETS_KEY, bound to user, venue and column); only the last
         // characters of the API key are kept in clear, to show which key it is.
         R"SQL(
CREATE TABLE venue_keys (
    user_id TEXT NOT NULL,
    venue TEXT NOT NULL,
    api_key_sealed TEXT NOT NULL,
    secret_sealed TEXT NOT NULL,
    api_key_hint TEXT NOT NULL,
    updated_ns BIGINT NOT NULL,
    PRIMARY KEY (user_id, venue)
)
)SQL"},
    };
    return list;
}

}  // namespace bourse
