// The plugin on the SDK's fake host, its HTTP requests carried over loopback
// to a live FakeSumsub (tests/fakes/sumsub), which checks every signature the
// way Sumsub does: start verification, reuse of an existing applicant, review
// webhooks from the fake normalised by the plugin, forged ones refused, and
// 500 / 429 / hung replies as BOURSE_E_UNAVAILABLE.
#include "KycCalls.h"
#include "Loopback.h"
#include "sumsub/FakeSumsub.h"

#include <bourse/testing/FakeHost.hpp>
#include <bourse/testing/PluginUnderTest.hpp>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <cppunit/extensions/HelperMacros.h>

#include <chrono>
#include <cstdlib>
#include <memory>
#include <thread>

extern "C" const bourse_module bourse_module_entry;

using namespace bourse;
using namespace bourse::sumsub::test;
using bourse::fakes::FakeSumsub;
using bourse::fakes::FakeSumsubOptions;
using bourse::fakes::FakeSumsubReview;
using bourse::fakes::FakeSumsubWebhook;
using bourse::testing::FakeHost;
using bourse::testing::PluginUnderTest;

namespace {

std::int64_t systemNs() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

Poco::JSON::Object::Ptr object(const std::string& text) {
    return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}

struct Secrets {
    std::string appToken = "sbx:fake-app-token", secretKey = "fake-secret-key", webhookSecret = "fake-webhook-secret";
};

/// A FakeSumsub, and the plugin on a fake host whose clock reads the real time
/// (the fake judges X-App-Access-Ts against it) and whose requests reach the fake.
struct Rig {
    FakeSumsub fake;
    FakeHost host{systemNs()};
    std::function<void(const HttpRequest&)> before;  ///< runs before each request is sent
    std::unique_ptr<PluginUnderTest> p;

    explicit Rig(const std::string& extraConfig = "", const Secrets& s = {}, FakeSumsubOptions o = {})
        : fake(std::move(o)) {
        host.setConfig(R"({"api_url":")" + fake.baseUrl() +
                       R"(","websdk_url":"https://bourse.test/kyc?token={access_token}&applicant={applicant_id}",)"
                       R"("request_timeout_ms":500)" +
                       extraConfig + "}");
        host.setSecret("app_token", s.appToken);
        host.setSecret("secret_key", s.secretKey);
        host.setSecret("webhook_secret", s.webhookSecret);
        host.setResponder(loopback([this](const HttpRequest& r) {
            if (before) before(r);
        }));
        p = std::make_unique<PluginUnderTest>(bourse_module_entry, "sumsub", host);
        CPPUNIT_ASSERT_EQUAL(BOURSE_OK, p->start());
    }

    CallResult start(const std::string& user, const std::string& email = "", const std::string& country = "") {
        return startVerification(*p, host, KycRequest{user, email, "Jane Trader", country, "{}"});
    }
    /// Hands a webhook the fake sent (or would have) to the plugin, as the kernel would.
    CallResult deliver(const FakeSumsubWebhook& w) {
        return verifyWebhook(*p, host, sumsubWebhook(w.body, w.alg, w.digest));
    }
    FakeSumsubWebhook lastReviewed() {
        const auto list = fake.webhooks("applicantReviewed");
        CPPUNIT_ASSERT(!list.empty());
        return list.back();
    }
};

void assertUnavailable(const CallResult& r) {
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.text, BOURSE_E_UNAVAILABLE, r.status);
    CPPUNIT_ASSERT_MESSAGE(r.text, r.text.rfind("upstream: ", 0) == 0);
}

}  // namespace

class ProviderOnFakeSumsubTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ProviderOnFakeSumsubTest);
    CPPUNIT_TEST(testStartVerificationSignedAndAccepted);
    CPPUNIT_TEST(testExistingApplicantReused);
    CPPUNIT_TEST(testDecidedApplicantsAnsweredAtOnce);
    CPPUNIT_TEST(testReviewWebhooksNormalised);
    CPPUNIT_TEST(testEveryDigestAlgorithmAccepted);
    CPPUNIT_TEST(testForgedWebhooksRefused);
    CPPUNIT_TEST(testDuplicatesAndOrderCarryTheirIdentity);
    CPPUNIT_TEST(testServerErrorsAndRateLimitsUnavailable);
    CPPUNIT_TEST(testHungRequestTimesOut);
    CPPUNIT_TEST(testRefusedCredentialsAreConfigErrors);
    CPPUNIT_TEST(testSumsubRefusalsCarryTheDescription);
    CPPUNIT_TEST_SUITE_END();

