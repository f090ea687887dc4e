// PreparedSession: statements prepared once and re-executed with new values,
// on SQLite and (the _postgresql variant) on the PostgreSQL test server.
#include "../integration/BourseProcess.h"
#include "storage/Database.h"
#include "storage/PreparedSession.h"

#include <Poco/Data/DataException.h>
#include <Poco/TemporaryFile.h>

#include <cppunit/extensions/HelperMacros.h>

using bourse::Database;
using bourse::PreparedSession;
using Poco::Int64;

class PreparedSessionTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(PreparedSessionTest);
    CPPUNIT_TEST(testReExecutionKeepsOneStatementPerText);
    CPPUNIT_TEST(testParametersBindByNumberNotPosition);
    CPPUNIT_TEST(testNullsBindAndRead);
    CPPUNIT_TEST(testMissingRowIsEmpty);
    CPPUNIT_TEST(testChangedRowCounts);
    CPPUNIT_TEST(testRollbackUndoesAndCommitKeeps);
    CPPUNIT_TEST(testConstraintViolationIsADataException);
    CPPUNIT_TEST(testReadLendsAWorkingConnection);
    CPPUNIT_TEST(testDeferredWritesLandBeforeTheNextRead);
    CPPUNIT_TEST(testDeferredWriteChangingNothingIsAnError);
    CPPUNIT_TEST(testDeferredFailureFailsTheTransaction);
    CPPUNIT_TEST(testDeferredRowsArriveByTheCommit);
    CPPUNIT_TEST_SUITE_END();

