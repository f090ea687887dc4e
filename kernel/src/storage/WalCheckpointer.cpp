#include "storage/WalCheckpointer.h"

#include "log/Log.h"

#include <sqlite3.h>

#include <stdexcept>

namespace bourse {

WalCheckpointer::WalCheckpointer(const std::string& databasePath, std::chrono::milliseconds every) : _every(every) {
    if (sqlite3_open_v2(databasePath.c_str(), &_db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr) !=
        SQLITE_OK) {
        const std::string why = _db ? sqlite3_errmsg(_db) : "out of memory";
        sqlite3_close(_db);
        throw std::runtime_error("storage: cannot open " + databasePath + " for checkpoints: " + why);
    }
    sqlite3_busy_timeout(_db, 5000);  // the read below may meet a writer's lock for a moment
    // A connection learns that the database is in WAL mode when it first reads
    // it; until then every checkpoint would answer "not in WAL mode" and do nothing.
    if (sqlite3_exec(_db, "PRAGMA journal_mode", nullptr, nullptr, nullptr) != SQLITE_OK) {
        const std::string why = sqlite3_errmsg(_db);
        sqlite3_close(_db);
        throw std::runtime_error("storage: cannot read " + databasePath + " for checkpoints: " + why);
    }
    _thread = std::thread([this] { run(); });
}

WalCheckpointer::~WalCheckpointer() {
    stop();
    sqlite3_close(_db);
}

void WalCheckpointer::stop() {
    {
        std::lock_guard lock(_mutex);
        _stopping = true;
    }
    _wake.notify_all();
    if (_thread.joinable()) _thread.join();
}

void WalCheckpointer::run() {
    std::unique_lock lock(_mutex);
    while (!_wake.wait_for(lock, _every, [&] { return _stopping; })) {
        lock.unlock();
        int logFrames = 0, copied = 0;
        const int rc = sqlite3_wal_checkpoint_v2(_db, nullptr, SQLITE_CHECKPOINT_PASSIVE, &logFrames, &copied);
        // BUSY: another checkpoint (the writer's) is running; it does the work.
        if (rc != SQLITE_OK && rc != SQLITE_BUSY)
            log::warn("storage", "a background checkpoint failed", {{"error", sqlite3_errstr(rc)}});
        lock.lock();
    }
}

}  // namespace bourse
