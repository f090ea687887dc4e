// The plugin driven through the C ABI on the SDK's FakeHost, talking over
// loopback to a real FakeRazorpay (RazorpayRig.h): what it sends, what it
// answers, and how it survives retries, lost replies and faults.
#include "RazorpayRig.h"

#include <bourse/plugins/Signing.h>
#include <bourse/testing/Conformance.hpp>

#include <Poco/Base64Encoder.h>

#include <cppunit/extensions/HelperMacros.h>

#include <thread>

using namespace bourse;
using namespace bourse::razorpay::test;
using bourse::testing::CallResult;
using bourse::testing::FakeHost;

namespace {

std::string basicAuth(const std::string& user, const std::string& password) {
    std::ostringstream out;
    Poco::Base64Encoder encoder(out);
    encoder.rdbuf()->setLineLength(0);
    encoder << user << ':' << password;
    encoder.close();
    return "Basic " + out.str();
}

std::string payoutMeta(const std::string& id, const std::string& destination) {
    return R"({"withdrawal_id":")" + id + R"(","destination":)" + destination + "}";
}

std::string fundAccount(const std::string& fa) {
    return R"({"fund_account_id":")" + fa + "\"}";
}

std::string status(const CallResult& r) {
    return json(r.text)->getValue<std::string>("status");
}

}  // namespace

class GatewayTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(GatewayTest);
    CPPUNIT_TEST(testCreateDepositSendsTheOrderWithBasicAuth);
    CPPUNIT_TEST(testAmountRulesRefusedWithoutARequest);
    CPPUNIT_TEST(testRetriedDepositReusesItsOrder);
    CPPUNIT_TEST(testLostCreateReplyIsRecoveredByReceipt);
    CPPUNIT_TEST(testTakenReceiptOnAFreshInstallRecoversTheOrder);
    CPPUNIT_TEST(testReceiptOfAnotherAmountIsRejected);
    CPPUNIT_TEST(testConfirmWithCheckoutSignature);
    CPPUNIT_TEST(testConfirmRefusesForgedSignatures);
    CPPUNIT_TEST(testConfirmOfAnAuthorizedPaymentIsPending);
    CPPUNIT_TEST(testPayoutToFundAccountWithIdempotencyKey);
    CPPUNIT_TEST(testPayoutRetryAfterLostReplyReusesThePayout);
    CPPUNIT_TEST(testVpaDestinationMakesContactAndFundAccountOnce);
    CPPUNIT_TEST(testPayoutRefusals);
    CPPUNIT_TEST(testFaultsAreUnavailable);
    CPPUNIT_TEST(testWrongKeyIsAConfigurationError);
    CPPUNIT_TEST(testQueryFollowsTheProvider);
    CPPUNIT_TEST(testRefundOnceAndQuery);
    CPPUNIT_TEST(testWebhooksOfTheFakeVerifyThroughThePlugin);
    CPPUNIT_TEST(testConformance);
    CPPUNIT_TEST_SUITE_END();