public:
    void setUp() override {
        _dir = std::make_unique<Poco::TemporaryFile>();
        _dir->createDirectories();
        bourse::StorageConfig config;
        if (bourse::test::onPostgres()) {
            config.driver = "postgresql";
            config.postgresDsn = bourse::test::postgresTestDsn("prepared_session_test");
        }
        _db = std::make_unique<Database>(config, _dir->path());
        _w = _db->openPreparedSession();
        _w->exec("DROP TABLE IF EXISTS kv");
        _w->exec("CREATE TABLE kv (k TEXT PRIMARY KEY, v BIGINT, note TEXT)");
    }

    void tearDown() override {
        _w.reset();
        _db.reset();
        _dir.reset();
    }

    void testReExecutionKeepsOneStatementPerText() {
        const std::size_t before = _w->preparedCount();
        for (Int64 i = 0; i < 200; ++i)
            _w->exec("INSERT INTO kv (k, v, note) VALUES ($1, $2, $3)", "k" + std::to_string(i), i, std::string("n"));
        CPPUNIT_ASSERT_EQUAL(before + 1, _w->preparedCount());
        // Every execution saw its own values, not the first ones.
        CPPUNIT_ASSERT_EQUAL(Int64{199 * 200 / 2}, *_w->first<Int64>("SELECT CAST(SUM(v) AS BIGINT) FROM kv"));
        CPPUNIT_ASSERT_EQUAL(Int64{137}, *_w->first<Int64>("SELECT v FROM kv WHERE k = $1", std::string("k137")));
        CPPUNIT_ASSERT_EQUAL(Int64{5}, *_w->first<Int64>("SELECT v FROM kv WHERE k = $1", std::string("k5")));
    }

    void testParametersBindByNumberNotPosition() {
        // $2 appears before $1 in the text: values still go to their numbers.
        _w->exec("INSERT INTO kv (v, k) VALUES ($2, $1)", std::string("a"), Int64{42});
        CPPUNIT_ASSERT_EQUAL(Int64{42}, *_w->first<Int64>("SELECT v FROM kv WHERE k = $1", std::string("a")));
        // One number used twice.
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, _w->exec("UPDATE kv SET v = v + $1 WHERE k = $2 AND v + $1 >= 0",
                                                      Int64{-40}, std::string("a")));
        CPPUNIT_ASSERT_EQUAL(std::size_t{0}, _w->exec("UPDATE kv SET v = v + $1 WHERE k = $2 AND v + $1 >= 0",
                                                      Int64{-3}, std::string("a")));
        CPPUNIT_ASSERT_EQUAL(Int64{2}, *_w->first<Int64>("SELECT v FROM kv WHERE k = $1", std::string("a")));
    }

    void testNullsBindAndRead() {
        _w->exec("INSERT INTO kv (k, v, note) VALUES ($1, $2, $3)", std::string("n"), Poco::Nullable<Int64>(),
                 Poco::Nullable<std::string>());
        std::tuple<Poco::Nullable<Int64>, Poco::Nullable<std::string>> row;
        CPPUNIT_ASSERT(_w->row(row, "SELECT v, note FROM kv WHERE k = $1", std::string("n")));
        CPPUNIT_ASSERT(std::get<0>(row).isNull());
        CPPUNIT_ASSERT(std::get<1>(row).isNull());
        _w->exec("UPDATE kv SET v = $1, note = $2 WHERE k = $3", Poco::Nullable<Int64>(7),
                 Poco::Nullable<std::string>("seven"), std::string("n"));
        CPPUNIT_ASSERT(_w->row(row, "SELECT v, note FROM kv WHERE k = $1", std::string("n")));
        CPPUNIT_ASSERT_EQUAL(Int64{7}, std::get<0>(row).value());
        CPPUNIT_ASSERT_EQUAL(std::string("seven"), std::get<1>(row).value());
    }

    void testMissingRowIsEmpty() {
        _w->exec("INSERT INTO kv (k, v) VALUES ($1, $2)", std::string("x"), Int64{1});
        std::tuple<Poco::Nullable<Int64>, Poco::Nullable<std::string>> row{Int64{9}, std::string("stale")};
        CPPUNIT_ASSERT(!_w->row(row, "SELECT v, note FROM kv WHERE k = $1", std::string("nope")));
        CPPUNIT_ASSERT(std::get<0>(row).isNull());  // cleared, not left from before
        CPPUNIT_ASSERT(!_w->first<std::string>("SELECT k FROM kv WHERE k = $1", std::string("nope")));
        CPPUNIT_ASSERT_EQUAL(std::string("x"),
                             *_w->first<std::string>("SELECT k FROM kv WHERE k = $1", std::string("x")));
    }

    void testChangedRowCounts() {
        for (const char* k : {"a", "b", "c"})
            _w->exec("INSERT INTO kv (k, v) VALUES ($1, 1)", std::string(k));
        CPPUNIT_ASSERT_EQUAL(std::size_t{2}, _w->exec("UPDATE kv SET v = 2 WHERE k <> $1", std::string("a")));
        CPPUNIT_ASSERT_EQUAL(std::size_t{0}, _w->exec("UPDATE kv SET v = 2 WHERE k = $1", std::string("zz")));
        CPPUNIT_ASSERT_EQUAL(std::size_t{0}, _w->exec("INSERT INTO kv (k, v) VALUES ($1, 5) ON CONFLICT (k) DO NOTHING",
                                                      std::string("a")));
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, _w->exec("INSERT INTO kv (k, v) VALUES ($1, 5) ON CONFLICT (k) DO NOTHING",
                                                      std::string("d")));
    }

    void testRollbackUndoesAndCommitKeeps() {
        _w->begin();
        _w->exec("INSERT INTO kv (k, v) VALUES ($1, $2)", std::string("r"), Int64{1});
        _w->rollback();
        CPPUNIT_ASSERT(!_w->first<Int64>("SELECT v FROM kv WHERE k = $1", std::string("r")));
        _w->begin();
        _w->exec("INSERT INTO kv (k, v) VALUES ($1, $2)", std::string("r"), Int64{2});
        _w->commit();
        // Visible to another connection: really committed.
        Poco::Data::Session other = _db->session();
        Int64 v = 0;
        other << "SELECT v FROM kv WHERE k = 'r'", Poco::Data::Keywords::into(v), Poco::Data::Keywords::now;
        CPPUNIT_ASSERT_EQUAL(Int64{2}, v);
    }

    void testConstraintViolationIsADataException() {
        _w->exec("INSERT INTO kv (k, v) VALUES ($1, $2)", std::string("u"), Int64{1});
        CPPUNIT_ASSERT_THROW(_w->exec("INSERT INTO kv (k, v) VALUES ($1, $2)", std::string("u"), Int64{2}),
                             Poco::Data::DataException);
        CPPUNIT_ASSERT_EQUAL(Int64{1}, *_w->first<Int64>("SELECT v FROM kv WHERE k = $1", std::string("u")));
        CPPUNIT_ASSERT_THROW(_w->exec("INSERT INTO no_such_table (k) VALUES ($1)", std::string("u")),
                             Poco::Data::DataException);
    }

    void testReadLendsAWorkingConnection() {
        _w->exec("INSERT INTO kv (k, v) VALUES ($1, $2)", std::string("z"), Int64{26});
        for (int i = 0; i < 10; ++i) {
            std::optional<Int64> v;
            _db->read(
                [&](PreparedSession& r) { v = r.first<Int64>("SELECT v FROM kv WHERE k = $1", std::string("z")); });
            CPPUNIT_ASSERT_EQUAL(Int64{26}, *v);
        }
        // A failing read replaces its connection; the next read works.
        CPPUNIT_ASSERT_THROW(_db->read([](PreparedSession& r) { r.exec("SELECT * FROM no_such_table"); }),
                             Poco::Data::DataException);
        std::optional<Int64> v;
        _db->read([&](PreparedSession& r) { v = r.first<Int64>("SELECT v FROM kv WHERE k = $1", std::string("z")); });
        CPPUNIT_ASSERT_EQUAL(Int64{26}, *v);
    }

    void testDeferredWritesLandBeforeTheNextRead() {
        _w->begin();
        for (Int64 i = 1; i <= 3; ++i)
            _w->defer("INSERT INTO kv (k, v) VALUES ($1, $2)", "d" + std::to_string(i), i);
        _w->defer("UPDATE kv SET v = v * 10 WHERE k = $1", std::string("d2"));
        CPPUNIT_ASSERT_EQUAL(Int64{1 + 20 + 3}, *_w->first<Int64>("SELECT CAST(SUM(v) AS BIGINT) FROM kv"));
        _w->commit();
        CPPUNIT_ASSERT_EQUAL(Int64{24}, *_w->first<Int64>("SELECT CAST(SUM(v) AS BIGINT) FROM kv"));
    }

    void testDeferredWriteChangingNothingIsAnError() {
        // On PostgreSQL the error surfaces at the next statement that waits; on SQLite at once.
        CPPUNIT_ASSERT_THROW(
            {
                _w->defer("UPDATE kv SET v = 1 WHERE k = $1", std::string("absent"));
                _w->first<Int64>("SELECT COUNT(*) FROM kv");
            },
            Poco::Data::DataException);
    }

    void testDeferredFailureFailsTheTransaction() {
        _w->exec("INSERT INTO kv (k, v) VALUES ($1, $2)", std::string("keep"), Int64{1});
        _w->begin();
        CPPUNIT_ASSERT_THROW(
            {
                _w->defer("UPDATE kv SET v = 99 WHERE k = $1", std::string("keep"));
                _w->defer("INSERT INTO kv (k, v) VALUES ($1, $2)", std::string("keep"), Int64{2});  // duplicate key
                _w->commit();
            },
            Poco::Data::DataException);
        _w->rollback();
        // Nothing of the failed transaction stayed, seen from another connection.
        Poco::Data::Session other = _db->session();
        Int64 v = 0;
        other << "SELECT v FROM kv WHERE k = 'keep'", Poco::Data::Keywords::into(v), Poco::Data::Keywords::now;
        CPPUNIT_ASSERT_EQUAL(Int64{1}, v);
    }

    void testDeferredRowsArriveByTheCommit() {
        // A conditional write that reports what it did: each its own result,
        // and a query with no row leaves its columns NULL.
        _w->exec("INSERT INTO kv (k, v) VALUES ($1, $2)", std::string("funds"), Int64{5});
        const std::string spend = "UPDATE kv SET v = v - $2 WHERE k = $1 AND v >= $2 RETURNING v, note";
        std::tuple<Poco::Nullable<Int64>, Poco::Nullable<std::string>> first, second, third;
        std::tuple<Poco::Nullable<Int64>> none;
        _w->begin();
        _w->deferRow(first, spend, std::string("funds"), Int64{3});
        _w->deferRow(second, spend, std::string("funds"), Int64{3});  // only 2 left: refused, no row
        _w->deferRow(third, spend, std::string("funds"), Int64{2});
        _w->deferRow(none, "SELECT v FROM kv WHERE k = $1", std::string("absent"));
        _w->commit();
        CPPUNIT_ASSERT_EQUAL(Int64{2}, std::get<0>(first).value());
        CPPUNIT_ASSERT(std::get<1>(first).isNull());  // a NULL column reads as NULL
        CPPUNIT_ASSERT(std::get<0>(second).isNull());
        CPPUNIT_ASSERT_EQUAL(Int64{0}, std::get<0>(third).value());
        CPPUNIT_ASSERT(std::get<0>(none).isNull());
        CPPUNIT_ASSERT_EQUAL(Int64{0}, *_w->first<Int64>("SELECT v FROM kv WHERE k = $1", std::string("funds")));
    }

private:
    std::unique_ptr<Poco::TemporaryFile> _dir;
    std::unique_ptr<Database> _db;
    std::unique_ptr<PreparedSession> _w;
};

CPPUNIT_TEST_SUITE_REGISTRATION(PreparedSessionTest);
