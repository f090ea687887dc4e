#include "stream/SendShard.h"

#include "metrics/Metrics.h"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>
#include <algorithm>
#include <cerrno>

namespace bourse::stream {

namespace {
constexpr std::size_t kMaxIov = 64;
constexpr std::chrono::microseconds kLinger{300};
}  // namespace

SendShard::SendShard(std::size_t maxQueuedBytes, Counter& sent, Counter& drops)
    : _maxQueued(maxQueuedBytes),
      _sent(sent),
      _drops(drops),
      _epoll(::epoll_create1(EPOLL_CLOEXEC)),
      _wakeFd(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.ptr = nullptr;  // nullptr marks the wake-up descriptor
    ::epoll_ctl(_epoll, EPOLL_CTL_ADD, _wakeFd, &ev);
    _thread = std::thread([this] { run(); });
}

SendShard::~SendShard() {
    stop();
    ::close(_wakeFd);
    ::close(_epoll);
}

void SendShard::broadcast(const std::string& channelKey, const FramePtr& frame) {
    push(Job{Kind::Broadcast, channelKey, frame, nullptr, {}});
}
void SendShard::send(const ConnectionPtr& connection, FramePtr frame) {
    push(Job{Kind::Send, {}, std::move(frame), connection, {}});
}
void SendShard::close(const ConnectionPtr& connection, FramePtr closeFrame) {
    push(Job{Kind::Close, {}, std::move(closeFrame), connection, {}});
}
void SendShard::goAway(const ConnectionPtr& connection, FramePtr closeFrame) {
    push(Job{Kind::GoAway, {}, std::move(closeFrame), connection, {}});
}
void SendShard::subscribe(const ConnectionPtr& connection, const std::string& channelKey) {
    push(Job{Kind::Subscribe, channelKey, nullptr, connection, {}});
}
void SendShard::unsubscribe(const ConnectionPtr& connection, const std::string& channelKey) {
    push(Job{Kind::Unsubscribe, channelKey, nullptr, connection, {}});
}
void SendShard::remove(const ConnectionPtr& connection, std::vector<std::string> channelKeys) {
    push(Job{Kind::Remove, {}, nullptr, connection, std::move(channelKeys)});
}

void SendShard::push(Job job) {
    bool wasEmpty = false;
    {
        std::lock_guard lock(_mutex);
        wasEmpty = _jobs.empty();
        _jobs.push_back(std::move(job));
    }
    // The thread takes the whole list after each wake-up, so only the job that
    // finds it empty needs to wake it: one syscall per batch, not per job.
    if (wasEmpty) {
        const std::uint64_t one = 1;
        [[maybe_unused]] const auto n = ::write(_wakeFd, &one, sizeof one);
    }
}

void SendShard::stop(Clock::time_point drainUntil) {
    if (!_thread.joinable()) return;
    _drainUntil = drainUntil;
    _running.store(false, std::memory_order_release);
    const std::uint64_t one = 1;
    [[maybe_unused]] const auto n = ::write(_wakeFd, &one, sizeof one);
    _thread.join();
    for (auto& [c, ptr] : _writable)
        ::epoll_ctl(_epoll, EPOLL_CTL_DEL, c->fd, nullptr);
    _writable.clear();
    _pendingFlush.clear();
    _subscribers.clear();
    _closing.clear();
    std::lock_guard lock(_mutex);
    _jobs.clear();
}

void SendShard::run() {
    std::vector<epoll_event> events(512);
    std::vector<Job> jobs;
    while (!finished()) {
        const int timeout = _running.load(std::memory_order_acquire) ? waitTimeoutMs() : 10;
        const int n = ::epoll_wait(_epoll, events.data(), static_cast<int>(events.size()), timeout);
        for (int i = 0; i < n; ++i) {
            if (events[i].data.ptr == nullptr) {
                std::uint64_t count = 0;
                [[maybe_unused]] const auto r = ::read(_wakeFd, &count, sizeof count);
                // Linger a moment so the jobs that follow ride along: under a
                // stream of ticks this turns a wake-up, a read and a send per
                // tick into one per batch, for a fraction of a millisecond.
                if (_running.load(std::memory_order_relaxed)) std::this_thread::sleep_for(kLinger);
                continue;
            }
            flush(*static_cast<Connection*>(events[i].data.ptr));
        }
        {
            std::lock_guard lock(_mutex);
            jobs.swap(_jobs);
        }
        for (Job& job : jobs)
            handle(job);
        jobs.clear();
        flushPending();
        if (!_closing.empty()) reapClosing();
        // One atomic add per round instead of one per socket write.
        if (_sentUnreported) {
            _sent.inc(_sentUnreported);
            _sentUnreported = 0;
        }
    }
}

bool SendShard::finished() {
    if (_running.load(std::memory_order_acquire)) return false;
    // Stopping: jobs queued before stop() still run, then queues flush while there is time.
    std::lock_guard lock(_mutex);
    return _jobs.empty() && (_writable.empty() || Clock::now() >= _drainUntil);
}

void SendShard::handle(Job& job) {
    switch (job.kind) {
        case Kind::Broadcast: {
            const auto it = _subscribers.find(job.channel);
            if (it == _subscribers.end()) return;
            for (const ConnectionPtr& c : it->second)
                deliver(c, job.frame);
            return;
        }
        case Kind::Send:
            deliver(job.target, job.frame);
            return;
        case Kind::Close: {
            Connection& c = *job.target;
            if (c.state != Connection::SendState::Open) return;
            c.state = Connection::SendState::Closing;
            c.queuedBytes += job.frame->size();
            c.queue.push_back(std::move(job.frame));
            flush(c);
            if (!c.queue.empty()) watch(job.target);
            return;
        }
        case Kind::GoAway:
            if (job.target->state == Connection::SendState::Open) replaceQueueWith(job.target, std::move(job.frame));
            return;
        case Kind::Subscribe:
            _subscribers[job.channel].push_back(job.target);
            return;
        case Kind::Unsubscribe:
            erase(job.channel, job.target.get());
            return;
        case Kind::Remove: {
            Connection& c = *job.target;
            for (const auto& ch : job.channels)
                erase(ch, &c);
            unwatch(c);
            c.state = Connection::SendState::Dead;
            c.queue.clear();
            c.queuedBytes = 0;
            std::erase_if(_closing, [&c](const auto& entry) { return entry.second.get() == &c; });
            return;
        }
    }
}

void SendShard::erase(const std::string& channel, const Connection* c) {
    const auto it = _subscribers.find(channel);
    if (it == _subscribers.end()) return;
    auto& v = it->second;
    const auto pos = std::find_if(v.begin(), v.end(), [c](const ConnectionPtr& p) { return p.get() == c; });
    if (pos != v.end()) {
        *pos = std::move(v.back());
        v.pop_back();
    }
    if (v.empty()) _subscribers.erase(it);
}

void SendShard::deliver(const ConnectionPtr& cp, const FramePtr& frame) {
    Connection& c = *cp;
    if (c.state != Connection::SendState::Open) return;
    // Queue behind the rest, or give up on a client that fell too far behind.
    if (c.queuedBytes + frame->size() > _maxQueued) return dropSlow(cp);
    c.queue.push_back(frame);
    c.queuedBytes += frame->size();
    // Written once the whole batch of jobs is handled: one sendmsg carries
    // every frame this round gave the connection, instead of a send per frame.
    if (!c.pendingFlush && !_writable.count(&c)) {
        c.pendingFlush = true;
        _pendingFlush.push_back(cp);
    }
}

void SendShard::flushPending() {
    for (const ConnectionPtr& cp : _pendingFlush) {
        Connection& c = *cp;
        c.pendingFlush = false;
        if (c.state != Connection::SendState::Open) continue;
        flush(c);
        if (!c.queue.empty() && c.state != Connection::SendState::Dead) watch(cp);  // the socket is full
    }
    _pendingFlush.clear();
}

void SendShard::flush(Connection& c) {
    if (c.state == Connection::SendState::Dead) return unwatch(c);
    while (!c.queue.empty()) {
        iovec iov[kMaxIov];
        std::size_t count = 0;
        for (auto it = c.queue.begin(); it != c.queue.end() && count < kMaxIov; ++it, ++count) {
            const std::size_t skip = count == 0 ? c.headOffset : 0;
            iov[count].iov_base = const_cast<char*>((*it)->data() + skip);
            iov[count].iov_len = (*it)->size() - skip;
        }
        msghdr msg{};
        msg.msg_iov = iov;
        msg.msg_iovlen = count;
        // sendmsg rather than writev: MSG_NOSIGNAL, so a vanished peer is an error, not SIGPIPE.
        const ssize_t n = ::sendmsg(c.fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK) return;
            return fail(c);
        }
        auto written = static_cast<std::size_t>(n);
        c.queuedBytes -= written;
        while (written > 0) {
            const std::size_t left = c.queue.front()->size() - c.headOffset;
            if (written < left) {
                c.headOffset += written;
                return;  // the socket is full again
            }
            written -= left;
            c.queue.pop_front();
            c.headOffset = 0;
            ++_sentUnreported;
        }
    }
    // The close frame is out: end our direction so the client reads EOF after it.
    if (c.state == Connection::SendState::Closing) ::shutdown(c.fd, SHUT_WR);
    unwatch(c);
}

