#include "venues/binance/RateGate.h"

namespace bourse::venues::binance {

void RateGate::close(std::chrono::seconds wait, bool banned, int code, const std::string& why) {
    std::lock_guard lock(_mutex);
    const std::int64_t until = _clock->nowMs() + std::chrono::duration_cast<std::chrono::milliseconds>(wait).count();
    if (until <= _untilMs) return;
    _untilMs = until;
    _banned = banned;
    _code = code;
    _why = why;
}

std::optional<VenueError> RateGate::check() const {
    std::lock_guard lock(_mutex);
    const std::int64_t left = _untilMs - _clock->nowMs();
    if (left <= 0) return std::nullopt;
    return VenueError{ErrorKind::LocalBackoff, 0, _code,
                      std::string(_banned ? "banned" : "rate-limited") + " by Binance; not calling until Retry-After " +
                          "has passed (" + _why + ")",
                      std::chrono::seconds((left + 999) / 1000)};
}

}  // namespace bourse::venues::binance
