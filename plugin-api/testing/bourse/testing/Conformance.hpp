//
// bourse/testing/Conformance.hpp — checks a plugin against the contract of its
// kind, through the C ABI, on a FakeHost. Returns the violations found (an
// empty list means the plugin conforms), so any test framework can assert on it.
//
// Checked for every kind: module and descriptor rules (validate.hpp);
// create → start → health → stop → destroy works twice in a row; no timer is
// left running after stop. For price sources also: at least one valid
// instrument, and after a simulated minute every published tick has a known
// symbol, the instrument's scale and a positive price.
//
#ifndef BOURSE_TESTING_CONFORMANCE_HPP
#define BOURSE_TESTING_CONFORMANCE_HPP

#include <bourse/testing/FakeHost.hpp>

#include <map>
#include <regex>
#include <string>
#include <vector>

namespace bourse::testing {

inline std::vector<std::string> checkConformance(const bourse_module& module, const std::string& id,
                                                 const std::string& configJson) {
    std::vector<std::string> problems;
    for (int round = 1; round <= 2; ++round) {
        const std::string when = "round " + std::to_string(round) + ": ";
        FakeHost host;
        host.setConfig(configJson);
        try {
            PluginUnderTest p(module, id, host);
            if (p.start() != BOURSE_OK) {
                problems.push_back(when + "start failed: " + host.lastError);
                continue;
            }
            if (p.health() != BOURSE_OK) problems.push_back(when + "unhealthy after start: " + host.lastError);
            if (p.descriptor().kind == BOURSE_KIND_PRICE_SOURCE) {
                std::map<std::string, int> scales;
                static const std::regex symbol("[A-Z0-9_]{1,32}");
                for (const auto& in : p.instruments()) {
                    if (!std::regex_match(in.symbol, symbol)) problems.push_back(when + "bad symbol '" + in.symbol + "'");
                    if (in.priceScale < 0 || in.priceScale > 18) problems.push_back(when + in.symbol + ": bad scale");
                    scales[in.symbol] = in.priceScale;
                }
                if (scales.empty()) problems.push_back(when + "no instruments");
                host.advance(std::chrono::minutes(1));
                if (host.ticks.empty()) problems.push_back(when + "no ticks in a simulated minute");
                for (const auto& t : host.ticks) {
                    const auto it = scales.find(t.symbol);
                    if (it == scales.end()) problems.push_back(when + "tick for unknown symbol " + t.symbol);
                    else if (t.price.scale != it->second) problems.push_back(when + t.symbol + ": tick scale differs");
                    if (t.price.mantissa <= 0) problems.push_back(when + t.symbol + ": non-positive price");
                    if (problems.size() > 20) return problems;
                }
            }
            p.stop();
            if (host.activeTimers() != 0)
                problems.push_back(when + std::to_string(host.activeTimers()) + " timer(s) still running after stop");
        } catch (const std::exception& e) {
            problems.push_back(when + e.what());
        }
    }
    return problems;
}

} // namespace bourse::testing

#endif // BOURSE_TESTING_CONFORMANCE_HPP
