// SecretBox: AES-256-GCM sealing of secrets at rest. Round trips (empty and
// binary values too); a fresh nonce per seal; every way a sealed value can be
// wrong — altered bytes, another key, another row's associated data, a
// malformed text — refuses to open; the key from BOURSE_SECRETS_KEY, refused
// when malformed with a message that does not contain it.
#include "security/SecretBox.h"

#include <Poco/Base64Decoder.h>
#include <Poco/Base64Encoder.h>

#include <cppunit/extensions/HelperMacros.h>

#include <cstdlib>
#include <sstream>

using bourse::SecretBox;
using bourse::SecretBoxError;

namespace {

const std::string kKey = "00112233445566778899aabbccddeeff00112233445566778899AABBCCDDEEFF";
const std::string kOtherKey = "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100";
const std::string kAd = "user:u1:binance:secret";

std::string decode(const std::string& b64) {
    std::istringstream in(b64);
    Poco::Base64Decoder decoder(in);
    return std::string(std::istreambuf_iterator<char>(decoder), {});
}

std::string encode(const std::string& raw) {
    std::ostringstream out;
    Poco::Base64Encoder encoder(out);
    encoder.rdbuf()->setLineLength(0);
    encoder << raw;
    encoder.close();
    return out.str();
}

/// The message of the SecretBoxError `f` throws ("" if it throws none).
template <typename F>
std::string errorOf(F f) {
    try {
        f();
    } catch (const SecretBoxError& e) {
        return e.what();
    }
    return "";
}

/// Restores BOURSE_SECRETS_KEY as it was when the test started.
class EnvironmentGuard {
public:
    EnvironmentGuard() {
        const char* v = std::getenv(SecretBox::kEnvironmentVariable);
        if (v) _saved = v;
        _had = v != nullptr;
    }
    ~EnvironmentGuard() {
        if (_had)
            ::setenv(SecretBox::kEnvironmentVariable, _saved.c_str(), 1);
        else
            ::unsetenv(SecretBox::kEnvironmentVariable);
    }

private:
    std::string _saved;
    bool _had = false;
};

}  // namespace

class SecretBoxTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(SecretBoxTest);
    CPPUNIT_TEST(testRoundTrip);
    CPPUNIT_TEST(testTwoSealsOfOneTextDiffer);
    CPPUNIT_TEST(testTamperedValueDoesNotOpen);
    CPPUNIT_TEST(testAnotherKeyDoesNotOpen);
    CPPUNIT_TEST(testAnotherRowsAssociatedDataDoesNotOpen);
    CPPUNIT_TEST(testMalformedTextsDoNotOpen);
    CPPUNIT_TEST(testKeyFromTheEnvironment);
    CPPUNIT_TEST(testMalformedKeyIsRefusedWithoutShowingIt);
    CPPUNIT_TEST_SUITE_END();

