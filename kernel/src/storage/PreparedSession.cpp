#include "storage/PreparedSession.h"

#include <Poco/Data/DataException.h>
#include <Poco/Data/PostgreSQL/PostgreSQLException.h>
#include <Poco/Data/PostgreSQL/SessionImpl.h>
#include <Poco/Data/SQLite/Utility.h>

#include <libpq-fe.h>
#include <sqlite3.h>

#include <cstdlib>
#include <stdexcept>

namespace bourse {

namespace {

[[noreturn]] void throwPg(PGconn* conn, const PGresult* result, const std::string& sql) {
    const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
    std::string message = result ? PQresultErrorMessage(result) : PQerrorMessage(conn);
    while (!message.empty() && (message.back() == '\n' || message.back() == ' '))
        message.pop_back();
    throw Poco::Data::PostgreSQL::StatementException(message + " [SQLSTATE " + (state ? state : "none") + "] " + sql);
}

}  // namespace

PreparedSession::PreparedSession(Poco::Data::Session session, bool postgres) : _session(std::move(session)) {
    if (postgres) {
        auto* impl = dynamic_cast<Poco::Data::PostgreSQL::SessionImpl*>(_session.impl());
        if (!impl) throw std::logic_error("PreparedSession: not a PostgreSQL session");
        _pg = impl->handle();
        // From here on this connection speaks only the pipelined, asynchronous
        // API (Poco never touches it again).
        if (PQenterPipelineMode(_pg) != 1) throwPg(_pg, nullptr, "enter pipeline mode");
    } else {
        _db = Poco::Data::SQLite::Utility::dbHandle(_session);
    }
}

PreparedSession::~PreparedSession() {
    // Before Poco closes the connection: an unfinalized statement keeps it open.
    // (PostgreSQL drops prepared statements with the connection.)
    for (auto& [sql, prepared] : _sqlite)
        sqlite3_finalize(prepared.stmt);
}

std::int64_t PreparedSession::cacheBytes() const {
    if (!_db) return 0;
    int current = 0, highest = 0;
    sqlite3_db_status(_db, SQLITE_DBSTATUS_CACHE_USED, &current, &highest, 0);
    return current;
}

void PreparedSession::begin() {
    // On PostgreSQL BEGIN does not wait: it travels with the transaction's first statement.
    if (_pg)
        pgSendCommand("BEGIN");
    else
        exec("BEGIN IMMEDIATE");
}

void PreparedSession::commit() {
    if (_pg) {
        pgSendCommand("COMMIT");
        PQclear(pgWait());
    } else {
        exec("COMMIT");
    }
}

void PreparedSession::rollback() noexcept {
    try {
        if (_pg) {
            pgSendCommand("ROLLBACK");
            PQclear(pgWait());
        } else if (!sqlite3_get_autocommit(_db)) {
            exec("ROLLBACK");
        }
    } catch (...) {
        // Nothing to undo if the transaction is already gone (e.g. the connection dropped).
    }
}

const std::string& PreparedSession::multiRowInsert(const std::string& insertInto, std::size_t columns,
                                                   std::size_t rows) {
    const std::string key = insertInto + "#" + std::to_string(rows);
    if (const auto it = _multiRow.find(key); it != _multiRow.end()) return it->second;
    std::string sql = insertInto + " VALUES ";
    int number = 1;
    for (std::size_t r = 0; r < rows; ++r) {
        sql += r ? ", (" : "(";
        for (std::size_t c = 0; c < columns; ++c)
            sql += (c ? ", $" : "$") + std::to_string(number++);
        sql += ")";
    }
    return _multiRow.emplace(key, std::move(sql)).first->second;
}

// --- SQLite -----------------------------------------------------------------

const PreparedSession::SqliteStatement& PreparedSession::sqliteStatement(const std::string& sql) {
    if (const auto it = _sqlite.find(sql); it != _sqlite.end()) return it->second;
    SqliteStatement prepared;
    // PERSISTENT: this statement lives as long as the connection.
    const int rc = sqlite3_prepare_v3(_db, sql.c_str(), static_cast<int>(sql.size() + 1), SQLITE_PREPARE_PERSISTENT,
                                      &prepared.stmt, nullptr);
    if (rc != SQLITE_OK) {
        sqlite3_finalize(prepared.stmt);
        Poco::Data::SQLite::Utility::throwException(_db, rc, sql);
    }
    // Where each $N goes, looked up once (sqlite3_bind_parameter_index is a linear search).
    const int count = sqlite3_bind_parameter_count(prepared.stmt);
    prepared.indexOf.assign(static_cast<std::size_t>(count) + 1, 0);
    for (int i = 1; i <= count; ++i) {
        const char* name = sqlite3_bind_parameter_name(prepared.stmt, i);
        const long number = name && name[0] == '$' ? std::strtol(name + 1, nullptr, 10) : 0;
        if (number < 1 || number > count) {
            sqlite3_finalize(prepared.stmt);
            throw std::logic_error("PreparedSession: parameters must be $1..$" + std::to_string(count) + ": " + sql);
        }
        prepared.indexOf[static_cast<std::size_t>(number)] = i;
    }
    return _sqlite.emplace(sql, std::move(prepared)).first->second;
}

PreparedSession::SqliteRun::SqliteRun(PreparedSession& owner, const std::string& sql)
    : _db(owner._db), _prepared(owner.sqliteStatement(sql)), _stmt(_prepared.stmt), _sql(sql) {}

PreparedSession::SqliteRun::~SqliteRun() {
    sqlite3_reset(_stmt);
    sqlite3_clear_bindings(_stmt);
}

void PreparedSession::SqliteRun::check(int rc) const {
    if (rc != SQLITE_OK) Poco::Data::SQLite::Utility::throwException(_db, rc, _sql);
}

int PreparedSession::SqliteRun::index(int number) const {
    const auto n = static_cast<std::size_t>(number);
    if (n >= _prepared.indexOf.size() || _prepared.indexOf[n] == 0)
        throw std::logic_error("PreparedSession: no parameter $" + std::to_string(number) + " in: " + _sql);
    return _prepared.indexOf[n];
}

void PreparedSession::SqliteRun::bind(int number, const std::string& value) {
    check(sqlite3_bind_text(_stmt, index(number), value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT));
}

void PreparedSession::SqliteRun::bind(int number, Poco::Int64 value) {
    check(sqlite3_bind_int64(_stmt, index(number), value));
}

void PreparedSession::SqliteRun::bind(int number, const Poco::Nullable<std::string>& value) {
    if (value.isNull())
        check(sqlite3_bind_null(_stmt, index(number)));
    else
        bind(number, value.value());
}

void PreparedSession::SqliteRun::bind(int number, const Poco::Nullable<Poco::Int64>& value) {
    if (value.isNull())
        check(sqlite3_bind_null(_stmt, index(number)));
    else
        bind(number, value.value());
}

bool PreparedSession::SqliteRun::step() {
    const int rc = sqlite3_step(_stmt);
    if (rc == SQLITE_ROW) return true;
    if (rc != SQLITE_DONE) Poco::Data::SQLite::Utility::throwException(_db, rc, _sql);
    return false;
}

void PreparedSession::SqliteRun::defer(std::size_t rows) {
    if (execute() < rows) throw Poco::Data::DataException("deferred write changed too few rows: " + _sql);
}

std::size_t PreparedSession::SqliteRun::execute() {
    while (step()) {
    }
    // Rows changed by this statement (0 for an UPDATE that matched nothing).
    return static_cast<std::size_t>(sqlite3_changes(_db));
}

void PreparedSession::SqliteRun::read(int column, Poco::Nullable<std::string>& out) const {
    if (sqlite3_column_type(_stmt, column) == SQLITE_NULL) return out.clear();
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(_stmt, column));
    out = std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(_stmt, column)));
}

