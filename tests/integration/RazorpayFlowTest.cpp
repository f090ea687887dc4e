// Razorpay deposits and payouts through the real kernel (both backends): the
// razorpay plugin against the fake Razorpay, whose signed webhooks reach
// /api/v1/webhooks/razorpay. Whatever the webhooks do — duplicated, out of
// order, lost, forged, racing the browser's confirmation — a deposit credits
// exactly once; payouts finish, fail or bounce with the funds where they belong.
#include "Assertions.h"
#include "BourseProcess.h"
#include "razorpay/FakeRazorpay.h"

#include <Poco/Base64Encoder.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>

#include <cppunit/extensions/HelperMacros.h>

#include <future>
#include <sstream>

using namespace bourse::test;
using bourse::fakes::FakeRazorpay;
using bourse::fakes::FakeRazorpayWebhookOptions;

namespace {

std::string configYaml(const FakeRazorpay& fake) {
    const auto& o = fake.options();
    return "data_dir: DATA_DIR\nserver: { host: 127.0.0.1, port: 0 }\n"
           "security: { auth_rate_per_minute: 100000, api_rate_per_minute: 100000 }\n"
           "payments:\n  reconcile_after_s: 1\n  reconcile_interval_s: 1\n"
           "  velocity: { withdrawals_per_day: 100, withdraw_within_minutes_of_deposit: 0 }\n"
           "  limits: { USD: { auto_approve_below: \"1000.00\" }, INR: { auto_approve_below: \"1000.00\" } }\n"
           "kyc: { provider: manual }\n"
           "plugin_dirs: [BUILD_DIR/lib/bourse/plugins]\nplugins:\n"
           "  - { id: manual, library: bourse-plugin-kyc-manual }\n"
           "  - id: razorpay\n    library: bourse-plugin-razorpay\n"
           "    secrets: { key_secret: " +
           o.keySecret + ", webhook_secret: " + o.webhookSecret + " }\n    config: { api_url: \"" + fake.url() +
           "\", key_id: " + o.keyId +
           ", request_timeout_ms: 800, currencies: [USD, INR], payout: { account_number: \"" + o.accountNumber +
           "\" } }\n";
}

struct Rig {
    FakeRazorpay fake;
    BourseProcess b{configYaml(fake)};
    std::string token;

    Rig() {
        fake.setWebhook("http://127.0.0.1:" + std::to_string(b.port()) + "/api/v1/webhooks/razorpay");
        token = b.userToken("raj@bourse.test");
    }
    /// A new deposit: its id and the Razorpay order id the checkout names.
    std::pair<std::string, std::string> deposit(const std::string& amount, const std::string& currency = "USD") {
        const auto r =
            b.post("/api/v1/wallet/deposits",
                   R"({"gateway":"razorpay","amount":")" + amount + R"(","currency":")" + currency + "\"}", token);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 201, r.status);
        const auto checkout = r.json()->getObject("checkout");
        CPPUNIT_ASSERT_EQUAL(std::string("razorpay"), checkout->getValue<std::string>("type"));
        CPPUNIT_ASSERT_EQUAL(fake.options().keyId, checkout->getValue<std::string>("key_id"));
        return {r.json()->getObject("deposit")->getValue<std::string>("id"),
                checkout->getValue<std::string>("order_id")};
    }
    std::string status(const std::string& kind, const std::string& id) {
        return b.get("/api/v1/wallet/" + kind + "/" + id, token).json()->getValue<std::string>("status");
    }
    void settle() { CPPUNIT_ASSERT(fake.waitForWebhooks()); }
};

/// The id of the order Razorpay holds for `receipt` (our deposit id), asked the way a merchant would; "" if none.
std::string orderByReceipt(const FakeRazorpay& fake, const std::string& receipt) {
    Poco::Net::HTTPClientSession session("127.0.0.1", fake.port());
    Poco::Net::HTTPRequest request("GET", "/v1/orders?receipt=" + receipt);
    std::ostringstream credentials;
    Poco::Base64Encoder encoder(credentials);
    encoder << fake.options().keyId << ":" << fake.options().keySecret;
    encoder.close();
    request.set("Authorization", "Basic " + credentials.str());
    session.sendRequest(request);
    Poco::Net::HTTPResponse response;
    std::ostringstream body;
    body << session.receiveResponse(response).rdbuf();
    const auto items = Poco::JSON::Parser().parse(body.str()).extract<Poco::JSON::Object::Ptr>()->getArray("items");
    return items && items->size() ? items->getObject(0)->getValue<std::string>("id") : "";
}

}  // namespace

class RazorpayFlowTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(RazorpayFlowTest);
    CPPUNIT_TEST(depositsCreditOnceWhateverTheWebhooksDo);
    CPPUNIT_TEST(theBrowsersSignedResultRacesTheWebhook);
    CPPUNIT_TEST(lostWebhooksAreReconciled);
    CPPUNIT_TEST(aConfirmationTheGatewayCannotAnswerStaysPending);
    CPPUNIT_TEST(aPaymentEventBeforeTheCreateCallReturned);
    CPPUNIT_TEST(gatewayFailuresChangeNothing);
    CPPUNIT_TEST(payoutsFinishFailOrBounce);
    CPPUNIT_TEST_SUITE_END();

public:
    void depositsCreditOnceWhateverTheWebhooksDo() {
        Rig r;
        // Duplicated and out of order: payment.authorized / captured / order.paid, each twice, last first.
        r.fake.setWebhookOptions(FakeRazorpayWebhookOptions{true, true, false, false});
        const auto [id, order] = r.deposit("120.00");
        r.fake.payOrder(order);
        r.settle();
        CPPUNIT_ASSERT_EQUAL(std::string("succeeded"), r.status("deposits", id));
        CPPUNIT_ASSERT_EQUAL(std::string("10120.00"), wallet(r.b, r.token).available);
        for (const auto& d : r.fake.deliveries())
            CPPUNIT_ASSERT_EQUAL_MESSAGE(d.event, 200, d.status);
        // A failed attempt reported after the capture changes nothing; a forged capture credits nothing.
        r.fake.setWebhookOptions(FakeRazorpayWebhookOptions{false, false, false, true});
        const auto [second, order2] = r.deposit("30.00");
        r.fake.payOrder(order2);
        r.settle();
        CPPUNIT_ASSERT_EQUAL(400, r.fake.deliveries().back().status);
        CPPUNIT_ASSERT_EQUAL(std::string("pending"), r.status("deposits", second));
        CPPUNIT_ASSERT_EQUAL(std::string("10120.00"), wallet(r.b, r.token).available);
        // The reconciler asks Razorpay about the deposit left pending and credits it, once.
        r.fake.setWebhookOptions(FakeRazorpayWebhookOptions{});
        CPPUNIT_ASSERT(eventually([&] { return r.status("deposits", second) == "succeeded"; }));
        CPPUNIT_ASSERT_EQUAL(std::string("10150.00"), wallet(r.b, r.token).available);
        assertLedgerVerifies(r.b);
    }

    void theBrowsersSignedResultRacesTheWebhook() {
        Rig r;
        r.fake.setWebhookOptions(FakeRazorpayWebhookOptions{false, false, true, false});  // webhooks held
        const auto [id, order] = r.deposit("80.00");
        const auto checkout = r.fake.payOrder(order);
        // A forged signature is refused and changes nothing.
        auto forged = checkout;
        forged.signature = std::string(64, '0');
        assertProblem(
            r.b.post("/api/v1/wallet/deposits/" + id + "/confirm", R"({"result":)" + forged.toJson() + "}", r.token),
            400, "signature", "result");
        CPPUNIT_ASSERT_EQUAL(std::string("pending"), r.status("deposits", id));
        // The real one: the kernel asks Razorpay itself, then credits.
        const auto ok =
            r.b.post("/api/v1/wallet/deposits/" + id + "/confirm", R"({"result":)" + checkout.toJson() + "}", r.token);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(ok.body, 200, ok.status);
        CPPUNIT_ASSERT_EQUAL(std::string("succeeded"), ok.json()->getValue<std::string>("status"));
        // The webhooks arrive afterwards: nothing more.
        r.fake.releaseWebhooks();
        r.settle();
        CPPUNIT_ASSERT_EQUAL(std::string("10080.00"), wallet(r.b, r.token).available);
        assertLedgerVerifies(r.b);
    }

    void lostWebhooksAreReconciled() {
        Rig r;
        r.fake.setWebhookOptions(FakeRazorpayWebhookOptions{false, false, true, false});  // never delivered
        const auto [id, order] = r.deposit("45.00");
        r.fake.failPayment(order, "Payment was cancelled by the customer");
        r.fake.payOrder(order);  // the customer retries on the same order (UPI)
        CPPUNIT_ASSERT(eventually([&] { return r.status("deposits", id) == "succeeded"; }));
        CPPUNIT_ASSERT_EQUAL(std::string("10045.00"), wallet(r.b, r.token).available);
        r.fake.releaseWebhooks();
        r.settle();
        CPPUNIT_ASSERT_EQUAL(std::string("10045.00"), wallet(r.b, r.token).available);
        assertLedgerVerifies(r.b);
    }

    void aConfirmationTheGatewayCannotAnswerStaysPending() {
        Rig r;
        r.fake.setWebhookOptions(FakeRazorpayWebhookOptions{false, false, true, false});  // never delivered
        const auto [id, order] = r.deposit("65.00");
        const auto checkout = r.fake.payOrder(order);
        const std::string body = R"({"result":)" + checkout.toJson() + "}";
        // Razorpay answers 5xx, then does not answer at all: the user is told so, the deposit stays open.
        r.fake.failNext(502, 1);
        assertProblem(r.b.post("/api/v1/wallet/deposits/" + id + "/confirm", body, r.token), 503, "razorpay");
        r.fake.hangNext(std::chrono::milliseconds(3000), 1);
        assertProblem(r.b.post("/api/v1/wallet/deposits/" + id + "/confirm", body, r.token), 503, "razorpay");
        // Once Razorpay answers again, the reconciler completes it (it may already have: it runs every second).
        CPPUNIT_ASSERT(eventually([&] { return r.status("deposits", id) == "succeeded"; }));
        CPPUNIT_ASSERT_EQUAL(std::string("10065.00"), wallet(r.b, r.token).available);
        assertLedgerVerifies(r.b);
    }

    void aPaymentEventBeforeTheCreateCallReturned() {
        Rig r;
        // Razorpay creates the order but its answer is held back past the plugin's timeout;
        // meanwhile the order is paid and the webhooks arrive, naming our deposit in the notes.
        r.fake.hangNext(std::chrono::milliseconds(2500), 1, true);
        auto create = std::async(std::launch::async, [&] {
            return r.b.post("/api/v1/wallet/deposits", R"({"gateway":"razorpay","amount":"90.00"})", r.token);
        });
        std::string deposit, order;
        CPPUNIT_ASSERT(eventually(
            [&] {
                const auto list = r.b.get("/api/v1/wallet/deposits", r.token).json()->getArray("deposits");
                if (list->size() == 0) return false;
                deposit = list->getObject(0)->getValue<std::string>("id");
                order = orderByReceipt(r.fake, deposit);
                return !order.empty();
            },
            std::chrono::seconds(5)));
        r.fake.payOrder(order);
        r.settle();
        CPPUNIT_ASSERT_EQUAL(std::string("succeeded"), r.status("deposits", deposit));
        // The create call then fails for the browser, and that changes nothing: credited once.
        CPPUNIT_ASSERT_EQUAL(503, create.get().status);
        CPPUNIT_ASSERT_EQUAL(std::string("succeeded"), r.status("deposits", deposit));
        CPPUNIT_ASSERT_EQUAL(std::string("10090.00"), wallet(r.b, r.token).available);
        assertLedgerVerifies(r.b);
    }

    void gatewayFailuresChangeNothing() {
        Rig r;
        r.fake.failNext(500, 1);
        assertProblem(r.b.post("/api/v1/wallet/deposits", R"({"gateway":"razorpay","amount":"60.00"})", r.token), 503,
                      "unavailable");
        const auto list = r.b.get("/api/v1/wallet/deposits", r.token).json()->getArray("deposits");
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), list->size());
        CPPUNIT_ASSERT_EQUAL(std::string("failed"), list->getObject(0)->getValue<std::string>("status"));
        assertProblem(
            r.b.post("/api/v1/wallet/deposits", R"({"gateway":"razorpay","amount":"60.00","currency":"EUR"})", r.token),
            422, "EUR");
        CPPUNIT_ASSERT_EQUAL(std::string("10000.00"), wallet(r.b, r.token).available);
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), r.fake.count("order_"));
        assertLedgerVerifies(r.b);
    }

    void payoutsFinishFailOrBounce() {
        Rig r;
        // Real money: no withdrawal before the identity is verified.
        assertProblem(r.b.post("/api/v1/wallet/withdrawals", R"({"gateway":"razorpay","amount":"10.00"})", r.token),
                      403, "verify your identity");
        CPPUNIT_ASSERT_EQUAL(200, r.b.post("/api/v1/kyc/start", "{}", r.token).status);
        const std::string png = std::string("\x89PNG\r\n\x1a\n", 8) + "x";
        CPPUNIT_ASSERT_EQUAL(
            201, r.b.request("POST", "/api/v1/kyc/documents?type=passport", png, "image/png", r.token).status);
        const auto caseId = r.b.get("/api/v1/kyc", r.token).json()->getObject("case")->getValue<std::string>("id");
        CPPUNIT_ASSERT_EQUAL(200, r.b.adminPost("/api/v1/admin/kyc/" + caseId + "/approve").status);

        // RazorpayX pays out rupees: the user first deposits some.
        const auto [inr, order] = r.deposit("1000.00", "INR");
        r.fake.payOrder(order);
        r.settle();
        CPPUNIT_ASSERT_EQUAL(std::string("succeeded"), r.status("deposits", inr));
        // Dollars cannot leave through RazorpayX: the refusal ends the withdrawal and returns the funds.
        const auto usd = r.b.post(
            "/api/v1/wallet/withdrawals",
            R"({"gateway":"razorpay","amount":"10.00","destination":{"vpa":"raj@okbank","name":"Raj"}})", r.token);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(usd.body, 201, usd.status);
        CPPUNIT_ASSERT_EQUAL(std::string("failed"), usd.json()->getValue<std::string>("status"));
        CPPUNIT_ASSERT(contains(usd.json()->getValue<std::string>("reason"), "INR only"));
        CPPUNIT_ASSERT_EQUAL(std::string("10000.00"), wallet(r.b, r.token).available);
        auto withdraw = [&](const std::string& amount) {
            const auto w = r.b.post("/api/v1/wallet/withdrawals",
                                    R"({"gateway":"razorpay","currency":"INR","amount":")" + amount +
                                        R"(","destination":{"vpa":"raj@okbank","name":"Raj"}})",
                                    r.token);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(w.body, 201, w.status);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(w.body, std::string("processing"), w.json()->getValue<std::string>("status"));
            return std::make_pair(w.json()->getValue<std::string>("id"),
                                  w.json()->getValue<std::string>("provider_ref"));
        };
        const auto [paid, pout1] = withdraw("100.00");
        const auto [failed, pout2] = withdraw("200.00");
        const auto [bounced, pout3] = withdraw("300.00");
        CPPUNIT_ASSERT_EQUAL(std::string("600.00"), wallet(r.b, r.token, "INR").pendingWithdrawal);
        // One contact and fund account for the same UPI id, one payout each.
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), r.fake.count("fa_"));
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), r.fake.count("pout_"));

        r.fake.setWebhookOptions(FakeRazorpayWebhookOptions{true, false, false, false});
        r.fake.processPayout(pout1, "UTR000111");
        r.fake.failPayout(pout2, "Beneficiary bank is down");
        r.fake.processPayout(pout3, "UTR000333");
        r.fake.reversePayout(pout3, "Beneficiary account closed");
        r.settle();
        CPPUNIT_ASSERT_EQUAL(std::string("succeeded"), r.status("withdrawals", paid));
        CPPUNIT_ASSERT_EQUAL(std::string("failed"), r.status("withdrawals", failed));
        CPPUNIT_ASSERT_EQUAL(std::string("reversed"), r.status("withdrawals", bounced));
        const Wallet w = wallet(r.b, r.token, "INR");
        CPPUNIT_ASSERT_EQUAL(std::string("900.00"), w.available);
        CPPUNIT_ASSERT_EQUAL(std::string("0.00"), w.pendingWithdrawal);
        assertLedgerVerifies(r.b);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(RazorpayFlowTest);
