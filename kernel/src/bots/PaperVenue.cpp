#include "bots/PaperVenue.h"

#include "bots/BotStore.h"
#include "ledger/Currencies.h"

#include <algorithm>
#include <stdexcept>

namespace bourse {

namespace {

using Wide = __int128;

Wide pow10(int n) {
    Wide p = 1;
    for (int i = 0; i < n; ++i)
        p *= 10;
    return p;
}

/// a / b rounded up (ceil) or down, for a, b > 0.
Wide divide(Wide a, Wide b, bool ceil) {
    return ceil ? (a + b - 1) / b : a / b;
}

std::int64_t narrow(Wide v) {
    if (v > INT64_MAX || v < INT64_MIN) throw std::overflow_error("paper venue: amount out of range");
    return static_cast<std::int64_t>(v);
}

/// bps (a Decimal) of `amount`, rounded as asked.
Wide basisPoints(Wide amount, const Decimal& bps, bool ceil) {
    return divide(amount * bps.mantissa, pow10(bps.scale) * 10000, ceil);
}

}  // namespace

std::int64_t notionalMinor(std::int64_t price, int priceScale, std::int64_t qty, int qtyScale, int quoteScale,
                           bool ceil) {
    const Wide product = static_cast<Wide>(price) * qty;
    const int shift = priceScale + qtyScale - quoteScale;
    if (shift <= 0) return narrow(product * pow10(-shift));
    return narrow(divide(product, pow10(shift), ceil));
}

void PaperVenue::add(const BotOrder& order) {
    SymbolBook& book = _book[order.symbol];
    const std::uint64_t seq = _next++;
    if (order.type == "MARKET")
        book.markets.insert(seq);
    else
        (order.side == "BUY" ? book.buys : book.sells).emplace(order.price, seq);
    _where[key(order.botId, order.clientOrderId)] = {order.symbol, seq};
    book.orders.emplace(seq, order);
}

BotOrder PaperVenue::take(SymbolBook& book, std::uint64_t seq) {
    const auto it = book.orders.find(seq);
    BotOrder order = std::move(it->second);
    book.orders.erase(it);
    if (order.type == "MARKET") {
        book.markets.erase(seq);
    } else {
        auto& index = order.side == "BUY" ? book.buys : book.sells;
        auto [first, last] = index.equal_range(order.price);
        for (; first != last; ++first)
            if (first->second == seq) {
                index.erase(first);
                break;
            }
    }
    _where.erase(key(order.botId, order.clientOrderId));
    return order;
}

bool PaperVenue::remove(const std::string& botId, const std::string& clientOrderId) {
    const auto it = _where.find(key(botId, clientOrderId));
    if (it == _where.end()) return false;
    const auto [symbol, seq] = it->second;
    take(_book.at(symbol), seq);
    return true;
}

void PaperVenue::removeBot(const std::string& botId) {
    for (auto& [symbol, book] : _book) {
        std::vector<std::uint64_t> mine;
        for (const auto& [seq, o] : book.orders)
            if (o.botId == botId) mine.push_back(seq);
        for (const std::uint64_t seq : mine)
            take(book, seq);
    }
}

std::vector<BotOrder> PaperVenue::crossed(const std::string& symbol, std::int64_t price) {
    std::vector<BotOrder> out;
    const auto it = _book.find(symbol);
    if (it == _book.end()) return out;
    SymbolBook& book = it->second;
    std::vector<std::uint64_t> hit(book.markets.begin(), book.markets.end());
    for (auto b = book.buys.lower_bound(price); b != book.buys.end(); ++b)
        hit.push_back(b->second);
    for (auto s = book.sells.begin(); s != book.sells.end() && s->first <= price; ++s)
        hit.push_back(s->second);
    std::sort(hit.begin(), hit.end());  // oldest first
    out.reserve(hit.size());
    for (const std::uint64_t seq : hit)
        out.push_back(take(book, seq));
    return out;
}

std::size_t PaperVenue::size() const {
    std::size_t n = 0;
    for (const auto& [symbol, book] : _book)
        n += book.orders.size();
    return n;
}

Execution PaperVenue::execute(const Bot& bot, const BotOrder& order, std::int64_t price) const {
    const int quoteScale = currencyDecimals(bot.quote);
    const bool buy = order.side == "BUY";
    Execution e;
    if (order.type == "LIMIT") {
        e.price = order.price;
    } else {
        // Slippage moves a market order's price against the bot: up for a buy,
        // down for a sell, rounded against the bot too.
        const Wide whole = pow10(_terms.slippageBps.scale) * 10000;
        const Wide factor = whole + (buy ? 1 : -1) * static_cast<Wide>(_terms.slippageBps.mantissa);
        const Wide moved = divide(static_cast<Wide>(price) * factor, whole, buy);
        e.price = narrow(std::max<Wide>(moved, 1));
    }
    if (order.quoteAmount > 0) {
        // A market buy spending an amount of quote: as much base as it pays for.
        const int shift = bot.priceScale + bot.qtyScale - quoteScale;
        const Wide spend = static_cast<Wide>(order.quoteAmount);
        e.qty = narrow(shift >= 0 ? spend * pow10(shift) / e.price : spend / (e.price * pow10(-shift)));
    } else {
        e.qty = order.qty - order.filledQty;
    }
    if (e.qty <= 0) return Execution{};
    e.notional = notionalMinor(e.price, bot.priceScale, e.qty, bot.qtyScale, quoteScale, buy);
    e.fee = narrow(basisPoints(e.notional, _terms.feeBps, true));
    return e;
}

JournalTx PaperVenue::fillTx(const Bot& bot, const BotOrder& order, const Execution& e, const std::string& fillId) {
    const std::string venueQuote = Ledger::houseAccount("venue-" + bot.venue, bot.quote);
    const std::string venueBase = Ledger::houseAccount("venue-" + bot.venue, bot.base);
    const std::string fees = Ledger::houseAccount("fees", bot.quote);
    const std::string botQuote = BotStore::account(bot, bot.quote);
    const std::string botBase = BotStore::account(bot, bot.base);
    JournalTx tx{"fill:" + fillId,
                 "bot_fill",
                 bot.userId,
                 bot.id,
                 bot.product + " " + bot.symbol + " " + order.side + " " + order.clientOrderId,
                 {}};
    if (order.side == "BUY") {
        tx.postings = {{botQuote, bot.quote, -(e.notional + e.fee), true},
                       {venueQuote, bot.quote, e.notional},
                       {botBase, bot.base, e.qty},
                       {venueBase, bot.base, -e.qty}};
    } else {
        tx.postings = {{botBase, bot.base, -e.qty, true},
                       {venueBase, bot.base, e.qty},
                       {botQuote, bot.quote, e.notional - e.fee},
                       {venueQuote, bot.quote, -e.notional}};
    }
    if (e.fee > 0) tx.postings.push_back({fees, bot.quote, e.fee});
    return tx;
}

}  // namespace bourse
