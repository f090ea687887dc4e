// Benchmark: ingesting a Binance trade stream. The fake Binance sends
// `--rate` trades/s for each of `--symbols` symbols on one combined stream
// (default 100 × 500 = 50,000 trades/s); the kernel runs in-process with the
// binance plugin; one WebSocket client of the kernel's /api/v1/stream follows
// every symbol's ticks. Prints ticks ingested/s, process CPU per 10,000 ticks
// (fake, kernel and client together: one process), and the latency from the
// trade's time at the fake to the subscriber's receipt (1 ms resolution).
// Not a test: it prints figures.
//
//   bench_binance_ingest --plugins DIR [--symbols 100] [--rate 500] [--seconds 10]
#include "app/Kernel.h"
#include "binance/FakeBinance.h"
#include "market/MarketData.h"
#include "metrics/Metrics.h"
#include "plugins/WsClient.h"

#include <Poco/TemporaryFile.h>

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <mutex>
#include <thread>

using namespace bourse;

namespace {

double cpuSeconds() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

std::int64_t nowMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string symbol(int i) {
    std::string n = std::to_string(i);
    return "BENCH" + std::string(3 - n.size(), '0') + n + "USDT";
}

}  // namespace

int main(int argc, char** argv) {
    std::string pluginDir;
    int symbols = 100, rate = 500, seconds = 10;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string k = argv[i], v = argv[i + 1];
        if (k == "--plugins") pluginDir = v;
        else if (k == "--symbols") symbols = std::stoi(v);
        else if (k == "--rate") rate = std::stoi(v);
        else if (k == "--seconds") seconds = std::stoi(v);
    }
    if (pluginDir.empty() || symbols < 1 || symbols > 1000) {
        std::cerr << "usage: bench_binance_ingest --plugins DIR [--symbols 1..1000] [--rate N] [--seconds N]\n";
        return 2;
    }
    fakes::FakeBinanceOptions fo;
    fo.syntheticSymbols = symbols;
    fo.tradesPerSecond = rate;
    fakes::FakeBinance fake(fo);

    Poco::TemporaryFile dataDir;
    dataDir.createDirectories();
    Config c;
    c.dataDir = dataDir.path();
    c.server.port = 0;
    c.logLevel = "warn";
    c.pluginDirs = {pluginDir};
    // Steady-state ingest only: no history back-fill competing at the start.
    c.marketData.historyHours = 0;
    std::string list;
    for (int i = 0; i < symbols; ++i) list += (i ? ",\"" : "\"") + symbol(i) + "\"";
    c.plugins = {PluginConfig{"binance", "bourse-plugin-binance", "", true,
                              R"({"rest_url":")" + fake.restUrl() + R"(","ws_url":")" + fake.wsUrl() +
                                  R"(","symbols":[)" + list + R"(],"stream":"trade"})",
                              {}, "bench"}};
    Kernel kernel(c);
    kernel.start();

    // The subscriber: every symbol's ticks, latency against the trade time.
    std::mutex mutex;
    std::vector<std::int64_t> latencies;
    std::int64_t received = 0;
    bool measuring = false;
    WsClient client(kernel.metrics());
    const auto ws = client.connect("ws://127.0.0.1:" + std::to_string(kernel.port()) + "/api/v1/stream",
                                   [&](WsClient::Event e, const std::string& data) {
                                       if (e != WsClient::Event::Message) return;
                                       const auto at = data.find("\"ts\":");
                                       if (data.rfind(R"({"type":"tick")", 0) != 0 || at == std::string::npos) return;
                                       const std::int64_t ts = std::stoll(data.substr(at + 5));
                                       std::lock_guard lock(mutex);
                                       if (!measuring) return;
                                       ++received;
                                       latencies.push_back(nowMs() - ts);
                                   });
    // Wait for the instruments (exchangeInfo) and the stream, then subscribe.
    for (int i = 0; i < 100 && !kernel.market().instrument(symbol(symbols - 1)); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    std::string subscribe = R"({"op":"subscribe","channel":"ticks","symbols":[)";
    for (int i = 0; i < symbols; ++i) subscribe += (i ? ",\"" : "\"") + symbol(i) + "\"";
    subscribe += "]}";
    for (int i = 0; i < 50 && !client.send(ws, subscribe); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    std::this_thread::sleep_for(std::chrono::seconds(2));  // warm up

    Counter& ingested = kernel.metrics().counter("bourse_ticks_total", "Ticks accepted from price sources");
    const auto ticks0 = ingested.value();
    const double cpu0 = cpuSeconds();
    const auto t0 = std::chrono::steady_clock::now();
    {
        std::lock_guard lock(mutex);
        measuring = true;
    }
    std::this_thread::sleep_for(std::chrono::seconds(seconds));
    {
        std::lock_guard lock(mutex);
        measuring = false;
    }
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const double cpu = cpuSeconds() - cpu0;
    const auto ticks = ingested.value() - ticks0;
    client.stop();
    kernel.stop();

    std::sort(latencies.begin(), latencies.end());
    const auto pct = [&](double p) {
        return latencies.empty() ? std::int64_t(-1)
                                 : latencies[static_cast<std::size_t>(p / 100.0 * static_cast<double>(latencies.size() - 1))];
    };
    std::printf("binance ingest benchmark: %d symbols x %d trades/s offered (%d/s), %.1f s\n", symbols, rate, symbols * rate,
                elapsed);
    std::printf("  ingested           %llu ticks (%.0f/s)\n", static_cast<unsigned long long>(ticks),
                static_cast<double>(ticks) / elapsed);
    std::printf("  delivered          %lld ticks to the subscriber (%.0f/s)\n", static_cast<long long>(received),
                static_cast<double>(received) / elapsed);
    std::printf("  CPU (whole process) %.2f s/s, %.3f s per 10,000 ticks\n", cpu / elapsed,
                ticks ? cpu / static_cast<double>(ticks) * 10'000 : 0.0);
    std::printf("  latency fake->subscriber  p50 %lld ms  p99 %lld ms  max %lld ms\n", static_cast<long long>(pct(50)),
                static_cast<long long>(pct(99)), static_cast<long long>(pct(100)));
    return 0;
}