void PreparedSession::SqliteRun::read(int column, Poco::Nullable<Poco::Int64>& out) const {
    if (sqlite3_column_type(_stmt, column) == SQLITE_NULL) return out.clear();
    out = static_cast<Poco::Int64>(sqlite3_column_int64(_stmt, column));
}

// --- PostgreSQL -------------------------------------------------------------

const std::string& PreparedSession::pgStatement(const std::string& sql) {
    if (const auto it = _pgNames.find(sql); it != _pgNames.end()) return it->second;
    const std::string name = "bourse_" + std::to_string(_pgNames.size() + 1);
    // Pipelined too: the statement that uses it follows right behind.
    if (PQsendPrepare(_pg, name.c_str(), sql.c_str(), 0, nullptr) != 1) throwPg(_pg, nullptr, sql);
    _pgPending.push_back({PgPending::Kind::Prepare, sql, 0});
    return _pgNames.emplace(sql, name).first->second;
}

void PreparedSession::pgSendCommand(const char* sql) {
    if (PQsendQueryParams(_pg, sql, 0, nullptr, nullptr, nullptr, nullptr, 0) != 1) throwPg(_pg, nullptr, sql);
    _pgPending.push_back({PgPending::Kind::Command, sql, 0});
}

PGresult* PreparedSession::pgWait() {
    if (PQpipelineSync(_pg) != 1) throwPg(_pg, nullptr, "pipeline sync");
    std::string error;
    PGresult* last = nullptr;
    for (std::size_t i = 0; i < _pgPending.size(); ++i) {
        const PgPending& p = _pgPending[i];
        PGresult* r = PQgetResult(_pg);
        if (!r) throwPg(_pg, nullptr, p.sql);  // the connection is gone
        const auto status = PQresultStatus(r);
        if (error.empty()) {
            if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
                error = std::string(PQresultErrorMessage(r)) + " [SQLSTATE " +
                        (PQresultErrorField(r, PG_DIAG_SQLSTATE) ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : "none") +
                        "] " + p.sql;
            } else if (p.kind == PgPending::Kind::Deferred && std::strtoull(PQcmdTuples(r), nullptr, 10) < p.rows) {
                error = "deferred write changed too few rows: " + p.sql;
            } else if (p.deliver) {
                p.deliver(r);
            }
        }
        if (i + 1 == _pgPending.size() && error.empty())
            last = r;
        else
            PQclear(r);
        PQclear(PQgetResult(_pg));  // the NULL that ends each command's results
    }
    _pgPending.clear();
    PGresult* sync = PQgetResult(_pg);
    const bool synced = sync && PQresultStatus(sync) == PGRES_PIPELINE_SYNC;
    PQclear(sync);
    if (!synced && error.empty()) error = "pipeline out of step (no sync result)";
    if (!error.empty()) {
        PQclear(last);
        while (!error.empty() && (error.back() == '\n' || error.back() == ' '))
            error.pop_back();
        throw Poco::Data::PostgreSQL::StatementException(error);
    }
    return last;
}

