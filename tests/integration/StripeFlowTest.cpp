// Stripe deposits and refund-withdrawals through the real kernel (both
// backends): the stripe plugin against the fake Stripe, whose signed webhooks
// reach /api/v1/webhooks/stripe. Replayed, duplicated, reordered, forged and
// stale events never credit twice or at all; a checkout that fails later is
// only failed; a refund pays back the card deposit it came from.
#include "Assertions.h"
#include "BourseProcess.h"
#include "stripe/FakeStripe.h"

#include <cppunit/extensions/HelperMacros.h>

using namespace bourse::test;
using bourse::fakes::FakeStripe;

namespace {

std::string configYaml(const FakeStripe& fake) {
    const bourse::fakes::FakeStripeOptions defaults;  // the fake runs with them: its webhook secret
    return "data_dir: DATA_DIR\nserver: { host: 127.0.0.1, port: 0 }\n"
           "security: { auth_rate_per_minute: 100000, api_rate_per_minute: 100000 }\n"
           "payments:\n  reconcile_after_s: 1\n  reconcile_interval_s: 1\n"
           "  velocity: { withdrawals_per_day: 100, withdraw_within_minutes_of_deposit: 0 }\n"
           "  limits: { USD: { auto_approve_below: \"1000.00\" } }\n"
           "kyc: { provider: manual }\n"
           "plugin_dirs: [BUILD_DIR/lib/bourse/plugins]\nplugins:\n"
           "  - { id: manual, library: bourse-plugin-kyc-manual }\n"
           "  - id: stripe\n    library: bourse-plugin-stripe\n    withdraw_via: refund\n"
           "    secrets: { secret_key: " +
           fake.secretKey() + ", webhook_secret: " + defaults.webhookSecret + " }\n    config: { api_url: \"" +
           fake.url() + "\", currencies: [USD] }\n";
}

struct Rig {
    FakeStripe fake;
    BourseProcess b{configYaml(fake)};
    std::string token;

    Rig() {
        fake.setWebhookUrl("http://127.0.0.1:" + std::to_string(b.port()) + "/api/v1/webhooks/stripe");
        token = b.userToken("sam@bourse.test");
    }
    /// A new deposit: its id and the Checkout Session behind it.
    std::pair<std::string, std::string> deposit(const std::string& amount) {
        const auto r = b.post("/api/v1/wallet/deposits", R"({"gateway":"stripe","amount":")" + amount + "\"}", token);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 201, r.status);
        const auto checkout = r.json()->getObject("checkout");
        CPPUNIT_ASSERT_EQUAL(std::string("redirect"), checkout->getValue<std::string>("type"));
        const std::string session = r.json()->getObject("deposit")->getValue<std::string>("provider_ref");
        CPPUNIT_ASSERT(contains(checkout->getValue<std::string>("url"), session));
        return {r.json()->getObject("deposit")->getValue<std::string>("id"), session};
    }
    std::string status(const std::string& kind, const std::string& id) {
        return b.get("/api/v1/wallet/" + kind + "/" + id, token).json()->getValue<std::string>("status");
    }
    /// Waits until every event so far was delivered (or refused) at least once.
    void settle() { CPPUNIT_ASSERT(fake.waitForDeliveries(fake.events().size(), std::chrono::seconds(10))); }
};

}  // namespace

class StripeFlowTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(StripeFlowTest);
    CPPUNIT_TEST(depositsCreditOnceWhateverTheWebhooksDo);
    CPPUNIT_TEST(forgedAndStaleEventsAreRefused);
    CPPUNIT_TEST(delayedPaymentsAndExpiredCheckouts);
    CPPUNIT_TEST(withdrawalsRefundTheCardDeposit);
    CPPUNIT_TEST_SUITE_END();

