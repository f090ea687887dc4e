// Stripe-Signature verification on the reference vectors (wire-formats.md
// §8.4, S-C1..S-C5) and stripe-node's behaviour around them: the parser,
// the tolerance boundary, future timestamps, rotation. First the pure
// function, then the plugin on the fake host, whose clock is the one checked.
#include "Signature.h"
#include "StripeRig.h"

#include <bourse/plugins/Signing.h>

#include <cppunit/extensions/HelperMacros.h>

using namespace bourse;
using namespace bourse::testing;
using bourse::stripe::SignaturePolicy;
using bourse::stripe::verifySignature;

namespace {

const std::string kSC1Body = R"({"id":"evt_test_webhook","object":"event"})";
const std::string kSC1Sig = "d95c6b7477fbd7e9f90b1b0ef5f9c7ac25abca5382460e0d988c2b2a5b71b990";
const std::string kSC2Body = "{\n  \"id\": \"evt_test_webhook\",\n  \"object\": \"event\"\n}";
const std::string kSC2Sig = "4f1cd7feda9826e746b7d482c4badebb657398df1099e1046364f6196a230150";
const std::string kRotSecret = "whsec_2b5aLx0Qk9r3sJw8T1mZyVq7eH4cN6dU";
const std::string kOld = "whsec_old_secret_A", kNew = "whsec_new_secret_B";
const std::string kSC5Old = "5a284fadbb00f9a23b6e0095b5a0162ef4b111473735b0b905caad0c31917b93";
const std::string kSC5New = "c8c9255003086abd265b1a989db28a9a298fa787afa6317da787d32450b39eaf";

SignaturePolicy at(std::int64_t now, std::int64_t skew = 300) {
    SignaturePolicy p;
    p.nowS = now;
    p.toleranceS = 300;
    p.futureSkewS = skew;
    return p;
}

/// The message of the Error(BOURSE_E_SIGNATURE) verification throws; "" when it passes.
std::string refusal(const std::string& header, const std::string& body, const std::vector<std::string>& secrets,
                    const SignaturePolicy& policy) {
    try {
        verifySignature(header, body, secrets, policy);
        return "";
    } catch (const Error& e) {
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_SIGNATURE, e.status());
        return e.what();
    }
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

}  // namespace

class SignatureTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(SignatureTest);
    CPPUNIT_TEST(testReferenceVectors);
    CPPUNIT_TEST(testRotationEitherSecret);
    CPPUNIT_TEST(testToleranceBoundaryAndFuture);
    CPPUNIT_TEST(testHeaderParsing);
    CPPUNIT_TEST(testWrongSecretOrBody);
    CPPUNIT_TEST(testPluginUsesHostClock);
    CPPUNIT_TEST(testPluginHeaderAndRotationConfig);
    CPPUNIT_TEST_SUITE_END();

