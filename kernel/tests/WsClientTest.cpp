// WsClient against a real WebSocket server on loopback (Poco's HTTPServer):
// open/echo, pings answered with pongs, server close codes, fragmented
// messages, refused connections, bad URLs, and no events after close().
#include "LocalWsServer.h"
#include "metrics/Metrics.h"
#include "plugins/WsClient.h"

#include <Poco/Buffer.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/WebSocket.h>

#include <cppunit/extensions/HelperMacros.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

using bourse::WsClient;
using Poco::Net::WebSocket;

namespace {

/// What the test server does with a connection, chosen by the request path.
void script(WebSocket& ws, const std::string& path, std::atomic<int>& pongs) {
    const auto drainOne = [&ws] {
        Poco::Buffer<char> buf(0);
        int flags = 0;
        ws.receiveFrame(buf, flags);
    };
    if (path == "/close") {
        ws.shutdown(1001, "going away");
        drainOne();
        return;
    }
    if (path == "/fragments") {
        ws.sendFrame("hel", 3, WebSocket::FRAME_OP_TEXT);  // no FIN
        ws.sendFrame("lo ", 3, WebSocket::FRAME_OP_CONT);
        ws.sendFrame("world", 5,
                     static_cast<int>(WebSocket::FRAME_FLAG_FIN) | static_cast<int>(WebSocket::FRAME_OP_CONT));
    }
    if (path == "/ping")
        ws.sendFrame("p1", 2, static_cast<int>(WebSocket::FRAME_FLAG_FIN) | static_cast<int>(WebSocket::FRAME_OP_PING));
    // Echo text until the client closes.
    Poco::Buffer<char> buf(0);
    while (true) {
        int flags = 0;
        buf.resize(0);
        const int n = ws.receiveFrame(buf, flags);
        const int op = flags & WebSocket::FRAME_OP_BITMASK;
        if (n == 0 && flags == 0) return;
        if (op == WebSocket::FRAME_OP_CLOSE) {
            ws.shutdown();
            return;
        }
        if (op == WebSocket::FRAME_OP_PONG) {
            if (std::string(buf.begin(), static_cast<std::size_t>(n)) == "p1") ++pongs;
            continue;
        }
        ws.sendFrame(buf.begin(), n, WebSocket::FRAME_TEXT);
    }
}

/// Events of one connection, waited for with a timeout.
struct Recorder {
    std::mutex mutex;
    std::condition_variable changed;
    std::vector<std::pair<WsClient::Event, std::string>> events;

    WsClient::OnEvent sink() {
        return [this](WsClient::Event e, const std::string& data) {
            std::lock_guard lock(mutex);
            events.emplace_back(e, data);
            changed.notify_all();
        };
    }
    bool waitFor(std::size_t count, std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
        std::unique_lock lock(mutex);
        return changed.wait_for(lock, timeout, [&] { return events.size() >= count; });
    }
    std::pair<WsClient::Event, std::string> at(std::size_t i) {
        std::lock_guard lock(mutex);
        return events.at(i);
    }
    std::size_t size() {
        std::lock_guard lock(mutex);
        return events.size();
    }
};

}  // namespace

class WsClientTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(WsClientTest);
    CPPUNIT_TEST(testOpenAndEcho);
    CPPUNIT_TEST(testPingAnsweredWithPong);
    CPPUNIT_TEST(testServerCloseReportsCodeAndReason);
    CPPUNIT_TEST(testFragmentsArriveAsOneMessage);
    CPPUNIT_TEST(testRefusedConnectionReportsClosed);
    CPPUNIT_TEST(testBadUrlReportsClosed);
    CPPUNIT_TEST(testNoEventsAfterClose);
    CPPUNIT_TEST_SUITE_END();

