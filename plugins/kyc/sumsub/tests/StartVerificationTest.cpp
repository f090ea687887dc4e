// start_verification on recorded Sumsub replies (fixtures/rest_*): which
// requests follow which answer, what the reply says for each review state,
// and how each failure maps to a status, with Sumsub's description and never
// a secret in the message.
#include "Fixtures.h"
#include "KycCalls.h"

#include <bourse/testing/FakeHost.hpp>
#include <bourse/testing/PluginUnderTest.hpp>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <cppunit/extensions/HelperMacros.h>

#include <memory>

extern "C" const bourse_module bourse_module_entry;

using namespace bourse;
using namespace bourse::sumsub::test;
using bourse::testing::FakeHost;
using bourse::testing::PluginUnderTest;

namespace {

constexpr const char* kAppToken = "sbx:uY0CgwELmgUAEyl4hNWxLngb.0WSeQeiYny4WEqmAALEAiK2qTC96fBad";
constexpr const char* kSecretKey = "Hej2ch71kG2kTd1iIUDZFNsO5C1lh5Gq";
constexpr const char* kWebhookSecret = "whsec-sumsub-not-the-key";

/// The plugin on a fake host answering from a script.
struct Rig {
    FakeHost host;
    Script script;
    std::unique_ptr<PluginUnderTest> p;

    explicit Rig(std::vector<HttpResponse> answers,
                 const std::string& config = R"({"websdk_url":"https://bourse.test/kyc#{access_token}"})") {
        host.setConfig(config);
        host.setSecret("app_token", kAppToken);
        host.setSecret("secret_key", kSecretKey);
        host.setSecret("webhook_secret", kWebhookSecret);
        script.answers = std::move(answers);
        script.install(host);
        p = std::make_unique<PluginUnderTest>(bourse_module_entry, "sumsub", host);
        CPPUNIT_ASSERT_EQUAL(BOURSE_OK, p->start());
    }

    CallResult start(const std::string& user = "user-123", const std::string& email = "",
                     const std::string& country = "") {
        return startVerification(*p, host, KycRequest{user, email, "Jane Trader", country, "{}"});
    }
};

Poco::JSON::Object::Ptr object(const std::string& text) {
    return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}

void assertNoSecret(const std::string& text) {
    for (const char* secret : {kAppToken, kSecretKey, kWebhookSecret})
        CPPUNIT_ASSERT_MESSAGE(text, text.find(secret) == std::string::npos);
}

std::string exists() {
    return fixture("rest_error_409_exists.json");
}

}  // namespace

class StartVerificationTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(StartVerificationTest);
    CPPUNIT_TEST(testNewApplicantGetsAToken);
    CPPUNIT_TEST(testExistingApplicantIsFetched);
    CPPUNIT_TEST(testApprovedAnsweredWithoutToken);
    CPPUNIT_TEST(testFinalRejectionAnsweredWithoutToken);
    CPPUNIT_TEST(testRetryRejectionGetsAToken);
    CPPUNIT_TEST(testOldResultDoesNotCountWhileResubmitted);
    CPPUNIT_TEST(testFailuresMapToStatuses);
    CPPUNIT_TEST(testBadUserRefRefusedWithoutRequest);
    CPPUNIT_TEST_SUITE_END();

