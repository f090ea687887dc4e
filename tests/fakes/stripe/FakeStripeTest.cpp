// The fake Stripe behaves as Stripe does where the stripe plugin and the
// kernel can tell: the key check, form bodies with bracket notation, the
// refusals (with Stripe's error JSON), Idempotency-Key replays and conflicts,
// the objects and events a payment and a refund produce, signed webhook
// deliveries and their scripted misbehaviour, and the /_fake/ controls. Driven
// over loopback HTTP, as clients reach it.
#include "stripe/FakeStripe.h"
#include "stripe/FormBody.h"
#include "stripe/WebhookSink.h"

#include <bourse/plugins/Signing.h>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <cppunit/extensions/HelperMacros.h>

#include <atomic>
#include <thread>

using bourse::fakes::FakeStripe;
using bourse::fakes::FakeStripeOptions;
using bourse::fakes::FakeStripeRelease;
using bourse::fakes::WebhookSink;
using Poco::JSON::Object;

namespace {

struct Reply {
    int status = 0;
    std::string body;
    Poco::Net::NameValueCollection headers;
    std::string error;  ///< transport failure (timeout)

    [[nodiscard]] Object::Ptr json() const { return Poco::JSON::Parser().parse(body).extract<Object::Ptr>(); }
    [[nodiscard]] Object::Ptr error_() const { return json()->getObject("error"); }
    [[nodiscard]] std::string errorField(const std::string& key) const {
        const auto e = error_();
        return e->has(key) ? e->getValue<std::string>(key) : "";
    }
};

constexpr const char* kForm = "application/x-www-form-urlencoded";

/// One request over loopback; `key` "" sends no Authorization.
Reply http(const FakeStripe& fake, const std::string& method, const std::string& pathAndQuery,
           const std::string& body = "", const std::string& key = "default", const std::string& idempotencyKey = "",
           std::chrono::milliseconds timeout = std::chrono::seconds(10), const std::string& contentType = kForm) {
    Reply r;
    try {
        Poco::Net::HTTPClientSession s("127.0.0.1", fake.port());
        s.setTimeout(Poco::Timespan(static_cast<long>(timeout.count()) * 1000));
        Poco::Net::HTTPRequest req(method, pathAndQuery, Poco::Net::HTTPMessage::HTTP_1_1);
        const std::string k = key == "default" ? fake.secretKey() : key;
        if (!k.empty()) req.set("Authorization", "Bearer " + k);
        if (!idempotencyKey.empty()) req.set("Idempotency-Key", idempotencyKey);
        req.set("Stripe-Version", "2024-06-20");
        if (method == "POST") {
            req.setContentType(contentType);
            req.setContentLength(static_cast<std::streamsize>(body.size()));
            s.sendRequest(req) << body;
        } else {
            s.sendRequest(req);
        }
        Poco::Net::HTTPResponse resp;
        std::istream& in = s.receiveResponse(resp);
        Poco::StreamCopier::copyToString(in, r.body);
        r.status = static_cast<int>(resp.getStatus());
        for (const auto& [name, value] : resp)
            r.headers.add(name, value);
    } catch (const Poco::Exception& e) {
        r.error = e.displayText();
    }
    return r;
}

std::string sessionForm(const std::string& amount = "5000", const std::string& currency = "usd",
                        const std::string& deposit = "dep_1") {
    return "mode=payment&line_items[0][price_data][currency]=" + currency +
           "&line_items[0][price_data][unit_amount]=" + amount +
           "&line_items[0][price_data][product_data][name]=Deposit&line_items[0][quantity]=1"
           "&success_url=https%3A%2F%2Fbourse.test%2F%23wallet%3Fs%3D%7BCHECKOUT_SESSION_ID%7D"
           "&cancel_url=https://bourse.test/cancel&client_reference_id=" +
           deposit + "&metadata[deposit_id]=" + deposit +
           "&metadata%5Buser_ref%5D=u%2042+x&payment_intent_data[metadata][deposit_id]=" + deposit;
}

Object::Ptr parse(const std::string& text) {
    return Poco::JSON::Parser().parse(text).extract<Object::Ptr>();
}

/// A paid session with its PaymentIntent id.
std::pair<std::string, std::string> paidDeposit(FakeStripe& fake, const std::string& deposit = "dep_1",
                                                const std::string& amount = "5000") {
    const Reply created =
        http(fake, "POST", "/v1/checkout/sessions", sessionForm(amount, "usd", deposit), "default", deposit);
    const std::string cs = created.json()->getValue<std::string>("id");
    return {cs, fake.completeCheckout(cs)};
}

std::vector<std::string> typesOf(const FakeStripe& fake) {
    std::vector<std::string> out;
    for (const auto& e : fake.events())
        out.push_back(e.type);
    return out;
}

}  // namespace

class FakeStripeTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(FakeStripeTest);
    CPPUNIT_TEST(testFormBodyBracketNotation);
    CPPUNIT_TEST(testSecretKeyRequired);
    CPPUNIT_TEST(testCreateSessionFromFormBody);
    CPPUNIT_TEST(testRefusesWhatStripeRefuses);
    CPPUNIT_TEST(testIdempotencyKeyReplayAndConflicts);
    CPPUNIT_TEST(testCheckoutPaidCreatesIntentAndEvents);
    CPPUNIT_TEST(testDelayedPaymentExpiryAndExpireEndpoint);
    CPPUNIT_TEST(testRefunds);
    CPPUNIT_TEST(testScriptedFaults);
    CPPUNIT_TEST(testHangKeepsKeyInFlightThenExecutes);
    CPPUNIT_TEST(testWebhooksSignedAsStripeSigns);
    CPPUNIT_TEST(testWebhookMisbehaviour);
    CPPUNIT_TEST(testWebhookRetriesFiltersAndResend);
    CPPUNIT_TEST(testControlsOverHttp);
    CPPUNIT_TEST_SUITE_END();

