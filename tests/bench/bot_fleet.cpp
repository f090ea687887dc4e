// Benchmark: a fleet of paper bots on live prices.
//
// Runs the kernel in-process (SQLite) with the OTC source ticking N instruments
// every 100 ms (10 ticks/s each), funds 100 users, creates and starts B bots
// spread over the instruments (half DCA, half grid), then for D seconds
// measures: CPU of the process, price rounds the runner kept up with, the
// tick-to-fill latency of every paper execution (price timestamp → fill
// committed), and memory: resident size per bot after they are created and
// started. Not a test: it prints figures.
//
// Prices move by `--volatility` (the OTC source's LOW: 0.01 % a tick, about three
// times Bitcoin's usual pace; HIGH: 0.1 % a tick, a crash every minute). The
// bots' parameters vary from bot to bot as a real fleet's do (grid range 1–4 %
// either side, 4–12 lines; DCA deviation 0.3–1.5 %), so one price does not fill
// every bot of the instrument at once unless `--same-params` is given.
//
//   bench_bot_fleet --plugins DIR [--bots 10000] [--instruments 20] [--seconds 20]
//                   [--volatility LOW|MEDIUM|HIGH] [--same-params]
#include "app/Kernel.h"
#include "bots/BotRunner.h"
#include "bots/BotService.h"
#include "ledger/Ledger.h"
#include "market/MarketData.h"
#include "storage/CommitQueue.h"
#include "storage/PreparedSession.h"
#include "util/Clock.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/TemporaryFile.h>

#include <malloc.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <mutex>
#include <thread>

using namespace bourse;

namespace {

long residentKib() {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
    return 0;
}

/// Bytes the allocator has handed out and not had back (what is live, without
/// the pages a free leaves mapped).
long long heapInUse() {
    return static_cast<long long>(mallinfo2().uordblks);
}

double cpuSeconds() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

Poco::JSON::Object::Ptr object(const std::string& json) {
    Poco::JSON::Parser p;
    return p.parse(json).extract<Poco::JSON::Object::Ptr>();
}

}  // namespace

