//
// PreparedSession.h — a connection of its own (not from the pool), and every
// statement it has prepared, kept for re-execution. The commit queue's writer
// is one; Database::read() lends others for the hottest reads.
//
// Poco::Data prepares a statement each time one is executed: a
// sqlite3_prepare on SQLite, and on PostgreSQL a PREPARE, a DESCRIBE and a
// DEALLOCATE round trip around the one that runs it (and Poco 1.11 cannot
// safely re-execute a PostgreSQL statement that once failed). Trade placement
// runs the same dozen statements thousands of times a second, so here they are
// prepared once per connection, on the native handle of the connection Poco
// opened (sqlite3* / PGconn*), and re-executed with new values: on PostgreSQL
// one round trip per execution instead of four. Writes whose outcome the
// caller need not see at once go through defer(): on PostgreSQL they are
// pipelined and ride along with the next statement that waits (libpq pipeline
// mode), so a stake lock costs two round trips, not six.
//
// SQL given to exec()/first()/row() must be a constant text (values go in $1,
// $2 ... placeholders): each distinct text stays prepared for the life of the
// connection. Values: std::string, Poco::Int64, int, and Poco::Nullable of
// the first two; results: Nullable<std::string> or Nullable<Poco::Int64>.
//
// Threading: not thread-safe; used by one thread at a time (the commit
// queue's writer, or the holder of a Database::read() lease). Errors:
// Poco::Data::DataException subclasses (on SQLite the ones Poco's connector
// throws for the same codes, e.g. ConstraintViolationException; on PostgreSQL
// StatementException with the SQLSTATE); after one, the owner discards the
// whole PreparedSession and opens a new one.
//
#pragma once

#include <Poco/Data/Session.h>
#include <Poco/Nullable.h>

#include <algorithm>
#include <functional>
#include <optional>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;
struct pg_conn;
struct pg_result;

namespace bourse {

class PreparedSession {
public:
    PreparedSession(Poco::Data::Session session, bool postgres);
    ~PreparedSession();
    PreparedSession(const PreparedSession&) = delete;
    PreparedSession& operator=(const PreparedSession&) = delete;

    [[nodiscard]] bool isPostgres() const noexcept { return _pg != nullptr; }
    /// Bytes SQLite's page cache holds for this connection (0 on PostgreSQL):
    /// memory that grows with the database up to cache_size, not with what is live.
    [[nodiscard]] std::int64_t cacheBytes() const;

    /// Transaction control. On SQLite begin() takes the write lock up front
    /// (BEGIN IMMEDIATE), like Database::beginWrite.
    void begin();
    void commit();
    void rollback() noexcept;

    /// Runs `sql` with `values` bound to $1, $2 ... and returns how many rows it changed.
    template <typename... T>
    std::size_t exec(const std::string& sql, const T&... values) {
        return withRun(sql, [&](auto& run) {
            run.bindAll(values...);
            return run.execute();
        });
    }

    /// Runs a write whose outcome the caller does not wait for. It must change
    /// at least one row: if it fails or changes none, a later exec()/first()/
    /// row()/commit() of this session throws instead (on SQLite it runs, and
    /// throws, at once).
    template <typename... T>
    void defer(const std::string& sql, const T&... values) {
        withRun(sql, [&](auto& run) {
            run.bindAll(values...);
            run.defer(1);
        });
    }

    /// Deferred multi-row insert: `insertInto` is "INSERT INTO t (a, b, c)";
    /// rows go in statements of up to kRowsPerInsert rows each, and every row
    /// must land (same failure rule as defer()).
    template <typename... T>
    void deferRows(const std::string& insertInto, const std::vector<std::tuple<T...>>& rows) {
        for (std::size_t at = 0; at < rows.size(); at += kRowsPerInsert) {
            const std::size_t count = std::min(kRowsPerInsert, rows.size() - at);
            withRun(multiRowInsert(insertInto, sizeof...(T), count), [&](auto& run) {
                run.bindRows(rows.data() + at, count);
                run.defer(count);
            });
        }
    }
    static constexpr std::size_t kRowsPerInsert = 64;

