// Plugin lifecycle against real libraries: every bad-plugin case gives one
// clear error naming the file and reason while other plugins keep running;
// hot reload swaps atomically, keeps the old version on failure, and unloads
// the old library.
#include "LocalWsServer.h"
#include "PluginHarness.h"

#include "plugins/ModuleLibrary.h"

#include <cppunit/extensions/HelperMacros.h>

#include <Poco/Buffer.h>

#include <atomic>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

using namespace bourse;
using namespace bourse::test;

namespace {

const char* kOtcConfig =
    R"({"seed":7,"tick_interval_ms":20,"instruments":[{"symbol":"OTC_T","name":"Test","base_price":"100.00",)"
    R"("price_scale":2,"volatility":"MEDIUM","bias":0}]})";

bool contains(const std::string& s, const std::string& part) {
    return s.find(part) != std::string::npos;
}

std::string testPlugin(const std::string& name) {
    return buildDir() + "/test-plugins/" + name + ".so";
}

/// The id a fixture library offers (read through the same loader the kernel uses).
std::string offeredId(const std::string& name, const std::string& runtimeDir) {
    const auto lib = ModuleLibrary::load(testPlugin(name), runtimeDir, "probe-" + name);
    return lib->descriptors().front()->id;
}

/// Installs `from` at `to` the safe way (temporary file + rename), as operators must.
void install(const std::string& from, const std::string& to) {
    const std::string tmp = to + ".tmp";
    std::filesystem::copy_file(from, tmp, std::filesystem::copy_options::overwrite_existing);
    std::filesystem::rename(tmp, to);
}

/// Number of distinct mapped copies of plugin `id` in this process.
int mappedCopies(const std::string& id) {
    std::ifstream maps("/proc/self/maps");
    std::set<std::string> files;
    std::string line;
    while (std::getline(maps, line)) {
        const auto pos = line.find("/run/plugins/" + id + ".");
        if (pos != std::string::npos) files.insert(line.substr(pos));
    }
    return static_cast<int>(files.size());
}

}  // namespace

class PluginManagerTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(PluginManagerTest);
    CPPUNIT_TEST(testOtcRunsAndTicks);
    CPPUNIT_TEST(testNotAnElfFile);
    CPPUNIT_TEST(testMissingEntrySymbol);
    CPPUNIT_TEST(testWrongAbiMajor);
    CPPUNIT_TEST(testNeedsNewerHost);
    CPPUNIT_TEST(testInvalidDescriptor);
    CPPUNIT_TEST(testMisspelledIdAndMissingLibrary);
    CPPUNIT_TEST(testFactoryStartAndHealthFailures);
    CPPUNIT_TEST(testThrowingCalls);
    CPPUNIT_TEST(testDuplicateSymbolsAcrossPlugins);
    CPPUNIT_TEST(testReloadSwapsAndUnloadsOldLibrary);
    CPPUNIT_TEST(testFailedReloadKeepsOldVersionServing);
    CPPUNIT_TEST(testDisableEnable);
    CPPUNIT_TEST(testWatcherReloadsChangedFile);
    CPPUNIT_TEST(testPluginWebSocketThroughTheHost);
    CPPUNIT_TEST(testPluginWebSocketRefusedUrlIsReported);
    CPPUNIT_TEST(testInstrumentsLearntAfterStart);
    CPPUNIT_TEST(testTickPublishedWhileLoadingIsKept);
    CPPUNIT_TEST_SUITE_END();

