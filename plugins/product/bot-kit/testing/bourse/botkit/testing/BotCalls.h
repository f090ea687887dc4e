//
// bourse/botkit/testing/BotCalls.h — small helpers the bot plugins' tests
// share: JSON in and out, validate / open as the kernel creates a bot (the
// validate reply stored as params_json, open's reply as the first state), and
// list comparison with readable failures. CppUnit assertions inside.
// Not thread-safe: one test thread.
//
#pragma once

#include <bourse/testing/FakeHost.hpp>
#include <bourse/testing/PluginUnderTest.hpp>

#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>

#include <cppunit/extensions/HelperMacros.h>

#include <sstream>
#include <string>
#include <vector>

namespace bourse::botkit::testing {

using Json = Poco::JSON::Object::Ptr;

constexpr std::int64_t kT0 = 1'700'000'000'000'000'000;  ///< the fake host's clock at start
constexpr std::int64_t kSecond = 1'000'000'000;

inline Json parse(const std::string& text) {
    return Poco::JSON::Parser().parse(text).extract<Json>();
}
inline std::string text(const Json& o) {
    std::ostringstream out;
    Poco::JSON::Stringifier::condense(o, out);
    return out.str();
}
inline std::string text(const Poco::JSON::Array::Ptr& a) {
    std::ostringstream out;
    Poco::JSON::Stringifier::condense(a, out);
    return out.str();
}
inline std::string str(const Json& o, const std::string& key) {
    return o->getValue<std::string>(key);
}
inline bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}
/// Lines joined with '\n', so a comparison failure shows both lists.
inline std::string join(const std::vector<std::string>& lines) {
    std::string out;
    for (const auto& l : lines)
        out += l + "\n";
    return out;
}

/// "" when a == b; else both texts around their first difference (long JSON
/// does not fit an assertion message whole).
inline std::string firstDifference(const std::string& a, const std::string& b) {
    if (a == b) return "";
    std::size_t i = 0;
    while (i < a.size() && i < b.size() && a[i] == b[i])
        ++i;
    const std::size_t from = i > 120 ? i - 120 : 0;
    return "at " + std::to_string(i) + ":\n  " + a.substr(from, 240) + "\n  " + b.substr(from, 240);
}

/// An open request on `symbol` at `price` (the price in force, stamped kT0).
inline OpenRequest request(const std::string& symbol, const std::string& paramsJson, const std::string& price) {
    return OpenRequest{"u1", symbol, Money{0, "USD"}, paramsJson, Tick{symbol, Decimal::parse(price), kT0}, 0};
}

/// Validates (asserting success) and returns the reply.
inline Json accepted(bourse::testing::PluginUnderTest& p, const OpenRequest& q) {
    const auto r = p.validate(q);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.text, BOURSE_OK, r.status);
    return parse(r.text);
}

/// The refusal message (asserting BOURSE_E_INVALID).
inline std::string refusal(bourse::testing::PluginUnderTest& p, const OpenRequest& q) {
    const auto r = p.validate(q);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.text, BOURSE_E_INVALID, r.status);
    return r.text;
}

/// A bot as the kernel creates it: the validate reply stored as params_json, open's reply as its state.
inline Position created(bourse::testing::PluginUnderTest& p, const OpenRequest& q, const std::string& id = "bot1") {
    const auto v = p.validate(q);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(v.text, BOURSE_OK, v.status);
    Position pos{id, q.userRef, q.symbol, Money{0, "USD"}, kT0, 0, v.text, "{}"};
    const auto o = p.open(pos, std::nullopt);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(o.text, BOURSE_OK, o.status);
    pos.stateJson = o.text;
    return pos;
}

/// Every order the host applied, one line each: "id buy limit qty @ price quote q".
inline std::vector<std::string> orderLines(const bourse::testing::FakeHost& host) {
    std::vector<std::string> out;
    for (const auto& o : host.venueOrders)
        out.push_back(o.clientOrderId + (o.side == BOURSE_SIDE_BUY ? " buy " : " sell ") +
                      (o.type == BOURSE_ORDER_LIMIT ? "limit " : "market ") + o.quantity.toString() + " @ " +
                      o.limitPrice.toString() + " quote " + o.quoteAmount.toString());
    return out;
}

}  // namespace bourse::botkit::testing