PreparedSession::PgRun::PgRun(PreparedSession& owner, const std::string& sql)
    : _owner(owner), _name(owner.pgStatement(sql)), _sql(sql) {}

PreparedSession::PgRun::~PgRun() {
    PQclear(_result);
}

void PreparedSession::PgRun::bind(int number, const Poco::Nullable<std::string>& value) {
    if (value.isNull())
        _null[static_cast<std::size_t>(number - 1)] = true;
    else
        bind(number, value.value());
}

void PreparedSession::PgRun::bind(int number, const Poco::Nullable<Poco::Int64>& value) {
    if (value.isNull())
        _null[static_cast<std::size_t>(number - 1)] = true;
    else
        bind(number, value.value());
}

void PreparedSession::PgRun::send() {
    std::vector<const char*> params(_values.size());
    for (std::size_t i = 0; i < _values.size(); ++i)
        params[i] = _null[i] ? nullptr : _values[i].c_str();
    if (PQsendQueryPrepared(_owner._pg, _name.c_str(), static_cast<int>(params.size()), params.data(), nullptr, nullptr,
                            0) != 1)
        throwPg(_owner._pg, nullptr, _sql);
}

void PreparedSession::PgRun::wait() {
    send();
    _owner._pgPending.push_back({PgPending::Kind::Command, _sql, 0});
    _result = _owner.pgWait();
}

void PreparedSession::PgRun::defer(std::size_t rows) {
    send();
    _owner._pgPending.push_back({PgPending::Kind::Deferred, _sql, rows});
}

bool PreparedSession::PgRun::step() {
    if (!_result) wait();
    ++_row;
    return _row < PQntuples(_result);
}

std::size_t PreparedSession::PgRun::execute() {
    if (!_result) wait();
    const char* changed = PQcmdTuples(_result);  // "" for statements that change no rows by nature
    return changed && *changed ? static_cast<std::size_t>(std::strtoull(changed, nullptr, 10))
                               : static_cast<std::size_t>(PQntuples(_result));
}

void PreparedSession::PgRun::deferRead(std::function<void(const pg_result*)> deliver) {
    send();
    _owner._pgPending.push_back({PgPending::Kind::Deferred, _sql, 0, std::move(deliver)});
}

int PreparedSession::pgRowCount(const pg_result* result) {
    return PQntuples(result);
}

void PreparedSession::pgRead(const pg_result* result, int row, int column, Poco::Nullable<std::string>& out) {
    if (PQgetisnull(result, row, column)) return out.clear();
    out = std::string(PQgetvalue(result, row, column), static_cast<std::size_t>(PQgetlength(result, row, column)));
}

void PreparedSession::pgRead(const pg_result* result, int row, int column, Poco::Nullable<Poco::Int64>& out) {
    if (PQgetisnull(result, row, column)) return out.clear();
    out = static_cast<Poco::Int64>(std::strtoll(PQgetvalue(result, row, column), nullptr, 10));
}

}  // namespace bourse
