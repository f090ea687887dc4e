#include "market/SourceSelector.h"

#include <algorithm>
#include <climits>

namespace bourse {

const char* feedStatusName(FeedStatus status) {
    switch (status) {
        case FeedStatus::Live:
            return "live";
        case FeedStatus::Stale:
            return "stale";
        case FeedStatus::BackingOff:
            return "backing_off";
        case FeedStatus::Banned:
            return "banned";
    }
    return "unknown";
}

SourceSelector::SourceSelector(std::map<std::string, std::vector<std::string>> priorities,
                               std::map<std::string, std::int64_t> staleAfterNs, std::int64_t defaultStaleNs)
    : _priorities(std::move(priorities)), _staleAfterNs(std::move(staleAfterNs)), _defaultStaleNs(defaultStaleNs) {}

int SourceSelector::rank(const std::string& symbol, const std::string& source) const {
    const auto it = _priorities.find(symbol);
    if (it == _priorities.end()) return 0;
    const auto pos = std::find(it->second.begin(), it->second.end(), source);
    return pos == it->second.end() ? INT_MAX : static_cast<int>(pos - it->second.begin());
}

std::string SourceSelector::refusal(const std::string& symbol, const std::string& source) const {
    const auto listed = _priorities.find(symbol);
    if (listed != _priorities.end()) {
        if (rank(symbol, source) == INT_MAX)
            return "symbol " + symbol + " is configured for other sources (market_data.instruments." + symbol +
                   ".sources)";
        return "";
    }
    const auto it = _instruments.find(symbol);
    if (it == _instruments.end()) return "";
    for (const Feed& f : it->second.feeds)
        if (f.source != source)
            return "symbol " + symbol + " is already provided by '" + f.source +
                   "' (list both in market_data.instruments." + symbol + ".sources to use one as a fallback)";
    return "";
}

FeedStatus SourceSelector::statusOf(const Feed& feed, std::int64_t nowNs) const {
    FeedStatus reported = FeedStatus::Live;
    if (const auto r = _reported.find(feed.source); r != _reported.end()) reported = r->second.first;
    if (reported == FeedStatus::Banned) return FeedStatus::Banned;
    // Backing off says more than "stale" about why no ticks come; a source that
    // backs off but still ticks (polling) is usable, only not preferred.
    if (reported == FeedStatus::BackingOff) return FeedStatus::BackingOff;
    return fresh(feed, nowNs) ? FeedStatus::Live : FeedStatus::Stale;
}

bool SourceSelector::fresh(const Feed& feed, std::int64_t nowNs) const {
    const auto limit = _staleAfterNs.find(feed.source);
    const std::int64_t staleNs = limit == _staleAfterNs.end() ? _defaultStaleNs : limit->second;
    return feed.lastTickNs != 0 && nowNs - feed.lastTickNs <= staleNs;
}

std::optional<SourceSelector::Switch> SourceSelector::reselect(const std::string& symbol, Instrument& in,
                                                               std::int64_t nowNs) {
    const Feed* live = nullptr;
    const Feed* ticking = nullptr;
    for (const Feed& f : in.feeds) {
        const FeedStatus s = statusOf(f, nowNs);
        if (s == FeedStatus::Live) {
            live = &f;
            break;
        }
        if (!ticking && s == FeedStatus::BackingOff && fresh(f, nowNs)) ticking = &f;
    }
    const Feed* chosen = live ? live : ticking;
    const std::string next = chosen ? chosen->source : "";
    if (next == in.active) return std::nullopt;
    Switch sw{symbol, in.active, next, ""};
    if (!in.active.empty()) {
        const auto old =
            std::find_if(in.feeds.begin(), in.feeds.end(), [&](const Feed& f) { return f.source == in.active; });
        if (old == in.feeds.end()) {
            sw.reason = in.active + " no longer offers it";
        } else {
            const auto ahead = [&](const std::string& a, const std::string& b) {
                const auto pos = [&](const std::string& src) {
                    return std::find_if(in.feeds.begin(), in.feeds.end(),
                                        [&](const Feed& f) { return f.source == src; });
                };
                return pos(a) < pos(b);
            };
            if (!next.empty() && ahead(next, in.active)) {
                sw.reason = next + " has priority and is live again";  // the return to the preferred source
            } else {
                sw.reason = in.active + " is " + feedStatusName(statusOf(*old, nowNs));
                if (const auto r = _reported.find(in.active); r != _reported.end() && !r->second.second.empty())
                    sw.reason += " (" + r->second.second + ")";
            }
        }
    } else {
        sw.reason = next + " is live";
    }
    if (next.empty()) sw.reason += "; no live source";
    in.active = next;
    return sw;
}

std::vector<SourceSelector::Switch> SourceSelector::setOffered(const std::string& source,
                                                               const std::vector<std::string>& symbols,
                                                               std::int64_t nowNs) {
    std::vector<Switch> out;
    // Drop the feeds it no longer offers.
    for (auto it = _instruments.begin(); it != _instruments.end();) {
        auto& feeds = it->second.feeds;
        const bool offered = std::find(symbols.begin(), symbols.end(), it->first) != symbols.end();
        if (!offered) {
            feeds.erase(std::remove_if(feeds.begin(), feeds.end(), [&](const Feed& f) { return f.source == source; }),
                        feeds.end());
            if (auto sw = reselect(it->first, it->second, nowNs)) out.push_back(*sw);
        }
        it = feeds.empty() ? _instruments.erase(it) : std::next(it);
    }
    for (const std::string& symbol : symbols) {
        Instrument& in = _instruments[symbol];
        const bool known =
            std::any_of(in.feeds.begin(), in.feeds.end(), [&](const Feed& f) { return f.source == source; });
        if (!known) {
            in.feeds.push_back(Feed{source, 0});
            std::stable_sort(in.feeds.begin(), in.feeds.end(), [&](const Feed& a, const Feed& b) {
                return rank(symbol, a.source) < rank(symbol, b.source);
            });
        }
        if (auto sw = reselect(symbol, in, nowNs)) out.push_back(*sw);
    }
    return out;
}

std::vector<SourceSelector::Switch> SourceSelector::removeSource(const std::string& source, std::int64_t nowNs) {
    _reported.erase(source);
    return setOffered(source, {}, nowNs);
}

std::vector<SourceSelector::Switch> SourceSelector::report(const std::string& source, FeedStatus state,
                                                           const std::string& detail, std::int64_t nowNs) {
    _reported[source] = {state, detail};
    return evaluate(nowNs);
}

bool SourceSelector::onTick(const std::string& symbol, const std::string& source, std::int64_t nowNs,
                            std::optional<Switch>& switched) {
    switched.reset();
    const auto it = _instruments.find(symbol);
    if (it == _instruments.end()) return false;
    Instrument& in = it->second;
    for (Feed& f : in.feeds)
        if (f.source == source) f.lastTickNs = nowNs;
    // Only a tick from a feed other than the active one can change the choice
    // (its source came back); the active feed's own tick keeps it fresh.
    if (in.active != source) switched = reselect(symbol, in, nowNs);
    return in.active == source;
}

std::vector<SourceSelector::Switch> SourceSelector::evaluate(std::int64_t nowNs) {
    std::vector<Switch> out;
    for (auto& [symbol, in] : _instruments)
        if (auto sw = reselect(symbol, in, nowNs)) out.push_back(*sw);
    return out;
}

std::optional<std::string> SourceSelector::active(const std::string& symbol) const {
    const auto it = _instruments.find(symbol);
    if (it == _instruments.end() || it->second.active.empty()) return std::nullopt;
    return it->second.active;
}

std::optional<std::string> SourceSelector::describer(const std::string& symbol) const {
    const auto it = _instruments.find(symbol);
    if (it == _instruments.end() || it->second.feeds.empty()) return std::nullopt;
    if (!it->second.active.empty()) return it->second.active;
    return it->second.feeds.front().source;
}

std::vector<SourceSelector::FeedView> SourceSelector::feeds(const std::string& symbol, std::int64_t nowNs) const {
    std::vector<FeedView> out;
    const auto it = _instruments.find(symbol);
    if (it == _instruments.end()) return out;
    for (const Feed& f : it->second.feeds) {
        std::string detail;
        if (const auto r = _reported.find(f.source); r != _reported.end()) detail = r->second.second;
        out.push_back(FeedView{f.source, statusOf(f, nowNs), detail, f.lastTickNs});
    }
    return out;
}

std::map<std::string, std::pair<FeedStatus, std::string>> SourceSelector::reportedStates() const {
    return _reported;
}

}  // namespace bourse
