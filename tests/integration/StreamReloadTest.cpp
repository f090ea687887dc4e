// WebSocket /api/v1/stream against the real kernel, and the headline promise of
// hot reload: reloading `otc` while WebSocket clients stream ticks and HTTP
// clients send requests fails no request and does not interrupt the stream.
#include "BourseProcess.h"

#include <Poco/JSON/Array.h>

#include <cppunit/extensions/HelperMacros.h>

#include <atomic>
#include <regex>
#include <thread>

using namespace bourse::test;

namespace {

std::string configYaml() {
    return "data_dir: DATA_DIR\nserver: { host: 127.0.0.1, port: 0 }\n"
           "plugin_dirs: [BUILD_DIR/lib/bourse/plugins]\nplugins:" +
           otcPluginYaml(50);
}

}  // namespace

class StreamReloadTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(StreamReloadTest);
    CPPUNIT_TEST(testTickSubscription);
    CPPUNIT_TEST(testCandleSubscriptionAndErrors);
    CPPUNIT_TEST(testReloadUnderLoad);
    CPPUNIT_TEST_SUITE_END();

public:
    void testTickSubscription() {
        BourseProcess b(configYaml());
        auto ws = b.openStream();
        sendText(*ws, R"({"op":"subscribe","channel":"ticks","symbols":["OTC_EUR_USD"]})");
        CPPUNIT_ASSERT(receiveType(*ws, "subscribed"));
        std::int64_t lastTs = 0;
        for (int i = 0; i < 5; ++i) {
            const auto tick = receiveType(*ws, "tick");
            CPPUNIT_ASSERT(tick);
            CPPUNIT_ASSERT_EQUAL(std::string("OTC_EUR_USD"), tick->getValue<std::string>("symbol"));
            const std::string price = tick->getValue<std::string>("price");
            CPPUNIT_ASSERT_MESSAGE(price, std::regex_match(price, std::regex("[0-9]+\\.[0-9]{5}")));
            const auto ts = tick->getValue<std::int64_t>("ts");
            CPPUNIT_ASSERT(ts > 1'600'000'000'000 && ts >= lastTs);  // epoch milliseconds, in order
            lastTs = ts;
        }
        // Only the subscribed symbol arrives; after unsubscribing, nothing does.
        sendText(*ws, R"({"op":"unsubscribe","channel":"ticks","symbols":["OTC_EUR_USD"]})");
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        while (receiveJson(*ws, std::chrono::milliseconds(100))) {
        }
        CPPUNIT_ASSERT(!receiveType(*ws, "tick", std::chrono::milliseconds(400)));
    }

    void testCandleSubscriptionAndErrors() {
        BourseProcess b(configYaml());
        auto ws = b.openStream();
        sendText(*ws, R"({"op":"subscribe","channel":"candles","symbols":["OTC_GOLD"],"interval":"1s"})");
        CPPUNIT_ASSERT(receiveType(*ws, "subscribed"));
        const auto candle = receiveType(*ws, "candle");
        CPPUNIT_ASSERT(candle);
        CPPUNIT_ASSERT_EQUAL(std::string("OTC_GOLD"), candle->getValue<std::string>("symbol"));
        CPPUNIT_ASSERT_EQUAL(std::string("1s"), candle->getValue<std::string>("interval"));
        CPPUNIT_ASSERT(candle->has("open") && candle->has("high") && candle->has("low") && candle->has("close"));

        sendText(*ws, R"({"op":"subscribe","channel":"ticks","symbols":["NOPE"]})");
        const auto unknown = receiveType(*ws, "error");
        CPPUNIT_ASSERT(unknown);
        CPPUNIT_ASSERT(unknown->getValue<std::string>("message").find("NOPE") != std::string::npos);
        sendText(*ws, "this is not json");
        CPPUNIT_ASSERT(receiveType(*ws, "error"));
        // The connection is still usable after errors.
        CPPUNIT_ASSERT(receiveType(*ws, "candle"));
    }

    void testReloadUnderLoad() {
        BourseProcess b(configYaml());
        constexpr int kClients = 20;
        constexpr int kHttpWorkers = 4;
        std::vector<std::unique_ptr<Poco::Net::WebSocket>> sockets;
        for (int i = 0; i < kClients; ++i) {
            sockets.push_back(b.openStream());
            sendText(*sockets.back(), R"({"op":"subscribe","channel":"ticks","symbols":["OTC_EUR_USD"]})");
            CPPUNIT_ASSERT(receiveType(*sockets.back(), "subscribed"));
        }

        std::atomic<bool> done{false};
        std::atomic<int> requests{0}, failures{0};
        std::vector<std::thread> http;
        for (int w = 0; w < kHttpWorkers; ++w)
            http.emplace_back([&] {
                while (!done) {
                    try {
                        const int status = b.get("/api/v1/markets").status;
                        if (status != 200) ++failures;
                    } catch (...) {
                        ++failures;
                    }
                    ++requests;
                }
            });

        // Each client records the largest gap between consecutive ticks.
        std::vector<std::int64_t> maxGapMs(kClients, 0), received(kClients, 0);
        std::vector<std::thread> readers;
        for (int i = 0; i < kClients; ++i)
            readers.emplace_back([&, i] {
                auto last = std::chrono::steady_clock::now();
                while (!done) {
                    const auto tick = receiveType(*sockets[i], "tick", std::chrono::seconds(3));
                    const auto now = std::chrono::steady_clock::now();
                    const auto gap = std::chrono::duration_cast<std::chrono::milliseconds>(now - last).count();
                    maxGapMs[i] = std::max<std::int64_t>(maxGapMs[i], gap);
                    last = now;
                    if (!tick) break;
                    ++received[i];
                }
            });

        std::this_thread::sleep_for(std::chrono::milliseconds(500));
        for (int r = 0; r < 5; ++r) {
            const HttpResult reload = b.adminPost("/api/v1/admin/plugins/otc/reload");
            CPPUNIT_ASSERT_EQUAL_MESSAGE(reload.body, 200, reload.status);
            CPPUNIT_ASSERT_EQUAL(r + 2, reload.json()->getValue<int>("generation"));
            std::this_thread::sleep_for(std::chrono::milliseconds(300));
        }
        done = true;
        for (auto& t : http)
            t.join();
        for (auto& t : readers)
            t.join();

        CPPUNIT_ASSERT_EQUAL(0, failures.load());
        CPPUNIT_ASSERT(requests.load() > 100);
        for (int i = 0; i < kClients; ++i) {
            CPPUNIT_ASSERT_MESSAGE("client " + std::to_string(i) + " got " + std::to_string(received[i]),
                                   received[i] >= 20);
            // Ticks every 50 ms: a gap of more than half a second would be an interruption.
            CPPUNIT_ASSERT_MESSAGE("gap " + std::to_string(maxGapMs[i]) + " ms", maxGapMs[i] < 500);
        }
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(StreamReloadTest);
