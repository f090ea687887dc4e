#include "binance/WsApiSession.h"

#include <Poco/Buffer.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/WebSocket.h>

#include <sstream>
#include <thread>

namespace bourse::fakes {

namespace {

using Poco::Net::WebSocket;
using Clock = std::chrono::steady_clock;

std::string stringify(const Poco::Dynamic::Var& v) {
    std::ostringstream out;
    Poco::JSON::Stringifier::stringify(v, out);
    return out.str();
}

std::string errorReply(const std::string& id, int status, const std::string& errorJson) {
    return R"({"id":)" + id + R"(,"status":)" + std::to_string(status) + R"(,"error":)" + errorJson + "}";
}

std::string resultReply(const std::string& id, const std::string& resultJson) {
    return R"({"id":)" + id + R"(,"status":200,"result":)" + resultJson + "}";
}

void sendText(WebSocket& ws, const std::string& text) {
    ws.sendFrame(text.data(), static_cast<int>(text.size()), WebSocket::FRAME_TEXT);
}

}  // namespace

void WsApiSession::push(const UserEvent& event) {
    std::lock_guard lock(_mutex);
    for (const auto& [id, key] : _subscriptions)
        if (key == event.apiKey)
            _outbox.push_back(R"({"subscriptionId":)" + std::to_string(id) + R"(,"event":)" + event.json + "}");
}

void WsApiSession::terminateSubscriptions() {
    std::lock_guard lock(_mutex);
    _terminate = true;
}

int WsApiSession::subscriptions() const {
    std::lock_guard lock(_mutex);
    return static_cast<int>(_subscriptions.size());
}

std::string WsApiSession::handle(const std::string& text) {
    Poco::JSON::Object::Ptr req;
    try {
        req = Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
    } catch (const Poco::Exception&) {
        return errorReply("null", 400, R"({"code":-1000,"msg":"Malformed request: not JSON."})");
    }
    const std::string id = req->has("id") ? stringify(req->get("id")) : "null";
    const std::string method = req->optValue<std::string>("method", "");
    const auto params = req->getObject("params");
    if (method == "ping") return resultReply(id, "{}");
    if (method == "time") return resultReply(id, R"({"serverTime":)" + std::to_string(_hooks.nowMs()) + "}");
    if (method == "session.subscriptions") {
        std::lock_guard lock(_mutex);
        std::string list = "[";
        for (const auto& [sid, key] : _subscriptions)
            list += (list.size() > 1 ? "," : "") + std::string(R"({"subscriptionId":)") + std::to_string(sid) + "}";
        return resultReply(id, list + "]");
    }
    if (method == "userDataStream.unsubscribe") {
        std::lock_guard lock(_mutex);
        if (params && params->has("subscriptionId"))
            _subscriptions.erase(params->getValue<int>("subscriptionId"));
        else
            _subscriptions.clear();
        return resultReply(id, "{}");
    }
    if (method == "userDataStream.subscribe.signature") {
        if (!params)
            return errorReply(
                id, 400,
                R"({"code":-1102,"msg":"Mandatory parameter 'apiKey' was not sent, was empty/null, or malformed."})");
        if (auto bad = checkSignedWsApi(*params, _hooks.nowMs(), _hooks.secretOf))
            return errorReply(id, bad->status, bad->body);
        const std::string key = params->getValue<std::string>("apiKey");
        std::lock_guard lock(_mutex);
        for (const auto& [sid, k] : _subscriptions)
            if (k == key)
                return errorReply(
                    id, 400, R"({"code":-1000,"msg":"Only one active subscription per account on a connection."})");
        const int sid = _nextSubscription++;
        _subscriptions[sid] = key;
        return resultReply(id, R"({"subscriptionId":)" + std::to_string(sid) + "}");
    }
    return errorReply(id, 400, R"({"code":-1000,"msg":"Unknown method."})");
}

void WsApiSession::serve(WebSocket& ws) {
    auto nextPing = Clock::now() + _hooks.pingInterval;
    auto unansweredSince = Clock::time_point::max();
    Poco::Buffer<char> frame(0);
    while (!_hooks.stopping()) {
        if (_hooks.dropNow()) {
            ws.setLinger(true, 0);  // a reset, not a close frame: as when a network path dies
            ws.close();
            return;
        }
        if (_hooks.shutdownNow()) {
            sendText(ws, R"({"event":{"e":"serverShutdown","E":)" + std::to_string(_hooks.nowMs()) + "}}");
            ws.shutdown(1001, "server shutdown");
            return;
        }
        if (_hooks.stalled && _hooks.stalled()) {
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
            continue;
        }
        std::deque<std::string> out;
        {
            std::lock_guard lock(_mutex);
            out.swap(_outbox);
            if (_terminate) {
                for (const auto& [sid, key] : _subscriptions)
                    out.push_back(R"({"subscriptionId":)" + std::to_string(sid) +
                                  R"(,"event":{"e":"eventStreamTerminated","E":)" + std::to_string(_hooks.nowMs()) +
                                  "}}");
                _subscriptions.clear();
                _terminate = false;
            }
        }
        for (const auto& m : out)
            sendText(ws, m);
        if (Clock::now() - unansweredSince > _hooks.pongTimeout) {
            ws.shutdown(1008, "pong timeout");
            return;
        }
        if (Clock::now() >= nextPing) {
            const std::string payload = std::to_string(_hooks.nowMs());
            ws.sendFrame(payload.data(), static_cast<int>(payload.size()),
                         static_cast<int>(WebSocket::FRAME_FLAG_FIN) | static_cast<int>(WebSocket::FRAME_OP_PING));
            if (unansweredSince == Clock::time_point::max()) unansweredSince = Clock::now();
            nextPing = Clock::now() + _hooks.pingInterval;
        }
        if (!ws.poll(Poco::Timespan(0, 20'000), Poco::Net::Socket::SELECT_READ)) continue;
        int flags = 0;
        frame.resize(0);
        const int n = ws.receiveFrame(frame, flags);
        const int op = flags & WebSocket::FRAME_OP_BITMASK;
        if (n == 0 && flags == 0) return;
        if (op == WebSocket::FRAME_OP_CLOSE) {
            ws.shutdown();
            return;
        }
        if (op == WebSocket::FRAME_OP_PONG) {
            unansweredSince = Clock::time_point::max();
            continue;
        }
        if (op == WebSocket::FRAME_OP_PING) {
            ws.sendFrame(frame.begin(), n,
                         static_cast<int>(WebSocket::FRAME_FLAG_FIN) | static_cast<int>(WebSocket::FRAME_OP_PONG));
            continue;
        }
        if (op == WebSocket::FRAME_OP_TEXT)
            sendText(ws, handle(std::string(frame.begin(), static_cast<std::size_t>(n))));
    }
}

}  // namespace bourse::fakes
