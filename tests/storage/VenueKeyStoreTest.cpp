// VenueKeyStore on both real databases (SQLite in a temp dir; the _postgresql
// variant on the PostgreSQL test server): keys stored sealed and decrypted
// again after the database and the key are reopened (a server restart);
// another server key, a row copied to another user and swapped columns do not
// open; without a secrets key nothing can be stored, but listing and removing
// still work.
#include "../integration/BourseProcess.h"
#include "bots/VenueKeyStore.h"
#include "metrics/Metrics.h"
#include "security/SecretBox.h"
#include "storage/CommitQueue.h"
#include "storage/Database.h"
#include "storage/PreparedSession.h"
#include "util/Clock.h"

#include <Poco/Data/Session.h>
#include <Poco/TemporaryFile.h>

#include <cppunit/extensions/HelperMacros.h>

using namespace Poco::Data::Keywords;
using bourse::SecretBox;
using bourse::VenueKeyStore;

namespace {

const std::string kKey = "8f1c2a6be0d94f3a7c5e1b9d2f4a6c8e0b1d3f5a7c9e2b4d6f8a0c2e4b6d8f0a";
const std::string kApiKey = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A";
const std::string kSecret = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j";

/// What a running kernel holds: database, commit queue and the store.
struct Kernelish {
    Kernelish(const std::string& dir, const std::string& hexKey, const bourse::Clock& clock) {
        bourse::StorageConfig config;
        if (bourse::test::onPostgres()) {
            config.driver = "postgresql";
            config.postgresDsn = bourse::test::postgresTestDsn("venue_key_store_test");
        }
        db = std::make_unique<bourse::Database>(config, dir);
        db->migrate();
        commits = std::make_unique<bourse::CommitQueue>(*db, metrics);
        store = std::make_unique<VenueKeyStore>(*db, *commits, clock,
                                                hexKey.empty() ? nullptr : std::make_unique<SecretBox>(hexKey));
    }
    ~Kernelish() {
        store.reset();
        commits->stop();
    }

    /// The stored row's (api_key_sealed, secret_sealed, api_key_hint).
    std::vector<std::string> row(const std::string& userId) {
        Poco::Data::Session s = db->session();
        std::string uid = userId, api, secret, hint;
        s << "SELECT api_key_sealed, secret_sealed, api_key_hint FROM venue_keys WHERE user_id = $1", use(uid),
            into(api), into(secret), into(hint), now;
        return {api, secret, hint};
    }

    bourse::Metrics metrics;
    std::unique_ptr<bourse::Database> db;
    std::unique_ptr<bourse::CommitQueue> commits;
    std::unique_ptr<VenueKeyStore> store;
};

}  // namespace

class VenueKeyStoreTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(VenueKeyStoreTest);
    CPPUNIT_TEST(testStoredSealedAndDecryptedAfterReopen);
    CPPUNIT_TEST(testPutReplacesAndRemoveForgets);
    CPPUNIT_TEST(testAnotherServerKeyDoesNotOpen);
    CPPUNIT_TEST(testRowsCannotBeSwapped);
    CPPUNIT_TEST(testWithoutSecretsKeyNothingIsStored);
    CPPUNIT_TEST(testOnlyKnownVenues);
    CPPUNIT_TEST_SUITE_END();

