#include "util/RateLimiter.h"

#include <algorithm>
#include <cmath>

namespace bourse {

bool RateLimiter::allow(const std::string& key, std::chrono::seconds* retryAfter) {
    const auto now = std::chrono::steady_clock::now();
    std::lock_guard lock(_mutex);
    if (now - _lastSweep > std::chrono::minutes(5)) {
        // Forget buckets that have refilled completely: they hold no information.
        for (auto it = _buckets.begin(); it != _buckets.end();) {
            const double idle = std::chrono::duration<double>(now - it->second.last).count();
            it = it->second.tokens + idle * _perSecond >= _burst ? _buckets.erase(it) : std::next(it);
        }
        _lastSweep = now;
    }
    auto [it, inserted] = _buckets.try_emplace(key, Bucket{_burst, now});
    Bucket& b = it->second;
    if (!inserted) {
        b.tokens = std::min(_burst, b.tokens + std::chrono::duration<double>(now - b.last).count() * _perSecond);
        b.last = now;
    }
    if (b.tokens >= 1.0) {
        b.tokens -= 1.0;
        return true;
    }
    if (retryAfter) *retryAfter = std::chrono::seconds(static_cast<long>(std::ceil((1.0 - b.tokens) / _perSecond)));
    return false;
}

}  // namespace bourse