    /// Runs a query for one column of at most one row; nullopt when no row (or NULL).
    template <typename R, typename... T>
    std::optional<R> first(const std::string& sql, const T&... values) {
        std::tuple<Poco::Nullable<R>> out;
        row(out, sql, values...);
        if (std::get<0>(out).isNull()) return std::nullopt;
        return std::get<0>(out).value();
    }

    /// Runs a query for the columns of at most one row (NULL when SQL NULL);
    /// returns false when there was no row.
    template <typename... R, typename... T>
    bool row(std::tuple<Poco::Nullable<R>...>& out, const std::string& sql, const T&... values) {
        std::apply([](auto&... column) { (column.clear(), ...); }, out);
        return withRun(sql, [&](auto& run) {
            run.bindAll(values...);
            if (!run.step()) return false;
            int i = 0;
            std::apply([&](auto&... column) { (run.read(i++, column), ...); }, out);
            return true;
        });
    }

    /// Like row(), but the caller reads `out` only after this session's next
    /// commit() (or exec()/first()/row(), which wait for everything sent
    /// before them): on PostgreSQL the query is pipelined like defer(), so a
    /// statement that writes and reports what it did costs no round trip of
    /// its own. `out` must outlive that; it stays NULL if there was no row.
    /// On SQLite the query runs at once.
    template <typename... R, typename... T>
    void deferRow(std::tuple<Poco::Nullable<R>...>& out, const std::string& sql, const T&... values) {
        if (!_pg) {
            row(out, sql, values...);
            return;
        }
        std::apply([](auto&... column) { (column.clear(), ...); }, out);
        PgRun run(*this, sql);
        run.bindAll(values...);
        run.deferRead([&out](const pg_result* result) {
            if (pgRowCount(result) == 0) return;
            int i = 0;
            std::apply([&](auto&... column) { (pgRead(result, 0, i++, column), ...); }, out);
        });
    }

    /// How many statements are prepared (for tests).
    [[nodiscard]] std::size_t preparedCount() const noexcept { return _sqlite.size() + _pgNames.size(); }

private:
    /// Binding for both backends: $N is value N.
    template <typename Run>
    struct Binder {
        template <typename... T>
        static void all(Run& run, const T&... values) {
            run.expect(sizeof...(T));
            int number = 1;
            (run.bind(number++, values), ...);
        }
        template <typename... T>
        static void rows(Run& run, const std::tuple<T...>* first, std::size_t count) {
            run.expect(count * sizeof...(T));
            int number = 1;
            for (std::size_t r = 0; r < count; ++r)
                std::apply([&](const auto&... v) { (run.bind(number++, v), ...); }, first[r]);
        }
    };

    /// A prepared SQLite statement and where each $N goes: SQLite numbers
    /// named parameters by first appearance, not by name.
    struct SqliteStatement {
        sqlite3_stmt* stmt = nullptr;
        std::vector<int> indexOf;  ///< [N] = bind index of $N (0: absent)
    };

    /// One execution of a cached SQLite statement; resets it (ending its
    /// implicit read transaction) and clears its bindings when destroyed.
    class SqliteRun {
    public:
        SqliteRun(PreparedSession& owner, const std::string& sql);
        ~SqliteRun();
        SqliteRun(const SqliteRun&) = delete;
        SqliteRun& operator=(const SqliteRun&) = delete;

        template <typename... T>
        void bindAll(const T&... values) {
            Binder<SqliteRun>::all(*this, values...);
        }
        template <typename... T>
        void bindRows(const std::tuple<T...>* first, std::size_t count) {
            Binder<SqliteRun>::rows(*this, first, count);
        }
        void expect(std::size_t) {}
        void bind(int number, const std::string& value);
        void bind(int number, Poco::Int64 value);
        void bind(int number, int value) { bind(number, Poco::Int64{value}); }
        void bind(int number, const Poco::Nullable<std::string>& value);
        void bind(int number, const Poco::Nullable<Poco::Int64>& value);
        bool step();                   ///< true while it yields a row
        std::size_t execute();         ///< steps to the end; rows changed
        void defer(std::size_t rows);  ///< execute(), and throw if it changed fewer rows
        void read(int column, Poco::Nullable<std::string>& out) const;
        void read(int column, Poco::Nullable<Poco::Int64>& out) const;

