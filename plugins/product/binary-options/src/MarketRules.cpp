#include "MarketRules.h"

#include "Payout.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>

namespace bourse::binary {

namespace {

std::string text(const Poco::Dynamic::Var& v) {
    if (v.isString() || v.isNumeric()) return v.convert<std::string>();
    throw std::invalid_argument("expected a number");
}

std::int64_t money(const Poco::Dynamic::Var& v) {
    const Decimal d = Decimal::parse(text(v), 2);
    return d.rescaled(2).mantissa;
}

}  // namespace

void applyRules(MarketRules& r, const Poco::JSON::Object& o, const std::string& where, bourse_status status) {
    static const std::vector<std::string> known = {
        "payout_percent",    "loss_refund_percent",   "durations", "min_stake", "max_stake",
        "max_open_per_user", "max_trades_per_minute", "enabled",   "symbol"};
    for (const auto& [key, value] : o) {
        const std::string at = where + key + ": ";
        if (std::find(known.begin(), known.end(), key) == known.end()) throw Error(status, at + "unknown key");
        try {
            if (key == "payout_percent") {
                r.payoutBps = percentToBps(text(value));
                if (r.payoutBps < 100 || r.payoutBps > 50000) throw std::invalid_argument("must be between 1 and 500");
            } else if (key == "loss_refund_percent") {
                r.lossRefundBps = percentToBps(text(value));
                if (r.lossRefundBps > 10000) throw std::invalid_argument("must be between 0 and 100");
            } else if (key == "durations") {
                const auto list = value.extract<Poco::JSON::Array::Ptr>();
                std::vector<int> ds;
                for (std::size_t i = 0; i < list->size(); ++i) {
                    const int d = list->get(static_cast<unsigned>(i)).convert<int>();
                    if (d < 1 || d > 86400) throw std::invalid_argument("each duration must be 1..86400 seconds");
                    ds.push_back(d);
                }
                if (ds.empty()) throw std::invalid_argument("at least one duration");
                std::sort(ds.begin(), ds.end());
                r.durations = ds;
            } else if (key == "min_stake") {
                r.minStake = money(value);
                if (r.minStake <= 0) throw std::invalid_argument("must be positive");
            } else if (key == "max_stake") {
                r.maxStake = money(value);
                if (r.maxStake <= 0) throw std::invalid_argument("must be positive");
            } else if (key == "max_open_per_user") {
                r.maxOpenPerUser = value.convert<int>();
                if (r.maxOpenPerUser < 1) throw std::invalid_argument("must be at least 1");
            } else if (key == "max_trades_per_minute") {
                r.maxTradesPerMinute = value.convert<int>();
                if (r.maxTradesPerMinute < 1) throw std::invalid_argument("must be at least 1");
            } else if (key == "enabled") {
                if (!value.isBoolean()) throw std::invalid_argument("expected true or false");
                r.enabled = value.convert<bool>();
            }
        } catch (const Error&) {
            throw;
        } catch (const std::exception& e) {
            throw Error(status, at + e.what());
        }
    }
    if (r.minStake > r.maxStake) throw Error(status, where + "min_stake: larger than max_stake");
}

ProductConfig parseConfig(const std::string& json) {
    ProductConfig c;
    Poco::JSON::Object::Ptr root;
    try {
        Poco::JSON::Parser parser;
        root = parser.parse(json).extract<Poco::JSON::Object::Ptr>();
    } catch (const Poco::Exception& e) {
        throw Error(BOURSE_E_CONFIG, "config: not a JSON object: " + e.message());
    }
    for (const auto& [key, value] : *root) {
        if (key == "currency") {
            c.currency = value.convert<std::string>();
            if (c.currency.size() != 3) throw Error(BOURSE_E_CONFIG, "config: currency: expected a code like USD");
        } else if (key == "max_price_age_ms") {
            c.maxPriceAgeMs = value.convert<Poco::Int64>();
            if (c.maxPriceAgeMs < 1) throw Error(BOURSE_E_CONFIG, "config: max_price_age_ms: must be positive");
        } else if (key == "defaults") {
            applyRules(c.defaults, *value.extract<Poco::JSON::Object::Ptr>(), "config: defaults.", BOURSE_E_CONFIG);
        } else if (key == "markets") {
            const auto markets = value.extract<Poco::JSON::Object::Ptr>();
            for (const auto& [symbol, rules] : *markets) {
                const auto obj = rules.extract<Poco::JSON::Object::Ptr>();
                MarketRules probe = c.defaults;
                applyRules(probe, *obj, "config: markets." + symbol + ".", BOURSE_E_CONFIG);
                c.overrides[symbol] = obj;
            }
        } else {
            throw Error(BOURSE_E_CONFIG, "config: " + key + ": unknown key");
        }
    }
    return c;
}

MarketRules rulesFor(const ProductConfig& config, const std::string& symbol) {
    MarketRules r = config.defaults;
    if (const auto it = config.overrides.find(symbol); it != config.overrides.end())
        applyRules(r, *it->second, "markets." + symbol + ".", BOURSE_E_CONFIG);
    return r;
}

Poco::JSON::Object::Ptr rulesJson(const MarketRules& r) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
    o->set("payout_percent", bpsToPercent(r.payoutBps));
    o->set("loss_refund_percent", bpsToPercent(r.lossRefundBps));
    Poco::JSON::Array::Ptr ds = new Poco::JSON::Array;
    for (int d : r.durations)
        ds->add(d);
    o->set("durations", ds);
    o->set("min_stake", Decimal(r.minStake, 2).toString());
    o->set("max_stake", Decimal(r.maxStake, 2).toString());
    o->set("max_open_per_user", r.maxOpenPerUser);
    o->set("max_trades_per_minute", r.maxTradesPerMinute);
    o->set("enabled", r.enabled);
    return o;
}

}  // namespace bourse::binary
