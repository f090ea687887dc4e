//
// ServerClock.h — Binance's time as this process estimates it: the local clock
// plus an offset measured with GET /api/v3/time.
//
// Every signed request carries `timestamp`, and Binance refuses it (-1021) when
// it is 1 s ahead of its clock or older than recvWindow. Local clocks drift, so
// the client keeps this offset, re-measures it periodically and after a -1021
// (raising recvWindow is not the fix: wire-formats.md §1.5). A sample assumes the
// server read its clock halfway through the round trip.
//
// Threading: thread-safe (atomics); the local clock must outlive this object.
//
#pragma once

#include "util/Clock.h"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>

namespace bourse::venues::binance {

class ServerClock {
public:
    /// local: the process clock (SystemClock in production, ManualClock in tests).
    explicit ServerClock(std::shared_ptr<const bourse::Clock> local);

    /// Estimated server time now (ms).
    [[nodiscard]] std::int64_t nowMs() const { return localMs() + _offsetMs.load(); }
    [[nodiscard]] std::int64_t localMs() const { return _local->nowMs(); }
    [[nodiscard]] std::int64_t offsetMs() const { return _offsetMs.load(); }

    /// Records a /api/v3/time sample: serverMs read between sentLocalMs and receivedLocalMs.
    void applySample(std::int64_t sentLocalMs, std::int64_t serverMs, std::int64_t receivedLocalMs);
    /// True before the first sample and once `every` has passed since the last one.
    [[nodiscard]] bool due(std::chrono::milliseconds every) const;
    [[nodiscard]] int samples() const { return _samples.load(); }

private:
    std::shared_ptr<const bourse::Clock> _local;
    std::atomic<std::int64_t> _offsetMs{0};
    std::atomic<std::int64_t> _lastSampleLocalMs{0};
    std::atomic<int> _samples{0};
};

}  // namespace bourse::venues::binance
