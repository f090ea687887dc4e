#include "metrics/Metrics.h"

#include <sstream>
#include <stdexcept>

namespace bourse {

Histogram::Histogram(std::vector<double> bounds)
    : _bounds(std::move(bounds)), _buckets(new std::atomic<std::uint64_t>[_bounds.size()]) {
    for (std::size_t i = 0; i < _bounds.size(); ++i)
        _buckets[i].store(0);
}

void Histogram::observe(double seconds) noexcept {
    for (std::size_t i = 0; i < _bounds.size(); ++i)
        if (seconds <= _bounds[i]) _buckets[i].fetch_add(1, std::memory_order_relaxed);
    _count.fetch_add(1, std::memory_order_relaxed);
    _sumMicros.fetch_add(static_cast<std::uint64_t>(seconds * 1e6), std::memory_order_relaxed);
}

Metrics::Family& Metrics::family(const std::string& name, const std::string& help, const char* type) {
    auto [it, inserted] = _families.try_emplace(name);
    if (inserted) {
        it->second.help = help;
        it->second.type = type;
    } else if (it->second.type != type) {
        throw std::logic_error("metric " + name + " registered with two types");
    }
    return it->second;
}

Counter& Metrics::counter(const std::string& name, const std::string& help, const std::string& labels) {
    std::lock_guard lock(_mutex);
    auto& slot = family(name, help, "counter").counters[labels];
    if (!slot) slot = std::make_unique<Counter>();
    return *slot;
}

Gauge& Metrics::gauge(const std::string& name, const std::string& help, const std::string& labels) {
    std::lock_guard lock(_mutex);
    auto& slot = family(name, help, "gauge").gauges[labels];
    if (!slot) slot = std::make_unique<Gauge>();
    return *slot;
}

Histogram& Metrics::histogram(const std::string& name, const std::string& help, const std::string& labels) {
    std::lock_guard lock(_mutex);
    auto& slot = family(name, help, "histogram").histograms[labels];
    if (!slot)
        slot = std::make_unique<Histogram>(
            std::vector<double>{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5});
    return *slot;
}

namespace {
std::string withLabels(const std::string& name, const std::string& labels, const std::string& extra = "") {
    std::string all = labels;
    if (!extra.empty()) all += (all.empty() ? "" : ",") + extra;
    return all.empty() ? name : name + "{" + all + "}";
}
}  // namespace

std::string Metrics::render() const {
    std::lock_guard lock(_mutex);
    std::ostringstream out;
    for (const auto& [name, f] : _families) {
        out << "# HELP " << name << ' ' << f.help << "\n# TYPE " << name << ' ' << f.type << '\n';
        for (const auto& [labels, c] : f.counters)
            out << withLabels(name, labels) << ' ' << c->value() << '\n';
        for (const auto& [labels, g] : f.gauges)
            out << withLabels(name, labels) << ' ' << g->value() << '\n';
        for (const auto& [labels, h] : f.histograms) {
            for (std::size_t i = 0; i < h->bounds().size(); ++i) {
                std::ostringstream le;
                le << "le=\"" << h->bounds()[i] << '"';
                out << withLabels(name + "_bucket", labels, le.str()) << ' ' << h->bucket(i) << '\n';
            }
            out << withLabels(name + "_bucket", labels, "le=\"+Inf\"") << ' ' << h->count() << '\n';
            out << withLabels(name + "_sum", labels) << ' ' << h->sum() << '\n';
            out << withLabels(name + "_count", labels) << ' ' << h->count() << '\n';
        }
    }
    return out.str();
}

}  // namespace bourse
