// Helpers shared by the bot engine tests: literals, pairs, and a driver that
// wires an engine to the paper fill model tick by tick (like the backtest runner,
// but stepping one price at a time so tests can look between steps).
#pragma once

#include <bourse/bots/Engine.h>
#include <bourse/bots/PaperExchange.h>

#include <cppunit/extensions/HelperMacros.h>

#include <string>
#include <vector>

namespace bourse::bots::test {

inline Decimal D(const char* text) {
    return Decimal::parse(text);
}

/// Seconds to nanoseconds.
constexpr TimeNs sec(std::int64_t s) {
    return s * 1'000'000'000;
}

/// The pair of the bots.md worked example: exact notionals (8 quote decimals).
inline PairSpec examplePair() {
    PairSpec p;
    p.symbol = "BTCUSDT";
    p.baseAsset = "BTC";
    p.quoteAsset = "USDT";
    p.tickSize = Decimal(1, 4);  // 0.0001
    p.lotStep = Decimal(1, 6);   // 0.000001
    p.quoteScale = 8;
    return p;
}

/// A cents pair: tick 0.01, lot 0.001, quote in cents.
inline PairSpec centsPair() {
    PairSpec p;
    p.symbol = "ETHUSD";
    p.tickSize = Decimal(1, 2);
    p.lotStep = Decimal(1, 3);
    p.quoteScale = 2;
    return p;
}

/// Feeds prices to an engine and the paper model; records every intent.
struct Driver {
    BotEngine& engine;
    PaperExchange& exchange;
    std::vector<OrderIntent> intents;  ///< everything the engine asked for, in order
    std::vector<FillReport> reports;   ///< everything the model answered, in order

    void settle(TimeNs ts) {
        for (int round = 0; round < 1000; ++round) {
            std::vector<OrderIntent> batch = engine.takeIntents();
            if (batch.empty()) return;
            for (const OrderIntent& i : batch) {
                intents.push_back(i);
                for (const FillReport& f : exchange.submit(i, ts)) {
                    reports.push_back(f);
                    engine.onFill(f);
                }
            }
        }
        CPPUNIT_FAIL("engine and paper model do not settle");
    }

    void tick(const Decimal& price, TimeNs ts) {
        for (const FillReport& f : exchange.onPrice(price, ts)) {
            reports.push_back(f);
            engine.onFill(f);
        }
        engine.onTick(price, ts);
        settle(ts);
    }
};

/// A triangle wave: 0 at t = 0, up to +amplitude, down to −amplitude, period steps.
inline std::int64_t triangle(int t, int period, std::int64_t amplitude) {
    const std::int64_t m = (t + period / 4) % period;  // phase so that t = 0 is the middle of a rise
    const std::int64_t half = period / 2;
    const std::int64_t rise = m < half ? m : period - m;  // 0 … half … 0
    return amplitude * (4 * rise - period) / period;      // −amplitude … +amplitude
}

/// The first recorded intent with this client id (fails the test if none).
inline OrderIntent intentFor(const std::vector<OrderIntent>& intents, const std::string& clientId,
                             OrderIntent::Action action = OrderIntent::Action::Place) {
    for (const OrderIntent& i : intents)
        if (i.clientId == clientId && i.action == action) return i;
    CPPUNIT_FAIL("no intent for " + clientId);
    return {};
}

inline bool hasIntent(const std::vector<OrderIntent>& intents, const std::string& clientId,
                      OrderIntent::Action action = OrderIntent::Action::Place) {
    for (const OrderIntent& i : intents)
        if (i.clientId == clientId && i.action == action) return true;
    return false;
}

/// True when some error names `field`.
inline bool names(const FieldErrors& errors, const std::string& field) {
    for (const FieldError& e : errors)
        if (e.field == field) return true;
    return false;
}

}  // namespace bourse::bots::test

// Decimals compare by value (1.50 == 1.5) and print as text on failure.
namespace CppUnit {
template <>
struct assertion_traits<bourse::Decimal> {
    static bool equal(const bourse::Decimal& a, const bourse::Decimal& b) { return a.compare(b) == 0; }
    static std::string toString(const bourse::Decimal& d) { return d.toString(); }
};
}  // namespace CppUnit
