// The plugin on the SDK's fake host, its HTTP requests forwarded over
// loopback to a real FakeStripe: what it sends (form bodies, headers,
// idempotency keys) is judged by a server that refuses what Stripe refuses,
// and its replies come from Stripe-shaped objects. Webhooks come back from the
// fake signed as Stripe signs them and go through verify_webhook.
#include "Loopback.h"
#include "StripeRig.h"

#include "stripe/FakeStripe.h"
#include "stripe/WebhookSink.h"

#include <cppunit/extensions/HelperMacros.h>

#include <thread>

using namespace bourse;
using namespace bourse::testing;
using bourse::fakes::FakeStripe;
using bourse::fakes::FakeStripeOptions;
using stripe_test::field;
using stripe_test::json;

namespace {

/// A fake Stripe, a fake host pointed at it, and the plugin on that host.
struct Rig {
    explicit Rig(const std::string& extraConfig = "", const FakeStripeOptions& options = {}) : fake(withKey(options)) {
        stripe_test::configure(host, fake.url(), extraConfig);
        host.setResponder(stripe_test::forward);
        plugin = std::make_unique<PluginUnderTest>(bourse_module_entry, "stripe", host);
    }
    static FakeStripeOptions withKey(FakeStripeOptions o) {
        o.secretKey = stripe_test::kSecretKey;
        return o;
    }
    /// A deposit paid by card: (cs, pi).
    std::pair<std::string, std::string> paidDeposit(const std::string& id, std::int64_t minor) {
        const auto r = plugin->createDeposit(stripe_test::deposit(id, minor));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.text, BOURSE_OK, r.status);
        const std::string cs = field(json(r.text), "provider_ref");
        return {cs, fake.completeCheckout(cs)};
    }
    /// Nothing the plugin logged or replied contains a secret.
    void assertNoSecretsLogged() const {
        for (const auto& line : host.logs) {
            CPPUNIT_ASSERT_MESSAGE(line.text, line.text.find(stripe_test::kSecretKey) == std::string::npos);
            CPPUNIT_ASSERT_MESSAGE(line.text, line.text.find("_secret_") == std::string::npos);
            CPPUNIT_ASSERT_MESSAGE(line.text, line.text.find("whsec_") == std::string::npos);
        }
        CPPUNIT_ASSERT(host.lastError.find(stripe_test::kSecretKey) == std::string::npos);
    }

    FakeStripe fake;
    FakeHost host;
    std::unique_ptr<PluginUnderTest> plugin;
};

std::string amountOf(const Poco::JSON::Object::Ptr& o) {
    const auto a = o->getObject("amount");
    return std::to_string(a->getValue<std::int64_t>("minor")) + " " + a->getValue<std::string>("currency");
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

}  // namespace

class GatewayOnFakeStripeTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(GatewayOnFakeStripeTest);
    CPPUNIT_TEST(testCreateDepositSendsWhatStripeWants);
    CPPUNIT_TEST(testDuplicateCreateGivesTheSameSession);
    CPPUNIT_TEST(testRefusedBeforeAnyRequest);
    CPPUNIT_TEST(testConfiguredPagesWithoutReturnUrl);
    CPPUNIT_TEST(testUnavailableOn5xx429AndTimeout);
    CPPUNIT_TEST(testRefusedKeyIsAConfigError);
    CPPUNIT_TEST(testDeclineIsRejected);
    CPPUNIT_TEST(testRefund);
    CPPUNIT_TEST(testQueryDeposit);
    CPPUNIT_TEST(testQueryRefund);
    CPPUNIT_TEST(testWebhooksFromTheFake);
    CPPUNIT_TEST_SUITE_END();

