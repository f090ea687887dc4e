#include "stream/StreamHub.h"

#include "log/Log.h"
#include "metrics/Metrics.h"
#include "stream/WsFrame.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/WebSocket.h>

#include <atomic>
#include <cerrno>
#include <deque>
#include <mutex>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <set>
#include <sstream>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace bourse {

namespace {

constexpr std::size_t kMaxClientFrame = 64 * 1024;
using FramePtr = std::shared_ptr<const std::string>;

/// One upgraded client. Reader-thread fields and shard-thread fields are
/// disjoint, so neither side locks on the hot path.
struct Connection {
    Connection(Poco::Net::WebSocket socket, std::size_t shardIndex)
        : ws(std::move(socket)), fd(ws.impl()->sockfd()), shard(shardIndex) {}
    ~Connection() {
        try {
            ws.close();
        } catch (...) {
            // Already closed by the peer; nothing to release.
        }
    }

    Poco::Net::WebSocket ws;  ///< owns the descriptor until destruction
    const int fd;
    const std::size_t shard;

    // Reader thread only.
    std::string inbound;
    std::string message;  ///< fragments of a message in progress
    std::set<std::string> channels;
    std::optional<std::pair<std::string, std::string>> identity;
    ws::FrameParser parser{kMaxClientFrame};

    // Shard thread only.
    std::string pending;  ///< bytes the socket did not take yet
    bool dead = false;
};

using ConnectionPtr = std::shared_ptr<Connection>;

std::string jsonText(const Poco::JSON::Object& o) {
    std::ostringstream s;
    o.stringify(s);
    return s.str();
}

std::string errorMessage(const std::string& text) {
    Poco::JSON::Object o;
    o.set("type", "error");
    o.set("message", text);
    return jsonText(o);
}

} // namespace

/// A sender: one thread, its connections, their subscriptions and unsent bytes.
class Shard {
public:
    enum class Kind { Broadcast, Direct, Subscribe, Unsubscribe, Remove };
    struct Job {
        Kind kind;
        std::string channel;
        FramePtr frame;
        ConnectionPtr target;
        std::vector<std::string> channels;  ///< Remove: the connection's subscriptions
    };

    Shard(std::size_t maxQueued, Counter& sent, Counter& drops)
        : _maxQueued(maxQueued), _sent(sent), _drops(drops), _epoll(::epoll_create1(EPOLL_CLOEXEC)),
          _wakeFd(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.ptr = nullptr;  // nullptr marks the wake-up descriptor
        ::epoll_ctl(_epoll, EPOLL_CTL_ADD, _wakeFd, &ev);
        _thread = std::thread([this] { run(); });
    }
    ~Shard() {
        stop();
        ::close(_wakeFd);
        ::close(_epoll);
    }

    void push(Job job) {
        {
            std::lock_guard lock(_mutex);
            _jobs.push_back(std::move(job));
        }
        wake();
    }

    void stop() {
        _running = false;
        wake();
        if (_thread.joinable()) _thread.join();
    }

private:
    void wake() {
        const std::uint64_t one = 1;
        [[maybe_unused]] const auto n = ::write(_wakeFd, &one, sizeof one);
    }

    void run() {
        std::vector<epoll_event> events(256);
        std::deque<Job> jobs;
        while (_running) {
            const int n = ::epoll_wait(_epoll, events.data(), static_cast<int>(events.size()), 1000);
            for (int i = 0; i < n; ++i) {
                if (events[i].data.ptr == nullptr) {
                    std::uint64_t count = 0;
                    [[maybe_unused]] const auto r = ::read(_wakeFd, &count, sizeof count);
                    continue;
                }
                flush(*static_cast<Connection*>(events[i].data.ptr));
            }
            {
                std::lock_guard lock(_mutex);
                jobs.swap(_jobs);
            }
            for (Job& job : jobs) handle(job);
            jobs.clear();
        }
        _subscribers.clear();
        _backlogged.clear();
    }

