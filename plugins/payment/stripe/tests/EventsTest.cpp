// The Stripe side in the kernel's words, on recorded payloads (../fixtures):
// events normalised (also through the plugin, signed at the host's time),
// objects as query replies, error replies as statuses (secrets scrubbed),
// the amount rules and the form encoding.
#include "Amounts.h"
#include "Errors.h"
#include "Events.h"
#include "Form.h"
#include "StripeRig.h"

#include <bourse/plugins/Signing.h>

#include <cppunit/extensions/HelperMacros.h>

using namespace bourse;
using namespace bourse::testing;
using stripe_test::field;
using stripe_test::fixture;
using stripe_test::json;

namespace {

const std::string kCs = "cs_test_a1B2c3D4e5F6g7H8i9J0kLmNoPqRsTuVwXyZ0123456789abcdefghijklmn";
const std::string kPi = "pi_3PgT2mLkdIwHu7ix1XyZaBcD";
const std::string kRe = "re_3PgT2mLkdIwHu7ix0fRfD001";

Poco::JSON::Object::Ptr normalised(const std::string& name) {
    return json(stripe::normaliseEvent(fixture(name)));
}

std::string amountOf(const Poco::JSON::Object::Ptr& o) {
    if (!o->has("amount")) return "<absent>";
    const auto a = o->getObject("amount");
    return std::to_string(a->getValue<std::int64_t>("minor")) + " " + a->getValue<std::string>("currency");
}

HttpResponse reply(int status, const std::string& fixtureName) {
    return HttpResponse{status, {{"Content-Type", "application/json"}}, fixture(fixtureName), ""};
}

}  // namespace

class EventsTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(EventsTest);
    CPPUNIT_TEST(testDepositEvents);
    CPPUNIT_TEST(testRefundEvents);
    CPPUNIT_TEST(testEverythingElseIgnored);
    CPPUNIT_TEST(testNotAnEvent);
    CPPUNIT_TEST(testThroughThePlugin);
    CPPUNIT_TEST(testQueryStates);
    CPPUNIT_TEST(testErrorReplies);
    CPPUNIT_TEST(testAmountRules);
    CPPUNIT_TEST(testFormEncoding);
    CPPUNIT_TEST_SUITE_END();

