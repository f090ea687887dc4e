#include "market/HistoryBackfill.h"

#include "log/Log.h"
#include "market/MarketData.h"
#include "util/Clock.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <stdexcept>

namespace bourse {

namespace {
constexpr std::int64_t kNsPerMs = 1'000'000;
constexpr std::int64_t kNsPerS = 1'000'000'000;
}  // namespace

HistoryBackfill::HistoryBackfill(MarketData& market, const Clock& clock, Fetch fetch, int historyHours,
                                 std::chrono::milliseconds retryAfter)
    : _market(market), _clock(clock), _fetch(std::move(fetch)), _historyHours(historyHours), _retryAfter(retryAfter) {}

HistoryBackfill::~HistoryBackfill() {
    stop();
}

void HistoryBackfill::start() {
    std::lock_guard lock(_mutex);
    if (_worker.joinable() || _historyHours <= 0) return;
    _stopping = false;
    _worker = std::thread([this] { run(); });
}

void HistoryBackfill::stop() {
    {
        std::lock_guard lock(_mutex);
        if (!_worker.joinable()) return;
        _stopping = true;
        if (_inflight) {
            std::lock_guard slotLock(_inflight->mutex);
            _inflight->cancelled = true;
            _inflight->ready.notify_all();
        }
    }
    _wake.notify_all();
    _worker.join();
}

void HistoryBackfill::request(const std::string& symbol, const std::string& source, std::int64_t fromNs,
                              std::int64_t toNs) {
    {
        std::lock_guard lock(_mutex);
        if (_historyHours <= 0) return;
        _jobs.push_back(Job{symbol, source, fromNs, toNs, 0, std::chrono::steady_clock::now()});
    }
    _wake.notify_all();
}

std::uint64_t HistoryBackfill::completed() const {
    std::lock_guard lock(_mutex);
    return _completed;
}

std::vector<Candle> HistoryBackfill::parseRows(const std::string& json, const std::string& symbol, int intervalS) {
    Poco::JSON::Array::Ptr rows;
    try {
        rows = Poco::JSON::Parser().parse(json).extract<Poco::JSON::Array::Ptr>();
    } catch (const Poco::Exception& e) {
        throw std::invalid_argument("history is not a JSON array: " + e.displayText());
    }
    std::vector<Candle> out;
    for (std::size_t i = 0; i < rows->size(); ++i) {
        const auto row = rows->getArray(static_cast<unsigned>(i));
        const std::string where = "row " + std::to_string(i);
        if (!row || row->size() < 5) throw std::invalid_argument(where + ": expected [open_ts_ms, o, h, l, c, v]");
        std::int64_t openMs = 0;
        try {
            openMs = row->get(0).convert<Poco::Int64>();
        } catch (const Poco::Exception&) {
            throw std::invalid_argument(where + ": open time is not an integer");
        }
        Decimal prices[4];
        int scale = 0;
        for (unsigned k = 0; k < 4; ++k) {
            const Poco::Dynamic::Var v = row->get(k + 1);
            if (!v.isString()) throw std::invalid_argument(where + ": prices must be decimal strings");
            prices[k] = Decimal::parse(v.extract<std::string>());
            if (prices[k].mantissa <= 0) throw std::invalid_argument(where + ": prices must be positive");
            scale = std::max(scale, prices[k].scale);
        }
        Candle c{symbol, intervalS, openMs * kNsPerMs, 0, 0, 0, 0, scale, 0};
        c.open = prices[0].rescaled(scale).mantissa;
        c.high = prices[1].rescaled(scale).mantissa;
        c.low = prices[2].rescaled(scale).mantissa;
        c.close = prices[3].rescaled(scale).mantissa;
        if (c.high < std::max({c.open, c.close, c.low}) || c.low > std::min(c.open, c.close))
            throw std::invalid_argument(where + ": high/low do not bound open and close");
        if (!out.empty() && c.openNs <= out.back().openNs)
            throw std::invalid_argument(where + ": rows must be oldest first, one per interval");
        out.push_back(c);
    }
    return out;
}

void HistoryBackfill::run() {
    std::unique_lock lock(_mutex);
    while (!_stopping) {
        if (_jobs.empty()) {
            _wake.wait(lock);
            continue;
        }
        // The earliest job that is due (retries wait).
        auto due = std::min_element(_jobs.begin(), _jobs.end(),
                                    [](const Job& a, const Job& b) { return a.notBefore < b.notBefore; });
        if (due->notBefore > std::chrono::steady_clock::now()) {
            _wake.wait_until(lock, due->notBefore);
            continue;
        }
        Job job = std::move(*due);
        _jobs.erase(due);
        lock.unlock();
        perform(std::move(job));
        lock.lock();
    }
}

void HistoryBackfill::perform(Job job) {
    const std::int64_t width = static_cast<std::int64_t>(kIntervalS) * kNsPerS;
    std::int64_t from = job.fromNs;
    const std::int64_t oldest = job.toNs - static_cast<std::int64_t>(_historyHours) * 3600 * kNsPerS;
    if (from == 0) {
        // Since the last minute stored before this start: live ticks may have
        // stored the current one already.
        const auto last = _market.lastCandleOpen(job.symbol, kIntervalS, job.toNs / width * width);
        from = last ? *last + width : oldest;
    }
    from = std::max(from, oldest) / width * width;
    if (from >= job.toNs) {
        std::lock_guard lock(_mutex);
        ++_completed;
        return;
    }
    // The reply may come after this object is gone (a source answering during
    // shutdown): it lands in a slot the callback owns a share of.
    auto slot = std::make_shared<ReplySlot>();
    {
        std::lock_guard lock(_mutex);
        if (_stopping) return;
        _inflight = slot;
    }
    _fetch(job.source, job.symbol, kIntervalS, from, job.toNs, [slot](bourse_status s, const std::string& json) {
        {
            std::lock_guard lock(slot->mutex);
            slot->reply.emplace(s, json);
        }
        slot->ready.notify_all();
    });
    std::pair<bourse_status, std::string> reply;
    {
        std::unique_lock lock(slot->mutex);
        // A source owes one reply; it may take a while (paging, a slow service).
        slot->ready.wait(lock, [&] { return slot->reply.has_value() || slot->cancelled; });
        if (!slot->reply) return;
        reply = std::move(*slot->reply);
    }
    const std::initializer_list<log::Field> where{{"symbol", job.symbol}, {"source", job.source}};
    if (reply.first == BOURSE_E_UNSUPPORTED) {
        log::debug("market", "source offers no history", where);
    } else if (reply.first == BOURSE_E_UNAVAILABLE && ++job.attempt < kMaxAttempts) {
        log::info("market", "history not available yet; will ask again",
                  {{"symbol", job.symbol}, {"source", job.source}, {"reason", reply.second}});
        job.notBefore = std::chrono::steady_clock::now() + _retryAfter;
        std::lock_guard lock(_mutex);
        _jobs.push_back(std::move(job));
        return;
    } else if (reply.first != BOURSE_OK) {
        log::warn("market", "history back-fill failed",
                  {{"symbol", job.symbol}, {"source", job.source}, {"reason", reply.second}});
    } else {
        try {
            auto candles = parseRows(reply.second, job.symbol, kIntervalS);
            // Only what was asked for: a source may round its range outward.
            std::erase_if(candles, [&](const Candle& c) { return c.openNs < from || c.openNs >= job.toNs; });
            const std::size_t added = _market.storeHistory(job.symbol, job.source, candles);
            log::info("market", "history back-filled",
                      {{"symbol", job.symbol},
                       {"source", job.source},
                       {"received", std::to_string(candles.size())},
                       {"added", std::to_string(added)}});
        } catch (const std::exception& e) {
            log::warn("market", "history back-fill refused",
                      {{"symbol", job.symbol}, {"source", job.source}, {"reason", e.what()}});
        }
    }
    std::lock_guard lock(_mutex);
    ++_completed;
}

}  // namespace bourse
