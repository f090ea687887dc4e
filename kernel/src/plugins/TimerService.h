//
// TimerService.h — the host timers plugins use (host->timer_start).
//
// One thread waits for the earliest due timer and runs its function. Functions
// must not block (the plugin contract forbids it); each one locks its own
// plugin instance, so a slow plugin delays only timers due at the same moment.
// Repeating timers that fall behind skip missed beats instead of bursting.
// Thread-safe; cancel() never blocks.
//
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <thread>

namespace bourse {

class TimerService {
public:
    using Fn = std::function<void()>;

    TimerService();
    ~TimerService();
    TimerService(const TimerService&) = delete;
    TimerService& operator=(const TimerService&) = delete;

    /// Runs fn after delay and then every interval (zero: once). Returns an id > 0.
    std::uint64_t schedule(std::chrono::nanoseconds delay, std::chrono::nanoseconds interval, Fn fn);
    /// Cancels; a run already in progress finishes. Unknown ids are ignored.
    void cancel(std::uint64_t id);
    [[nodiscard]] std::size_t pending() const;

    void stop();

private:
    using TimePoint = std::chrono::steady_clock::time_point;
    struct Timer {
        TimePoint due;
        std::chrono::nanoseconds interval;
        Fn fn;
    };
    void run();

    mutable std::mutex _mutex;
    std::condition_variable _wake;
    std::map<std::uint64_t, Timer> _timers;
    std::set<std::pair<TimePoint, std::uint64_t>> _queue;
    std::uint64_t _nextId = 1;
    bool _stopping = false;
    std::thread _thread;
};

}  // namespace bourse
