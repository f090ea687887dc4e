// The `bourse` command line: config check names file, line and key; a
// misspelled plugin id is caught before serving; plugins list describes each.
#include "Assertions.h"
#include "BourseProcess.h"

#include <bourse/plugin.h>

#include <cppunit/extensions/HelperMacros.h>

#include <fstream>

using namespace bourse::test;

namespace {

std::string writeConfig(const ScratchDir& dir, const std::string& yaml) {
    const std::string path = dir.path() + "/bourse.yaml";
    std::ofstream(path) << yaml;
    return path;
}

const std::string kPluginDirs = "plugin_dirs: [" + buildDir() + "/lib/bourse/plugins]\n";

}  // namespace

class CliTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(CliTest);
    CPPUNIT_TEST(testConfigCheckAcceptsShippedDefault);
    CPPUNIT_TEST(testConfigCheckReportsFileLineKey);
    CPPUNIT_TEST(testConfigCheckCatchesMisspelledPluginId);
    CPPUNIT_TEST(testServeRefusesBadConfig);
    CPPUNIT_TEST(testPluginsList);
    CPPUNIT_TEST_SUITE_END();

public:
    void testConfigCheckAcceptsShippedDefault() {
        const auto r = runBourse({"config", "check", "--config", sourceDir() + "/config/bourse.yaml"});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.err, 0, r.exitCode);
        CPPUNIT_ASSERT(contains(r.out, "OK"));
    }

    void testConfigCheckReportsFileLineKey() {
        ScratchDir dir;
        const std::string path = writeConfig(dir, "server:\n  host: 127.0.0.1\n  prot: 8080\n");
        const auto r = runBourse({"config", "check", "--config", path});
        CPPUNIT_ASSERT(r.exitCode != 0);
        CPPUNIT_ASSERT_MESSAGE(r.err, contains(r.err, path + ":3:3: server.prot: unknown key (did you mean 'port'?)"));
    }

    void testConfigCheckCatchesMisspelledPluginId() {
        ScratchDir dir;
        const std::string path =
            writeConfig(dir, kPluginDirs + "plugins:\n  - id: otcc\n    library: bourse-plugin-otc\n");
        const auto r = runBourse({"config", "check", "--config", path});
        CPPUNIT_ASSERT(r.exitCode != 0);
        CPPUNIT_ASSERT_MESSAGE(r.err, contains(r.err, path + ":3:5: plugins: id 'otcc' is not offered by"));
        CPPUNIT_ASSERT_MESSAGE(r.err, contains(r.err, "(it offers: otc)"));
    }

    void testServeRefusesBadConfig() {
        ScratchDir dir;
        const std::string path = writeConfig(dir, "storage:\n  driver: oracle\n");
        const auto r = runBourse({"serve", "--config", path, "--port", "0"});
        CPPUNIT_ASSERT(r.exitCode != 0);
        CPPUNIT_ASSERT_MESSAGE(r.err,
                               contains(r.err, path + ":2:3: storage.driver: expected one of sqlite, postgresql"));
    }

    void testPluginsList() {
        ScratchDir dir;
        const std::string path = writeConfig(dir, kPluginDirs +
                                                      "plugins:\n  - { id: otc, library: bourse-plugin-otc }\n"
                                                      "  - { id: gone, library: nowhere, enabled: false }\n");
        const auto r = runBourse({"plugins", "list", "--config", path});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.err, 0, r.exitCode);
        const std::string abi = std::to_string(BOURSE_ABI_MAJOR) + "." + std::to_string(BOURSE_ABI_MINOR);
        CPPUNIT_ASSERT_MESSAGE(r.out,
                               contains(r.out, "otc  enabled   bourse-plugin-otc  price_source 1.0.0  ABI " + abi));
        CPPUNIT_ASSERT_MESSAGE(r.out, contains(r.out, "gone  disabled  nowhere  (library not found)"));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(CliTest);
