//
// Clock.h — the kernel's source of "now", injectable so tests can move time.
//
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace bourse {

class Clock {
public:
    virtual ~Clock() = default;
    /// Epoch nanoseconds.
    [[nodiscard]] virtual std::int64_t nowNs() const = 0;
    [[nodiscard]] std::int64_t nowMs() const { return nowNs() / 1'000'000; }
};

class SystemClock final : public Clock {
public:
    [[nodiscard]] std::int64_t nowNs() const override {
        return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    }
};

/// A clock that only moves when told to. Thread-safe.
class ManualClock final : public Clock {
public:
    explicit ManualClock(std::int64_t startNs = 1'700'000'000'000'000'000) : _now(startNs) {}
    [[nodiscard]] std::int64_t nowNs() const override { return _now.load(); }
    void set(std::int64_t ns) { _now.store(ns); }
    void advance(std::chrono::nanoseconds d) { _now.fetch_add(d.count()); }

private:
    std::atomic<std::int64_t> _now;
};

}  // namespace bourse
