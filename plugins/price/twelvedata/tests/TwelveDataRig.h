//
// TwelveDataRig.h — the twelvedata plugin in a real kernel host
// (PluginHarness: plugin manager, market data, timers, HTTP and WebSocket
// clients) against the fake Twelve Data, both reading one test clock.
//
// Credit windows are clock minutes, so tests of "nothing before the next
// minute" start the clock a little before one turns, and budget tests run it
// faster than real time (the plugin judges time only by the host clock, on a
// 100 ms beat, so a sped-up clock compresses minutes into seconds). The
// harness is rewired to that clock before any plugin loads.
//
#pragma once

#include "PluginHarness.h"
#include "twelvedata/FakeTwelveData.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <string>

namespace bourse::test {

inline std::int64_t systemMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

/// Reads `startMs` when made, then runs `speed` times as fast as real time. Thread-safe.
class TestClock final : public Clock {
public:
    explicit TestClock(std::int64_t startMs, std::int64_t speed = 1)
        : _startNs(startMs * 1'000'000), _real(std::chrono::steady_clock::now()), _speed(speed) {}
    [[nodiscard]] std::int64_t nowNs() const override {
        return _startNs +
               std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - _real).count() *
                   _speed;
    }
    /// A start `ms` before the next clock minute of real time turns.
    static std::int64_t beforeMinute(std::int64_t ms) { return (systemMs() / 60'000 + 1) * 60'000 - ms; }
    /// A start `ms` after the last clock minute of real time turned.
    static std::int64_t afterMinute(std::int64_t ms) { return systemMs() / 60'000 * 60'000 + ms; }

private:
    std::int64_t _startNs;
    std::chrono::steady_clock::time_point _real;
    std::int64_t _speed;
};

struct RigOptions {
    fakes::FakeTwelveDataOptions fake;
    std::int64_t startMs = systemMs();
    std::int64_t speed = 1;
    std::string key = "test-key";  ///< the plugin's secret api_key ("" for none)
};

class Rig {
public:
    using Config = std::function<std::string(const fakes::FakeTwelveData&)>;

    explicit Rig(const Config& config, RigOptions o = {})
        : clock(o.startMs, o.speed), fake(withClock(o.fake, clock)), h({entry(config(fake), o.key)}) {
        // The harness built its services on the system clock: the same, on ours.
        h.manager.reset();
        h.services = std::make_unique<HostServices>(
            HostServices{clock, *h.market, *h.kv, h.timers, h.http, h.ws, nullptr, nullptr});
        h.services->instrumentsChanged = [this](const std::string& id) {
            h.timers.schedule(std::chrono::nanoseconds(0), std::chrono::nanoseconds(0),
                              [this, id] { h.manager->refreshInstruments(id); });
        };
        h.manager = std::make_unique<PluginManager>(h.config, *h.services, *h.market, *h.audit, clock, h.metrics,
                                                    h.tmp.path() + "/run/plugins");
    }

    /// The plugin's `status` command.
    Poco::JSON::Object::Ptr status() {
        return Poco::JSON::Parser()
            .parse(h.manager->command("twelvedata", "status", "{}", "test"))
            .extract<Poco::JSON::Object::Ptr>();
    }
    /// What the market says of the source ("live", "backing_off", "banned", "stale"; "" when nothing).
    std::string sourceState() {
        const auto s = h.market->sourceStatus("twelvedata");
        return s ? s->status : "";
    }
    std::int64_t lastTs(const std::string& symbol) {
        const auto t = h.market->lastTick(symbol);
        return t ? t->tsNs : 0;
    }
    /// fetchCandles through the kernel's plugin instance; waits for the asynchronous reply.
    std::pair<bourse_status, std::string> candles(const std::string& symbol, int intervalS, std::int64_t fromMs,
                                                  std::int64_t toMs) {
        auto done = std::make_shared<std::promise<std::pair<bourse_status, std::string>>>();
        auto reply = done->get_future();
        const auto instance = h.manager->instance("twelvedata");
        if (!instance) return {BOURSE_E_INTERNAL, "not running"};
        instance->fetchCandles(symbol, intervalS, fromMs * 1'000'000, toMs * 1'000'000,
                               [done](bourse_status s, const std::string& json) {
                                   done->set_value({s, json});
                               });
        if (reply.wait_for(std::chrono::seconds(15)) != std::future_status::ready)
            return {BOURSE_E_INTERNAL, "no reply"};
        return reply.get();
    }

    TestClock clock;
    fakes::FakeTwelveData fake;
    PluginHarness h;

private:
    static fakes::FakeTwelveDataOptions withClock(fakes::FakeTwelveDataOptions o, const TestClock& clock) {
        o.clock = [&clock] { return clock.nowMs(); };
        return o;
    }
    static PluginConfig entry(const std::string& json, const std::string& key) {
        PluginConfig p = pluginEntry("twelvedata", "bourse-plugin-twelvedata", json);
        if (!key.empty()) p.secrets["api_key"] = key;
        return p;
    }
};

}  // namespace bourse::test