public:
    void testOtcRunsAndTicks() {
        PluginHarness h({pluginEntry("otc", "bourse-plugin-otc", kOtcConfig)});
        h.manager->startAll();
        const PluginStatus s = h.manager->status("otc");
        CPPUNIT_ASSERT_EQUAL(std::string("running"), s.state);
        CPPUNIT_ASSERT_EQUAL(std::string("price_source"), s.kind);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), s.generation);
        CPPUNIT_ASSERT(h.market->instrument("OTC_T").has_value());
        CPPUNIT_ASSERT(eventually([&] { return h.market->lastTick("OTC_T").has_value(); }));
    }

    /// Starts a harness with otc plus one bad entry; returns the bad entry's status.
    PluginStatus loadBad(const std::string& id, const std::string& library) {
        PluginHarness h({pluginEntry("otc", "bourse-plugin-otc", kOtcConfig), pluginEntry(id, library)});
        h.manager->startAll();
        // The good plugin is unaffected by its neighbour.
        CPPUNIT_ASSERT_EQUAL(std::string("running"), h.manager->status("otc").state);
        const PluginStatus bad = h.manager->status(id);
        CPPUNIT_ASSERT_EQUAL(std::string("failed"), bad.state);
        CPPUNIT_ASSERT(bad.lastErrorAtMs > 0);
        // Explicit attempts answer the same error.
        try {
            h.manager->enable(id, "test");
            CPPUNIT_FAIL("enable of a bad plugin must fail");
        } catch (const PluginError& e) {
            CPPUNIT_ASSERT_EQUAL(bad.lastError, std::string(e.what()));
        }
        return bad;
    }

    void testNotAnElfFile() {
        const auto s = loadBad("notelf", "bad-not-elf");
        CPPUNIT_ASSERT_MESSAGE(s.lastError,
                               contains(s.lastError, "bad-not-elf.so: not a shared library (no ELF header)"));
    }

    void testMissingEntrySymbol() {
        const auto s = loadBad("noentry", "bad-no-entry");
        CPPUNIT_ASSERT_MESSAGE(s.lastError,
                               contains(s.lastError, "bad-no-entry.so: missing entry symbol bourse_module_entry"));
    }

    void testWrongAbiMajor() {
        const auto s = loadBad("wrongabi", "bad-wrong-abi");
        CPPUNIT_ASSERT_MESSAGE(s.lastError, contains(s.lastError, "bad-wrong-abi.so: ABI major 99 is not supported"));
    }

    void testNeedsNewerHost() {
        const auto s = loadBad("newer", "bad-newer-host");
        CPPUNIT_ASSERT_MESSAGE(s.lastError, contains(s.lastError, "bad-newer-host.so: needs host API 1.999 or newer"));
    }

    void testInvalidDescriptor() {
        const auto s = loadBad("invalid", "bad-invalid-descriptor");
        CPPUNIT_ASSERT_MESSAGE(s.lastError, contains(s.lastError, "bad-invalid-descriptor.so: registration failed") &&
                                                contains(s.lastError, "invalid plugin id"));
    }

    void testMisspelledIdAndMissingLibrary() {
        const auto s = loadBad("otcc", "bourse-plugin-otc");
        CPPUNIT_ASSERT_MESSAGE(s.lastError, contains(s.lastError, "does not offer plugin 'otcc' (it offers: otc)"));
        const auto missing = loadBad("ghost", "bourse-plugin-ghost");
        CPPUNIT_ASSERT_MESSAGE(missing.lastError,
                               contains(missing.lastError, "plugin 'ghost': library 'bourse-plugin-ghost' not found"));
    }

    void testFactoryStartAndHealthFailures() {
        TempDir probe;
        const std::string factoryId = offeredId("bad-factory-fails", probe.path());
        const auto f = loadBad(factoryId, "bad-factory-fails");
        CPPUNIT_ASSERT_MESSAGE(f.lastError,
                               contains(f.lastError, "plugin '" + factoryId + "': create failed (config): config: "));
        const std::string startId = offeredId("bad-start-fails", probe.path());
        const auto s = loadBad(startId, "bad-start-fails");
        CPPUNIT_ASSERT_MESSAGE(s.lastError, contains(s.lastError, "plugin '" + startId + "': start failed"));
        const std::string healthId = offeredId("bad-health-fails", probe.path());
        const auto hs = loadBad(healthId, "bad-health-fails");
        CPPUNIT_ASSERT_MESSAGE(hs.lastError, contains(hs.lastError, "plugin '" + healthId + "': health check failed"));
    }

    void testThrowingCalls() {
        TempDir probe;
        const std::string id = offeredId("bad-throws-on-call", probe.path());
        PluginHarness h({pluginEntry("otc", "bourse-plugin-otc", kOtcConfig), pluginEntry(id, "bad-throws-on-call")});
        h.manager->startAll();
        const PluginStatus s = h.manager->status(id);
        if (s.state == "failed") {
            // list_instruments threw during activation: refused with the exception text.
            CPPUNIT_ASSERT_MESSAGE(s.lastError, contains(s.lastError, "failed (internal): internal: "));
        } else {
            try {
                h.manager->command(id, "anything", "{}", "test");
                CPPUNIT_FAIL("a throwing command must fail");
            } catch (const PluginError& e) {
                CPPUNIT_ASSERT_EQUAL(BOURSE_E_INTERNAL, e.status());
                CPPUNIT_ASSERT_MESSAGE(e.what(), contains(e.what(), "command failed (internal): internal: "));
            }
            CPPUNIT_ASSERT_EQUAL(std::string("running"), h.manager->status(id).state);
        }
        // A command error from the good plugin is a clean error too.
        try {
            h.manager->command("otc", "no_such_command", "{}", "test");
            CPPUNIT_FAIL("unknown command must fail");
        } catch (const PluginError& e) {
            CPPUNIT_ASSERT_EQUAL(BOURSE_E_NOT_FOUND, e.status());
        }
        CPPUNIT_ASSERT_EQUAL(std::string("running"), h.manager->status("otc").state);
    }

    void testDuplicateSymbolsAcrossPlugins() {
        // Two sources may not both provide one symbol: the one loaded second
        // ("test-source", after "otc") is refused and the first keeps it.
        const std::string otcWithTestA =
            R"({"tick_interval_ms":20,"instruments":[{"symbol":"TEST_A","name":"Clash","base_price":"1.00",)"
            R"("price_scale":2,"volatility":"LOW","bias":0}]})";
        PluginHarness h(
            {pluginEntry("otc", "bourse-plugin-otc", otcWithTestA), pluginEntry("test-source", "good-test-source")});
        h.manager->startAll();
        CPPUNIT_ASSERT_EQUAL(std::string("running"), h.manager->status("otc").state);
        const PluginStatus clash = h.manager->status("test-source");
        CPPUNIT_ASSERT_EQUAL(std::string("failed"), clash.state);
        CPPUNIT_ASSERT_MESSAGE(clash.lastError,
                               contains(clash.lastError, "symbol TEST_A is already provided by 'otc'"));
        CPPUNIT_ASSERT_EQUAL(std::string("otc"), h.market->instrument("TEST_A")->source);
    }

    void testReloadSwapsAndUnloadsOldLibrary() {
        PluginHarness h({pluginEntry("test-source", "good-test-source", R"({"version_tag":"one"})")});
        h.manager->startAll();
        CPPUNIT_ASSERT(eventually([&] { return h.market->lastTick("TEST_A").has_value(); }));
        CPPUNIT_ASSERT_EQUAL(1, mappedCopies("test-source"));
        for (int i = 0; i < 5; ++i) {
            const PluginStatus s = h.manager->reload("test-source", "test");
            CPPUNIT_ASSERT_EQUAL(std::uint64_t(i + 2), s.generation);
        }
        // Old copies are gone from the address space once their instances are released.
        CPPUNIT_ASSERT_EQUAL(1, mappedCopies("test-source"));
        const auto before = h.market->lastTick("TEST_A")->tsNs;
        CPPUNIT_ASSERT(eventually([&] { return h.market->lastTick("TEST_A")->tsNs > before; }));
        CPPUNIT_ASSERT(contains(h.manager->command("test-source", "version", "{}", "test"), "one"));
    }

    void testFailedReloadKeepsOldVersionServing() {
        TempDir dir;
        const std::string lib = dir.path() + "/swap.so";
        install(testPlugin("good-test-source"), lib);
        PluginHarness h({pluginEntry("test-source", lib)});
        h.manager->startAll();
        CPPUNIT_ASSERT_EQUAL(std::string("running"), h.manager->status("test-source").state);
        CPPUNIT_ASSERT(eventually([&] { return h.market->lastTick("TEST_A").has_value(); }));

        for (const std::string bad : {"bad-not-elf", "bad-wrong-abi", "bad-start-fails"}) {
            install(testPlugin(bad), lib);
            try {
                h.manager->reload("test-source", "test");
                CPPUNIT_FAIL("reload onto " + bad + " must fail");
            } catch (const PluginError& e) {
                const PluginStatus s = h.manager->status("test-source");
                CPPUNIT_ASSERT_EQUAL(std::string("running"), s.state);
                CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), s.generation);
                CPPUNIT_ASSERT_EQUAL(std::string(e.what()), s.lastError);
            }
            // Still serving: ticks keep coming from the old instance.
            const auto before = h.market->lastTick("TEST_A")->tsNs;
            CPPUNIT_ASSERT_MESSAGE("ticks stopped after a failed reload onto " + bad,
                                   eventually([&] { return h.market->lastTick("TEST_A")->tsNs > before; }));
        }
        install(testPlugin("good-test-source"), lib);
        const PluginStatus ok = h.manager->reload("test-source", "test");
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(2), ok.generation);
        CPPUNIT_ASSERT(ok.lastError.empty());
    }

    void testDisableEnable() {
        PluginHarness h({pluginEntry("otc", "bourse-plugin-otc", kOtcConfig)});
        h.manager->startAll();
        h.manager->disable("otc", "test");
        CPPUNIT_ASSERT_EQUAL(std::string("disabled"), h.manager->status("otc").state);
        CPPUNIT_ASSERT(!h.market->instrument("OTC_T").has_value());
        CPPUNIT_ASSERT(!h.manager->instance("otc"));
        try {
            h.manager->reload("otc", "test");
            CPPUNIT_FAIL("reloading a disabled plugin must be refused");
        } catch (const PluginError& e) {
            CPPUNIT_ASSERT_EQUAL(BOURSE_E_REJECTED, e.status());
        }
        h.manager->enable("otc", "test");
        CPPUNIT_ASSERT_EQUAL(std::string("running"), h.manager->status("otc").state);
        CPPUNIT_ASSERT(h.market->instrument("OTC_T").has_value());
        try {
            h.manager->disable("nope", "test");
            CPPUNIT_FAIL("unknown id");
        } catch (const PluginError& e) {
            CPPUNIT_ASSERT_EQUAL(BOURSE_E_NOT_FOUND, e.status());
        }
        // Every lifecycle step is audited.
        const auto entries = h.audit->recent(10);
        CPPUNIT_ASSERT(entries.size() >= 3);
        CPPUNIT_ASSERT_EQUAL(std::string("plugin.enable"), entries[0].action);
        CPPUNIT_ASSERT_EQUAL(std::string("plugin.disable"), entries[1].action);
    }

    void testPluginWebSocketThroughTheHost() {
        // The server answers the plugin's subscribe with two prices, then waits
        // for the kernel to close the connection when the plugin is disabled.
        std::atomic<bool> subscribed{false}, closedByKernel{false};
        bourse::test::LocalWsServer server([&](Poco::Net::WebSocket& ws, const std::string&) {
            Poco::Buffer<char> buf(0);
            int flags = 0;
            ws.receiveFrame(buf, flags);
            subscribed = std::string(buf.begin(), buf.size()) == R"({"subscribe":"TEST_A"})";
            for (const char* price : {R"({"price":"101.25"})", R"({"price":"101.50"})"})
                ws.sendFrame(price, static_cast<int>(std::strlen(price)), Poco::Net::WebSocket::FRAME_TEXT);
            ws.setReceiveTimeout(Poco::Timespan(10, 0));
            buf.resize(0);
            const int n = ws.receiveFrame(buf, flags);
            closedByKernel =
                (flags & Poco::Net::WebSocket::FRAME_OP_BITMASK) == Poco::Net::WebSocket::FRAME_OP_CLOSE || n == 0;
        });
        PluginHarness h(
            {pluginEntry("test-source", "good-test-source", R"({"ws_url":")" + server.url("/stream") + R"("})")});
        h.manager->startAll();
        CPPUNIT_ASSERT(eventually([&] {
            const auto t = h.market->lastTick("TEST_A");
            return t && t->price.toString() == "101.50";
        }));
        CPPUNIT_ASSERT(subscribed.load());
        CPPUNIT_ASSERT(contains(h.manager->command("test-source", "ws_state", "{}", "test"), "open"));
        // Disabling the plugin closes its connection: the kernel owns it, not the plugin.
        h.manager->disable("test-source", "test");
        CPPUNIT_ASSERT(eventually([&] { return closedByKernel.load(); }));
    }

    void testPluginWebSocketRefusedUrlIsReported() {
        PluginHarness h({pluginEntry("test-source", "good-test-source", R"({"ws_url":"ws://127.0.0.1:1/"})")});
        h.manager->startAll();
        CPPUNIT_ASSERT(eventually(
            [&] { return contains(h.manager->command("test-source", "ws_state", "{}", "test"), "closed: "); }));
        CPPUNIT_ASSERT_EQUAL(std::string("running"),
                             h.manager->status("test-source").state);  // a dead feed is not a crash
    }

    void testInstrumentsLearntAfterStart() {
        PluginHarness h(
            {pluginEntry("otc", "bourse-plugin-otc", kOtcConfig), pluginEntry("test-source", "good-test-source")});
        h.manager->startAll();
        CPPUNIT_ASSERT(!h.market->instrument("TEST_B").has_value());
        // A source that learns a symbol late (as from an exchange's list) says so; the kernel re-reads.
        h.manager->command("test-source", "add_instrument", R"({"symbol":"TEST_B"})", "test");
        CPPUNIT_ASSERT(eventually([&] { return h.market->instrument("TEST_B").has_value(); }));
        CPPUNIT_ASSERT_EQUAL(std::string("test-source"), h.market->instrument("TEST_B")->source);
        CPPUNIT_ASSERT(h.market->instrument("TEST_A").has_value());  // kept what it had
        // A symbol another source provides is refused: the error shows, the plugin keeps running as it was.
        h.manager->command("test-source", "add_instrument", R"({"symbol":"OTC_T"})", "test");
        CPPUNIT_ASSERT(
            eventually([&] { return contains(h.manager->status("test-source").lastError, "already provided"); }));
        CPPUNIT_ASSERT_EQUAL(std::string("otc"), h.market->instrument("OTC_T")->source);
        CPPUNIT_ASSERT_EQUAL(std::string("running"), h.manager->status("test-source").state);
        CPPUNIT_ASSERT(h.market->instrument("TEST_B").has_value());
    }

    void testWatcherReloadsChangedFile() {
        TempDir dir;
        const std::string lib = dir.path() + "/watched.so";
        install(testPlugin("good-test-source"), lib);
        PluginHarness h({pluginEntry("test-source", lib)});
        h.manager->startAll();
        h.manager->startWatcher(100);
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        // A new file (different size/mtime) appears under the same name.
        install(testPlugin("bad-start-fails"), lib);
        CPPUNIT_ASSERT(eventually([&] { return !h.manager->status("test-source").lastError.empty(); }));
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), h.manager->status("test-source").generation);
        install(testPlugin("good-test-source"), lib);
        CPPUNIT_ASSERT(eventually([&] { return h.manager->status("test-source").generation == 2; }));
    }

    // A source that polls every few minutes publishes its first price from start(),
    // before the host swaps it in: the host keeps it for the swap.
    void testTickPublishedWhileLoadingIsKept() {
        PluginHarness h(
            {pluginEntry("test-source", "good-test-source", R"({"tick_ms":3600000,"price_in_start":"42.00"})")});
        h.manager->startAll();
        const auto tick = h.market->lastTick("TEST_A");
        CPPUNIT_ASSERT(tick);
        CPPUNIT_ASSERT_EQUAL(std::string("42.00"), tick->price.toString());
        CPPUNIT_ASSERT(h.market->hasLiveSource("TEST_A"));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(PluginManagerTest);