public:
    void testCreateDepositSendsWhatStripeWants() {
        Rig rig;
        const auto r = rig.plugin->createDeposit(stripe_test::deposit("dep_1", 5000));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.text, BOURSE_OK, r.status);
        const auto reply = json(r.text);
        const std::string cs = field(reply, "provider_ref");
        CPPUNIT_ASSERT(cs.rfind("cs_test_", 0) == 0);
        CPPUNIT_ASSERT_EQUAL(std::string("pending"), field(reply, "status"));
        const auto checkout = reply->getObject("checkout");
        CPPUNIT_ASSERT_EQUAL(std::string("redirect"), field(checkout, "type"));
        CPPUNIT_ASSERT_EQUAL(field(json(*rig.fake.session(cs)), "url"), field(checkout, "url"));
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), checkout->size());

        const auto requests = rig.fake.requests();
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), requests.size());
        const auto& q = requests[0];
        CPPUNIT_ASSERT_EQUAL(std::string("POST"), q.method);
        CPPUNIT_ASSERT_EQUAL(std::string("/v1/checkout/sessions"), q.path);
        CPPUNIT_ASSERT_EQUAL(std::string("dep_1"), q.idempotencyKey);
        CPPUNIT_ASSERT_EQUAL(std::string("2024-06-20"), q.stripeVersion);
        CPPUNIT_ASSERT_EQUAL(std::string("Bearer ") + stripe_test::kSecretKey, q.authorization);
        CPPUNIT_ASSERT_EQUAL(std::string("application/x-www-form-urlencoded"), q.contentType);
        const std::map<std::string, std::string> expected = {
            {"mode", "payment"},
            {"line_items[0][price_data][currency]", "usd"},
            {"line_items[0][price_data][unit_amount]", "5000"},
            {"line_items[0][price_data][product_data][name]", "Deposit"},
            {"line_items[0][quantity]", "1"},
            {"success_url", "https://bourse.test/#wallet"},
            {"cancel_url", "https://bourse.test/#wallet"},
            {"client_reference_id", "dep_1"},
            {"metadata[deposit_id]", "dep_1"},
            {"metadata[user_ref]", "u_42"},
            {"payment_intent_data[metadata][deposit_id]", "dep_1"}};
        CPPUNIT_ASSERT((expected == q.form));
        // The raw body keeps brackets and percent-encodes the URL.
        CPPUNIT_ASSERT(contains(q.body, "line_items[0][price_data][currency]=usd"));
        CPPUNIT_ASSERT(contains(q.body, "success_url=https%3A%2F%2Fbourse.test%2F%23wallet"));
        const auto session = json(*rig.fake.session(cs));
        CPPUNIT_ASSERT_EQUAL(5000, session->getValue<int>("amount_total"));
        CPPUNIT_ASSERT_EQUAL(std::string("dep_1"), field(session, "client_reference_id"));
        CPPUNIT_ASSERT(rig.plugin->violations().empty());
        rig.assertNoSecretsLogged();
    }

    void testDuplicateCreateGivesTheSameSession() {
        Rig rig;
        const auto first = rig.plugin->createDeposit(stripe_test::deposit("dep_1", 5000));
        const auto again = rig.plugin->createDeposit(stripe_test::deposit("dep_1", 5000));
        CPPUNIT_ASSERT_EQUAL(BOURSE_OK, again.status);
        CPPUNIT_ASSERT_EQUAL(first.text, again.text);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), rig.fake.sessionIds().size());
        CPPUNIT_ASSERT(rig.fake.requests()[1].replayed);
        // Another deposit is another session.
        const auto other = rig.plugin->createDeposit(stripe_test::deposit("dep_2", 5000));
        CPPUNIT_ASSERT(field(json(other.text), "provider_ref") != field(json(first.text), "provider_ref"));
        // The same key with another amount: a kernel bug Stripe refuses, not something to retry.
        const auto changed = rig.plugin->createDeposit(stripe_test::deposit("dep_1", 6000));
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_INVALID, changed.status);
        CPPUNIT_ASSERT_MESSAGE(changed.text, contains(changed.text, "idempotency_error"));
    }

    void testRefusedBeforeAnyRequest() {
        Rig rig(R"(,"currencies":["USD","JPY","KWD"],"minimum_minor":{"KWD":500})");
        const auto refused = [&](const PaymentRequest& q, const std::string& part) {
            const auto r = rig.plugin->createDeposit(q);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(r.text, BOURSE_E_INVALID, r.status);
            CPPUNIT_ASSERT_MESSAGE(r.text, contains(r.text, part));
        };
        refused(stripe_test::deposit("dep_1", 49), "below Stripe's minimum charge (50)");
        refused(stripe_test::deposit("dep_2", 100'000'000), "8-digit");
        refused(stripe_test::deposit("dep_3", 5000, "EUR"), "currency 'EUR' is not enabled");
        refused(stripe_test::deposit("dep_4", 49, "JPY"), "below Stripe's minimum charge (50)");
        refused(stripe_test::deposit("dep_5", 5005, "KWD"), "multiples of 10");
        refused(stripe_test::deposit("dep_6", 5000, "USD", "javascript:alert(1)"), "return_url");
        PaymentRequest noKey = stripe_test::deposit("", 5000);
        refused(noKey, "idempotency_key");
        PaymentRequest badMeta = stripe_test::deposit("dep_7", 5000);
        badMeta.metadataJson = "[1]";
        refused(badMeta, "metadata_json");
        CPPUNIT_ASSERT(rig.host.requests.empty());
        CPPUNIT_ASSERT(rig.fake.requests().empty());
        // Zero-decimal: ¥50 is 50 units, sent as it is.
        const auto yen = rig.plugin->createDeposit(stripe_test::deposit("dep_8", 50, "JPY"));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(yen.text, BOURSE_OK, yen.status);
        CPPUNIT_ASSERT_EQUAL(std::string("jpy"), rig.fake.requests()[0].form.at("line_items[0][price_data][currency]"));
        CPPUNIT_ASSERT_EQUAL(std::string("50"),
                             rig.fake.requests()[0].form.at("line_items[0][price_data][unit_amount]"));
        CPPUNIT_ASSERT(rig.plugin->violations().empty());
    }

    void testConfiguredPagesWithoutReturnUrl() {
        Rig rig(R"(,"cancel_url":"https://bourse.test/cancelled","product_name":"Bourse deposit")");
        const auto r = rig.plugin->createDeposit(stripe_test::deposit("dep_1", 700, "USD", ""));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.text, BOURSE_OK, r.status);
        const auto form = rig.fake.requests()[0].form;
        CPPUNIT_ASSERT_EQUAL(std::string("https://bourse.test/ok"), form.at("success_url"));
        CPPUNIT_ASSERT_EQUAL(std::string("https://bourse.test/cancelled"), form.at("cancel_url"));
        CPPUNIT_ASSERT_EQUAL(std::string("Bourse deposit"), form.at("line_items[0][price_data][product_data][name]"));
        // Without either, there is nowhere to send the customer back: refused before the request.
        FakeHost host;
        host.setConfig(R"({"api_url":")" + rig.fake.url() + "\"}");
        host.setSecret("secret_key", stripe_test::kSecretKey);
        host.setSecret("webhook_secret", stripe_test::kWebhookSecret);
        PluginUnderTest bare(bourse_module_entry, "stripe", host);
        const auto none = bare.createDeposit(stripe_test::deposit("dep_2", 700, "USD", ""));
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_INVALID, none.status);
        CPPUNIT_ASSERT(contains(none.text, "no return_url"));
        CPPUNIT_ASSERT(host.requests.empty());
    }

    void testUnavailableOn5xx429AndTimeout() {
        Rig rig(R"(,"request_timeout_ms":300)");
        rig.fake.failNext(500);
        auto r = rig.plugin->createDeposit(stripe_test::deposit("dep_1", 5000));
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_UNAVAILABLE, r.status);
        CPPUNIT_ASSERT_MESSAGE(r.text, contains(r.text, "stripe 500 api_error"));
        rig.fake.failNext(429);
        r = rig.plugin->createDeposit(stripe_test::deposit("dep_1", 5000));
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_UNAVAILABLE, r.status);
        CPPUNIT_ASSERT_MESSAGE(r.text, contains(r.text, "rate_limit"));
        CPPUNIT_ASSERT(rig.fake.sessionIds().empty());

        // A reply that never comes in time; Stripe carries on and creates the session.
        rig.fake.hangNext(std::chrono::milliseconds(3000));
        r = rig.plugin->createDeposit(stripe_test::deposit("dep_1", 5000));
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_UNAVAILABLE, r.status);
        CPPUNIT_ASSERT_MESSAGE(r.text, contains(r.text, "no reply"));
        // The kernel retries with the same key: 409 while the first is in flight ...
        r = rig.plugin->createDeposit(stripe_test::deposit("dep_1", 5000));
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_UNAVAILABLE, r.status);
        // ... then the session the first request made, not a second one.
        for (int i = 0; i < 200 && rig.fake.sessionIds().empty(); ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        r = rig.plugin->createDeposit(stripe_test::deposit("dep_1", 5000));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.text, BOURSE_OK, r.status);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), rig.fake.sessionIds().size());
        CPPUNIT_ASSERT_EQUAL(rig.fake.sessionIds()[0], field(json(r.text), "provider_ref"));
        // Nobody listening.
        FakeHost host;
        stripe_test::configure(host, "http://127.0.0.1:1");
        host.setResponder(stripe_test::forward);
        PluginUnderTest down(bourse_module_entry, "stripe", host);
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_UNAVAILABLE, down.createDeposit(stripe_test::deposit("dep_1", 5000)).status);
        CPPUNIT_ASSERT(rig.plugin->violations().empty());
    }

    void testRefusedKeyIsAConfigError() {
        FakeStripe fake;  // its key is not the plugin's
        FakeHost host;
        stripe_test::configure(host, fake.url());
        host.setResponder(stripe_test::forward);
        PluginUnderTest p(bourse_module_entry, "stripe", host);
        const auto r = p.createDeposit(stripe_test::deposit("dep_1", 5000));
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_CONFIG, r.status);
        CPPUNIT_ASSERT_EQUAL(
            std::string("config: secrets.secret_key: Stripe refused the API key (401) on create checkout "
                        "session; check the key and that its mode (test/live) is the one intended"),
            r.text);
        CPPUNIT_ASSERT_EQUAL(401, fake.requests()[0].status);
        CPPUNIT_ASSERT(contains(fake.requests()[0].response, "Invalid API Key provided"));
    }

    void testDeclineIsRejected() {
        Rig rig;
        rig.fake.failNext(402);
        const auto r = rig.plugin->createDeposit(stripe_test::deposit("dep_1", 5000));
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_REJECTED, r.status);
        CPPUNIT_ASSERT_MESSAGE(r.text, contains(r.text, "Your card was declined."));
    }

    void testRefund() {
        Rig rig;
        const auto [cs, pi] = rig.paidDeposit("dep_1", 5000);
        const auto r = rig.plugin->refund(stripe_test::refund("wd_1", pi, 3000));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.text, BOURSE_OK, r.status);
        const auto reply = json(r.text);
        const std::string re = field(reply, "provider_ref");
        CPPUNIT_ASSERT(re.rfind("re_", 0) == 0);
        CPPUNIT_ASSERT_EQUAL(std::string("pending"), field(reply, "status"));
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), reply->size());
        const auto q = rig.fake.requests().back();
        CPPUNIT_ASSERT_EQUAL(std::string("/v1/refunds"), q.path);
        CPPUNIT_ASSERT_EQUAL(std::string("wd_1"), q.idempotencyKey);
        const std::map<std::string, std::string> expected = {{"payment_intent", pi},
                                                             {"amount", "3000"},
                                                             {"reason", "requested_by_customer"},
                                                             {"metadata[withdrawal_id]", "wd_1"}};
        CPPUNIT_ASSERT((expected == q.form));
        // Retried: the same refund.
        CPPUNIT_ASSERT_EQUAL(r.text, rig.plugin->refund(stripe_test::refund("wd_1", pi, 3000)).text);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), rig.fake.refundIds().size());
        // More than is left: Stripe's message, the request's fault.
        const auto tooMuch = rig.plugin->refund(stripe_test::refund("wd_2", pi, 2001));
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_INVALID, tooMuch.status);
        CPPUNIT_ASSERT_MESSAGE(tooMuch.text, contains(tooMuch.text, "greater than unrefunded amount"));
        const auto unknown = rig.plugin->refund(stripe_test::refund("wd_3", "pi_3Nope", 100));
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_INVALID, unknown.status);
        CPPUNIT_ASSERT_MESSAGE(unknown.text, contains(unknown.text, "No such payment_intent"));
        // Not a PaymentIntent id: refused before any request.
        const std::size_t before = rig.host.requests.size();
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_INVALID, rig.plugin->refund(stripe_test::refund("wd_4", cs, 100)).status);
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_INVALID, rig.plugin->refund(stripe_test::refund("wd_5", pi, 0)).status);
        CPPUNIT_ASSERT_EQUAL(before, rig.host.requests.size());
        // Refunds that succeed at once say so.
        FakeStripeOptions instant;
        instant.refundsSucceedAtOnce = true;
        Rig rig2("", instant);
        const auto [cs2, pi2] = rig2.paidDeposit("dep_9", 800);
        CPPUNIT_ASSERT_EQUAL(std::string("succeeded"),
                             field(json(rig2.plugin->refund(stripe_test::refund("wd_9", pi2, 800)).text), "status"));
        CPPUNIT_ASSERT(rig.plugin->violations().empty());
        rig.assertNoSecretsLogged();
    }

    void testQueryDeposit() {
        Rig rig;
        const auto create = [&](const std::string& id) {
            return field(json(rig.plugin->createDeposit(stripe_test::deposit(id, 5000)).text), "provider_ref");
        };
        const auto ask = [&](const std::string& cs) {
            const auto r = rig.plugin->query(stripe_test::query("deposit", cs));
            CPPUNIT_ASSERT_EQUAL_MESSAGE(r.text, BOURSE_OK, r.status);
            return json(r.text);
        };
        const std::string open = create("dep_1");
        auto s = ask(open);
        CPPUNIT_ASSERT_EQUAL(std::string("pending"), field(s, "status"));
        CPPUNIT_ASSERT_EQUAL(open, field(s, "provider_ref"));
        CPPUNIT_ASSERT_EQUAL(std::string("5000 USD"), amountOf(s));
        const std::string pi = rig.fake.completeCheckout(open);
        s = ask(open);
        CPPUNIT_ASSERT_EQUAL(std::string("succeeded"), field(s, "status"));
        CPPUNIT_ASSERT_EQUAL(pi, field(s, "payment_ref"));

        const std::string expired = create("dep_2");
        rig.fake.expireCheckout(expired);
        s = ask(expired);
        CPPUNIT_ASSERT_EQUAL(std::string("failed"), field(s, "status"));
        CPPUNIT_ASSERT_EQUAL(std::string("expired"), field(s, "reason"));

        // A delayed method: pending while it settles (the intent is asked too), failed when it fails.
        const std::string slow = create("dep_3");
        rig.fake.completeCheckoutPending(slow);
        const std::size_t before = rig.fake.requests().size();
        CPPUNIT_ASSERT_EQUAL(std::string("pending"), field(ask(slow), "status"));
        CPPUNIT_ASSERT_EQUAL(before + 2, rig.fake.requests().size());
        CPPUNIT_ASSERT(rig.fake.requests().back().path.rfind("/v1/payment_intents/pi_", 0) == 0);
        rig.fake.settleAsyncPayment(slow, false);
        s = ask(slow);
        CPPUNIT_ASSERT_EQUAL(std::string("failed"), field(s, "status"));
        CPPUNIT_ASSERT_EQUAL(std::string("payment_method_provider_decline"), field(s, "reason"));
        const std::string later = create("dep_4");
        rig.fake.completeCheckoutPending(later);
        rig.fake.settleAsyncPayment(later, true);
        CPPUNIT_ASSERT_EQUAL(std::string("succeeded"), field(ask(later), "status"));

        const auto missing = rig.plugin->query(stripe_test::query("deposit", "cs_test_nope"));
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_NOT_FOUND, missing.status);
        CPPUNIT_ASSERT(contains(missing.text, "No such checkout.session"));
        CPPUNIT_ASSERT(rig.plugin->violations().empty());
    }

    void testQueryRefund() {
        Rig rig;
        const auto [cs, pi] = rig.paidDeposit("dep_1", 5000);
        const std::string a =
            field(json(rig.plugin->refund(stripe_test::refund("wd_1", pi, 1000)).text), "provider_ref");
        const std::string b =
            field(json(rig.plugin->refund(stripe_test::refund("wd_2", pi, 1000)).text), "provider_ref");
        const auto ask = [&](const std::string& re) {
            return json(rig.plugin->query(stripe_test::query("refund", re)).text);
        };
        auto s = ask(a);
        CPPUNIT_ASSERT_EQUAL(std::string("pending"), field(s, "status"));
        CPPUNIT_ASSERT_EQUAL(pi, field(s, "payment_ref"));
        CPPUNIT_ASSERT_EQUAL(std::string("1000 USD"), amountOf(s));
        rig.fake.settleRefund(a);
        CPPUNIT_ASSERT_EQUAL(std::string("succeeded"), field(ask(a), "status"));
        rig.fake.failRefund(b, "lost_or_stolen_card");
        s = ask(b);
        CPPUNIT_ASSERT_EQUAL(std::string("failed"), field(s, "status"));
        CPPUNIT_ASSERT_EQUAL(std::string("lost_or_stolen_card"), field(s, "reason"));
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_NOT_FOUND, rig.plugin->query(stripe_test::query("refund", "re_nope")).status);
    }

    void testWebhooksFromTheFake() {
        bourse::fakes::WebhookSink sink;
        const std::int64_t t = 1'700'000'000;  // the fake host's clock too
        FakeStripeOptions o;
        o.clock = [t] { return t; };
        o.webhookUrl = sink.url();
        o.webhookSecret = stripe_test::kWebhookSecret;
        Rig rig("", o);
        const auto verify = [&](const bourse::fakes::ReceivedWebhook& w) {
            return rig.plugin->verifyWebhook({w.path, w.headers, w.body});
        };
        const auto [cs, pi] = rig.paidDeposit("dep_1", 5000);
        CPPUNIT_ASSERT(sink.waitFor(4, std::chrono::seconds(10)));
        std::vector<std::string> types;
        for (const auto& w : sink.received()) {
            const auto r = verify(w);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(r.text, BOURSE_OK, r.status);
            types.push_back(field(json(r.text), "type"));
        }
        // payment_intent.created, payment_intent.succeeded, charge.succeeded: nothing for the kernel.
        CPPUNIT_ASSERT((types == std::vector<std::string>{"ignored", "ignored", "ignored", "deposit.succeeded"}));
        const auto event = json(verify(sink.received()[3]).text);
        CPPUNIT_ASSERT_EQUAL(rig.fake.events()[3].id, field(event, "event_id"));
        CPPUNIT_ASSERT_EQUAL(cs, field(event, "provider_ref"));
        CPPUNIT_ASSERT_EQUAL(std::string("dep_1"), field(event, "deposit_id"));
        CPPUNIT_ASSERT_EQUAL(pi, field(event, "payment_ref"));
        CPPUNIT_ASSERT_EQUAL(std::string("5000 USD"), amountOf(event));

        // A refund: created pending (ignored), then it fails.
        const std::string re =
            field(json(rig.plugin->refund(stripe_test::refund("wd_1", pi, 2000)).text), "provider_ref");
        rig.fake.failRefund(re, "expired_or_canceled_card");
        CPPUNIT_ASSERT(sink.waitFor(7, std::chrono::seconds(10)));
        const auto got = sink.received();
        CPPUNIT_ASSERT_EQUAL(std::string("ignored"), field(json(verify(got[4]).text), "type"));
        for (const std::size_t i : {std::size_t(5), std::size_t(6)}) {  // refund.updated and refund.failed
            const auto e = json(verify(got[i]).text);
            CPPUNIT_ASSERT_EQUAL(std::string("refund.failed"), field(e, "type"));
            CPPUNIT_ASSERT_EQUAL(re, field(e, "provider_ref"));
            CPPUNIT_ASSERT_EQUAL(std::string("wd_1"), field(e, "withdrawal_id"));
            CPPUNIT_ASSERT_EQUAL(std::string("expired_or_canceled_card"), field(e, "reason"));
        }

        // The fake misbehaves: a wrong secret, an old timestamp; both refused, nothing normalised.
        rig.fake.signWithWrongSecret(true);
        rig.fake.expireCheckout(
            field(json(rig.plugin->createDeposit(stripe_test::deposit("dep_2", 5000)).text), "provider_ref"));
        CPPUNIT_ASSERT(sink.waitFor(8, std::chrono::seconds(10)));
        auto bad = verify(sink.received()[7]);
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_SIGNATURE, bad.status);
        CPPUNIT_ASSERT(contains(bad.text, "no signatures found matching"));
        rig.fake.signWithWrongSecret(false);
        rig.fake.setSignatureTimestampOffset(std::chrono::seconds(-301));
        rig.fake.redeliver(rig.fake.events().back().id);
        CPPUNIT_ASSERT(sink.waitFor(9, std::chrono::seconds(10)));
        bad = verify(sink.received()[8]);
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_SIGNATURE, bad.status);
        CPPUNIT_ASSERT(contains(bad.text, "tolerance"));
        rig.fake.setSignatureTimestampOffset(std::chrono::seconds(-300));
        rig.fake.redeliver(rig.fake.events().back().id);
        CPPUNIT_ASSERT(sink.waitFor(10, std::chrono::seconds(10)));
        const auto expired = verify(sink.received()[9]);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(expired.text, BOURSE_OK, expired.status);
        CPPUNIT_ASSERT_EQUAL(std::string("deposit.failed"), field(json(expired.text), "type"));
        CPPUNIT_ASSERT(rig.plugin->violations().empty());
        rig.assertNoSecretsLogged();
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(GatewayOnFakeStripeTest);
