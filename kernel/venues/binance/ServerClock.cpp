#include "venues/binance/ServerClock.h"

#include <stdexcept>

namespace bourse::venues::binance {

ServerClock::ServerClock(std::shared_ptr<const bourse::Clock> local) : _local(std::move(local)) {
    if (!_local) throw std::invalid_argument("ServerClock needs a clock");
}

void ServerClock::applySample(std::int64_t sentLocalMs, std::int64_t serverMs, std::int64_t receivedLocalMs) {
    const std::int64_t midpoint = sentLocalMs + (receivedLocalMs - sentLocalMs) / 2;
    _offsetMs.store(serverMs - midpoint);
    _lastSampleLocalMs.store(receivedLocalMs);
    _samples.fetch_add(1);
}

bool ServerClock::due(std::chrono::milliseconds every) const {
    return _samples.load() == 0 || localMs() - _lastSampleLocalMs.load() >= every.count();
}

}  // namespace bourse::venues::binance
