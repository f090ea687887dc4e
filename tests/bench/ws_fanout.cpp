// Benchmark: WebSocket fan-out of one instrument's ticks to many clients.
//
// Opens N WebSocket connections to a running bourse (one epoll loop, no thread
// per client, so the client stays cheap next to the server on 2 cores),
// subscribes each to one symbol's ticks, and for D seconds records, for every
// tick received, now − tick.ts (server-to-client latency; ts is epoch ms).
// Prints connections, messages/s, latency percentiles and, with --pid, the
// server's resident memory. Not a test: it prints figures (tests/bench/README.md).
//
//   bench_ws_fanout --port 18080 [--clients 10000] [--seconds 20] [--symbol OTC_BENCH] [--pid PID] [--threads 2]
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

struct Options {
    int port = 18080;
    int clients = 10000;
    int seconds = 20;
    std::string symbol = "OTC_BENCH";
    int pid = 0;
    int threads = 2;
};

[[noreturn]] void usage(int status) {
    std::fprintf(status ? stderr : stdout,
                 "usage: bench_ws_fanout [--port 18080] [--clients 10000] [--seconds 20] [--symbol OTC_BENCH]\n"
                 "                       [--pid SERVER_PID] [--threads 2]\n");
    std::exit(status);
}

Options parse(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; i += 2) {
        const std::string k = argv[i];
        if (k == "--help" || k == "-h") usage(0);
        if (i + 1 >= argc) usage(2);
        const std::string v = argv[i + 1];
        if (k == "--port")
            o.port = std::stoi(v);
        else if (k == "--clients")
            o.clients = std::stoi(v);
        else if (k == "--seconds")
            o.seconds = std::stoi(v);
        else if (k == "--symbol")
            o.symbol = v;
        else if (k == "--pid")
            o.pid = std::stoi(v);
        else if (k == "--threads")
            o.threads = std::max(1, std::stoi(v));
        else {
            std::cerr << "unknown option " << k << '\n';
            usage(2);
        }
    }
    return o;
}

double nowMs() {
    return std::chrono::duration<double, std::milli>(std::chrono::system_clock::now().time_since_epoch()).count();
}

/// A masked client text frame (clients must mask; the key need not be secret here).
std::string clientFrame(const std::string& payload) {
    std::string f;
    f.push_back(static_cast<char>(0x81));
    const unsigned char mask[4] = {0x12, 0x34, 0x56, 0x78};
    if (payload.size() < 126) {
        f.push_back(static_cast<char>(0x80 | payload.size()));
    } else {
        f.push_back(static_cast<char>(0x80 | 126));
        f.push_back(static_cast<char>(payload.size() >> 8));
        f.push_back(static_cast<char>(payload.size() & 0xFF));
    }
    f.append(reinterpret_cast<const char*>(mask), 4);
    for (std::size_t i = 0; i < payload.size(); ++i)
        f.push_back(static_cast<char>(payload[i] ^ mask[i % 4]));
    return f;
}

struct Client {
    int fd = -1;
    bool open = false;  ///< handshake done
    std::string buf;
};

/// What the receivers saw besides ticks.
struct Tally {
    long messages = 0;     ///< ticks measured
    long acks = 0;         ///< {"type":"subscribed"}
    long closeFrames = 0;  ///< server close frames (1008 = dropped as a slow consumer)
    long refused = 0;      ///< upgrade answered with something other than 101
    int lastCloseCode = 0;
};

std::string procStatus(int pid, const char* field) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind(field, 0) == 0) return line.substr(std::strlen(field));
    return " ?";
}