public:
    void testReferenceVectors() {
        CPPUNIT_ASSERT_EQUAL(std::string(""),
                             refusal("t=1700000000,v1=" + kSC1Sig, kSC1Body, {"whsec_test_secret"}, at(1'700'000'000)));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1'700'000'000), verifySignature("t=1700000000,v1=" + kSC1Sig, kSC1Body,
                                                                          {"whsec_test_secret"}, at(1'700'000'000)));
        // S-C2: the body as stripe-node's tests send it, newlines and indentation included.
        CPPUNIT_ASSERT_EQUAL(std::string(""),
                             refusal("t=1700000000,v1=" + kSC2Sig, kSC2Body, {"whsec_test_secret"}, at(1'700'000'000)));
        CPPUNIT_ASSERT(
            !refusal("t=1700000000,v1=" + kSC1Sig, kSC2Body, {"whsec_test_secret"}, at(1'700'000'000)).empty());
        // S-C3, S-C4: recorded bodies (fixtures), the §8.4 signatures.
        CPPUNIT_ASSERT_EQUAL(std::string(""),
                             refusal("t=1714000000,v1=bd8341c61adda91bc735906edefba107f58ffa2850e4a99e94bbe06649f7097d",
                                     stripe_test::fixture("webhook_payment_intent_succeeded_sc3.json"), {kRotSecret},
                                     at(1'714'000'000)));
        CPPUNIT_ASSERT_EQUAL(std::string(""),
                             refusal("t=1714000123,v1=66c1654befd9271d0aeca078f3b29359fe81a336c3e3df8e805de56c2d243778",
                                     stripe_test::fixture("webhook_checkout_session_completed_sc4.json"), {kRotSecret},
                                     at(1'714'000'123)));
    }

    void testRotationEitherSecret() {
        const std::string header = "t=1714000200,v1=" + kSC5Old + ",v1=" + kSC5New;
        CPPUNIT_ASSERT_EQUAL(std::string(""), refusal(header, kSC1Body, {kOld}, at(1'714'000'200)));
        CPPUNIT_ASSERT_EQUAL(std::string(""), refusal(header, kSC1Body, {kNew}, at(1'714'000'200)));
        CPPUNIT_ASSERT_EQUAL(std::string(""), refusal(header, kSC1Body, {kNew, kOld}, at(1'714'000'200)));
        // A header signed with the old secret only, checked by an endpoint that holds both.
        CPPUNIT_ASSERT_EQUAL(std::string(""),
                             refusal("t=1714000200,v1=" + kSC5Old, kSC1Body, {kNew, kOld}, at(1'714'000'200)));
        CPPUNIT_ASSERT(!refusal("t=1714000200,v1=" + kSC5Old, kSC1Body, {kNew}, at(1'714'000'200)).empty());
    }

    void testToleranceBoundaryAndFuture() {
        const std::string header = "t=1700000000,v1=" + kSC1Sig;
        const std::vector<std::string> s = {"whsec_test_secret"};
        CPPUNIT_ASSERT_EQUAL(std::string(""), refusal(header, kSC1Body, s, at(1'700'000'300)));  // t + 300
        const std::string late = refusal(header, kSC1Body, s, at(1'700'000'301));                // t + 301
        CPPUNIT_ASSERT_MESSAGE(late, contains(late, "signature: timestamp outside the tolerance zone"));
        // stripe-node accepts any future timestamp; this verifier bounds it (future_skew_s, 300 by default).
        CPPUNIT_ASSERT_EQUAL(std::string(""), refusal(header, kSC1Body, s, at(1'700'000'000 - 300)));
        const std::string ahead = refusal(header, kSC1Body, s, at(1'700'000'000 - 1000));
        CPPUNIT_ASSERT_MESSAGE(ahead, contains(ahead, "in the future"));
        CPPUNIT_ASSERT_EQUAL(std::string(""), refusal(header, kSC1Body, s, at(1'700'000'000 - 1000, 1000)));
    }

    void testHeaderParsing() {
        const std::vector<std::string> s = {"whsec_test_secret"};
        const auto now = at(1'700'000'000);
        // One matching v1 among others suffices; v0 is ignored.
        CPPUNIT_ASSERT_EQUAL(std::string(""),
                             refusal("t=1700000000,v1=deadbeef,v1=" + kSC1Sig + ",v0=abc", kSC1Body, s, now));
        CPPUNIT_ASSERT(contains(refusal("bad_header", kSC1Body, s, now), "unable to extract timestamp"));
        CPPUNIT_ASSERT(contains(refusal("v1=" + kSC1Sig, kSC1Body, s, now), "unable to extract timestamp"));
        CPPUNIT_ASSERT(contains(refusal("t=,v1=" + kSC1Sig, kSC1Body, s, now), "unable to extract timestamp"));
        CPPUNIT_ASSERT(contains(refusal("t=17e8,v1=" + kSC1Sig, kSC1Body, s, now), "unable to extract timestamp"));
        CPPUNIT_ASSERT(
            contains(refusal("t=01700000000,v1=" + kSC1Sig, kSC1Body, s, now), "unable to extract timestamp"));
        CPPUNIT_ASSERT(contains(refusal("t=1700000000,t=1700000000,v1=" + kSC1Sig, kSC1Body, s, now), "t given twice"));
        CPPUNIT_ASSERT(contains(refusal("t=1700000000,v0=" + kSC1Sig, kSC1Body, s, now),
                                "no signatures found with expected scheme v1"));
        CPPUNIT_ASSERT(contains(refusal("", kSC1Body, s, now), "missing"));
        // Surrounding whitespace is HTTP's, not the value's; inner spaces are not Stripe's format.
        CPPUNIT_ASSERT_EQUAL(std::string(""), refusal("  t=1700000000,v1=" + kSC1Sig + " ", kSC1Body, s, now));
        CPPUNIT_ASSERT(!refusal("t=1700000000, v1=" + kSC1Sig, kSC1Body, s, now).empty());
        // Hex is compared exactly, as stripe-node does: Stripe sends lower case.
        std::string upper = kSC1Sig;
        for (char& c : upper)
            c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        CPPUNIT_ASSERT(!refusal("t=1700000000,v1=" + upper, kSC1Body, s, now).empty());
    }

    void testWrongSecretOrBody() {
        const auto now = at(1'700'000'000);
        const std::string header = "t=1700000000,v1=" + kSC1Sig;
        const std::string wrong = refusal(header, kSC1Body, {"whsec_other"}, now);
        CPPUNIT_ASSERT_MESSAGE(wrong, contains(wrong, "no signatures found matching the expected signature"));
        CPPUNIT_ASSERT(!contains(wrong, "whsec_"));                                       // never the secret
        CPPUNIT_ASSERT(!refusal(header, kSC1Body, {"whsec_test_secret "}, now).empty());  // stray space
        CPPUNIT_ASSERT(!refusal(header, kSC1Body, {"test_secret"}, now).empty());  // the prefix is part of the key
        CPPUNIT_ASSERT(!refusal(header, kSC1Body + " ", {"whsec_test_secret"}, now).empty());
        // The timestamp is part of what is signed.
        CPPUNIT_ASSERT(!refusal("t=1700000001,v1=" + kSC1Sig, kSC1Body, {"whsec_test_secret"}, now).empty());
    }

    void testPluginUsesHostClock() {
        FakeHost host;  // 1700000000 s: S-C1's t
        stripe_test::configure(host);
        PluginUnderTest p(bourse_module_entry, "stripe", host);
        const bourse::Webhook w{"/webhooks/stripe", {{"Stripe-Signature", "t=1700000000,v1=" + kSC1Sig}}, kSC1Body};
        const auto ok = p.verifyWebhook(w);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(ok.text, BOURSE_OK, ok.status);
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"event_id":"evt_test_webhook","type":"ignored"})"), ok.text);
        host.advance(std::chrono::seconds(300));
        CPPUNIT_ASSERT_EQUAL(BOURSE_OK, p.verifyWebhook(w).status);
        host.advance(std::chrono::milliseconds(999));  // 300.999 s: whole seconds count, as in stripe-node
        CPPUNIT_ASSERT_EQUAL(BOURSE_OK, p.verifyWebhook(w).status);
        host.advance(std::chrono::milliseconds(1));  // 301 s
        const auto late = p.verifyWebhook(w);
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_SIGNATURE, late.status);
        CPPUNIT_ASSERT(contains(late.text, "signature: timestamp outside the tolerance zone"));
        CPPUNIT_ASSERT(p.violations().empty());
    }

    void testPluginHeaderAndRotationConfig() {
        FakeHost host(1'714'000'200'000'000'000);
        stripe_test::configure(host, "https://api.stripe.test", R"(,"webhook_tolerance_s":60,"future_skew_s":0)");
        host.setSecret("webhook_secret", kNew);
        host.setSecret("webhook_secret_previous", kOld);
        PluginUnderTest p(bourse_module_entry, "stripe", host);
        // Header names arrive in any case.
        const auto old = p.verifyWebhook({"/", {{"stripe-signature", "t=1714000200,v1=" + kSC5Old}}, kSC1Body});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(old.text, BOURSE_OK, old.status);
        CPPUNIT_ASSERT_EQUAL(
            BOURSE_OK, p.verifyWebhook({"/", {{"STRIPE-SIGNATURE", "t=1714000200,v1=" + kSC5New}}, kSC1Body}).status);
        const auto missing = p.verifyWebhook({"/", {{"Content-Type", "application/json"}}, kSC1Body});
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_SIGNATURE, missing.status);
        CPPUNIT_ASSERT_EQUAL(std::string("signature: missing Stripe-Signature header"), missing.text);
        const auto twice = p.verifyWebhook(
            {"/",
             {{"Stripe-Signature", "t=1714000200,v1=" + kSC5New}, {"Stripe-Signature", "t=1714000200,v1=" + kSC5Old}},
             kSC1Body});
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_SIGNATURE, twice.status);
        // future_skew_s 0: one second ahead is refused; tolerance 60: 61 s old is refused.
        const std::string ahead = "t=1714000201,v1=" + plugins::hmacSha256Hex(kNew, "1714000201." + kSC1Body);
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_SIGNATURE,
                             p.verifyWebhook({"/", {{"Stripe-Signature", ahead}}, kSC1Body}).status);
        const std::string old61 = "t=1714000139,v1=" + plugins::hmacSha256Hex(kNew, "1714000139." + kSC1Body);
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_SIGNATURE,
                             p.verifyWebhook({"/", {{"Stripe-Signature", old61}}, kSC1Body}).status);
        const std::string old60 = "t=1714000140,v1=" + plugins::hmacSha256Hex(kNew, "1714000140." + kSC1Body);
        CPPUNIT_ASSERT_EQUAL(BOURSE_OK, p.verifyWebhook({"/", {{"Stripe-Signature", old60}}, kSC1Body}).status);
        // A verified body that is no Stripe event is not a signature problem.
        const std::string notEvent = "[1,2]";
        const std::string sig = "t=1714000200,v1=" + plugins::hmacSha256Hex(kNew, "1714000200." + notEvent);
        const auto odd = p.verifyWebhook({"/", {{"Stripe-Signature", sig}}, notEvent});
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_INVALID, odd.status);
        CPPUNIT_ASSERT(p.violations().empty());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SignatureTest);
