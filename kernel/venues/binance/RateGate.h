//
// RateGate.h — "do not call before T": what a 429 or 418 with Retry-After means.
//
// Binance answers 429 when a limit is exceeded and 418 (an IP ban that escalates
// from 2 minutes to 3 days) when a client keeps calling during the wait. The
// client closes this gate for Retry-After seconds and refuses calls locally until
// it reopens, so a burst of bot activity can never turn a 429 into a ban.
//
// Threading: thread-safe; the clock must outlive the gate.
//
#pragma once

#include "util/Clock.h"
#include "venues/binance/Result.h"

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace bourse::venues::binance {

class RateGate {
public:
    explicit RateGate(std::shared_ptr<const bourse::Clock> clock) : _clock(std::move(clock)) {}

    /// Closes the gate for `wait` (extends it, never shortens it); `code` is the
    /// Binance code that closed it (-1003 weight, -1015 orders), repeated in refusals.
    void close(std::chrono::seconds wait, bool banned, int code, const std::string& why);
    /// A LocalBackoff error while closed (retryAfter: what is left, rounded up), else nullopt.
    [[nodiscard]] std::optional<VenueError> check() const;

private:
    std::shared_ptr<const bourse::Clock> _clock;
    mutable std::mutex _mutex;
    std::int64_t _untilMs = 0;
    bool _banned = false;
    int _code = 0;
    std::string _why;
};

}  // namespace bourse::venues::binance
