// Benchmark: hot-reload pause under load.
//
// Against a running bourse: H keep-alive HTTP clients loop on GET /api/v1/markets
// while one WebSocket client streams ticks, and the plugin is reloaded through
// the operator API every R ms. Prints request counts, failures, latency
// percentiles overall and for requests that overlapped a reload, reload
// durations, and the largest gap in the tick stream. Not a test: it prints
// figures (see tests/bench/README.md).
//
//   bench_reload_pause --port 8080 [--plugin otc] [--symbol OTC_BENCH]
//                      [--http-clients 16] [--seconds 20] [--reload-every-ms 1000] [--token T]
#include <Poco/Buffer.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/WebSocket.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
    int port = 8080;
    std::string plugin = "otc";
    std::string symbol = "OTC_BENCH";
    int httpClients = 16;
    int seconds = 20;
    int reloadEveryMs = 1000;
    std::string token;
};

Options parse(int argc, char** argv) {
    Options o;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string k = argv[i], v = argv[i + 1];
        if (k == "--port")
            o.port = std::stoi(v);
        else if (k == "--plugin")
            o.plugin = v;
        else if (k == "--symbol")
            o.symbol = v;
        else if (k == "--http-clients")
            o.httpClients = std::stoi(v);
        else if (k == "--seconds")
            o.seconds = std::stoi(v);
        else if (k == "--reload-every-ms")
            o.reloadEveryMs = std::stoi(v);
        else if (k == "--token")
            o.token = v;
        else {
            std::cerr << "unknown option " << k << '\n';
            std::exit(2);
        }
    }
    return o;
}

double percentile(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    const auto idx = static_cast<std::size_t>(p / 100.0 * static_cast<double>(v.size() - 1));
    return v[idx];
}

struct Sample {
    Clock::time_point start, end;
    bool ok;
};

}  // namespace