/// utime + stime of a process, in seconds.
double cpuSeconds(int pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string stat((std::istreambuf_iterator<char>(in)), {});
    const auto close = stat.rfind(')');
    if (close == std::string::npos) return 0;
    std::istringstream fields(stat.substr(close + 2));
    std::string f;
    double utime = 0, stime = 0;
    for (int i = 3; i <= 15 && fields >> f; ++i) {
        if (i == 14) utime = std::stod(f);
        if (i == 15) stime = std::stod(f);
    }
    return (utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

double percentile(std::vector<float>& v, double p) {
    if (v.empty()) return 0;
    const auto idx = static_cast<std::size_t>(p / 100.0 * static_cast<double>(v.size() - 1));
    std::nth_element(v.begin(), v.begin() + static_cast<long>(idx), v.end());
    return v[idx];
}

}  // namespace

int main(int argc, char** argv) {
    const Options opt = parse(argc, argv);
    rlimit lim{};
    getrlimit(RLIMIT_NOFILE, &lim);
    lim.rlim_cur = lim.rlim_max;
    setrlimit(RLIMIT_NOFILE, &lim);

    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(opt.port));
    inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    const std::string upgrade =
        "GET /api/v1/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
        "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
        "Sec-WebSocket-Version: 13\r\n\r\n";
    const std::string subscribe =
        clientFrame(R"({"op":"subscribe","channel":"ticks","symbols":[")" + opt.symbol + R"("]})");

    std::vector<Client> clients(static_cast<std::size_t>(opt.clients));
    const double connectStart = nowMs();
    int failed = 0;
    for (std::size_t i = 0; i < clients.size(); ++i) {
        const int fd = socket(AF_INET, SOCK_STREAM, 0);
        if (fd < 0 || connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
            ++failed;
            if (fd >= 0) close(fd);
            continue;
        }
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        if (send(fd, upgrade.data(), upgrade.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(upgrade.size())) {
            ++failed;
            close(fd);
            continue;
        }
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
        clients[i].fd = fd;
    }

    // Receivers: each thread owns an epoll set over a slice of the clients, so the
    // client side is not the bottleneck it would be on one thread.
    const double measureFrom = nowMs() + 2000;  // let connections settle before measuring
    const double deadline = measureFrom + opt.seconds * 1000.0;
    const double serverCpuAtStart = opt.pid ? -1 : 0;
    std::atomic<double> serverCpuStart{serverCpuAtStart}, clientCpuStart{0};
    std::atomic<long> closed{0};
    std::vector<Tally> tallies(static_cast<std::size_t>(opt.threads));
    std::atomic<int> opened{0};
    std::atomic<double> allOpenAt{0};
    std::vector<std::vector<float>> perThread(static_cast<std::size_t>(opt.threads));
    std::vector<std::thread> receivers;
    for (int t = 0; t < opt.threads; ++t)
        receivers.emplace_back([&, t] {
            const int ep = epoll_create1(0);
            for (std::size_t i = static_cast<std::size_t>(t); i < clients.size();
                 i += static_cast<std::size_t>(opt.threads)) {
                if (clients[i].fd < 0) continue;
                epoll_event ev{};
                // Edge-triggered: a drained socket is not polled again on every
                // epoll_wait (level-triggered re-polling cost ~10% of this client).
                ev.events = EPOLLIN | EPOLLET;
                ev.data.u64 = i;
                epoll_ctl(ep, EPOLL_CTL_ADD, clients[i].fd, &ev);
            }
            auto& latencies = perThread[static_cast<std::size_t>(t)];
            Tally& tally = tallies[static_cast<std::size_t>(t)];
            latencies.reserve(static_cast<std::size_t>(opt.clients) * 10 * static_cast<std::size_t>(opt.seconds) /
                                  static_cast<std::size_t>(opt.threads) +
                              1024);
            std::vector<epoll_event> events(1024);
            std::vector<char> buffer(65536);
            char* buf = buffer.data();
            while (nowMs() < deadline) {
                if (t == 0 && serverCpuStart.load() < 0 && nowMs() >= measureFrom) {
                    clientCpuStart = cpuSeconds(getpid());
                    serverCpuStart = cpuSeconds(opt.pid);
                }
                const int n = epoll_wait(ep, events.data(), static_cast<int>(events.size()), 100);
                for (int e = 0; e < n; ++e) {
                    Client& c = clients[events[e].data.u64];
                    if (c.fd < 0) continue;
                    // Read until a short read: with edge-triggered epoll, data arriving
                    // after this point raises a new event, so no EAGAIN probe is needed.
                    bool gone = false;
                    while (true) {
                        const ssize_t got = recv(c.fd, buf, buffer.size(), 0);
                        if (got > 0) {
                            c.buf.append(buf, static_cast<std::size_t>(got));
                            if (static_cast<std::size_t>(got) < buffer.size()) break;
                        } else {
                            gone = got == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
                            break;
                        }
                    }
                    const auto drop = [&] {
                        epoll_ctl(ep, EPOLL_CTL_DEL, c.fd, nullptr);
                        close(c.fd);
                        c.fd = -1;
                        ++closed;
                    };
                    if (!c.open) {
                        const auto end = c.buf.find("\r\n\r\n");
                        if (end == std::string::npos) {
                            if (gone) drop();
                            continue;
                        }
                        if (c.buf.compare(0, 12, "HTTP/1.1 101") != 0) {
                            ++tally.refused;
                            drop();
                            continue;
                        }
                        c.buf.erase(0, end + 4);
                        c.open = true;
                        send(c.fd, subscribe.data(), subscribe.size(), MSG_NOSIGNAL);
                        if (++opened == opt.clients - failed) allOpenAt = nowMs();
                    }
                    // Parse complete server frames (unmasked).
                    std::size_t pos = 0;
                    const double now = nowMs();
                    while (c.buf.size() - pos >= 2) {
                        const int opcode = static_cast<unsigned char>(c.buf[pos]) & 0x0F;
                        std::size_t len = static_cast<unsigned char>(c.buf[pos + 1]) & 0x7F, hdr = 2;
                        if (len == 126) {
                            if (c.buf.size() - pos < 4) break;
                            len = (static_cast<std::size_t>(static_cast<unsigned char>(c.buf[pos + 2])) << 8) |
                                  static_cast<unsigned char>(c.buf[pos + 3]);
                            hdr = 4;
                        } else if (len == 127) {
                            if (c.buf.size() - pos < 10) break;
                            len = 0;
                            for (int b = 0; b < 8; ++b)
                                len = (len << 8) |
                                      static_cast<unsigned char>(c.buf[pos + 2 + static_cast<std::size_t>(b)]);
                            hdr = 10;
                        }
                        if (c.buf.size() - pos < hdr + len) break;
                        const char* payload = c.buf.data() + pos + hdr;
                        const std::string_view text(payload, len);
                        pos += hdr + len;
                        if (opcode == 0x8) {  // the server closes this client
                            ++tally.closeFrames;
                            if (len >= 2)
                                tally.lastCloseCode = (static_cast<unsigned char>(payload[0]) << 8) |
                                                      static_cast<unsigned char>(payload[1]);
                            gone = true;
                            break;
                        }
                        if (opcode != 0x1) continue;
                        if (text.find("\"type\":\"tick\"") != std::string_view::npos) {
                            const auto ts = text.find("\"ts\":");
                            if (now >= measureFrom && ts != std::string_view::npos) {
                                latencies.push_back(static_cast<float>(now - std::strtod(payload + ts + 5, nullptr)));
                                ++tally.messages;
                            }
                        } else if (text.find("\"type\":\"subscribed\"") != std::string_view::npos) {
                            ++tally.acks;
                        }
                    }
                    c.buf.erase(0, pos);
                    if (gone) drop();
                }
            }
            close(ep);
        });
    for (auto& r : receivers)
        r.join();
    std::vector<float> latencies;
    for (auto& v : perThread)
        latencies.insert(latencies.end(), v.begin(), v.end());
    Tally total;
    for (const Tally& x : tallies) {
        total.messages += x.messages;
        total.acks += x.acks;
        total.closeFrames += x.closeFrames;
        total.refused += x.refused;
        if (x.lastCloseCode) total.lastCloseCode = x.lastCloseCode;
    }
    const long messages = total.messages;

    std::printf("WebSocket fan-out benchmark: symbol %s, %d s measured\n", opt.symbol.c_str(), opt.seconds);
    std::printf("  clients            %d requested, %d open, %d failed, %ld closed by server (%d receiver threads)\n",
                opt.clients, opened.load(), failed, closed.load(), opt.threads);
    std::printf("  connect            all open after %.0f ms; %ld subscribed, %ld upgrades refused\n",
                allOpenAt > 0 ? allOpenAt - connectStart : -1.0, total.acks, total.refused);
    if (total.closeFrames)
        std::printf("  close frames       %ld (last status %d; 1008 = slow consumer)\n", total.closeFrames,
                    total.lastCloseCode);
    std::printf("  messages           %ld (%.0f/s)\n", messages, static_cast<double>(messages) / opt.seconds);
    std::printf("  latency            p50 %.1f ms  p90 %.1f ms  p99 %.1f ms  max %.1f ms\n", percentile(latencies, 50),
                percentile(latencies, 90), percentile(latencies, 99), percentile(latencies, 100));
    if (opt.pid) {
        std::printf("  server memory      VmRSS%s  VmHWM%s\n", procStatus(opt.pid, "VmRSS:").c_str(),
                    procStatus(opt.pid, "VmHWM:").c_str());
        const double serverCpu = cpuSeconds(opt.pid) - serverCpuStart.load();
        std::printf("  cpu while measured server %.2f s/s, this client %.2f s/s\n", serverCpu / opt.seconds,
                    (cpuSeconds(getpid()) - clientCpuStart.load()) / opt.seconds);
    }
    for (auto& c : clients)
        if (c.fd >= 0) close(c.fd);
    return failed == 0 && closed.load() == 0 && total.refused == 0 ? 0 : 1;
}
