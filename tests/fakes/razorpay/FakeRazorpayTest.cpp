// The fake Razorpay speaks Razorpay's wire format, enforces its rules, signs
// webhooks as Razorpay does and misbehaves on request: checked over plain
// HTTP (Poco's client) with a local receiver for its webhooks.
#include "razorpay/FakeRazorpay.h"

#include <bourse/plugins/Signing.h>

#include <Poco/Base64Encoder.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>
#include <Poco/String.h>

#include <cppunit/extensions/HelperMacros.h>

#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

using bourse::fakes::FakeRazorpay;
using bourse::fakes::FakeRazorpayOptions;
using bourse::fakes::FakeRazorpayWebhookOptions;

namespace {

Poco::JSON::Object::Ptr object(const std::string& text) {
    return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}

struct Reply {
    int status = 0;
    std::string body;
    std::map<std::string, std::string> headers;  ///< names lower-case
    bool timedOut = false;

    [[nodiscard]] Poco::JSON::Object::Ptr json() const { return object(body); }
    [[nodiscard]] std::string error(const std::string& key) const {
        return json()->getObject("error")->getValue<std::string>(key);
    }
};

std::string basic(const std::string& user, const std::string& password) {
    std::ostringstream out;
    Poco::Base64Encoder encoder(out);
    encoder.rdbuf()->setLineLength(0);
    encoder << user << ':' << password;
    encoder.close();
    return "Basic " + out.str();
}

/// One HTTP call; `auth` "" sends no Authorization header.
Reply call(const FakeRazorpay& fake, const std::string& method, const std::string& path, const std::string& body = "",
           std::map<std::string, std::string> headers = {}, std::string auth = "default", int timeoutMs = 5'000) {
    if (auth == "default") auth = basic(fake.options().keyId, fake.options().keySecret);
    Reply out;
    try {
        Poco::Net::HTTPClientSession session("127.0.0.1", fake.port());
        session.setTimeout(Poco::Timespan(timeoutMs / 1000, (timeoutMs % 1000) * 1000));
        Poco::Net::HTTPRequest req(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
        if (!auth.empty()) req.set("Authorization", auth);
        for (const auto& [k, v] : headers)
            req.set(k, v);
        if (method != "GET") {
            req.setContentType("application/json");
            req.setContentLength(static_cast<std::streamsize>(body.size()));
        }
        session.sendRequest(req) << body;
        Poco::Net::HTTPResponse resp;
        std::istream& in = session.receiveResponse(resp);
        std::ostringstream text;
        Poco::StreamCopier::copyStream(in, text);
        out.status = static_cast<int>(resp.getStatus());
        out.body = text.str();
        for (const auto& [k, v] : resp)
            out.headers[Poco::toLower(k)] = v;
    } catch (const Poco::TimeoutException&) {
        out.timedOut = true;
    }
    return out;
}

Reply post(const FakeRazorpay& fake, const std::string& path, const std::string& body,
           std::map<std::string, std::string> headers = {}) {
    return call(fake, "POST", path, body, std::move(headers));
}

std::string createOrder(const FakeRazorpay& fake, const std::string& receipt, std::int64_t amount = 5'000) {
    const Reply r = post(fake, "/v1/orders",
                         R"({"amount":)" + std::to_string(amount) + R"(,"currency":"INR","receipt":")" + receipt +
                             R"(","notes":{"deposit_id":")" + receipt + "\"}}");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 200, r.status);
    return r.json()->getValue<std::string>("id");
}

/// Receives webhooks: keeps each request's raw body and headers; answers `status`.
class Receiver {
public:
    struct Hit {
        std::string body;
        std::map<std::string, std::string> headers;  ///< names lower-case
    };

    Receiver() {
        Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
        _port = socket.address().port();
        _server = std::make_unique<Poco::Net::HTTPServer>(new Factory(*this), socket, new Poco::Net::HTTPServerParams);
        _server->start();
    }
    ~Receiver() { _server->stopAll(true); }

    [[nodiscard]] std::string url() const { return "http://127.0.0.1:" + std::to_string(_port) + "/webhooks/razorpay"; }
    std::vector<Hit> hits() {
        std::lock_guard lock(_mutex);
        return _hits;
    }
    std::atomic<int> status{200};

private:
    class Handler : public Poco::Net::HTTPRequestHandler {
    public:
        explicit Handler(Receiver& r) : _r(r) {}
        void handleRequest(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) override {
            Hit hit;
            std::ostringstream body;
            Poco::StreamCopier::copyStream(req.stream(), body);
            hit.body = body.str();
            for (const auto& [k, v] : req)
                hit.headers[Poco::toLower(k)] = v;
            {
                std::lock_guard lock(_r._mutex);
                _r._hits.push_back(hit);
            }
            resp.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(_r.status.load()));
            resp.setContentLength(0);
            resp.send();
        }

    private:
        Receiver& _r;
    };
    class Factory : public Poco::Net::HTTPRequestHandlerFactory {
    public:
        explicit Factory(Receiver& r) : _r(r) {}
        Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
            return new Handler(_r);
        }

    private:
        Receiver& _r;
    };

    std::uint16_t _port = 0;
    std::unique_ptr<Poco::Net::HTTPServer> _server;
    std::mutex _mutex;
    std::vector<Hit> _hits;
};

std::vector<std::string> eventNames(const std::vector<Receiver::Hit>& hits) {
    std::vector<std::string> out;
    for (const auto& h : hits)
        out.push_back(object(h.body)->getValue<std::string>("event"));
    return out;
}

