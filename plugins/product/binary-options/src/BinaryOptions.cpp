#include "BinaryOptions.h"

#include "Payout.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

#include <sstream>

namespace bourse::binary {

namespace {

constexpr std::int64_t kMinuteNs = 60'000'000'000;

Poco::JSON::Object::Ptr parseObject(const std::string& json, bourse_status status, const std::string& what) {
    try {
        Poco::JSON::Parser parser;
        auto o = parser.parse(json.empty() ? "{}" : json).extract<Poco::JSON::Object::Ptr>();
        if (!o) throw Poco::Exception("not an object");
        return o;
    } catch (const Poco::Exception&) {
        throw Error(status, what + ": expected a JSON object");
    }
}

std::string stringify(const Poco::JSON::Object::Ptr& o) {
    std::ostringstream out;
    o->stringify(out);
    return out.str();
}

std::string money(std::int64_t minor) {
    return Decimal(minor, 2).toString();
}

}  // namespace

BinaryOptions::BinaryOptions(Host& host) : TradeProduct(host), _config(parseConfig(host.configJson())) {
    loadOverrides();
}

void BinaryOptions::loadOverrides() {
    // Operator changes (set_market) take precedence over the config file.
    const auto stored = host().kvGet("markets");
    if (!stored) return;
    const auto obj = parseObject(*stored, BOURSE_E_INTERNAL, "stored markets");
    for (const auto& [symbol, rules] : *obj)
        _config.overrides[symbol] = rules.extract<Poco::JSON::Object::Ptr>();
}

int BinaryOptions::recentTrades(const std::string& userRef, std::int64_t nowNs) {
    auto& times = _recent[userRef];
    while (!times.empty() && times.front() <= nowNs - kMinuteNs)
        times.pop_front();
    return static_cast<int>(times.size());
}

std::string BinaryOptions::validate(const OpenRequest& req) {
    const auto params = parseObject(req.paramsJson, BOURSE_E_INVALID, "params");
    const std::string direction = params->optValue<std::string>("direction", "");
    if (direction != "UP" && direction != "DOWN") throw Error(BOURSE_E_INVALID, "direction: must be UP or DOWN");
    if (!params->has("duration") || !params->get("duration").isInteger())
        throw Error(BOURSE_E_INVALID, "duration: must be a whole number of seconds");
    const int duration = params->getValue<int>("duration");

    const MarketRules rules = rulesFor(_config, req.symbol);
    if (!rules.enabled) throw Error(BOURSE_E_REJECTED, "symbol: trading on " + req.symbol + " is disabled");
    if (req.stake.currency != _config.currency) throw Error(BOURSE_E_INVALID, "stake: must be in " + _config.currency);
    if (std::find(rules.durations.begin(), rules.durations.end(), duration) == rules.durations.end()) {
        std::string allowed;
        for (int d : rules.durations)
            allowed += (allowed.empty() ? "" : ", ") + std::to_string(d);
        throw Error(BOURSE_E_INVALID,
                    "duration: " + std::to_string(duration) + " s is not allowed (allowed: " + allowed + " s)");
    }
    if (req.stake.minor < rules.minStake)
        throw Error(BOURSE_E_INVALID, "stake: must be at least " + money(rules.minStake) + " " + _config.currency);
    if (req.stake.minor > rules.maxStake)
        throw Error(BOURSE_E_INVALID, "stake: must be at most " + money(rules.maxStake) + " " + _config.currency);
    const std::int64_t nowNs = host().nowNs();
    if (!req.price) throw Error(BOURSE_E_REJECTED, "symbol: no price for " + req.symbol + " yet");
    const std::int64_t ageMs = (nowNs - req.price->tsNs) / 1'000'000;
    if (ageMs > _config.maxPriceAgeMs)
        throw Error(BOURSE_E_REJECTED, "symbol: the last price of " + req.symbol + " is " +
                                           std::to_string(ageMs / 1000) +
                                           " s old; trading is paused until prices resume");
    if (recentTrades(req.userRef, nowNs) >= rules.maxTradesPerMinute)
        throw Error(BOURSE_E_REJECTED,
                    "trades: at most " + std::to_string(rules.maxTradesPerMinute) + " trades a minute");
    _recent[req.userRef].push_back(nowNs);

    Poco::JSON::Object::Ptr terms = new Poco::JSON::Object;
    terms->set("direction", direction);
    terms->set("duration", duration);
    terms->set("expires_in_ms", static_cast<Poco::Int64>(duration) * 1000);
    terms->set("max_open", rules.maxOpenPerUser);  // enforced by the host, atomically with the stake lock
    terms->set("payout_percent", bpsToPercent(rules.payoutBps));
    terms->set("loss_refund_percent", bpsToPercent(rules.lossRefundBps));
    terms->set("entry_price", req.price->price.toString());
    return stringify(terms);
}

Settlement BinaryOptions::settle(const bourse::Position& position, const std::optional<Tick>& exit) {
    const auto terms = parseObject(position.paramsJson, BOURSE_E_INTERNAL, "stored terms");
    PayoutTerms t;
    t.direction = terms->getValue<std::string>("direction") == "UP" ? Direction::Up : Direction::Down;
    t.payoutBps = percentToBps(terms->getValue<std::string>("payout_percent"));
    t.lossRefundBps = percentToBps(terms->getValue<std::string>("loss_refund_percent"));
    const Decimal entry = Decimal::parse(terms->getValue<std::string>("entry_price"));
    // No exit price (position closed early): the stake comes back as on a tie.
    const bourse_outcome o = exit ? outcome(t, entry, exit->price) : BOURSE_OUTCOME_TIE;
    return Settlement{o, Money{payout(t, o, position.stake.minor), position.stake.currency}};
}

std::string BinaryOptions::command(const std::string& name, const std::string& argsJson) {
    if (name == "get_markets") {
        Poco::JSON::Object::Ptr out = new Poco::JSON::Object;
        out->set("currency", _config.currency);
        out->set("max_price_age_ms", _config.maxPriceAgeMs);
        out->set("defaults", rulesJson(_config.defaults));
        Poco::JSON::Object::Ptr markets = new Poco::JSON::Object;
        for (const auto& [symbol, o] : _config.overrides)
            markets->set(symbol, rulesJson(rulesFor(_config, symbol)));
        out->set("markets", markets);
        return stringify(out);
    }
    if (name == "set_market") {
        const auto args = parseObject(argsJson, BOURSE_E_INVALID, "arguments");
        const std::string symbol = args->optValue<std::string>("symbol", "");
        if (symbol.empty()) throw Error(BOURSE_E_INVALID, "symbol: is required");
        // Merge onto the symbol's existing override, validate the result, then keep it.
        Poco::JSON::Object::Ptr merged = new Poco::JSON::Object;
        if (const auto it = _config.overrides.find(symbol); it != _config.overrides.end())
            for (const auto& [k, v] : *it->second)
                merged->set(k, v);
        for (const auto& [k, v] : *args)
            if (k != "symbol") merged->set(k, v);
        MarketRules probe = _config.defaults;
        applyRules(probe, *merged, "", BOURSE_E_INVALID);
        _config.overrides[symbol] = merged;
        Poco::JSON::Object::Ptr all = new Poco::JSON::Object;
        for (const auto& [s, o] : _config.overrides)
            all->set(s, o);
        host().kvPut("markets", stringify(all));
        Poco::JSON::Object::Ptr out = rulesJson(probe);
        out->set("symbol", symbol);
        return stringify(out);
    }
    return TradeProduct::command(name, argsJson);
}

}  // namespace bourse::binary
