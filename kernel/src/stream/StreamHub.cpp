#include "stream/StreamHub.h"

#include "log/Log.h"
#include "metrics/Metrics.h"
#include "stream/SendShard.h"
#include "stream/StreamConnection.h"
#include "stream/StreamRequest.h"
#include "stream/WsFrame.h"

#include <Poco/Buffer.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/HTTPServerSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/WebSocket.h>
#include <Poco/String.h>

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>
#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <mutex>
#include <optional>
#include <set>
#include <shared_mutex>
#include <sstream>
#include <thread>
#include <unordered_map>
#include <vector>

namespace bourse {

using stream::Connection;
using stream::ConnectionPtr;
using stream::FramePtr;
using stream::Request;
using stream::SendShard;

namespace {

/// Bytes read from one client per readiness event, so a chatty client cannot
/// starve the others (epoll is level-triggered and reports it again).
constexpr std::size_t kReadBudget = 64 * 1024;

/// How long stop() lets clients take their close frames.
constexpr std::chrono::milliseconds kStopDrain{500};

std::string jsonText(const Poco::JSON::Object& o) {
    std::ostringstream s;
    o.stringify(s);
    return s.str();
}

std::string errorJson(const std::string& text) {
    Poco::JSON::Object o;
    o.set("type", "error");
    o.set("message", text);
    return jsonText(o);
}

FramePtr textFrame(const std::string& json) {
    return std::make_shared<const std::string>(ws::encode(ws::Text, json));
}

/// Whether a close status may appear on the wire (RFC 6455 7.4): 1005, 1006
/// and 1015 are reserved for local reporting, below 1000 is unused.
bool sendableCloseCode(std::uint16_t code) {
    return code >= 1000 && code < 5000 && code != 1004 && code != 1005 && code != 1006 && code != 1015;
}

FramePtr closeFrame(std::uint16_t code, std::string_view reason) {
    return std::make_shared<const std::string>(ws::encodeClose(code, reason));
}

void problem(Poco::Net::HTTPServerResponse& resp, Poco::Net::HTTPResponse::HTTPStatus status,
             const std::string& detail) {
    Poco::JSON::Object o;
    o.set("type", "about:blank");
    o.set("title", Poco::Net::HTTPResponse::getReasonForStatus(status));
    o.set("status", static_cast<int>(status));
    o.set("detail", detail);
    const std::string body = jsonText(o);
    resp.setStatus(status);
    resp.setContentType("application/problem+json");
    resp.setContentLength(static_cast<std::streamsize>(body.size()));
    resp.send() << body;
}

}  // namespace

class StreamHub::Impl {
public:
    Impl(Options opts, Metrics& metrics)
        : options(opts),
          connections(metrics.gauge("bourse_ws_connections", "Open WebSocket stream connections")),
          sent(metrics.counter("bourse_ws_messages_sent_total", "Frames written whole to stream clients")),
          drops(metrics.counter("bourse_ws_slow_consumer_drops_total", "Stream clients closed for falling behind")),
          received(metrics.counter("bourse_ws_frames_received_total", "Frames received from stream clients")) {}

    void start() {
        std::unique_lock lifecycle(lifecycleMutex);
        if (running) return;
        for (std::size_t i = 0; i < std::max<std::size_t>(1, options.senderShards); ++i)
            shards.push_back(std::make_unique<SendShard>(options.maxQueuedBytes, sent, drops));
        epoll = ::epoll_create1(EPOLL_CLOEXEC);
        wakeFd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.ptr = nullptr;
        ::epoll_ctl(epoll, EPOLL_CTL_ADD, wakeFd, &ev);
        readerRunning = true;
        running = true;
        reader = std::thread([this] { readLoop(); });
    }

    void stop() {
        // Exclusive: no publish() or accept() is between its check and its use
        // of the shards while they are being torn down.
        std::unique_lock lifecycle(lifecycleMutex);
        if (!running) return;
        running = false;
        readerRunning = false;
        const std::uint64_t one = 1;
        [[maybe_unused]] const auto n = ::write(wakeFd, &one, sizeof one);
        reader.join();
        std::unordered_map<int, ConnectionPtr> all;
        {
            std::lock_guard lock(registryMutex);
            all.swap(registry);
        }
        // Every client gets a close 1001 in place of what it had not received
        // yet; the senders flush those for a moment, then stop.
        const FramePtr goingAway = closeFrame(1001, "server stopping");
        for (auto& entry : all)
            shardOf(*entry.second).goAway(entry.second, goingAway);
        const auto drainUntil = std::chrono::steady_clock::now() + kStopDrain;
        for (auto& s : shards)
            s->stop(drainUntil);
        shards.clear();
        ::close(wakeFd);
        ::close(epoll);
        wakeFd = epoll = -1;
        count = 0;
        connections.set(0);
        // `all` goes out of scope: the sockets close.
    }