    private:
        int index(int number) const;
        void check(int rc) const;

        sqlite3* _db;
        const SqliteStatement& _prepared;
        sqlite3_stmt* _stmt;
        const std::string& _sql;
    };

    /// One execution of a prepared PostgreSQL statement: values are sent as
    /// text; step()/execute() wait for the result (and for everything
    /// deferred before it), defer() only sends.
    class PgRun {
    public:
        PgRun(PreparedSession& owner, const std::string& sql);
        ~PgRun();
        PgRun(const PgRun&) = delete;
        PgRun& operator=(const PgRun&) = delete;

        template <typename... T>
        void bindAll(const T&... values) {
            Binder<PgRun>::all(*this, values...);
        }
        template <typename... T>
        void bindRows(const std::tuple<T...>* first, std::size_t count) {
            Binder<PgRun>::rows(*this, first, count);
        }
        void expect(std::size_t values) {
            _values.resize(values);
            _null.assign(values, false);
        }
        void bind(int number, const std::string& value) { _values[static_cast<std::size_t>(number - 1)] = value; }
        void bind(int number, Poco::Int64 value) { bind(number, std::to_string(value)); }
        void bind(int number, int value) { bind(number, Poco::Int64{value}); }
        void bind(int number, const Poco::Nullable<std::string>& value);
        void bind(int number, const Poco::Nullable<Poco::Int64>& value);
        bool step();
        std::size_t execute();
        void defer(std::size_t rows);
        /// Sends without waiting; `deliver` gets the result at the next sync.
        void deferRead(std::function<void(const pg_result*)> deliver);
        void read(int column, Poco::Nullable<std::string>& out) const { pgRead(_result, _row, column, out); }
        void read(int column, Poco::Nullable<Poco::Int64>& out) const { pgRead(_result, _row, column, out); }

    private:
        void send();
        void wait();

        PreparedSession& _owner;
        const std::string& _name;
        const std::string& _sql;
        std::vector<std::string> _values;
        std::vector<bool> _null;
        pg_result* _result = nullptr;
        int _row = -1;
    };

    /// A PostgreSQL command sent but whose result is not read yet.
    struct PgPending {
        enum class Kind { Prepare, Command, Deferred } kind;
        std::string sql;                                     ///< for error messages
        std::size_t rows = 0;                                ///< a deferred write must change at least this many
        std::function<void(const pg_result*)> deliver = {};  ///< a deferred read's reader
    };
    static int pgRowCount(const pg_result* result);
    static void pgRead(const pg_result* result, int row, int column, Poco::Nullable<std::string>& out);
    static void pgRead(const pg_result* result, int row, int column, Poco::Nullable<Poco::Int64>& out);

    template <typename F>
    decltype(auto) withRun(const std::string& sql, F&& body) {
        if (_pg) {
            PgRun run(*this, sql);
            return body(run);
        }
        SqliteRun run(*this, sql);
        return body(run);
    }

    /// "INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4)" for `rows` rows, cached.
    const std::string& multiRowInsert(const std::string& insertInto, std::size_t columns, std::size_t rows);

    const SqliteStatement& sqliteStatement(const std::string& sql);
    const std::string& pgStatement(const std::string& sql);
    /// Sends a command without parameters (BEGIN, COMMIT...) into the pipeline.
    void pgSendCommand(const char* sql);
    /// Syncs the pipeline and reads every pending result; returns the last
    /// command's (the caller frees it) and throws the first error met.
    pg_result* pgWait();

    Poco::Data::Session _session;
    sqlite3* _db = nullptr;  // Poco's handles: Poco closes them
    pg_conn* _pg = nullptr;
    std::unordered_map<std::string, SqliteStatement> _sqlite;
    std::unordered_map<std::string, std::string> _pgNames;  // SQL text -> prepared statement name
    std::vector<PgPending> _pgPending;
    std::unordered_map<std::string, std::string> _multiRow;  // key -> SQL text
};

}  // namespace bourse