public:
    void testStartVerificationSignedAndAccepted() {
        Rig rig;
        const auto r = rig.start("user-100", "trader@example.com", "IN");
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.text, BOURSE_OK, r.status);
        const auto applicant = rig.fake.applicantByExternalId("user-100");
        CPPUNIT_ASSERT(applicant);
        CPPUNIT_ASSERT_EQUAL(std::string("IND"), applicant->country);
        CPPUNIT_ASSERT_EQUAL(std::string("trader@example.com"), applicant->email);
        const auto tokens = rig.fake.accessTokens();
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), tokens.size());
        CPPUNIT_ASSERT_EQUAL(std::string("user-100"), tokens[0].second);

        const auto o = object(r.text);
        CPPUNIT_ASSERT_EQUAL(applicant->id, o->getValue<std::string>("session_id"));
        CPPUNIT_ASSERT_EQUAL(std::string("pending"), o->getValue<std::string>("status"));
        CPPUNIT_ASSERT_EQUAL(tokens[0].first, o->getValue<std::string>("access_token"));
        CPPUNIT_ASSERT_EQUAL("https://bourse.test/kyc?token=" + tokens[0].first + "&applicant=" + applicant->id,
                             o->getValue<std::string>("redirect_url"));
        CPPUNIT_ASSERT_EQUAL(rig.host.now() / 1'000'000 + 600'000,
                             o->getValue<std::int64_t>("access_token_expires_at_ms"));
        CPPUNIT_ASSERT_EQUAL(std::string("user-100"), o->getValue<std::string>("user_ref"));

        // The fake authenticated both calls: token, fresh timestamp, signature over what arrived.
        const auto seen = rig.fake.requests();
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), seen.size());
        for (const auto& q : seen) {
            CPPUNIT_ASSERT_MESSAGE(q.response, q.signatureValid);
            CPPUNIT_ASSERT_EQUAL(200, q.status);
        }
        CPPUNIT_ASSERT_EQUAL(std::string("/resources/applicants?levelName=basic-kyc-level"), seen[0].target);
        CPPUNIT_ASSERT_EQUAL(std::string("/resources/accessTokens/sdk"), seen[1].target);
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"userId":"user-100","levelName":"basic-kyc-level","ttlInSecs":600})"),
                             seen[1].body);
    }

    void testExistingApplicantReused() {
        Rig rig;
        const std::string id = rig.fake.addApplicant("user-200");  // made earlier, e.g. by the WebSDK
        const auto first = rig.start("user-200");
        CPPUNIT_ASSERT_EQUAL_MESSAGE(first.text, BOURSE_OK, first.status);
        CPPUNIT_ASSERT_EQUAL(id, object(first.text)->getValue<std::string>("session_id"));
        const auto seen = rig.fake.requests();
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), seen.size());
        CPPUNIT_ASSERT_EQUAL(409, seen[0].status);
        CPPUNIT_ASSERT_EQUAL(std::string("/resources/applicants/-;externalUserId=user-200/one"), seen[1].target);
        CPPUNIT_ASSERT_EQUAL(200, seen[1].status);
        CPPUNIT_ASSERT_EQUAL(200, seen[2].status);
        for (const auto& q : seen)
            CPPUNIT_ASSERT(q.signatureValid);
        // Asking again (the WebSDK's token expired) gives the same session and a new token.
        const auto second = rig.start("user-200");
        CPPUNIT_ASSERT_EQUAL_MESSAGE(second.text, BOURSE_OK, second.status);
        CPPUNIT_ASSERT_EQUAL(id, object(second.text)->getValue<std::string>("session_id"));
        CPPUNIT_ASSERT(object(first.text)->getValue<std::string>("access_token") !=
                       object(second.text)->getValue<std::string>("access_token"));
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), rig.fake.applicants().size());
    }

    void testDecidedApplicantsAnsweredAtOnce() {
        Rig rig;
        rig.fake.approve(rig.fake.addApplicant("user-green"));
        rig.fake.review(rig.fake.addApplicant("user-final"),
                        FakeSumsubReview::red("FINAL", {"FORGERY"}, "Your document could not be accepted.",
                                              "Matched a known forgery ring"));
        rig.fake.review(rig.fake.addApplicant("user-retry"),
                        FakeSumsubReview::red("RETRY", {"BAD_SELFIE"}, "Please retake the selfie.", "Blurry"));

        const auto green = object(rig.start("user-green").text);
        CPPUNIT_ASSERT_EQUAL(std::string("approved"), green->getValue<std::string>("status"));
        CPPUNIT_ASSERT(!green->has("access_token"));
        const auto rejectedText = rig.start("user-final").text;
        const auto rejected = object(rejectedText);
        CPPUNIT_ASSERT_EQUAL(std::string("rejected"), rejected->getValue<std::string>("status"));
        CPPUNIT_ASSERT_EQUAL(std::string("Your document could not be accepted. [FORGERY]"),
                             rejected->getValue<std::string>("reason"));
        CPPUNIT_ASSERT(!rejected->has("access_token"));
        CPPUNIT_ASSERT(rejectedText.find("forgery ring") == std::string::npos);
        CPPUNIT_ASSERT(rig.fake.accessTokens().empty());  // nothing for the user to do in the WebSDK
        const auto retry = object(rig.start("user-retry").text);
        CPPUNIT_ASSERT_EQUAL(std::string("rejected"), retry->getValue<std::string>("status"));
        CPPUNIT_ASSERT_EQUAL(true, retry->getValue<bool>("retry"));
        CPPUNIT_ASSERT(retry->has("access_token"));
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), rig.fake.accessTokens().size());
    }

    void testReviewWebhooksNormalised() {
        Rig rig;
        const auto started = object(rig.start("user-300").text);
        const std::string id = started->getValue<std::string>("session_id");

        rig.fake.markPending(id);
        const auto pending = rig.deliver(rig.fake.webhooks("applicantPending").back());
        CPPUNIT_ASSERT_EQUAL_MESSAGE(pending.text, BOURSE_OK, pending.status);
        CPPUNIT_ASSERT_EQUAL(std::string("pending"), object(pending.text)->getValue<std::string>("status"));

        rig.fake.review(id, FakeSumsubReview::red("RETRY", {"UNSATISFACTORY_PHOTOS", "SCREENSHOTS"},
                                                  "We do not accept screenshots.",
                                                  "Internal: device fingerprint matches a banned user"));
        const auto red = rig.deliver(rig.lastReviewed());
        CPPUNIT_ASSERT_EQUAL_MESSAGE(red.text, BOURSE_OK, red.status);
        const auto r = object(red.text);
        CPPUNIT_ASSERT_EQUAL(std::string("rejected"), r->getValue<std::string>("status"));
        CPPUNIT_ASSERT_EQUAL(id, r->getValue<std::string>("session_id"));
        CPPUNIT_ASSERT_EQUAL(std::string("user-300"), r->getValue<std::string>("user_ref"));
        CPPUNIT_ASSERT_EQUAL(std::string("We do not accept screenshots. [UNSATISFACTORY_PHOTOS, SCREENSHOTS]"),
                             r->getValue<std::string>("reason"));
        CPPUNIT_ASSERT_EQUAL(true, r->getValue<bool>("retry"));
        CPPUNIT_ASSERT(red.text.find("banned") == std::string::npos);  // clientComment stays with Sumsub
        CPPUNIT_ASSERT(red.text.find("Internal") == std::string::npos);

        rig.fake.markPending(id);
        rig.fake.approve(id);
        const auto green = rig.deliver(rig.lastReviewed());
        CPPUNIT_ASSERT_EQUAL_MESSAGE(green.text, BOURSE_OK, green.status);
        const auto g = object(green.text);
        CPPUNIT_ASSERT_EQUAL(std::string("approved"), g->getValue<std::string>("status"));
        CPPUNIT_ASSERT_EQUAL(std::string(""), g->getValue<std::string>("reason"));
        // Times come from the payload: the kernel orders events by them.
        const std::int64_t now = rig.host.now() / 1'000'000;
        CPPUNIT_ASSERT(std::abs(g->getValue<std::int64_t>("created_at_ms") - now) < 10'000);
        CPPUNIT_ASSERT(g->getValue<std::int64_t>("created_at_ms") >= r->getValue<std::int64_t>("created_at_ms"));
        CPPUNIT_ASSERT_EQUAL(id + ":applicantReviewed:" + std::to_string(g->getValue<std::int64_t>("created_at_ms")),
                             g->getValue<std::string>("event_id"));

        rig.fake.putOnHold(id);
        CPPUNIT_ASSERT_EQUAL(
            std::string("pending"),
            object(rig.deliver(rig.fake.webhooks("applicantOnHold").back()).text)->getValue<std::string>("status"));
        rig.fake.resetApplicant(id);
        CPPUNIT_ASSERT_EQUAL(
            std::string("pending"),
            object(rig.deliver(rig.fake.webhooks("applicantReset").back()).text)->getValue<std::string>("status"));
        CPPUNIT_ASSERT_EQUAL(
            std::string("ignored"),
            object(rig.deliver(rig.fake.webhooks("applicantCreated").back()).text)->getValue<std::string>("status"));
    }

    void testEveryDigestAlgorithmAccepted() {
        Rig rig;
        const std::string id = rig.fake.addApplicant("user-400");
        for (const char* alg : {"HMAC_SHA1_HEX", "HMAC_SHA256_HEX", "HMAC_SHA512_HEX"}) {
            rig.fake.setWebhookAlg(alg);
            rig.fake.approve(id);
            const auto w = rig.lastReviewed();
            CPPUNIT_ASSERT_EQUAL(std::string(alg), w.alg);
            const auto r = rig.deliver(w);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(std::string(alg) + ": " + r.text, BOURSE_OK, r.status);
        }
    }

    void testForgedWebhooksRefused() {
        Rig rig;
        const std::string id = rig.fake.addApplicant("user-500");
        rig.fake.signWithWrongSecret(true);
        rig.fake.approve(id);
        const auto wrong = rig.deliver(rig.lastReviewed());
        CPPUNIT_ASSERT_EQUAL_MESSAGE(wrong.text, BOURSE_E_SIGNATURE, wrong.status);
        rig.fake.signWithWrongSecret(false);

        // Signed with the app token's secret key (a common integration mistake).
        rig.fake.setWebhookSecret("fake-secret-key");
        rig.fake.approve(id);
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_SIGNATURE, rig.deliver(rig.lastReviewed()).status);
        rig.fake.setWebhookSecret("fake-webhook-secret");

        rig.fake.setWebhookAlg("HMAC_MD5_HEX");  // not one Sumsub offers
        rig.fake.approve(id);
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_SIGNATURE, rig.deliver(rig.lastReviewed()).status);
        rig.fake.setWebhookAlg("HMAC_SHA256_HEX");

        rig.fake.review(id, FakeSumsubReview::red("FINAL", {"FORGERY"}, "No.", ""));
        auto w = rig.lastReviewed();
        CPPUNIT_ASSERT_EQUAL(BOURSE_OK, rig.deliver(w).status);
        // Someone turns the verdict around without the secret: the digest no longer matches.
        const auto at = w.body.find("\"RED\"");
        CPPUNIT_ASSERT(at != std::string::npos);
        w.body.replace(at, 5, "\"GREEN\"");
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_SIGNATURE, rig.deliver(w).status);
        CPPUNIT_ASSERT_EQUAL(
            BOURSE_E_SIGNATURE,
            verifyWebhook(*rig.p, rig.host, Webhook{"/", {{"X-Payload-Digest", w.digest}}, w.body}).status);

        const auto status = object(rig.p->command("status", "{}").text);
        CPPUNIT_ASSERT_EQUAL(5, status->getValue<int>("webhooks_refused_signature"));
        CPPUNIT_ASSERT_EQUAL(1, status->getValue<int>("webhooks_accepted"));
    }

    void testDuplicatesAndOrderCarryTheirIdentity() {
        Rig rig;
        const std::string id = rig.fake.addApplicant("user-600");
        rig.fake.deliverTwice(true);
        rig.fake.approve(id);
        const auto twice = rig.fake.webhooks("applicantReviewed");
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), twice.size());
        const auto a = object(rig.deliver(twice[0]).text), b = object(rig.deliver(twice[1]).text);
        // The same event twice: the kernel keeps one (same event_id).
        CPPUNIT_ASSERT_EQUAL(a->getValue<std::string>("event_id"), b->getValue<std::string>("event_id"));
        rig.fake.deliverTwice(false);

        // Held, then released newest first: created_at_ms tells the kernel which is stale.
        rig.fake.holdWebhooks(true);
        rig.fake.markPending(id);
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        rig.fake.review(id, FakeSumsubReview::red("RETRY", {"SCREENSHOTS"}));
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), rig.fake.webhooks("applicantReviewed").size());
        rig.fake.holdWebhooks(false);
        CPPUNIT_ASSERT_EQUAL(2, rig.fake.releaseWebhooks(true));
        const auto all = rig.fake.webhooks();
        const auto newest = object(rig.deliver(all[all.size() - 2]).text);
        const auto older = object(rig.deliver(all.back()).text);
        CPPUNIT_ASSERT_EQUAL(std::string("rejected"), newest->getValue<std::string>("status"));
        CPPUNIT_ASSERT_EQUAL(std::string("pending"), older->getValue<std::string>("status"));
        CPPUNIT_ASSERT(older->getValue<std::int64_t>("created_at_ms") <
                       newest->getValue<std::int64_t>("created_at_ms"));
        CPPUNIT_ASSERT(older->getValue<std::string>("event_id") != newest->getValue<std::string>("event_id"));
    }

    void testServerErrorsAndRateLimitsUnavailable() {
        Rig rig;
        rig.fake.failNext(500);
        assertUnavailable(rig.start("user-700"));
        rig.fake.failNext(503);
        assertUnavailable(rig.start("user-700"));
        rig.fake.failNext(429);
        const auto limited = rig.start("user-700");
        assertUnavailable(limited);
        CPPUNIT_ASSERT(limited.text.find("rate limit") != std::string::npos);
        // A failure at the second step: the applicant exists, the token request fails.
        rig.before = [&rig](const HttpRequest& r) {
            if (r.url.find("/accessTokens/") != std::string::npos) rig.fake.failNext(502);
        };
        assertUnavailable(rig.start("user-700"));
        rig.before = nullptr;
        // Sumsub is back: the same call succeeds and reuses the applicant made on the way.
        const auto ok = rig.start("user-700");
        CPPUNIT_ASSERT_EQUAL_MESSAGE(ok.text, BOURSE_OK, ok.status);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), rig.fake.applicants().size());
    }

    void testHungRequestTimesOut() {
        Rig rig;  // request_timeout_ms 500
        rig.fake.hangNext();
        const auto began = std::chrono::steady_clock::now();
        assertUnavailable(rig.start("user-800"));
        const auto took = std::chrono::steady_clock::now() - began;
        CPPUNIT_ASSERT(took >= std::chrono::milliseconds(400));
        CPPUNIT_ASSERT(took < std::chrono::seconds(5));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(500), static_cast<std::int64_t>(rig.host.requests.back().timeout.count()));
        rig.fake.releaseHung();
        const auto ok = rig.start("user-800");
        CPPUNIT_ASSERT_EQUAL_MESSAGE(ok.text, BOURSE_OK, ok.status);
    }

    void testRefusedCredentialsAreConfigErrors() {
        Secrets wrongKey;
        wrongKey.secretKey = "wrong-secret-value-123";
        Rig rig("", wrongKey);
        const auto r = rig.start("user-900");
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.text, BOURSE_E_CONFIG, r.status);
        CPPUNIT_ASSERT(r.text.rfind("config: ", 0) == 0);
        CPPUNIT_ASSERT(r.text.find("secret_key") != std::string::npos);
        CPPUNIT_ASSERT(r.text.find("wrong-secret-value-123") == std::string::npos);
        CPPUNIT_ASSERT(r.text.find("sbx:fake-app-token") == std::string::npos);
        CPPUNIT_ASSERT_EQUAL(401, rig.fake.requests().back().status);
        CPPUNIT_ASSERT(rig.fake.applicants().empty());

        Secrets wrongToken;
        wrongToken.appToken = "sbx:revoked-token";
        Rig revoked("", wrongToken);
        const auto t = revoked.start("user-900");
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_CONFIG, t.status);
        CPPUNIT_ASSERT(t.text.find("sbx:revoked-token") == std::string::npos);

        // A host clock an hour off: Sumsub refuses the timestamp; the message points at the clock.
        Rig skewed;
        skewed.host.advance(std::chrono::hours(1));
        const auto s = skewed.start("user-900");
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_CONFIG, s.status);
        CPPUNIT_ASSERT(s.text.find("clock") != std::string::npos);
        CPPUNIT_ASSERT(s.text.find("timestamp") != std::string::npos);  // Sumsub's own description
    }

    void testSumsubRefusalsCarryTheDescription() {
        Rig rig(R"(,"level_name":"gold-level")");
        const auto r = rig.start("user-1000");
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.text, BOURSE_E_INVALID, r.status);
        CPPUNIT_ASSERT(r.text.find("Level 'gold-level' not found") != std::string::npos);
        const auto bad = rig.start("user/1000");
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_INVALID, bad.status);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), rig.fake.requests().size());  // the bad user_ref never left
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ProviderOnFakeSumsubTest);
