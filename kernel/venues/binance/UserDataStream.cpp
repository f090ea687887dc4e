#include "venues/binance/UserDataStream.h"

#include "venues/binance/RequestSigning.h"
#include "venues/binance/Wire.h"

#include <Poco/Buffer.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Stringifier.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/WebSocket.h>
#include <Poco/URI.h>

#include <algorithm>
#include <atomic>
#include <memory>
#include <random>
#include <sstream>
#include <stdexcept>

namespace bourse::venues::binance {

namespace {

using Poco::Net::WebSocket;
using SteadyClock = std::chrono::steady_clock;

Poco::Net::Context::Ptr tlsContext() {
    static Poco::Net::Context::Ptr ctx = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, "", "", "",
                                                                Poco::Net::Context::VERIFY_RELAXED, 9, true);
    return ctx;
}

Poco::Timespan span(std::chrono::milliseconds d) {
    return Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(d.count()) * 1000);
}

void sendText(WebSocket& ws, const std::string& text) {
    ws.sendFrame(text.data(), static_cast<int>(text.size()), WebSocket::FRAME_TEXT);
}

std::unique_ptr<WebSocket> open(const std::string& url, std::chrono::milliseconds timeout) {
    const Poco::URI uri(url);
    std::unique_ptr<Poco::Net::HTTPClientSession> session;
    if (uri.getScheme() == "wss")
        session = std::make_unique<Poco::Net::HTTPSClientSession>(uri.getHost(), uri.getPort(), tlsContext());
    else
        session = std::make_unique<Poco::Net::HTTPClientSession>(uri.getHost(), uri.getPort());
    session->setTimeout(span(timeout));
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET,
                                   uri.getPathAndQuery().empty() ? "/" : uri.getPathAndQuery(),
                                   Poco::Net::HTTPMessage::HTTP_1_1);
    Poco::Net::HTTPResponse response;
    // The handshake detaches the socket from the session: the session may go.
    auto ws = std::make_unique<WebSocket>(*session, request, response);
    ws->setReceiveTimeout(span(timeout));  // a frame that started arriving must finish within it
    ws->setSendTimeout(span(timeout));
    return ws;
}

}  // namespace

UserDataStream::UserDataStream(UserDataCredentials credentials, UserDataHandlers handlers, UserDataOptions options)
    : _credentials(std::move(credentials)), _handlers(std::move(handlers)), _options(options) {
    if (!_handlers.onExecutionReport) throw std::invalid_argument("UserDataStream: onExecutionReport is required");
    if (!_credentials.serverNowMs) throw std::invalid_argument("UserDataStream: serverNowMs is required");
    const std::string scheme = Poco::URI(_credentials.wsApiUrl).getScheme();
    if (scheme != "ws" && scheme != "wss") throw std::invalid_argument("WebSocket API URL must be ws:// or wss://");
    _thread = std::thread([this] { run(); });
}

UserDataStream::~UserDataStream() {
    stop();
}

void UserDataStream::stop() {
    {
        std::lock_guard lock(_wakeMutex);
        _stopping = true;
    }
    _wake.notify_all();
    if (_thread.joinable() && _thread.get_id() != std::this_thread::get_id()) _thread.join();
}

void UserDataStream::log(LogLevel level, const std::string& message) const {
    if (_credentials.log) _credentials.log(level, message);
}

void UserDataStream::state(StreamState s, const std::string& detail) {
    if (s != StreamState::Subscribed) _subscribed = false;
    if (!_handlers.onState) return;
    try {
        _handlers.onState(s, detail);
    } catch (const std::exception& e) {
        log(LogLevel::Error, std::string("binance user data: onState threw: ") + e.what());
    }
}

bool UserDataStream::pause(std::chrono::milliseconds d) {
    std::unique_lock lock(_wakeMutex);
    return !_wake.wait_for(lock, d, [this] { return _stopping.load(); });
}

void UserDataStream::run() {
    std::mt19937 random(std::random_device{}());
    auto backoff = _options.reconnectMin;
    bool hadSubscription = false;
    while (!_stopping) {
        state(StreamState::Connecting, hadSubscription ? "reconnecting" : "");
        std::string why;
        try {
            auto ws = open(_credentials.wsApiUrl, _options.timeout);
            ++_connects;
            why = serve(*ws, hadSubscription, backoff);
            try {
                ws->shutdown();
                ws->close();
            } catch (const Poco::Exception&) {
                // already gone
            }
        } catch (const Poco::Exception& e) {
            why = e.displayText();
        } catch (const std::exception& e) {
            why = e.what();
        }
        _subscribed = false;
        if (_stopping) break;
        log(LogLevel::Warn, "binance user data: disconnected: " + why);
        state(StreamState::Disconnected, why);
        // Jitter spreads the reconnects of many clients after one outage.
        std::uniform_int_distribution<long long> jitter(backoff.count() / 2, backoff.count());
        if (!pause(std::chrono::milliseconds(jitter(random)))) break;
        backoff = std::min(backoff * 2, _options.reconnectMax);
    }
    state(StreamState::Stopped, "");
}