void SendShard::watch(const ConnectionPtr& c) {
    if (c->watchingWritable) return;
    epoll_event ev{};
    ev.events = EPOLLOUT;
    ev.data.ptr = c.get();
    if (::epoll_ctl(_epoll, EPOLL_CTL_ADD, c->fd, &ev) == 0) {
        c->watchingWritable = true;
        _writable.emplace(c.get(), c);
    }
}

void SendShard::unwatch(Connection& c) {
    if (!c.watchingWritable) return;
    ::epoll_ctl(_epoll, EPOLL_CTL_DEL, c.fd, nullptr);
    c.watchingWritable = false;
    _writable.erase(&c);  // may release the last reference: touch nothing after
}

void SendShard::dropSlow(const ConnectionPtr& cp) {
    _drops.inc();
    replaceQueueWith(cp, std::make_shared<const std::string>(ws::encodeClose(1008, "slow consumer")));
    _closing.emplace_back(Clock::now() + kCloseGrace, cp);
}

void SendShard::replaceQueueWith(const ConnectionPtr& cp, FramePtr closeFrame) {
    Connection& c = *cp;
    // Keep only a partly written frame (the client must get it whole to parse
    // what follows), then the close frame.
    if (c.headOffset > 0) {
        c.queue.resize(1);
        c.queuedBytes = c.queue.front()->size() - c.headOffset;
    } else {
        c.queue.clear();
        c.queuedBytes = 0;
    }
    c.state = Connection::SendState::Closing;
    c.queuedBytes += closeFrame->size();
    c.queue.push_back(std::move(closeFrame));
    flush(c);
    if (!c.queue.empty()) watch(cp);
}

void SendShard::fail(Connection& c) {
    // The peer is gone; the reader sees the hang-up and removes the connection.
    c.state = Connection::SendState::Dead;
    c.queue.clear();
    c.queuedBytes = 0;
    unwatch(c);
}

void SendShard::reapClosing() {
    const auto now = Clock::now();
    std::erase_if(_closing, [&](const auto& entry) {
        Connection& c = *entry.second;
        if (c.state == Connection::SendState::Dead) return true;
        if (entry.first > now) return false;
        // Out of time: abort. Linger 0 makes the final close() reset the
        // connection and free its kernel buffers at once; the shutdown wakes the
        // reader, which removes the connection.
        const linger abort{1, 0};
        ::setsockopt(c.fd, SOL_SOCKET, SO_LINGER, &abort, sizeof abort);
        ::shutdown(c.fd, SHUT_RDWR);
        fail(c);
        return true;
    });
}

int SendShard::waitTimeoutMs() const {
    if (_closing.empty()) return 1000;
    auto first = _closing.front().first;
    for (const auto& entry : _closing)
        first = std::min(first, entry.first);
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(first - Clock::now()).count();
    return static_cast<int>(std::clamp<long long>(ms + 1, 0, 1000));
}

}  // namespace bourse::stream
