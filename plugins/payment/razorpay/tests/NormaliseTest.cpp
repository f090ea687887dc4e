// Webhook normalisation on recorded Razorpay events (fixtures/event_*.json,
// shaped as Razorpay's docs and webhook payload references show them), each
// signed over its exact file bytes and verified through the plugin's
// verify_webhook over the C ABI.
#include <bourse/plugins/Signing.h>
#include <bourse/testing/FakeHost.hpp>
#include <bourse/testing/PluginUnderTest.hpp>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <cppunit/extensions/HelperMacros.h>

#include <fstream>
#include <memory>
#include <sstream>

extern "C" const bourse_module bourse_module_entry;

using namespace bourse;
using bourse::testing::CallResult;
using bourse::testing::FakeHost;
using bourse::testing::PluginUnderTest;

namespace {

const std::string kSecret = "whsec_fixture_secret";

std::string fixture(const std::string& name) {
    std::ifstream in(std::string(BOURSE_RAZORPAY_FIXTURES) + "/" + name, std::ios::binary);
    if (!in) throw std::runtime_error("missing fixture " + name);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

struct Expected {
    std::string file, type, providerRef, paymentRef, depositId, withdrawalId;
    std::int64_t minor = 0;  ///< 0: no amount expected
    std::string reason;
};

}  // namespace

class NormaliseTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(NormaliseTest);
    CPPUNIT_TEST(testEveryFixture);
    CPPUNIT_TEST(testMalformedEventsAreInvalid);
    CPPUNIT_TEST(testSignatureCoversTheFinalNewline);
    CPPUNIT_TEST_SUITE_END();

public:
    void setUp() override {
        host = std::make_unique<FakeHost>();
        host->setConfig(R"({"key_id":"rzp_test_Fixtures0001"})");
        host->setSecret("key_secret", "fixture_key_secret");
        host->setSecret("webhook_secret", kSecret);
        plugin = std::make_unique<PluginUnderTest>(bourse_module_entry, "razorpay", *host);
    }
    void tearDown() override {
        plugin.reset();
        host.reset();
    }

    CallResult verify(const std::string& body, const std::string& eventId = "Jvms0G2uVj4yQ6") {
        return plugin->verifyWebhook(Webhook{"/webhooks/razorpay",
                                             {{"Content-Type", "application/json"},
                                              {"X-Razorpay-Signature", plugins::hmacSha256Hex(kSecret, body)},
                                              {"x-razorpay-event-id", eventId}},
                                             body});
    }

