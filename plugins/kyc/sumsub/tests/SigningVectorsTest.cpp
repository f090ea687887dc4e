// The reference request-signing vectors SS-C1..C3 (wire-formats.md §8.5),
// first on the plugin's own builders and signer, then end to end: the plugin,
// driven through the C ABI on the fake host whose clock starts at exactly
// 1700000000 s, must send those three requests with those signatures.
#include "Api.h"
#include "Fixtures.h"
#include "KycCalls.h"
#include "RequestSigner.h"

#include <bourse/testing/FakeHost.hpp>
#include <bourse/testing/PluginUnderTest.hpp>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <cppunit/extensions/HelperMacros.h>

extern "C" const bourse_module bourse_module_entry;

using namespace bourse;
using namespace bourse::sumsub;
using namespace bourse::sumsub::test;

namespace {

// Sumsub's own placeholder secret, as the vectors use it.
constexpr const char* kSecret = "Hej2ch71kG2kTd1iIUDZFNsO5C1lh5Gq";
constexpr const char* kC1 = "688f7dda0b88f1a7554b1e5366a6046c843bf11514c0c01e7884f1c7bc3f3c29";
constexpr const char* kC2 = "e0f9b8bb9ffc12eecc03eed02a8a0432db93c07a03b60970fc37ddda15f5d33b";
constexpr const char* kC3 = "87ca6f4e80a3dfd5c9ac0a3a6dce29465c2cceca424f1da2e8a3e5686afb96c1";

std::string headerOf(const HttpRequest& r, const std::string& name) {
    for (const auto& [k, v] : r.headers)
        if (k == name) return v;
    return "";
}

}  // namespace

class SigningVectorsTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(SigningVectorsTest);
    CPPUNIT_TEST(testVectorsOnTheBuildersAndSigner);
    CPPUNIT_TEST(testSignedTargetIsWhatTheClientSends);
    CPPUNIT_TEST(testPluginSendsTheVectorRequests);
    CPPUNIT_TEST_SUITE_END();