public:
    void testCreateDepositSendsTheOrderWithBasicAuth() {
        Rig rig;
        const CallResult r = rig.plugin->createDeposit(
            Rig::request("dep_1001", 5'000, "INR", R"({"deposit_id":"dep_1001","return_url":"https://x/#wallet"})"));
        CPPUNIT_ASSERT_MESSAGE(r.text, r.ok());
        const auto reply = json(r.text);
        const std::string orderId = reply->getValue<std::string>("provider_ref");
        CPPUNIT_ASSERT_EQUAL(std::string("order_"), orderId.substr(0, 6));
        CPPUNIT_ASSERT_EQUAL(std::string("pending"), reply->getValue<std::string>("status"));
        const auto checkout = reply->getObject("checkout");
        CPPUNIT_ASSERT_EQUAL(std::string("razorpay"), checkout->getValue<std::string>("type"));
        CPPUNIT_ASSERT_EQUAL(rig.fake.options().keyId, checkout->getValue<std::string>("key_id"));
        CPPUNIT_ASSERT_EQUAL(orderId, checkout->getValue<std::string>("order_id"));
        CPPUNIT_ASSERT_EQUAL(5'000, checkout->getValue<int>("amount"));
        CPPUNIT_ASSERT_EQUAL(std::string("INR"), checkout->getValue<std::string>("currency"));
        CPPUNIT_ASSERT_EQUAL(std::string("Bourse Test"), checkout->getValue<std::string>("name"));
        CPPUNIT_ASSERT_MESSAGE("the key secret never reaches the browser",
                               r.text.find(rig.fake.options().keySecret) == std::string::npos);

        const auto posts = rig.received("POST", "/v1/orders");
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), posts.size());
        CPPUNIT_ASSERT_EQUAL(basicAuth(rig.fake.options().keyId, rig.fake.options().keySecret), posts[0].authorization);
        CPPUNIT_ASSERT_EQUAL(200, posts[0].status);
        CPPUNIT_ASSERT(posts[0].contentType.find("application/json") == 0);
        const auto body = json(posts[0].body);
        CPPUNIT_ASSERT_EQUAL(5'000, body->getValue<int>("amount"));
        CPPUNIT_ASSERT_EQUAL(std::string("INR"), body->getValue<std::string>("currency"));
        CPPUNIT_ASSERT_EQUAL(std::string("dep_1001"), body->getValue<std::string>("receipt"));
        CPPUNIT_ASSERT_EQUAL(std::string("dep_1001"), body->getObject("notes")->getValue<std::string>("deposit_id"));
        CPPUNIT_ASSERT_EQUAL(std::string("user-7"), body->getObject("notes")->getValue<std::string>("user_ref"));
        CPPUNIT_ASSERT_EQUAL(std::string("created"), json(rig.fake.entity(orderId))->getValue<std::string>("status"));
        CPPUNIT_ASSERT(rig.plugin->violations().empty());
    }

    void testAmountRulesRefusedWithoutARequest() {
        Rig rig;
        const auto refused = [&](std::int64_t minor, const std::string& currency, const std::string& says) {
            const CallResult r = rig.plugin->createDeposit(Rig::request("dep_x", minor, currency));
            CPPUNIT_ASSERT_EQUAL_MESSAGE(r.text, BOURSE_E_INVALID, r.status);
            CPPUNIT_ASSERT_MESSAGE(r.text, r.text.find(says) != std::string::npos);
        };
        refused(99, "INR", "below Razorpay's minimum of 100");
        refused(0, "INR", "below");
        refused(-500, "INR", "below");
        refused(5'000, "EUR", "not enabled");
        refused(5'000, "inr", "not an ISO 4217 code");
        CPPUNIT_ASSERT(rig.fake.requests().empty());
        CPPUNIT_ASSERT(rig.host.requests.empty());
        CPPUNIT_ASSERT(rig.host.kv.empty());

        RigOptions withKwd;
        withKwd.extraConfig = R"(,"currencies":["INR","KWD"])";
        Rig kwd(withKwd);
        const CallResult r = kwd.plugin->createDeposit(Rig::request("dep_k", 1'005, "KWD"));
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_INVALID, r.status);
        CPPUNIT_ASSERT(r.text.find("must end in 0") != std::string::npos);
        CPPUNIT_ASSERT(kwd.fake.requests().empty());
        CPPUNIT_ASSERT(kwd.plugin->createDeposit(Rig::request("dep_k", 1'000, "KWD")).ok());
    }

    void testRetriedDepositReusesItsOrder() {
        Rig rig;
        const std::string first = rig.deposit("dep_2001");
        const std::size_t requests = rig.fake.requests().size();
        CPPUNIT_ASSERT_EQUAL(first, rig.deposit("dep_2001"));
        CPPUNIT_ASSERT_EQUAL_MESSAGE("answered from the plugin's record", requests, rig.fake.requests().size());
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), rig.fake.count("order_"));
        const CallResult other = rig.plugin->createDeposit(Rig::request("dep_2001", 7'000));
        CPPUNIT_ASSERT_EQUAL_MESSAGE("a kernel id reused for another amount", BOURSE_E_REJECTED, other.status);
    }

    void testLostCreateReplyIsRecoveredByReceipt() {
        Rig rig;
        rig.loseReply = [](const HttpRequest& r) { return r.method == "POST"; };
        const CallResult lost = rig.plugin->createDeposit(Rig::request("dep_3001", 5'000));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(lost.text, BOURSE_E_UNAVAILABLE, lost.status);
        CPPUNIT_ASSERT_EQUAL_MESSAGE("Razorpay made the order anyway", std::size_t(1), rig.fake.count("order_"));

        const CallResult retry = rig.plugin->createDeposit(Rig::request("dep_3001", 5'000));
        CPPUNIT_ASSERT_MESSAGE(retry.text, retry.ok());
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), rig.fake.count("order_"));
        CPPUNIT_ASSERT_EQUAL_MESSAGE("looked up, not created again", std::size_t(1),
                                     rig.received("POST", "/v1/orders").size());
        const auto lookups = rig.received("GET", "/v1/orders");
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), lookups.size());
        CPPUNIT_ASSERT(lookups[0].query.find("receipt=dep_3001") != std::string::npos);
        const std::string orderId = json(retry.text)->getValue<std::string>("provider_ref");
        CPPUNIT_ASSERT_EQUAL(std::string("dep_3001"), json(rig.fake.entity(orderId))->getValue<std::string>("receipt"));
        CPPUNIT_ASSERT_EQUAL(orderId, rig.deposit("dep_3001"));  // and now remembered
    }

    void testTakenReceiptOnAFreshInstallRecoversTheOrder() {
        Rig rig;
        const std::string orderId = rig.deposit("dep_4001");
        FakeHost fresh;  // another instance with an empty KV store: the plugin's record is gone
        auto other = rig.attach(fresh);
        const CallResult r = other->createDeposit(Rig::request("dep_4001", 5'000));
        CPPUNIT_ASSERT_MESSAGE(r.text, r.ok());
        CPPUNIT_ASSERT_EQUAL(orderId, json(r.text)->getValue<std::string>("provider_ref"));
        const auto posts = rig.received("POST", "/v1/orders");
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), posts.size());
        CPPUNIT_ASSERT_EQUAL(std::string("The receipt has already been taken."), posts[1].errorDescription);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), rig.fake.count("order_"));
    }

    void testReceiptOfAnotherAmountIsRejected() {
        Rig rig;
        rig.deposit("dep_5001", 5'000);
        FakeHost fresh;
        auto other = rig.attach(fresh);
        const CallResult r = other->createDeposit(Rig::request("dep_5001", 9'000));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.text, BOURSE_E_REJECTED, r.status);
        CPPUNIT_ASSERT(r.text.find("different amount") != std::string::npos);
    }

    void testConfirmWithCheckoutSignature() {
        Rig rig;
        const std::string orderId = rig.deposit("dep_6001");
        const auto checkout = rig.fake.payOrder(orderId);
        const CallResult r =
            rig.plugin->confirmDeposit(Rig::request("dep_6001", 5'000, "INR", checkout.toJson(), orderId));
        CPPUNIT_ASSERT_MESSAGE(r.text, r.ok());
        const auto reply = json(r.text);
        CPPUNIT_ASSERT_EQUAL(orderId, reply->getValue<std::string>("provider_ref"));
        CPPUNIT_ASSERT_EQUAL(std::string("succeeded"), reply->getValue<std::string>("status"));
        CPPUNIT_ASSERT_EQUAL(checkout.paymentId, reply->getValue<std::string>("payment_ref"));
        CPPUNIT_ASSERT_EQUAL(5'000, reply->getObject("amount")->getValue<int>("minor"));
        CPPUNIT_ASSERT_EQUAL(std::string("INR"), reply->getObject("amount")->getValue<std::string>("currency"));
        CPPUNIT_ASSERT_EQUAL_MESSAGE("asked Razorpay before claiming success", std::size_t(1),
                                     rig.received("GET", "/v1/payments/" + checkout.paymentId).size());
    }

    void testConfirmRefusesForgedSignatures() {
        Rig rig;
        const std::string orderId = rig.deposit("dep_7001");
        const std::string otherOrder = rig.deposit("dep_7002");
        const auto checkout = rig.fake.payOrder(orderId);
        const std::size_t before = rig.fake.requests().size();
        const auto confirm = [&](const std::string& meta, const std::string& reference) {
            return rig.plugin->confirmDeposit(Rig::request("dep_7001", 5'000, "INR", meta, reference));
        };
        std::string forged = checkout.signature;
        forged[10] = forged[10] == 'a' ? 'b' : 'a';
        auto meta = [&](const std::string& order, const std::string& sig) {
            return R"({"razorpay_order_id":")" + order + R"(","razorpay_payment_id":")" + checkout.paymentId +
                   R"(","razorpay_signature":")" + sig + "\"}";
        };
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_SIGNATURE, confirm(meta(orderId, forged), orderId).status);
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_SIGNATURE, confirm(meta(orderId, forged.substr(0, 63)), orderId).status);
        // A genuine signature, but for another order than the deposit's: the browser may not choose the order.
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_SIGNATURE, confirm(meta(orderId, checkout.signature), otherOrder).status);
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_SIGNATURE, confirm(meta(otherOrder, checkout.signature), otherOrder).status);
        // Signed with the webhook secret instead of the key secret.
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_SIGNATURE,
                             confirm(meta(orderId, plugins::hmacSha256Hex(rig.fake.options().webhookSecret,
                                                                          orderId + "|" + checkout.paymentId)),
                                     orderId)
                                 .status);
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_INVALID, confirm(R"({"razorpay_payment_id":"pay_x"})", orderId).status);
        CPPUNIT_ASSERT_EQUAL_MESSAGE("nothing asked of Razorpay for a forgery", before, rig.fake.requests().size());
        CPPUNIT_ASSERT(confirm(meta(orderId, checkout.signature), orderId).ok());
    }

    void testConfirmOfAnAuthorizedPaymentIsPending() {
        RigOptions o;
        o.fake.autoCapture = false;
        Rig rig(o);
        const std::string orderId = rig.deposit("dep_8001");
        const auto checkout = rig.fake.payOrder(orderId);
        const CallResult r =
            rig.plugin->confirmDeposit(Rig::request("dep_8001", 5'000, "INR", checkout.toJson(), orderId));
        CPPUNIT_ASSERT_MESSAGE(r.text, r.ok());
        CPPUNIT_ASSERT_EQUAL(std::string("pending"), status(r));
        CPPUNIT_ASSERT(json(r.text)->getValue<std::string>("reason").find("authorized") != std::string::npos);
    }

    void testPayoutToFundAccountWithIdempotencyKey() {
        Rig rig;
        const std::string fa = rig.fake.addVpaFundAccount("Asha Rao", "asha@okicici");
        const CallResult r =
            rig.plugin->payout(Rig::request("wd_5001", 100'000, "INR", payoutMeta("wd_5001", fundAccount(fa))));
        CPPUNIT_ASSERT_MESSAGE(r.text, r.ok());
        const auto reply = json(r.text);
        const std::string payoutId = reply->getValue<std::string>("provider_ref");
        CPPUNIT_ASSERT_EQUAL(std::string("pout_"), payoutId.substr(0, 5));
        CPPUNIT_ASSERT_EQUAL(std::string("pending"), reply->getValue<std::string>("status"));

        const auto posts = rig.received("POST", "/v1/payouts");
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), posts.size());
        CPPUNIT_ASSERT(posts[0].hasIdempotencyKey);
        CPPUNIT_ASSERT_EQUAL(std::string("wd_5001"), posts[0].idempotencyKey);
        const auto body = json(posts[0].body);
        CPPUNIT_ASSERT_EQUAL(rig.fake.options().accountNumber, body->getValue<std::string>("account_number"));
        CPPUNIT_ASSERT_EQUAL(fa, body->getValue<std::string>("fund_account_id"));
        CPPUNIT_ASSERT_EQUAL(100'000, body->getValue<int>("amount"));
        CPPUNIT_ASSERT_EQUAL(std::string("INR"), body->getValue<std::string>("currency"));
        CPPUNIT_ASSERT_EQUAL_MESSAGE("a vpa fund account is paid by UPI", std::string("UPI"),
                                     body->getValue<std::string>("mode"));
        CPPUNIT_ASSERT_EQUAL(std::string("payout"), body->getValue<std::string>("purpose"));
        CPPUNIT_ASSERT(body->getValue<bool>("queue_if_low_balance"));
        CPPUNIT_ASSERT_EQUAL(std::string("wd_5001"), body->getValue<std::string>("reference_id"));
        CPPUNIT_ASSERT_EQUAL(std::string("wd_5001"), body->getObject("notes")->getValue<std::string>("withdrawal_id"));

        rig.fake.processPayout(payoutId);
        const CallResult q = rig.plugin->query(Rig::request("", 0, "INR", R"({"kind":"payout"})", payoutId));
        CPPUNIT_ASSERT_EQUAL(std::string("succeeded"), status(q));
    }

    void testPayoutRetryAfterLostReplyReusesThePayout() {
        Rig rig;
        const std::string fa = rig.fake.addVpaFundAccount("Asha Rao", "asha@okicici");
        const auto request = Rig::request("wd_6001", 25'000, "INR", payoutMeta("wd_6001", fundAccount(fa)));
        rig.loseReply = [](const HttpRequest& r) { return r.url.find("/v1/payouts") != std::string::npos; };
        const CallResult lost = rig.plugin->payout(request);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(lost.text, BOURSE_E_UNAVAILABLE, lost.status);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), rig.fake.count("pout_"));

        const CallResult retry = rig.plugin->payout(request);
        CPPUNIT_ASSERT_MESSAGE(retry.text, retry.ok());
        CPPUNIT_ASSERT_EQUAL_MESSAGE("the same payout, not a second one", std::size_t(1), rig.fake.count("pout_"));
        const auto posts = rig.received("POST", "/v1/payouts");
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), posts.size());
        CPPUNIT_ASSERT_EQUAL(posts[0].idempotencyKey, posts[1].idempotencyKey);
        CPPUNIT_ASSERT_EQUAL_MESSAGE("identical body on retry", posts[0].body, posts[1].body);
        CPPUNIT_ASSERT_EQUAL(200, posts[1].status);
        CPPUNIT_ASSERT_EQUAL(rig.fake.options().balance - 25'000, rig.fake.balance());

        // A kernel id that does not fit the header is mapped, the same way every time.
        const std::string longId = "wd_" + std::string(60, '7');
        const auto longRequest = Rig::request(longId, 10'000, "INR", payoutMeta(longId, fundAccount(fa)));
        CPPUNIT_ASSERT(rig.plugin->payout(longRequest).ok());
        CPPUNIT_ASSERT(rig.plugin->payout(longRequest).ok());
        const auto all = rig.received("POST", "/v1/payouts");
        CPPUNIT_ASSERT_EQUAL(std::size_t(4), all.size());
        CPPUNIT_ASSERT(all[2].idempotencyKey.size() <= 36 && all[2].idempotencyKey != longId);
        CPPUNIT_ASSERT_EQUAL(all[2].idempotencyKey, all[3].idempotencyKey);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), rig.fake.count("pout_"));
    }

    void testVpaDestinationMakesContactAndFundAccountOnce() {
        Rig rig;
        const std::string vpa = R"({"vpa":"ravi.k@okhdfcbank","name":"Ravi Kumar"})";
        const CallResult first = rig.plugin->payout(Rig::request("wd_7001", 10'000, "INR", payoutMeta("wd_7001", vpa)));
        CPPUNIT_ASSERT_MESSAGE(first.text, first.ok());
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), rig.received("POST", "/v1/contacts").size());
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), rig.received("POST", "/v1/fund_accounts").size());
        const auto faBody = json(rig.received("POST", "/v1/fund_accounts")[0].body);
        CPPUNIT_ASSERT_EQUAL(std::string("vpa"), faBody->getValue<std::string>("account_type"));
        CPPUNIT_ASSERT_EQUAL(std::string("ravi.k@okhdfcbank"),
                             faBody->getObject("vpa")->getValue<std::string>("address"));
        CPPUNIT_ASSERT_EQUAL(std::string("UPI"),
                             json(rig.received("POST", "/v1/payouts")[0].body)->getValue<std::string>("mode"));

        // Another withdrawal to the same address, and a retry of the first: no new contact or fund account.
        CPPUNIT_ASSERT(rig.plugin->payout(Rig::request("wd_7002", 20'000, "INR", payoutMeta("wd_7002", vpa))).ok());
        CPPUNIT_ASSERT(rig.plugin->payout(Rig::request("wd_7001", 10'000, "INR", payoutMeta("wd_7001", vpa))).ok());
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), rig.received("POST", "/v1/contacts").size());
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), rig.received("POST", "/v1/fund_accounts").size());
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), rig.fake.count("fa_"));
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), rig.fake.count("pout_"));

        // Another address of the same user: a new fund account on the same contact.
        CPPUNIT_ASSERT(rig.plugin
                           ->payout(Rig::request("wd_7003", 10'000, "INR",
                                                 payoutMeta("wd_7003", R"({"vpa":"ravi@oksbi","name":"Ravi Kumar"})")))
                           .ok());
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), rig.fake.count("cont_"));
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), rig.fake.count("fa_"));
    }

    void testPayoutRefusals() {
        Rig rig;
        const std::string fa = rig.fake.addVpaFundAccount("Asha Rao", "asha@okicici");
        const auto payout = [&](const std::string& id, std::int64_t minor, const std::string& currency,
                                const std::string& destination) {
            return rig.plugin->payout(Rig::request(id, minor, currency, payoutMeta(id, destination)));
        };
        const std::size_t before = rig.fake.requests().size();
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_INVALID, payout("wd_a", 99, "INR", fundAccount(fa)).status);
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_INVALID, payout("wd_b", 10'000, "USD", fundAccount(fa)).status);
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_INVALID, payout("wd_c", 10'000, "INR", R"({"vpa":"not an address"})").status);
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_INVALID, payout("wd_d", 10'000, "INR", R"({"vpa":"asha@okaxis"})").status);
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_INVALID, payout("wd_e", 10'000, "INR", R"({})").status);
        CPPUNIT_ASSERT_EQUAL(before, rig.fake.requests().size());

        const CallResult unknown = payout("wd_f", 10'000, "INR", fundAccount("fa_00000000000000"));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(unknown.text, BOURSE_E_INVALID, unknown.status);
        CPPUNIT_ASSERT(unknown.text.find("does not exist") != std::string::npos);

        // Razorpay's own refusals: an input rule (INVALID) and a business one (REJECTED), with its words.
        RigOptions strict;
        strict.payoutExtra = R"(,"queue_if_low_balance":false,"purpose":"bonus")";
        Rig other(strict);
        const std::string otherFa = other.fake.addVpaFundAccount("Asha Rao", "asha@okicici");
        const CallResult purpose =
            other.plugin->payout(Rig::request("wd_g", 10'000, "INR", payoutMeta("wd_g", fundAccount(otherFa))));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(purpose.text, BOURSE_E_INVALID, purpose.status);
        CPPUNIT_ASSERT(purpose.text.find("The selected purpose is invalid.") != std::string::npos);
        CPPUNIT_ASSERT(purpose.text.find("field purpose") != std::string::npos);

        RigOptions noQueue;
        noQueue.payoutExtra = R"(,"queue_if_low_balance":false)";
        noQueue.fake.balance = 5'000;
        Rig poor(noQueue);
        const std::string poorFa = poor.fake.addVpaFundAccount("Asha Rao", "asha@okicici");
        const CallResult balance =
            poor.plugin->payout(Rig::request("wd_h", 10'000, "INR", payoutMeta("wd_h", fundAccount(poorFa))));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(balance.text, BOURSE_E_REJECTED, balance.status);
        CPPUNIT_ASSERT(balance.text.find("does not have enough balance") != std::string::npos);

        // With queueing (the default) the same payout waits as pending, with Razorpay's reason.
        RigOptions queue;
        queue.fake.balance = 5'000;
        Rig queued(queue);
        const std::string queuedFa = queued.fake.addVpaFundAccount("Asha Rao", "asha@okicici");
        const CallResult waits =
            queued.plugin->payout(Rig::request("wd_i", 10'000, "INR", payoutMeta("wd_i", fundAccount(queuedFa))));
        CPPUNIT_ASSERT_MESSAGE(waits.text, waits.ok());
        CPPUNIT_ASSERT_EQUAL(std::string("pending"), status(waits));
        CPPUNIT_ASSERT(json(waits.text)->getValue<std::string>("reason").find("insufficient balance") !=
                       std::string::npos);

        RigOptions noPayouts;
        noPayouts.payouts = false;
        Rig depositsOnly(noPayouts);
        CPPUNIT_ASSERT_EQUAL(
            BOURSE_E_UNSUPPORTED,
            depositsOnly.plugin->payout(Rig::request("wd_j", 10'000, "INR", payoutMeta("wd_j", fundAccount(fa))))
                .status);
    }

    void testFaultsAreUnavailable() {
        RigOptions o;
        o.timeoutMs = 400;
        Rig rig(o);
        rig.fake.failNext(500);
        CallResult r = rig.plugin->createDeposit(Rig::request("dep_9001", 5'000));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.text, BOURSE_E_UNAVAILABLE, r.status);
        CPPUNIT_ASSERT(r.text.find("HTTP 500") != std::string::npos);

        rig.fake.failNext(429);
        r = rig.plugin->createDeposit(Rig::request("dep_9001", 5'000));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.text, BOURSE_E_UNAVAILABLE, r.status);
        CPPUNIT_ASSERT(r.text.find("rate limited") != std::string::npos);

        rig.fake.hangNext(std::chrono::milliseconds(1'500), 1, false);  // slower than the plugin waits
        r = rig.plugin->createDeposit(Rig::request("dep_9001", 5'000));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.text, BOURSE_E_UNAVAILABLE, r.status);
        CPPUNIT_ASSERT(rig.host.requests.back().timeout == std::chrono::milliseconds(400));

        rig.fake.failNext(503);
        const std::string fa = rig.fake.addVpaFundAccount("Asha Rao", "asha@okicici");
        r = rig.plugin->payout(Rig::request("wd_9001", 10'000, "INR", payoutMeta("wd_9001", fundAccount(fa))));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.text, BOURSE_E_UNAVAILABLE, r.status);

        // The kernel retries later with the same ids: everything goes through once.
        std::this_thread::sleep_for(std::chrono::milliseconds(1'600));  // let the hang finish
        r = rig.plugin->createDeposit(Rig::request("dep_9001", 5'000));
        CPPUNIT_ASSERT_MESSAGE(r.text, r.ok());
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), rig.fake.count("order_"));
        CPPUNIT_ASSERT(
            rig.plugin->payout(Rig::request("wd_9001", 10'000, "INR", payoutMeta("wd_9001", fundAccount(fa)))).ok());
        CPPUNIT_ASSERT(rig.plugin->violations().empty());
    }

    void testWrongKeyIsAConfigurationError() {
        RigOptions o;
        o.keySecret = "not-the-right-secret";
        Rig rig(o);
        const CallResult r = rig.plugin->createDeposit(Rig::request("dep_a001", 5'000));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.text, BOURSE_E_CONFIG, r.status);
        CPPUNIT_ASSERT(r.text.find("key_id") != std::string::npos);
        CPPUNIT_ASSERT(r.text.find("The api key provided is invalid") != std::string::npos);
        CPPUNIT_ASSERT(r.text.find("not-the-right-secret") == std::string::npos);
        for (const auto& line : rig.host.logs)
            CPPUNIT_ASSERT_MESSAGE(line.text, line.text.find("not-the-right-secret") == std::string::npos);
    }

    void testQueryFollowsTheProvider() {
        Rig rig;
        const std::string orderId = rig.deposit("dep_b001");
        const auto query = [&](const std::string& kind, const std::string& ref) {
            return rig.plugin->query(Rig::request("", 0, "INR", R"({"kind":")" + kind + "\"}", ref));
        };
        CallResult r = query("deposit", orderId);
        CPPUNIT_ASSERT_MESSAGE(r.text, r.ok());
        CPPUNIT_ASSERT_EQUAL(std::string("pending"), status(r));

        rig.fake.failPayment(orderId, "Payment was declined by the bank");
        r = query("deposit", orderId);
        CPPUNIT_ASSERT_EQUAL_MESSAGE("the order stays payable", std::string("pending"), status(r));
        CPPUNIT_ASSERT(json(r.text)->getValue<std::string>("reason").find("declined") != std::string::npos);

        const auto paid = rig.fake.payOrder(orderId);
        r = query("deposit", orderId);
        CPPUNIT_ASSERT_EQUAL(std::string("succeeded"), status(r));
        CPPUNIT_ASSERT_EQUAL(paid.paymentId, json(r.text)->getValue<std::string>("payment_ref"));
        CPPUNIT_ASSERT_EQUAL(5'000, json(r.text)->getObject("amount")->getValue<int>("minor"));

        const std::string fa = rig.fake.addVpaFundAccount("Asha Rao", "asha@okicici");
        const auto out =
            rig.plugin->payout(Rig::request("wd_b001", 10'000, "INR", payoutMeta("wd_b001", fundAccount(fa))));
        const std::string payoutId = json(out.text)->getValue<std::string>("provider_ref");
        CPPUNIT_ASSERT_EQUAL(std::string("pending"), status(query("payout", payoutId)));
        rig.fake.processPayout(payoutId, "933815233814");
        CPPUNIT_ASSERT_EQUAL(std::string("succeeded"), status(query("payout", payoutId)));
        rig.fake.reversePayout(payoutId, "Beneficiary account closed");
        r = query("payout", payoutId);
        CPPUNIT_ASSERT_EQUAL(std::string("reversed"), status(r));
        CPPUNIT_ASSERT_EQUAL(std::string("Beneficiary account closed"), json(r.text)->getValue<std::string>("reason"));

        CPPUNIT_ASSERT_EQUAL(BOURSE_E_NOT_FOUND, query("payout", "pout_00000000000000").status);
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_INVALID, query("bogus", payoutId).status);
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_INVALID, query("payout", "../v1/orders").status);
    }

    void testRefundOnceAndQuery() {
        Rig rig;
        const std::string orderId = rig.deposit("dep_c001", 50'000);
        const auto paid = rig.fake.payOrder(orderId);
        const auto request = Rig::request("wd_c001", 20'000, "INR", R"({"withdrawal_id":"wd_c001"})", paid.paymentId);
        rig.loseReply = [](const HttpRequest& r) { return r.url.find("/refund") != std::string::npos; };
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_UNAVAILABLE, rig.plugin->refund(request).status);
        const CallResult r = rig.plugin->refund(request);
        CPPUNIT_ASSERT_MESSAGE(r.text, r.ok());
        const std::string refundId = json(r.text)->getValue<std::string>("provider_ref");
        CPPUNIT_ASSERT_EQUAL(std::string("rfnd_"), refundId.substr(0, 5));
        CPPUNIT_ASSERT_EQUAL(std::string("succeeded"), status(r));
        CPPUNIT_ASSERT_EQUAL_MESSAGE("found after the lost reply, not refunded twice", std::size_t(1),
                                     rig.fake.count("rfnd_"));
        const auto posts = rig.received("POST", "/v1/payments/" + paid.paymentId + "/refund");
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), posts.size());
        const auto body = json(posts[0].body);
        CPPUNIT_ASSERT_EQUAL(20'000, body->getValue<int>("amount"));
        CPPUNIT_ASSERT_EQUAL(std::string("wd_c001"), body->getObject("notes")->getValue<std::string>("withdrawal_id"));
        CPPUNIT_ASSERT(rig.plugin->refund(request).ok());
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), rig.fake.count("rfnd_"));

        const CallResult q = rig.plugin->query(Rig::request("", 0, "INR", R"({"kind":"refund"})", refundId));
        CPPUNIT_ASSERT_EQUAL(std::string("succeeded"), status(q));
        CPPUNIT_ASSERT_EQUAL(paid.paymentId, json(q.text)->getValue<std::string>("payment_ref"));

        const CallResult tooMuch = rig.plugin->refund(
            Rig::request("wd_c002", 40'000, "INR", R"({"withdrawal_id":"wd_c002"})", paid.paymentId));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(tooMuch.text, BOURSE_E_INVALID, tooMuch.status);
        CPPUNIT_ASSERT(tooMuch.text.find("greater than amount captured") != std::string::npos);
    }

    void testWebhooksOfTheFakeVerifyThroughThePlugin() {
        Rig rig;
        const std::string orderId = rig.deposit("dep_d001");
        const auto paid = rig.fake.payOrder(orderId);
        const std::string fa = rig.fake.addVpaFundAccount("Asha Rao", "asha@okicici");
        const auto out =
            rig.plugin->payout(Rig::request("wd_d001", 10'000, "INR", payoutMeta("wd_d001", fundAccount(fa))));
        const std::string payoutId = json(out.text)->getValue<std::string>("provider_ref");
        rig.fake.processPayout(payoutId);

        std::vector<std::string> types;
        for (const auto& e : rig.fake.events()) {
            const CallResult v = rig.plugin->verifyWebhook(Webhook{
                "/webhooks/razorpay", {{"X-Razorpay-Signature", e.signature}, {"x-razorpay-event-id", e.id}}, e.body});
            CPPUNIT_ASSERT_MESSAGE(e.event + ": " + v.text, v.ok());
            const auto n = json(v.text);
            CPPUNIT_ASSERT_EQUAL(e.id, n->getValue<std::string>("event_id"));
            types.push_back(e.event + "=" + n->getValue<std::string>("type"));
            if (e.event == "payment.captured" || e.event == "order.paid") {
                CPPUNIT_ASSERT_EQUAL(orderId, n->getValue<std::string>("provider_ref"));
                CPPUNIT_ASSERT_EQUAL(paid.paymentId, n->getValue<std::string>("payment_ref"));
                CPPUNIT_ASSERT_EQUAL(std::string("dep_d001"), n->getValue<std::string>("deposit_id"));
            }
            if (e.event == "payout.processed") {
                CPPUNIT_ASSERT_EQUAL(payoutId, n->getValue<std::string>("provider_ref"));
                CPPUNIT_ASSERT_EQUAL(std::string("wd_d001"), n->getValue<std::string>("withdrawal_id"));
            }
        }
        const std::vector<std::string> expected = {"payment.authorized=ignored", "payment.captured=deposit.succeeded",
                                                   "order.paid=deposit.succeeded", "payout.processed=payout.succeeded"};
        CPPUNIT_ASSERT(expected == types);

        // Events signed with a wrong secret are refused.
        rig.fake.setWebhookOptions({false, false, false, true});
        rig.fake.reversePayout(payoutId);
        const auto e = rig.fake.events().back();
        CPPUNIT_ASSERT_EQUAL(std::string("payout.reversed"), e.event);
        CPPUNIT_ASSERT_EQUAL(
            BOURSE_E_SIGNATURE,
            rig.plugin
                ->verifyWebhook(
                    Webhook{"/", {{"X-Razorpay-Signature", e.signature}, {"x-razorpay-event-id", e.id}}, e.body})
                .status);
    }

    void testConformance() {
        FakeHost host;
        host.setConfig(R"({"key_id":"rzp_test_Conformance01","payout":{"account_number":"7878780080316316"}})");
        host.setSecret("key_secret", "conformance_key_secret");
        host.setSecret("webhook_secret", "conformance_webhook_secret");
        const auto problems = bourse::testing::checkConformance(bourse_module_entry, "razorpay", host);
        CPPUNIT_ASSERT_MESSAGE(bourse::testing::joinLines(problems), problems.empty());
        CPPUNIT_ASSERT_MESSAGE("no I/O at start", host.requests.empty());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(GatewayTest);