const std::string kAccount = "7878780080316316";

std::string payoutBody(const std::string& fa, std::int64_t amount, const std::string& mode = "UPI",
                       const std::string& extra = "") {
    return R"({"account_number":")" + kAccount + R"(","fund_account_id":")" + fa + R"(","amount":)" +
           std::to_string(amount) + R"(,"currency":"INR","mode":")" + mode +
           R"(","purpose":"payout","queue_if_low_balance":true,"reference_id":"wd_1")" + extra + "}";
}

}  // namespace

class FakeRazorpayTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(FakeRazorpayTest);
    CPPUNIT_TEST(testBasicAuthRequired);
    CPPUNIT_TEST(testOrderRules);
    CPPUNIT_TEST(testListOrders);
    CPPUNIT_TEST(testPayOrderSignsCheckoutAndWebhooks);
    CPPUNIT_TEST(testFailedPaymentAndManualCapture);
    CPPUNIT_TEST(testWebhookDeliveryOptions);
    CPPUNIT_TEST(testFailedDeliveriesAreRetried);
    CPPUNIT_TEST(testContactsAndFundAccounts);
    CPPUNIT_TEST(testPayoutIdempotency);
    CPPUNIT_TEST(testPayoutRulesAndSettlement);
    CPPUNIT_TEST(testRefunds);
    CPPUNIT_TEST(testFaults);
    CPPUNIT_TEST(testControlEndpoints);
    CPPUNIT_TEST_SUITE_END();

