// Helpers of the grid-bot plugin tests: params as the kernel hands them over
// (client params plus "pair" and "venue"); the rest is botkit's BotCalls.h.
#pragma once

#include <bourse/botkit/testing/BotCalls.h>

#include <functional>
#include <string>

extern "C" const bourse_module bourse_module_entry;

namespace gridtest {

using namespace bourse::botkit::testing;
using bourse::Decimal;

/// A cents pair: tick 0.01, lot 0.001, min notional 1.00.
inline Json centsPair() {
    return parse(R"({"symbol":"ETHUSD","base_asset":"ETH","quote_asset":"USD","tick_size":"0.01",)"
                 R"("lot_step":"0.001","quote_scale":2,"min_notional":"1.00"})");
}

inline Json venue(const std::string& feeBps = "10") {
    return parse(R"({"name":"paper","fee_bps":")" + feeBps + R"(","id_prefix":"g5x"})");
}

/// 90.00–110.00 in 4 arithmetic intervals (lines 90, 95, 100, 105, 110) with
/// 1000.00, 10 bps, changed by `edit`.
inline std::string params(const std::function<void(Json&)>& edit = {}) {
    Json p = parse(R"({"lower":"90.00","upper":"110.00","grid_count":4,"spacing":"arithmetic",)"
                   R"("investment":"1000.00"})");
    p->set("pair", centsPair());
    p->set("venue", venue());
    if (edit) edit(p);
    return text(p);
}

inline bourse::OpenRequest request(const std::string& paramsJson, const std::string& price = "100.00") {
    return bourse::botkit::testing::request("ETHUSD", paramsJson, price);
}
inline Json accepted(bourse::testing::PluginUnderTest& p, const std::string& paramsJson,
                     const std::string& price = "100.00") {
    return bourse::botkit::testing::accepted(p, request(paramsJson, price));
}
inline std::string refusal(bourse::testing::PluginUnderTest& p, const std::string& paramsJson,
                           const std::string& price = "100.00") {
    return bourse::botkit::testing::refusal(p, request(paramsJson, price));
}
inline bourse::Position created(bourse::testing::PluginUnderTest& p, const std::string& paramsJson) {
    return bourse::botkit::testing::created(p, request(paramsJson));
}

}  // namespace gridtest