public:
    void testFormBodyBracketNotation() {
        namespace s = bourse::fakes::stripe;
        const auto f =
            s::parseFormBody("a=1&metadata%5Bk%5D=v+w%26x&line_items[0][price_data][currency]=usd&expand[]=x");
        CPPUNIT_ASSERT_EQUAL(std::size_t(4), f.fields.size());
        CPPUNIT_ASSERT_EQUAL(std::string("v w&x"), f.values.at("metadata[k]"));
        CPPUNIT_ASSERT_EQUAL(std::string("v w&x"), f.children("metadata").at("k"));
        CPPUNIT_ASSERT(f.children("line_items[0]").empty());  // only direct children
        CPPUNIT_ASSERT((s::keyPath("line_items[0][price_data][currency]") ==
                        std::vector<std::string>{"line_items", "0", "price_data", "currency"}));
        CPPUNIT_ASSERT_THROW(s::parseFormBody("metadata[a=1"), s::FormError);
        CPPUNIT_ASSERT_THROW(s::parseFormBody("a=%zz"), s::FormError);
        CPPUNIT_ASSERT_THROW(s::parseFormBody("a]=1"), s::FormError);
        CPPUNIT_ASSERT(
            !s::unknownParameter(f, {"a", "metadata[*]", "line_items[#][price_data][currency]", "expand[#]"}));
        CPPUNIT_ASSERT_EQUAL(std::string("line_items[0][price_data][currency]"),
                             *s::unknownParameter(f, {"a", "metadata[*]", "expand[#]"}));
    }

    void testSecretKeyRequired() {
        FakeStripe fake;
        const Reply none = http(fake, "GET", "/v1/refunds/re_123", "", "");
        CPPUNIT_ASSERT_EQUAL(401, none.status);
        CPPUNIT_ASSERT_EQUAL(std::string("invalid_request_error"), none.errorField("type"));
        CPPUNIT_ASSERT(none.errorField("message").find("You did not provide an API key") == 0);
        CPPUNIT_ASSERT(none.headers.has("WWW-Authenticate"));
        const Reply wrong = http(fake, "GET", "/v1/refunds/re_123", "", "sk_test_wrongwrongwrong1234");
        CPPUNIT_ASSERT_EQUAL(401, wrong.status);
        CPPUNIT_ASSERT_EQUAL(std::string("Invalid API Key provided: sk_test_***************1234"),
                             wrong.errorField("message"));
        // The key as Basic user name (curl -u sk_…:) works too; a known key reaches the route (404 here).
        Poco::Net::HTTPClientSession s("127.0.0.1", fake.port());
        Poco::Net::HTTPRequest req("GET", "/v1/refunds/re_123");
        Poco::Net::HTTPBasicCredentials(fake.secretKey(), "").authenticate(req);
        s.sendRequest(req);
        Poco::Net::HTTPResponse resp;
        std::string body;
        Poco::StreamCopier::copyToString(s.receiveResponse(resp), body);
        CPPUNIT_ASSERT_EQUAL(404, static_cast<int>(resp.getStatus()));
        CPPUNIT_ASSERT_EQUAL(std::string("resource_missing"),
                             parse(body)->getObject("error")->getValue<std::string>("code"));
        CPPUNIT_ASSERT_EQUAL(404, http(fake, "GET", "/v1/refunds/re_123").status);
        CPPUNIT_ASSERT_EQUAL(std::size_t(4), fake.requests().size());
        CPPUNIT_ASSERT_EQUAL(401, fake.requests()[0].status);
    }

    void testCreateSessionFromFormBody() {
        FakeStripe fake;
        const Reply r = http(fake, "POST", "/v1/checkout/sessions", sessionForm(), "default", "dep_1");
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 200, r.status);
        const auto s = r.json();
        const std::string id = s->getValue<std::string>("id");
        CPPUNIT_ASSERT(id.rfind("cs_test_", 0) == 0);
        CPPUNIT_ASSERT_EQUAL(std::string("checkout.session"), s->getValue<std::string>("object"));
        CPPUNIT_ASSERT_EQUAL(5000, s->getValue<int>("amount_total"));
        CPPUNIT_ASSERT_EQUAL(std::string("usd"), s->getValue<std::string>("currency"));
        CPPUNIT_ASSERT_EQUAL(std::string("open"), s->getValue<std::string>("status"));
        CPPUNIT_ASSERT_EQUAL(std::string("unpaid"), s->getValue<std::string>("payment_status"));
        CPPUNIT_ASSERT(s->isNull("payment_intent"));  // created when the customer pays
        CPPUNIT_ASSERT_EQUAL(std::string("dep_1"), s->getValue<std::string>("client_reference_id"));
        CPPUNIT_ASSERT_EQUAL(std::string("u 42 x"), s->getObject("metadata")->getValue<std::string>("user_ref"));
        CPPUNIT_ASSERT_EQUAL(std::string("https://bourse.test/#wallet?s={CHECKOUT_SESSION_ID}"),
                             s->getValue<std::string>("success_url"));
        CPPUNIT_ASSERT_EQUAL(fake.url() + "/_fake/checkout/" + id, s->getValue<std::string>("url"));
        CPPUNIT_ASSERT_EQUAL(fake.now() + 86'400, s->getValue<std::int64_t>("expires_at"));
        CPPUNIT_ASSERT_EQUAL(id, *fake.sessionIdFor("dep_1"));
        // GET answers the same object.
        const Reply got = http(fake, "GET", "/v1/checkout/sessions/" + id);
        CPPUNIT_ASSERT_EQUAL(200, got.status);
        CPPUNIT_ASSERT_EQUAL(r.body, got.body);
        const auto rec = fake.requests()[0];
        CPPUNIT_ASSERT_EQUAL(std::string("dep_1"), rec.idempotencyKey);
        CPPUNIT_ASSERT_EQUAL(std::string("1"), rec.form.at("line_items[0][quantity]"));
        CPPUNIT_ASSERT_EQUAL(std::string("dep_1"), rec.form.at("payment_intent_data[metadata][deposit_id]"));
        CPPUNIT_ASSERT_EQUAL(r.headers.get("Request-Id"), rec.requestId);
        CPPUNIT_ASSERT(fake.events().empty());  // creating a session emits nothing
    }

    void testRefusesWhatStripeRefuses() {
        FakeStripe fake;
        const auto refused = [&](const std::string& body, const std::string& param, const std::string& message) {
            const Reply r = http(fake, "POST", "/v1/checkout/sessions", body, "default", "dep_9");
            CPPUNIT_ASSERT_EQUAL_MESSAGE(body, 400, r.status);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(body, std::string("invalid_request_error"), r.errorField("type"));
            CPPUNIT_ASSERT_EQUAL_MESSAGE(body, param, r.errorField("param"));
            CPPUNIT_ASSERT_MESSAGE(r.errorField("message"), r.errorField("message").find(message) != std::string::npos);
        };
        refused("success_url=https://x.test/", "mode", "Missing required param: mode.");
        refused(sessionForm() + "&line_items[0][price_data][colour]=red", "line_items[0][price_data][colour]",
                "Received unknown parameter: line_items[0][price_data][colour]");
        refused(sessionForm("5000", "USD"), "line_items[0][price_data][currency]", "Invalid currency: USD");
        refused(sessionForm("5000", "xyz"), "line_items[0][price_data][currency]", "Invalid currency: xyz");
        refused(sessionForm("49"), "line_items", "must add up to at least $0.50 usd");
        refused(sessionForm("29", "gbp"), "line_items", "at least 0.30 gbp");
        refused(sessionForm("100000000"), "line_items[0][price_data][unit_amount]", "less than or equal to 99999999");
        refused(sessionForm("12.5"), "line_items[0][price_data][unit_amount]", "Invalid integer: 12.5");
        refused(sessionForm("1005", "kwd"), "line_items[0][price_data][unit_amount]", "multiples of 10");
        refused("mode=payment&success_url=notaurl", "success_url", "Not a valid URL");
        refused("mode=payment&success_url=https://x.test/", "line_items", "Missing required param: line_items.");
        refused(
            "mode=payment&success_url=https://x.test/&line_items[0][price_data][currency]=usd"
            "&line_items[0][price_data][unit_amount]=500&line_items[0][quantity]=1",
            "line_items[0][price_data][product_data][name]", "Missing required param");
        CPPUNIT_ASSERT_EQUAL(200, http(fake, "POST", "/v1/checkout/sessions", sessionForm("50", "jpy")).status);
        // JSON is not what v1 takes.
        const Reply json = http(fake, "POST", "/v1/checkout/sessions", R"({"mode":"payment"})", "default", "",
                                std::chrono::seconds(5), "application/json");
        CPPUNIT_ASSERT_EQUAL(400, json.status);
        CPPUNIT_ASSERT(json.errorField("message").find("unsupported Content-Type") != std::string::npos);
        // Refusals by validation are not stored: the same key with a valid body now executes.
        const Reply ok = http(fake, "POST", "/v1/checkout/sessions", sessionForm(), "default", "dep_9");
        CPPUNIT_ASSERT_EQUAL(200, ok.status);
        CPPUNIT_ASSERT(!ok.headers.has("Idempotent-Replayed"));
        CPPUNIT_ASSERT_EQUAL(404, http(fake, "GET", "/v1/checkout/sessions/cs_test_nope").status);
        CPPUNIT_ASSERT_EQUAL(404, http(fake, "GET", "/v1/customers").status);
    }

    void testIdempotencyKeyReplayAndConflicts() {
        FakeStripe fake;
        const Reply first = http(fake, "POST", "/v1/checkout/sessions", sessionForm(), "default", "dep_1");
        const Reply again = http(fake, "POST", "/v1/checkout/sessions", sessionForm(), "default", "dep_1");
        CPPUNIT_ASSERT_EQUAL(200, again.status);
        CPPUNIT_ASSERT_EQUAL(first.body, again.body);
        CPPUNIT_ASSERT_EQUAL(std::string("true"), again.headers.get("Idempotent-Replayed"));
        CPPUNIT_ASSERT_EQUAL(first.headers.get("Request-Id"), again.headers.get("Original-Request"));
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), fake.sessionIds().size());
        CPPUNIT_ASSERT(fake.requests()[1].replayed);
        // The same parameters in another order are the same request.
        const Reply reordered = http(fake, "POST", "/v1/checkout/sessions",
                                     "client_reference_id=x&" + sessionForm("5000", "usd", "x"), "default", "k2");
        CPPUNIT_ASSERT_EQUAL(200, reordered.status);
        CPPUNIT_ASSERT_EQUAL(
            reordered.body,
            http(fake, "POST", "/v1/checkout/sessions", sessionForm("5000", "usd", "x"), "default", "k2").body);
        const Reply changed = http(fake, "POST", "/v1/checkout/sessions", sessionForm("6000"), "default", "dep_1");
        CPPUNIT_ASSERT_EQUAL(400, changed.status);
        CPPUNIT_ASSERT_EQUAL(std::string("idempotency_error"), changed.errorField("type"));
        CPPUNIT_ASSERT(changed.errorField("message").find("same parameters") != std::string::npos);
        const Reply elsewhere = http(fake, "POST", "/v1/refunds", "payment_intent=pi_x", "default", "dep_1");
        CPPUNIT_ASSERT_EQUAL(400, elsewhere.status);
        CPPUNIT_ASSERT_EQUAL(std::string("idempotency_error"), elsewhere.errorField("type"));
        CPPUNIT_ASSERT(elsewhere.errorField("message").find("same endpoint") != std::string::npos);
        // Without a key every POST executes.
        http(fake, "POST", "/v1/checkout/sessions", sessionForm());
        http(fake, "POST", "/v1/checkout/sessions", sessionForm());
        CPPUNIT_ASSERT_EQUAL(std::size_t(4), fake.sessionIds().size());
    }

    void testCheckoutPaidCreatesIntentAndEvents() {
        FakeStripe fake;
        const auto [cs, pi] = paidDeposit(fake);
        CPPUNIT_ASSERT(pi.rfind("pi_", 0) == 0);
        const auto s = parse(*fake.session(cs));
        CPPUNIT_ASSERT_EQUAL(std::string("complete"), s->getValue<std::string>("status"));
        CPPUNIT_ASSERT_EQUAL(std::string("paid"), s->getValue<std::string>("payment_status"));
        CPPUNIT_ASSERT_EQUAL(pi, s->getValue<std::string>("payment_intent"));
        CPPUNIT_ASSERT(s->isNull("url"));  // only an open session has a page
        const Reply intent = http(fake, "GET", "/v1/payment_intents/" + pi);
        CPPUNIT_ASSERT_EQUAL(200, intent.status);
        CPPUNIT_ASSERT_EQUAL(std::string("succeeded"), intent.json()->getValue<std::string>("status"));
        CPPUNIT_ASSERT_EQUAL(5000, intent.json()->getValue<int>("amount_received"));
        CPPUNIT_ASSERT_EQUAL(std::string("dep_1"),
                             intent.json()->getObject("metadata")->getValue<std::string>("deposit_id"));
        CPPUNIT_ASSERT((typesOf(fake) == std::vector<std::string>{"payment_intent.created", "payment_intent.succeeded",
                                                                  "charge.succeeded", "checkout.session.completed"}));
        const auto completed = fake.events().back();
        CPPUNIT_ASSERT_EQUAL(cs, completed.objectId);
        CPPUNIT_ASSERT(completed.payload.find("\n  \"id\": \"evt_") != std::string::npos);  // pretty-printed
        const auto e = parse(completed.payload);
        CPPUNIT_ASSERT_EQUAL(std::string("event"), e->getValue<std::string>("object"));
        CPPUNIT_ASSERT_EQUAL(std::string("2024-06-20"), e->getValue<std::string>("api_version"));
        CPPUNIT_ASSERT_EQUAL(std::string("paid"),
                             e->getObject("data")->getObject("object")->getValue<std::string>("payment_status"));
        const Reply event = http(fake, "GET", "/v1/events/" + completed.id);
        CPPUNIT_ASSERT_EQUAL(completed.payload, event.body);
        CPPUNIT_ASSERT_THROW(fake.completeCheckout(cs), std::logic_error);
        CPPUNIT_ASSERT_THROW(fake.completeCheckout("cs_test_nope"), std::invalid_argument);
    }

    void testDelayedPaymentExpiryAndExpireEndpoint() {
        std::atomic<std::int64_t> clock{1'714'000'000};
        FakeStripeOptions o;
        o.clock = [&] { return clock.load(); };
        FakeStripe fake(o);
        const auto create = [&](const std::string& dep) {
            return http(fake, "POST", "/v1/checkout/sessions", sessionForm("5000", "usd", dep))
                .json()
                ->getValue<std::string>("id");
        };
        const std::string a = create("dep_a"), b = create("dep_b"), c = create("dep_c");
        fake.completeCheckoutPending(a);
        CPPUNIT_ASSERT_EQUAL(std::string("unpaid"), parse(*fake.session(a))->getValue<std::string>("payment_status"));
        fake.settleAsyncPayment(a, false);
        CPPUNIT_ASSERT_EQUAL(std::string("checkout.session.async_payment_failed"), fake.events().back().type);
        const auto intent =
            parse(*fake.paymentIntent(parse(*fake.session(a))->getValue<std::string>("payment_intent")));
        CPPUNIT_ASSERT_EQUAL(std::string("requires_payment_method"), intent->getValue<std::string>("status"));
        CPPUNIT_ASSERT(!intent->isNull("last_payment_error"));
        CPPUNIT_ASSERT_THROW(fake.settleAsyncPayment(a, true), std::logic_error);

        const Reply expired = http(fake, "POST", "/v1/checkout/sessions/" + b + "/expire", "");
        CPPUNIT_ASSERT_EQUAL(200, expired.status);
        CPPUNIT_ASSERT_EQUAL(std::string("expired"), expired.json()->getValue<std::string>("status"));
        CPPUNIT_ASSERT_EQUAL(std::string("checkout.session.expired"), fake.events().back().type);
        const Reply twice = http(fake, "POST", "/v1/checkout/sessions/" + b + "/expire", "");
        CPPUNIT_ASSERT_EQUAL(400, twice.status);

        // Past expires_at (24 h by default) an open session expires by itself.
        clock += 86'400;
        CPPUNIT_ASSERT_EQUAL(std::string("expired"),
                             http(fake, "GET", "/v1/checkout/sessions/" + c).json()->getValue<std::string>("status"));
        CPPUNIT_ASSERT_EQUAL(c, fake.events().back().objectId);
        CPPUNIT_ASSERT_EQUAL(std::string("checkout.session.expired"), fake.events().back().type);
    }

    void testRefunds() {
        FakeStripe fake;
        const auto [cs, pi] = paidDeposit(fake);
        const auto refund = [&](const std::string& body, const std::string& key) {
            return http(fake, "POST", "/v1/refunds", body, "default", key);
        };
        const Reply unknown = refund("payment_intent=pi_nope&amount=100", "wd_0");
        CPPUNIT_ASSERT_EQUAL(400, unknown.status);
        CPPUNIT_ASSERT_EQUAL(std::string("resource_missing"), unknown.errorField("code"));
        CPPUNIT_ASSERT_EQUAL(400, refund("amount=100", "").status);
        CPPUNIT_ASSERT_EQUAL(400, refund("payment_intent=" + pi + "&amount=0", "").status);
        CPPUNIT_ASSERT_EQUAL(400, refund("payment_intent=" + pi + "&reason=bored", "").status);

        const Reply r = refund("payment_intent=" + pi +
                                   "&amount=3000&reason=requested_by_customer"
                                   "&metadata[withdrawal_id]=wd_1",
                               "wd_1");
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 200, r.status);
        const auto o = r.json();
        const std::string re = o->getValue<std::string>("id");
        CPPUNIT_ASSERT(re.rfind("re_", 0) == 0);
        CPPUNIT_ASSERT_EQUAL(std::string("pending"), o->getValue<std::string>("status"));
        CPPUNIT_ASSERT_EQUAL(3000, o->getValue<int>("amount"));
        CPPUNIT_ASSERT_EQUAL(pi, o->getValue<std::string>("payment_intent"));
        CPPUNIT_ASSERT_EQUAL(std::string("wd_1"), o->getObject("metadata")->getValue<std::string>("withdrawal_id"));
        const auto created = parse(fake.events().back().payload);
        CPPUNIT_ASSERT_EQUAL(std::string("refund.created"), created->getValue<std::string>("type"));
        CPPUNIT_ASSERT_EQUAL(std::string("wd_1"),
                             created->getObject("request")->getValue<std::string>("idempotency_key"));

        const Reply tooMuch = refund("payment_intent=" + pi + "&amount=2001", "wd_2");
        CPPUNIT_ASSERT_EQUAL(400, tooMuch.status);
        CPPUNIT_ASSERT_EQUAL(std::string("amount_too_large"), tooMuch.errorField("code"));
        // A refusal by the endpoint is kept for its key: the same retry gets the same answer.
        CPPUNIT_ASSERT_EQUAL(tooMuch.body, refund("payment_intent=" + pi + "&amount=2001", "wd_2").body);

        fake.settleRefund(re);
        const auto types = typesOf(fake);
        CPPUNIT_ASSERT((std::vector<std::string>(types.end() - 2, types.end()) ==
                        std::vector<std::string>{"refund.updated", "charge.refunded"}));
        const auto updated = parse(fake.events()[fake.events().size() - 2].payload);
        CPPUNIT_ASSERT_EQUAL(
            std::string("pending"),
            updated->getObject("data")->getObject("previous_attributes")->getValue<std::string>("status"));
        CPPUNIT_ASSERT_EQUAL(std::string("succeeded"),
                             http(fake, "GET", "/v1/refunds/" + re).json()->getValue<std::string>("status"));
        CPPUNIT_ASSERT_THROW(fake.settleRefund(re), std::logic_error);

        // The rest (2000), then a failure that makes it refundable again.
        const std::string re2 = refund("payment_intent=" + pi, "wd_3").json()->getValue<std::string>("id");
        CPPUNIT_ASSERT_EQUAL(2000, parse(*fake.refund(re2))->getValue<int>("amount"));
        const Reply none = refund("payment_intent=" + pi + "&amount=1", "wd_4");
        CPPUNIT_ASSERT_EQUAL(std::string("charge_already_refunded"), none.errorField("code"));
        fake.failRefund(re2, "insufficient_funds");
        CPPUNIT_ASSERT_EQUAL(std::string("refund.failed"), fake.events().back().type);
        const auto failed = parse(*fake.refund(re2));
        CPPUNIT_ASSERT_EQUAL(std::string("failed"), failed->getValue<std::string>("status"));
        CPPUNIT_ASSERT_EQUAL(std::string("insufficient_funds"), failed->getValue<std::string>("failure_reason"));
        CPPUNIT_ASSERT_EQUAL(200, refund("payment_intent=" + pi + "&amount=2000", "wd_5").status);

        // Card refunds often succeed at once.
        FakeStripeOptions options;
        options.refundsSucceedAtOnce = true;
        FakeStripe instant(options);
        const auto [cs2, pi2] = paidDeposit(instant, "dep_2", "800");
        const Reply done = http(instant, "POST", "/v1/refunds", "payment_intent=" + pi2, "default", "wd_9");
        CPPUNIT_ASSERT_EQUAL(std::string("succeeded"), done.json()->getValue<std::string>("status"));
        CPPUNIT_ASSERT_EQUAL(std::string("charge.refunded"), instant.events().back().type);
    }

    void testScriptedFaults() {
        FakeStripe fake;
        fake.failNext(500, 2);
        CPPUNIT_ASSERT_EQUAL(500,
                             http(fake, "POST", "/v1/checkout/sessions", sessionForm(), "default", "dep_1").status);
        const Reply second = http(fake, "POST", "/v1/checkout/sessions", sessionForm(), "default", "dep_1");
        CPPUNIT_ASSERT_EQUAL(500, second.status);
        CPPUNIT_ASSERT_EQUAL(std::string("api_error"), second.errorField("type"));
        // Nothing ran and nothing was stored: the retry executes.
        const Reply third = http(fake, "POST", "/v1/checkout/sessions", sessionForm(), "default", "dep_1");
        CPPUNIT_ASSERT_EQUAL(200, third.status);
        CPPUNIT_ASSERT(!third.headers.has("Idempotent-Replayed"));
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), fake.sessionIds().size());
        fake.failNext(429);
        const Reply limited = http(fake, "GET", "/v1/checkout/sessions/" + fake.sessionIds()[0]);
        CPPUNIT_ASSERT_EQUAL(429, limited.status);
        CPPUNIT_ASSERT_EQUAL(std::string("rate_limit"), limited.errorField("code"));
        fake.failNext(402);
        const Reply declined = http(fake, "GET", "/v1/checkout/sessions/" + fake.sessionIds()[0]);
        CPPUNIT_ASSERT_EQUAL(402, declined.status);
        CPPUNIT_ASSERT_EQUAL(std::string("card_error"), declined.errorField("type"));
        CPPUNIT_ASSERT_EQUAL(std::string("generic_decline"), declined.errorField("decline_code"));
        // Faults come after the key check.
        fake.failNext(500);
        CPPUNIT_ASSERT_EQUAL(401, http(fake, "GET", "/v1/refunds/re_1", "", "").status);
        CPPUNIT_ASSERT_EQUAL(500, http(fake, "GET", "/v1/refunds/re_1").status);
    }

    void testHangKeepsKeyInFlightThenExecutes() {
        FakeStripe fake;
        fake.hangNext(std::chrono::milliseconds(3000));
        const Reply timedOut = http(fake, "POST", "/v1/checkout/sessions", sessionForm(), "default", "dep_1",
                                    std::chrono::milliseconds(300));
        CPPUNIT_ASSERT_EQUAL(0, timedOut.status);
        CPPUNIT_ASSERT(!timedOut.error.empty());
        // While the first still runs, the retry is refused with 409.
        const Reply busy = http(fake, "POST", "/v1/checkout/sessions", sessionForm(), "default", "dep_1");
        CPPUNIT_ASSERT_EQUAL(409, busy.status);
        CPPUNIT_ASSERT_EQUAL(std::string("idempotency_error"), busy.errorField("type"));
        // Once it has finished, the retry gets its answer.
        for (int i = 0; i < 200 && fake.sessionIds().empty(); ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), fake.sessionIds().size());
        const Reply later = http(fake, "POST", "/v1/checkout/sessions", sessionForm(), "default", "dep_1");
        CPPUNIT_ASSERT_EQUAL(200, later.status);
        CPPUNIT_ASSERT_EQUAL(std::string("true"), later.headers.get("Idempotent-Replayed"));
        CPPUNIT_ASSERT_EQUAL(fake.sessionIds()[0], later.json()->getValue<std::string>("id"));
    }

    void testWebhooksSignedAsStripeSigns() {
        WebhookSink sink;
        std::atomic<std::int64_t> clock{1'714'000'000};
        FakeStripeOptions o;
        o.clock = [&] { return clock.load(); };
        o.webhookUrl = sink.url();
        o.webhookSecret = "whsec_2b5aLx0Qk9r3sJw8T1mZyVq7eH4cN6dU";
        FakeStripe fake(o);
        paidDeposit(fake);
        CPPUNIT_ASSERT(fake.waitForDeliveries(4, std::chrono::seconds(10)));
        CPPUNIT_ASSERT(sink.waitFor(4, std::chrono::seconds(5)));
        const auto got = sink.received();
        const auto events = fake.events();
        for (std::size_t i = 0; i < 4; ++i) {
            CPPUNIT_ASSERT_EQUAL(std::string("POST"), got[i].method);
            CPPUNIT_ASSERT_EQUAL(events[i].payload, got[i].body);  // delivered in order, byte for byte
            CPPUNIT_ASSERT(got[i].header("Content-Type").find("application/json") == 0);
            const std::string sig = got[i].header("Stripe-Signature");
            const std::string expected =
                "t=1714000000,v1=" + bourse::plugins::hmacSha256Hex(o.webhookSecret, "1714000000." + got[i].body);
            CPPUNIT_ASSERT_EQUAL(expected, sig.substr(0, sig.find(",v0=")));
            CPPUNIT_ASSERT(sig.find(",v0=") != std::string::npos);  // test mode adds a legacy v0
        }
        const auto d = fake.deliveries();
        CPPUNIT_ASSERT_EQUAL(std::size_t(4), d.size());
        CPPUNIT_ASSERT_EQUAL(200, d[3].status);
        CPPUNIT_ASSERT_EQUAL(std::string("checkout.session.completed"), d[3].type);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1'714'000'000), d[3].timestamp);
        // signatureHeader on the §8.4 vector S-C1.
        CPPUNIT_ASSERT_EQUAL(
            std::string("t=1700000000,v1=d95c6b7477fbd7e9f90b1b0ef5f9c7ac25abca5382460e0d988c2b2a5b71b990"),
            FakeStripe::signatureHeader("whsec_test_secret", 1'700'000'000,
                                        R"({"id":"evt_test_webhook","object":"event"})"));
    }

    void testWebhookMisbehaviour() {
        WebhookSink sink;
        std::atomic<std::int64_t> clock{1'714'000'000};
        FakeStripeOptions o;
        o.clock = [&] { return clock.load(); };
        o.webhookUrl = sink.url();
        FakeStripe fake(o);
        fake.setEnabledEvents({"checkout.session.completed", "checkout.session.expired"});
        const auto create = [&](const std::string& dep) {
            return http(fake, "POST", "/v1/checkout/sessions", sessionForm("5000", "usd", dep))
                .json()
                ->getValue<std::string>("id");
        };
        // Twice: two deliveries of one event, each signed.
        fake.deliverTwice(true);
        fake.completeCheckout(create("dep_1"));
        CPPUNIT_ASSERT(sink.waitFor(2, std::chrono::seconds(10)));
        auto got = sink.received();
        CPPUNIT_ASSERT_EQUAL(got[0].body, got[1].body);
        CPPUNIT_ASSERT(fake.waitForDeliveries(2, std::chrono::seconds(5)));
        CPPUNIT_ASSERT(fake.deliveries()[1].duplicate);
        fake.deliverTwice(false);

        // Held, then released in reverse: out of order.
        fake.holdEvents(true);
        const std::string a = create("dep_a"), b = create("dep_b");
        fake.completeCheckout(a);
        fake.expireCheckout(b);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), fake.heldEvents());
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), sink.received().size());
        fake.holdEvents(false);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), fake.releaseEvents(FakeStripeRelease::Reversed));
        CPPUNIT_ASSERT(sink.waitFor(4, std::chrono::seconds(10)));
        got = sink.received();
        CPPUNIT_ASSERT(got[2].body.find("checkout.session.expired") != std::string::npos);
        CPPUNIT_ASSERT(got[3].body.find("checkout.session.completed") != std::string::npos);

        // A wrong secret and an old timestamp.
        fake.signWithWrongSecret(true);
        fake.setSignatureTimestampOffset(std::chrono::seconds(-600));
        fake.completeCheckout(create("dep_c"));
        CPPUNIT_ASSERT(sink.waitFor(5, std::chrono::seconds(10)));
        got = sink.received();
        const std::string sig = got[4].header("Stripe-Signature");
        CPPUNIT_ASSERT(sig.rfind("t=1713999400,v1=", 0) == 0);
        CPPUNIT_ASSERT(sig.find(bourse::plugins::hmacSha256Hex(o.webhookSecret, "1713999400." + got[4].body)) ==
                       std::string::npos);
        CPPUNIT_ASSERT(fake.waitForDeliveries(5, std::chrono::seconds(5)));
        CPPUNIT_ASSERT(fake.deliveries()[4].wrongSecret);
    }

    void testWebhookRetriesFiltersAndResend() {
        WebhookSink sink;
        FakeStripeOptions o;
        o.webhookUrl = sink.url();
        FakeStripe fake(o);
        fake.setEnabledEvents({"checkout.session.completed"});
        fake.setDeliveryRetries(2, std::chrono::milliseconds(50));
        sink.answer(500);
        const auto [cs, pi] = paidDeposit(fake);
        CPPUNIT_ASSERT(fake.waitForDeliveries(3, std::chrono::seconds(10)));  // the first try and two retries
        const auto d = fake.deliveries();
        CPPUNIT_ASSERT_EQUAL(500, d[2].status);
        CPPUNIT_ASSERT_EQUAL(3, d[2].attempt);
        CPPUNIT_ASSERT_EQUAL(std::string("checkout.session.completed"), d[0].type);  // the only type enabled
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), fake.deliveries().size());  // then it gives up
        sink.answer(200);
        fake.redeliver(fake.events().back().id);
        CPPUNIT_ASSERT(fake.waitForDeliveries(4, std::chrono::seconds(10)));
        CPPUNIT_ASSERT_EQUAL(200, fake.deliveries()[3].status);
        CPPUNIT_ASSERT_THROW(fake.redeliver("evt_nope"), std::invalid_argument);
        // Unreachable endpoint: recorded with status 0 and the error.
        fake.setWebhookUrl("http://127.0.0.1:1/hook");
        fake.setDeliveryRetries(0, std::chrono::milliseconds(10));
        fake.redeliver(fake.events().back().id);
        CPPUNIT_ASSERT(fake.waitForDeliveries(5, std::chrono::seconds(10)));
        CPPUNIT_ASSERT_EQUAL(0, fake.deliveries()[4].status);
        CPPUNIT_ASSERT(!fake.deliveries()[4].error.empty());
    }

    void testControlsOverHttp() {
        WebhookSink sink;
        FakeStripe fake;
        const auto control = [&](const std::string& method, const std::string& path, const std::string& body = "") {
            return http(fake, method, path, body, "", "", std::chrono::seconds(10), "application/json");
        };
        const Reply cfg = control("POST", "/_fake/webhooks",
                                  R"({"url":")" + sink.url() +
                                      R"(","secret":"whsec_other","enabled_events":["checkout.session.completed"]})");
        CPPUNIT_ASSERT_EQUAL(200, cfg.status);
        const std::string cs =
            http(fake, "POST", "/v1/checkout/sessions", sessionForm()).json()->getValue<std::string>("id");
        const Reply page = control("GET", "/_fake/checkout/" + cs);
        CPPUNIT_ASSERT_EQUAL(200, page.status);
        CPPUNIT_ASSERT(page.body.find("/_fake/checkout/" + cs + "/pay?redirect=1") != std::string::npos);
        // The page's Pay button: paid, then 303 to success_url with the session id filled in.
        const Reply paid = control("POST", "/_fake/checkout/" + cs + "/pay?redirect=1");
        CPPUNIT_ASSERT_EQUAL(303, paid.status);
        CPPUNIT_ASSERT_EQUAL("https://bourse.test/#wallet?s=" + cs, paid.headers.get("Location"));
        CPPUNIT_ASSERT(sink.waitFor(1, std::chrono::seconds(10)));
        const auto got = sink.received()[0];
        CPPUNIT_ASSERT(got.header("Stripe-Signature")
                           .find(bourse::plugins::hmacSha256Hex(
                               "whsec_other", got.header("Stripe-Signature").substr(2, 10) + "." + got.body)) !=
                       std::string::npos);
        CPPUNIT_ASSERT_EQUAL(409, control("POST", "/_fake/checkout/" + cs + "/pay").status);
        CPPUNIT_ASSERT_EQUAL(404, control("POST", "/_fake/checkout/cs_test_nope/pay").status);
        // Lists for assertions from other processes.
        const auto sessions = Poco::JSON::Parser()
                                  .parse(control("GET", "/_fake/sessions?client_reference_id=dep_1").body)
                                  .extract<Poco::JSON::Array::Ptr>();
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), sessions->size());
        const auto events =
            Poco::JSON::Parser().parse(control("GET", "/_fake/events").body).extract<Poco::JSON::Array::Ptr>();
        CPPUNIT_ASSERT_EQUAL(std::size_t(4), events->size());
        const auto requests =
            Poco::JSON::Parser().parse(control("GET", "/_fake/requests").body).extract<Poco::JSON::Array::Ptr>();
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), requests->size());  // controls are not recorded
        // Faults and refunds.
        CPPUNIT_ASSERT_EQUAL(200, control("POST", "/_fake/faults", R"({"status":503,"count":1})").status);
        CPPUNIT_ASSERT_EQUAL(503, http(fake, "GET", "/v1/checkout/sessions/" + cs).status);
        const std::string pi = parse(*fake.session(cs))->getValue<std::string>("payment_intent");
        const std::string re =
            http(fake, "POST", "/v1/refunds", "payment_intent=" + pi).json()->getValue<std::string>("id");
        const Reply failed =
            control("POST", "/_fake/refunds/" + re + "/fail", R"({"failure_reason":"lost_or_stolen_card"})");
        CPPUNIT_ASSERT_EQUAL(200, failed.status);
        CPPUNIT_ASSERT_EQUAL(std::string("lost_or_stolen_card"),
                             failed.json()->getValue<std::string>("failure_reason"));
        CPPUNIT_ASSERT_EQUAL(409, control("POST", "/_fake/refunds/" + re + "/succeed").status);
        // Hold and release over HTTP.
        control("POST", "/_fake/webhooks", R"({"hold":true,"enabled_events":["*"]})");
        const std::string cs2 = http(fake, "POST", "/v1/checkout/sessions", sessionForm("700", "usd", "dep_2"))
                                    .json()
                                    ->getValue<std::string>("id");
        control("POST", "/_fake/checkout/" + cs2 + "/expire");
        const Reply released = control("POST", "/_fake/webhooks/release", R"({"order":"reversed"})");
        CPPUNIT_ASSERT_EQUAL(1, released.json()->getValue<int>("released"));
        CPPUNIT_ASSERT(fake.waitForDeliveries(2, std::chrono::seconds(10)));
        const auto deliveries =
            Poco::JSON::Parser().parse(control("GET", "/_fake/deliveries").body).extract<Poco::JSON::Array::Ptr>();
        CPPUNIT_ASSERT_EQUAL(std::string("checkout.session.expired"),
                             deliveries->getObject(1)->getValue<std::string>("type"));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(FakeStripeTest);