    void accept(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) {
        if (!running || count.load() >= options.maxConnections) {
            problem(resp, Poco::Net::HTTPResponse::HTTP_SERVICE_UNAVAILABLE, "the stream is at capacity; retry later");
            return;
        }
        // Bytes the client sent right behind its upgrade request are in the HTTP
        // session's buffer; take them now, since frames are read from the
        // descriptor directly and Poco's WebSocket would otherwise keep them.
        Poco::Buffer<char> early(0);
        const bool upgrade = Poco::icompare(req.get("Upgrade", ""), "websocket") == 0;
        auto* impl = dynamic_cast<Poco::Net::HTTPServerRequestImpl*>(&req);
        if (upgrade && impl) impl->session().drainBuffer(early);

        std::optional<Poco::Net::WebSocket> socket;
        try {
            socket.emplace(req, resp);
        } catch (const Poco::Net::WebSocketException& e) {
            resp.setKeepAlive(false);  // any drained bytes are gone: do not reuse the connection
            problem(resp, Poco::Net::HTTPResponse::HTTP_BAD_REQUEST, "not a WebSocket upgrade: " + e.message());
            return;
        } catch (const Poco::Exception& e) {
            log::warn("stream", "handshake failed", {{"error", e.displayText()}});
            return;
        }
        try {
            socket->setBlocking(false);
            socket->setNoDelay(true);  // ticks are small and latency-bound: no Nagle delay
        } catch (const Poco::Exception& e) {
            log::warn("stream", "socket setup failed", {{"error", e.displayText()}});
            return;
        }

        std::shared_lock lifecycle(lifecycleMutex);
        if (!running) {
            const std::string bye = ws::encodeClose(1001, "server stopping");
            [[maybe_unused]] const auto r =
                ::send(socket->impl()->sockfd(), bye.data(), bye.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
            return;
        }
        const std::size_t shard = nextShard.fetch_add(1, std::memory_order_relaxed) % shards.size();
        auto c = std::make_shared<Connection>(std::move(*socket), shard);
        c->inbound.assign(early.begin(), early.size());
        {
            std::lock_guard lock(registryMutex);
            registry[c->fd] = c;
        }
        connections.set(static_cast<std::int64_t>(++count));
        epoll_event ev{};
        ev.events = EPOLLIN | EPOLLRDHUP;
        ev.data.ptr = c.get();
        ::epoll_ctl(epoll, EPOLL_CTL_ADD, c->fd, &ev);
        // Pipelined frames would not raise another readiness event: handle them now.
        if (!c->inbound.empty()) {
            const std::uint64_t one = 1;
            std::lock_guard lock(earlyMutex);
            earlyArrivals.push_back(c);
            [[maybe_unused]] const auto r = ::write(wakeFd, &one, sizeof one);
        }
    }

    void publish(const std::string& channel, const std::string& json) {
        if (!hasSubscribers(channel)) return;
        std::shared_lock lifecycle(lifecycleMutex);
        if (!running) return;
        const FramePtr frame = textFrame(json);  // framed once, shared by every recipient
        for (auto& s : shards)
            s->broadcast(channel, frame);
    }

    bool hasSubscribers(const std::string& channel) const {
        std::shared_lock lock(subscribersMutex);
        const auto it = subscribers.find(channel);
        return it != subscribers.end() && it->second > 0;
    }

    /// Counted before the shard learns of it (and before the ack), so a publish
    /// after the ack is never skipped.
    void countSubscriber(const std::string& channel, int delta) {
        std::unique_lock lock(subscribersMutex);
        auto& n = subscribers[channel];
        n = static_cast<std::size_t>(static_cast<long>(n) + delta);
        if (n == 0) subscribers.erase(channel);
    }

    void setChannelCheck(ChannelCheck check) {
        std::lock_guard lock(hooksMutex);
        channelCheck = std::make_shared<const ChannelCheck>(std::move(check));
    }
    void setAuthenticator(Authenticator auth) {
        std::lock_guard lock(hooksMutex);
        authenticator = std::make_shared<const Authenticator>(std::move(auth));
    }

    Options options;
    std::atomic<std::size_t> count{0};
    // Subscribers per channel, so a publish to a channel nobody follows (most
    // users' trade events) costs one lookup and wakes no sender thread.
    mutable std::shared_mutex subscribersMutex;
    std::unordered_map<std::string, std::size_t> subscribers;

private:
    SendShard& shardOf(const Connection& c) { return *shards[c.shard]; }
    void sendJson(const ConnectionPtr& c, const std::string& json) { shardOf(*c).send(c, textFrame(json)); }
    void sendError(const ConnectionPtr& c, const std::string& message) { sendJson(c, errorJson(message)); }

    void readLoop() {
        std::vector<epoll_event> events(256);
        std::vector<char> buffer(16384);
        while (readerRunning) {
            const int n = ::epoll_wait(epoll, events.data(), static_cast<int>(events.size()), 1000);
            for (int i = 0; i < n; ++i) {
                auto* raw = static_cast<Connection*>(events[i].data.ptr);
                if (!raw) {
                    std::uint64_t v = 0;
                    [[maybe_unused]] const auto r = ::read(wakeFd, &v, sizeof v);
                    handleEarlyArrivals();
                    continue;
                }
                // Only this thread removes connections, so an fd in the epoll set is
                // still registered; the lookup yields the owning pointer.
                ConnectionPtr c;
                {
                    std::lock_guard lock(registryMutex);
                    const auto it = registry.find(raw->fd);
                    if (it == registry.end() || it->second.get() != raw) continue;
                    c = it->second;
                }
                bool open = true;
                std::size_t budget = kReadBudget;
                while (open && budget > 0) {
                    const ssize_t got = ::recv(c->fd, buffer.data(), std::min(buffer.size(), budget), MSG_DONTWAIT);
                    if (got > 0) {
                        c->inbound.append(buffer.data(), static_cast<std::size_t>(got));
                        budget -= static_cast<std::size_t>(got);
                        open = processFrames(c);
                        if (static_cast<std::size_t>(got) < buffer.size()) break;
                    } else if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
                        break;
                    } else {
                        open = false;  // EOF or error
                    }
                }
                if (!open || (events[i].events & (EPOLLHUP | EPOLLERR))) remove(c);
            }
        }
    }