public:
    void setUp() override {
        _dir = std::make_unique<Poco::TemporaryFile>();
        _dir->createDirectories();
        Kernelish k(_dir->path(), kKey, _clock);
        k.db->session() << "DELETE FROM venue_keys", now;  // PostgreSQL keeps earlier runs' rows
    }

    void tearDown() override { _dir.reset(); }

    void testStoredSealedAndDecryptedAfterReopen() {
        {
            Kernelish k(_dir->path(), kKey, _clock);
            const auto info = k.store->put("u1", "binance", kApiKey, kSecret);
            CPPUNIT_ASSERT_EQUAL(std::string("\u2026") + "Eh8A", info.apiKeyHint);
            CPPUNIT_ASSERT_EQUAL(_clock.nowNs(), info.updatedNs);
            // At rest: two different v1 values, neither holding a plaintext.
            const auto row = k.row("u1");
            for (const auto& sealed : {row[0], row[1]}) {
                CPPUNIT_ASSERT_EQUAL(std::string("v1:"), sealed.substr(0, 3));
                CPPUNIT_ASSERT(sealed.find(kApiKey) == std::string::npos);
                CPPUNIT_ASSERT(sealed.find(kSecret) == std::string::npos);
            }
            CPPUNIT_ASSERT(row[0] != row[1]);
            CPPUNIT_ASSERT_EQUAL(std::string("Eh8A"), row[2]);
        }
        // A restart: new connections, a new box from the same key text.
        Kernelish k(_dir->path(), kKey, _clock);
        const auto loaded = k.store->load("u1", "binance");
        CPPUNIT_ASSERT(loaded.has_value());
        CPPUNIT_ASSERT_EQUAL(kApiKey, loaded->apiKey);
        CPPUNIT_ASSERT_EQUAL(kSecret, loaded->secret);
        const auto listed = k.store->info("u1");
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, listed.size());
        CPPUNIT_ASSERT_EQUAL(std::string("binance"), listed[0].venue);
        CPPUNIT_ASSERT_EQUAL(std::string("\u2026Eh8A"), listed[0].apiKeyHint);
        CPPUNIT_ASSERT(!k.store->load("u2", "binance").has_value());
        CPPUNIT_ASSERT(k.store->info("u2").empty());
    }

    void testPutReplacesAndRemoveForgets() {
        Kernelish k(_dir->path(), kKey, _clock);
        k.store->put("u1", "binance", kApiKey, kSecret);
        _clock.advance(std::chrono::seconds(5));
        const std::string newKey = "A1b2C3d4E5f6G7h8I9j0K1l2";
        const std::string newSecret = "Z9y8X7w6V5u4T3s2R1q0P9o8";
        k.store->put("u1", "binance", newKey, newSecret);
        const auto listed = k.store->info("u1");
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, listed.size());
        CPPUNIT_ASSERT_EQUAL(std::string("\u2026") + "K1l2", listed[0].apiKeyHint);
        CPPUNIT_ASSERT_EQUAL(_clock.nowNs(), listed[0].updatedNs);
        CPPUNIT_ASSERT_EQUAL(newSecret, k.store->load("u1", "binance")->secret);
        CPPUNIT_ASSERT(k.store->remove("u1", "binance"));
        CPPUNIT_ASSERT(!k.store->remove("u1", "binance"));
        CPPUNIT_ASSERT(k.store->info("u1").empty());
        CPPUNIT_ASSERT(!k.store->load("u1", "binance").has_value());
    }

    void testAnotherServerKeyDoesNotOpen() {
        {
            Kernelish k(_dir->path(), kKey, _clock);
            k.store->put("u1", "binance", kApiKey, kSecret);
        }
        Kernelish k(_dir->path(), std::string(64, 'a'), _clock);
        CPPUNIT_ASSERT_THROW((void)k.store->load("u1", "binance"), bourse::SecretBoxError);
        // Still listed (nothing decrypts for that), and the user can replace them.
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, k.store->info("u1").size());
        k.store->put("u1", "binance", kApiKey, kSecret);
        CPPUNIT_ASSERT_EQUAL(kSecret, k.store->load("u1", "binance")->secret);
    }

    void testRowsCannotBeSwapped() {
        Kernelish k(_dir->path(), kKey, _clock);
        k.store->put("u1", "binance", kApiKey, kSecret);
        k.store->put("u2", "binance", "u2u2u2u2u2u2u2u2u2u2", "s2s2s2s2s2s2s2s2s2s2");
        const auto row = k.row("u1");
        std::string api = row[0], secret = row[1];
        // u1's sealed values copied into u2's row: u2 cannot use u1's keys.
        k.db->session() << "UPDATE venue_keys SET api_key_sealed = $1, secret_sealed = $2 WHERE user_id = 'u2'",
            use(api), use(secret), now;
        CPPUNIT_ASSERT_THROW((void)k.store->load("u2", "binance"), bourse::SecretBoxError);
        // u1's own columns swapped: the secret cannot pass for the API key.
        k.db->session() << "UPDATE venue_keys SET api_key_sealed = $1, secret_sealed = $2 WHERE user_id = 'u1'",
            use(secret), use(api), now;
        CPPUNIT_ASSERT_THROW((void)k.store->load("u1", "binance"), bourse::SecretBoxError);
    }

    void testWithoutSecretsKeyNothingIsStored() {
        {
            Kernelish k(_dir->path(), kKey, _clock);
            k.store->put("u1", "binance", kApiKey, kSecret);
        }
        Kernelish k(_dir->path(), "", _clock);
        CPPUNIT_ASSERT(!k.store->available());
        CPPUNIT_ASSERT_THROW(k.store->put("u2", "binance", kApiKey, kSecret), std::logic_error);
        CPPUNIT_ASSERT(k.store->info("u2").empty());
        CPPUNIT_ASSERT_THROW((void)k.store->load("u1", "binance"), std::logic_error);
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, k.store->info("u1").size());
        CPPUNIT_ASSERT(k.store->remove("u1", "binance"));
    }

    void testOnlyKnownVenues() {
        Kernelish k(_dir->path(), kKey, _clock);
        CPPUNIT_ASSERT(VenueKeyStore::known("binance"));
        CPPUNIT_ASSERT(!VenueKeyStore::known("kraken"));
        CPPUNIT_ASSERT_THROW(k.store->put("u1", "kraken", kApiKey, kSecret), std::invalid_argument);
        CPPUNIT_ASSERT(k.store->info("u1").empty());
    }

private:
    std::unique_ptr<Poco::TemporaryFile> _dir;
    bourse::ManualClock _clock;
};

CPPUNIT_TEST_SUITE_REGISTRATION(VenueKeyStoreTest);
