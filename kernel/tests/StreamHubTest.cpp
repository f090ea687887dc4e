// The WebSocket hub on its own, behind a real Poco HTTP server on loopback:
// subscriptions route messages, bad requests get errors without closing the
// connection, and a client that stops reading is cut off while others keep
// receiving.
#include "metrics/Metrics.h"
#include "stream/StreamHub.h"

#include <Poco/Buffer.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/WebSocket.h>

#include <cppunit/extensions/HelperMacros.h>

#include <chrono>
#include <memory>
#include <thread>

using namespace bourse;

namespace {

class HubHandler : public Poco::Net::HTTPRequestHandler {
public:
    explicit HubHandler(StreamHub& hub) : _hub(hub) {}
    void handleRequest(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) override {
        _hub.accept(req, resp);
    }

private:
    StreamHub& _hub;
};

class HubFactory : public Poco::Net::HTTPRequestHandlerFactory {
public:
    explicit HubFactory(StreamHub& hub) : _hub(hub) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
        return new HubHandler(_hub);
    }

private:
    StreamHub& _hub;
};

/// A hub behind an HTTP server on a free loopback port.
struct Fixture {
    explicit Fixture(std::size_t maxQueued = 1 << 20)
        : hub(StreamHub::Options{maxQueued, 1000, 16, 2}, metrics),
          server(new HubFactory(hub), Poco::Net::ServerSocket(Poco::Net::SocketAddress("127.0.0.1", 0)),
                 new Poco::Net::HTTPServerParams) {
        hub.setChannelCheck([](const std::string& key) { return key.find("NOPE") == std::string::npos; });
        hub.setAuthenticator([](const std::string& token) -> std::optional<std::pair<std::string, std::string>> {
            if (token == "good") return std::make_pair(std::string("u1"), std::string("user"));
            return std::nullopt;
        });
        hub.start();
        server.start();
    }
    ~Fixture() {
        server.stopAll(true);
        hub.stop();
    }

    std::unique_ptr<Poco::Net::WebSocket> connect() {
        Poco::Net::HTTPClientSession cs("127.0.0.1", server.port());
        Poco::Net::HTTPRequest req(Poco::Net::HTTPRequest::HTTP_GET, "/", Poco::Net::HTTPMessage::HTTP_1_1);
        Poco::Net::HTTPResponse resp;
        auto ws = std::make_unique<Poco::Net::WebSocket>(cs, req, resp);
        ws->setReceiveTimeout(Poco::Timespan(2, 0));
        return ws;
    }

    Metrics metrics;
    StreamHub hub;
    Poco::Net::HTTPServer server;
};

void send(Poco::Net::WebSocket& ws, const std::string& text) {
    ws.sendFrame(text.data(), static_cast<int>(text.size()), Poco::Net::WebSocket::FRAME_TEXT);
}

/// Next text message, "" on timeout or close.
std::string receive(Poco::Net::WebSocket& ws, int timeoutMs = 2000) {
    ws.setReceiveTimeout(Poco::Timespan(static_cast<long>(timeoutMs) * 1000));
    Poco::Buffer<char> buf(0);
    int flags = 0;
    try {
        const int n = ws.receiveFrame(buf, flags);
        if (n <= 0 || (flags & Poco::Net::WebSocket::FRAME_OP_BITMASK) == Poco::Net::WebSocket::FRAME_OP_CLOSE)
            return "";
        return std::string(buf.begin(), buf.size());
    } catch (const Poco::TimeoutException&) {
        return "";
    }
}

std::string typeOf(const std::string& json) {
    if (json.empty()) return "";
    Poco::JSON::Parser p;
    return p.parse(json).extract<Poco::JSON::Object::Ptr>()->optValue<std::string>("type", "");
}