    void handleEarlyArrivals() {
        std::vector<ConnectionPtr> arrivals;
        {
            std::lock_guard lock(earlyMutex);
            arrivals.swap(earlyArrivals);
        }
        for (const auto& c : arrivals) {
            {
                std::lock_guard lock(registryMutex);
                if (!registry.count(c->fd)) continue;
            }
            if (!processFrames(c)) remove(c);
        }
    }

    /// Handles every complete frame; false when the connection must close.
    bool processFrames(const ConnectionPtr& c) {
        while (true) {
            std::uint16_t error = 0;
            auto frame = c->parser.next(c->inbound, error);
            if (error) return closeWith(c, error, error == 1009 ? "frame too large" : "protocol error");
            if (!frame) return true;
            received.inc();
            switch (frame->opcode) {
                case ws::Ping:
                    shardOf(*c).send(c, std::make_shared<const std::string>(ws::encode(ws::Pong, frame->payload)));
                    break;
                case ws::Pong:
                    break;
                case ws::Close: {
                    // Echo the client's status code (RFC 6455 5.5.1), then drop the connection.
                    const std::uint16_t code = ws::closeCode(frame->payload);
                    shardOf(*c).close(c, closeFrame(code == 1005 ? 1000 : sendableCloseCode(code) ? code : 1002, ""));
                    return false;
                }
                case ws::Binary:
                    sendError(c, "binary frames are not supported; send JSON text");
                    break;
                case ws::Text:
                case ws::Continuation: {
                    // A new message while one is unfinished, or a continuation of nothing.
                    if ((frame->opcode == ws::Text) == c->fragmented) return closeWith(c, 1002, "bad fragmentation");
                    c->message += frame->payload;
                    c->fragmented = !frame->fin;
                    if (c->message.size() > stream::kMaxClientMessage) return closeWith(c, 1009, "message too large");
                    if (frame->fin) {
                        handleMessage(c, c->message);
                        c->message.clear();
                    }
                    break;
                }
                default:
                    return closeWith(c, 1002, "unknown opcode");
            }
        }
    }

    bool closeWith(const ConnectionPtr& c, std::uint16_t code, std::string_view reason) {
        shardOf(*c).close(c, closeFrame(code, reason));
        return false;
    }

    void handleMessage(const ConnectionPtr& c, const std::string& text) {
        auto parsed = stream::parseRequest(text);
        if (auto* error = std::get_if<std::string>(&parsed)) return sendError(c, *error);
        const Request& r = std::get<Request>(parsed);
        switch (r.op) {
            case Request::Op::Ping:
                return sendJson(c, R"({"type":"pong"})");
            case Request::Op::Auth: {
                const auto auth = hook(authenticator);
                const auto who = auth && *auth ? (*auth)(r.token) : std::nullopt;
                if (!who) return sendError(c, "auth: invalid or expired token");
                c->identity = who;
                return sendJson(c, R"({"type":"authenticated"})");
            }
            case Request::Op::Subscribe:
            case Request::Op::Unsubscribe:
                return handleSubscription(c, r);
        }
    }

