//
// WsClient.h — outbound WebSocket connections the kernel makes for plugins
// (host->ws_connect / ws_send / ws_close). The kernel owns TLS (the same
// context as HttpClient), the handshake timeout, ping/pong and metrics; a
// plugin only sees "open", each text message, and "closed, because ...".
//
// Outbound connections are few (one or two per price source), so each has a
// reader thread of its own; its events are delivered on that thread, in order.
// Control frames never reach the plugin: a ping is answered with a pong at once
// (Binance drops a connection that does not), a close is answered and reported.
// Messages larger than kMaxMessageBytes close the connection.
//
// Thread-safety: every method may be called from any thread, also from inside
// an event callback. close() never waits for the reader thread (a callback may
// be queued behind the caller's own lock): it stops further deliveries, except
// one that may already be under way — the plugin layer drops that one (see
// HostApi). stop() joins every thread; call it after the plugins are gone.
//
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace bourse {

class Metrics;
class Counter;
class Gauge;

class WsClient {
public:
    enum class Event { Open, Message, Closed };
    /// For Closed, `data` says why ("closed by the server (1000)", "connection refused", ...).
    using OnEvent = std::function<void(Event event, const std::string& data)>;

    static constexpr std::size_t kMaxMessageBytes = 16 << 20;

    explicit WsClient(Metrics& metrics);
    ~WsClient();
    WsClient(const WsClient&) = delete;
    WsClient& operator=(const WsClient&) = delete;

    /// Starts connecting to a ws:// or wss:// URL and returns the connection id at
    /// once; the outcome arrives as Open (then Messages) or Closed.
    std::uint64_t connect(const std::string& url, OnEvent onEvent);
    /// Sends a text message; false if the connection is not open.
    bool send(std::uint64_t id, const std::string& text);
    /// Closes (politely, status 1000) and forgets the connection; waits for its thread.
    void close(std::uint64_t id);
    /// Closes every connection.
    void stop();

    [[nodiscard]] std::size_t openConnections() const;

private:
    struct Connection;
    static void run(const std::shared_ptr<Connection>& c);
    void reapFinished();

    Counter& _opened;
    Counter& _failed;
    Gauge& _open;
    mutable std::mutex _mutex;
    std::map<std::uint64_t, std::shared_ptr<Connection>> _connections;
    std::vector<std::shared_ptr<Connection>> _closed;  ///< threads still to join
    std::uint64_t _nextId = 1;
};

}  // namespace bourse
