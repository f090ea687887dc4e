//
// CreditBudget.h — Twelve Data API credits: what this plugin spent in the
// current UTC minute and UTC day against the plan's limits, and how often it
// may poll. Pure arithmetic, time passed in (host clock, epoch ms).
//
// The rule:
//   * Every request costs credits (GET /price: one per symbol, GET
//     /time_series: one), counted when it is sent, whatever the outcome.
//   * A share of both limits is kept for history requests (fetchCandles):
//     reserve = ceil(limit × history_reserve_percent / 100), at most limit − 1.
//     Polls may spend up to limit − reserve in a window; history requests up to
//     the whole limit. Neither ever spends past a limit: it waits for the next
//     minute (or UTC day) instead.
//   * Polls are spread evenly: with c credits a poll, the minute allows
//     Pm = ⌊(minute limit − reserve) / c⌋ polls and the day Pd = ⌊(day limit −
//     reserve) / c⌋; after each poll the next waits max(60,000 / Pm,
//     86,400,000 / Pd) ms, rounded up — the larger of what the minute and the
//     day allow — and never less than poll_interval_ms. Whole polls per window,
//     so no clock minute ever sees more than Pm of them.
//
// Not thread-safe (the plugin's calls are serialised by the host).
//
#pragma once

#include <cstdint>
#include <limits>
#include <string>

namespace bourse::twelvedata {

class CreditBudget {
public:
    static constexpr std::int64_t kMinuteMs = 60'000;
    static constexpr std::int64_t kDayMs = 86'400'000;
    static constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::max();

    enum class Use { Poll, History };

    /// perMinute, perDay >= 1; reservePercent 0..90 (the caller validates).
    CreditBudget(int perMinute, int perDay, int reservePercent);

    [[nodiscard]] int perMinute() const { return _perMinute; }
    [[nodiscard]] int perDay() const { return _perDay; }
    [[nodiscard]] int minuteReserve() const { return _minuteReserve; }
    [[nodiscard]] int dayReserve() const { return _dayReserve; }
    /// The most credits one poll may cost (one window's share for polls).
    [[nodiscard]] int maxPollCredits() const;

    /// How long to wait after a poll costing `credits` (at least floorMs).
    [[nodiscard]] std::int64_t pollSpacingMs(int credits, std::int64_t floorMs = 0) const;

    /// The earliest epoch ms at or after nowMs when `credits` may be spent for
    /// `use`: nowMs when it may be spent now, kNever when it never fits a window.
    [[nodiscard]] std::int64_t availableAt(std::int64_t nowMs, int credits, Use use) const;
    [[nodiscard]] bool canSpend(std::int64_t nowMs, int credits, Use use) const {
        return availableAt(nowMs, credits, use) == nowMs;
    }
    void spend(std::int64_t nowMs, int credits);
    /// The service says this minute's (or day's) credits are gone: count them so.
    void exhaustMinute(std::int64_t nowMs);
    void exhaustDay(std::int64_t nowMs);

    [[nodiscard]] int usedThisMinute(std::int64_t nowMs) const;
    [[nodiscard]] int usedToday(std::int64_t nowMs) const;

    static std::int64_t nextMinute(std::int64_t nowMs) { return floorDiv(nowMs, kMinuteMs) * kMinuteMs + kMinuteMs; }
    static std::int64_t nextDay(std::int64_t nowMs) { return floorDiv(nowMs, kDayMs) * kDayMs + kDayMs; }

    /// "<minute> <used> <day> <used>", for the host's KV store (survives reloads).
    [[nodiscard]] std::string save() const;
    /// Restores what save() wrote; ignores text it cannot read.
    void restore(const std::string& text);

private:
    static std::int64_t floorDiv(std::int64_t a, std::int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }
    void roll(std::int64_t nowMs);

    int _perMinute, _perDay, _minuteReserve, _dayReserve;
    std::int64_t _minute = -1, _day = -1;  ///< window indexes the counts belong to
    int _minuteUsed = 0, _dayUsed = 0;
};

}  // namespace bourse::twelvedata
