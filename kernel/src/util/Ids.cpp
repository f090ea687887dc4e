#include "util/Ids.h"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <random>

namespace bourse {

std::string newId(std::string_view prefix) {
    static std::atomic<std::uint64_t> counter{[] {
        std::random_device rd;
        return (static_cast<std::uint64_t>(rd()) << 32 | rd()) & 0xFFFFFFFFFFULL;
    }()};
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    const std::uint64_t n = counter.fetch_add(1) & 0xFFFFFFFFFFULL;
    char buf[32];
    std::snprintf(buf, sizeof buf, "%012llx%010llx", static_cast<unsigned long long>(ms),
                  static_cast<unsigned long long>(n));
    std::string out(prefix);
    out += '_';
    out += buf;
    return out;
}

}  // namespace bourse
