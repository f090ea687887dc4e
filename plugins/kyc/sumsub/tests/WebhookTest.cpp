// verify_webhook: the reference digest vectors SW-C1..C3 and SW-X1
// (wire-formats.md §8.5) through the plugin's C ABI, forged and unknown-
// algorithm digests refused before any parsing, and the normalised event for
// each recorded payload (fixtures/webhook_*) — clientComment never in it.
#include "Fixtures.h"
#include "KycCalls.h"
#include "Webhook.h"

#include <bourse/plugins/Signing.h>
#include <bourse/testing/FakeHost.hpp>
#include <bourse/testing/PluginUnderTest.hpp>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/String.h>

#include <cppunit/extensions/HelperMacros.h>

#include <memory>

extern "C" const bourse_module bourse_module_entry;

using namespace bourse;
using namespace bourse::sumsub::test;
using bourse::plugins::Hmac;
using bourse::testing::FakeHost;
using bourse::testing::PluginUnderTest;

namespace {

constexpr const char* kVectorSecret = "sumsub_webhook_secret_42";
const char* const kVectorBody =
    R"({"applicantId":"5cb744200a975a67ed1798a4","inspectionId":"5cb744200a975a67ed1798a5",)"
    R"("correlationId":"req-fa94263f-0b23-42d7-9393-ab10b28ef42d","externalUserId":"user-123",)"
    R"("levelName":"basic-kyc-level","type":"applicantReviewed","reviewResult":{"reviewAnswer":"GREEN"},)"
    R"("reviewStatus":"completed","createdAtMs":"2020-02-21 13:23:19.321"})";
constexpr const char* kC1 = "68b9cc8d2fc6efc4ddc9bcf76335157a61387ae02f766690b0b468c0e2630dba";
constexpr const char* kC2 =
    "06c9149f0817ac70a81ba44054ce413a5d1714f7d7062d82e3c6d0e45aabb6d40a50b24b6fe8f40ccee92a2b2add5b2bafe59efce091ce16"
    "7fbf6dde6cd31453";
constexpr const char* kC3 = "0fe27bce1d096c8b8a2383d0bfd489deb63daa75";
constexpr const char* kX1 = "9598d33f25adcb236ea2d82ee50d9c010fa19d7a";

/// The plugin with a given webhook secret (the app token's secret is another).
struct Rig {
    FakeHost host;
    std::unique_ptr<PluginUnderTest> p;

    explicit Rig(const std::string& webhookSecret = kVectorSecret) {
        host.setSecret("app_token", "sbx:app-token");
        host.setSecret("secret_key", "app-secret-key");
        host.setSecret("webhook_secret", webhookSecret);
        p = std::make_unique<PluginUnderTest>(bourse_module_entry, "sumsub", host);
    }
    CallResult verify(const Webhook& w) { return verifyWebhook(*p, host, w); }
    /// body signed as Sumsub signs it.
    CallResult signedBy(const std::string& body, const std::string& alg = "HMAC_SHA256_HEX", Hmac h = Hmac::Sha256) {
        return verify(sumsubWebhook(body, alg, plugins::hmacHex(h, kVectorSecret, body)));
    }
};

Poco::JSON::Object::Ptr object(const std::string& text) {
    return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}

void assertRefused(const CallResult& r) {
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.text, BOURSE_E_SIGNATURE, r.status);
    CPPUNIT_ASSERT_MESSAGE(r.text, r.text.rfind("signature: ", 0) == 0);
}

const std::string kApprovedC1 =
    R"({"event_id":"5cb744200a975a67ed1798a4:applicantReviewed:1582291399321","type":"applicantReviewed",)"
    R"("session_id":"5cb744200a975a67ed1798a4","user_ref":"user-123","status":"approved","reason":"",)"
    R"("retry":false,"reject_labels":[],"created_at_ms":1582291399321,"level_name":"basic-kyc-level",)"
    R"("review_status":"completed"})";

}  // namespace

class WebhookTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(WebhookTest);
    CPPUNIT_TEST(testDigestVectors);
    CPPUNIT_TEST(testThirdPartyVector);
    CPPUNIT_TEST(testForgedDigestsRefused);
    CPPUNIT_TEST(testUnknownOrMissingAlgorithmRefused);
    CPPUNIT_TEST(testHeaderNamesInAnyCase);
    CPPUNIT_TEST(testRejectedFinal);
    CPPUNIT_TEST(testRejectedRetry);
    CPPUNIT_TEST(testPendingStates);
    CPPUNIT_TEST(testOtherTypesIgnored);
    CPPUNIT_TEST(testEventWithoutTime);
    CPPUNIT_TEST(testSignedButNotAnEvent);
    CPPUNIT_TEST(testSumsubTimes);
    CPPUNIT_TEST_SUITE_END();

public:
    void testDigestVectors() {
        Rig rig;
        // SW-C1, SW-C2, SW-C3: one body, three algorithms, the same event.
        for (const auto& [alg, digest] : std::vector<std::pair<std::string, std::string>>{
                 {"HMAC_SHA256_HEX", kC1}, {"HMAC_SHA512_HEX", kC2}, {"HMAC_SHA1_HEX", kC3}}) {
            const auto r = rig.verify(sumsubWebhook(kVectorBody, alg, digest));
            CPPUNIT_ASSERT_EQUAL_MESSAGE(alg + ": " + r.text, BOURSE_OK, r.status);
            CPPUNIT_ASSERT_EQUAL(kApprovedC1, r.text);
        }
        // Hex case does not matter.
        CPPUNIT_ASSERT_EQUAL(
            BOURSE_OK,
            rig.verify(sumsubWebhook(kVectorBody, "HMAC_SHA256_HEX", Poco::toUpper(std::string(kC1)))).status);
        // The digests are the algorithm's, not just any of the three.
        assertRefused(rig.verify(sumsubWebhook(kVectorBody, "HMAC_SHA512_HEX", kC1)));
        assertRefused(rig.verify(sumsubWebhook(kVectorBody, "HMAC_SHA1_HEX", kC1)));
    }

    void testThirdPartyVector() {
        // SW-X1: secret "ddd", body "payload". The digest checks; the body is no event.
        const Webhook w = sumsubWebhook("payload", "HMAC_SHA1_HEX", kX1);
        sumsub::verifyDigest(w, "ddd");
        Rig rig("ddd");
        const auto r = rig.verify(w);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.text, BOURSE_E_INVALID, r.status);
        assertRefused(
            rig.verify(sumsubWebhook("payload", "HMAC_SHA1_HEX", "8598d33f25adcb236ea2d82ee50d9c010fa19d7a")));
        assertRefused(rig.verify(sumsubWebhook("payload!", "HMAC_SHA1_HEX", kX1)));
    }

    void testForgedDigestsRefused() {
        Rig rig;
        const std::string body = kVectorBody;
        std::string flipped = kC1;
        flipped.back() = flipped.back() == 'a' ? 'b' : 'a';
        assertRefused(rig.verify(sumsubWebhook(body, "HMAC_SHA256_HEX", flipped)));
        assertRefused(rig.verify(sumsubWebhook(body, "HMAC_SHA256_HEX", std::string(kC1).substr(0, 63))));
        assertRefused(rig.verify(sumsubWebhook(body, "HMAC_SHA256_HEX", "")));
        assertRefused(rig.verify(sumsubWebhook(body, "HMAC_SHA256_HEX", std::string(kC1) + "00")));
        // The body must be the exact bytes that were signed: re-serialised JSON fails.
        assertRefused(rig.verify(sumsubWebhook(body + "\n", "HMAC_SHA256_HEX", kC1)));
        assertRefused(rig.verify(
            sumsubWebhook(Poco::replace(body, std::string(","), std::string(", ")), "HMAC_SHA256_HEX", kC1)));
        // Signed with the app token's secret key instead of the webhook secret.
        assertRefused(
            rig.verify(sumsubWebhook(body, "HMAC_SHA256_HEX", plugins::hmacHex(Hmac::Sha256, "app-secret-key", body))));
        // No digest header at all.
        assertRefused(rig.verify(Webhook{"/", {{"X-Payload-Digest-Alg", "HMAC_SHA256_HEX"}}, body}));
    }

    void testUnknownOrMissingAlgorithmRefused() {
        Rig rig;
        for (const char* alg : {"HMAC_MD5_HEX", "hmac_sha256_hex", "SHA256", "HMAC_SHA256", "HMAC_SHA384_HEX", ""})
            assertRefused(rig.verify(sumsubWebhook(kVectorBody, alg, kC1)));
        // Without the header there is no default (Sumsub's dashboard and API disagree on one).
        assertRefused(rig.verify(Webhook{"/", {{"X-Payload-Digest", kC1}}, kVectorBody}));
        assertRefused(rig.verify(Webhook{"/", {{"X-Payload-Digest", kC3}}, kVectorBody}));
    }

    void testHeaderNamesInAnyCase() {
        Rig rig;
        const auto r = rig.verify(
            Webhook{"/", {{"x-payload-digest", kC2}, {"X-PAYLOAD-DIGEST-ALG", "HMAC_SHA512_HEX"}}, kVectorBody});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.text, BOURSE_OK, r.status);
    }

    void testRejectedFinal() {
        Rig rig;
        const auto r = rig.signedBy(fixture("webhook_applicantReviewed_red_final.json"));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.text, BOURSE_OK, r.status);
        CPPUNIT_ASSERT_EQUAL(
            std::string(R"({"event_id":"5cb744200a975a67ed1798a4:applicantReviewed:1582291399001",)"
                        R"("type":"applicantReviewed","session_id":"5cb744200a975a67ed1798a4","user_ref":"user-123",)"
                        R"("status":"rejected","reason":"We could not verify your document. )"
                        R"([UNSATISFACTORY_PHOTOS, GRAPHIC_EDITOR, FORGERY]","retry":false,)"
                        R"("reject_labels":["UNSATISFACTORY_PHOTOS","GRAPHIC_EDITOR","FORGERY"],)"
                        R"("created_at_ms":1582291399001,"level_name":"basic-kyc-level","review_status":"completed"})"),
            r.text);
        CPPUNIT_ASSERT(r.text.find("fraud") == std::string::npos);  // the clientComment
    }

    void testRejectedRetry() {
        Rig rig;
        const auto r = rig.signedBy(fixture("webhook_applicantReviewed_red_retry.json"), "HMAC_SHA1_HEX", Hmac::Sha1);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.text, BOURSE_OK, r.status);
        const auto o = object(r.text);
        CPPUNIT_ASSERT_EQUAL(std::string("rejected"), o->getValue<std::string>("status"));
        CPPUNIT_ASSERT_EQUAL(true, o->getValue<bool>("retry"));
        CPPUNIT_ASSERT_EQUAL(
            std::string("We do not accept screenshots. Please upload an original photo. [UNSATISFACTORY_PHOTOS, "
                        "SCREENSHOTS]"),
            o->getValue<std::string>("reason"));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1'709'626'244'512), o->getValue<std::int64_t>("created_at_ms"));
        CPPUNIT_ASSERT(r.text.find("Screenshots are not accepted.") == std::string::npos);  // the clientComment
    }

    void testPendingStates() {
        Rig rig;
        const std::vector<std::tuple<std::string, std::string, std::int64_t>> cases = {
            {"webhook_applicantPending.json", "applicantPending", 1'709'625'730'007},
            {"webhook_applicantOnHold.json", "applicantOnHold", 1'709'625'900'250},
            {"webhook_applicantReset.json", "applicantReset", 1'709'722'800'000}};
        for (const auto& [file, type, ms] : cases) {
            const auto r = rig.signedBy(fixture(file));
            CPPUNIT_ASSERT_EQUAL_MESSAGE(file + ": " + r.text, BOURSE_OK, r.status);
            const auto o = object(r.text);
            CPPUNIT_ASSERT_EQUAL(std::string("pending"), o->getValue<std::string>("status"));
            CPPUNIT_ASSERT_EQUAL(type, o->getValue<std::string>("type"));
            CPPUNIT_ASSERT_EQUAL(ms, o->getValue<std::int64_t>("created_at_ms"));
            CPPUNIT_ASSERT_EQUAL("5cb744200a975a67ed1798a4:" + type + ":" + std::to_string(ms),
                                 o->getValue<std::string>("event_id"));
            CPPUNIT_ASSERT_EQUAL(std::string(""), o->getValue<std::string>("reason"));
        }
    }

    void testOtherTypesIgnored() {
        Rig rig;
        const auto r = rig.signedBy(fixture("webhook_applicantCreated.json"));
        CPPUNIT_ASSERT_EQUAL(
            std::string(R"({"event_id":"5cb744200a975a67ed1798a4:applicantCreated:1709625600100",)"
                        R"("type":"applicantCreated","session_id":"5cb744200a975a67ed1798a4","user_ref":"user-123",)"
                        R"("status":"ignored","reason":"","retry":false,"reject_labels":[],)"
                        R"("created_at_ms":1709625600100,"level_name":"basic-kyc-level","review_status":"init"})"),
            r.text);
        for (const char* type : {"applicantPrechecked", "applicantPersonalInfoChanged", "applicantDeleted",
                                 "applicantActionReviewed", "somethingNew"}) {
            const std::string body = R"({"applicantId":"a1","externalUserId":"u1","type":")" + std::string(type) +
                                     R"(","createdAtMs":"2024-03-05 08:00:00.100"})";
            const auto other = rig.signedBy(body);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(other.text, BOURSE_OK, other.status);
            CPPUNIT_ASSERT_EQUAL(std::string("ignored"), object(other.text)->getValue<std::string>("status"));
        }
    }

    void testEventWithoutTime() {
        Rig rig;
        const std::string body = fixture("webhook_applicantReviewed_no_time.json");
        const std::string digest = plugins::hmacHex(Hmac::Sha256, kVectorSecret, body);
        const auto r = rig.verify(sumsubWebhook(body, "HMAC_SHA256_HEX", digest));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.text, BOURSE_OK, r.status);
        const auto o = object(r.text);
        CPPUNIT_ASSERT_EQUAL(rig.host.now() / 1'000'000, o->getValue<std::int64_t>("created_at_ms"));
        CPPUNIT_ASSERT_EQUAL("5cb744200a975a67ed1798a4:applicantReviewed:digest-" + digest.substr(0, 32),
                             o->getValue<std::string>("event_id"));
    }

    void testSignedButNotAnEvent() {
        Rig rig;
        for (const std::string& body :
             {std::string("[1,2,3]"), std::string("{"), std::string(R"({"type":"applicantReviewed"})"),
              std::string(
                  R"({"applicantId":"a1","type":"applicantReviewed","reviewResult":{"reviewAnswer":"YELLOW"}})"),
              std::string(R"({"applicantId":"a1","type":"applicantReviewed"})")}) {
            const auto r = rig.signedBy(body);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(body + ": " + r.text, BOURSE_E_INVALID, r.status);
            CPPUNIT_ASSERT(r.text.rfind("sumsub: ", 0) == 0);
        }
    }

    void testSumsubTimes() {
        using sumsub::parseSumsubTime;
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1'582'291'399'321), *parseSumsubTime("2020-02-21 13:23:19.321"));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1'582'291'399'000), *parseSumsubTime("2020-02-21 13:23:19"));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1'582'291'399'300), *parseSumsubTime("2020-02-21T13:23:19.3Z"));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1'582'291'399'000), *parseSumsubTime("2020-02-21 13:23:19+0000"));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1'582'291'399'000), *parseSumsubTime("2020-02-21 15:23:19+02:00"));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(951'782'400'000), *parseSumsubTime("2000-02-29 00:00:00"));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), *parseSumsubTime("1970-01-01 00:00:00.000"));
        for (const char* bad : {"", "2020-02-21", "2020-13-01 00:00:00", "2020-02-21 13:23", "21.02.2020 13:23:19",
                                "2020-02-21 13:23:19.", "2020-02-21 13:23:19 UTC"})
            CPPUNIT_ASSERT_MESSAGE(bad, !parseSumsubTime(bad));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(WebhookTest);
