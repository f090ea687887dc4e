//
// Metrics.h — process metrics rendered in the Prometheus text format (/metrics).
//
// Thread-safe: counters and gauges are atomics; registration takes a lock and
// returns a reference that stays valid for the registry's life.
//
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace bourse {

class Counter {
public:
    void inc(std::uint64_t n = 1) noexcept { _value.fetch_add(n, std::memory_order_relaxed); }
    [[nodiscard]] std::uint64_t value() const noexcept { return _value.load(std::memory_order_relaxed); }

private:
    std::atomic<std::uint64_t> _value{0};
};

class Gauge {
public:
    void set(std::int64_t v) noexcept { _value.store(v, std::memory_order_relaxed); }
    void add(std::int64_t d) noexcept { _value.fetch_add(d, std::memory_order_relaxed); }
    [[nodiscard]] std::int64_t value() const noexcept { return _value.load(std::memory_order_relaxed); }

private:
    std::atomic<std::int64_t> _value{0};
};

/// Latency histogram with fixed buckets in seconds.
class Histogram {
public:
    explicit Histogram(std::vector<double> bounds);
    void observe(double seconds) noexcept;
    [[nodiscard]] const std::vector<double>& bounds() const noexcept { return _bounds; }
    [[nodiscard]] std::uint64_t bucket(std::size_t i) const noexcept { return _buckets[i].load(); }
    [[nodiscard]] std::uint64_t count() const noexcept { return _count.load(); }
    [[nodiscard]] double sum() const noexcept { return static_cast<double>(_sumMicros.load()) / 1e6; }

private:
    std::vector<double> _bounds;
    std::unique_ptr<std::atomic<std::uint64_t>[]> _buckets;
    std::atomic<std::uint64_t> _count{0};
    std::atomic<std::uint64_t> _sumMicros{0};
};

class Metrics {
public:
    /// Get or create. `labels` is the Prometheus label set without braces, e.g. `status="200"`.
    Counter& counter(const std::string& name, const std::string& help, const std::string& labels = "");
    Gauge& gauge(const std::string& name, const std::string& help, const std::string& labels = "");
    Histogram& histogram(const std::string& name, const std::string& help, const std::string& labels = "");

    /// The whole registry in Prometheus text exposition format 0.0.4.
    [[nodiscard]] std::string render() const;

private:
    struct Family {
        std::string help;
        std::string type;
        std::map<std::string, std::unique_ptr<Counter>> counters;
        std::map<std::string, std::unique_ptr<Gauge>> gauges;
        std::map<std::string, std::unique_ptr<Histogram>> histograms;
    };
    Family& family(const std::string& name, const std::string& help, const char* type);

    mutable std::mutex _mutex;
    std::map<std::string, Family> _families;
};

}  // namespace bourse