public:
    void testRoundTrip() {
        const SecretBox box(kKey);
        const std::string secret = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j";
        const std::string sealed = box.seal(secret, kAd);
        CPPUNIT_ASSERT_EQUAL(std::string("v1:"), sealed.substr(0, 3));
        CPPUNIT_ASSERT(sealed.find(secret) == std::string::npos);
        // nonce (12) + ciphertext (as long as the plaintext) + tag (16).
        CPPUNIT_ASSERT_EQUAL(12 + secret.size() + 16, decode(sealed.substr(3)).size());
        CPPUNIT_ASSERT_EQUAL(secret, box.open(sealed, kAd));
        // A second box on the same key (a restarted server) opens it too.
        CPPUNIT_ASSERT_EQUAL(secret, SecretBox(kKey).open(sealed, kAd));
        // Edge values: empty, binary with NULs, empty associated data.
        CPPUNIT_ASSERT_EQUAL(std::string(), box.open(box.seal("", kAd), kAd));
        const std::string binary("a\0b\xff\x01", 5);
        CPPUNIT_ASSERT_EQUAL(binary, box.open(box.seal(binary, ""), ""));
    }

    void testTwoSealsOfOneTextDiffer() {
        const SecretBox box(kKey);
        const std::string a = box.seal("same text", kAd), b = box.seal("same text", kAd);
        CPPUNIT_ASSERT(a != b);
        // Different nonces, not just different tags.
        CPPUNIT_ASSERT(decode(a.substr(3)).substr(0, 12) != decode(b.substr(3)).substr(0, 12));
        CPPUNIT_ASSERT_EQUAL(std::string("same text"), box.open(a, kAd));
        CPPUNIT_ASSERT_EQUAL(std::string("same text"), box.open(b, kAd));
    }

    void testTamperedValueDoesNotOpen() {
        const SecretBox box(kKey);
        const std::string raw = decode(box.seal("a secret worth stealing", kAd).substr(3));
        // One flipped bit anywhere — nonce, ciphertext, tag — is refused.
        for (const std::size_t at :
             {std::size_t{0}, std::size_t{11}, std::size_t{12}, std::size_t{20}, raw.size() - 1}) {
            std::string bad = raw;
            bad[at] = static_cast<char>(bad[at] ^ 0x01);
            const std::string why = errorOf([&] { (void)box.open("v1:" + encode(bad), kAd); });
            CPPUNIT_ASSERT_MESSAGE(std::to_string(at), why.find("does not open") != std::string::npos);
        }
        // Truncated (the tag cut short) and extended.
        CPPUNIT_ASSERT(!errorOf([&] { (void)box.open("v1:" + encode(raw.substr(0, raw.size() - 1)), kAd); }).empty());
        CPPUNIT_ASSERT(!errorOf([&] { (void)box.open("v1:" + encode(raw + "x"), kAd); }).empty());
    }

    void testAnotherKeyDoesNotOpen() {
        const std::string sealed = SecretBox(kKey).seal("secret", kAd);
        const std::string why = errorOf([&] { (void)SecretBox(kOtherKey).open(sealed, kAd); });
        CPPUNIT_ASSERT(why.find("does not open") != std::string::npos);
    }

    void testAnotherRowsAssociatedDataDoesNotOpen() {
        const SecretBox box(kKey);
        const std::string sealed = box.seal("secret", "user:u1:binance:secret");
        // Another user's row, the other column, no binding at all.
        for (const char* ad : {"user:u2:binance:secret", "user:u1:binance:api_key", ""})
            CPPUNIT_ASSERT_MESSAGE(ad, !errorOf([&] { (void)box.open(sealed, ad); }).empty());
    }

    void testMalformedTextsDoNotOpen() {
        const SecretBox box(kKey);
        const std::string sealed = box.seal("secret", kAd);
        for (const std::string& bad : {std::string(), std::string("v1:"), std::string("v2:") + sealed.substr(3),
                                       sealed.substr(3), std::string("v1:not base64!"), std::string("v1:AAAA"),
                                       sealed + "=", sealed.substr(0, sealed.size() - 1), sealed + "\n"})
            CPPUNIT_ASSERT_MESSAGE(bad, !errorOf([&] { (void)box.open(bad, kAd); }).empty());
    }

    void testKeyFromTheEnvironment() {
        const EnvironmentGuard guard;
        ::unsetenv(SecretBox::kEnvironmentVariable);
        CPPUNIT_ASSERT(SecretBox::fromEnvironment() == nullptr);
        ::setenv(SecretBox::kEnvironmentVariable, "", 1);
        CPPUNIT_ASSERT(SecretBox::fromEnvironment() == nullptr);
        ::setenv(SecretBox::kEnvironmentVariable, kKey.c_str(), 1);
        const auto box = SecretBox::fromEnvironment();
        CPPUNIT_ASSERT(box != nullptr);
        // The same key as given directly: each opens what the other sealed.
        CPPUNIT_ASSERT_EQUAL(std::string("x"), SecretBox(kKey).open(box->seal("x", kAd), kAd));
    }

    void testMalformedKeyIsRefusedWithoutShowingIt() {
        const EnvironmentGuard guard;
        const std::string shortKey = kKey.substr(0, 62);
        const std::string longKey = kKey + "00";
        const std::string notHex = kKey.substr(0, 63) + "g";
        const std::string spaced = " " + kKey.substr(1);
        for (const std::string& bad : {shortKey, longKey, notHex, spaced}) {
            ::setenv(SecretBox::kEnvironmentVariable, bad.c_str(), 1);
            const std::string why = errorOf([] { (void)SecretBox::fromEnvironment(); });
            CPPUNIT_ASSERT_MESSAGE(bad, why.find("BOURSE_SECRETS_KEY") != std::string::npos);
            CPPUNIT_ASSERT_MESSAGE(why, why.find("64 hex characters") != std::string::npos);
            // Neither the key nor a recognisable part of it.
            CPPUNIT_ASSERT_MESSAGE(why, why.find(bad.substr(8, 16)) == std::string::npos);
        }
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SecretBoxTest);