public:
    void depositsCreditOnceWhateverTheWebhooksDo() {
        Rig r;
        r.fake.deliverTwice(true);
        r.fake.holdEvents(true);
        const auto [id, session] = r.deposit("120.00");
        // The hosted page returns to the wallet with the deposit id.
        CPPUNIT_ASSERT(contains(*r.fake.session(session), "#wallet"));
        r.fake.completeCheckout(session);
        r.fake.releaseEvents(bourse::fakes::FakeStripeRelease::Reversed);
        r.settle();
        CPPUNIT_ASSERT_EQUAL(std::string("succeeded"), r.status("deposits", id));
        CPPUNIT_ASSERT_EQUAL(std::string("10120.00"), wallet(r.b, r.token).available);
        // Stripe redelivers an event it thinks failed: nothing more.
        r.fake.redeliver(r.fake.events().back().id);
        r.settle();
        CPPUNIT_ASSERT_EQUAL(std::string("10120.00"), wallet(r.b, r.token).available);
        for (const auto& d : r.fake.deliveries())
            CPPUNIT_ASSERT_EQUAL_MESSAGE(d.type, 200, d.status);
        assertLedgerVerifies(r.b);
    }

    void forgedAndStaleEventsAreRefused() {
        Rig r;
        const auto [id, session] = r.deposit("50.00");
        r.fake.signWithWrongSecret(true);
        r.fake.holdEvents(true);
        r.fake.completeCheckout(session);
        r.fake.releaseEvents();
        r.settle();
        for (const auto& d : r.fake.deliveries())
            CPPUNIT_ASSERT_EQUAL(400, d.status);
        // Signed right but ten minutes old (a replay outside the tolerance): refused too.
        r.fake.signWithWrongSecret(false);
        r.fake.setSignatureTimestampOffset(std::chrono::seconds(-600));
        const std::size_t before = r.fake.deliveries().size();
        r.fake.redeliver(r.fake.events().back().id);
        CPPUNIT_ASSERT(
            eventually([&] { return r.fake.deliveries().size() > before && r.fake.deliveries().back().status; },
                       std::chrono::seconds(10)));
        CPPUNIT_ASSERT_EQUAL(400, r.fake.deliveries().back().status);
        // Nothing was credited by them; the reconciler asks Stripe and credits the real payment once.
        CPPUNIT_ASSERT(eventually([&] { return r.status("deposits", id) == "succeeded"; }));
        CPPUNIT_ASSERT_EQUAL(std::string("10050.00"), wallet(r.b, r.token).available);
        assertLedgerVerifies(r.b);
    }

    void delayedPaymentsAndExpiredCheckouts() {
        Rig r;
        const auto [later, s1] = r.deposit("70.00");
        r.fake.completeCheckoutPending(s1);  // a bank debit: completed, not yet paid
        r.settle();
        CPPUNIT_ASSERT_EQUAL(std::string("pending"), r.status("deposits", later));
        r.fake.settleAsyncPayment(s1, false);
        r.settle();
        CPPUNIT_ASSERT_EQUAL(std::string("failed"), r.status("deposits", later));
        const auto [expired, s2] = r.deposit("30.00");
        r.fake.expireCheckout(s2);
        r.settle();
        CPPUNIT_ASSERT_EQUAL(std::string("failed"), r.status("deposits", expired));
        const auto [paidLater, s3] = r.deposit("40.00");
        r.fake.completeCheckoutPending(s3);
        r.fake.settleAsyncPayment(s3, true);
        r.settle();
        CPPUNIT_ASSERT_EQUAL(std::string("succeeded"), r.status("deposits", paidLater));
        CPPUNIT_ASSERT_EQUAL(std::string("10040.00"), wallet(r.b, r.token).available);
        assertLedgerVerifies(r.b);
    }

    void withdrawalsRefundTheCardDeposit() {
        Rig r;
        CPPUNIT_ASSERT_EQUAL(200, r.b.post("/api/v1/kyc/start", "{}", r.token).status);
        const std::string png = std::string("\x89PNG\r\n\x1a\n", 8) + "x";
        CPPUNIT_ASSERT_EQUAL(
            201, r.b.request("POST", "/api/v1/kyc/documents?type=passport", png, "image/png", r.token).status);
        const auto caseId = r.b.get("/api/v1/kyc", r.token).json()->getObject("case")->getValue<std::string>("id");
        CPPUNIT_ASSERT_EQUAL(200, r.b.adminPost("/api/v1/admin/kyc/" + caseId + "/approve").status);
        // No card deposit yet: nothing to refund to.
        assertProblem(r.b.post("/api/v1/wallet/withdrawals", R"({"gateway":"stripe","amount":"20.00"})", r.token), 422,
                      "refunds of your earlier deposits", "amount");
        const auto [dep, session] = r.deposit("200.00");
        r.fake.completeCheckout(session);
        r.settle();
        CPPUNIT_ASSERT_EQUAL(std::string("succeeded"), r.status("deposits", dep));

        auto withdraw = [&](const std::string& amount) {
            const auto w =
                r.b.post("/api/v1/wallet/withdrawals", R"({"gateway":"stripe","amount":")" + amount + "\"}", r.token);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(w.body, 201, w.status);
            CPPUNIT_ASSERT_EQUAL(std::string("processing"), w.json()->getValue<std::string>("status"));
            return std::make_pair(w.json()->getValue<std::string>("id"),
                                  w.json()->getValue<std::string>("provider_ref"));
        };
        const auto [first, re1] = withdraw("150.00");
        // Only 50.00 of that deposit is left to refund.
        assertProblem(r.b.post("/api/v1/wallet/withdrawals", R"({"gateway":"stripe","amount":"60.00"})", r.token), 422,
                      "left to refund", "amount");
        const auto [second, re2] = withdraw("50.00");
        r.fake.settleRefund(re1);
        r.fake.failRefund(re2);
        r.settle();
        CPPUNIT_ASSERT_EQUAL(std::string("succeeded"), r.status("withdrawals", first));
        CPPUNIT_ASSERT_EQUAL(std::string("failed"), r.status("withdrawals", second));
        const Wallet w = wallet(r.b, r.token);
        CPPUNIT_ASSERT_EQUAL(std::string("10050.00"), w.available);
        CPPUNIT_ASSERT_EQUAL(std::string("0.00"), w.pendingWithdrawal);
        // The failed refund gave its 50.00 back to the deposit: it can be refunded again.
        withdraw("50.00");
        assertLedgerVerifies(r.b);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(StripeFlowTest);
