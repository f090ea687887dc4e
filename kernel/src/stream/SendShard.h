//
// SendShard.h — one sender thread of the stream hub.
//
// A shard owns a slice of the connections: their subscription index and their
// outbound queues. Everything reaches it as a job (broadcast, direct frame,
// subscribe, ...) so that publish() only appends to a list and never waits on a
// socket, and the index needs no lock while a broadcast walks it.
//
// Writes are non-blocking. A frame the socket does not take at once is queued
// (shared, not copied) and flushed when epoll reports the socket writable. A
// connection whose queue would exceed the byte limit is a slow consumer: its
// queue is cut to the partly written frame, a close frame 1008 "slow consumer"
// is queued, and it gets a short grace period to read it before the socket is
// aborted.
//
#pragma once

#include "stream/StreamConnection.h"

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

namespace bourse {
class Counter;
}

namespace bourse::stream {

class SendShard {
public:
    /// How long a dropped slow consumer may take to read its close frame.
    static constexpr std::chrono::milliseconds kCloseGrace{2000};

    SendShard(std::size_t maxQueuedBytes, Counter& sent, Counter& drops);
    ~SendShard();
    SendShard(const SendShard&) = delete;
    SendShard& operator=(const SendShard&) = delete;

    void broadcast(const std::string& channelKey, const FramePtr& frame);
    void send(const ConnectionPtr& connection, FramePtr frame);
    /// Queues `closeFrame` after what is pending; nothing is sent after it.
    void close(const ConnectionPtr& connection, FramePtr closeFrame);
    /// Drops what is pending (except a partly written frame) and queues `closeFrame`.
    void goAway(const ConnectionPtr& connection, FramePtr closeFrame);
    void subscribe(const ConnectionPtr& connection, const std::string& channelKey);
    void unsubscribe(const ConnectionPtr& connection, const std::string& channelKey);
    /// Forgets the connection (the reader saw it go): its subscriptions, its queue.
    void remove(const ConnectionPtr& connection, std::vector<std::string> channelKeys);

    /// Stops taking jobs; queued jobs still run and queues keep flushing until
    /// they are empty or `drainUntil` passes. Then joins the thread and drops
    /// every reference it held.
    void stop(std::chrono::steady_clock::time_point drainUntil = {});

private:
    enum class Kind { Broadcast, Send, Close, GoAway, Subscribe, Unsubscribe, Remove };
    struct Job {
        Kind kind;
        std::string channel;
        FramePtr frame;
        ConnectionPtr target;
        std::vector<std::string> channels;
    };
    using Clock = std::chrono::steady_clock;

    void push(Job job);
    void run();
    void handle(Job& job);
    void deliver(const ConnectionPtr& c, const FramePtr& frame);
    void flush(Connection& c);
    /// Writes what this round queued for each connection (one sendmsg each).
    void flushPending();
    void watch(const ConnectionPtr& c);
    void unwatch(Connection& c);
    void dropSlow(const ConnectionPtr& c);
    void replaceQueueWith(const ConnectionPtr& c, FramePtr closeFrame);
    bool finished();
    void fail(Connection& c);
    void erase(const std::string& channel, const Connection* c);
    void reapClosing();
    int waitTimeoutMs() const;

    const std::size_t _maxQueued;
    Counter& _sent;
    Counter& _drops;
    const int _epoll;
    const int _wakeFd;
    std::atomic<bool> _running{true};
    Clock::time_point _drainUntil;  ///< written before _running turns false

    std::mutex _mutex;
    std::vector<Job> _jobs;  ///< guarded by _mutex

    // Shard thread only.
    std::unordered_map<std::string, std::vector<ConnectionPtr>> _subscribers;
    std::unordered_map<Connection*, ConnectionPtr> _writable;           ///< registered for EPOLLOUT; kept alive
    std::vector<std::pair<Clock::time_point, ConnectionPtr>> _closing;  ///< slow consumers given a grace period
    std::uint64_t _sentUnreported = 0;
    std::vector<ConnectionPtr> _pendingFlush;  ///< connections given frames this round

    std::thread _thread;
};

}  // namespace bourse::stream