    void handle(Job& job) {
        switch (job.kind) {
        case Kind::Broadcast: {
            const auto it = _subscribers.find(job.channel);
            if (it == _subscribers.end()) return;
            for (const ConnectionPtr& c : it->second) deliver(*c, *job.frame);
            return;
        }
        case Kind::Direct: deliver(*job.target, *job.frame); return;
        case Kind::Subscribe: _subscribers[job.channel].push_back(job.target); return;
        case Kind::Unsubscribe: erase(job.channel, job.target.get()); return;
        case Kind::Remove:
            for (const auto& ch : job.channels) erase(ch, job.target.get());
            if (_backlogged.erase(job.target.get())) ::epoll_ctl(_epoll, EPOLL_CTL_DEL, job.target->fd, nullptr);
            job.target->dead = true;
            return;
        }
    }

    void erase(const std::string& channel, Connection* c) {
        const auto it = _subscribers.find(channel);
        if (it == _subscribers.end()) return;
        auto& v = it->second;
        for (std::size_t i = 0; i < v.size(); ++i)
            if (v[i].get() == c) {
                v[i] = std::move(v.back());
                v.pop_back();
                break;
            }
        if (v.empty()) _subscribers.erase(it);
    }

    void deliver(Connection& c, const std::string& frame) {
        if (c.dead) return;
        if (!c.pending.empty()) {
            if (c.pending.size() + frame.size() > _maxQueued) return dropSlow(c);
            c.pending.append(frame);
            return;
        }
        const ssize_t n = ::send(c.fd, frame.data(), frame.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n == static_cast<ssize_t>(frame.size())) {
            _sent.inc();
            return;
        }
        if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
            c.dead = true;  // the reader sees the broken socket and removes it
            return;
        }
        c.pending.assign(frame, n > 0 ? static_cast<std::size_t>(n) : 0, std::string::npos);
        epoll_event ev{};
        ev.events = EPOLLOUT;
        ev.data.ptr = &c;
        ::epoll_ctl(_epoll, EPOLL_CTL_ADD, c.fd, &ev);
        _backlogged.insert(&c);
    }

    void flush(Connection& c) {
        if (c.dead || c.pending.empty()) return;
        const ssize_t n = ::send(c.fd, c.pending.data(), c.pending.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK) c.dead = true;
            return;
        }
        c.pending.erase(0, static_cast<std::size_t>(n));
        if (c.pending.empty()) {
            ::epoll_ctl(_epoll, EPOLL_CTL_DEL, c.fd, nullptr);
            _backlogged.erase(&c);
            _sent.inc();
        }
    }

    /// A client that cannot keep up is closed so it never holds up anyone else.
    void dropSlow(Connection& c) {
        _drops.inc();
        c.pending.clear();
        const std::string close = ws::encodeClose(1008, "slow consumer");
        [[maybe_unused]] const auto n = ::send(c.fd, close.data(), close.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
        ::shutdown(c.fd, SHUT_RDWR);  // the reader thread sees the hang-up and removes it
        if (_backlogged.erase(&c)) ::epoll_ctl(_epoll, EPOLL_CTL_DEL, c.fd, nullptr);
        c.dead = true;
    }

    const std::size_t _maxQueued;
    Counter& _sent;
    Counter& _drops;
    const int _epoll;
    const int _wakeFd;
    std::atomic<bool> _running{true};
    std::mutex _mutex;
    std::deque<Job> _jobs;
    std::unordered_map<std::string, std::vector<ConnectionPtr>> _subscribers;
    std::unordered_set<Connection*> _backlogged;
    std::thread _thread;
};

class StreamHub::Impl {
public:
    Impl(Options opts, Metrics& metrics)
        : options(opts),
          connections(metrics.gauge("bourse_ws_connections", "Open WebSocket stream connections")),
          sent(metrics.counter("bourse_ws_messages_sent_total", "Stream messages written to clients")),
          drops(metrics.counter("bourse_ws_slow_consumer_drops_total", "Clients closed for falling behind")),
          received(metrics.counter("bourse_ws_frames_received_total", "Frames received from stream clients")) {}

