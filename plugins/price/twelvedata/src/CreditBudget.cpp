#include "CreditBudget.h"

#include <algorithm>
#include <sstream>

namespace bourse::twelvedata {

namespace {

int reserveOf(int limit, int percent) {
    const int ceil = (limit * percent + 99) / 100;
    return std::max(0, std::min(limit - 1, ceil));
}

std::int64_t ceilDiv(std::int64_t a, std::int64_t b) {
    return (a + b - 1) / b;
}

}  // namespace

CreditBudget::CreditBudget(int perMinute, int perDay, int reservePercent)
    : _perMinute(perMinute),
      _perDay(perDay),
      _minuteReserve(reserveOf(perMinute, reservePercent)),
      _dayReserve(reserveOf(perDay, reservePercent)) {}

int CreditBudget::maxPollCredits() const {
    return std::min(_perMinute - _minuteReserve, _perDay - _dayReserve);
}

std::int64_t CreditBudget::pollSpacingMs(int credits, std::int64_t floorMs) const {
    // Whole polls per window: spacing by credits alone would let ⌊P/c⌋ + 1 polls
    // of c credits fall in one clock minute when c does not divide P.
    const int c = std::max(credits, 1);
    const std::int64_t pollsPerMinute = std::max(1, (_perMinute - _minuteReserve) / c);
    const std::int64_t pollsPerDay = std::max(1, (_perDay - _dayReserve) / c);
    return std::max({ceilDiv(kMinuteMs, pollsPerMinute), ceilDiv(kDayMs, pollsPerDay), floorMs});
}

std::int64_t CreditBudget::availableAt(std::int64_t nowMs, int credits, Use use) const {
    const int minuteLimit = use == Use::Poll ? _perMinute - _minuteReserve : _perMinute;
    const int dayLimit = use == Use::Poll ? _perDay - _dayReserve : _perDay;
    if (credits > minuteLimit || credits > dayLimit) return kNever;
    if (usedToday(nowMs) + credits > dayLimit) return nextDay(nowMs);
    if (usedThisMinute(nowMs) + credits > minuteLimit) return nextMinute(nowMs);
    return nowMs;
}

void CreditBudget::roll(std::int64_t nowMs) {
    const std::int64_t minute = floorDiv(nowMs, kMinuteMs), day = floorDiv(nowMs, kDayMs);
    if (minute != _minute) {
        _minute = minute;
        _minuteUsed = 0;
    }
    if (day != _day) {
        _day = day;
        _dayUsed = 0;
    }
}

void CreditBudget::spend(std::int64_t nowMs, int credits) {
    roll(nowMs);
    _minuteUsed += credits;
    _dayUsed += credits;
}

void CreditBudget::exhaustMinute(std::int64_t nowMs) {
    roll(nowMs);
    _minuteUsed = std::max(_minuteUsed, _perMinute);
}

void CreditBudget::exhaustDay(std::int64_t nowMs) {
    roll(nowMs);
    _minuteUsed = std::max(_minuteUsed, _perMinute);
    _dayUsed = std::max(_dayUsed, _perDay);
}

int CreditBudget::usedThisMinute(std::int64_t nowMs) const {
    return floorDiv(nowMs, kMinuteMs) == _minute ? _minuteUsed : 0;
}

int CreditBudget::usedToday(std::int64_t nowMs) const {
    return floorDiv(nowMs, kDayMs) == _day ? _dayUsed : 0;
}

std::string CreditBudget::save() const {
    return std::to_string(_minute) + " " + std::to_string(_minuteUsed) + " " + std::to_string(_day) + " " +
           std::to_string(_dayUsed);
}

void CreditBudget::restore(const std::string& text) {
    std::istringstream in(text);
    std::int64_t minute = 0, day = 0;
    int minuteUsed = 0, dayUsed = 0;
    if (!(in >> minute >> minuteUsed >> day >> dayUsed) || minuteUsed < 0 || dayUsed < 0) return;
    _minute = minute;
    _minuteUsed = minuteUsed;
    _day = day;
    _dayUsed = dayUsed;
}

}  // namespace bourse::twelvedata
