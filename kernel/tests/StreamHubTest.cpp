// The WebSocket hub on its own, behind a real Poco HTTP server on loopback:
// subscriptions route messages, bad requests get errors without closing the
// connection, protocol rules (close echo, frame limits, pipelined frames) hold,
// and a client that stops reading is cut off while others keep receiving.
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
#include <Poco/Net/StreamSocket.h>
#include <Poco/Net/WebSocket.h>
#include <Poco/StreamCopier.h>

#include <cppunit/extensions/HelperMacros.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <sstream>
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

    std::uint64_t counter(const std::string& name) { return metrics.counter(name, "").value(); }

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

/// The next frame of any kind: its opcode and payload; opcode -1 on timeout.
std::pair<int, std::string> receiveAny(Poco::Net::WebSocket& ws, int timeoutMs = 2000) {
    ws.setReceiveTimeout(Poco::Timespan(static_cast<long>(timeoutMs) * 1000));
    Poco::Buffer<char> buf(0);
    int flags = 0;
    try {
        const int n = ws.receiveFrame(buf, flags);
        if (n == 0 && flags == 0) return {-1, ""};  // EOF
        return {flags & Poco::Net::WebSocket::FRAME_OP_BITMASK, std::string(buf.begin(), buf.size())};
    } catch (const Poco::TimeoutException&) {
        return {-1, ""};
    }
}

/// Status code of a close frame's payload.
int closeCode(const std::string& payload) {
    if (payload.size() < 2) return 0;
    return (static_cast<unsigned char>(payload[0]) << 8) | static_cast<unsigned char>(payload[1]);
}

std::string field(const std::string& json, const std::string& name) {
    Poco::JSON::Parser p;
    return p.parse(json).extract<Poco::JSON::Object::Ptr>()->optValue<std::string>(name, "");
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

}  // namespace

class StreamHubTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(StreamHubTest);
    CPPUNIT_TEST(testSubscribeRoutesMessages);
    CPPUNIT_TEST(testCandleIntervals);
    CPPUNIT_TEST(testErrorsKeepTheConnection);
    CPPUNIT_TEST(testSubscriptionLimitIsAllOrNothing);
    CPPUNIT_TEST(testPrivateChannelsNeedAuth);
    CPPUNIT_TEST(testPlainRequestGetsProblem);
    CPPUNIT_TEST(testCloseIsEchoed);
    CPPUNIT_TEST(testOversizedFrameCloses);
    CPPUNIT_TEST(testFramePipelinedWithUpgrade);
    CPPUNIT_TEST(testSlowConsumerIsDropped);
    CPPUNIT_TEST(testManyClientsReceiveBroadcast);
    CPPUNIT_TEST(testStopSaysGoingAway);
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
        CPPUNIT_ASSERT_EQUAL(std::string(""), receive(*b, 200));  // b is not subscribed to ticks
        send(*a, R"({"op":"unsubscribe","channel":"ticks","symbols":["X"]})");
        CPPUNIT_ASSERT_EQUAL(std::string("unsubscribed"), typeOf(receive(*a)));
        f.hub.publish("ticks:X", R"({"type":"tick","n":3})");
        CPPUNIT_ASSERT_EQUAL(std::string(""), receive(*a, 200));
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), f.hub.connectionCount());
    }

    void testErrorsKeepTheConnection() {
        Fixture f;
        auto ws = f.connect();
        for (const char* bad :
             {"not json", "[1,2]", "{\"op\":", R"({"channel":"ticks"})", R"({"op":"dance"})",
              R"({"op":"subscribe","channel":"ticks"})", R"({"op":"subscribe","channel":"ticks","symbols":[]})",
              R"({"op":"subscribe","channel":"ticks","symbols":[7]})",
              R"({"op":"subscribe","channel":"ticks","symbols":["NOPE"]})",
              R"({"op":"subscribe","channel":"candles","symbols":["X"],"interval":"2m"})",
              R"({"op":"subscribe","channel":"candles","symbols":["X"]})",
              R"({"op":"subscribe","channel":"weather","symbols":["X"]})", R"({"op":"auth"})"}) {
            send(*ws, bad);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(bad, std::string("error"), typeOf(receive(*ws)));
        }
        send(*ws, R"({"op":"subscribe","channel":"ticks","symbols":["X","NOPE"]})");
        CPPUNIT_ASSERT_EQUAL(std::string("unknown symbol 'NOPE'"), field(receive(*ws), "message"));
        // Nothing of the rejected request was subscribed, not even the good symbol.
        f.hub.publish("ticks:X", R"({"type":"tick"})");
        CPPUNIT_ASSERT_EQUAL(std::string(""), receive(*ws, 200));
        send(*ws, "\x01binary?");
        ws->sendFrame("\x01", 1, Poco::Net::WebSocket::FRAME_BINARY);
        CPPUNIT_ASSERT_EQUAL(std::string("error"), typeOf(receive(*ws)));
        CPPUNIT_ASSERT_EQUAL(std::string("error"), typeOf(receive(*ws)));
        // Still usable after all that.
        send(*ws, R"({"op":"subscribe","channel":"ticks","symbols":["X"]})");
        CPPUNIT_ASSERT_EQUAL(std::string("subscribed"), typeOf(receive(*ws)));
        f.hub.publish("ticks:X", R"({"type":"tick","n":1})");
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"type":"tick","n":1})"), receive(*ws));
        send(*ws, R"({"op":"ping"})");
        CPPUNIT_ASSERT_EQUAL(std::string("pong"), typeOf(receive(*ws)));
        // A WebSocket ping frame is answered with a pong frame.
        ws->sendFrame("hi", 2,
                      static_cast<int>(Poco::Net::WebSocket::FRAME_OP_PING) |
                          static_cast<int>(Poco::Net::WebSocket::FRAME_FLAG_FIN));
        Poco::Buffer<char> buf(0);
        int flags = 0;
        ws->receiveFrame(buf, flags);
        CPPUNIT_ASSERT_EQUAL(int(Poco::Net::WebSocket::FRAME_OP_PONG), flags & Poco::Net::WebSocket::FRAME_OP_BITMASK);
        CPPUNIT_ASSERT_EQUAL(std::string("hi"), std::string(buf.begin(), buf.size()));
    }

    void testCandleIntervals() {
        Fixture f;
        auto ws = f.connect();
        for (const char* interval : {"1s", "1m", "5m", "1h"}) {
            send(*ws, std::string(R"({"op":"subscribe","channel":"candles","symbols":["X"],"interval":")") + interval +
                          "\"}");
            const std::string ack = receive(*ws);
            CPPUNIT_ASSERT_EQUAL(std::string("subscribed"), typeOf(ack));
            CPPUNIT_ASSERT_EQUAL(std::string(interval), field(ack, "interval"));
        }
        for (const char* interval : {"2m", "1d", "", "1M"}) {
            send(*ws, std::string(R"({"op":"subscribe","channel":"candles","symbols":["X"],"interval":")") + interval +
                          "\"}");
            CPPUNIT_ASSERT_EQUAL_MESSAGE(interval, std::string("error"), typeOf(receive(*ws)));
        }
        f.hub.publish("candles:X:5m", R"({"type":"candle","i":"5m"})");
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"type":"candle","i":"5m"})"), receive(*ws));
        f.hub.publish("candles:X:1d", R"({"type":"candle","i":"1d"})");
        CPPUNIT_ASSERT_EQUAL(std::string(""), receive(*ws, 200));
    }

    void testSubscriptionLimitIsAllOrNothing() {
        Fixture f;  // at most 16 subscriptions per connection
        auto ws = f.connect();
        std::string fifteen;
        for (int i = 0; i < 15; ++i)
            fifteen += (i ? ",\"S" : "\"S") + std::to_string(i) + "\"";
        send(*ws, R"({"op":"subscribe","channel":"ticks","symbols":[)" + fifteen + "]}");
        CPPUNIT_ASSERT_EQUAL(std::string("subscribed"), typeOf(receive(*ws)));
        send(*ws, R"({"op":"subscribe","channel":"ticks","symbols":["A","B"]})");  // 17 > 16
        CPPUNIT_ASSERT_EQUAL(std::string("error"), typeOf(receive(*ws)));
        f.hub.publish("ticks:A", R"({"type":"tick"})");
        CPPUNIT_ASSERT_EQUAL(std::string(""), receive(*ws, 200));
        send(*ws, R"({"op":"subscribe","channel":"ticks","symbols":["S0","A"]})");  // S0 is already held: 16
        CPPUNIT_ASSERT_EQUAL(std::string("subscribed"), typeOf(receive(*ws)));
        f.hub.publish("ticks:A", R"({"type":"tick","s":"A"})");
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"type":"tick","s":"A"})"), receive(*ws));
    }

    void testPlainRequestGetsProblem() {
        Fixture f;
        Poco::Net::HTTPClientSession cs("127.0.0.1", f.server.port());
        Poco::Net::HTTPRequest req(Poco::Net::HTTPRequest::HTTP_GET, "/api/v1/stream",
                                   Poco::Net::HTTPMessage::HTTP_1_1);
        cs.sendRequest(req);
        Poco::Net::HTTPResponse resp;
        std::istream& in = cs.receiveResponse(resp);
        std::ostringstream body;
        Poco::StreamCopier::copyStream(in, body);
        CPPUNIT_ASSERT_EQUAL(400, static_cast<int>(resp.getStatus()));
        CPPUNIT_ASSERT_EQUAL(std::string("application/problem+json"), resp.getContentType());
        Poco::JSON::Parser p;
        const auto problem = p.parse(body.str()).extract<Poco::JSON::Object::Ptr>();
        CPPUNIT_ASSERT_EQUAL(400, problem->getValue<int>("status"));
        CPPUNIT_ASSERT(!problem->getValue<std::string>("title").empty());
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), f.hub.connectionCount());
    }

    void testCloseIsEchoed() {
        Fixture f;
        auto ws = f.connect();
        CPPUNIT_ASSERT(eventually([&] { return f.hub.connectionCount() == 1; }));
        ws->shutdown(4001, "bye");  // a close frame with status 4001
        const auto [op, payload] = receiveAny(*ws);
        CPPUNIT_ASSERT_EQUAL(int(Poco::Net::WebSocket::FRAME_OP_CLOSE), op);
        CPPUNIT_ASSERT_EQUAL(4001, closeCode(payload));
        CPPUNIT_ASSERT(eventually([&] { return f.hub.connectionCount() == 0; }));
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), f.counter("bourse_ws_frames_received_total"));
    }

    void testOversizedFrameCloses() {
        Fixture f;
        auto ws = f.connect();
        const std::string huge(70 * 1024, 'x');  // over the 64 KiB limit
        send(*ws, huge);
        const auto [op, payload] = receiveAny(*ws);
        CPPUNIT_ASSERT_EQUAL(int(Poco::Net::WebSocket::FRAME_OP_CLOSE), op);
        CPPUNIT_ASSERT_EQUAL(1009, closeCode(payload));
        CPPUNIT_ASSERT(eventually([&] { return f.hub.connectionCount() == 0; }));
    }

    void testFramePipelinedWithUpgrade() {
        // A client that sends a frame in the same packet as its upgrade request:
        // the frame lands in the HTTP server's buffer, and must still be handled.
        Fixture f;
        Poco::Net::StreamSocket s(Poco::Net::SocketAddress("127.0.0.1", f.server.port()));
        s.setReceiveTimeout(Poco::Timespan(2, 0));
        const std::string op = R"({"op":"ping"})";
        std::string bytes =
            "GET /api/v1/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
            "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            "Sec-WebSocket-Version: 13\r\n\r\n";
        bytes += static_cast<char>(0x81);
        bytes += static_cast<char>(0x80 | op.size());
        const char mask[4] = {1, 2, 3, 4};
        bytes.append(mask, 4);
        for (std::size_t i = 0; i < op.size(); ++i)
            bytes += static_cast<char>(op[i] ^ mask[i % 4]);
        s.sendBytes(bytes.data(), static_cast<int>(bytes.size()));
        std::string got;
        char buf[1024];
        const std::string pong = R"({"type":"pong"})";
        while (got.find(pong) == std::string::npos) {
            const int n = s.receiveBytes(buf, sizeof buf);
            if (n <= 0) break;
            got.append(buf, static_cast<std::size_t>(n));
        }
        CPPUNIT_ASSERT_EQUAL(std::string("HTTP/1.1 101"), got.substr(0, 12));
        CPPUNIT_ASSERT(got.find(pong) != std::string::npos);
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
        const auto start = std::chrono::steady_clock::now();
        for (int i = 0; i < 5000 && f.counter("bourse_ws_slow_consumer_drops_total") == 0; ++i) {
            f.hub.publish("ticks:X", payload);
            std::this_thread::sleep_for(std::chrono::microseconds(200));
        }
        const auto publishing = std::chrono::steady_clock::now() - start;
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), f.counter("bourse_ws_slow_consumer_drops_total"));
        // publish() never waited for the stuck client (5000 publishes x 200 us sleep = 1 s).
        CPPUNIT_ASSERT(publishing < std::chrono::seconds(5));
        // If it reads now, within the grace period, it finds whole frames, then a close 1008.
        std::pair<int, std::string> frame;
        int frames = 0;
        do {
            frame = receiveAny(*slow);
            ++frames;
        } while (frame.first == Poco::Net::WebSocket::FRAME_OP_TEXT);
        CPPUNIT_ASSERT_EQUAL(int(Poco::Net::WebSocket::FRAME_OP_CLOSE), frame.first);
        CPPUNIT_ASSERT_EQUAL(1008, closeCode(frame.second));
        CPPUNIT_ASSERT_EQUAL(std::string("slow consumer"), frame.second.substr(2));
        CPPUNIT_ASSERT(frames > 10);
        slow->close();
        CPPUNIT_ASSERT(eventually([&] { return f.hub.connectionCount() == 1; }));
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
        for (auto& c : clients)
            CPPUNIT_ASSERT_EQUAL(std::string("subscribed"), typeOf(receive(*c)));
        f.hub.publish("ticks:X", R"({"type":"tick","n":42})");
        for (auto& c : clients)
            CPPUNIT_ASSERT_EQUAL(std::string(R"({"type":"tick","n":42})"), receive(*c));
        clients.resize(50);  // 150 disconnect
        CPPUNIT_ASSERT(eventually([&] { return f.hub.connectionCount() == 50; }));
    }

    void testStopSaysGoingAway() {
        Fixture f;
        auto ws = f.connect();
        send(*ws, R"({"op":"subscribe","channel":"ticks","symbols":["X"]})");
        CPPUNIT_ASSERT_EQUAL(std::string("subscribed"), typeOf(receive(*ws)));
        // The client reads throughout, as clients do; the last thing it gets is the close.
        std::pair<int, std::string> last;
        std::thread client([&] {
            do {
                last = receiveAny(*ws);
            } while (last.first == Poco::Net::WebSocket::FRAME_OP_TEXT);
        });
        // publish() from other threads while the hub stops must neither crash nor block.
        std::atomic<bool> done{false};
        std::vector<std::thread> publishers;
        for (int t = 0; t < 3; ++t)
            publishers.emplace_back([&] {
                while (!done) {
                    f.hub.publish("ticks:X", R"({"type":"tick"})");
                    std::this_thread::sleep_for(std::chrono::microseconds(50));  // a pace the client keeps up with
                }
            });
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        f.hub.stop();
        done = true;
        for (auto& p : publishers)
            p.join();
        client.join();
        CPPUNIT_ASSERT_EQUAL(int(Poco::Net::WebSocket::FRAME_OP_CLOSE), last.first);
        CPPUNIT_ASSERT_EQUAL(1001, closeCode(last.second));
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), f.hub.connectionCount());
        f.hub.publish("ticks:X", R"({"type":"tick"})");  // a no-op once stopped
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(StreamHubTest);