    void start() {
        if (running) return;
        running = true;
        for (std::size_t i = 0; i < std::max<std::size_t>(1, options.senderShards); ++i)
            shards.push_back(std::make_unique<Shard>(options.maxQueuedBytes, sent, drops));
        epoll = ::epoll_create1(EPOLL_CLOEXEC);
        wakeFd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.ptr = nullptr;
        ::epoll_ctl(epoll, EPOLL_CTL_ADD, wakeFd, &ev);
        reader = std::thread([this] { readLoop(); });
    }

    void stop() {
        if (!running) return;
        running = false;
        const std::uint64_t one = 1;
        [[maybe_unused]] const auto n = ::write(wakeFd, &one, sizeof one);
        reader.join();
        std::unordered_map<int, ConnectionPtr> all;
        {
            std::lock_guard lock(registryMutex);
            all.swap(registry);
        }
        const std::string goingAway = ws::encodeClose(1001, "server stopping");
        for (auto& [fd, c] : all) {
            [[maybe_unused]] const auto r = ::send(fd, goingAway.data(), goingAway.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
        }
        for (auto& s : shards) s->stop();
        shards.clear();
        connections.set(0);
        ::close(wakeFd);
        ::close(epoll);
    }

    void accept(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) {
        if (!running || count.load() >= options.maxConnections) {
            problem(resp, 503, "the stream is at capacity; retry later");
            return;
        }
        std::unique_ptr<Poco::Net::WebSocket> socket;
        try {
            socket = std::make_unique<Poco::Net::WebSocket>(req, resp);
        } catch (const Poco::Net::WebSocketException& e) {
            problem(resp, 400, "not a WebSocket upgrade: " + e.message());
            return;
        }
        // Small frames must leave at once: latency matters more than packet count here.
        int one = 1;
        ::setsockopt(socket->impl()->sockfd(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        const std::size_t shard = nextShard.fetch_add(1) % shards.size();
        auto c = std::make_shared<Connection>(*socket, shard);
        {
            std::lock_guard lock(registryMutex);
            registry[c->fd] = c;
        }
        ++count;
        connections.set(static_cast<std::int64_t>(count.load()));
        epoll_event ev{};
        ev.events = EPOLLIN | EPOLLRDHUP;
        ev.data.ptr = c.get();
        ::epoll_ctl(epoll, EPOLL_CTL_ADD, c->fd, &ev);
    }

    void publish(const std::string& channel, const std::string& json) {
        if (!running) return;
        const FramePtr frame = std::make_shared<const std::string>(ws::encode(ws::Text, json));
        for (auto& s : shards) s->push(Shard::Job{Shard::Kind::Broadcast, channel, frame, nullptr, {}});
    }

    Options options;
    Gauge& connections;
    Counter& sent;
    Counter& drops;
    Counter& received;
    ChannelCheck channelCheck;
    Authenticator authenticator;
    std::atomic<std::size_t> count{0};

private:
    static void problem(Poco::Net::HTTPServerResponse& resp, int status, const std::string& detail) {
        Poco::JSON::Object o;
        o.set("type", "about:blank");
        o.set("title", status == 400 ? "Bad Request" : "Service Unavailable");
        o.set("status", status);
        o.set("detail", detail);
        const std::string body = jsonText(o);
        resp.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
        resp.setContentType("application/problem+json");
        resp.setContentLength(static_cast<std::streamsize>(body.size()));
        resp.send() << body;
    }

    void sendTo(const ConnectionPtr& c, const std::string& frame) {
        shards[c->shard]->push(
            Shard::Job{Shard::Kind::Direct, "", std::make_shared<const std::string>(frame), c, {}});
    }
    void sendJson(const ConnectionPtr& c, const std::string& json) { sendTo(c, ws::encode(ws::Text, json)); }

    void readLoop() {
        std::vector<epoll_event> events(256);
        char buf[16384];
        while (running) {
            const int n = ::epoll_wait(epoll, events.data(), static_cast<int>(events.size()), 1000);
            for (int i = 0; i < n; ++i) {
                auto* raw = static_cast<Connection*>(events[i].data.ptr);
                if (!raw) {
                    std::uint64_t v = 0;
                    [[maybe_unused]] const auto r = ::read(wakeFd, &v, sizeof v);
                    continue;
                }
                ConnectionPtr c;
                {
                    std::lock_guard lock(registryMutex);
                    const auto it = registry.find(raw->fd);
                    if (it == registry.end() || it->second.get() != raw) continue;
                    c = it->second;
                }
                bool open = true;
                while (open) {
                    const ssize_t got = ::recv(c->fd, buf, sizeof buf, MSG_DONTWAIT);
                    if (got > 0) {
                        c->inbound.append(buf, static_cast<std::size_t>(got));
                        open = processFrames(c);
                        if (got < static_cast<ssize_t>(sizeof buf)) break;
                    } else if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
                        break;
                    } else {
                        open = false;  // EOF or error
                    }
                }
                if (!open || (events[i].events & (EPOLLHUP | EPOLLERR))) remove(c);
            }
        }
    }

    /// Handles every complete frame; false when the connection must close.
    bool processFrames(const ConnectionPtr& c) {
        while (true) {
            std::uint16_t error = 0;
            auto frame = c->parser.next(c->inbound, error);
            if (error) {
                sendTo(c, ws::encodeClose(error, error == 1009 ? "frame too large" : "protocol error"));
                return false;
            }
            if (!frame) return true;
            received.inc();
            switch (frame->opcode) {
            case ws::Ping: sendTo(c, ws::encode(ws::Pong, frame->payload)); break;
            case ws::Pong: break;
            case ws::Close: sendTo(c, ws::encodeClose(1000, "")); return false;
            case ws::Binary: sendJson(c, errorMessage("binary frames are not supported; send JSON text")); break;
            case ws::Text:
            case ws::Continuation:
                c->message += frame->payload;
                if (c->message.size() > kMaxClientFrame) {
                    sendTo(c, ws::encodeClose(1009, "message too large"));
                    return false;
                }
                if (frame->fin) {
                    handleMessage(c, c->message);
                    c->message.clear();
                }
                break;
            default: sendTo(c, ws::encodeClose(1002, "unknown opcode")); return false;
            }
        }
    }

    void handleMessage(const ConnectionPtr& c, const std::string& text) {
        Poco::JSON::Object::Ptr msg;
        try {
            Poco::JSON::Parser parser;
            msg = parser.parse(text).extract<Poco::JSON::Object::Ptr>();
        } catch (const Poco::Exception&) {
            return sendJson(c, errorMessage("messages must be JSON objects like {\"op\":\"subscribe\",...}"));
        }
        const std::string op = msg->optValue<std::string>("op", "");
        if (op == "ping") return sendJson(c, R"({"type":"pong"})");
        if (op == "auth") {
            const std::string token = msg->optValue<std::string>("token", "");
            const auto who = authenticator && !token.empty() ? authenticator(token) : std::nullopt;
            if (!who) return sendJson(c, errorMessage("auth: invalid or expired token"));
            c->identity = who;
            return sendJson(c, R"({"type":"authenticated"})");
        }
        if (op != "subscribe" && op != "unsubscribe")
            return sendJson(c, errorMessage("op: expected subscribe, unsubscribe, auth or ping"));
        const std::string channel = msg->optValue<std::string>("channel", "");
        std::vector<std::string> keys, names;
        if (channel == "ticks" || channel == "candles") {
            std::string suffix;
            if (channel == "candles") {
                const std::string interval = msg->optValue<std::string>("interval", "");
                if (interval != "1s" && interval != "1m" && interval != "5m" && interval != "1h")
                    return sendJson(c, errorMessage("interval: expected 1s, 1m, 5m or 1h"));
                suffix = ":" + interval;
            }
            Poco::JSON::Array::Ptr symbols;
            try {
                symbols = msg->getArray("symbols");
            } catch (const Poco::Exception&) {
            }
            if (!symbols || symbols->size() == 0)
                return sendJson(c, errorMessage("symbols: expected a non-empty list of symbols"));
            for (std::size_t i = 0; i < symbols->size(); ++i) {
                const std::string sym = symbols->get(static_cast<unsigned>(i)).toString();
                const std::string key = channel + ":" + sym + suffix;
                if (op == "subscribe" && channelCheck && !channelCheck(key))
                    return sendJson(c, errorMessage("unknown symbol '" + sym + "'"));
                keys.push_back(key);
                names.push_back(sym);
            }
        } else if (channel == "trades") {
            if (!c->identity) return sendJson(c, errorMessage("trades: send {\"op\":\"auth\",\"token\":...} first"));
            keys.push_back("user:" + c->identity->first);
        } else if (channel == "operator") {
            if (!c->identity || c->identity->second != "operator")
                return sendJson(c, errorMessage("operator: requires an operator token"));
            keys.push_back("events:operator");
        } else {
            return sendJson(c, errorMessage("channel: expected ticks, candles, trades or operator"));
        }
        auto& shard = *shards[c->shard];
        for (const auto& key : keys) {
            if (op == "subscribe") {
                if (c->channels.count(key)) continue;
                if (c->channels.size() >= options.maxSubscriptionsPerConnection)
                    return sendJson(c, errorMessage("too many subscriptions on one connection"));
                c->channels.insert(key);
                shard.push(Shard::Job{Shard::Kind::Subscribe, key, nullptr, c, {}});
            } else if (c->channels.erase(key)) {
                shard.push(Shard::Job{Shard::Kind::Unsubscribe, key, nullptr, c, {}});
            }
        }
        Poco::JSON::Object ack;
        ack.set("type", op == "subscribe" ? "subscribed" : "unsubscribed");
        ack.set("channel", channel);
        if (!names.empty()) {
            Poco::JSON::Array list;
            for (const auto& n : names) list.add(n);
            ack.set("symbols", list);
        }
        sendJson(c, jsonText(ack));
    }

    void remove(const ConnectionPtr& c) {
        // Out of every registry before the descriptor can be closed and reused.
        ::epoll_ctl(epoll, EPOLL_CTL_DEL, c->fd, nullptr);
        {
            std::lock_guard lock(registryMutex);
            registry.erase(c->fd);
        }
        shards[c->shard]->push(Shard::Job{Shard::Kind::Remove, "", nullptr, c,
                                          std::vector<std::string>(c->channels.begin(), c->channels.end())});
        --count;
        connections.set(static_cast<std::int64_t>(count.load()));
    }

    std::atomic<bool> running{false};
    std::vector<std::unique_ptr<Shard>> shards;
    std::atomic<std::size_t> nextShard{0};
    int epoll = -1;
    int wakeFd = -1;
    std::thread reader;
    std::mutex registryMutex;
    std::unordered_map<int, ConnectionPtr> registry;
};

StreamHub::StreamHub(Options options, Metrics& metrics) : _impl(std::make_unique<Impl>(options, metrics)) {}
StreamHub::~StreamHub() { stop(); }
void StreamHub::setChannelCheck(ChannelCheck check) { _impl->channelCheck = std::move(check); }
void StreamHub::setAuthenticator(Authenticator authenticator) { _impl->authenticator = std::move(authenticator); }
void StreamHub::start() { _impl->start(); }
void StreamHub::stop() { _impl->stop(); }
void StreamHub::accept(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) {
    _impl->accept(request, response);
}
void StreamHub::publish(const std::string& channelKey, const std::string& json) { _impl->publish(channelKey, json); }
std::size_t StreamHub::connectionCount() const { return _impl->count.load(); }

} // namespace bourse
