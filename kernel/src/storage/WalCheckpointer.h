//
// WalCheckpointer.h — copies SQLite's write-ahead log back into the database
// file on a thread of its own.
//
// SQLite normally does this inside whichever commit pushes the log past 1,000
// pages; on the commit queue's writer that stalls every order waiting on the
// commit for the length of the copy. The writer's connection turns automatic
// checkpoints off and this thread runs a PASSIVE checkpoint (never blocks
// readers or the writer) every few hundred milliseconds instead.
//
// Threading: owns one thread and one connection; start in the constructor,
// stop in the destructor. Errors are logged and retried on the next round.
//
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

namespace bourse {

class WalCheckpointer {
public:
    WalCheckpointer(std::string databasePath, std::chrono::milliseconds interval);
    ~WalCheckpointer();
    WalCheckpointer(const WalCheckpointer&) = delete;
    WalCheckpointer& operator=(const WalCheckpointer&) = delete;

private:
    void run();

    const std::string _path;
    const std::chrono::milliseconds _interval;
    std::mutex _mutex;
    std::condition_variable _wake;
    bool _stopping = false;
    std::thread _thread;
};

}  // namespace bourse
