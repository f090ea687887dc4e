// The reference vectors (wire-formats.md §8.2 webhook signatures, §8.3 Checkout
// signatures) through the plugin's own verify paths: verify_webhook and
// confirm_deposit over the C ABI, plus the pure signature check. The server
// side of confirm_deposit is a canned payment answered by the test.
#include "Webhook.h"

#include <bourse/plugins/Signing.h>

#include <bourse/testing/FakeHost.hpp>
#include <bourse/testing/PluginUnderTest.hpp>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <cppunit/extensions/HelperMacros.h>

#include <memory>

extern "C" const bourse_module bourse_module_entry;

using namespace bourse;
using bourse::testing::CallResult;
using bourse::testing::FakeHost;
using bourse::testing::PluginUnderTest;

namespace {

// §8.2
const std::string kRU1Body = R"({"a":1,"b":2,"c":{"d":3}})";
const std::string kRU1Sig = "2fe04e22977002e6c7cb553adab8b460cb9e2a4970d5953cb27a8472752e3bbc";
const std::string kRC1Body =
    R"({"entity":"event","account_id":"acc_BFQ7uQEaa7j2z7","event":"payment.captured","contains":["payment"],"payload":{"payment":{"entity":{"id":"pay_DESlfW9H8K9uqM","entity":"payment","amount":100,"currency":"INR","status":"captured","order_id":"order_DESlLckIVRkHWj","method":"netbanking","captured":true}}},"created_at":1567674606})";
const std::string kRC1Sig = "ae27bd0404b6a5b55a56d96c30a56e9cc5ea61da421618c89b04dd4bc6934aca";
const std::string kRC2Sig = "1b333befbd49bd305b1b29494cd02ffaebeeeb709b8ffcceb90f35dbe390bb88";
const std::string kRC3Body =
    R"({"entity":"event","account_id":"acc_BFQ7uQEaa7j2z7","event":"order.paid","contains":["payment","order"],"payload":{"payment":{"entity":{"id":"pay_DESlfW9H8K9uqM","amount":100,"currency":"INR","status":"captured","order_id":"order_DESlLckIVRkHWj"}},"order":{"entity":{"id":"order_DESlLckIVRkHWj","entity":"order","amount":100,"amount_paid":100,"amount_due":0,"currency":"INR","receipt":"dep_1001","status":"paid","attempts":1}}},"created_at":1567674606})";
const std::string kRC3Sig = "36252d6da83289ed352a69806a1c3f633d14ae24818bbd2a4f3c06c6695c128d";
const std::string kRC4Body =
    R"({"entity":"event","account_id":"acc_BfVUrG6tDiL7H0","event":"payout.processed","contains":["payout"],"payload":{"payout":{"entity":{"id":"pout_1Aa00000000001","entity":"payout","fund_account_id":"fa_1Aa00000000001","amount":100000,"currency":"INR","fees":590,"tax":90,"status":"processed","purpose":"payout","utr":"933815233814","mode":"IMPS","reference_id":"wd_5001"}}},"created_at":1580808301})";
const std::string kRC4Sig = "a3c829b49507f5966a934f4e9fd873e8e87420fc5ab678f99897447d89433f1a";

// §8.3
const std::string kCheckoutSecret = "w7Jq2ZbT9nXc4Lm8Pv1Rk6Sd";
const std::string kRPC1Sig = "038d5cb1f46ae6287b0f759fe70bcaa6d54756bece52ce7caf66a0407f350f7b";
const std::string kRPC2Sig = "29df3c5cf8bf3546ce68022becde72214245402a18ca30c7fabcae2dfaebc1d5";
const std::string kRPU1Sig = "b2335e3b0801106b84a7faff035df56ecffde06918c9ddd1f0fafbb37a51cc89";

std::string replaceAll(std::string s, const std::string& from, const std::string& to) {
    for (auto at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
        s.replace(at, from.size(), to);
    return s;
}

Poco::JSON::Object::Ptr json(const std::string& text) {
    return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}

/// The plugin with the given secrets; GET /v1/payments/{id} answers a captured
/// payment of `order` (what Razorpay would say after a genuine Checkout).
struct Gateway {
    FakeHost host;
    std::unique_ptr<PluginUnderTest> p;
    std::string order;

    Gateway(const std::string& keySecret, const std::string& webhookSecret, const std::string& previous = "") {
        host.setConfig(R"({"api_url":"https://rzp.test","key_id":"rzp_test_Vectors00001"})");
        host.setSecret("key_secret", keySecret);
        host.setSecret("webhook_secret", webhookSecret);
        if (!previous.empty()) host.setSecret("webhook_secret_previous", previous);
        host.setResponder([this](const HttpRequest& r) {
            const std::string prefix = "https://rzp.test/v1/payments/";
            if (r.method != "GET" || r.url.rfind(prefix, 0) != 0) return HttpResponse{404, {}, "{}", ""};
            const std::string id = r.url.substr(prefix.size());
            return HttpResponse{200,
                                {},
                                R"({"id":")" + id + R"(","entity":"payment","amount":100,"currency":"INR",)" +
                                    R"("status":"captured","captured":true,"order_id":")" + order + R"(","notes":[]})",
                                ""};
        });
        p = std::make_unique<PluginUnderTest>(bourse_module_entry, "razorpay", host);
        p->start();
    }

    CallResult webhook(const std::string& body, const std::string& signature,
                       const std::string& signatureHeader = "X-Razorpay-Signature",
                       const std::string& eventHeader = "x-razorpay-event-id") {
        return p->verifyWebhook(
            Webhook{"/webhooks/razorpay", {{signatureHeader, signature}, {eventHeader, "KBXbBJrDdvtMwN"}}, body});
    }

    CallResult confirm(const std::string& reference, const std::string& paymentId, const std::string& signature) {
        order = reference;
        return p->confirmDeposit(PaymentRequest{"dep_1", "user-1", Money{100, "INR"}, reference,
                                                R"({"razorpay_order_id":")" + reference +
                                                    R"(","razorpay_payment_id":")" + paymentId +
                                                    R"(","razorpay_signature":")" + signature + "\"}"});
    }
};

}  // namespace

class VectorsTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(VectorsTest);
    CPPUNIT_TEST(testRU1);
    CPPUNIT_TEST(testRC1);
    CPPUNIT_TEST(testRC2IsNotRC1);
    CPPUNIT_TEST(testRC3);
    CPPUNIT_TEST(testRC4);
    CPPUNIT_TEST(testSecretRotationAndHeaderCase);
    CPPUNIT_TEST(testMissingHeaders);
    CPPUNIT_TEST(testRPU1);
    CPPUNIT_TEST(testRPC1AndRPC2);
    CPPUNIT_TEST(testCheckoutSignatureIsNotTheWebhookOne);
    CPPUNIT_TEST_SUITE_END();

public:
    void testRU1() {
        CPPUNIT_ASSERT(razorpay::signatureMatches(kRU1Body, kRU1Sig, {"123456", ""}));
        CPPUNIT_ASSERT(!razorpay::signatureMatches(kRU1Body + "\n", kRU1Sig, {"123456", ""}));
        Gateway plugin("key_secret_x", "123456");
        // The signature passes; the body is no Razorpay event, which is a different refusal.
        const CallResult r = plugin.webhook(kRU1Body, kRU1Sig);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.text, BOURSE_E_INVALID, r.status);
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_SIGNATURE, plugin.webhook(kRU1Body, replaceAll(kRU1Sig, "2fe0", "2fe1")).status);
    }

    void testRC1() {
        Gateway plugin("key_secret_x", "12345");
        const CallResult r = plugin.webhook(kRC1Body, kRC1Sig);
        CPPUNIT_ASSERT_MESSAGE(r.text, r.ok());
        const auto e = json(r.text);
        CPPUNIT_ASSERT_EQUAL(std::string("KBXbBJrDdvtMwN"), e->getValue<std::string>("event_id"));
        CPPUNIT_ASSERT_EQUAL(std::string("deposit.succeeded"), e->getValue<std::string>("type"));
        CPPUNIT_ASSERT_EQUAL(std::string("order_DESlLckIVRkHWj"), e->getValue<std::string>("provider_ref"));
        CPPUNIT_ASSERT_EQUAL(std::string("pay_DESlfW9H8K9uqM"), e->getValue<std::string>("payment_ref"));
        CPPUNIT_ASSERT_EQUAL(100, e->getObject("amount")->getValue<int>("minor"));
        CPPUNIT_ASSERT_EQUAL(std::string("INR"), e->getObject("amount")->getValue<std::string>("currency"));
        CPPUNIT_ASSERT(!e->has("deposit_id"));  // neither notes nor an order in this payload
        // Upper-case hex is the same signature.
        std::string upper = kRC1Sig;
        for (char& c : upper)
            c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        CPPUNIT_ASSERT(plugin.webhook(kRC1Body, upper).ok());
    }

    void testRC2IsNotRC1() {
        const std::string rc2 = replaceAll(kRC1Body, "\",\"", "\", \"");
        CPPUNIT_ASSERT(rc2 != kRC1Body);
        Gateway plugin("key_secret_x", "12345");
        const CallResult r = plugin.webhook(rc2, kRC1Sig);
        CPPUNIT_ASSERT_EQUAL_MESSAGE("the same JSON value in other bytes", BOURSE_E_SIGNATURE, r.status);
        CPPUNIT_ASSERT(r.text.find("X-Razorpay-Signature") != std::string::npos);
        CPPUNIT_ASSERT_MESSAGE("its own signature verifies", plugin.webhook(rc2, kRC2Sig).ok());
    }

    void testRC3() {
        Gateway plugin("key_secret_x", "whsec_rzp_demo_9f8e7d");
        const CallResult r = plugin.webhook(kRC3Body, kRC3Sig);
        CPPUNIT_ASSERT_MESSAGE(r.text, r.ok());
        const auto e = json(r.text);
        CPPUNIT_ASSERT_EQUAL(std::string("deposit.succeeded"), e->getValue<std::string>("type"));
        CPPUNIT_ASSERT_EQUAL(std::string("order_DESlLckIVRkHWj"), e->getValue<std::string>("provider_ref"));
        CPPUNIT_ASSERT_EQUAL(std::string("pay_DESlfW9H8K9uqM"), e->getValue<std::string>("payment_ref"));
        CPPUNIT_ASSERT_EQUAL_MESSAGE("from the order's receipt", std::string("dep_1001"),
                                     e->getValue<std::string>("deposit_id"));
        CPPUNIT_ASSERT_EQUAL(100, e->getObject("amount")->getValue<int>("minor"));
    }

    void testRC4() {
        Gateway plugin("key_secret_x", "rzpx_webhook_secret_1");
        const CallResult r = plugin.webhook(kRC4Body, kRC4Sig);
        CPPUNIT_ASSERT_MESSAGE(r.text, r.ok());
        const auto e = json(r.text);
        CPPUNIT_ASSERT_EQUAL(std::string("payout.succeeded"), e->getValue<std::string>("type"));
        CPPUNIT_ASSERT_EQUAL(std::string("pout_1Aa00000000001"), e->getValue<std::string>("provider_ref"));
        CPPUNIT_ASSERT_EQUAL_MESSAGE("from reference_id", std::string("wd_5001"),
                                     e->getValue<std::string>("withdrawal_id"));
        CPPUNIT_ASSERT_EQUAL(100'000, e->getObject("amount")->getValue<int>("minor"));
        CPPUNIT_ASSERT(!e->has("reason"));
        CPPUNIT_ASSERT_EQUAL_MESSAGE("another vector's secret", BOURSE_E_SIGNATURE,
                                     Gateway("k", "12345").webhook(kRC4Body, kRC4Sig).status);
    }

    void testSecretRotationAndHeaderCase() {
        Gateway rotating("key_secret_x", "the_new_secret", "12345");
        CPPUNIT_ASSERT_MESSAGE("an old retry, signed with the previous secret",
                               rotating.webhook(kRC1Body, kRC1Sig).ok());
        CPPUNIT_ASSERT(rotating.webhook(kRC1Body, plugins::hmacSha256Hex("the_new_secret", kRC1Body)).ok());
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_SIGNATURE,
                             rotating.webhook(kRC1Body, plugins::hmacSha256Hex("key_secret_x", kRC1Body)).status);
        Gateway plugin("key_secret_x", "12345");
        CPPUNIT_ASSERT(plugin.webhook(kRC1Body, kRC1Sig, "x-razorpay-signature", "X-RAZORPAY-EVENT-ID").ok());
        CPPUNIT_ASSERT(plugin.webhook(kRC1Body, " " + kRC1Sig + " ").ok());
    }

    void testMissingHeaders() {
        Gateway plugin("key_secret_x", "12345");
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_SIGNATURE, plugin.webhook(kRC1Body, kRC1Sig, "X-Signature").status);
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_SIGNATURE, plugin.webhook(kRC1Body, "").status);
        const CallResult noId = plugin.webhook(kRC1Body, kRC1Sig, "X-Razorpay-Signature", "X-Request-Id");
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_INVALID, noId.status);
        CPPUNIT_ASSERT(noId.text.find("x-razorpay-event-id") != std::string::npos);
        // A forged body without an event id is still a signature failure first.
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_SIGNATURE,
                             plugin.webhook(kRC1Body + " ", kRC1Sig, "X-Razorpay-Signature", "X-Request-Id").status);
    }

    void testRPU1() {
        Gateway plugin("key_secret", "webhook_secret_x");
        const CallResult r = plugin.confirm("fake_order_id", "fake_payment_id", kRPU1Sig);
        CPPUNIT_ASSERT_MESSAGE(r.text, r.ok());
        CPPUNIT_ASSERT_EQUAL(std::string("succeeded"), json(r.text)->getValue<std::string>("status"));
        CPPUNIT_ASSERT_EQUAL(std::string("fake_payment_id"), json(r.text)->getValue<std::string>("payment_ref"));
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), plugin.host.requests.size());
        CPPUNIT_ASSERT_EQUAL(std::string("https://rzp.test/v1/payments/fake_payment_id"), plugin.host.requests[0].url);
    }

    void testRPC1AndRPC2() {
        Gateway plugin(kCheckoutSecret, "webhook_secret_x");
        CallResult r = plugin.confirm("order_DESlLckIVRkHWj", "pay_DESlfW9H8K9uqM", kRPC1Sig);
        CPPUNIT_ASSERT_MESSAGE(r.text, r.ok());
        CPPUNIT_ASSERT_EQUAL(std::string("order_DESlLckIVRkHWj"), json(r.text)->getValue<std::string>("provider_ref"));
        r = plugin.confirm("order_IluGWxBm9U8zJ8", "pay_29QQoUBi66xm2f", kRPC2Sig);
        CPPUNIT_ASSERT_MESSAGE(r.text, r.ok());
        CPPUNIT_ASSERT_EQUAL(std::string("pay_29QQoUBi66xm2f"), json(r.text)->getValue<std::string>("payment_ref"));
        const std::size_t asked = plugin.host.requests.size();
        // Each vector's signature belongs to its own order and payment only.
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_SIGNATURE,
                             plugin.confirm("order_IluGWxBm9U8zJ8", "pay_29QQoUBi66xm2f", kRPC1Sig).status);
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_SIGNATURE,
                             plugin.confirm("order_DESlLckIVRkHWj", "pay_29QQoUBi66xm2f", kRPC1Sig).status);
        CPPUNIT_ASSERT_EQUAL_MESSAGE("a refused signature asks nothing of Razorpay", asked,
                                     plugin.host.requests.size());
        Gateway wrongKey("another_key_secret", "webhook_secret_x");
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_SIGNATURE,
                             wrongKey.confirm("order_DESlLckIVRkHWj", "pay_DESlfW9H8K9uqM", kRPC1Sig).status);
    }

    void testCheckoutSignatureIsNotTheWebhookOne() {
        // The Checkout signature uses the key secret; a plugin whose webhook secret
        // happens to be that value must still not accept it as the key.
        Gateway plugin("another_key_secret", kCheckoutSecret);
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_SIGNATURE,
                             plugin.confirm("order_DESlLckIVRkHWj", "pay_DESlfW9H8K9uqM", kRPC1Sig).status);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(VectorsTest);
