#include <bourse/bots/PaperExchange.h>

#include <stdexcept>

namespace bourse::bots {

PaperExchange::PaperExchange(PairSpec pair, PaperConfig config, Wallet wallet)
    : pair_(std::move(pair)), config_(config), wallet_(wallet) {
    if (config_.feeBps.mantissa < 0 || config_.slippageBps.mantissa < 0)
        throw std::invalid_argument("paper fee and slippage must not be negative");
    wallet_.base = pair_.normalizeQty(wallet_.base);
}

FillReport PaperExchange::execute(const std::string& clientId, Side side, const Decimal& price, const Decimal& qty,
                                  TimeNs ts) {
    FillReport r;
    r.clientId = clientId;
    r.qty = qty;
    r.price = price;
    r.ts = ts;
    r.done = true;
    const std::int64_t notional = side == Side::Buy ? pair_.buyNotional(price, qty) : pair_.sellNotional(price, qty);
    r.feeMinor = Pair::feeFor(notional, config_.feeBps);
    if (side == Side::Buy) {
        wallet_.quote = addChecked(wallet_.quote, -addChecked(notional, r.feeMinor));
        wallet_.base = Decimal(addChecked(wallet_.base.mantissa, qty.mantissa), wallet_.base.scale);
    } else {
        wallet_.quote = addChecked(wallet_.quote, notional - r.feeMinor);
        wallet_.base = Decimal(wallet_.base.mantissa - qty.mantissa, wallet_.base.scale);
    }
    fees_ = addChecked(fees_, r.feeMinor);
    ++fills_;
    return r;
}

std::vector<FillReport> PaperExchange::onPrice(const Decimal& price, TimeNs ts) {
    last_ = price;
    std::vector<FillReport> out;
    for (auto it = resting_.begin(); it != resting_.end();) {
        const Resting& o = it->second;
        const bool reached = o.side == Side::Buy ? price.compare(o.price) <= 0 : price.compare(o.price) >= 0;
        if (reached) {
            out.push_back(execute(o.clientId, o.side, o.price, o.qty, ts));
            it = resting_.erase(it);
        } else {
            ++it;
        }
    }
    return out;
}

std::vector<FillReport> PaperExchange::submit(const OrderIntent& intent, TimeNs ts) {
    if (!last_) throw std::logic_error("paper exchange has no price yet");
    std::vector<FillReport> out;
    const auto reject = [&] {
        FillReport r;
        r.clientId = intent.clientId;
        r.qty = pair_.zeroQty();
        r.ts = ts;
        r.done = true;
        out.push_back(r);
    };
    if (intent.action == OrderIntent::Action::Cancel) {
        for (auto it = resting_.begin(); it != resting_.end(); ++it)
            if (it->second.clientId == intent.clientId) {
                resting_.erase(it);
                reject();  // the cancel confirmation
                break;
            }
        return out;
    }
    if (!used_.insert(intent.clientId).second) {
        reject();
        return out;
    }
    const Decimal last = *last_;
    if (intent.type == OrderType::Market) {
        const int sign = intent.side == Side::Buy ? +1 : -1;
        const Wide full = 10000 * pow10w(config_.slippageBps.scale);
        const Wide tick = pair_.spec().tickSize.mantissa;
        // last × (1 ± slippage), to the tick against the taker.
        const Wide ticks = mulDivN({unitsAt(last, pair_.priceScale()), full + sign * config_.slippageBps.mantissa},
                                   {full, tick}, sign > 0 ? Rounding::Ceil : Rounding::Floor);
        const Decimal price = decimalAt(ticks * tick, pair_.priceScale());
        Decimal qty = intent.quoteAmount > 0 && intent.side == Side::Buy && price.mantissa > 0
                          ? pair_.qtyForQuote(intent.quoteAmount, price)
                          : pair_.normalizeQty(intent.qty);
        if (qty.mantissa <= 0 || price.mantissa <= 0) {
            reject();
            return out;
        }
        out.push_back(execute(intent.clientId, intent.side, price, qty, ts));
        return out;
    }
    const Decimal qty = pair_.normalizeQty(intent.qty);
    if (qty.mantissa <= 0 || intent.price.mantissa <= 0) {
        reject();
        return out;
    }
    const bool marketable =
        intent.side == Side::Buy ? intent.price.compare(last) >= 0 : intent.price.compare(last) <= 0;
    if (marketable) {
        out.push_back(execute(intent.clientId, intent.side, last, qty, ts));
        return out;
    }
    resting_.emplace(seq_++, Resting{intent.clientId, intent.side, intent.price, qty});
    return out;
}

std::int64_t PaperExchange::equity(const Decimal& price) const {
    return addChecked(wallet_.quote, pair_.markToMarket(price, wallet_.base));
}

}  // namespace bourse::bots
