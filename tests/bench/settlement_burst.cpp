// Benchmark: a settlement burst — N open trades expiring in the same instant.
//
// Runs the kernel in-process on the bench profile (SQLite, or PostgreSQL with
// --postgres DSN) on a clock that stands still, writes N open trades for 100
// users straight into the database — each with its stake-lock ledger
// transaction, exactly as placement would — all expiring in the same instant a
// minute ahead, then moves the clock past that instant and times the kernel's
// own settler until none is open, and checks the ledger. Not a test: it prints
// figures.
//
//   bench_settlement_burst --plugins DIR [--trades 100000] [--postgres "host=... dbname=..."]
#include "accounts/AccountService.h"
#include "app/Kernel.h"
#include "ledger/Ledger.h"
#include "storage/CommitQueue.h"
#include "storage/Database.h"
#include "storage/PreparedSession.h"
#include "util/Clock.h"
#include "util/Ids.h"

#include <Poco/TemporaryFile.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <thread>

using namespace bourse;
using namespace Poco::Data::Keywords;

int main(int argc, char** argv) {
    std::string pluginDir, dsn;
    int trades = 100000;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string k = argv[i], v = argv[i + 1];
        if (k == "--plugins")
            pluginDir = v;
        else if (k == "--trades")
            trades = std::stoi(v);
        else if (k == "--postgres")
            dsn = v;
    }
    if (pluginDir.empty()) {
        std::cerr << "usage: bench_settlement_burst --plugins DIR [--trades N] [--postgres DSN]\n";
        return 2;
    }
    Poco::TemporaryFile dataDir;
    dataDir.createDirectories();
    Config c;
    c.dataDir = dataDir.path();
    c.server.port = 0;
    c.logLevel = "warn";
    c.trading.settleIntervalMs = 20;
    if (!dsn.empty()) {
        c.storage.driver = "postgresql";
        c.storage.postgresDsn = dsn;
    }
    c.pluginDirs = {pluginDir};
    c.plugins = {
        PluginConfig{
            "otc",
            "bourse-plugin-otc",
            "",
            true,
            R"({"tick_interval_ms":50,"instruments":[{"symbol":"OTC_BENCH","base_price":"1000.000","price_scale":3}]})",
            {},
            "bench"},
        PluginConfig{"binary-options", "bourse-plugin-binary-options", "", true, "{}", {}, "bench"}};
    // Nothing may expire while the trades are being written: time stands still
    // until all of them are in, then jumps past their expiry at once.
    auto clock = std::make_shared<ManualClock>(SystemClock().nowNs());
    Kernel kernel(c, clock);
    kernel.start();
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // first ticks

    constexpr int kUsers = 100;
    std::vector<std::string> users;
    for (int u = 0; u < kUsers; ++u)
        users.push_back(
            kernel.accounts().registerUser("burst" + std::to_string(u) + "@bourse.test", "Burst-Pass-2026", "B").id);

    const auto setupStart = std::chrono::steady_clock::now();
    const std::int64_t expiry = clock->nowNs() + 60'000'000'000;
    const std::string terms = R"({"direction":"UP","duration":60,"expires_in_ms":60000,"payout_percent":"80",)"
                              R"("loss_refund_percent":"0","entry_price":"1000.000"})";
    // Through the kernel's own writer, in batches, exactly as placement writes them.
    constexpr int kBatch = 5000;
    for (int from = 0; from < trades; from += kBatch) {
        kernel.commits().run([&](PreparedSession& w) {
            for (int i = from; i < std::min(trades, from + kBatch); ++i) {
                const std::string& user = users[static_cast<std::size_t>(i % kUsers)];
                const std::string id = newId("t"), ccy = "USD";
                JournalTx tx{"stake:" + id, "stake_lock", user, id, "burst", {}};
                tx.postings = {{Ledger::userAccount(user, "available", ccy), ccy, -100, true},
                               {Ledger::userAccount(user, "locked", ccy), ccy, 100}};
                Ledger::apply(w, tx, expiry);
                w.exec(
                    "INSERT INTO positions (id, user_id, product, symbol, client_order_id, stake, currency, status, "
                    "params_json, state_json, price_scale, entry_price, opened_ns, expires_ns) "
                    "VALUES ($1, $2, $3, $4, $5, $6, $7, 'OPEN', $8, '{}', $9, $10, $11, $12)",
                    id, user, std::string("binary-options"), std::string("OTC_BENCH"), "burst-" + std::to_string(i),
                    Poco::Int64{100}, ccy, terms, 3, Poco::Int64{1000000}, Poco::Int64{expiry - 60'000'000'000},
                    Poco::Int64{expiry});
                w.exec(
                    "INSERT INTO open_positions (user_id, product, open_count) VALUES ($1, 'binary-options', 1) "
                    "ON CONFLICT (user_id, product) DO UPDATE SET open_count = open_positions.open_count + 1",
                    user);
            }
        });
    }
    const double setupS = std::chrono::duration<double>(std::chrono::steady_clock::now() - setupStart).count();

    // Now every trade is due at once: the kernel's settler does the rest (it
    // waits for the first tick past the expiry, as it always does).
    const auto start = std::chrono::steady_clock::now();
    clock->advance(std::chrono::seconds(61));
    // Polled with a query that stops at the first open trade: counting them
    // all every few milliseconds would take CPU from the settler it measures.
    for (bool open = true; open;) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        Poco::Data::Session s = kernel.database().session();
        Poco::Nullable<std::string> any;
        s << "SELECT id FROM positions WHERE status = 'OPEN' LIMIT 1", into(any), now;
        open = !any.isNull();
    }
    const double settleS = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    Poco::Data::Session s = kernel.database().session();
    const VerifyReport report = Ledger::verify(s);
    kernel.stop();

    std::printf("settlement burst benchmark: %d trades expiring at once, %s\n", trades,
                dsn.empty() ? "SQLite" : "PostgreSQL");
    std::printf("  setup              %.1f s (trades and stake locks written directly)\n", setupS);
    std::printf("  settled            all in %.2f s (%.0f/s)\n", settleS, trades / settleS);
    std::printf("  ledger verify      %s (%lld transactions)\n", report.problems.empty() ? "OK" : "FAILED",
                static_cast<long long>(report.transactions));
    for (const auto& p : report.problems)
        std::printf("    %s\n", p.c_str());
    return report.problems.empty() ? 0 : 1;
}