int main(int argc, char** argv) {
    std::string pluginDir;
    int bots = 10000, instruments = 20, seconds = 20;
    std::string volatility = "LOW";
    bool sameParams = false;
    for (int i = 1; i < argc; ++i) {
        const std::string k = argv[i];
        if (k == "--same-params") {
            sameParams = true;
            continue;
        }
        if (i + 1 == argc) break;
        const std::string v = argv[++i];
        if (k == "--volatility")
            volatility = v;
        else if (k == "--plugins")
            pluginDir = v;
        else if (k == "--bots")
            bots = std::stoi(v);
        else if (k == "--instruments")
            instruments = std::stoi(v);
        else if (k == "--seconds")
            seconds = std::stoi(v);
    }
    if (pluginDir.empty()) {
        std::cerr << "usage: bench_bot_fleet --plugins DIR [--bots N] [--instruments N] [--seconds N] "
                     "[--volatility LOW|MEDIUM|HIGH] [--same-params]\n";
        return 2;
    }
    Poco::TemporaryFile dataDir;
    dataDir.createDirectories();
    Config c;
    c.dataDir = dataDir.path();
    c.server.port = 0;
    c.logLevel = "warn";
    c.pluginDirs = {pluginDir};
    c.trading.maxBotsPerUser = 10000;  // 100 bots per user here
    std::string list;
    for (int i = 0; i < instruments; ++i)
        list += std::string(i ? "," : "") + R"({"symbol":"BOT)" + std::to_string(i) +
                R"(","base_price":"100.00","price_scale":2,"volatility":")" + volatility + R"(","base_asset":"B)" +
                std::to_string(i) + R"(","quote_asset":"USD"})";
    c.plugins = {PluginConfig{"otc",
                              "bourse-plugin-otc",
                              "",
                              true,
                              R"({"tick_interval_ms":100,"seed":7,"instruments":[)" + list + "]}",
                              {},
                              "bench"},
                 PluginConfig{"dca-bot", "bourse-plugin-dca-bot", "", true, "{}", {}, "bench"},
                 PluginConfig{"grid-bot", "bourse-plugin-grid-bot", "", true, "{}", {}, "bench"}};
    Kernel kernel(c);
    std::mutex latencyMutex;
    std::vector<std::int64_t> latencies;
    kernel.start();
    kernel.botRunner().setFillLatencyObserver([&](std::int64_t ns) {
        std::lock_guard lock(latencyMutex);
        latencies.push_back(ns);
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(500));  // first prices

    constexpr int kUsers = 100;
    std::vector<std::string> users;
    for (int u = 0; u < kUsers; ++u) {
        users.push_back("benchuser" + std::to_string(u));
        kernel.commits().run([&](PreparedSession& w) {
            JournalTx tx{"bench-fund:" + users.back(), "demo_credit", users.back(), "", "bench", {}};
            tx.postings = {{Ledger::userAccount(users.back(), "available", "USD"), "USD", 100'000'000},
                           {Ledger::houseAccount("demo", "USD"), "USD", -100'000'000}};
            Ledger::apply(w, tx, kernel.clock().nowNs());
        });
    }
    const long rssBefore = residentKib();
    const long long heapBefore = heapInUse();
    const auto writerCache = [&] {
        std::int64_t bytes = 0;
        kernel.commits().run([&](PreparedSession& w) { bytes = w.cacheBytes(); });
        return bytes;
    };
    const std::int64_t cacheBefore = writerCache();
    const auto createStart = std::chrono::steady_clock::now();
    std::vector<std::string> ids;
    for (int b = 0; b < bots; ++b) {
        BotRequest req;
        const bool dca = b % 2 == 0;
        req.product = dca ? "dca-bot" : "grid-bot";
        req.symbol = "BOT" + std::to_string(b % instruments);
        req.clientOrderId = "bench-" + std::to_string(b);
        const auto price = kernel.market().lastTick(req.symbol);
        const double p = price ? static_cast<double>(price->price.mantissa) / 100.0 : 100.0;
        // Varied per bot (deterministically) unless --same-params.
        const int v = sameParams ? 0 : b / 2;
        char params[512];
        if (dca)
            std::snprintf(params, sizeof params,
                          R"({"base_order_size":"10.00","safety_order_size":"10.00","max_safety_orders":3,)"
                          R"("max_active_safety_orders":1,"price_deviation":"%.1f","step_scale":"1.5",)"
                          R"("volume_scale":"1.5","take_profit":"%.1f"})",
                          0.3 + 0.1 * (v % 13), 0.5 + 0.1 * (v % 7));
        else {
            const double spread = 0.02 + 0.002 * (v % 16);
            std::snprintf(params, sizeof params,
                          R"({"lower":"%.2f","upper":"%.2f","grid_count":%d,"spacing":"arithmetic",)"
                          R"("investment":"100.00"})",
                          p * (1 - spread), p * (1 + spread), sameParams ? 5 : 4 + v % 9);
        }
        req.params = object(params);
        bool created = false;
        try {
            const auto bot = kernel.bots().create(users[static_cast<std::size_t>(b % kUsers)], req, created);
            ids.push_back(bot->getValue<std::string>("id"));
        } catch (const std::exception& e) {
            std::cerr << "bot " << b << ": " << e.what() << '\n';
            return 1;
        }
    }
    // Started in one go on the runner's thread (as the API does one by one).
    kernel.botRunner().call([&] {
        for (const auto& id : ids)
            kernel.botRunner().startBot(id);
    });
    const double createS = std::chrono::duration<double>(std::chrono::steady_clock::now() - createStart).count();
    const long rssAfter = residentKib();
    const long long heapAfter = heapInUse();
    const std::int64_t cacheAfter = writerCache();
    // Starting 10,000 bots holds the runner for seconds and their first orders
    // fill at once: let that settle, then measure the steady state.
    std::this_thread::sleep_for(std::chrono::seconds(3));
    {
        std::lock_guard lock(latencyMutex);
        latencies.clear();
    }
    const double cpu0 = cpuSeconds();
    const auto processed0 = kernel.botRunner().pricesProcessed();
    const auto skipped0 = kernel.botRunner().pricesSkipped();
    std::this_thread::sleep_for(std::chrono::seconds(seconds));
    const double cpu = cpuSeconds() - cpu0;
    const auto processed = kernel.botRunner().pricesProcessed() - processed0;
    const auto skipped = kernel.botRunner().pricesSkipped() - skipped0;
    std::vector<std::int64_t> lat;
    {
        std::lock_guard lock(latencyMutex);
        lat = latencies;
    }
    std::sort(lat.begin(), lat.end());
    const auto pct = [&](double q) {
        return lat.empty()
                   ? 0.0
                   : static_cast<double>(lat[static_cast<std::size_t>(q * static_cast<double>(lat.size() - 1))]) / 1e6;
    };
    std::printf(
        "bot fleet benchmark: %d paper bots (half DCA, half grid%s) on %d instruments at 10 ticks/s each, "
        "volatility %s\n",
        bots, sameParams ? ", all alike" : "", instruments, volatility.c_str());
    std::printf("  created + started  %.1f s (%.0f bots/s)\n", createS, bots / createS);
    std::printf("  live bots          %zu (%zu asleep until a price leaves their band)\n",
                kernel.botRunner().liveCount(), kernel.botRunner().sleepingCount());
    std::printf("  CPU (process)      %.2f s/s over %d s\n", cpu / seconds, seconds);
    std::printf("  price rounds       %llu processed (%.0f/s), %llu skipped (runner behind real time)\n",
                static_cast<unsigned long long>(processed), static_cast<double>(processed) / seconds,
                static_cast<unsigned long long>(skipped));
    std::printf("  fills              %zu (%.0f/s)\n", lat.size(), static_cast<double>(lat.size()) / seconds);
    std::printf("  tick-to-fill       p50 %.2f ms  p99 %.2f ms  max %.2f ms\n", pct(0.5), pct(0.99), pct(1.0));
    // The writer's page cache grows with the database the bots' rows fill, up
    // to its fixed size (64 MiB), whatever is live: shown apart from the bots' memory.
    const double cacheKib = static_cast<double>(cacheAfter - cacheBefore) / 1024.0;
    std::printf(
        "  memory             %.1f KiB per bot besides the database cache (RSS %ld → %ld KiB; the writer's "
        "SQLite page cache grew %.0f KiB of it: %.1f KiB per bot with it)\n",
        (static_cast<double>(rssAfter - rssBefore) - cacheKib) / bots, rssBefore, rssAfter, cacheKib,
        static_cast<double>(rssAfter - rssBefore) / bots);
    // What the kernel keeps of each bot's state (the text the products saved), by product.
    kernel.commits().run([&](PreparedSession& w) {
        for (const char* product : {"dca-bot", "grid-bot"})
            std::printf("  state JSON         %s: %lld bytes per bot on average\n", product,
                        static_cast<long long>(
                            w.first<Poco::Int64>("SELECT CAST(AVG(LENGTH(state_json)) AS INTEGER) FROM bots WHERE "
                                                 "product = $1",
                                                 std::string(product))
                                .value_or(0)));
    });
    std::printf("  heap in use        %.1f KiB per bot (malloc'd and not freed, database cache included)\n",
                static_cast<double>(heapAfter - heapBefore) / 1024.0 / bots);
    kernel.stop();
    return 0;
}
