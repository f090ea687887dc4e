// Helpers of the dca-bot plugin tests: params as the kernel hands them over
// (client params plus "pair" and "venue"); the rest is botkit's BotCalls.h.
#pragma once

#include <bourse/botkit/testing/BotCalls.h>

#include <functional>
#include <string>

extern "C" const bourse_module bourse_module_entry;

namespace dcatest {

using namespace bourse::botkit::testing;
using bourse::Decimal;

/// A cents pair: tick 0.01, lot 0.000001, min notional 1.00.
inline Json centsPair() {
    return parse(R"({"symbol":"BTCUSD","base_asset":"BTC","quote_asset":"USD","tick_size":"0.01",)"
                 R"("lot_step":"0.000001","quote_scale":2,"min_notional":"1.00"})");
}

/// The pair of bots.md's worked example: exact notionals (8 quote decimals), tick 0.0001.
inline Json examplePair() {
    return parse(R"({"symbol":"BTCUSD","base_asset":"BTC","quote_asset":"USD","tick_size":"0.0001",)"
                 R"("lot_step":"0.000001","quote_scale":8,"min_notional":"0"})");
}

inline Json venue(const std::string& feeBps = "10") {
    return parse(R"({"name":"paper","fee_bps":")" + feeBps + R"(","id_prefix":"b7k2"})");
}

/// bots.md's worked example on a cents pair (base 10, SO 20, 1 %, ×2, ×2, 3 SOs, tp 1.5 %),
/// changed by `edit`.
inline std::string params(const std::function<void(Json&)>& edit = {}) {
    Json p = parse(R"({"base_order_size":"10.00","safety_order_size":"20.00","max_safety_orders":3,)"
                   R"("price_deviation":"1","step_scale":"2","volume_scale":"2","take_profit":"1.5"})");
    p->set("pair", centsPair());
    p->set("venue", venue());
    if (edit) edit(p);
    return text(p);
}

inline bourse::OpenRequest request(const std::string& paramsJson, const std::string& price = "100.00") {
    return bourse::botkit::testing::request("BTCUSD", paramsJson, price);
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

}  // namespace dcatest
