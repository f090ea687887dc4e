// Outbound HTTP for plugins: a slow service of one plugin cannot take every
// worker, so another plugin's requests still complete promptly.
#include "metrics/Metrics.h"
#include "plugins/HttpClient.h"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>

#include <cppunit/extensions/HelperMacros.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

using bourse::HttpClient;
using bourse::OutboundRequest;
using bourse::OutboundResponse;

namespace {

/// /slow answers after 800 ms, anything else at once.
class Handler : public Poco::Net::HTTPRequestHandler {
public:
    void handleRequest(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) override {
        if (req.getURI() == "/slow") std::this_thread::sleep_for(std::chrono::milliseconds(800));
        resp.setContentType("text/plain");
        resp.send() << req.getURI();
    }
};
class Factory : public Poco::Net::HTTPRequestHandlerFactory {
public:
    Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
        return new Handler;
    }
};

struct Completions {
    std::mutex mutex;
    std::condition_variable changed;
    std::vector<std::pair<std::string, std::chrono::steady_clock::time_point>> done;

    HttpClient::Done sink(const std::string& what) {
        return [this, what](const OutboundResponse& r) {
            std::lock_guard lock(mutex);
            done.emplace_back(what + (r.status == 200 ? "" : " failed"), std::chrono::steady_clock::now());
            changed.notify_all();
        };
    }
    bool waitFor(std::size_t n, std::chrono::milliseconds limit) {
        std::unique_lock lock(mutex);
        return changed.wait_for(lock, limit, [&] { return done.size() >= n; });
    }
};

}  // namespace

class HttpClientTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(HttpClientTest);
    CPPUNIT_TEST(testSlowOwnerCannotStarveOthers);
    CPPUNIT_TEST_SUITE_END();

public:
    void testSlowOwnerCannotStarveOthers() {
        Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
        auto* params = new Poco::Net::HTTPServerParams;
        params->setMaxThreads(16);
        Poco::Net::HTTPServer server(new Factory, socket, params);
        server.start();
        const std::string base = "http://127.0.0.1:" + std::to_string(socket.address().port());

        bourse::Metrics metrics;
        HttpClient client(metrics, 4);
        Completions c;
        const auto started = std::chrono::steady_clock::now();
        for (int i = 0; i < 8; ++i)  // more slow requests than workers
            client.submit(OutboundRequest{"GET", base + "/slow", {}, {}, 5000}, c.sink("slow"), "twelvedata");
        std::this_thread::sleep_for(std::chrono::milliseconds(50));  // they have taken what they may
        client.submit(OutboundRequest{"GET", base + "/fast", {}, {}, 5000}, c.sink("fast"), "binance");
        CPPUNIT_ASSERT(c.waitFor(1, std::chrono::seconds(5)));
        {
            std::lock_guard lock(c.mutex);
            CPPUNIT_ASSERT_EQUAL(std::string("fast"), c.done.front().first);  // did not queue behind the slow ones
            CPPUNIT_ASSERT(c.done.front().second - started < std::chrono::milliseconds(600));
        }
        // The slow owner's requests all complete, three at a time.
        CPPUNIT_ASSERT(c.waitFor(9, std::chrono::seconds(10)));
        const auto elapsed = std::chrono::steady_clock::now() - started;
        CPPUNIT_ASSERT(elapsed >= std::chrono::milliseconds(2400));  // ceil(8 / 3) rounds of 800 ms
        {
            std::lock_guard lock(c.mutex);
            for (const auto& [what, at] : c.done)
                CPPUNIT_ASSERT_MESSAGE(what, what.find("failed") == std::string::npos);
        }
        client.stop();
        server.stopAll(true);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(HttpClientTest);
