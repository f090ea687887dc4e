#include "plugins/TimerService.h"

namespace bourse {

TimerService::TimerService() : _thread([this] { run(); }) {}

TimerService::~TimerService() {
    stop();
}

void TimerService::stop() {
    {
        std::lock_guard lock(_mutex);
        if (_stopping) return;
        _stopping = true;
    }
    _wake.notify_all();
    if (_thread.joinable()) _thread.join();
}

std::uint64_t TimerService::schedule(std::chrono::nanoseconds delay, std::chrono::nanoseconds interval, Fn fn) {
    std::lock_guard lock(_mutex);
    const std::uint64_t id = _nextId++;
    const TimePoint due = std::chrono::steady_clock::now() + std::max(delay, std::chrono::nanoseconds(0));
    _timers.emplace(id, Timer{due, std::max(interval, std::chrono::nanoseconds(0)), std::move(fn)});
    _queue.emplace(due, id);
    _wake.notify_all();
    return id;
}

void TimerService::cancel(std::uint64_t id) {
    std::lock_guard lock(_mutex);
    const auto it = _timers.find(id);
    if (it == _timers.end()) return;
    _queue.erase({it->second.due, id});
    _timers.erase(it);
}

std::size_t TimerService::pending() const {
    std::lock_guard lock(_mutex);
    return _timers.size();
}

void TimerService::run() {
    std::unique_lock lock(_mutex);
    while (!_stopping) {
        if (_queue.empty()) {
            _wake.wait(lock);
            continue;
        }
        const auto [due, id] = *_queue.begin();
        if (std::chrono::steady_clock::now() < due) {
            _wake.wait_until(lock, due);
            continue;
        }
        _queue.erase(_queue.begin());
        auto it = _timers.find(id);
        Fn fn = it->second.fn;  // copy: the timer may be cancelled while it runs
        if (it->second.interval.count() > 0) {
            TimePoint next = due + it->second.interval;
            const TimePoint now = std::chrono::steady_clock::now();
            if (next <= now) next = now + it->second.interval;  // fell behind: skip, don't burst
            it->second.due = next;
            _queue.emplace(next, id);
        } else {
            _timers.erase(it);
        }
        lock.unlock();
        fn();
        lock.lock();
    }
}

}  // namespace bourse
