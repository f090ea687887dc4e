//
// PaperVenue.h — simulated execution of bot orders against live prices.
//
// Market orders execute at the next price known, moved against the bot by the
// slippage; a resting limit order executes, whole, at its limit price once a
// price reaches it (a buy when the price is at or below it, a sell at or
// above). Fees are charged in the quote asset, rounded up. Rounding follows the
// bot engine (plugins/product/bot-engine/include/bourse/bots/Pair.h): what a buy
// pays rounds up to the minor unit, what a sell receives rounds down.
//
// The money side is fillTx(): one balanced journal transaction per execution
// between the bot's accounts and the house's paper-venue and fee accounts,
// guarded on what the bot gives so a bot can never spend more than it holds.
//
// Threading: not thread-safe; owned by the bot runner's thread.
//
#pragma once

#include "bots/Bot.h"
#include "ledger/Ledger.h"

#include <bourse/decimal.hpp>

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

namespace bourse {

struct PaperTerms {
    Decimal feeBps{10, 0};      ///< fee per execution, basis points of the notional
    Decimal slippageBps{5, 0};  ///< market orders execute this much worse than the price
};

struct Execution {
    std::int64_t qty = 0;       ///< base, at the bot's quantity scale
    std::int64_t price = 0;     ///< at the bot's price scale
    std::int64_t notional = 0;  ///< quote minor units (rounded for the venue)
    std::int64_t fee = 0;       ///< quote minor units
};

class PaperVenue {
public:
    explicit PaperVenue(PaperTerms terms) : _terms(terms) {}

    [[nodiscard]] const PaperTerms& terms() const { return _terms; }

    /// Rests an open order on the book (market orders too, until the next price).
    void add(const BotOrder& order);
    /// Takes an order off the book; false when it was not there.
    bool remove(const std::string& botId, const std::string& clientOrderId);
    /// Takes every order of a bot off the book.
    void removeBot(const std::string& botId);
    /// The orders of `symbol` a price of `price` (at the symbol's scale) executes,
    /// taken off the book, oldest first.
    std::vector<BotOrder> crossed(const std::string& symbol, std::int64_t price);
    [[nodiscard]] std::size_t size() const;

    /// What `order` of `bot` gets at market price `price`; qty 0 when a market
    /// buy's quote amount buys less than one unit.
    [[nodiscard]] Execution execute(const Bot& bot, const BotOrder& order, std::int64_t price) const;
    /// The journal transaction of an execution (kind "bot_fill"); the posting
    /// on what the bot gives is guarded.
    [[nodiscard]] static JournalTx fillTx(const Bot& bot, const BotOrder& order, const Execution& e,
                                          const std::string& fillId);

private:
    /// One symbol's resting orders, indexed by what executes them: a price at
    /// or below a buy's limit (buys from the highest limit down), at or above a
    /// sell's (sells from the lowest up), any price for a market order. Each
    /// lookup is logarithmic in the book: a round with thousands of bots on a
    /// symbol touches only the orders its price crosses.
    /// What the book keeps of an open order: tens of thousands rest at once,
    /// and a whole BotOrder (seven strings) cost twice as much.
    struct Resting {
        std::string botId, clientOrderId;
        std::int64_t price = 0, qty = 0, quoteAmount = 0, filledQty = 0, createdNs = 0;
        bool buy = true, market = false;
    };
    struct SymbolBook {
        std::map<std::uint64_t, Resting> orders;  ///< by arrival: oldest first
        std::multimap<std::int64_t, std::uint64_t> buys, sells;
        std::set<std::uint64_t> markets;
    };
    using Books = std::map<std::string, SymbolBook>;  ///< by symbol (node-based: iterators stay valid)
    /// Takes the order with arrival number `seq` off its book's indexes and returns it whole.
    BotOrder take(Books::iterator book, std::uint64_t seq);
    static std::string key(const std::string& botId, const std::string& clientOrderId) {
        return botId + '\n' + clientOrderId;
    }

    PaperTerms _terms;
    Books _book;
    std::unordered_map<std::string, std::pair<Books::iterator, std::uint64_t>> _where;  ///< key() → (book, seq)
    std::uint64_t _next = 0;
};

/// price × qty in quote minor units, rounded up (ceil) or down.
std::int64_t notionalMinor(std::int64_t price, int priceScale, std::int64_t qty, int qtyScale, int quoteScale,
                           bool ceil);

}  // namespace bourse
