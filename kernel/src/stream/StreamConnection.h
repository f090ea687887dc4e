//
// StreamConnection.h — one upgraded WebSocket client of the stream hub.
//
// Two threads touch a connection: the hub's reader (inbound frames and the
// subscription set) and the connection's send shard (outbound queue). Their
// fields are disjoint, so neither locks on the hot path; the hub only reads the
// sender fields after the shard thread has been joined.
//
#pragma once

#include "stream/WsFrame.h"

#include <Poco/Net/WebSocket.h>

#include <cstddef>
#include <list>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>

namespace bourse::stream {

/// An encoded server frame, shared by every connection it is queued on.
using FramePtr = std::shared_ptr<const std::string>;

/// Largest client message (one frame or a fragmented message) the hub accepts.
constexpr std::size_t kMaxClientMessage = 64 * 1024;

struct Connection {
    Connection(Poco::Net::WebSocket socket, std::size_t shardIndex);
    ~Connection();  ///< closes the descriptor: by then no registry or epoll set holds it
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    Poco::Net::WebSocket socket;
    const int fd;
    const std::size_t shard;

    // --- reader thread only ---
    std::string inbound;  ///< bytes received, not yet parsed into frames
    std::string message;  ///< fragments of a text message in progress
    bool fragmented = false;
    std::set<std::string> channels;
    std::optional<std::pair<std::string, std::string>> identity;  ///< {user id, role} after auth
    ws::FrameParser parser{kMaxClientMessage};

    // --- send shard thread only ---
    enum class SendState {
        Open,     ///< frames are delivered
        Closing,  ///< a close frame is queued; nothing else is accepted
        Dead      ///< nothing more is written
    };
    SendState state = SendState::Open;
    bool pendingFlush = false;  ///< frames queued this round, written at its end
    /// Unsent frames; the first may be partly written. A list, not a deque:
    /// an empty std::deque already allocates ~600 bytes, times every idle client.
    std::list<FramePtr> queue;
    std::size_t headOffset = 0;   ///< bytes of queue.front() already written
    std::size_t queuedBytes = 0;  ///< unsent bytes across the queue
    bool watchingWritable = false;
};

using ConnectionPtr = std::shared_ptr<Connection>;

}  // namespace bourse::stream