bool eventually(const std::function<bool()>& cond) {
    for (int i = 0; i < 300; ++i) {
        if (cond()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return cond();
}

} // namespace

class StreamHubTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(StreamHubTest);
    CPPUNIT_TEST(testSubscribeRoutesMessages);
    CPPUNIT_TEST(testErrorsKeepTheConnection);
    CPPUNIT_TEST(testPrivateChannelsNeedAuth);
    CPPUNIT_TEST(testSlowConsumerIsDropped);
    CPPUNIT_TEST(testManyClientsReceiveBroadcast);
    CPPUNIT_TEST_SUITE_END();

public:
    void testSubscribeRoutesMessages() {
        Fixture f;
        auto a = f.connect(), b = f.connect();
        send(*a, R"({"op":"subscribe","channel":"ticks","symbols":["X"]})");
        CPPUNIT_ASSERT_EQUAL(std::string("subscribed"), typeOf(receive(*a)));
        send(*b, R"({"op":"subscribe","channel":"candles","symbols":["X"],"interval":"1m"})");
        CPPUNIT_ASSERT_EQUAL(std::string("subscribed"), typeOf(receive(*b)));
        f.hub.publish("ticks:X", R"({"type":"tick","n":1})");
        f.hub.publish("candles:X:1m", R"({"type":"candle","n":2})");
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"type":"tick","n":1})"), receive(*a));
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"type":"candle","n":2})"), receive(*b));
        CPPUNIT_ASSERT_EQUAL(std::string(""), receive(*a, 200));  // a is not subscribed to candles
        send(*a, R"({"op":"unsubscribe","channel":"ticks","symbols":["X"]})");
        CPPUNIT_ASSERT_EQUAL(std::string("unsubscribed"), typeOf(receive(*a)));
        f.hub.publish("ticks:X", R"({"type":"tick","n":3})");
        CPPUNIT_ASSERT_EQUAL(std::string(""), receive(*a, 200));
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), f.hub.connectionCount());
    }

    void testErrorsKeepTheConnection() {
        Fixture f;
        auto ws = f.connect();
        for (const char* bad : {"not json", R"({"op":"dance"})", R"({"op":"subscribe","channel":"ticks"})",
                                R"({"op":"subscribe","channel":"ticks","symbols":["NOPE"]})",
                                R"({"op":"subscribe","channel":"candles","symbols":["X"],"interval":"2m"})",
                                R"({"op":"subscribe","channel":"weather","symbols":["X"]})"}) {
            send(*ws, bad);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(bad, std::string("error"), typeOf(receive(*ws)));
        }
        send(*ws, R"({"op":"ping"})");
        CPPUNIT_ASSERT_EQUAL(std::string("pong"), typeOf(receive(*ws)));
        // A WebSocket ping frame is answered with a pong frame.
        ws->sendFrame("hi", 2, static_cast<int>(Poco::Net::WebSocket::FRAME_OP_PING) | static_cast<int>(Poco::Net::WebSocket::FRAME_FLAG_FIN));
        Poco::Buffer<char> buf(0);
        int flags = 0;
        ws->receiveFrame(buf, flags);
        CPPUNIT_ASSERT_EQUAL(int(Poco::Net::WebSocket::FRAME_OP_PONG), flags & Poco::Net::WebSocket::FRAME_OP_BITMASK);
        CPPUNIT_ASSERT_EQUAL(std::string("hi"), std::string(buf.begin(), buf.size()));
    }

    void testPrivateChannelsNeedAuth() {
        Fixture f;
        auto ws = f.connect();
        send(*ws, R"({"op":"subscribe","channel":"trades"})");
        CPPUNIT_ASSERT_EQUAL(std::string("error"), typeOf(receive(*ws)));
        send(*ws, R"({"op":"auth","token":"bad"})");
        CPPUNIT_ASSERT_EQUAL(std::string("error"), typeOf(receive(*ws)));
        send(*ws, R"({"op":"auth","token":"good"})");
        CPPUNIT_ASSERT_EQUAL(std::string("authenticated"), typeOf(receive(*ws)));
        send(*ws, R"({"op":"subscribe","channel":"operator"})");  // a user is not an operator
        CPPUNIT_ASSERT_EQUAL(std::string("error"), typeOf(receive(*ws)));
        send(*ws, R"({"op":"subscribe","channel":"trades"})");
        CPPUNIT_ASSERT_EQUAL(std::string("subscribed"), typeOf(receive(*ws)));
        f.hub.publish("user:u2", R"({"type":"trade.opened","who":"someone else"})");
        f.hub.publish("user:u1", R"({"type":"trade.opened","who":"me"})");
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"type":"trade.opened","who":"me"})"), receive(*ws));
    }

    void testSlowConsumerIsDropped() {
        Fixture f(64 * 1024);  // a small allowance makes the test quick
        auto slow = f.connect(), fast = f.connect();
        for (auto* ws : {slow.get(), fast.get()}) {
            send(*ws, R"({"op":"subscribe","channel":"ticks","symbols":["X"]})");
            CPPUNIT_ASSERT_EQUAL(std::string("subscribed"), typeOf(receive(*ws)));
        }
        const std::string payload = R"({"type":"tick","pad":")" + std::string(4000, 'x') + "\"}";
        std::atomic<int> fastGot{0};
        std::atomic<bool> done{false};
        std::thread reader([&] {
            while (!done)
                if (!receive(*fast, 100).empty()) ++fastGot;
        });
        // The slow client never reads: its socket buffers fill, then its queue.
        for (int i = 0; i < 2000 && f.hub.connectionCount() == 2; ++i) {
            f.hub.publish("ticks:X", payload);
            std::this_thread::sleep_for(std::chrono::microseconds(200));
        }
        CPPUNIT_ASSERT(eventually([&] { return f.hub.connectionCount() == 1; }));
        CPPUNIT_ASSERT(f.metrics.render().find("bourse_ws_slow_consumer_drops_total 1") != std::string::npos);
        // The fast client kept receiving throughout, and still does.
        const int before = fastGot.load();
        f.hub.publish("ticks:X", payload);
        CPPUNIT_ASSERT(eventually([&] { return fastGot.load() > before; }));
        done = true;
        reader.join();
        CPPUNIT_ASSERT(before > 100);
    }

    void testManyClientsReceiveBroadcast() {
        Fixture f;
        std::vector<std::unique_ptr<Poco::Net::WebSocket>> clients;
        for (int i = 0; i < 200; ++i) {
            clients.push_back(f.connect());
            send(*clients.back(), R"({"op":"subscribe","channel":"ticks","symbols":["X"]})");
        }
        for (auto& c : clients) CPPUNIT_ASSERT_EQUAL(std::string("subscribed"), typeOf(receive(*c)));
        f.hub.publish("ticks:X", R"({"type":"tick","n":42})");
        for (auto& c : clients) CPPUNIT_ASSERT_EQUAL(std::string(R"({"type":"tick","n":42})"), receive(*c));
        clients.resize(50);  // 150 disconnect
        CPPUNIT_ASSERT(eventually([&] { return f.hub.connectionCount() == 50; }));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(StreamHubTest);
