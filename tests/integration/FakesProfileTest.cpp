// The shipped config/fakes.example.yaml against the fake Binance and the fake
// Twelve Data: Binance and Twelve Data instruments come up live with a day of
// history, and killing Binance's stream moves BTCUSDT to Twelve Data and back
// with no hole in its candles.
#include "BourseProcess.h"
#include "binance/FakeBinance.h"
#include "twelvedata/FakeTwelveData.h"

#include <Poco/JSON/Array.h>
#include <Poco/URI.h>

#include <cppunit/extensions/HelperMacros.h>

#include <cstdlib>
#include <fstream>
#include <functional>
#include <regex>
#include <sstream>
#include <thread>

using namespace bourse::test;
using bourse::fakes::FakeBinance;
using bourse::fakes::FakeTwelveData;

namespace {

constexpr std::int64_t kMinuteMs = 60'000;

/// The shipped profile, with the data directory the test owns and no web root.
std::string shippedProfile() {
    std::ifstream in(sourceDir() + "/config/fakes.example.yaml");
    CPPUNIT_ASSERT_MESSAGE("config/fakes.example.yaml", in.good());
    std::stringstream text;
    text << in.rdbuf();
    std::string yaml = std::regex_replace(text.str(), std::regex("\ndata_dir: [^\n]*"), "\ndata_dir: DATA_DIR");
    return std::regex_replace(yaml, std::regex("\n  static_dir: [^\n]*"), "");
}

}  // namespace

class FakesProfileTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(FakesProfileTest);
    CPPUNIT_TEST(testChartsWithHistoryAndFailoverWithoutHoles);
    CPPUNIT_TEST_SUITE_END();

public:
    void testChartsWithHistoryAndFailoverWithoutHoles() {
        FakeBinance binance;
        FakeTwelveData twelve;
        ::setenv("FAKE_BINANCE_PORT", std::to_string(Poco::URI(binance.restUrl()).getPort()).c_str(), 1);
        ::setenv("FAKE_TWELVEDATA_PORT", std::to_string(Poco::URI(twelve.restUrl()).getPort()).c_str(), 1);
        ::unsetenv("TWELVEDATA_API_KEY");  // the profile's default is the fake's key
        BourseProcess b(shippedProfile());

        // Instruments of both services are live.
        CPPUNIT_ASSERT_MESSAGE(b.logs(), eventually([&] {
                                   return liveSource(b, "BTCUSDT") == "binance" &&
                                          liveSource(b, "ETHUSDT") == "binance" &&
                                          liveSource(b, "EURUSD") == "twelvedata" &&
                                          liveSource(b, "XAUUSD") == "twelvedata";
                               }));
        // With a day of history each: Binance's klines, Twelve Data's time series.
        const std::int64_t now = epochMs();
        for (const char* symbol : {"BTCUSDT", "EURUSD", "XAUUSD"})
            CPPUNIT_ASSERT_MESSAGE(std::string(symbol) + "\n" + b.logs(), eventually([&] {
                                       return candleOpens(b, symbol, "1m", now - 24 * 60 * kMinuteMs, now).size() >=
                                              23 * 60;
                                   }));

        // Binance's stream dies: BTCUSDT continues from Twelve Data, then returns.
        auto ws = b.openStream();
        sendText(*ws, R"({"op":"subscribe","channel":"ticks","symbols":["BTCUSDT"]})");
        CPPUNIT_ASSERT(receiveType(*ws, "subscribed"));
        const std::int64_t startMs = epochMs();
        binance.stallStreams(true);
        const auto failover = receiveType(*ws, "source", std::chrono::seconds(15));
        CPPUNIT_ASSERT(failover);
        CPPUNIT_ASSERT_EQUAL(std::string("twelvedata"), failover->getValue<std::string>("source"));
        std::this_thread::sleep_for(std::chrono::seconds(3));
        CPPUNIT_ASSERT_EQUAL(std::string("twelvedata"), liveSource(b, "BTCUSDT"));
        binance.stallStreams(false);
        const auto back = receiveType(*ws, "source", std::chrono::seconds(15));
        CPPUNIT_ASSERT(back);
        CPPUNIT_ASSERT_EQUAL(std::string("binance"), back->getValue<std::string>("source"));
        std::this_thread::sleep_for(std::chrono::milliseconds(1500));
        const std::int64_t endMs = epochMs();
        const auto seconds = candleOpens(b, "BTCUSDT", "1s", startMs / 1000 * 1000, endMs / 1000 * 1000 - 1000);
        CPPUNIT_ASSERT(seconds.size() >= 4);
        for (std::size_t i = 1; i < seconds.size(); ++i)
            CPPUNIT_ASSERT_EQUAL_MESSAGE("hole after " + std::to_string(seconds[i - 1]), std::int64_t(1000),
                                         seconds[i] - seconds[i - 1]);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(b.errorLines(), std::string(), b.errorLines());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(FakesProfileTest);