int main(int argc, char** argv) {
    const Options opt = parse(argc, argv);
    const auto deadline = Clock::now() + std::chrono::seconds(opt.seconds);
    std::atomic<bool> done{false};

    // Reload windows [start, end), recorded by the reload thread.
    std::mutex windowsMutex;
    std::vector<std::pair<Clock::time_point, Clock::time_point>> windows;
    std::vector<double> reloadMs;
    std::atomic<int> reloadFailures{0};

    std::vector<std::vector<Sample>> samples(static_cast<std::size_t>(opt.httpClients));
    std::vector<std::thread> workers;
    for (int w = 0; w < opt.httpClients; ++w)
        workers.emplace_back([&, w] {
            Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(opt.port));
            session.setKeepAlive(true);
            session.setTimeout(Poco::Timespan(5, 0));
            auto& mine = samples[static_cast<std::size_t>(w)];
            while (!done) {
                const auto start = Clock::now();
                bool ok = false;
                try {
                    Poco::Net::HTTPRequest req("GET", "/api/v1/markets", Poco::Net::HTTPMessage::HTTP_1_1);
                    req.setKeepAlive(true);
                    session.sendRequest(req);
                    Poco::Net::HTTPResponse resp;
                    std::istream& in = session.receiveResponse(resp);
                    in.ignore(std::numeric_limits<std::streamsize>::max());
                    ok = resp.getStatus() == Poco::Net::HTTPResponse::HTTP_OK;
                } catch (const Poco::Exception&) {
                    session.reset();
                }
                mine.push_back({start, Clock::now(), ok});
            }
        });

    // Tick stream: largest gap between consecutive ticks.
    std::atomic<long> ticks{0};
    double maxGapMs = 0;
    std::thread stream([&] {
        try {
            Poco::Net::HTTPClientSession cs("127.0.0.1", static_cast<Poco::UInt16>(opt.port));
            Poco::Net::HTTPRequest req("GET", "/api/v1/stream", Poco::Net::HTTPMessage::HTTP_1_1);
            Poco::Net::HTTPResponse resp;
            Poco::Net::WebSocket ws(cs, req, resp);
            ws.setReceiveTimeout(Poco::Timespan(1, 0));
            const std::string sub = R"({"op":"subscribe","channel":"ticks","symbols":[")" + opt.symbol + R"("]})";
            ws.sendFrame(sub.data(), static_cast<int>(sub.size()));
            Clock::time_point last{};
            Poco::Buffer<char> buf(0);
            while (!done) {
                int flags = 0;
                buf.resize(0);
                try {
                    ws.receiveFrame(buf, flags);
                } catch (const Poco::TimeoutException&) {
                    continue;
                }
                if (std::string(buf.begin(), buf.size()).find("\"type\":\"tick\"") == std::string::npos) continue;
                const auto now = Clock::now();
                if (last != Clock::time_point{})
                    maxGapMs = std::max(maxGapMs, std::chrono::duration<double, std::milli>(now - last).count());
                last = now;
                ++ticks;
            }
        } catch (const Poco::Exception& e) {
            std::cerr << "stream: " << e.displayText() << '\n';
        }
    });

    std::thread reloader([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(opt.reloadEveryMs));
        while (Clock::now() + std::chrono::milliseconds(500) < deadline) {
            Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(opt.port));
            session.setTimeout(Poco::Timespan(30, 0));
            Poco::Net::HTTPRequest req("POST", "/api/v1/admin/plugins/" + opt.plugin + "/reload",
                                       Poco::Net::HTTPMessage::HTTP_1_1);
            req.setContentLength(0);
            if (!opt.token.empty()) req.set("Authorization", "Bearer " + opt.token);
            const auto start = Clock::now();
            try {
                session.sendRequest(req);
                Poco::Net::HTTPResponse resp;
                session.receiveResponse(resp).ignore(std::numeric_limits<std::streamsize>::max());
                if (resp.getStatus() != Poco::Net::HTTPResponse::HTTP_OK) ++reloadFailures;
            } catch (const Poco::Exception&) {
                ++reloadFailures;
            }
            const auto end = Clock::now();
            {
                std::lock_guard lock(windowsMutex);
                windows.emplace_back(start, end);
                reloadMs.push_back(std::chrono::duration<double, std::milli>(end - start).count());
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(opt.reloadEveryMs));
        }
    });

    std::this_thread::sleep_until(deadline);
    done = true;
    for (auto& t : workers)
        t.join();
    reloader.join();
    stream.join();

    std::vector<double> all, during;
    long failed = 0;
    for (const auto& v : samples)
        for (const auto& s : v) {
            const double ms = std::chrono::duration<double, std::milli>(s.end - s.start).count();
            all.push_back(ms);
            if (!s.ok) ++failed;
            for (const auto& [ws, we] : windows)
                if (s.start < we && s.end > ws) {
                    during.push_back(ms);
                    break;
                }
        }

    std::printf("reload pause benchmark: %d HTTP clients, %d s, reload every %d ms\n", opt.httpClients, opt.seconds,
                opt.reloadEveryMs);
    std::printf("  requests           %zu (%.0f/s), failed %ld\n", all.size(),
                static_cast<double>(all.size()) / opt.seconds, failed);
    std::printf("  latency all        p50 %.2f ms  p99 %.2f ms  max %.2f ms\n", percentile(all, 50),
                percentile(all, 99), percentile(all, 100));
    std::printf("  latency in reload  p50 %.2f ms  p99 %.2f ms  max %.2f ms  (%zu requests overlapped a reload)\n",
                percentile(during, 50), percentile(during, 99), percentile(during, 100), during.size());
    std::printf("  reloads            %zu, failed %d, duration p50 %.1f ms  max %.1f ms\n", reloadMs.size(),
                reloadFailures.load(), percentile(reloadMs, 50), percentile(reloadMs, 100));
    std::printf("  tick stream        %ld ticks, largest gap %.1f ms\n", ticks.load(), maxGapMs);
    return failed == 0 && reloadFailures == 0 ? 0 : 1;
}