std::string UserDataStream::subscribe(WebSocket& ws) {
    static std::atomic<std::uint64_t> next{1};
    const std::string id = "sub-" + std::to_string(next++);
    const std::int64_t timestamp = _credentials.serverNowMs();
    const Params params{{"apiKey", _credentials.apiKey},
                        {"recvWindow", std::to_string(_credentials.recvWindowMs)},
                        {"timestamp", std::to_string(timestamp)}};
    Poco::JSON::Object p;  // numbers stay numbers, as Binance documents them; the signature covers their text
    p.set("apiKey", _credentials.apiKey);
    p.set("recvWindow", _credentials.recvWindowMs);
    p.set("timestamp", static_cast<Poco::Int64>(timestamp));
    p.set("signature", signWsApi(_credentials.secret, params));
    Poco::JSON::Object request;
    request.set("id", id);
    request.set("method", "userDataStream.subscribe.signature");
    request.set("params", p);
    std::ostringstream text;
    Poco::JSON::Stringifier::stringify(request, text);
    sendText(ws, text.str());
    return id;
}

std::string UserDataStream::serve(WebSocket& ws, bool& hadSubscription, std::chrono::milliseconds& backoff) {
    const auto connectedAt = SteadyClock::now();
    auto lastReceived = connectedAt;
    std::string pending = subscribe(ws);
    auto pendingSince = SteadyClock::now();
    Poco::Buffer<char> frame(0);
    std::string message;
    while (!_stopping) {
        const auto now = SteadyClock::now();
        if (now - connectedAt >= _options.renewAfter) return "renewing the connection before Binance's 24-hour cut";
        if (now - lastReceived >= _options.staleAfter) return "nothing received (not even a ping) for too long";
        if (!pending.empty() && now - pendingSince >= _options.timeout) return "no answer to the subscribe request";
        if (!ws.poll(Poco::Timespan(0, 200'000), Poco::Net::Socket::SELECT_READ)) continue;
        int flags = 0;
        frame.resize(0);
        const int n = ws.receiveFrame(frame, flags);
        lastReceived = SteadyClock::now();
        if (n == 0 && flags == 0) return "connection closed by the server";
        const int op = flags & WebSocket::FRAME_OP_BITMASK;
        if (op == WebSocket::FRAME_OP_PING) {
            // Binance drops connections that leave pings unanswered for a minute.
            ws.sendFrame(frame.begin(), n,
                         static_cast<int>(WebSocket::FRAME_FLAG_FIN) | static_cast<int>(WebSocket::FRAME_OP_PONG));
            continue;
        }
        if (op == WebSocket::FRAME_OP_PONG) continue;
        if (op == WebSocket::FRAME_OP_CLOSE) return "closed by the server";
        message.append(frame.begin(), static_cast<std::size_t>(n));
        if (!(flags & WebSocket::FRAME_FLAG_FIN)) continue;
        const std::string text = std::move(message);
        message.clear();

        WsApiMessage m;
        try {
            m = parseWsApiMessage(text);
        } catch (const std::invalid_argument& e) {
            log(LogLevel::Warn, std::string("binance user data: unreadable message skipped: ") + e.what());
            continue;
        }
        switch (m.kind) {
            case WsApiMessage::Kind::Response:
                if (m.id != pending) break;
                pending.clear();
                if (m.status != 200) {
                    const int code = m.error ? m.error->code : 0;
                    if (code == -1021 && _credentials.resyncTime) _credentials.resyncTime();
                    return "subscribe refused: status " + std::to_string(m.status) + " code " + std::to_string(code) +
                           (m.error ? ": " + m.error->msg : "");
                }
                _subscribed = true;
                ++_subscriptions;
                backoff = _options.reconnectMin;
                state(StreamState::Subscribed, hadSubscription ? "reconnected: reconcile orders" : "");
                hadSubscription = true;
                break;
            case WsApiMessage::Kind::ExecutionReport:
                ++_reports;
                try {
                    _handlers.onExecutionReport(m.report);
                } catch (const std::exception& e) {
                    log(LogLevel::Error, std::string("binance user data: onExecutionReport threw: ") + e.what());
                }
                break;
            case WsApiMessage::Kind::AccountPosition:
                if (_handlers.onAccountPosition) {
                    try {
                        _handlers.onAccountPosition(m.position);
                    } catch (const std::exception& e) {
                        log(LogLevel::Error, std::string("binance user data: onAccountPosition threw: ") + e.what());
                    }
                }
                break;
            case WsApiMessage::Kind::StreamTerminated:
                // The subscription ended but the connection lives: subscribe again on it.
                _subscribed = false;
                state(StreamState::Disconnected, "eventStreamTerminated; subscribing again");
                pending = subscribe(ws);
                pendingSince = SteadyClock::now();
                break;
            case WsApiMessage::Kind::ServerShutdown:
                backoff = _options.reconnectMin;
                return "serverShutdown";
            case WsApiMessage::Kind::OtherEvent:
                break;
        }
    }
    try {
        sendText(ws, R"({"id":"unsubscribe","method":"userDataStream.unsubscribe"})");
    } catch (const Poco::Exception&) {
        // best effort: the connection closes next anyway
    }
    return "stopped";
}

}  // namespace bourse::venues::binance