    void handleSubscription(const ConnectionPtr& c, const Request& r) {
        const bool subscribe = r.op == Request::Op::Subscribe;
        std::vector<std::string> keys;
        if (r.isMarket()) {
            const auto check = hook(channelCheck);
            for (const auto& symbol : r.symbols) {
                keys.push_back(stream::marketKey(r, symbol));
                if (subscribe && check && *check && !(*check)(keys.back()))
                    return sendError(c, "unknown symbol '" + symbol.substr(0, 64) + "'");
            }
        } else if (r.channel == "trades") {
            if (!c->identity) return sendError(c, R"(trades: send {"op":"auth","token":"..."} first)");
            keys.push_back("user:" + c->identity->first);
        } else {
            if (!c->identity || c->identity->second != "operator")
                return sendError(c, "operator: requires an operator token");
            keys.push_back("events:operator");
        }

        SendShard& shard = shardOf(*c);
        if (subscribe) {
            // All or nothing: check the limit before subscribing any of them.
            std::set<std::string> added;
            for (const auto& key : keys)
                if (!c->channels.count(key)) added.insert(key);
            if (c->channels.size() + added.size() > options.maxSubscriptionsPerConnection)
                return sendError(c, "too many subscriptions: at most " +
                                        std::to_string(options.maxSubscriptionsPerConnection) + " per connection");
            for (const auto& key : added) {
                c->channels.insert(key);
                countSubscriber(key, +1);
                shard.subscribe(c, key);
            }
        } else {
            for (const auto& key : keys)
                if (c->channels.erase(key)) {
                    shard.unsubscribe(c, key);
                    countSubscriber(key, -1);
                }
        }
        // Queued behind the subscribe jobs on the same shard: once the client has
        // the ack, every later publish reaches it.
        Poco::JSON::Object ack;
        ack.set("type", subscribe ? "subscribed" : "unsubscribed");
        ack.set("channel", r.channel);
        if (r.isMarket()) {
            Poco::JSON::Array symbols;
            for (const auto& s : r.symbols)
                symbols.add(s);
            ack.set("symbols", symbols);
        }
        if (!r.interval.empty()) ack.set("interval", r.interval);
        sendJson(c, jsonText(ack));
    }

    void remove(const ConnectionPtr& c) {
        // Out of every registry before the descriptor can be closed and reused.
        ::epoll_ctl(epoll, EPOLL_CTL_DEL, c->fd, nullptr);
        {
            std::lock_guard lock(registryMutex);
            registry.erase(c->fd);
        }
        shardOf(*c).remove(c, std::vector<std::string>(c->channels.begin(), c->channels.end()));
        for (const auto& key : c->channels)
            countSubscriber(key, -1);
        connections.set(static_cast<std::int64_t>(--count));
    }

    template <typename Hook>
    std::shared_ptr<const Hook> hook(const std::shared_ptr<const Hook>& slot) {
        std::lock_guard lock(hooksMutex);
        return slot;
    }

    Gauge& connections;
    Counter& sent;
    Counter& drops;
    Counter& received;

    std::shared_mutex lifecycleMutex;  ///< shared by publish/accept, exclusive in start/stop
    std::atomic<bool> running{false};
    std::atomic<bool> readerRunning{false};
    std::vector<std::unique_ptr<SendShard>> shards;
    std::atomic<std::size_t> nextShard{0};
    int epoll = -1;
    int wakeFd = -1;
    std::thread reader;

    std::mutex registryMutex;
    std::unordered_map<int, ConnectionPtr> registry;  ///< every open connection, by descriptor

    std::mutex earlyMutex;
    std::vector<ConnectionPtr> earlyArrivals;  ///< accepted with frames already received

    std::mutex hooksMutex;
    std::shared_ptr<const ChannelCheck> channelCheck;
    std::shared_ptr<const Authenticator> authenticator;
};

StreamHub::StreamHub(Options options, Metrics& metrics) : _impl(std::make_unique<Impl>(options, metrics)) {}
StreamHub::~StreamHub() {
    stop();
}
void StreamHub::setChannelCheck(ChannelCheck check) {
    _impl->setChannelCheck(std::move(check));
}
void StreamHub::setAuthenticator(Authenticator authenticator) {
    _impl->setAuthenticator(std::move(authenticator));
}
void StreamHub::start() {
    _impl->start();
}
void StreamHub::stop() {
    _impl->stop();
}
void StreamHub::accept(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) {
    _impl->accept(request, response);
}
void StreamHub::publish(const std::string& channelKey, const std::string& json) {
    _impl->publish(channelKey, json);
}
bool StreamHub::hasSubscribers(const std::string& channelKey) const {
    return _impl->hasSubscribers(channelKey);
}
std::size_t StreamHub::connectionCount() const {
    return _impl->count.load();
}

}  // namespace bourse
