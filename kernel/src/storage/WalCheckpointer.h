//
// WalCheckpointer.h — copies SQLite's write-ahead log back into the database
// on a thread of its own.
//
// The writer (CommitQueue) checkpoints by itself once a commit takes the log
// past 2,000 pages (Database.cpp); that commit, and every order or bot fill
// waiting on it, then waits while 8 MiB are copied and synced: a stall of
// 30–100 ms every second or two under a steady stream of small commits (the
// bot runner's). Passive checkpoints from here, ten times a second, copy what
// is committed while the writer goes on; once the whole log is copied the
// writer starts it from the top again, so its own checkpoint rarely has work
// left. A passive checkpoint never waits for a lock and never blocks the
// writer; under a load it cannot keep up with, the writer's own checkpoint
// still bounds the log.
//
// Threading: one thread, started by the constructor; stop() (or the
// destructor) joins it. Errors: logged, never thrown after construction.
//
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

struct sqlite3;

namespace bourse {

class WalCheckpointer {
public:
    /// Throws std::runtime_error when the database cannot be opened.
    WalCheckpointer(const std::string& databasePath, std::chrono::milliseconds every);
    ~WalCheckpointer();
    WalCheckpointer(const WalCheckpointer&) = delete;
    WalCheckpointer& operator=(const WalCheckpointer&) = delete;

    void stop();

private:
    void run();

    sqlite3* _db = nullptr;
    const std::chrono::milliseconds _every;
    std::mutex _mutex;
    std::condition_variable _wake;
    bool _stopping = false;
    std::thread _thread;
};

}  // namespace bourse
