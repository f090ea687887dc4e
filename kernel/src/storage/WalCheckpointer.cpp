#include "storage/WalCheckpointer.h"

#include "log/Log.h"

#include <Poco/Data/Session.h>

namespace bourse {

WalCheckpointer::WalCheckpointer(std::string databasePath, std::chrono::milliseconds interval)
    : _path(std::move(databasePath)), _interval(interval), _thread([this] { run(); }) {}

WalCheckpointer::~WalCheckpointer() {
    {
        std::lock_guard lock(_mutex);
        _stopping = true;
    }
    _wake.notify_all();
    _thread.join();
}

void WalCheckpointer::run() {
    std::unique_lock lock(_mutex);
    while (!_wake.wait_for(lock, _interval, [&] { return _stopping; })) {
        lock.unlock();
        try {
            Poco::Data::Session s("SQLite", _path);
            s << "PRAGMA wal_checkpoint(PASSIVE)", Poco::Data::Keywords::now;
        } catch (const Poco::Exception& e) {
            log::warn("storage", "WAL checkpoint failed", {{"error", e.displayText()}});
        }
        lock.lock();
    }
}

}  // namespace bourse