public:
    void testBasicAuthRequired() {
        FakeRazorpay fake;
        const std::string body = R"({"amount":5000,"currency":"INR"})";
        Reply r = call(fake, "POST", "/v1/orders", body, {}, "");
        CPPUNIT_ASSERT_EQUAL(401, r.status);
        CPPUNIT_ASSERT_EQUAL(std::string("BAD_REQUEST_ERROR"), r.error("code"));
        CPPUNIT_ASSERT_EQUAL(std::string("Please provide your api key for authentication purposes."),
                             r.error("description"));
        r = call(fake, "POST", "/v1/orders", body, {}, basic(fake.options().keyId, "wrong"));
        CPPUNIT_ASSERT_EQUAL(401, r.status);
        CPPUNIT_ASSERT_EQUAL(std::string("The api key provided is invalid"), r.error("description"));
        r = call(fake, "GET", "/v1/orders", "", {}, "Bearer abc");
        CPPUNIT_ASSERT_EQUAL(401, r.status);
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), fake.count("order_"));
        CPPUNIT_ASSERT_EQUAL(200, call(fake, "POST", "/v1/orders", body).status);
        CPPUNIT_ASSERT_EQUAL(std::size_t(4), fake.requests().size());
        CPPUNIT_ASSERT_EQUAL(basic(fake.options().keyId, fake.options().keySecret), fake.requests()[3].authorization);
    }

    void testOrderRules() {
        FakeRazorpayOptions o;
        o.clock = [] { return std::int64_t(1'582'628'071'000); };
        FakeRazorpay fake(o);
        const auto refused = [&](const std::string& body, const std::string& field, const std::string& says) {
            const Reply r = post(fake, "/v1/orders", body);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(body + " -> " + r.body, 400, r.status);
            CPPUNIT_ASSERT_EQUAL(std::string("BAD_REQUEST_ERROR"), r.error("code"));
            CPPUNIT_ASSERT_MESSAGE(r.body, r.error("description").find(says) != std::string::npos);
            if (!field.empty()) CPPUNIT_ASSERT_EQUAL(field, r.error("field"));
        };
        refused(R"({"amount":99,"currency":"INR"})", "amount", "The amount must be at least INR 1.00");
        refused(R"({"amount":100.5,"currency":"INR"})", "amount", "The amount must be an integer.");
        refused(R"({"amount":"5000","currency":"INR"})", "amount", "must be an integer");
        refused(R"({"currency":"INR"})", "amount", "The amount field is required.");
        refused(R"({"amount":5000})", "currency", "The currency field is required.");
        refused(R"({"amount":5000,"currency":"inr"})", "currency", "invalid");
        refused(R"({"amount":1005,"currency":"KWD"})", "amount", "must end with 0");
        refused(R"({"amount":5000,"currency":"INR","receipt":")" + std::string(41, 'r') + "\"}", "receipt",
                "may not be greater than 40 characters");
        refused(R"({"amount":5000,"currency":"INR","colour":"red"})", "colour",
                "colour is/are not required and should not be sent");
        std::string many = R"({"amount":5000,"currency":"INR","notes":{)";
        for (int i = 0; i < 16; ++i)
            many += (i ? "," : "") + std::string("\"k") + std::to_string(i) + "\":\"v\"";
        refused(many + "}}", "notes", "15");
        refused("{not json", "", "not valid JSON");
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), fake.count("order_"));

        const Reply ok = post(fake, "/v1/orders", R"({"amount":50000,"currency":"INR","receipt":"rcpt_1","notes":[]})");
        CPPUNIT_ASSERT_EQUAL_MESSAGE(ok.body, 200, ok.status);
        const auto order = ok.json();
        const std::string id = order->getValue<std::string>("id");
        CPPUNIT_ASSERT_EQUAL(std::size_t(20), id.size());  // order_ + 14
        CPPUNIT_ASSERT_EQUAL(std::string("order"), order->getValue<std::string>("entity"));
        CPPUNIT_ASSERT_EQUAL(50'000, order->getValue<int>("amount_due"));
        CPPUNIT_ASSERT_EQUAL(0, order->getValue<int>("amount_paid"));
        CPPUNIT_ASSERT_EQUAL(std::string("created"), order->getValue<std::string>("status"));
        CPPUNIT_ASSERT_EQUAL(1'582'628'071, order->getValue<int>("created_at"));
        CPPUNIT_ASSERT_MESSAGE("no notes are written []", ok.body.find(R"("notes":[])") != std::string::npos);
        CPPUNIT_ASSERT(ok.body.find(R"("offer_id":null)") != std::string::npos);
        refused(R"({"amount":7000,"currency":"INR","receipt":"rcpt_1"})", "receipt", "already been taken");
        CPPUNIT_ASSERT_EQUAL(200, post(fake, "/v1/orders", R"({"amount":1010,"currency":"KWD"})").status);

        CPPUNIT_ASSERT_EQUAL(id, call(fake, "GET", "/v1/orders/" + id).json()->getValue<std::string>("id"));
        const Reply missing = call(fake, "GET", "/v1/orders/order_00000000000000");
        CPPUNIT_ASSERT_EQUAL(400, missing.status);
        CPPUNIT_ASSERT_EQUAL(std::string("The id provided does not exist"), missing.error("description"));
        CPPUNIT_ASSERT_EQUAL(404, call(fake, "GET", "/v1/nothing").status);
    }

    void testListOrders() {
        FakeRazorpay fake;
        std::vector<std::string> ids;
        for (int i = 0; i < 5; ++i)
            ids.push_back(createOrder(fake, "r" + std::to_string(i)));
        Reply r = call(fake, "GET", "/v1/orders?receipt=r3");
        CPPUNIT_ASSERT_EQUAL(1, r.json()->getValue<int>("count"));
        CPPUNIT_ASSERT_EQUAL(ids[3], r.json()->getArray("items")->getObject(0)->getValue<std::string>("id"));
        r = call(fake, "GET", "/v1/orders?count=2&skip=1");
        CPPUNIT_ASSERT_EQUAL(std::string("collection"), r.json()->getValue<std::string>("entity"));
        CPPUNIT_ASSERT_EQUAL(2, r.json()->getValue<int>("count"));
        CPPUNIT_ASSERT_EQUAL_MESSAGE("newest first", ids[3],
                                     r.json()->getArray("items")->getObject(0)->getValue<std::string>("id"));
        CPPUNIT_ASSERT_EQUAL(0, call(fake, "GET", "/v1/orders?receipt=nope").json()->getValue<int>("count"));
        CPPUNIT_ASSERT_EQUAL(400, call(fake, "GET", "/v1/orders?count=500").status);
    }

    void testPayOrderSignsCheckoutAndWebhooks() {
        Receiver receiver;
        FakeRazorpayOptions o;
        o.webhookUrl = receiver.url();
        o.webhookSecret = "whsec_test_123";
        FakeRazorpay fake(o);
        const std::string orderId = createOrder(fake, "dep_1");
        const auto checkout = fake.payOrder(orderId);
        CPPUNIT_ASSERT_EQUAL(orderId, checkout.orderId);
        CPPUNIT_ASSERT_EQUAL(std::string("pay_"), checkout.paymentId.substr(0, 4));
        CPPUNIT_ASSERT_EQUAL(bourse::plugins::hmacSha256Hex(o.keySecret, orderId + "|" + checkout.paymentId),
                             checkout.signature);
        const auto meta = object(checkout.toJson());
        CPPUNIT_ASSERT_EQUAL(checkout.signature, meta->getValue<std::string>("razorpay_signature"));
        CPPUNIT_ASSERT_THROW(fake.payOrder(orderId), std::invalid_argument);
        CPPUNIT_ASSERT_THROW(fake.payOrder("order_unknown"), std::invalid_argument);

        CPPUNIT_ASSERT(fake.waitForWebhooks());
        const auto hits = receiver.hits();
        CPPUNIT_ASSERT(eventNames(hits) ==
                       std::vector<std::string>({"payment.authorized", "payment.captured", "order.paid"}));
        std::set<std::string> ids;
        for (const auto& h : hits) {
            CPPUNIT_ASSERT_EQUAL_MESSAGE("signed over the raw body with the webhook secret",
                                         bourse::plugins::hmacSha256Hex("whsec_test_123", h.body),
                                         h.headers.at("x-razorpay-signature"));
            CPPUNIT_ASSERT_EQUAL(std::size_t(14), h.headers.at("x-razorpay-event-id").size());
            ids.insert(h.headers.at("x-razorpay-event-id"));
            const auto e = object(h.body);
            CPPUNIT_ASSERT_EQUAL(std::string("event"), e->getValue<std::string>("entity"));
            CPPUNIT_ASSERT_EQUAL(o.accountId, e->getValue<std::string>("account_id"));
        }
        CPPUNIT_ASSERT_EQUAL_MESSAGE("one id per event", std::size_t(3), ids.size());
        const auto paid = object(hits[2].body);
        CPPUNIT_ASSERT_EQUAL(std::string(R"(["payment","order"])"),
                             hits[2].body.substr(hits[2].body.find("\"contains\":") + 11, 19));
        const auto order = paid->getObject("payload")->getObject("order")->getObject("entity");
        CPPUNIT_ASSERT_EQUAL(std::string("paid"), order->getValue<std::string>("status"));
        CPPUNIT_ASSERT_EQUAL(std::string("dep_1"), order->getValue<std::string>("receipt"));
        const auto authorized = object(hits[0].body)->getObject("payload")->getObject("payment")->getObject("entity");
        CPPUNIT_ASSERT_EQUAL_MESSAGE("each event shows the payment as it was then", std::string("authorized"),
                                     authorized->getValue<std::string>("status"));

        const auto events = fake.events();
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), events.size());
        CPPUNIT_ASSERT_EQUAL(hits[1].body, events[1].body);
        CPPUNIT_ASSERT_EQUAL(std::string("paid"), object(fake.entity(orderId))->getValue<std::string>("status"));
        const Reply payments = call(fake, "GET", "/v1/orders/" + orderId + "/payments");
        CPPUNIT_ASSERT_EQUAL(1, payments.json()->getValue<int>("count"));
        const auto payment = call(fake, "GET", "/v1/payments/" + checkout.paymentId).json();
        CPPUNIT_ASSERT_EQUAL(std::string("captured"), payment->getValue<std::string>("status"));
        CPPUNIT_ASSERT(payment->getValue<bool>("captured"));
        CPPUNIT_ASSERT_EQUAL(100, payment->getValue<int>("fee"));
    }

    void testFailedPaymentAndManualCapture() {
        FakeRazorpayOptions o;
        o.autoCapture = false;
        FakeRazorpay fake(o);
        const std::string orderId = createOrder(fake, "dep_2");
        const std::string failed = fake.failPayment(orderId, "Payment was declined by the bank");
        auto events = fake.events();
        CPPUNIT_ASSERT_EQUAL(std::string("payment.failed"), events.back().event);
        const auto p = object(events.back().body)->getObject("payload")->getObject("payment")->getObject("entity");
        CPPUNIT_ASSERT_EQUAL(failed, p->getValue<std::string>("id"));
        CPPUNIT_ASSERT_EQUAL(std::string("Payment was declined by the bank"),
                             p->getValue<std::string>("error_description"));
        CPPUNIT_ASSERT_EQUAL(std::string("attempted"), object(fake.entity(orderId))->getValue<std::string>("status"));

        const auto checkout = fake.payOrder(orderId);  // the customer tries again on the same order
        CPPUNIT_ASSERT_EQUAL(std::string("payment.authorized"), fake.events().back().event);
        CPPUNIT_ASSERT_EQUAL(std::string("authorized"),
                             object(fake.entity(checkout.paymentId))->getValue<std::string>("status"));
        const std::string path = "/v1/payments/" + checkout.paymentId + "/capture";
        CPPUNIT_ASSERT_EQUAL(400, post(fake, path, R"({"amount":4000,"currency":"INR"})").status);
        const Reply captured = post(fake, path, R"({"amount":5000,"currency":"INR"})");
        CPPUNIT_ASSERT_EQUAL_MESSAGE(captured.body, 200, captured.status);
        CPPUNIT_ASSERT(captured.json()->getValue<bool>("captured"));
        CPPUNIT_ASSERT_EQUAL(400, post(fake, path, R"({"amount":5000,"currency":"INR"})").status);
        events = fake.events();
        CPPUNIT_ASSERT_EQUAL(std::string("order.paid"), events.back().event);
        CPPUNIT_ASSERT_EQUAL(2,
                             call(fake, "GET", "/v1/orders/" + orderId + "/payments").json()->getValue<int>("count"));
    }

    void testWebhookDeliveryOptions() {
        Receiver receiver;
        FakeRazorpayOptions o;
        o.webhookUrl = receiver.url();
        FakeRazorpay fake(o);

        fake.setWebhookOptions({true, false, false, false});  // twice
        fake.failPayment(createOrder(fake, "a"));
        CPPUNIT_ASSERT(fake.waitForWebhooks());
        auto hits = receiver.hits();
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), hits.size());
        CPPUNIT_ASSERT_EQUAL(hits[0].body, hits[1].body);
        CPPUNIT_ASSERT_EQUAL(hits[0].headers.at("x-razorpay-event-id"), hits[1].headers.at("x-razorpay-event-id"));

        fake.setWebhookOptions({false, true, false, false});  // out of order
        fake.payOrder(createOrder(fake, "b"));
        CPPUNIT_ASSERT(fake.waitForWebhooks());
        hits = receiver.hits();
        CPPUNIT_ASSERT(eventNames({hits.begin() + 2, hits.end()}) ==
                       std::vector<std::string>({"order.paid", "payment.captured", "payment.authorized"}));

        fake.setWebhookOptions({false, false, true, false});  // hold
        const std::string held = createOrder(fake, "c");
        fake.payOrder(held);
        CPPUNIT_ASSERT(fake.waitForWebhooks());
        CPPUNIT_ASSERT_EQUAL(std::size_t(5), receiver.hits().size());
        fake.setWebhookOptions({});
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), fake.releaseWebhooks(true));
        CPPUNIT_ASSERT(fake.waitForWebhooks());
        hits = receiver.hits();
        CPPUNIT_ASSERT(eventNames({hits.begin() + 5, hits.end()}) ==
                       std::vector<std::string>({"order.paid", "payment.captured", "payment.authorized"}));
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), fake.releaseWebhooks());

        fake.setWebhookOptions({false, false, false, true});  // wrong secret
        fake.failPayment(createOrder(fake, "d"));
        CPPUNIT_ASSERT(fake.waitForWebhooks());
        const auto last = receiver.hits().back();
        CPPUNIT_ASSERT_EQUAL(std::size_t(64), last.headers.at("x-razorpay-signature").size());
        CPPUNIT_ASSERT(bourse::plugins::hmacSha256Hex(o.webhookSecret, last.body) !=
                       last.headers.at("x-razorpay-signature"));
        CPPUNIT_ASSERT(fake.webhookOptions().wrongSecret);
    }

    void testFailedDeliveriesAreRetried() {
        Receiver receiver;
        receiver.status = 500;
        FakeRazorpay fake;
        fake.failPayment(createOrder(fake, "x"));  // no URL yet: recorded only
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), fake.events().size());
        fake.setWebhook(receiver.url(), "rotated_secret");
        fake.failPayment(createOrder(fake, "y"));
        CPPUNIT_ASSERT(fake.waitForWebhooks());
        auto deliveries = fake.deliveries();
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), deliveries.size());
        CPPUNIT_ASSERT_EQUAL(500, deliveries[0].status);
        receiver.status = 200;
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), fake.retryFailedWebhooks());
        CPPUNIT_ASSERT(fake.waitForWebhooks());
        deliveries = fake.deliveries();
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), deliveries.size());
        CPPUNIT_ASSERT_EQUAL(200, deliveries[1].status);
        CPPUNIT_ASSERT_EQUAL(deliveries[0].eventId, deliveries[1].eventId);
        const auto hit = receiver.hits().back();
        CPPUNIT_ASSERT_EQUAL(bourse::plugins::hmacSha256Hex("rotated_secret", hit.body),
                             hit.headers.at("x-razorpay-signature"));
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), fake.retryFailedWebhooks());
    }

    void testContactsAndFundAccounts() {
        FakeRazorpay fake;
        const std::string contactBody = R"({"name":"Gaurav Kumar","type":"customer","reference_id":"user-7"})";
        Reply c = post(fake, "/v1/contacts", contactBody);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(c.body, 201, c.status);
        const std::string contactId = c.json()->getValue<std::string>("id");
        c = post(fake, "/v1/contacts", contactBody);
        CPPUNIT_ASSERT_EQUAL(200, c.status);
        CPPUNIT_ASSERT_EQUAL(contactId, c.json()->getValue<std::string>("id"));
        CPPUNIT_ASSERT_EQUAL(400, post(fake, "/v1/contacts", R"({"type":"customer"})").status);
        CPPUNIT_ASSERT_EQUAL(400, post(fake, "/v1/contacts", R"({"name":"A","type":"alien"})").status);

        const std::string faBody =
            R"({"contact_id":")" + contactId + R"(","account_type":"vpa","vpa":{"address":"gaurav.kumar@exampleupi"}})";
        Reply fa = post(fake, "/v1/fund_accounts", faBody);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(fa.body, 201, fa.status);
        const std::string faId = fa.json()->getValue<std::string>("id");
        CPPUNIT_ASSERT_EQUAL(std::string("exampleupi"), fa.json()->getObject("vpa")->getValue<std::string>("handle"));
        fa = post(fake, "/v1/fund_accounts", faBody);
        CPPUNIT_ASSERT_EQUAL(200, fa.status);
        CPPUNIT_ASSERT_EQUAL(faId, fa.json()->getValue<std::string>("id"));
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), fake.count("fa_"));
        const Reply bad =
            post(fake, "/v1/fund_accounts",
                 R"({"contact_id":")" + contactId + R"(","account_type":"vpa","vpa":{"address":"nope"}})");
        CPPUNIT_ASSERT_EQUAL(400, bad.status);
        CPPUNIT_ASSERT_EQUAL(std::string("vpa.address"), bad.error("field"));
        CPPUNIT_ASSERT_EQUAL(
            400, post(fake, "/v1/fund_accounts",
                      R"({"contact_id":"cont_00000000000000","account_type":"vpa","vpa":{"address":"a.b@okaxis"}})")
                     .status);
        const Reply bank = post(
            fake, "/v1/fund_accounts",
            R"({"contact_id":")" + contactId +
                R"(","account_type":"bank_account","bank_account":{"name":"Gaurav Kumar","ifsc":"HDFC0000053","account_number":"765432123456789"}})");
        CPPUNIT_ASSERT_EQUAL_MESSAGE(bank.body, 201, bank.status);
        CPPUNIT_ASSERT_EQUAL(
            std::string("vpa"),
            call(fake, "GET", "/v1/fund_accounts/" + faId).json()->getValue<std::string>("account_type"));
        CPPUNIT_ASSERT_EQUAL(std::string("fa_"), fake.addVpaFundAccount("Asha", "asha@okicici").substr(0, 3));
    }

    void testPayoutIdempotency() {
        FakeRazorpay fake;
        const std::string fa = fake.addVpaFundAccount("Asha Rao", "asha@okicici");
        Reply r = post(fake, "/v1/payouts", payoutBody(fa, 10'000));
        CPPUNIT_ASSERT_EQUAL(400, r.status);
        CPPUNIT_ASSERT_EQUAL(std::string("X-Payout-Idempotency"), r.error("field"));
        CPPUNIT_ASSERT(r.error("description").find("Idempotency key is missing") == 0);
        for (const std::string& key : std::vector<std::string>{"abc", std::string(37, 'k'), "wd:1"}) {
            r = post(fake, "/v1/payouts", payoutBody(fa, 10'000), {{"X-Payout-Idempotency", key}});
            CPPUNIT_ASSERT_EQUAL_MESSAGE(key, 400, r.status);
        }
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), fake.count("pout_"));

        const std::map<std::string, std::string> key = {{"X-Payout-Idempotency", "wd_1 retry-ok"}};
        r = post(fake, "/v1/payouts", payoutBody(fa, 10'000), key);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 200, r.status);
        const std::string id = r.json()->getValue<std::string>("id");
        CPPUNIT_ASSERT_EQUAL(std::string("processing"), r.json()->getValue<std::string>("status"));
        // The same body (spacing and key order do not matter) → the same payout.
        const std::string reordered =
            R"({ "currency":"INR", "account_number":")" + kAccount + R"(", "fund_account_id":")" + fa +
            R"(", "amount":10000, "mode":"UPI", "purpose":"payout", "queue_if_low_balance":true, "reference_id":"wd_1" })";
        r = post(fake, "/v1/payouts", reordered, key);
        CPPUNIT_ASSERT_EQUAL(200, r.status);
        CPPUNIT_ASSERT_EQUAL(id, r.json()->getValue<std::string>("id"));
        r = post(fake, "/v1/payouts", payoutBody(fa, 10'001), key);
        CPPUNIT_ASSERT_EQUAL(400, r.status);
        CPPUNIT_ASSERT_EQUAL(std::string("Different request body sent for the same Idempotency Header"),
                             r.error("description"));
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), fake.count("pout_"));
        CPPUNIT_ASSERT_EQUAL(fake.options().balance - 10'000, fake.balance());
        CPPUNIT_ASSERT_EQUAL(std::string("wd_1 retry-ok"), fake.requests().back().idempotencyKey);
    }

    void testPayoutRulesAndSettlement() {
        Receiver receiver;
        FakeRazorpayOptions o;
        o.webhookUrl = receiver.url();
        o.balance = 50'000;
        FakeRazorpay fake(o);
        const std::string fa = fake.addVpaFundAccount("Asha Rao", "asha@okicici");
        int n = 0;
        const auto send = [&](const std::string& body) {
            return post(fake, "/v1/payouts", body, {{"X-Payout-Idempotency", "key_" + std::to_string(++n)}});
        };
        const auto refused = [&](const std::string& body, const std::string& field) {
            const Reply r = send(body);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(body + " -> " + r.body, 400, r.status);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, field, r.error("field"));
        };
        refused(payoutBody(fa, 10'000, "IMPS"), "mode");  // a vpa is paid by UPI only
        refused(payoutBody(fa, 99), "amount");
        refused(payoutBody("fa_00000000000000", 10'000), "fund_account_id");
        refused(payoutBody(fa, 10'000, "UPI", R"(,"narration":"no-dashes!")"), "narration");
        refused(payoutBody(fa, 10'000, "UPI", R"(,"tip":1)"), "tip");
        std::string otherAccount = payoutBody(fa, 10'000);
        otherAccount.replace(otherAccount.find(kAccount), kAccount.size(), "1111111111");
        refused(otherAccount, "account_number");
        std::string usd = payoutBody(fa, 10'000);
        usd.replace(usd.find("INR"), 3, "USD");
        refused(usd, "currency");

        // Not enough balance: refused without queueing, queued with it.
        std::string noQueue = payoutBody(fa, 60'000);
        noQueue.replace(noQueue.find("\"queue_if_low_balance\":true"), 27, "\"queue_if_low_balance\":false");
        Reply r = send(noQueue);
        CPPUNIT_ASSERT_EQUAL(400, r.status);
        CPPUNIT_ASSERT_EQUAL(std::string("insufficient_balance"), r.error("reason"));
        r = send(payoutBody(fa, 60'000));
        CPPUNIT_ASSERT_EQUAL(std::string("queued"), r.json()->getValue<std::string>("status"));
        const std::string queued = r.json()->getValue<std::string>("id");
        CPPUNIT_ASSERT_EQUAL(std::string("low_balance"),
                             r.json()->getObject("status_details")->getValue<std::string>("reason"));
        CPPUNIT_ASSERT_THROW(fake.processPayout(queued), std::invalid_argument);  // still too poor
        fake.rejectPayout(queued);

        r = send(payoutBody(fa, 20'000));
        const std::string paid = r.json()->getValue<std::string>("id");
        CPPUNIT_ASSERT_EQUAL(std::int64_t(30'000), fake.balance());
        CPPUNIT_ASSERT_THROW(fake.reversePayout(paid), std::invalid_argument);
        CPPUNIT_ASSERT_THROW(fake.rejectPayout(paid), std::invalid_argument);
        fake.processPayout(paid, "933815233814");
        CPPUNIT_ASSERT_EQUAL(std::string("933815233814"), object(fake.entity(paid))->getValue<std::string>("utr"));
        fake.reversePayout(paid);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(50'000), fake.balance());

        r = send(payoutBody(fa, 10'000));
        const std::string failing = r.json()->getValue<std::string>("id");
        fake.failPayout(failing, "Beneficiary bank is down");
        CPPUNIT_ASSERT_EQUAL(std::int64_t(50'000), fake.balance());
        CPPUNIT_ASSERT_THROW(fake.processPayout(failing), std::invalid_argument);

        CPPUNIT_ASSERT(fake.waitForWebhooks());
        CPPUNIT_ASSERT(eventNames(receiver.hits()) ==
                       std::vector<std::string>({"payout.queued", "payout.rejected", "payout.processed",
                                                 "payout.reversed", "payout.failed"}));
        const auto failedEvent = object(receiver.hits().back().body);
        const auto entity = failedEvent->getObject("payload")->getObject("payout")->getObject("entity");
        CPPUNIT_ASSERT_EQUAL(std::string("Beneficiary bank is down"),
                             entity->getObject("status_details")->getValue<std::string>("description"));
        CPPUNIT_ASSERT_EQUAL(std::string("failed"),
                             call(fake, "GET", "/v1/payouts/" + failing).json()->getValue<std::string>("status"));

        FakeRazorpayOptions approval;
        approval.payoutsNeedApproval = true;
        FakeRazorpay approving(approval);
        const std::string fa2 = approving.addVpaFundAccount("Asha Rao", "asha@okicici");
        const Reply pending =
            post(approving, "/v1/payouts", payoutBody(fa2, 10'000), {{"X-Payout-Idempotency", "key_1"}});
        CPPUNIT_ASSERT_EQUAL(std::string("pending"), pending.json()->getValue<std::string>("status"));
        approving.processPayout(pending.json()->getValue<std::string>("id"));
        CPPUNIT_ASSERT_EQUAL(approval.balance - 10'000, approving.balance());
    }

    void testRefunds() {
        FakeRazorpayOptions o;
        o.refundsPending = true;
        FakeRazorpay fake(o);
        const std::string orderId = createOrder(fake, "dep_r", 50'000);
        const std::string unpaid = fake.failPayment(orderId);
        CPPUNIT_ASSERT_EQUAL(400, post(fake, "/v1/payments/" + unpaid + "/refund", R"({"amount":1000})").status);
        const auto paid = fake.payOrder(orderId);
        const std::string path = "/v1/payments/" + paid.paymentId + "/refund";
        CPPUNIT_ASSERT_EQUAL(400, post(fake, path, R"({"amount":60000})").status);
        CPPUNIT_ASSERT_EQUAL(400, post(fake, path, R"({"amount":50})").status);
        Reply r = post(fake, path, R"({"amount":20000,"notes":{"withdrawal_id":"wd_r1"}})");
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 200, r.status);
        const std::string refundId = r.json()->getValue<std::string>("id");
        CPPUNIT_ASSERT_EQUAL(std::string("pending"), r.json()->getValue<std::string>("status"));
        CPPUNIT_ASSERT_EQUAL(std::string("refund.created"), fake.events().back().event);
        fake.processRefund(refundId);
        CPPUNIT_ASSERT_EQUAL(std::string("refund.processed"), fake.events().back().event);
        CPPUNIT_ASSERT_THROW(fake.failRefund(refundId), std::invalid_argument);

        r = post(fake, path, "{}");  // the rest
        CPPUNIT_ASSERT_EQUAL(30'000, r.json()->getValue<int>("amount"));
        const auto payment = object(fake.entity(paid.paymentId));
        CPPUNIT_ASSERT_EQUAL(std::string("refunded"), payment->getValue<std::string>("status"));
        CPPUNIT_ASSERT_EQUAL(std::string("full"), payment->getValue<std::string>("refund_status"));
        fake.failRefund(r.json()->getValue<std::string>("id"));
        CPPUNIT_ASSERT_EQUAL(20'000, object(fake.entity(paid.paymentId))->getValue<int>("amount_refunded"));

        const Reply list = call(fake, "GET", path + "s");
        CPPUNIT_ASSERT_EQUAL(2, list.json()->getValue<int>("count"));
        CPPUNIT_ASSERT_EQUAL(std::string("processed"),
                             call(fake, "GET", "/v1/refunds/" + refundId).json()->getValue<std::string>("status"));
    }

    void testFaults() {
        FakeRazorpay fake;
        const std::string order = R"({"amount":5000,"currency":"INR"})";
        fake.failNext(500, 2);
        Reply r = post(fake, "/v1/orders", order);
        CPPUNIT_ASSERT_EQUAL(500, r.status);
        CPPUNIT_ASSERT_EQUAL(std::string("SERVER_ERROR"), r.error("code"));
        CPPUNIT_ASSERT_EQUAL(500, post(fake, "/v1/orders", order).status);
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), fake.count("order_"));
        CPPUNIT_ASSERT_EQUAL(200, post(fake, "/v1/orders", order).status);
        fake.failNext(429);
        CPPUNIT_ASSERT_EQUAL(429, post(fake, "/v1/orders", order).status);

        fake.hangNext(std::chrono::milliseconds(600));  // handled, the reply withheld
        r = call(fake, "POST", "/v1/orders", order, {}, "default", 150);
        CPPUNIT_ASSERT(r.timedOut);
        CPPUNIT_ASSERT_EQUAL_MESSAGE("the effect stands", std::size_t(2), fake.count("order_"));
        fake.hangNext(std::chrono::milliseconds(600), 1, false);  // slow before acting
        r = call(fake, "POST", "/v1/orders", order, {}, "default", 150);
        CPPUNIT_ASSERT(r.timedOut);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), fake.count("order_"));
        fake.failNext(503, 5);
        fake.clearFaults();
        CPPUNIT_ASSERT_EQUAL(200, post(fake, "/v1/orders", order).status);
        std::this_thread::sleep_for(std::chrono::milliseconds(700));
        std::multiset<std::string> faults;  // hung requests are logged when their reply finally goes
        for (const auto& req : fake.requests())
            faults.insert(req.fault);
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), faults.count("status"));
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), faults.count("hang"));
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), faults.count(""));
    }

    void testControlEndpoints() {
        Receiver receiver;
        FakeRazorpay fake;
        const std::string orderId = createOrder(fake, "dep_c");
        Reply r = call(fake, "POST", "/_fake/webhooks",
                       R"({"url":")" + receiver.url() + R"(","secret":"s3cret","hold":true})", {}, "");
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 200, r.status);
        CPPUNIT_ASSERT(fake.webhookOptions().hold);
        r = call(fake, "POST", "/_fake/orders/" + orderId + "/pay", "{}", {}, "");
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 200, r.status);
        CPPUNIT_ASSERT_EQUAL(std::string("*"), r.headers["access-control-allow-origin"]);
        const auto checkout = r.json();
        CPPUNIT_ASSERT_EQUAL(orderId, checkout->getValue<std::string>("razorpay_order_id"));
        CPPUNIT_ASSERT_EQUAL(fake.checkoutSignature(orderId, checkout->getValue<std::string>("razorpay_payment_id")),
                             checkout->getValue<std::string>("razorpay_signature"));
        CPPUNIT_ASSERT_EQUAL(400, call(fake, "POST", "/_fake/orders/" + orderId + "/pay", "{}", {}, "").status);

        r = call(fake, "POST", "/_fake/webhooks/release", "{}", {}, "");
        CPPUNIT_ASSERT_EQUAL(3, r.json()->getValue<int>("released"));
        CPPUNIT_ASSERT(fake.waitForWebhooks());
        const auto hit = receiver.hits().back();
        CPPUNIT_ASSERT_EQUAL(bourse::plugins::hmacSha256Hex("s3cret", hit.body),
                             hit.headers.at("x-razorpay-signature"));
        r = call(fake, "GET", "/_fake/webhooks", "", {}, "");
        CPPUNIT_ASSERT_EQUAL(3, static_cast<int>(r.json()->getArray("events")->size()));
        CPPUNIT_ASSERT_EQUAL(3, static_cast<int>(r.json()->getArray("deliveries")->size()));

        CPPUNIT_ASSERT_EQUAL(200, call(fake, "POST", "/_fake/faults", R"({"status":503})", {}, "").status);
        CPPUNIT_ASSERT_EQUAL(503, call(fake, "GET", "/v1/orders/" + orderId).status);
        CPPUNIT_ASSERT_EQUAL(400, call(fake, "POST", "/_fake/faults", R"({"status":200})", {}, "").status);

        r = call(fake, "POST", "/_fake/fund_accounts", R"({"name":"Asha","vpa":"asha@okicici"})", {}, "");
        const std::string fa = r.json()->getValue<std::string>("id");
        r = post(fake, "/v1/payouts", payoutBody(fa, 10'000), {{"X-Payout-Idempotency", "wd_c1"}});
        const std::string payoutId = r.json()->getValue<std::string>("id");
        r = call(fake, "POST", "/_fake/payouts/" + payoutId + "/process", R"({"utr":"123456789012"})", {}, "");
        CPPUNIT_ASSERT_EQUAL(std::string("processed"), r.json()->getValue<std::string>("status"));
        CPPUNIT_ASSERT_EQUAL(400, call(fake, "POST", "/_fake/payouts/" + payoutId + "/reject", "{}", {}, "").status);
        CPPUNIT_ASSERT_EQUAL(200, call(fake, "POST", "/_fake/balance", R"({"balance":42})", {}, "").status);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(42), fake.balance());
        CPPUNIT_ASSERT_EQUAL(
            std::string("order"),
            call(fake, "GET", "/_fake/entities/" + orderId, "", {}, "").json()->getValue<std::string>("entity"));
        r = call(fake, "GET", "/_fake/requests", "", {}, "");
        CPPUNIT_ASSERT_EQUAL(200, r.status);
        CPPUNIT_ASSERT(r.body.find("wd_c1") != std::string::npos);
        CPPUNIT_ASSERT_EQUAL(404, call(fake, "POST", "/_fake/nothing", "{}", {}, "").status);
        CPPUNIT_ASSERT_EQUAL(200, call(fake, "GET", "/_fake/", "", {}, "").status);
        CPPUNIT_ASSERT_EQUAL(204, call(fake, "OPTIONS", "/_fake/orders/x/pay", "", {}, "").status);
        {  // a browser's preflight, which has no Content-Length, is answered at once
            Poco::Net::HTTPClientSession session("127.0.0.1", fake.port());
            session.setTimeout(Poco::Timespan(2, 0));
            Poco::Net::HTTPRequest req("OPTIONS", "/_fake/orders/x/pay", Poco::Net::HTTPMessage::HTTP_1_1);
            req.set("Origin", "http://127.0.0.1:8080");
            req.set("Access-Control-Request-Method", "POST");
            req.set("Access-Control-Request-Headers", "content-type");
            session.sendRequest(req);
            Poco::Net::HTTPResponse resp;
            session.receiveResponse(resp);
            CPPUNIT_ASSERT_EQUAL(204, static_cast<int>(resp.getStatus()));
            CPPUNIT_ASSERT_EQUAL(std::string("Content-Type"), resp.get("Access-Control-Allow-Headers"));
        }

        // The stand-in for Checkout's script: window.Razorpay, paying through the control above.
        r = call(fake, "GET", "/_fake/checkout.js", "", {}, "");
        CPPUNIT_ASSERT_EQUAL(200, r.status);
        CPPUNIT_ASSERT_EQUAL(0, static_cast<int>(r.headers["content-type"].rfind("application/javascript", 0)));
        for (const char* part : {"window.Razorpay = Razorpay", "/_fake/orders/", "/pay`", "o.handler(result)",
                                 "o.modal.ondismiss()", "open()"})
            CPPUNIT_ASSERT_MESSAGE(part, r.body.find(part) != std::string::npos);
        CPPUNIT_ASSERT_MESSAGE("the fake's own URL", r.body.find(fake.url()) != std::string::npos);
        CPPUNIT_ASSERT_EQUAL(404, call(fake, "GET", "/_fake/checkout.jsx", "", {}, "").status);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(FakeRazorpayTest);