public:
    void testDepositEvents() {
        auto e = normalised("webhook_checkout_session_completed_paid.json");
        CPPUNIT_ASSERT_EQUAL(std::string("evt_1PgT3aLkdIwHu7ix9QwErTy1"), field(e, "event_id"));
        CPPUNIT_ASSERT_EQUAL(std::string("deposit.succeeded"), field(e, "type"));
        CPPUNIT_ASSERT_EQUAL(kCs, field(e, "provider_ref"));
        CPPUNIT_ASSERT_EQUAL(std::string("dep_1001"), field(e, "deposit_id"));
        CPPUNIT_ASSERT_EQUAL(kPi, field(e, "payment_ref"));
        CPPUNIT_ASSERT_EQUAL(std::string("5000 USD"), amountOf(e));
        CPPUNIT_ASSERT_EQUAL(std::string("<absent>"), field(e, "reason"));

        // Paid later by a delayed method: nothing yet, then the async event decides.
        e = normalised("webhook_checkout_session_completed_unpaid.json");
        CPPUNIT_ASSERT_EQUAL(std::string("ignored"), field(e, "type"));
        CPPUNIT_ASSERT_EQUAL(std::string("evt_1PgT3aLkdIwHu7ix9QwErTy2"), field(e, "event_id"));
        CPPUNIT_ASSERT_EQUAL(std::string("<absent>"), field(e, "provider_ref"));
        e = normalised("webhook_checkout_session_async_payment_succeeded.json");
        CPPUNIT_ASSERT_EQUAL(std::string("deposit.succeeded"), field(e, "type"));
        CPPUNIT_ASSERT_EQUAL(kPi, field(e, "payment_ref"));
        e = normalised("webhook_checkout_session_async_payment_failed.json");
        CPPUNIT_ASSERT_EQUAL(std::string("deposit.failed"), field(e, "type"));
        CPPUNIT_ASSERT_EQUAL(std::string("dep_1001"), field(e, "deposit_id"));
        CPPUNIT_ASSERT_EQUAL(std::string("async_payment_failed"), field(e, "reason"));
        e = normalised("webhook_checkout_session_expired.json");
        CPPUNIT_ASSERT_EQUAL(std::string("deposit.failed"), field(e, "type"));
        CPPUNIT_ASSERT_EQUAL(std::string("expired"), field(e, "reason"));
        CPPUNIT_ASSERT_EQUAL(std::string("<absent>"), field(e, "payment_ref"));  // never paid: no intent

        // S-C4: INR, deposit id from client_reference_id only.
        e = normalised("webhook_checkout_session_completed_sc4.json");
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"event_id":"evt_1Nq0cs","type":"deposit.succeeded","provider_ref":)"
                                         R"("cs_test_a1","deposit_id":"dep_77","payment_ref":"pi_3Nq0",)"
                                         R"("amount":{"minor":49900,"currency":"INR"}})"),
                             stripe::normaliseEvent(fixture("webhook_checkout_session_completed_sc4.json")));
    }

    void testRefundEvents() {
        CPPUNIT_ASSERT_EQUAL(std::string("ignored"), field(normalised("webhook_refund_created_pending.json"), "type"));
        auto e = normalised("webhook_refund_updated_succeeded.json");
        CPPUNIT_ASSERT_EQUAL(std::string("refund.succeeded"), field(e, "type"));
        CPPUNIT_ASSERT_EQUAL(kRe, field(e, "provider_ref"));
        CPPUNIT_ASSERT_EQUAL(std::string("wd_2002"), field(e, "withdrawal_id"));
        CPPUNIT_ASSERT_EQUAL(kPi, field(e, "payment_ref"));
        CPPUNIT_ASSERT_EQUAL(std::string("3000 USD"), amountOf(e));
        CPPUNIT_ASSERT_EQUAL(std::string("<absent>"), field(e, "reason"));
        e = normalised("webhook_refund_failed.json");
        CPPUNIT_ASSERT_EQUAL(std::string("refund.failed"), field(e, "type"));
        CPPUNIT_ASSERT_EQUAL(std::string("expired_or_canceled_card"), field(e, "reason"));
        CPPUNIT_ASSERT_EQUAL(std::string("wd_2002"), field(e, "withdrawal_id"));
        e = normalised("webhook_refund_updated_canceled.json");
        CPPUNIT_ASSERT_EQUAL(std::string("refund.failed"), field(e, "type"));
        CPPUNIT_ASSERT_EQUAL(std::string("canceled"), field(e, "reason"));
    }

    void testEverythingElseIgnored() {
        for (const char* name : {"webhook_charge_refunded.json", "webhook_payment_intent_succeeded_sc3.json"}) {
            const auto e = normalised(name);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(name, std::string("ignored"), field(e, "type"));
            CPPUNIT_ASSERT_EQUAL_MESSAGE(name, std::size_t(2), e->size());  // event_id and type only
        }
        CPPUNIT_ASSERT_EQUAL(std::string("evt_3PgT2mLkdIwHu7ix0aBcDeFg"),
                             field(normalised("webhook_payment_intent_succeeded_sc3.json"), "event_id"));
    }

    void testNotAnEvent() {
        for (const std::string body : {"", "not json", "[]", R"({"id":"evt_1","object":"charge"})",
                                       R"({"object":"event","type":"checkout.session.completed"})"}) {
            try {
                (void)stripe::normaliseEvent(body);
                CPPUNIT_FAIL("accepted: " + body);
            } catch (const Error& e) {
                CPPUNIT_ASSERT_EQUAL(BOURSE_E_INVALID, e.status());
            }
        }
        // An event without an object (a ping) is genuine but says nothing.
        CPPUNIT_ASSERT_EQUAL(
            std::string(R"({"event_id":"evt_1","type":"ignored"})"),
            stripe::normaliseEvent(R"({"id":"evt_1","object":"event","type":"checkout.session.completed"})"));
    }

    void testThroughThePlugin() {
        FakeHost host;
        stripe_test::configure(host);
        PluginUnderTest p(bourse_module_entry, "stripe", host);
        const std::string t = std::to_string(host.now() / 1'000'000'000);
        for (const char* name :
             {"webhook_checkout_session_completed_paid.json", "webhook_checkout_session_expired.json",
              "webhook_refund_failed.json", "webhook_refund_updated_succeeded.json", "webhook_charge_refunded.json"}) {
            const std::string body = fixture(name);
            const std::string header =
                "t=" + t + ",v1=" + plugins::hmacSha256Hex(stripe_test::kWebhookSecret, t + "." + body);
            const auto r = p.verifyWebhook({"/webhooks/stripe", {{"Stripe-Signature", header}}, body});
            CPPUNIT_ASSERT_EQUAL_MESSAGE(r.text, BOURSE_OK, r.status);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(name, stripe::normaliseEvent(body), r.text);
        }
        CPPUNIT_ASSERT(p.violations().empty());
    }

    void testQueryStates() {
        auto s = stripe::depositState(json(fixture("rest_checkout_session_open.json")));
        CPPUNIT_ASSERT_EQUAL(std::string("pending"), field(s, "status"));
        CPPUNIT_ASSERT_EQUAL(kCs, field(s, "provider_ref"));
        CPPUNIT_ASSERT_EQUAL(std::string("5000 USD"), amountOf(s));
        s = stripe::depositState(json(fixture("rest_checkout_session_complete_paid.json")));
        CPPUNIT_ASSERT_EQUAL(std::string("succeeded"), field(s, "status"));
        CPPUNIT_ASSERT_EQUAL(kPi, field(s, "payment_ref"));
        s = stripe::depositState(json(fixture("rest_checkout_session_expired.json")));
        CPPUNIT_ASSERT_EQUAL(std::string("failed"), field(s, "status"));
        CPPUNIT_ASSERT_EQUAL(std::string("expired"), field(s, "reason"));
        // Complete but unpaid: pending until the intent says otherwise.
        s = stripe::depositState(json(fixture("rest_checkout_session_complete_unpaid.json")));
        CPPUNIT_ASSERT_EQUAL(std::string("pending"), field(s, "status"));
        stripe::refineWithPaymentIntent(*s, json(fixture("rest_payment_intent_processing.json")));
        CPPUNIT_ASSERT_EQUAL(std::string("pending"), field(s, "status"));
        stripe::refineWithPaymentIntent(*s, json(fixture("rest_payment_intent_failed.json")));
        CPPUNIT_ASSERT_EQUAL(std::string("failed"), field(s, "status"));
        CPPUNIT_ASSERT_EQUAL(std::string("payment_method_provider_decline"), field(s, "reason"));

        auto r = stripe::refundState(json(fixture("rest_refund_pending.json")));
        CPPUNIT_ASSERT_EQUAL(std::string("pending"), field(r, "status"));
        CPPUNIT_ASSERT_EQUAL(kRe, field(r, "provider_ref"));
        CPPUNIT_ASSERT_EQUAL(kPi, field(r, "payment_ref"));
        CPPUNIT_ASSERT_EQUAL(std::string("3000 USD"), amountOf(r));
        CPPUNIT_ASSERT_EQUAL(std::string("succeeded"),
                             field(stripe::refundState(json(fixture("rest_refund_succeeded.json"))), "status"));
        r = stripe::refundState(json(fixture("rest_refund_failed.json")));
        CPPUNIT_ASSERT_EQUAL(std::string("failed"), field(r, "status"));
        CPPUNIT_ASSERT_EQUAL(std::string("insufficient_funds"), field(r, "reason"));
    }

    void testErrorReplies() {
        const std::vector<std::string> secrets = {"sk_test_4eC39HqLyjWDarjtT1zdp7dc", "whsec_abc"};
        const auto error = [&](const HttpResponse& r) { return stripe::upstreamError(r, "create refund", secrets); };
        auto e = error(reply(402, "rest_error_402_card_declined.json"));
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_REJECTED, e.status());
        CPPUNIT_ASSERT_EQUAL(std::string("upstream: create refund refused: stripe 402 card_error "
                                         "(card_declined/generic_decline): Your card was declined."),
                             std::string(e.what()));
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_REJECTED, error(reply(400, "rest_error_400_card_declined.json")).status());
        e = error(reply(400, "rest_error_400_parameter_missing.json"));
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_INVALID, e.status());
        CPPUNIT_ASSERT(std::string(e.what()).find("Missing required param") != std::string::npos);
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_INVALID, error(reply(400, "rest_error_400_idempotency.json")).status());
        e = error(reply(401, "rest_error_401_invalid_key.json"));
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_CONFIG, e.status());
        CPPUNIT_ASSERT(std::string(e.what()).rfind("config: secrets.secret_key: Stripe refused the API key", 0) == 0);
        CPPUNIT_ASSERT(std::string(e.what()).find("p7dc") == std::string::npos);  // not even Stripe's masked key
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_NOT_FOUND, error(reply(404, "rest_error_404_resource_missing.json")).status());
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_UNAVAILABLE, error(reply(429, "rest_error_429_rate_limit.json")).status());
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_UNAVAILABLE, error(reply(500, "rest_error_500_api_error.json")).status());
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_UNAVAILABLE, error(HttpResponse{409, {}, "{}", ""}).status());
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_UNAVAILABLE, error(HttpResponse{503, {}, "<html>", ""}).status());
        e = error(HttpResponse{0, {}, "", "Timeout"});
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_UNAVAILABLE, e.status());
        CPPUNIT_ASSERT_EQUAL(std::string("upstream: stripe create refund: no reply (Timeout)"), std::string(e.what()));
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_CONFIG, error(HttpResponse{403, {}, "{}", ""}).status());
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_INTERNAL, error(HttpResponse{302, {}, "", ""}).status());
        // Whatever Stripe echoes, secrets and client secrets never get through.
        e = error(HttpResponse{
            400,
            {},
            R"({"error":{"type":"invalid_request_error","message":"bad sk_test_4eC39HqLyjWDarjtT1zdp7dc and whsec_abc and pi_3Abc_secret_XyZ and rk_live_zz"}})",
            ""});
        const std::string text = e.what();
        CPPUNIT_ASSERT_MESSAGE(text, text.find("4eC39") == std::string::npos);
        CPPUNIT_ASSERT_MESSAGE(text, text.find("whsec_abc") == std::string::npos);
        CPPUNIT_ASSERT_MESSAGE(text, text.find("XyZ") == std::string::npos);
        CPPUNIT_ASSERT_MESSAGE(text, text.find("rk_live") == std::string::npos);
        CPPUNIT_ASSERT_MESSAGE(text, text.find("[redacted]") != std::string::npos);
    }

    void testAmountRules() {
        CPPUNIT_ASSERT(!stripe::chargeProblem(50, "USD", 50));
        CPPUNIT_ASSERT(stripe::chargeProblem(49, "USD", 50)->find("below Stripe's minimum charge (50)") !=
                       std::string::npos);
        CPPUNIT_ASSERT(!stripe::chargeProblem(99'999'999, "USD", 50));
        CPPUNIT_ASSERT(stripe::chargeProblem(100'000'000, "USD", 50)->find("8-digit") != std::string::npos);
        CPPUNIT_ASSERT(stripe::chargeProblem(0, "USD", 50));
        CPPUNIT_ASSERT(stripe::chargeProblem(-5, "USD", 50));
        CPPUNIT_ASSERT(!stripe::chargeProblem(5'010, "KWD", 500));
        CPPUNIT_ASSERT(stripe::chargeProblem(5'015, "KWD", 500)->find("multiples of 10") != std::string::npos);
        CPPUNIT_ASSERT(stripe::zeroDecimal("JPY") && !stripe::zeroDecimal("USD"));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(50), stripe::stripeMinimums().at("JPY"));  // ¥50: whole yen
        CPPUNIT_ASSERT_EQUAL(std::int64_t(30), stripe::stripeMinimums().at("GBP"));
        CPPUNIT_ASSERT(!stripe::refundProblem(1, "USD"));  // no minimum for refunds
        CPPUNIT_ASSERT(stripe::refundProblem(0, "USD"));
    }

    void testFormEncoding() {
        CPPUNIT_ASSERT_EQUAL(
            std::string("mode=payment&line_items[0][price_data][currency]=usd&success_url="
                        "https%3A%2F%2Fbourse.test%2F%23wallet%3Fa%3D1%26b%3D2&metadata[note]=a%20b%2Bc"),
            stripe::formEncode({{"mode", "payment"},
                                {"line_items[0][price_data][currency]", "usd"},
                                {"success_url", "https://bourse.test/#wallet?a=1&b=2"},
                                {"metadata[note]", "a b+c"}}));
        CPPUNIT_ASSERT_EQUAL(std::string("%C3%A9%5B"), stripe::percentEncode("\xc3\xa9["));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(EventsTest);
