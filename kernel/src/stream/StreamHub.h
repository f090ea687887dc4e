//
// StreamHub.h — the WebSocket endpoint /api/v1/stream.
//
// Upgraded sockets do not keep an HTTP server thread: the handler completes the
// handshake and hands the socket to the hub. One reader thread (epoll) parses
// client frames; connections are spread over a few sender shards, each a thread
// with its own epoll set, which write pre-framed messages without blocking.
// A message is framed once and the same bytes go to every subscriber. Each
// connection buffers at most Options::maxQueuedBytes of unsent data; a client
// that falls further behind is closed with status 1008 ("slow consumer"), so it
// never delays anyone else.
//
// Protocol (JSON text frames):
//   -> {"op":"subscribe","channel":"ticks","symbols":["OTC_EUR_USD"]}
//   -> {"op":"subscribe","channel":"candles","symbols":["OTC_EUR_USD"],"interval":"1m"}
//   -> {"op":"unsubscribe", ...same fields...}
//   -> {"op":"auth","token":"<access token>"}        then channel "trades" (own trade
//      events) and, for operators, channel "operator" become available
//   -> {"op":"subscribe","channel":"trades"}
//   <- {"type":"subscribed","channel":"ticks","symbols":[...]}   (ack)
//   <- {"type":"error","message":"..."}                          (bad request; connection stays)
//   <- whatever publish() sends on a channel the client is subscribed to
//
// Thread-safety: all public methods may be called from any thread.
//
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>

namespace Poco::Net {
class HTTPServerRequest;
class HTTPServerResponse;
}  // namespace Poco::Net

namespace bourse {

class Metrics;

class StreamHub {
public:
    struct Options {
        std::size_t maxQueuedBytes = 1 << 20;  ///< per connection, before it is dropped
        std::size_t maxConnections = 50000;
        std::size_t maxSubscriptionsPerConnection = 256;
        std::size_t senderShards = 2;
    };

    /// Who a token belongs to: {user id, role}, or nullopt when it is not valid.
    using Authenticator = std::function<std::optional<std::pair<std::string, std::string>>(const std::string& token)>;

    /// Answers whether a channel key may be subscribed to (e.g. known symbol).
    using ChannelCheck = std::function<bool(const std::string& channelKey)>;

    StreamHub(Options options, Metrics& metrics);
    ~StreamHub();
    StreamHub(const StreamHub&) = delete;
    StreamHub& operator=(const StreamHub&) = delete;

    void setChannelCheck(ChannelCheck check);
    void setAuthenticator(Authenticator authenticator);

    /// Starts the reactor and sender threads.
    void start();
    /// Closes every connection (status 1001 "going away") and joins the threads.
    void stop();

    /// Called on an HTTP server thread for GET /api/v1/stream: performs the
    /// WebSocket handshake (or answers 400) and hands the socket to the reactor.
    /// Returns promptly; the server thread is free afterwards.
    void accept(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response);

    /// Sends `json` to every connection subscribed to channelKey. Channel keys:
    /// "ticks:<SYMBOL>", "candles:<SYMBOL>:<interval>" (interval "1s","1m","5m","1h"),
    /// "user:<user id>" and "events:operator".
    /// The frame is encoded once and shared by all recipients.
    void publish(const std::string& channelKey, const std::string& json);
    /// Whether any connection follows channelKey now (publishers may skip
    /// building a message nobody would receive).
    [[nodiscard]] bool hasSubscribers(const std::string& channelKey) const;

    [[nodiscard]] std::size_t connectionCount() const;

private:
    class Impl;
    std::unique_ptr<Impl> _impl;
};

}  // namespace bourse
