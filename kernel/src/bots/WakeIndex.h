//
// WakeIndex.h — which live bots a new price must reach.
//
// A bot product may say, at the end of a call, that its bot needs no tick
// until a price leaves a band or a time comes (plugin.h position_sleep). With
// 500 bots on an instrument ticking 10 times a second, calling every one of
// them on every price cost more than everything else the runner does; asleep,
// a bot costs nothing until a price crosses one of its bounds. The index keeps
// the awake bots of each symbol, and the sleeping ones ordered by each of
// their bounds, so a price finds the bots it wakes without looking at the rest.
//
// A bot is awake when added, during every call into its product (the runner
// wakes it first), after a failed commit and after its product is reloaded;
// only a committed call puts it to sleep.
//
// Threading: the bot runner's thread only. Errors: none (unknown ids are ignored).
//
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

namespace bourse {

class WakeIndex {
public:
    /// Bounds as price mantissas at the symbol's price scale; absent ones never wake.
    struct Band {
        std::optional<std::int64_t> atOrBelow;
        std::optional<std::int64_t> atOrAbove;
        std::optional<std::int64_t> atNs;  ///< the first tick at or after this time
    };

    /// A live bot, awake. Adding a known id moves it (awake) to `symbol`.
    void add(const std::string& botId, const std::string& symbol, const std::string& product);
    void remove(const std::string& botId);
    /// Puts a known bot to sleep in `band` (replacing any band it had).
    void sleep(const std::string& botId, const Band& band);
    void wake(const std::string& botId);
    /// Wakes every bot of a product (a reload: the new code decides anew).
    void wakeProduct(const std::string& product);

    /// The bots a price of `symbol` at `price`, `tsNs` must tick, in id order:
    /// the awake ones and those whose band it leaves (awake from now on).
    std::vector<std::string> due(const std::string& symbol, std::int64_t price, std::int64_t tsNs);

    [[nodiscard]] bool hasBots(const std::string& symbol) const;
    /// The products of the bots in the index.
    [[nodiscard]] std::vector<std::string> products() const;
    [[nodiscard]] bool asleep(const std::string& botId) const;
    [[nodiscard]] std::size_t sleeping() const { return _sleeping; }

private:
    /// Keys point into _bots (node-based: stable until the bot is removed).
    using Bound = std::multimap<std::int64_t, const std::string*>;
    struct ById {
        bool operator()(const std::string* a, const std::string* b) const { return *a < *b; }
    };
    struct Symbol {
        std::set<const std::string*, ById> awake;
        std::size_t bots = 0;
        Bound below, above, at;
    };
    struct Entry {
        std::string symbol, product;
        bool asleep = false;
        std::optional<Bound::iterator> below, above, at;
    };

    Symbol& symbolOf(const Entry& e) { return _symbols[e.symbol]; }

    std::unordered_map<std::string, Entry> _bots;
    std::unordered_map<std::string, Symbol> _symbols;
    std::map<std::string, std::size_t> _products;  ///< product → bots
    std::size_t _sleeping = 0;
};

}  // namespace bourse
