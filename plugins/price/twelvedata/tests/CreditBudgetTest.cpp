// The credit budget on its own: the history reserve, the poll spacing (the
// larger of what the minute and the day allow), windows that turn with the
// UTC minute and day, and what survives a reload.
#include "CreditBudget.h"

#include <cppunit/extensions/HelperMacros.h>

#include <map>

using bourse::twelvedata::CreditBudget;
using Use = CreditBudget::Use;

namespace {
// 2023-11-14 22:13:20.000 UTC: 40 s before a minute turns.
constexpr std::int64_t kT0 = 1'700'000'000'000;
}  // namespace

class CreditBudgetTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(CreditBudgetTest);
    CPPUNIT_TEST(testReserve);
    CPPUNIT_TEST(testSpacingIsTheLargerOfMinuteAndDay);
    CPPUNIT_TEST(testPollsLeaveTheReserveToHistory);
    CPPUNIT_TEST(testDayLimitWaitsForTheNextUtcDay);
    CPPUNIT_TEST(testServiceSaysExhausted);
    CPPUNIT_TEST(testSaveRestore);
    CPPUNIT_TEST_SUITE_END();

public:
    void testReserve() {
        const CreditBudget basic(8, 800, 10);
        CPPUNIT_ASSERT_EQUAL(1, basic.minuteReserve());  // ceil(0.8)
        CPPUNIT_ASSERT_EQUAL(80, basic.dayReserve());
        CPPUNIT_ASSERT_EQUAL(7, basic.maxPollCredits());
        const CreditBudget none(8, 800, 0);
        CPPUNIT_ASSERT_EQUAL(0, none.minuteReserve());
        CPPUNIT_ASSERT_EQUAL(8, none.maxPollCredits());
        const CreditBudget tiny(1, 1, 90);  // polling keeps at least one credit
        CPPUNIT_ASSERT_EQUAL(0, tiny.minuteReserve());
        CPPUNIT_ASSERT_EQUAL(1, tiny.maxPollCredits());
        const CreditBudget half(3, 10, 50);
        CPPUNIT_ASSERT_EQUAL(2, half.minuteReserve());  // ceil(1.5)
        CPPUNIT_ASSERT_EQUAL(1, half.maxPollCredits());
    }

    void testSpacingIsTheLargerOfMinuteAndDay() {
        // Basic plan: the day binds. 720 poll credits a day → one per 120 s.
        const CreditBudget basic(8, 800, 10);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(86'400'000 / 720), basic.pollSpacingMs(1));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2 * 86'400'000 / 720), basic.pollSpacingMs(2));
        // A large day: the minute binds. 7 poll credits a minute: two polls of 3 credits, 30 s apart
        // (not 3 × 60 s / 7, which would fit three polls, 9 credits, into some minutes).
        const CreditBudget minute(8, 1'000'000, 10);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(60'000 / (7 / 3)), minute.pollSpacingMs(3));
        CPPUNIT_ASSERT_EQUAL(std::int64_t((60'000 + 6) / 7), minute.pollSpacingMs(1));
        // The floor wins when the plan allows more.
        const CreditBudget pro(610, 100'000'000, 10);
        CPPUNIT_ASSERT_EQUAL(std::int64_t((60'000 + 548) / 549), pro.pollSpacingMs(1));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1'000), pro.pollSpacingMs(1, 1'000));
        // Polls at that spacing never spend past the poll share of a clock minute.
        const std::int64_t spacing = minute.pollSpacingMs(3);
        CreditBudget b(8, 1'000'000, 10);
        std::map<std::int64_t, int> perMinute;
        for (std::int64_t t = kT0; t < kT0 + 3'600'000; t += spacing) {
            CPPUNIT_ASSERT(b.canSpend(t, 3, Use::Poll));
            b.spend(t, 3);
            perMinute[t / 60'000] += 3;
        }
        for (const auto& [m, used] : perMinute)
            CPPUNIT_ASSERT(used <= 7);
    }

    void testPollsLeaveTheReserveToHistory() {
        CreditBudget b(8, 800, 10);
        b.spend(kT0, 7);
        CPPUNIT_ASSERT_EQUAL(7, b.usedThisMinute(kT0));
        CPPUNIT_ASSERT(!b.canSpend(kT0, 1, Use::Poll));
        CPPUNIT_ASSERT_EQUAL(CreditBudget::nextMinute(kT0), b.availableAt(kT0, 1, Use::Poll));
        CPPUNIT_ASSERT_EQUAL(kT0 + 40'000, CreditBudget::nextMinute(kT0));
        CPPUNIT_ASSERT(b.canSpend(kT0, 1, Use::History));  // the reserved credit
        b.spend(kT0 + 1, 1);
        CPPUNIT_ASSERT_EQUAL(kT0 + 40'000, b.availableAt(kT0 + 2, 1, Use::History));
        // The minute turns: counts start again, the day's stay.
        CPPUNIT_ASSERT(b.canSpend(kT0 + 40'000, 7, Use::Poll));
        CPPUNIT_ASSERT_EQUAL(0, b.usedThisMinute(kT0 + 40'000));
        CPPUNIT_ASSERT_EQUAL(8, b.usedToday(kT0 + 40'000));
        // More than a window's share never fits.
        CPPUNIT_ASSERT_EQUAL(CreditBudget::kNever, b.availableAt(kT0, 8, Use::Poll));
        CPPUNIT_ASSERT_EQUAL(CreditBudget::kNever, b.availableAt(kT0, 9, Use::History));
    }

    void testDayLimitWaitsForTheNextUtcDay() {
        CreditBudget b(100, 10, 20);  // day: 2 reserved, 8 for polls
        std::int64_t t = kT0;
        for (int i = 0; i < 8; ++i, t += 60'000)
            b.spend(t, 1);
        const std::int64_t midnight = (t / 86'400'000 + 1) * 86'400'000;  // 2023-11-15 00:00:00 UTC
        CPPUNIT_ASSERT_EQUAL(midnight, b.availableAt(t, 1, Use::Poll));
        CPPUNIT_ASSERT(b.canSpend(t, 2, Use::History));
        b.spend(t, 2);
        CPPUNIT_ASSERT_EQUAL(midnight, b.availableAt(t, 1, Use::History));
        CPPUNIT_ASSERT(b.canSpend(midnight, 8, Use::Poll));
        CPPUNIT_ASSERT_EQUAL(0, b.usedToday(midnight));
    }

    void testServiceSaysExhausted() {
        CreditBudget b(8, 800, 10);
        b.spend(kT0, 1);
        b.exhaustMinute(kT0 + 5);  // another client of the key spent the rest
        CPPUNIT_ASSERT_EQUAL(8, b.usedThisMinute(kT0 + 5));
        CPPUNIT_ASSERT_EQUAL(1, b.usedToday(kT0 + 5));
        CPPUNIT_ASSERT_EQUAL(kT0 + 40'000, b.availableAt(kT0 + 5, 1, Use::History));
        b.exhaustDay(kT0 + 6);
        CPPUNIT_ASSERT_EQUAL(CreditBudget::nextDay(kT0), b.availableAt(kT0 + 50'000, 1, Use::History));
    }

    void testSaveRestore() {
        CreditBudget a(8, 800, 10);
        a.spend(kT0, 3);
        a.spend(kT0 + 1'000, 2);
        CreditBudget b(8, 800, 10);
        b.restore(a.save());
        CPPUNIT_ASSERT_EQUAL(a.usedThisMinute(kT0), b.usedThisMinute(kT0));
        CPPUNIT_ASSERT_EQUAL(a.usedToday(kT0), b.usedToday(kT0));
        CPPUNIT_ASSERT_EQUAL(a.availableAt(kT0, 7, Use::Poll), b.availableAt(kT0, 7, Use::Poll));
        CreditBudget c(8, 800, 10);
        c.restore("garbage");
        c.restore("1 -5 2 3");
        CPPUNIT_ASSERT_EQUAL(0, c.usedToday(kT0));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(CreditBudgetTest);
