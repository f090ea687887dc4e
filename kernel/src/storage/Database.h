//
// Database.h — Poco::Data sessions for the embedded (SQLite, WAL) and the
// production (PostgreSQL) profile, and the versioned migrations both share.
//
// SQL in the kernel uses $1, $2 ... placeholders, which both backends accept.
// Thread-safety: session() may be called from any thread; each Session is used
// by one thread at a time and returned to the pool when it goes out of scope.
//
#pragma once

#include "config/Config.h"

#include <Poco/Data/Session.h>
#include <Poco/Data/SessionPool.h>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace bourse {

class PreparedSession;

class Database {
public:
    Database(const StorageConfig& config, const std::string& dataDir);
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    /// A pooled session, ready for use (SQLite pragmas applied).
    Poco::Data::Session session();

    /// A connection of its own (not from the pool) for the commit queue's writer.
    std::unique_ptr<PreparedSession> openPreparedSession() const;

    /// Lends `fn` one of a few connections kept for the hottest reads (the
    /// per-order checks of trade placement), whose statements stay prepared.
    /// Blocks while all are lent; after a database error the lent connection
    /// is replaced. Read-only use: writes go through the CommitQueue.
    void read(const std::function<void(PreparedSession&)>& fn);

    /// Starts a transaction that will write. On SQLite it takes the write lock
    /// up front (BEGIN IMMEDIATE): a transaction that reads first and upgrades
    /// later fails at once if another writer committed in between, instead of
    /// waiting its turn. Pair with commit() / rollback() below.
    void beginWrite(Poco::Data::Session& s) const;
    void commit(Poco::Data::Session& s) const;
    void rollback(Poco::Data::Session& s) const noexcept;

    [[nodiscard]] bool isPostgres() const noexcept { return _postgres; }
    /// The database file on SQLite; nullopt on PostgreSQL.
    [[nodiscard]] std::optional<std::string> sqlitePath() const {
        return _postgres ? std::nullopt : std::optional<std::string>(_target);
    }
    /// "sqlite:/path/to/bourse.db" or "postgresql" (the DSN may hold a password).
    [[nodiscard]] std::string describe() const;

    /// Applies pending migrations in order, each in its own transaction.
    /// Returns how many were applied.
    int migrate();
    /// Highest applied migration version (0 for an empty database).
    int schemaVersion();

private:
    struct Reader {
        std::mutex mutex;
        std::unique_ptr<PreparedSession> session;  // opened on first use
    };

    bool _postgres;
    std::string _target;
    std::unique_ptr<Poco::Data::SessionPool> _pool;
    std::vector<std::unique_ptr<Reader>> _readers;
    std::atomic<std::size_t> _nextReader{0};
};

}  // namespace bourse
