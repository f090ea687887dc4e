// WalCheckpointer: committed pages reach the database file while the writer,
// which never checkpoints here, goes on; a path it cannot open is refused.
#include "storage/WalCheckpointer.h"

#include <Poco/File.h>
#include <Poco/TemporaryFile.h>
#include <cppunit/extensions/HelperMacros.h>
#include <sqlite3.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>

using bourse::WalCheckpointer;

namespace {

void exec(sqlite3* db, const std::string& sql) {
    char* error = nullptr;
    if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
        const std::string why = error ? error : "?";
        sqlite3_free(error);
        throw std::runtime_error(sql + ": " + why);
    }
}

}  // namespace

class WalCheckpointerTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(WalCheckpointerTest);
    CPPUNIT_TEST(testCommittedPagesReachTheDatabaseFile);
    CPPUNIT_TEST(testAPathItCannotOpenIsRefused);
    CPPUNIT_TEST_SUITE_END();

public:
    void testCommittedPagesReachTheDatabaseFile() {
        Poco::TemporaryFile dir;
        dir.createDirectories();
        const std::string path = dir.path() + "/wal.db";
        sqlite3* writer = nullptr;
        CPPUNIT_ASSERT_EQUAL(SQLITE_OK, sqlite3_open(path.c_str(), &writer));
        exec(writer, "PRAGMA journal_mode=WAL");
        exec(writer, "PRAGMA wal_autocheckpoint=0");  // only the checkpointer copies pages back
        exec(writer, "CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)");
        for (int i = 0; i < 500; ++i)
            exec(writer, "INSERT INTO t (body) VALUES (printf('%.2000c', 'x'))");
        const auto fileSize = [&] { return Poco::File(path).getSize(); };
        CPPUNIT_ASSERT(fileSize() < 100'000);  // everything is still in the log
        {
            WalCheckpointer checkpointer(path, std::chrono::milliseconds(10));
            const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
            while (fileSize() < 1'000'000 && std::chrono::steady_clock::now() < deadline) {
                exec(writer, "INSERT INTO t (body) VALUES ('more')");  // the writer is never held up
                std::this_thread::sleep_for(std::chrono::milliseconds(5));
            }
            checkpointer.stop();
            checkpointer.stop();  // idempotent
        }
        CPPUNIT_ASSERT(fileSize() >= 1'000'000);  // 500 rows of 2 KB copied back
        sqlite3_close(writer);
    }

    void testAPathItCannotOpenIsRefused() {
        CPPUNIT_ASSERT_THROW(WalCheckpointer("/nonexistent/dir/x.db", std::chrono::milliseconds(10)),
                             std::runtime_error);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(WalCheckpointerTest);
