// MarketData on a real SQLite database: history back-fill (fills only missing
// minutes, rolls them up, widens the candles in progress, idempotent), several
// sources per instrument (scales, failover, ignored fallback ticks) and
// retention pruning.
#include "PluginHarness.h"

#include "market/MarketData.h"
#include "metrics/Metrics.h"
#include "storage/Database.h"
#include "util/Clock.h"

#include <Poco/Data/Session.h>

#include <cppunit/extensions/HelperMacros.h>

#include <thread>

using namespace bourse;
using namespace Poco::Data::Keywords;

namespace {

constexpr std::int64_t kSec = 1'000'000'000;
constexpr std::int64_t kMin = 60 * kSec;
constexpr std::int64_t kHour = 60 * kMin;

struct Fixture {
    explicit Fixture(MarketDataConfig md = {}) {
        config.dataDir = tmp.path();
        config.marketData = std::move(md);
        db = std::make_unique<Database>(config.storage, config.dataDir);
        db->migrate();
        market = std::make_unique<MarketData>(*db, config.marketData, clock, metrics);
    }
    test::TempDir tmp;
    Config config;
    SystemClock clock;
    Metrics metrics;
    std::unique_ptr<Database> db;
    std::unique_ptr<MarketData> market;
};

InstrumentInfo instrument(const std::string& symbol, int scale) {
    return InstrumentInfo{symbol, symbol, "", scale, "", ""};
}

Candle minute(std::int64_t openNs, std::int64_t o, std::int64_t hi, std::int64_t lo, std::int64_t c) {
    return Candle{"X", 60, openNs, o, hi, lo, c, 2, 0};
}

const Candle* at(const std::vector<Candle>& candles, std::int64_t openNs) {
    for (const auto& c : candles)
        if (c.openNs == openNs) return &c;
    return nullptr;
}

std::int64_t count(Database& db, const std::string& sql) {
    Poco::Data::Session s = db.session();
    Poco::Int64 n = 0;
    s << sql, into(n), now;
    return n;
}

}  // namespace

class MarketDataTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(MarketDataTest);
    CPPUNIT_TEST(testHistoryFillsOnlyMissingMinutesAndRollsUp);
    CPPUNIT_TEST(testHistoryFromAnUnknownSourceIsIgnored);
    CPPUNIT_TEST(testFallbackSourceScaleAndStandby);
    CPPUNIT_TEST(testTakeOverFillsTheDetectionGap);
    CPPUNIT_TEST(testRetention);
    CPPUNIT_TEST_SUITE_END();