public:
    void setUp() override {
        _server = std::make_unique<bourse::test::LocalWsServer>(
            [this](WebSocket& ws, const std::string& path) { script(ws, path, _pongs); });
        _client = std::make_unique<WsClient>(_metrics);
    }
    void tearDown() override {
        _client->stop();
        _server.reset();
    }

    void testOpenAndEcho() {
        Recorder r;
        const auto id = _client->connect(url("/echo"), r.sink());
        CPPUNIT_ASSERT(r.waitFor(1));
        CPPUNIT_ASSERT_MESSAGE(r.at(0).second, r.at(0).first == WsClient::Event::Open);
        CPPUNIT_ASSERT(_client->send(id, R"({"method":"SUBSCRIBE"})"));
        CPPUNIT_ASSERT(r.waitFor(2));
        CPPUNIT_ASSERT(r.at(1).first == WsClient::Event::Message);
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"method":"SUBSCRIBE"})"), r.at(1).second);
    }

    void testPingAnsweredWithPong() {
        Recorder r;
        const auto id = _client->connect(url("/ping"), r.sink());
        CPPUNIT_ASSERT(r.waitFor(1));
        for (int i = 0; i < 100 && _pongs.load() == 0; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        CPPUNIT_ASSERT_EQUAL(1, _pongs.load());
        // The ping never reached the plugin as a message.
        CPPUNIT_ASSERT(_client->send(id, "x"));
        CPPUNIT_ASSERT(r.waitFor(2));
        CPPUNIT_ASSERT_EQUAL(std::string("x"), r.at(1).second);
    }

    void testServerCloseReportsCodeAndReason() {
        Recorder r;
        _client->connect(url("/close"), r.sink());
        CPPUNIT_ASSERT(r.waitFor(2));
        CPPUNIT_ASSERT(r.at(1).first == WsClient::Event::Closed);
        CPPUNIT_ASSERT_EQUAL(std::string("closed by the server (1001: going away)"), r.at(1).second);
    }

    void testFragmentsArriveAsOneMessage() {
        Recorder r;
        _client->connect(url("/fragments"), r.sink());
        CPPUNIT_ASSERT(r.waitFor(2));
        CPPUNIT_ASSERT_EQUAL(std::string("hello world"), r.at(1).second);
    }

    void testRefusedConnectionReportsClosed() {
        Poco::Net::ServerSocket unused(Poco::Net::SocketAddress("127.0.0.1", 0));
        const auto port = unused.address().port();
        unused.close();  // nothing listens there now
        Recorder r;
        _client->connect("ws://127.0.0.1:" + std::to_string(port) + "/", r.sink());
        CPPUNIT_ASSERT(r.waitFor(1));
        CPPUNIT_ASSERT(r.at(0).first == WsClient::Event::Closed);
        CPPUNIT_ASSERT_MESSAGE(r.at(0).second, r.at(0).second.find("refused") != std::string::npos);
    }

    void testBadUrlReportsClosed() {
        Recorder r;
        _client->connect("http://127.0.0.1/", r.sink());
        CPPUNIT_ASSERT(r.waitFor(1));
        CPPUNIT_ASSERT(r.at(0).first == WsClient::Event::Closed);
        CPPUNIT_ASSERT_MESSAGE(r.at(0).second, r.at(0).second.find("ws://") != std::string::npos);
    }

    void testNoEventsAfterClose() {
        Recorder r;
        const auto id = _client->connect(url("/echo"), r.sink());
        CPPUNIT_ASSERT(r.waitFor(1));
        _client->close(id);
        CPPUNIT_ASSERT(!_client->send(id, "late"));
        std::this_thread::sleep_for(std::chrono::milliseconds(600));
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), r.size());  // Open only: no Closed for a close we asked for
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), _client->openConnections());
    }

private:
    std::string url(const std::string& path) const { return _server->url(path); }

    bourse::Metrics _metrics;
    std::atomic<int> _pongs{0};
    std::unique_ptr<bourse::test::LocalWsServer> _server;
    std::unique_ptr<WsClient> _client;
};

CPPUNIT_TEST_SUITE_REGISTRATION(WsClientTest);
