#include <bourse/botkit/BacktestJson.h>

#include <optional>

namespace bourse::botkit {

namespace {

constexpr std::int64_t kSecondNs = 1'000'000'000;

/// A decimal candle price: a string or an integer, positive.
std::optional<Decimal> priceAt(const Poco::Dynamic::Var& v) {
    if (v.isEmpty() || v.isBoolean() || !(v.isString() || v.isInteger())) return std::nullopt;
    try {
        const Decimal d = Decimal::parse(v.convert<std::string>());
        if (d.mantissa > 0) return d;
    } catch (const std::exception&) {
    }
    return std::nullopt;
}

std::optional<std::int64_t> timeAt(const Poco::Dynamic::Var& v) {
    if (v.isEmpty() || v.isBoolean() || !v.isInteger()) return std::nullopt;
    try {
        const auto t = v.convert<std::int64_t>();
        if (t >= 0) return t;
    } catch (const std::exception&) {
    }
    return std::nullopt;
}

/// One row [open_ts_ns, "o", "h", "l", "c"(, volume)]; nullopt after recording why not.
std::optional<bots::Candle> candleAt(const JsonArray& rows, std::size_t i, const ParamReader& in) {
    const std::string where = "candles[" + std::to_string(i) + "]";
    const Poco::Dynamic::Var row = rows->get(static_cast<unsigned>(i));
    if (row.type() != typeid(Poco::JSON::Array::Ptr)) {
        in.fail(where, "expected [open_ts_ns, \"open\", \"high\", \"low\", \"close\"]");
        return std::nullopt;
    }
    const auto cells = row.extract<Poco::JSON::Array::Ptr>();
    if (cells->size() < 5 || cells->size() > 6) {
        in.fail(where, "expected [open_ts_ns, \"open\", \"high\", \"low\", \"close\"]");
        return std::nullopt;
    }
    bots::Candle c;
    const auto ts = timeAt(cells->get(0));
    if (!ts) {
        in.fail(where, "open_ts_ns: expected a whole number of nanoseconds");
        return std::nullopt;
    }
    c.openTs = *ts;
    Decimal* prices[] = {&c.open, &c.high, &c.low, &c.close};
    static const char* const names[] = {"open", "high", "low", "close"};
    for (unsigned k = 0; k < 4; ++k) {
        const auto p = priceAt(cells->get(k + 1));
        if (!p) {
            in.fail(where, std::string(names[k]) + ": expected a positive decimal string");
            return std::nullopt;
        }
        *prices[k] = *p;
    }
    return c;
}

}  // namespace

BacktestArgs readBacktestArgs(const ParamReader& in, std::size_t maxCandles) {
    BacktestArgs out;
    if (const auto s = in.decimal("slippage_bps")) {
        if (s->mantissa < 0 || !(*s < Decimal(1000, 0)))
            in.fail("slippage_bps", "must be at least 0 and below 1000");
        else
            out.slippageBps = *s;
    }
    const auto intervalS = in.whole("interval_s", 1, 31 * 24 * 3600);
    if (!in.require("candles")) return out;
    const JsonArray rows = in.array("candles");
    if (!rows) return out;
    if (rows->size() == 0) in.fail("candles", "list at least one candle");
    if (rows->size() > maxCandles) {
        in.fail("candles", "at most " + std::to_string(maxCandles) + " candles");
        return out;
    }
    for (std::size_t i = 0; i < rows->size(); ++i) {
        const auto c = candleAt(rows, i, in);
        if (!c) return out;  // one bad row is enough to say
        out.candles.push_back(*c);
    }
    // Without interval_s: the smallest gap between two candles, so a gap in the
    // data (a missing candle) is not taken for the candle length.
    std::int64_t duration = 60 * kSecondNs;
    if (intervalS) {
        duration = *intervalS * kSecondNs;
    } else {
        std::int64_t smallest = 0;
        for (std::size_t i = 1; i < out.candles.size(); ++i) {
            const std::int64_t gap = out.candles[i].openTs - out.candles[i - 1].openTs;
            if (gap > 0 && (smallest == 0 || gap < smallest)) smallest = gap;
        }
        if (smallest > 0) duration = smallest;
    }
    for (std::size_t i = 0; i < out.candles.size(); ++i) {
        bots::Candle& c = out.candles[i];
        c.durationNs = duration;
        const std::string where = "candles[" + std::to_string(i) + "]";
        if (i > 0 && c.openTs < out.candles[i - 1].openTs + duration) {
            in.fail(where, "starts before the previous candle ends (candles go oldest first, " +
                               std::to_string(duration / kSecondNs) + " s apart at least)");
            return out;
        }
        try {
            (void)bots::candlePath(c);  // the engine's own checks of a candle
        } catch (const std::invalid_argument& e) {
            in.fail(where, e.what());
            return out;
        }
    }
    return out;
}

JsonObject backtestJson(const bots::BacktestResult& r, const bots::PairSpec& pair, const JsonArray& deals,
                        JsonObject final) {
    const int qs = pair.quoteScale;
    JsonObject o = new Poco::JSON::Object;
    o->set("deals", deals);
    JsonArray equity = new Poco::JSON::Array;
    for (const bots::EquityPoint& p : r.equity) {
        JsonArray point = new Poco::JSON::Array;
        point->add(p.ts);
        point->add(money(p.equity, qs));
        equity->add(point);
    }
    o->set("equity", equity);
    o->set("initial_equity", money(r.initialEquity, qs));
    o->set("final_equity", money(r.finalEquity, qs));
    o->set("max_drawdown", money(r.maxDrawdown, qs));
    o->set("max_drawdown_percent", r.maxDrawdownPercent.toString());
    o->set("fees", money(r.feesPaid, qs));
    o->set("pnl", money(r.pnl, qs));
    o->set("orders", static_cast<std::int64_t>(r.fills));
    final->set("quote", money(r.finalWallet.quote, qs));
    final->set("base", r.finalWallet.base.toString());
    final->set("equity", money(r.finalEquity, qs));
    o->set("final", final);
    return o;
}

}  // namespace bourse::botkit