public:
    void testHistoryFillsOnlyMissingMinutesAndRollsUp() {
        Fixture f;
        f.market->setInstruments("src", {instrument("X", 2)});
        // A whole hour two hours ago; live ticks in its minutes 1 and 3.
        const std::int64_t h = (f.clock.nowNs() / kHour - 2) * kHour;
        CPPUNIT_ASSERT_EQUAL(std::string(),
                             f.market->onTick("src", PriceTick{"X", Decimal(1000, 2), h + kMin + 5 * kSec}));
        CPPUNIT_ASSERT_EQUAL(std::string(),
                             f.market->onTick("src", PriceTick{"X", Decimal(1010, 2), h + 3 * kMin + 5 * kSec}));
        f.market->flush();

        std::vector<Candle> history;
        for (int i = -60; i <= 3; ++i)  // the previous hour, then minutes 0-3 of this one
            history.push_back(minute(h + i * kMin, 900 + i, 950 + i, 850 + i, 901 + i));
        history[61] = minute(h + kMin, 1, 2000, 1, 1);  // minute 1: ticks saw it, they win
        const std::size_t added = f.market->storeHistory("X", "src", history);
        CPPUNIT_ASSERT_EQUAL(std::size_t(62), added);  // 60 + minutes 0 and 2; 1 is taken, 3 in progress

        const auto minutes = f.market->candles("X", 60, h - kHour, h + kHour, 1000);
        CPPUNIT_ASSERT_EQUAL(std::size_t(64), minutes.size());
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1000), at(minutes, h + kMin)->open);  // built from the tick
        CPPUNIT_ASSERT_EQUAL(1, at(minutes, h + kMin)->tickCount);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(900), at(minutes, h)->open);
        CPPUNIT_ASSERT_EQUAL(0, at(minutes, h)->tickCount);  // history, not ticks we saw
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1010), at(minutes, h + 3 * kMin)->open);

        // The previous hour is rolled up from its 60 history minutes.
        const auto hours = f.market->candles("X", 3600, h - kHour, h + kHour, 10);
        const Candle* prev = at(hours, h - kHour);
        CPPUNIT_ASSERT(prev);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(840), prev->open);   // minute -60
        CPPUNIT_ASSERT_EQUAL(std::int64_t(900), prev->close);  // minute -1
        CPPUNIT_ASSERT_EQUAL(std::int64_t(949), prev->high);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(790), prev->low);
        // The hour in progress takes in minutes 0 and 2: history opened it, ticks close it.
        const Candle* current = at(hours, h);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(900), current->open);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1010), current->close);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(850), current->low);
        const auto fives = f.market->candles("X", 300, h - kHour, h + kHour, 100);
        CPPUNIT_ASSERT_EQUAL(std::size_t(13), fives.size());

        // Asked again (a retried back-fill): nothing new, nothing changed.
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), f.market->storeHistory("X", "src", history));
        CPPUNIT_ASSERT_EQUAL(std::size_t(64), f.market->candles("X", 60, h - kHour, h + kHour, 1000).size());
        CPPUNIT_ASSERT(f.market->lastCandleOpen("X", 60, h + kHour));
        CPPUNIT_ASSERT_EQUAL(h + 3 * kMin, *f.market->lastCandleOpen("X", 60, h + kHour));
        CPPUNIT_ASSERT_EQUAL(h + 2 * kMin, *f.market->lastCandleOpen("X", 60, h + 3 * kMin));
    }

    void testHistoryFromAnUnknownSourceIsIgnored() {
        Fixture f;
        f.market->setInstruments("src", {instrument("X", 2)});
        const std::int64_t h = (f.clock.nowNs() / kHour - 2) * kHour;
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), f.market->storeHistory("X", "other", {minute(h, 1, 1, 1, 1)}));
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), f.market->storeHistory("Y", "src", {minute(h, 1, 1, 1, 1)}));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), count(*f.db, "SELECT COUNT(*) FROM candles"));
    }

    void testFallbackSourceScaleAndStandby() {
        MarketDataConfig md;
        md.sources = {{"X", {"a", "b"}}};
        Fixture f(md);
        f.market->setInstruments("b", {instrument("X", 4)});
        f.market->setInstruments("a", {instrument("X", 2)});
        CPPUNIT_ASSERT_EQUAL(2, f.market->instrument("X")->priceScale);  // the preferred source's precision
        CPPUNIT_ASSERT(!f.market->hasLiveSource("X"));
        // Only the fallback ticks: it is the price, rounded to the instrument's scale.
        CPPUNIT_ASSERT_EQUAL(std::string(), f.market->onTick("b", PriceTick{"X", Decimal(123456, 4), 0}));
        CPPUNIT_ASSERT(f.market->hasLiveSource("X"));
        CPPUNIT_ASSERT_EQUAL(std::string("b"), f.market->instrument("X")->source);
        CPPUNIT_ASSERT_EQUAL(std::string("12.35"), f.market->lastTick("X")->price.toString());
        // A tick at the wrong scale for its source is refused and changes nothing.
        CPPUNIT_ASSERT(!f.market->onTick("a", PriceTick{"X", Decimal(1, 4), 0}).empty());
        // The preferred source ticks: it takes over; the fallback's ticks are no longer the price.
        CPPUNIT_ASSERT_EQUAL(std::string(), f.market->onTick("a", PriceTick{"X", Decimal(1300, 2), 0}));
        CPPUNIT_ASSERT_EQUAL(std::string("a"), f.market->instrument("X")->source);
        CPPUNIT_ASSERT_EQUAL(std::string(), f.market->onTick("b", PriceTick{"X", Decimal(999999, 4), 0}));
        CPPUNIT_ASSERT_EQUAL(std::string("13.00"), f.market->lastTick("X")->price.toString());
        // The preferred one backs off: the fallback serves at once.
        f.market->reportSourceState("a", FeedStatus::BackingOff, "stream closed");
        CPPUNIT_ASSERT_EQUAL(std::string("b"), f.market->instrument("X")->source);
        CPPUNIT_ASSERT_EQUAL(std::string("backing_off"), f.market->sourceStatus("a")->status);
        CPPUNIT_ASSERT_EQUAL(std::string("stream closed"), f.market->sourceStatus("a")->detail);
        const auto summary = f.market->markets();
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), summary.size());
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), summary[0].sources.size());
        CPPUNIT_ASSERT(summary[0].live);
        // A third source not listed for X is refused, and says how to allow it.
        CPPUNIT_ASSERT(f.market->refusal("c", {instrument("X", 2)}).find("market_data.instruments.X") !=
                       std::string::npos);
        CPPUNIT_ASSERT_THROW(f.market->setInstruments("c", {instrument("X", 2)}), std::invalid_argument);
        // The preferred one is removed: the instrument stays, served by the fallback.
        f.market->removeSource("a");
        CPPUNIT_ASSERT_EQUAL(std::string("b"), f.market->instrument("X")->source);
        CPPUNIT_ASSERT_EQUAL(4, f.market->instrument("X")->priceScale);
    }

    void testTakeOverFillsTheDetectionGap() {
        MarketDataConfig md;
        md.sources = {{"X", {"a", "b"}}};
        Fixture f(md);
        f.market->setInstruments("a", {instrument("X", 2)});
        f.market->setInstruments("b", {instrument("X", 2)});
        const std::int64_t t = (f.clock.nowNs() / kMin - 10) * kMin;
        CPPUNIT_ASSERT_EQUAL(std::string(), f.market->onTick("a", PriceTick{"X", Decimal(1000, 2), t}));
        // "a" goes quiet; "b" keeps ticking on standby for 3 seconds before anyone notices.
        for (int i = 1; i <= 3; ++i)
            CPPUNIT_ASSERT_EQUAL(std::string(),
                                 f.market->onTick("b", PriceTick{"X", Decimal(1000 + i, 2), t + i * kSec}));
        CPPUNIT_ASSERT_EQUAL(std::string("10.00"), f.market->lastTick("X")->price.toString());  // still a's
        f.market->reportSourceState("a", FeedStatus::BackingOff, "stream closed");
        // b's kept ticks became the price: the last one, and a candle for every second.
        CPPUNIT_ASSERT_EQUAL(std::string("10.03"), f.market->lastTick("X")->price.toString());
        const auto seconds = f.market->candles("X", 1, t, t + 10 * kSec, 100);
        CPPUNIT_ASSERT_EQUAL(std::size_t(4), seconds.size());
        for (std::size_t i = 0; i < seconds.size(); ++i)
            CPPUNIT_ASSERT_EQUAL(t + static_cast<std::int64_t>(i) * kSec, seconds[i].openNs);
        // Kept ticks are used once: a second switch back and forth replays nothing old.
        f.market->reportSourceState("a", FeedStatus::Live, "");
        CPPUNIT_ASSERT_EQUAL(std::string(), f.market->onTick("a", PriceTick{"X", Decimal(1100, 2), t + 5 * kSec}));
        CPPUNIT_ASSERT_EQUAL(std::string("11.00"), f.market->lastTick("X")->price.toString());
    }

    void testRetention() {
        MarketDataConfig md;
        md.tickRetentionHours = 1;
        md.secondCandleRetentionHours = 1;
        md.candleRetentionDays = 1;
        Fixture f(md);
        const std::int64_t nowNs = f.clock.nowNs();  // not `now`: that is Poco's execute keyword
        {
            Poco::Data::Session s = f.db->session();
            for (const auto& [symbol, ageNs] : std::vector<std::pair<std::string, std::int64_t>>{
                     {"X", 2 * kHour}, {"X", 10 * kMin}, {"GONE", 2 * kHour}}) {
                std::string sym = symbol;
                Poco::Int64 ts = nowNs - ageNs;
                s << "INSERT INTO ticks (symbol, ts_ns, price, scale) VALUES ($1, $2, 1, 2)", use(sym), use(ts), now;
            }
            for (const auto& [interval, ageNs] : std::vector<std::pair<int, std::int64_t>>{
                     {1, 2 * kHour}, {1, 10 * kMin}, {60, 2 * kHour}, {60, 2 * 24 * kHour}, {3600, 30 * kHour}}) {
                std::string sym = "X";
                int iv = interval;
                Poco::Int64 open = nowNs - ageNs;
                s << "INSERT INTO candles (symbol, interval_s, open_ns, open, high, low, close, scale, tick_count) "
                     "VALUES ($1, $2, $3, 1, 1, 1, 1, 2, 1)",
                    use(sym), use(iv), use(open), now;
            }
        }
        f.market->setInstruments("src", {instrument("X", 2)});
        f.market->start();  // prunes on its first round
        std::this_thread::sleep_for(std::chrono::milliseconds(600));
        f.market->stop();
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), count(*f.db, "SELECT COUNT(*) FROM ticks"));  // X's recent one
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), count(*f.db, "SELECT COUNT(*) FROM candles WHERE interval_s = 1"));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), count(*f.db, "SELECT COUNT(*) FROM candles WHERE interval_s = 60"));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), count(*f.db, "SELECT COUNT(*) FROM candles WHERE interval_s = 3600"));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(MarketDataTest);
