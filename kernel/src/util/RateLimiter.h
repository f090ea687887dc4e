//
// RateLimiter.h — token buckets keyed by a string (client IP, user id):
// `ratePerMinute` sustained with bursts up to `burst`. In memory, per process;
// idle buckets are dropped. Thread-safe.
//
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>

namespace bourse {

class RateLimiter {
public:
    RateLimiter(double ratePerMinute, double burst) : _perSecond(ratePerMinute / 60.0), _burst(burst) {}

    /// Takes one token for key; false (and how long to wait) when the bucket is empty.
    bool allow(const std::string& key, std::chrono::seconds* retryAfter = nullptr);

private:
    struct Bucket {
        double tokens;
        std::chrono::steady_clock::time_point last;
    };
    double _perSecond;
    double _burst;
    std::mutex _mutex;
    std::unordered_map<std::string, Bucket> _buckets;
    std::chrono::steady_clock::time_point _lastSweep = std::chrono::steady_clock::now();
};

}  // namespace bourse
