//
// bourse/testing/Conformance.hpp — checks a plugin against the contract of its
// kind, through the C ABI, on a FakeHost the test has prepared (config,
// secrets, HTTP responder). Returns the violations found, one line each; an
// empty list means the plugin conforms, so any test framework can assert on it:
//
//   FakeHost host;
//   host.setConfig(R"({...})");
//   const auto problems = bourse::testing::checkConformance(bourse_module_entry, "otc", host);
//   CPPUNIT_ASSERT_MESSAGE(bourse::testing::joinLines(problems), problems.empty());
//
// Every kind: the module and descriptor rules the kernel applies
// (validate.hpp); create → start → health → stop → destroy succeeds twice in a
// row on the same host (the second round sees the first one's KV state and
// prices, like a reload); create starts no timers; no timer is left scheduled
// after stop; an unknown command answers BOURSE_E_NOT_FOUND; every failing call
// describes itself through set_error, with a message starting "token: ".
// Price sources also: list_instruments emits at least one instrument with a
// symbol matching [A-Z0-9_]{1,32} (no duplicates) and a scale in 0..18, and
// during a simulated minute every published tick has a known symbol, that
// instrument's scale, a positive price and a timestamp.
//
#ifndef BOURSE_TESTING_CONFORMANCE_HPP
#define BOURSE_TESTING_CONFORMANCE_HPP

#include <bourse/testing/FakeHost.hpp>
#include <bourse/testing/PluginUnderTest.hpp>

#include <chrono>
#include <map>
#include <regex>
#include <string>
#include <vector>

namespace bourse::testing {

struct ConformanceOptions {
    /// How long each round runs the plugin on the simulated clock.
    std::chrono::nanoseconds runFor = std::chrono::minutes(1);
    /// Price sources must publish at least one tick while running. Turn off for
    /// sources that need a service the fake host lacks (e.g. WebSocket feeds).
    bool expectTicks = true;
    /// Timers must be cancelled by stop() itself, not left to the host.
    bool requireTimersCancelledAtStop = true;
};

/// Lines joined with '\n', for an assertion message.
inline std::string joinLines(const std::vector<std::string>& lines) {
    std::string out;
    for (const auto& l : lines)
        out += l + "\n";
    return out;
}

namespace detail {

inline void checkPriceSource(PluginUnderTest& p, FakeHost& host, const ConformanceOptions& options,
                             const std::string& when, std::vector<std::string>& problems) {
    static const std::regex symbolShape("[A-Z0-9_]{1,32}");
    std::map<std::string, int> scales;
    std::vector<Instrument> list;
    try {
        list = p.listInstruments();
    } catch (const std::exception& e) {
        problems.push_back(when + e.what());
        return;
    }
    for (const auto& in : list) {
        if (!std::regex_match(in.symbol, symbolShape))
            problems.push_back(when + "instrument symbol '" + in.symbol + "' does not match [A-Z0-9_]{1,32}");
        if (in.priceScale < 0 || in.priceScale > Decimal::kMaxScale)
            problems.push_back(when + in.symbol + ": price scale " + std::to_string(in.priceScale) + " not in 0..18");
        if (!scales.emplace(in.symbol, in.priceScale).second) problems.push_back(when + in.symbol + ": listed twice");
    }
    if (scales.empty()) problems.push_back(when + "list_instruments emitted no instrument");

    const std::size_t first = host.ticks.size();
    host.advance(options.runFor);
    if (options.expectTicks && host.ticks.size() == first) problems.push_back(when + "no tick published while running");
    int reported = 0;
    for (std::size_t i = first; i < host.ticks.size() && reported < 10; ++i) {
        const PublishedTick& t = host.ticks[i];
        std::string bad;
        const auto it = scales.find(t.symbol);
        if (it == scales.end())
            bad = "unknown symbol";
        else if (t.price.scale != it->second)
            bad = "scale " + std::to_string(t.price.scale) + " instead of " + std::to_string(it->second);
        else if (t.price.mantissa <= 0)
            bad = "non-positive price " + t.price.toString();
        else if (t.tsNs <= 0)
            bad = "no timestamp";
        if (!bad.empty()) {
            problems.push_back(when + "tick " + std::to_string(i - first) + " for '" + t.symbol + "': " + bad);
            ++reported;
        }
    }
}

inline void runRound(const bourse_module& module, const std::string& id, FakeHost& host,
                     const ConformanceOptions& options, const std::string& when, std::vector<std::string>& problems) {
    PluginUnderTest p(module, id, host, PluginUnderTest::DeferCreate{});
    if (p.create() != BOURSE_OK) {
        problems.push_back(when + "create failed: " + host.lastError);
    } else if (p.start() != BOURSE_OK) {
        problems.push_back(when + "start failed: " + host.lastError);
    } else {
        if (p.health() != BOURSE_OK) problems.push_back(when + "unhealthy after start: " + host.lastError);
        if (p.descriptor().kind == BOURSE_KIND_PRICE_SOURCE) checkPriceSource(p, host, options, when, problems);
        if (p.descriptor().command) {
            const CallResult r = p.command("conformance.no_such_command", "{}");
            if (r.status != BOURSE_E_NOT_FOUND)
                problems.push_back(when + "unknown command answered " + std::to_string(r.status) +
                                   " instead of BOURSE_E_NOT_FOUND");
        }
    }
    p.stop();
    p.destroy();
    for (const auto& v : p.violations()) {
        if (!options.requireTimersCancelledAtStop && v.find("after stop") != std::string::npos) continue;
        problems.push_back(when + v);
    }
}

}  // namespace detail

/// Checks plugin `id` of `module` on `host`; see the file comment for the rules.
inline std::vector<std::string> checkConformance(const bourse_module& module, const std::string& id, FakeHost& host,
                                                 const ConformanceOptions& options = {}) {
    std::vector<std::string> problems;
    const Registration reg = registerModule(module);
    if (!reg.error.empty()) return {reg.error};
    if (!reg.find(id)) return {"module does not offer plugin '" + id + "'"};
    for (int round = 1; round <= 2; ++round) {
        const std::string when = "round " + std::to_string(round) + ": ";
        try {
            detail::runRound(module, id, host, options, when, problems);
        } catch (const std::exception& e) {
            problems.push_back(when + e.what());
        }
    }
    return problems;
}

}  // namespace bourse::testing

#endif  // BOURSE_TESTING_CONFORMANCE_HPP
