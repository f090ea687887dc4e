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
    const auto book = _book.try_emplace(order.symbol).first;
    const std::uint64_t seq = _next++;
    const bool market = order.type == "MARKET", buy = order.side == "BUY";
    if (market)
        book->second.markets.insert(seq);
    else
        (buy ? book->second.buys : book->second.sells).emplace(order.price, seq);
    _where[key(order.botId, order.clientOrderId)] = {book, seq};
    book->second.orders.emplace(seq, Resting{order.botId, order.clientOrderId, order.price, order.qty,
                                             order.quoteAmount, order.filledQty, order.createdNs, buy, market});
}

BotOrder PaperVenue::take(Books::iterator book, std::uint64_t seq) {
    SymbolBook& b = book->second;
    const auto it = b.orders.find(seq);
    Resting r = std::move(it->second);
    b.orders.erase(it);
    if (r.market) {
        b.markets.erase(seq);
    } else {
        auto& index = r.buy ? b.buys : b.sells;
        auto [first, last] = index.equal_range(r.price);
        for (; first != last; ++first)
            if (first->second == seq) {
                index.erase(first);
                break;
            }
    }
    _where.erase(key(r.botId, r.clientOrderId));
    BotOrder order;
    order.botId = std::move(r.botId);
    order.clientOrderId = std::move(r.clientOrderId);
    order.symbol = book->first;
    order.side = r.buy ? "BUY" : "SELL";
    order.type = r.market ? "MARKET" : "LIMIT";
    order.price = r.price;
    order.qty = r.qty;
    order.quoteAmount = r.quoteAmount;
    order.filledQty = r.filledQty;
    order.createdNs = order.updatedNs = r.createdNs;
    return order;
}

bool PaperVenue::remove(const std::string& botId, const std::string& clientOrderId) {
    const auto it = _where.find(key(botId, clientOrderId));
    if (it == _where.end()) return false;
    const auto [book, seq] = it->second;
    take(book, seq);
    return true;
}

void PaperVenue::removeBot(const std::string& botId) {
    for (auto book = _book.begin(); book != _book.end(); ++book) {
        std::vector<std::uint64_t> mine;
        for (const auto& [seq, o] : book->second.orders)
            if (o.botId == botId) mine.push_back(seq);
        for (const std::uint64_t seq : mine)
            take(book, seq);
    }
}

std::vector<BotOrder> PaperVenue::crossed(const std::string& symbol, std::int64_t price) {
    std::vector<BotOrder> out;
    const auto book = _book.find(symbol);
    if (book == _book.end()) return out;
    SymbolBook& b = book->second;
    std::vector<std::uint64_t> hit(b.markets.begin(), b.markets.end());
    for (auto i = b.buys.lower_bound(price); i != b.buys.end(); ++i)
        hit.push_back(i->second);
    for (auto i = b.sells.begin(); i != b.sells.end() && i->first <= price; ++i)
        hit.push_back(i->second);
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
