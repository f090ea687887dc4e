//
// SourceSelector.h — which price source feeds each instrument right now.
//
// An instrument may be offered by several sources in a configured priority
// order (market_data.instruments.SYM.sources). Each (instrument, source) pair is
// a feed whose status is judged from two things: when its last tick arrived
// (older than the source's staleness limit: stale) and what the source says of
// its connection (host->source_state: backing off, banned). The active feed is
// the first in priority that is live; failing that, the first that still ticks
// (a source polling while its stream is down); failing that, none, and the
// instrument cannot be traded.
//
// Pure logic on a monotonic clock the caller passes in (nanoseconds); no I/O.
// Not thread-safe: MarketData serialises calls.
//
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace bourse {

enum class FeedStatus { Live, Stale, BackingOff, Banned };

/// "live", "stale", "backing_off", "banned".
const char* feedStatusName(FeedStatus status);

class SourceSelector {
public:
    /// A change of the active source of an instrument ("" = none).
    struct Switch {
        std::string symbol, from, to, reason;
    };

    struct FeedView {
        std::string source;
        FeedStatus status = FeedStatus::Stale;
        std::string detail;           ///< what the source last said of its state
        std::int64_t lastTickNs = 0;  ///< monotonic; 0 = none since start
    };

    /// priorities: symbol → sources in priority order (symbols not listed may
    /// have exactly one source). staleAfterNs: per source, else defaultStaleNs.
    SourceSelector(std::map<std::string, std::vector<std::string>> priorities,
                   std::map<std::string, std::int64_t> staleAfterNs, std::int64_t defaultStaleNs);

    /// "" if `source` may offer `symbol` next to the sources already offering
    /// it, else why not.
    [[nodiscard]] std::string refusal(const std::string& symbol, const std::string& source) const;
    /// Records that `source` offers exactly `symbols` now (call refusal() first).
    std::vector<Switch> setOffered(const std::string& source, const std::vector<std::string>& symbols,
                                   std::int64_t nowNs);
    /// The source went away (disabled): drops its feeds.
    std::vector<Switch> removeSource(const std::string& source, std::int64_t nowNs);

    /// What the source says of its connection (a source that never said is live).
    std::vector<Switch> report(const std::string& source, FeedStatus state, const std::string& detail,
                               std::int64_t nowNs);
    /// A tick arrived. Returns true when it comes from the active feed (after
    /// any switch it caused), i.e. it is the instrument's price.
    bool onTick(const std::string& symbol, const std::string& source, std::int64_t nowNs,
                std::optional<Switch>& switched);
    /// Re-judges every instrument (staleness needs no event to happen).
    std::vector<Switch> evaluate(std::int64_t nowNs);

    /// The active source of symbol, if it has a usable one.
    [[nodiscard]] std::optional<std::string> active(const std::string& symbol) const;
    /// The source whose instrument details (name, scale) describe symbol: the
    /// active one, else the first offering it in priority order.
    [[nodiscard]] std::optional<std::string> describer(const std::string& symbol) const;
    /// Every feed of symbol, in priority order, judged at nowNs.
    [[nodiscard]] std::vector<FeedView> feeds(const std::string& symbol, std::int64_t nowNs) const;
    /// Every source and the state it last reported ("" detail if none).
    [[nodiscard]] std::map<std::string, std::pair<FeedStatus, std::string>> reportedStates() const;

private:
    struct Feed {
        std::string source;
        std::int64_t lastTickNs = 0;
    };
    struct Instrument {
        std::vector<Feed> feeds;  ///< in priority order
        std::string active;       ///< "" = none usable
    };

    [[nodiscard]] int rank(const std::string& symbol, const std::string& source) const;
    [[nodiscard]] FeedStatus statusOf(const Feed& feed, std::int64_t nowNs) const;
    /// A tick arrived within the source's staleness limit.
    [[nodiscard]] bool fresh(const Feed& feed, std::int64_t nowNs) const;
    /// Picks the active feed of one instrument; returns the switch if it changed.
    std::optional<Switch> reselect(const std::string& symbol, Instrument& in, std::int64_t nowNs);

    std::map<std::string, std::vector<std::string>> _priorities;
    std::map<std::string, std::int64_t> _staleAfterNs;
    std::int64_t _defaultStaleNs;
    std::map<std::string, Instrument> _instruments;
    std::map<std::string, std::pair<FeedStatus, std::string>> _reported;  ///< source → last report
};

}  // namespace bourse