public:
    void testNewApplicantGetsAToken() {
        Rig rig({json(200, fixture("rest_applicant_created.json")), json(200, fixture("rest_access_token.json"))});
        const auto r = rig.start("user-123", "trader@example.com", "DE");
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.text, BOURSE_OK, r.status);
        CPPUNIT_ASSERT_EQUAL(
            std::string(R"({"session_id":"5b594ade0a975a36c9349e66","status":"pending",)"
                        R"("redirect_url":"https://bourse.test/kyc#_act-b8ebfb63-5f24-4b89-9c08-000000000000",)"
                        R"("access_token":"_act-b8ebfb63-5f24-4b89-9c08-000000000000",)"
                        R"("access_token_expires_at_ms":1700000600000,"reason":"","retry":false,)"
                        R"("reject_labels":[],"level_name":"basic-kyc-level","user_ref":"user-123"})"),
            r.text);
        // The kernel's alpha-2 country goes out as Sumsub's alpha-3; the full name is not sent.
        CPPUNIT_ASSERT_EQUAL(
            std::string(R"({"externalUserId":"user-123","email":"trader@example.com","fixedInfo":{"country":"DEU"}})"),
            rig.host.requests[0].body);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), rig.host.requests.size());
    }

    void testExistingApplicantIsFetched() {
        Rig rig({json(409, exists()), json(200, fixture("rest_applicant_created.json")),
                 json(200, fixture("rest_access_token.json"))});
        const auto r = rig.start("user-123", "", "ZZ");  // not a country: no fixedInfo
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.text, BOURSE_OK, r.status);
        CPPUNIT_ASSERT_EQUAL(std::string("5b594ade0a975a36c9349e66"),
                             object(r.text)->getValue<std::string>("session_id"));
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"externalUserId":"user-123"})"), rig.host.requests[0].body);
        CPPUNIT_ASSERT_EQUAL(std::string("GET"), rig.host.requests[1].method);
        CPPUNIT_ASSERT(rig.host.requests[1].url.find("/resources/applicants/-;externalUserId=user-123/one") !=
                       std::string::npos);
    }

    void testApprovedAnsweredWithoutToken() {
        Rig rig({json(409, exists()), json(200, fixture("rest_applicant_green.json"))});
        const auto r = rig.start();
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.text, BOURSE_OK, r.status);
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"session_id":"5b594ade0a975a36c9349e66","status":"approved",)"
                                         R"("redirect_url":"","reason":"","retry":false,"reject_labels":[],)"
                                         R"("level_name":"basic-kyc-level","user_ref":"user-123"})"),
                             r.text);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), rig.host.requests.size());
    }

    void testFinalRejectionAnsweredWithoutToken() {
        Rig rig({json(409, exists()), json(200, fixture("rest_applicant_red_final.json"))});
        const auto r = rig.start();
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.text, BOURSE_OK, r.status);
        const auto o = object(r.text);
        CPPUNIT_ASSERT_EQUAL(std::string("rejected"), o->getValue<std::string>("status"));
        CPPUNIT_ASSERT_EQUAL(std::string("We could not verify your document. [FORGERY, GRAPHIC_EDITOR]"),
                             o->getValue<std::string>("reason"));
        CPPUNIT_ASSERT_EQUAL(false, o->getValue<bool>("retry"));
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), o->getArray("reject_labels")->size());
        CPPUNIT_ASSERT(!o->has("access_token"));
        CPPUNIT_ASSERT_EQUAL(std::string(""), o->getValue<std::string>("redirect_url"));
        // clientComment is for the operator only: it never reaches the reply.
        CPPUNIT_ASSERT(r.text.find("fraud list") == std::string::npos);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), rig.host.requests.size());
    }

    void testRetryRejectionGetsAToken() {
        Rig rig({json(409, exists()), json(200, fixture("rest_applicant_red_retry.json")),
                 json(200, fixture("rest_access_token.json"))});
        const auto r = rig.start();
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.text, BOURSE_OK, r.status);
        const auto o = object(r.text);
        CPPUNIT_ASSERT_EQUAL(std::string("rejected"), o->getValue<std::string>("status"));
        CPPUNIT_ASSERT_EQUAL(true, o->getValue<bool>("retry"));
        CPPUNIT_ASSERT_EQUAL(std::string("_act-b8ebfb63-5f24-4b89-9c08-000000000000"),
                             o->getValue<std::string>("access_token"));
        CPPUNIT_ASSERT(r.text.find("Screenshots are not accepted.") == std::string::npos);  // the clientComment
        CPPUNIT_ASSERT(r.text.find("We do not accept screenshots.") != std::string::npos);
    }

    void testOldResultDoesNotCountWhileResubmitted() {
        Rig rig({json(409, exists()), json(200, fixture("rest_applicant_pending_after_red.json")),
                 json(200, fixture("rest_access_token.json"))});
        const auto r = rig.start();
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.text, BOURSE_OK, r.status);
        CPPUNIT_ASSERT_EQUAL(std::string("pending"), object(r.text)->getValue<std::string>("status"));
        CPPUNIT_ASSERT_EQUAL(std::string(""), object(r.text)->getValue<std::string>("reason"));
    }

    void testFailuresMapToStatuses() {
        struct Case {
            std::vector<HttpResponse> answers;
            bourse_status status;
            std::string message;
        };
        const std::vector<Case> cases = {
            {{json(401, fixture("rest_error_401_signature.json"))}, BOURSE_E_CONFIG, "app_token and secret_key"},
            {{json(401, R"({"description":"bad token )" + std::string(kAppToken) + R"(","code":401})")},
             BOURSE_E_CONFIG,
             "bad token ***"},
            {{json(403, R"({"description":"Forbidden","code":403})")}, BOURSE_E_CONFIG, "permissions"},
            {{json(404, fixture("rest_error_404_level.json"))}, BOURSE_E_INVALID, "Level 'gold-level' not found"},
            {{json(400, R"({"description":"Invalid email","code":400})")}, BOURSE_E_INVALID, "Invalid email"},
            {{json(409, R"({"description":"Conflict of another kind","code":409})")}, BOURSE_E_REJECTED, "Conflict"},
            {{json(409, exists()), json(404, R"({"description":"Applicant not found","code":404})")},
             BOURSE_E_REJECTED,
             "cannot see"},
            {{json(429, fixture("rest_error_429.json"))}, BOURSE_E_UNAVAILABLE, "rate limit"},
            {{json(500, "<html>Internal Server Error</html>")}, BOURSE_E_UNAVAILABLE, "HTTP 500"},
            {{json(503, R"({"description":"Service Unavailable","code":503})")}, BOURSE_E_UNAVAILABLE, "503"},
            {{HttpResponse{0, {}, "", "upstream: Timeout"}}, BOURSE_E_UNAVAILABLE, "Timeout"},
            {{json(200, "{}")}, BOURSE_E_UNAVAILABLE, "without an id"},
            {{json(200, fixture("rest_applicant_created.json")), json(200, R"({"userId":"user-123"})")},
             BOURSE_E_UNAVAILABLE,
             "without a token"},
            {{json(200, fixture("rest_applicant_created.json")), json(502, "bad gateway")},
             BOURSE_E_UNAVAILABLE,
             "access token"},
        };
        for (const auto& c : cases) {
            Rig rig(c.answers);
            const auto r = rig.start();
            CPPUNIT_ASSERT_EQUAL_MESSAGE(r.text, c.status, r.status);
            CPPUNIT_ASSERT_MESSAGE(r.text + " lacks: " + c.message, r.text.find(c.message) != std::string::npos);
            assertNoSecret(r.text);
            for (const auto& line : rig.host.logs)
                assertNoSecret(line.text);
            CPPUNIT_ASSERT_EQUAL(c.answers.size(), rig.host.requests.size());  // no retry inside a call
        }
    }

    void testBadUserRefRefusedWithoutRequest() {
        for (const std::string& user : std::vector<std::string>{"", "a/b", "user 1", "x?y=1", std::string(257, 'u')}) {
            Rig rig({});
            const auto r = rig.start(user);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(user, BOURSE_E_INVALID, r.status);
            CPPUNIT_ASSERT(r.text.rfind("invalid: user_ref", 0) == 0);
            CPPUNIT_ASSERT(rig.host.requests.empty());
        }
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(StartVerificationTest);
