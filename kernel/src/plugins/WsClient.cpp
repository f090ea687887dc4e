#include "plugins/WsClient.h"

#include "metrics/Metrics.h"
#include "plugins/HttpClient.h"
#include "stream/WsFrame.h"

#include <Poco/Base64Encoder.h>
#include <Poco/Buffer.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/SHA1Engine.h>
#include <Poco/String.h>
#include <Poco/URI.h>

#include <atomic>
#include <random>
#include <sstream>
#include <thread>

namespace bourse {

struct WsClient::Connection {
    std::uint64_t id = 0;
    std::string url;
    OnEvent onEvent;
    Counter* opened = nullptr;
    Counter* failed = nullptr;
    Gauge* open = nullptr;
    std::atomic<bool> closing{false};
    std::atomic<bool> finished{false};
    std::mutex socketMutex;  ///< guards socket and random (sends, shutdown) against the reader's setup and teardown
    std::unique_ptr<Poco::Net::StreamSocket> socket;  ///< after the handshake; TLS-aware for wss
    std::mt19937 random{std::random_device{}()};      ///< mask keys
    std::thread thread;

    void deliver(Event e, const std::string& data) {
        if (!closing) onEvent(e, data);
    }
    /// Writes a whole client frame. Under socketMutex.
    void write(const std::string& frame) {
        std::size_t sent = 0;
        while (sent < frame.size())
            sent +=
                static_cast<std::size_t>(socket->sendBytes(frame.data() + sent, static_cast<int>(frame.size() - sent)));
    }
    [[nodiscard]] std::uint32_t maskKey() { return static_cast<std::uint32_t>(random()); }
};

WsClient::WsClient(Metrics& metrics)
    : _opened(
          metrics.counter("bourse_outbound_ws_connections_total", "Outbound WebSocket connections opened for plugins")),
      _failed(metrics.counter("bourse_outbound_ws_failures_total",
                              "Outbound WebSocket connections that failed or dropped")),
      _open(metrics.gauge("bourse_outbound_ws_open", "Outbound WebSocket connections open now")) {}

WsClient::~WsClient() {
    stop();
}

std::uint64_t WsClient::connect(const std::string& url, OnEvent onEvent) {
    auto c = std::make_shared<Connection>();
    c->url = url;
    c->onEvent = std::move(onEvent);
    c->opened = &_opened;
    c->failed = &_failed;
    c->open = &_open;
    reapFinished();
    std::lock_guard lock(_mutex);
    c->id = _nextId++;
    _connections[c->id] = c;
    c->thread = std::thread([c] { run(c); });
    return c->id;
}

bool WsClient::send(std::uint64_t id, const std::string& text) {
    std::shared_ptr<Connection> c;
    {
        std::lock_guard lock(_mutex);
        const auto it = _connections.find(id);
        if (it == _connections.end()) return false;
        c = it->second;
    }
    std::lock_guard lock(c->socketMutex);
    if (!c->socket || c->closing) return false;
    try {
        c->write(ws::encodeMasked(ws::Text, text, c->maskKey()));
        return true;
    } catch (const Poco::Exception&) {
        return false;  // the reader sees the broken connection and reports it
    }
}

void WsClient::close(std::uint64_t id) {
    std::shared_ptr<Connection> c;
    {
        std::lock_guard lock(_mutex);
        const auto it = _connections.find(id);
        if (it == _connections.end()) return;
        c = it->second;
        _connections.erase(it);
        _closed.push_back(c);
    }
    c->closing = true;
    std::lock_guard lock(c->socketMutex);
    if (!c->socket) return;  // still connecting: the reader gives up when it sees `closing`
    try {
        c->write(ws::encodeMaskedClose(1000, c->maskKey()));  // the reader ends on the reply or its timeout
    } catch (const Poco::Exception&) {
        // already broken
    }
}

void WsClient::stop() {
    std::vector<std::uint64_t> ids;
    {
        std::lock_guard lock(_mutex);
        for (const auto& [id, c] : _connections)
            ids.push_back(id);
    }
    for (const auto id : ids)
        close(id);
    std::vector<std::shared_ptr<Connection>> closed;
    {
        std::lock_guard lock(_mutex);
        closed.swap(_closed);
    }
    for (auto& c : closed)
        if (c->thread.joinable()) c->thread.join();
}

void WsClient::reapFinished() {
    std::vector<std::shared_ptr<Connection>> done;
    {
        std::lock_guard lock(_mutex);
        for (auto it = _closed.begin(); it != _closed.end();) {
            if ((*it)->finished) {
                done.push_back(*it);
                it = _closed.erase(it);
            } else {
                ++it;
            }
        }
    }
    for (auto& c : done)
        if (c->thread.joinable()) c->thread.join();
}

std::size_t WsClient::openConnections() const {
    std::lock_guard lock(_mutex);
    return _connections.size();
}

namespace {

/// base64(SHA-1(key + the RFC 6455 GUID)): what the server must answer.
std::string acceptFor(const std::string& key) {
    Poco::SHA1Engine sha1;
    sha1.update(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11");
    const auto& digest = sha1.digest();
    std::ostringstream out;
    Poco::Base64Encoder b64(out);
    b64.write(reinterpret_cast<const char*>(digest.data()), static_cast<std::streamsize>(digest.size()));
    b64.close();
    return out.str();
}

std::string newKey(std::mt19937& random) {
    char bytes[16];
    for (char& b : bytes)
        b = static_cast<char>(random());
    std::ostringstream out;
    Poco::Base64Encoder b64(out);
    b64.write(bytes, sizeof bytes);
    b64.close();
    return out.str();
}

}  // namespace

void WsClient::run(const std::shared_ptr<Connection>& c) {
    std::string why;
    bool wasOpen = false;
    try {
        const Poco::URI uri(c->url);
        std::unique_ptr<Poco::Net::HTTPClientSession> session;
        if (uri.getScheme() == "wss")
            session =
                std::make_unique<Poco::Net::HTTPSClientSession>(uri.getHost(), uri.getPort(), HttpClient::tlsContext());
        else if (uri.getScheme() == "ws")
            session = std::make_unique<Poco::Net::HTTPClientSession>(uri.getHost(), uri.getPort());
        else
            throw Poco::InvalidArgumentException("URL must start with ws:// or wss://");
        // The handshake is HTTP (Poco, with TLS for wss); after it the socket is
        // read in large chunks and framed here: one read carries many frames,
        // where a frame-at-a-time reader costs two or three reads per frame.
        session->setTimeout(Poco::Timespan(10, 0));
        Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET,
                                       uri.getPathAndQuery().empty() ? "/" : uri.getPathAndQuery(),
                                       Poco::Net::HTTPMessage::HTTP_1_1);
        std::string key;
        {
            std::lock_guard lock(c->socketMutex);
            key = newKey(c->random);
        }
        request.set("Upgrade", "websocket");
        request.set("Connection", "Upgrade");
        request.set("Sec-WebSocket-Key", key);
        request.set("Sec-WebSocket-Version", "13");
        request.setChunkedTransferEncoding(false);
        session->setKeepAlive(true);  // else the session rewrites Connection: Upgrade to close
        session->sendRequest(request);
        Poco::Net::HTTPResponse response;
        session->receiveResponse(response);
        if (response.getStatus() != Poco::Net::HTTPResponse::HTTP_SWITCHING_PROTOCOLS)
            throw Poco::Net::WebSocketException("handshake refused: HTTP " + std::to_string(response.getStatus()) +
                                                " " + response.getReason());
        if (Poco::icompare(response.get("Upgrade", ""), "websocket") != 0 ||
            response.get("Sec-WebSocket-Accept", "") != acceptFor(key))
            throw Poco::Net::WebSocketException("handshake: not a WebSocket upgrade (bad Upgrade or Accept header)");
        Poco::Buffer<char> early(0);
        session->drainBuffer(early);  // frames that arrived with the response
        auto socket = std::make_unique<Poco::Net::StreamSocket>(session->detachSocket());
        // Short receive timeout: the reader notices close() quickly even on a silent stream.
        socket->setReceiveTimeout(Poco::Timespan(0, 250'000));
        {
            std::lock_guard lock(c->socketMutex);
            if (c->closing) throw Poco::Exception("closed before it opened");
            c->socket = std::move(socket);
        }
        wasOpen = true;
        c->opened->inc();
        c->open->add(1);
        c->deliver(Event::Open, "");

        ws::FrameParser parser(kMaxMessageBytes, ws::FrameParser::From::Server);
        std::string buffer(early.begin(), early.size());
        std::size_t pos = 0;
        std::vector<char> chunk(64 * 1024);
        std::string message;
        bool done = false;
        while (!c->closing && !done) {
            std::uint16_t error = 0;
            while (auto frame = parser.next(buffer, pos, error)) {
                if (frame->opcode == ws::Ping) {
                    std::lock_guard lock(c->socketMutex);
                    c->write(ws::encodeMasked(ws::Pong, frame->payload, c->maskKey()));
                    continue;
                }
                if (frame->opcode == ws::Pong) continue;
                if (frame->opcode == ws::Close) {
                    const std::uint16_t code = ws::closeCode(frame->payload);
                    why = "closed by the server (" + std::to_string(code) +
                          (frame->payload.size() > 2 ? ": " + frame->payload.substr(2) : std::string()) + ")";
                    std::lock_guard lock(c->socketMutex);
                    try {
                        c->write(ws::encodeMaskedClose(code == 1005 ? 1000 : code, c->maskKey()));
                    } catch (const Poco::Exception&) {
                    }
                    done = true;
                    break;
                }
                message += frame->payload;
                if (message.size() > kMaxMessageBytes) {
                    why = "message larger than " + std::to_string(kMaxMessageBytes) + " bytes";
                    done = true;
                    break;
                }
                if (frame->fin) {
                    c->deliver(Event::Message, message);
                    message.clear();
                }
            }
            if (error) {
                why = error == 1009 ? "message larger than " + std::to_string(kMaxMessageBytes) + " bytes"
                                    : "protocol error from the server";
                break;
            }
            if (done) break;
            buffer.erase(0, pos);  // once per read, not once per frame
            pos = 0;
            int n = 0;
            try {
                n = c->socket->receiveBytes(chunk.data(), static_cast<int>(chunk.size()));
            } catch (const Poco::TimeoutException&) {
                continue;
            }
            if (n <= 0) {
                why = "connection closed by the server";
                break;
            }
            buffer.append(chunk.data(), static_cast<std::size_t>(n));
        }
    } catch (const Poco::Exception& e) {
        why = e.displayText();
    } catch (const std::exception& e) {
        why = e.what();
    }
    if (wasOpen) c->open->add(-1);
    {
        std::lock_guard lock(c->socketMutex);
        if (c->socket) {
            try {
                c->socket->close();
            } catch (const Poco::Exception&) {
            }
        }
        c->socket.reset();
    }
    if (!c->closing) {
        c->failed->inc();
        c->deliver(Event::Closed, why.empty() ? "closed" : why);
    }
    c->finished = true;
}

}  // namespace bourse