    void testEveryFixture() {
        const std::vector<Expected> table = {
            {"event_payment_authorized.json", "ignored", "", "", "", "", 0, ""},
            {"event_payment_captured.json", "deposit.succeeded", "order_DESlLckIVRkHWj", "pay_DESlfW9H8K9uqM",
             "dep_1001", "", 50'000, ""},
            {"event_payment_captured_notes_array.json", "deposit.succeeded", "order_DESlLckIVRkHWj",
             "pay_DESlfW9H8K9uqM", "", "", 50'000, ""},
            {"event_payment_captured_without_order.json", "ignored", "", "", "", "", 0, ""},
            {"event_order_paid.json", "deposit.succeeded", "order_DESlLckIVRkHWj", "pay_DESlfW9H8K9uqM", "dep_1001", "",
             50'000, ""},
            {"event_payment_failed.json", "deposit.failed", "order_DESlLckIVRkHWj", "pay_DESmBYjfhNSz1t", "dep_1001",
             "", 50'000, "Payment failed due to incorrect card details"},
            {"event_payout_processed.json", "payout.succeeded", "pout_DEjZrshhq1CEdH", "", "", "wd_5001", 100'000, ""},
            {"event_payout_failed.json", "payout.failed", "pout_DEjZrshhq1CEdH", "", "", "wd_5001", 100'000,
             "The beneficiary account number or IFSC is invalid."},
            {"event_payout_rejected.json", "payout.failed", "pout_DEjZrshhq1CEdH", "", "", "wd_5001", 100'000,
             "Payout rejected by the approver."},
            {"event_payout_reversed.json", "payout.reversed", "pout_DEjZrshhq1CEdH", "", "", "wd_5001", 100'000,
             "Payout reversed by the beneficiary bank."},
            {"event_payout_queued.json", "ignored", "", "", "", "", 0, ""},
            {"event_refund_processed.json", "refund.succeeded", "rfnd_FP8QHiV938haTz", "pay_DESlfW9H8K9uqM", "",
             "wd_7001", 20'000, ""},
            {"event_refund_failed.json", "refund.failed", "rfnd_FP8QHiV938haTz", "pay_DESlfW9H8K9uqM", "", "wd_7001",
             20'000, "refund failed"},
            {"event_refund_created.json", "ignored", "", "", "", "", 0, ""},
            {"event_payment_dispute_created.json", "ignored", "", "", "", "", 0, ""},
        };
        for (const Expected& x : table) {
            const CallResult r = verify(fixture(x.file));
            CPPUNIT_ASSERT_MESSAGE(x.file + ": " + r.text, r.ok());
            const auto e = Poco::JSON::Parser().parse(r.text).extract<Poco::JSON::Object::Ptr>();
            const auto field = [&](const char* key) { return e->has(key) ? e->getValue<std::string>(key) : ""; };
            CPPUNIT_ASSERT_EQUAL_MESSAGE(x.file, std::string("Jvms0G2uVj4yQ6"), field("event_id"));
            CPPUNIT_ASSERT_EQUAL_MESSAGE(x.file, x.type, field("type"));
            if (x.type == "ignored") continue;  // nothing else matters for an ignored event
            CPPUNIT_ASSERT_EQUAL_MESSAGE(x.file, x.providerRef, field("provider_ref"));
            CPPUNIT_ASSERT_EQUAL_MESSAGE(x.file, x.paymentRef, field("payment_ref"));
            CPPUNIT_ASSERT_EQUAL_MESSAGE(x.file, x.depositId, field("deposit_id"));
            CPPUNIT_ASSERT_EQUAL_MESSAGE(x.file, x.withdrawalId, field("withdrawal_id"));
            CPPUNIT_ASSERT_EQUAL_MESSAGE(x.file, x.reason, field("reason"));
            CPPUNIT_ASSERT_EQUAL_MESSAGE(x.file, x.minor, e->getObject("amount")->getValue<std::int64_t>("minor"));
            CPPUNIT_ASSERT_EQUAL_MESSAGE(x.file, std::string("INR"),
                                         e->getObject("amount")->getValue<std::string>("currency"));
        }
        CPPUNIT_ASSERT(plugin->violations().empty());
    }

    void testMalformedEventsAreInvalid() {
        const CallResult missing = verify(fixture("event_malformed_payment_captured.json"));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(missing.text, BOURSE_E_INVALID, missing.status);
        CPPUNIT_ASSERT(missing.text.find("payload.payment.entity") != std::string::npos);
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_INVALID, verify("not json").status);
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_INVALID, verify("[1,2]").status);
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_INVALID, verify(R"({"entity":"event"})").status);
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_INVALID,
                             verify(R"({"event":"payout.processed","payload":{"payout":{"entity":{"id":"pout_1",)"
                                    R"("status":"processed","amount":"100000"}}}})")
                                 .status);
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_INVALID, verify(fixture("event_payment_captured.json"), "two words").status);
    }

    void testSignatureCoversTheFinalNewline() {
        std::string body = fixture("event_payment_captured.json");
        CPPUNIT_ASSERT_EQUAL('\n', body.back());
        const std::string signature = plugins::hmacSha256Hex(kSecret, body);
        body.pop_back();
        const CallResult r = plugin->verifyWebhook(
            Webhook{"/", {{"X-Razorpay-Signature", signature}, {"x-razorpay-event-id", "Jvms0G2uVj4yQ6"}}, body});
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_SIGNATURE, r.status);
    }

private:
    std::unique_ptr<FakeHost> host;
    std::unique_ptr<PluginUnderTest> plugin;
};

CPPUNIT_TEST_SUITE_REGISTRATION(NormaliseTest);
