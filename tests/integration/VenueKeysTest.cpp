// Users' exchange API keys over HTTP against the real kernel (both backends):
// stored keys show as configured with the API key's last 4 characters and are
// never in an answer, a log line, or in clear in the database (its rows, and on
// SQLite every byte of its files); another user sees none; bad input is refused
// naming the field with nothing stored; a server without BOURSE_SECRETS_KEY
// answers 503 and stores nothing; a malformed key stops the server without
// printing it; after a restart with the same key the keys are still listed and
// can be replaced and removed. (That they still decrypt after a restart is
// checked where decryption happens: tests/storage/VenueKeyStoreTest.cpp.)
#include "Assertions.h"
#include "BourseProcess.h"

#include <Poco/Data/Session.h>

#include <cppunit/extensions/HelperMacros.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

using namespace bourse::test;
using namespace Poco::Data::Keywords;

namespace {

const char* kEnv = "BOURSE_SECRETS_KEY";
const std::string kServerKey = "3b7e151628aed2a6abf7158809cf4f3c3b7e151628aed2a6abf7158809cf4f3c";
const std::string kApiKey = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A";
const std::string kSecret = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j";
const std::string kKeysPath = "/api/v1/venues/binance/keys";

std::string configYaml() {
    return "data_dir: DATA_DIR\nserver: { host: 127.0.0.1, port: 0 }\n"
           "security: { auth_rate_per_minute: 100000, api_rate_per_minute: 100000 }\n"
           "plugin_dirs: [BUILD_DIR/lib/bourse/plugins]\n";
}

std::string keysBody(const std::string& apiKey, const std::string& secret) {
    return R"({"api_key":")" + apiKey + R"(","secret":")" + secret + R"("})";
}

/// Sets BOURSE_SECRETS_KEY (unset for "") for the servers started in its
/// lifetime; restores the test process's own value after.
class SecretsKey {
public:
    explicit SecretsKey(const std::string& value) {
        const char* v = std::getenv(kEnv);
        _had = v != nullptr;
        if (v) _saved = v;
        if (value.empty())
            ::unsetenv(kEnv);
        else
            ::setenv(kEnv, value.c_str(), 1);
    }
    ~SecretsKey() {
        if (_had)
            ::setenv(kEnv, _saved.c_str(), 1);
        else
            ::unsetenv(kEnv);
    }

private:
    std::string _saved;
    bool _had = false;
};

HttpResult put(const BourseProcess& b, const std::string& body, const std::string& token) {
    return b.request("PUT", kKeysPath, body, "application/json", token);
}

HttpResult remove(const BourseProcess& b, const std::string& token) {
    return b.request("DELETE", kKeysPath, "", "", token);
}

/// The binance entry of GET /api/v1/venues; `live` gets live_trading_available.
Poco::JSON::Object::Ptr binance(const BourseProcess& b, const std::string& token, bool* live = nullptr,
                                std::string* raw = nullptr) {
    const auto r = b.get("/api/v1/venues", token);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 200, r.status);
    if (live) *live = r.json()->getValue<bool>("live_trading_available");
    if (raw) *raw = r.body;
    const auto venues = r.json()->getArray("venues");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, std::size_t(1), venues->size());
    const auto entry = venues->getObject(0);
    CPPUNIT_ASSERT_EQUAL(std::string("binance"), entry->getValue<std::string>("venue"));
    return entry;
}

int storedRows(const BourseProcess& b) {
    Poco::Data::Session s = b.database();
    Poco::Int64 n = 0;
    s << "SELECT COUNT(*) FROM venue_keys", into(n), now;
    return static_cast<int>(n);
}

/// Neither plaintext is in `text`.
void assertNoPlaintext(const std::string& text, const std::string& where) {
    CPPUNIT_ASSERT_MESSAGE(where + " holds the API key", !contains(text, kApiKey));
    CPPUNIT_ASSERT_MESSAGE(where + " holds the secret", !contains(text, kSecret));
}

/// Every byte of every file under dir (SQLite's database, WAL and the rest).
std::string filesUnder(const std::string& dir) {
    std::string all;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
        if (!entry.is_regular_file()) continue;
        std::ifstream in(entry.path(), std::ios::binary);
        std::ostringstream bytes;
        bytes << in.rdbuf();
        all += bytes.str();
    }
    return all;
}

}  // namespace

class VenueKeysTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(VenueKeysTest);
    CPPUNIT_TEST(keysAreStoredSealedAndNeverShown);
    CPPUNIT_TEST(badInputIsRefusedNamingTheFieldAndNothingIsStored);
    CPPUNIT_TEST(withoutSecretsKeyNothingIsStored);
    CPPUNIT_TEST(malformedSecretsKeyStopsTheServerWithoutPrintingIt);
    CPPUNIT_TEST_SUITE_END();

public:
    void keysAreStoredSealedAndNeverShown() {
        const SecretsKey key(kServerKey);
        ScratchDir keep;
        const std::string dataDir = keep.path() + "/data";
        {
            BourseProcess b(configYaml(), dataDir);
            const std::string alice = b.userToken("alice@venues.test");
            const std::string bob = b.userToken("bob@venues.test");
            bool live = false;
            std::string raw;
            CPPUNIT_ASSERT(!binance(b, alice, &live)->getValue<bool>("configured"));
            CPPUNIT_ASSERT(live);

            const std::int64_t before = epochMs();
            const auto r = put(b, keysBody(kApiKey, kSecret), alice);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 200, r.status);
            assertNoPlaintext(r.body, "the PUT answer");
            CPPUNIT_ASSERT_EQUAL(std::string("binance"), r.json()->getValue<std::string>("venue"));
            CPPUNIT_ASSERT_EQUAL(std::string("\u2026Eh8A"), r.json()->getValue<std::string>("api_key_hint"));
            const auto updatedAt = r.json()->getValue<Poco::Int64>("updated_at");
            CPPUNIT_ASSERT(updatedAt >= before && updatedAt <= epochMs());

            const auto mine = binance(b, alice, &live, &raw);
            assertNoPlaintext(raw, "GET /api/v1/venues");
            CPPUNIT_ASSERT(mine->getValue<bool>("configured"));
            CPPUNIT_ASSERT_EQUAL(std::string("\u2026Eh8A"), mine->getValue<std::string>("api_key_hint"));
            CPPUNIT_ASSERT_EQUAL(updatedAt, mine->getValue<Poco::Int64>("updated_at"));
            CPPUNIT_ASSERT(live);

            // Bob has none, and cannot remove Alice's.
            const auto his = binance(b, bob);
            CPPUNIT_ASSERT(!his->getValue<bool>("configured"));
            CPPUNIT_ASSERT(his->isNull("api_key_hint"));
            CPPUNIT_ASSERT(his->isNull("updated_at"));
            assertProblem(remove(b, bob), 404, "no keys stored");

            // At rest: one row, both values sealed (v1 format), the hint only.
            CPPUNIT_ASSERT_EQUAL(1, storedRows(b));
            {
                Poco::Data::Session s = b.database();
                std::string api, secret, hint;
                s << "SELECT api_key_sealed, secret_sealed, api_key_hint FROM venue_keys", into(api), into(secret),
                    into(hint), now;
                CPPUNIT_ASSERT_EQUAL(std::string("v1:"), api.substr(0, 3));
                CPPUNIT_ASSERT_EQUAL(std::string("v1:"), secret.substr(0, 3));
                assertNoPlaintext(api + secret + hint, "the venue_keys row");
                CPPUNIT_ASSERT_EQUAL(std::string("Eh8A"), hint);
            }
            if (!onPostgres()) {
                const std::string files = filesUnder(dataDir);
                assertNoPlaintext(files, "the SQLite files");
                CPPUNIT_ASSERT_MESSAGE("the scan missed the row", contains(files, "Eh8A"));
            }
            assertNoPlaintext(b.logs(), "the server's log");
            CPPUNIT_ASSERT_EQUAL(0, b.stop());
        }
        // A restart with the same key: still listed, replaced, then removed.
        BourseProcess b(configYaml(), dataDir);
        const std::string alice = b.userToken("alice@venues.test");
        CPPUNIT_ASSERT(binance(b, alice)->getValue<bool>("configured"));
        const std::string newKey = "A1b2C3d4E5f6G7h8I9j0K1l2";
        const auto r = put(b, keysBody(newKey, "Z9y8X7w6V5u4T3s2R1q0P9o8"), alice);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 200, r.status);
        CPPUNIT_ASSERT_EQUAL(std::string("\u2026K1l2"), binance(b, alice)->getValue<std::string>("api_key_hint"));
        CPPUNIT_ASSERT_EQUAL(1, storedRows(b));
        const auto gone = remove(b, alice);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(gone.body, 204, gone.status);
        CPPUNIT_ASSERT(!binance(b, alice)->getValue<bool>("configured"));
        CPPUNIT_ASSERT_EQUAL(0, storedRows(b));
        assertProblem(remove(b, alice), 404, "no keys stored");
        assertNoPlaintext(b.logs(), "the restarted server's log");
    }

    void badInputIsRefusedNamingTheFieldAndNothingIsStored() {
        const SecretsKey key(kServerKey);
        BourseProcess b(configYaml());
        const std::string token = b.userToken("carol@venues.test");
        const std::string tooLong(129, 'a');
        const struct {
            std::string body, field, detail;
        } cases[] = {
            {R"({"api_key":")" + kApiKey + R"("})", "secret", "is required"},
            {R"({"secret":")" + kSecret + R"("})", "api_key", "is required"},
            {keysBody("short15chars123", kSecret), "api_key", "16 to 128 characters"},
            {keysBody(kApiKey, "short"), "secret", "16 to 128 characters"},
            {keysBody(kApiKey, tooLong), "secret", "longer than 128"},
            {keysBody(kApiKey, kSecret.substr(0, 20) + "-_/+=" + kSecret.substr(25)), "secret", "A-Z a-z 0-9"},
            {R"({"api_key":")" + kApiKey + R"(","secret":1234567890123456})", "secret", "must be a string"},
            {R"({"api_key":")" + kApiKey + R"(","secret":")" + kSecret + R"(","passphrase":"x"})", "passphrase",
             "unknown field"},
        };
        for (const auto& c : cases) {
            const auto r = put(b, c.body, token);
            assertProblem(r, 400, c.detail, c.field);
            assertNoPlaintext(r.body, "a 400 answer");
        }
        // Not signed in.
        CPPUNIT_ASSERT_EQUAL(401, put(b, keysBody(kApiKey, kSecret), "").status);
        CPPUNIT_ASSERT_EQUAL(401, b.get("/api/v1/venues").status);
        CPPUNIT_ASSERT(!binance(b, token)->getValue<bool>("configured"));
        CPPUNIT_ASSERT_EQUAL(0, storedRows(b));
        assertNoPlaintext(b.logs(), "the server's log");
    }

    void withoutSecretsKeyNothingIsStored() {
        const SecretsKey key("");
        BourseProcess b(configYaml());
        const std::string token = b.userToken("dave@venues.test");
        const auto r = put(b, keysBody(kApiKey, kSecret), token);
        assertProblem(r, 503, "venues: live trading is not set up on this server (BOURSE_SECRETS_KEY is not set)");
        bool live = true;
        CPPUNIT_ASSERT(!binance(b, token, &live)->getValue<bool>("configured"));
        CPPUNIT_ASSERT(!live);
        CPPUNIT_ASSERT_EQUAL(0, storedRows(b));
        assertProblem(remove(b, token), 404, "no keys stored");
        assertNoPlaintext(b.logs(), "the server's log");
    }

    void malformedSecretsKeyStopsTheServerWithoutPrintingIt() {
        const std::string badKey = kServerKey.substr(0, 40) + "not-hex-at-all-here!!!!!";  // 64 characters
        const SecretsKey key(badKey);
        ScratchDir dir;
        std::string yaml = configYaml();
        yaml.replace(yaml.find("DATA_DIR"), 8, dir.path() + "/data");
        yaml.replace(yaml.find("BUILD_DIR"), 9, buildDir());
        const std::string path = dir.path() + "/bourse.yaml";
        std::ofstream(path) << yaml;
        const auto r = runBourse({"serve", "--config", path, "--port", "0"});
        CPPUNIT_ASSERT_MESSAGE(r.out + r.err, r.exitCode != 0);
        CPPUNIT_ASSERT_MESSAGE(r.err, contains(r.err, "BOURSE_SECRETS_KEY: must be 64 hex characters"));
        CPPUNIT_ASSERT_MESSAGE(r.err, !contains(r.out + r.err, badKey.substr(0, 16)));
        CPPUNIT_ASSERT_MESSAGE(r.err, !contains(r.out + r.err, "not-hex"));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(VenueKeysTest);
