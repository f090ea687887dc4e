// Vendor KYC through the real kernel (both backends): the Sumsub plugin against
// the fake Sumsub, whose signed webhooks reach /api/v1/webhooks/sumsub. A review
// decides kyc_status once; duplicates and stale events change nothing; forged
// digests get 400; a rejection's client-only comment is never stored or shown.
#include "Assertions.h"
#include "BourseProcess.h"
#include "sumsub/FakeSumsub.h"

#include <cppunit/extensions/HelperMacros.h>

using namespace bourse::test;
using bourse::fakes::FakeSumsub;
using bourse::fakes::FakeSumsubOptions;
using bourse::fakes::FakeSumsubReview;

namespace {

std::string configYaml(const FakeSumsub& fake) {
    return "data_dir: DATA_DIR\nserver: { host: 127.0.0.1, port: 0 }\n"
           "security: { auth_rate_per_minute: 100000, api_rate_per_minute: 100000 }\n"
           "kyc: { provider: sumsub, required_for: [withdrawals] }\n"
           "plugin_dirs: [BUILD_DIR/lib/bourse/plugins]\nplugins:\n"
           "  - id: sumsub\n    library: bourse-plugin-sumsub\n"
           "    secrets: { app_token: " +
           fake.options().appToken + ", secret_key: " + fake.options().secretKey +
           ", webhook_secret: " + fake.options().webhookSecret + " }\n    config: { api_url: \"" + fake.baseUrl() +
           "\" }\n";
}

std::string kycStatus(const BourseProcess& b, const std::string& token) {
    return b.get("/api/v1/me", token).json()->getValue<std::string>("kyc_status");
}

/// The user id behind a token.
std::string userId(const BourseProcess& b, const std::string& token) {
    return b.get("/api/v1/me", token).json()->getValue<std::string>("id");
}

}  // namespace

class KycVendorTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(KycVendorTest);
    CPPUNIT_TEST(aReviewDecidesOnceAndForgeriesAreRefused);
    CPPUNIT_TEST(aRejectionReachesTheUserWithoutTheOperatorComment);
    CPPUNIT_TEST_SUITE_END();

public:
    void aReviewDecidesOnceAndForgeriesAreRefused() {
        FakeSumsub fake;
        BourseProcess b(configYaml(fake));
        fake.setWebhookUrl("http://127.0.0.1:" + std::to_string(b.port()) + "/api/v1/webhooks/sumsub");
        const std::string t = b.userToken("nia@bourse.test");
        const auto started = b.post("/api/v1/kyc/start", R"({"country":"DE"})", t);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(started.body, 200, started.status);
        CPPUNIT_ASSERT(!started.json()->getObject("provider")->getValue<std::string>("access_token").empty());
        const auto applicant = fake.applicantByExternalId(userId(b, t));
        CPPUNIT_ASSERT(applicant);
        CPPUNIT_ASSERT_EQUAL(std::string("pending"), kycStatus(b, t));
        // Starting again continues the same applicant (a fresh SDK token), no second case.
        CPPUNIT_ASSERT_EQUAL(200, b.post("/api/v1/kyc/start", "{}", t).status);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), fake.applicants().size());
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), b.adminGet("/api/v1/admin/kyc").json()->getArray("cases")->size());

        // A forged review is refused and decides nothing.
        fake.signWithWrongSecret(true);
        fake.approve(applicant->id);
        CPPUNIT_ASSERT_EQUAL(400, fake.webhooks("applicantReviewed").back().status);
        CPPUNIT_ASSERT_EQUAL(std::string("pending"), kycStatus(b, t));
        fake.signWithWrongSecret(false);

        // The genuine one, delivered twice: verified once.
        fake.deliverTwice(true);
        fake.approve(applicant->id);
        const auto deliveries = fake.webhooks("applicantReviewed");
        CPPUNIT_ASSERT_EQUAL(200, deliveries.back().status);
        CPPUNIT_ASSERT_EQUAL(std::string("verified"), kycStatus(b, t));
        const auto audit = b.adminGet("/api/v1/admin/audit?limit=100").body;
        CPPUNIT_ASSERT_MESSAGE(audit, contains(audit, "approved: applied"));
        CPPUNIT_ASSERT_MESSAGE(audit, contains(audit, "approved: unchanged"));
        CPPUNIT_ASSERT(contains(audit, "webhook.refused"));
    }

    void aRejectionReachesTheUserWithoutTheOperatorComment() {
        FakeSumsub fake;
        BourseProcess b(configYaml(fake));
        fake.setWebhookUrl("http://127.0.0.1:" + std::to_string(b.port()) + "/api/v1/webhooks/sumsub");
        const std::string t = b.userToken("oli@bourse.test");
        CPPUNIT_ASSERT_EQUAL(200, b.post("/api/v1/kyc/start", "{}", t).status);
        const auto applicant = fake.applicantByExternalId(userId(b, t));
        CPPUNIT_ASSERT(applicant);
        // An older "pending" held back and delivered after the review must not undo it.
        fake.holdWebhooks(true);
        fake.markPending(applicant->id);
        fake.holdWebhooks(false);
        fake.review(applicant->id, FakeSumsubReview::red("FINAL", {"FORGERY"}, "The document looks edited.",
                                                         "internal: matches fraud ring #12"));
        CPPUNIT_ASSERT_EQUAL(std::string("rejected"), kycStatus(b, t));
        fake.releaseWebhooks(false);
        CPPUNIT_ASSERT_EQUAL(std::string("rejected"), kycStatus(b, t));
        const auto kyc = b.get("/api/v1/kyc", t);
        CPPUNIT_ASSERT_MESSAGE(kyc.body, contains(kyc.body, "The document looks edited."));
        CPPUNIT_ASSERT_MESSAGE(kyc.body, !contains(kyc.body, "fraud ring"));
        CPPUNIT_ASSERT(!contains(b.adminGet("/api/v1/admin/kyc").body, "fraud ring"));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(KycVendorTest);
