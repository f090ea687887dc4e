#include "plugins/WsClient.h"

#include "metrics/Metrics.h"
#include "plugins/HttpClient.h"

#include <Poco/Buffer.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/WebSocket.h>
#include <Poco/URI.h>

#include <atomic>
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
    std::mutex socketMutex;  ///< guards ws (sends, shutdown) against the reader's setup and teardown
    std::unique_ptr<Poco::Net::HTTPClientSession> session;
    std::unique_ptr<Poco::Net::WebSocket> ws;
    std::thread thread;

    void deliver(Event e, const std::string& data) {
        if (!closing) onEvent(e, data);
    }
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
    if (!c->ws || c->closing) return false;
    try {
        c->ws->sendFrame(text.data(), static_cast<int>(text.size()), Poco::Net::WebSocket::FRAME_TEXT);
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
    if (!c->ws) return;  // still connecting: the reader gives up when it sees `closing`
    try {
        c->ws->shutdown(Poco::Net::WebSocket::WS_NORMAL_CLOSE);  // the reader ends on the reply or its timeout
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
        session->setTimeout(Poco::Timespan(10, 0));  // the handshake
        Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET,
                                       uri.getPathAndQuery().empty() ? "/" : uri.getPathAndQuery(),
                                       Poco::Net::HTTPMessage::HTTP_1_1);
        Poco::Net::HTTPResponse response;
        auto ws = std::make_unique<Poco::Net::WebSocket>(*session, request, response);
        // Short receive timeout: the reader notices close() quickly even on a silent stream.
        ws->setReceiveTimeout(Poco::Timespan(0, 250'000));
        {
            std::lock_guard lock(c->socketMutex);
            if (c->closing) throw Poco::Exception("closed before it opened");
            c->session = std::move(session);
            c->ws = std::move(ws);
        }
        wasOpen = true;
        c->opened->inc();
        c->open->add(1);
        c->deliver(Event::Open, "");

        Poco::Buffer<char> frame(0);
        std::string message;
        while (!c->closing) {
            int flags = 0;
            frame.resize(0);
            int n = 0;
            try {
                n = c->ws->receiveFrame(frame, flags);
            } catch (const Poco::TimeoutException&) {
                continue;
            }
            const int op = flags & Poco::Net::WebSocket::FRAME_OP_BITMASK;
            if (n == 0 && flags == 0) {
                why = "connection closed by the server";
                break;
            }
            if (op == Poco::Net::WebSocket::FRAME_OP_PING) {
                std::lock_guard lock(c->socketMutex);
                c->ws->sendFrame(frame.begin(), n,
                                 static_cast<int>(Poco::Net::WebSocket::FRAME_FLAG_FIN) |
                                     static_cast<int>(Poco::Net::WebSocket::FRAME_OP_PONG));
                continue;
            }
            if (op == Poco::Net::WebSocket::FRAME_OP_PONG) continue;
            if (op == Poco::Net::WebSocket::FRAME_OP_CLOSE) {
                const int code =
                    n >= 2 ? (static_cast<unsigned char>(frame[0]) << 8 | static_cast<unsigned char>(frame[1])) : 1005;
                why = "closed by the server (" + std::to_string(code) +
                      (n > 2 ? ": " + std::string(frame.begin() + 2, static_cast<std::size_t>(n - 2)) : std::string()) +
                      ")";
                std::lock_guard lock(c->socketMutex);
                try {
                    c->ws->shutdown(static_cast<Poco::UInt16>(code == 1005 ? 1000 : code));
                } catch (const Poco::Exception&) {
                }
                break;
            }
            message.append(frame.begin(), static_cast<std::size_t>(n));
            if (message.size() > kMaxMessageBytes) {
                why = "message larger than " + std::to_string(kMaxMessageBytes) + " bytes";
                break;
            }
            if (flags & Poco::Net::WebSocket::FRAME_FLAG_FIN) {
                c->deliver(Event::Message, message);
                message.clear();
            }
        }
    } catch (const Poco::Exception& e) {
        why = e.displayText();
    } catch (const std::exception& e) {
        why = e.what();
    }
    if (wasOpen) c->open->add(-1);
    {
        std::lock_guard lock(c->socketMutex);
        c->ws.reset();
        c->session.reset();
    }
    if (!c->closing) {
        c->failed->inc();
        c->deliver(Event::Closed, why.empty() ? "closed" : why);
    }
    c->finished = true;
}

}  // namespace bourse
