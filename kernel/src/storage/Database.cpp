#include "storage/Database.h"

#include "log/Log.h"
#include "storage/Migrations.h"
#include "storage/PreparedSession.h"

#include <Poco/Data/DataException.h>
#include <Poco/Data/PostgreSQL/Connector.h>
#include <Poco/Data/SQLite/Connector.h>
#include <Poco/File.h>
#include <Poco/Path.h>

#include <sqlite3.h>

#include <chrono>
#include <mutex>
#include <optional>
#include <thread>

using namespace Poco::Data::Keywords;

namespace bourse {

namespace {

void registerConnectors() {
    static std::once_flag once;
    std::call_once(once, [] {
        // Process-wide SQLite settings, which only take effect before its first use:
        // no allocation statistics (they take a global mutex on every malloc, which
        // serialised our request threads). Refused (and harmless) if SQLite was
        // already initialised by someone else. Reads stay pread() copies, not a
        // memory map: the checkpoints grow the file all the time, and every reader
        // connection then unmaps and remaps it (a TLB shootdown across the cores
        // per read; placements ran 15% faster without the map).
        sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
        Poco::Data::SQLite::Connector::registerConnector();
        Poco::Data::PostgreSQL::Connector::registerConnector();
    });
}

std::vector<std::string> splitStatements(const std::string& sql) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start < sql.size()) {
        std::size_t end = sql.find(';', start);
        if (end == std::string::npos) end = sql.size();
        std::string stmt = sql.substr(start, end - start);
        if (stmt.find_first_not_of(" \t\r\n") != std::string::npos) out.push_back(stmt);
        start = end + 1;
    }
    return out;
}

std::int64_t nowNs() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

}  // namespace

Database::Database(const StorageConfig& config, const std::string& dataDir) : _postgres(config.driver == "postgresql") {
    registerConnectors();
    // A few are enough: each read is one short prepared query, and every
    // reader is a connection of its own on the database server.
    constexpr std::size_t kHotReaders = 4;
    for (std::size_t i = 0; i < kHotReaders; ++i)
        _readers.push_back(std::make_unique<Reader>());
    if (_postgres) {
        _target = config.postgresDsn;
        _pool = std::make_unique<Poco::Data::SessionPool>("PostgreSQL", _target, 1, config.poolSize, 60);
    } else {
        Poco::File(dataDir).createDirectories();
        Poco::Path p(config.sqlitePath);
        _target = p.isAbsolute() ? p.toString() : Poco::Path(Poco::Path(dataDir).makeDirectory(), p).toString();
        _pool = std::make_unique<Poco::Data::SessionPool>("SQLite", _target, 1, config.poolSize, 60);
        // Writers wait up to 5 s for the write lock instead of failing (set on every
        // pooled connection when it is created, not on each checkout).
        _pool->setProperty("connectionTimeout", Poco::Any(std::size_t(5)));
        Poco::Data::Session s = _pool->get();
        // WAL lets readers run during writes. synchronous stays FULL (the default):
        // group commit makes the fsync per commit affordable, and then not even an
        // OS crash loses a committed transaction.
        s << "PRAGMA journal_mode=WAL", now;
    }
}

Database::~Database() = default;

std::string Database::describe() const {
    return _postgres ? "postgresql" : "sqlite:" + _target;
}

Poco::Data::Session Database::session() {
    // Poco's pool throws when every session is out; wait for one to come back
    // instead, so a burst of requests queues rather than failing.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    auto pause = std::chrono::microseconds(100);
    std::optional<Poco::Data::Session> pooled;
    while (!pooled) {
        try {
            pooled.emplace(_pool->get());
        } catch (const Poco::Data::SessionPoolExhaustedException&) {
            if (std::chrono::steady_clock::now() > deadline) throw;
            std::this_thread::sleep_for(pause);
            pause = std::min(pause * 2, std::chrono::microseconds(5000));
        }
    }
    return *pooled;
}

std::unique_ptr<PreparedSession> Database::openPreparedSession() const {
    Poco::Data::Session s(_postgres ? "PostgreSQL" : "SQLite", _target);
    if (!_postgres) {
        s.setProperty("connectionTimeout", Poco::Any(std::size_t(5)));
        // The writer touches the same index pages over and over: keep more of them (64 MiB).
        s << "PRAGMA cache_size = -65536", now;
        // The writer copies the log back into the database itself, after the commit
        // that takes it past 2,000 pages (8 MiB). Only a checkpoint that runs while
        // nobody appends can finish, and only a finished one lets the next commit
        // start the log from the top again; checkpoints on another thread never
        // caught up with the writer, the log grew by 150 MB/s and every append
        // had the kernel zero fresh file pages. Larger thresholds mean fewer but
        // longer stalls of the orders waiting on that commit (p99). Now a
        // WalCheckpointer copies pages back in the background as well, so this
        // checkpoint usually finds the work done; it remains the bound on the log.
        s << "PRAGMA wal_autocheckpoint = 2000", now;
    }
    return std::make_unique<PreparedSession>(std::move(s), _postgres);
}

void Database::read(const std::function<void(PreparedSession&)>& fn) {
    Reader& r = *_readers[_nextReader.fetch_add(1, std::memory_order_relaxed) % _readers.size()];
    std::lock_guard lock(r.mutex);
    if (!r.session) r.session = openPreparedSession();
    try {
        fn(*r.session);
    } catch (const Poco::Exception&) {
        r.session.reset();  // a statement cut short cannot run again; the connection may be gone
        throw;
    }
}

void Database::beginWrite(Poco::Data::Session& s) const {
    if (_postgres)
        s.begin();
    else
        s << "BEGIN IMMEDIATE", now;
}

void Database::commit(Poco::Data::Session& s) const {
    if (_postgres)
        s.commit();
    else
        s << "COMMIT", now;
}

void Database::rollback(Poco::Data::Session& s) const noexcept {
    try {
        if (_postgres)
            s.rollback();
        else
            s << "ROLLBACK", now;
    } catch (...) {
        // Nothing to undo if the transaction is already gone (e.g. the connection dropped).
    }
}

int Database::schemaVersion() {
    Poco::Data::Session s = session();
    s << "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
         "applied_ns BIGINT NOT NULL)",
        now;
    Poco::Nullable<int> v;
    s << "SELECT MAX(version) FROM schema_migrations", into(v), now;
    return v.isNull() ? 0 : v.value();
}

int Database::migrate() {
    const int current = schemaVersion();
    int applied = 0;
    for (const Migration& m : migrations()) {
        if (m.version <= current) continue;
        Poco::Data::Session s = session();
        beginWrite(s);
        try {
            std::string sql = m.sql;
            for (auto at = sql.find("{{serial_primary_key}}"); at != std::string::npos;
                 at = sql.find("{{serial_primary_key}}"))
                sql.replace(at, 22, _postgres ? "BIGSERIAL PRIMARY KEY" : "INTEGER PRIMARY KEY AUTOINCREMENT");
            for (const std::string& stmt : splitStatements(sql))
                s << stmt, now;
            int version = m.version;
            std::string name = m.name;
            std::int64_t at = nowNs();
            s << "INSERT INTO schema_migrations (version, name, applied_ns) VALUES ($1, $2, $3)", use(version),
                use(name), use(at), now;
            commit(s);
        } catch (...) {
            rollback(s);
            throw;
        }
        log::info("storage", "migration applied", {{"version", std::to_string(m.version)}, {"name", m.name}});
        ++applied;
    }
    return applied;
}

}  // namespace bourse