public:
    void testVectorsOnTheBuildersAndSigner() {
        const std::string base = "https://api.sumsub.com";
        // SS-C1: GET the applicant of an externalUserId.
        const std::string c1 = pathWithQuery(api::applicantByExternalIdUrl(base, "user-123"));
        CPPUNIT_ASSERT_EQUAL(std::string("/resources/applicants/-;externalUserId=user-123/one"), c1);
        CPPUNIT_ASSERT_EQUAL(std::string(kC1), requestSignature(kSecret, "1700000000", "GET", c1, ""));
        // SS-C2: create an applicant with nothing but the externalUserId.
        const std::string c2 = pathWithQuery(api::createApplicantUrl(base, "basic-kyc-level"));
        const std::string body2 = api::createApplicantBody("user-123", "", std::nullopt);
        CPPUNIT_ASSERT_EQUAL(std::string("/resources/applicants?levelName=basic-kyc-level"), c2);
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"externalUserId":"user-123"})"), body2);
        CPPUNIT_ASSERT_EQUAL(std::string(kC2), requestSignature(kSecret, "1700000000", "POST", c2, body2));
        // SS-C3: the WebSDK access token.
        const std::string c3 = pathWithQuery(api::accessTokenUrl(base));
        const std::string body3 = api::accessTokenBody("user-123", "basic-kyc-level", 600);
        CPPUNIT_ASSERT_EQUAL(std::string("/resources/accessTokens/sdk"), c3);
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"userId":"user-123","levelName":"basic-kyc-level","ttlInSecs":600})"),
                             body3);
        CPPUNIT_ASSERT_EQUAL(std::string(kC3), requestSignature(kSecret, "1700000001", "POST", c3, body3));
        // Any byte changes the signature: method case, body spacing, the second.
        CPPUNIT_ASSERT(requestSignature(kSecret, "1700000000", "get", c1, "") != kC1);
        CPPUNIT_ASSERT(requestSignature(kSecret, "1700000000", "POST", c2, R"({"externalUserId": "user-123"})") != kC2);
        CPPUNIT_ASSERT(requestSignature(kSecret, "1700000002", "POST", c3, body3) != kC3);

        const Headers h = signedHeaders("sbx:token", kSecret, 1'700'000'000'999'999'999, "GET",
                                        api::applicantByExternalIdUrl(base, "user-123"), "");
        CPPUNIT_ASSERT_EQUAL(std::string("X-App-Token"), h[0].first);
        CPPUNIT_ASSERT_EQUAL(std::string("sbx:token"), h[0].second);
        CPPUNIT_ASSERT_EQUAL(std::string("1700000000"), h[1].second);  // seconds, rounded down
        CPPUNIT_ASSERT_EQUAL(std::string(kC1), h[2].second);
    }

    void testSignedTargetIsWhatTheClientSends() {
        // The host's client (Poco) decodes and re-encodes the path: the plugin
        // signs the target as it will be sent, not as it was written.
        CPPUNIT_ASSERT_EQUAL(std::string("/resources/applicants/-;externalUserId=a=b/one"),
                             pathWithQuery("https://api.sumsub.com/resources/applicants/-;externalUserId=a%3Db/one"));
        CPPUNIT_ASSERT_EQUAL(std::string("/resources/applicants?levelName=id%20and%20liveness"),
                             pathWithQuery(api::createApplicantUrl("https://api.sumsub.com", "id and liveness")));
        CPPUNIT_ASSERT_EQUAL(std::string("/resources/applicants/-;externalUserId=u:1@x/one"),
                             pathWithQuery(api::applicantByExternalIdUrl("http://127.0.0.1:8080", "u:1@x")));
    }

    void testPluginSendsTheVectorRequests() {
        bourse::testing::FakeHost host;  // clock: 1700000000 s exactly
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1'700'000'000'000'000'000), host.now());
        host.setSecret("app_token", "sbx:vector-app-token");
        host.setSecret("secret_key", kSecret);
        host.setSecret("webhook_secret", "another-secret");
        Script script;
        script.answers = {json(409, fixture("rest_error_409_exists.json")),
                          json(200, fixture("rest_applicant_created.json")),
                          json(200, fixture("rest_access_token.json"))};
        // The applicant lookup is answered a second later, so the token request is signed at 1700000001 (SS-C3).
        script.onRequest = [&host](const HttpRequest&, std::size_t i) {
            if (i == 1) host.advance(std::chrono::seconds(1));
        };
        script.install(host);
        bourse::testing::PluginUnderTest p(bourse_module_entry, "sumsub", host);
        CPPUNIT_ASSERT_EQUAL(BOURSE_OK, p.start());

        const auto r = startVerification(p, host, KycRequest{"user-123", "", "", "", "{}"});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.text, BOURSE_OK, r.status);
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), host.requests.size());
        const auto& q = host.requests;
        CPPUNIT_ASSERT_EQUAL(std::string("POST"), q[0].method);
        CPPUNIT_ASSERT_EQUAL(std::string("https://api.sumsub.com/resources/applicants?levelName=basic-kyc-level"),
                             q[0].url);
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"externalUserId":"user-123"})"), q[0].body);
        CPPUNIT_ASSERT_EQUAL(std::string(kC2), headerOf(q[0], "X-App-Access-Sig"));
        CPPUNIT_ASSERT_EQUAL(std::string("GET"), q[1].method);
        CPPUNIT_ASSERT_EQUAL(std::string("https://api.sumsub.com/resources/applicants/-;externalUserId=user-123/one"),
                             q[1].url);
        CPPUNIT_ASSERT_EQUAL(std::string(""), q[1].body);
        CPPUNIT_ASSERT_EQUAL(std::string(kC1), headerOf(q[1], "X-App-Access-Sig"));
        CPPUNIT_ASSERT_EQUAL(std::string("https://api.sumsub.com/resources/accessTokens/sdk"), q[2].url);
        CPPUNIT_ASSERT_EQUAL(std::string(kC3), headerOf(q[2], "X-App-Access-Sig"));
        const std::vector<std::string> ts = {"1700000000", "1700000000", "1700000001"};
        for (std::size_t i = 0; i < q.size(); ++i) {
            CPPUNIT_ASSERT_EQUAL(ts[i], headerOf(q[i], "X-App-Access-Ts"));
            CPPUNIT_ASSERT_EQUAL(std::string("sbx:vector-app-token"), headerOf(q[i], "X-App-Token"));
            CPPUNIT_ASSERT_EQUAL(std::string("application/json"), headerOf(q[i], "Content-Type"));
            CPPUNIT_ASSERT_EQUAL(std::int64_t(10'000), static_cast<std::int64_t>(q[i].timeout.count()));
        }
        const auto o = Poco::JSON::Parser().parse(r.text).extract<Poco::JSON::Object::Ptr>();
        CPPUNIT_ASSERT_EQUAL(std::string("5b594ade0a975a36c9349e66"), o->getValue<std::string>("session_id"));
        CPPUNIT_ASSERT_EQUAL(std::string("pending"), o->getValue<std::string>("status"));
        CPPUNIT_ASSERT_EQUAL(std::string("_act-b8ebfb63-5f24-4b89-9c08-000000000000"),
                             o->getValue<std::string>("access_token"));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1'700'000'601'000), o->getValue<std::int64_t>("access_token_expires_at_ms"));
        CPPUNIT_ASSERT(p.violations().empty());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SigningVectorsTest);
