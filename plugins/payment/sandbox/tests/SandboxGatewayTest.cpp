// The sandbox gateway through the C ABI, as the kernel drives it.
#include <bourse/testing/FakeHost.hpp>
#include <bourse/testing/PluginUnderTest.hpp>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <cppunit/TestFixture.h>
#include <cppunit/extensions/HelperMacros.h>

extern "C" const bourse_module bourse_module_entry;

using bourse::Money;
using bourse::PaymentRequest;
using bourse::testing::FakeHost;
using bourse::testing::PluginUnderTest;

namespace {

Poco::JSON::Object::Ptr parse(const std::string& json) {
    return Poco::JSON::Parser().parse(json).extract<Poco::JSON::Object::Ptr>();
}

PaymentRequest deposit(const std::string& key, std::int64_t minor, const std::string& currency = "USD") {
    return PaymentRequest{key, "u_1", Money{minor, currency}, "", R"({"deposit_id":")" + key + "\"}"};
}

}  // namespace

class SandboxGatewayTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(SandboxGatewayTest);
    CPPUNIT_TEST(depositPaidThroughCheckout);
    CPPUNIT_TEST(depositDeclinedByChoiceOrAmount);
    CPPUNIT_TEST(repeatedCreateIsTheSameIntent);
    CPPUNIT_TEST(payoutAndRefundCompleteOnceAndAnswerQueries);
    CPPUNIT_TEST(delayedPayoutSettlesWhenAskedAfterTheDelay);
    CPPUNIT_TEST(refusesWhatItCannotDo);
    CPPUNIT_TEST(badConfigNamesTheKey);
    CPPUNIT_TEST_SUITE_END();

public:
    void depositPaidThroughCheckout() {
        FakeHost host;
        PluginUnderTest p(bourse_module_entry, "sandbox", host);
        const auto created = p.createDeposit(deposit("dep_1", 5000));
        CPPUNIT_ASSERT_MESSAGE(created.text, created.ok());
        const auto c = parse(created.text);
        CPPUNIT_ASSERT_EQUAL(std::string("sbx_dep_dep_1"), c->getValue<std::string>("provider_ref"));
        CPPUNIT_ASSERT_EQUAL(std::string("pending"), c->getValue<std::string>("status"));
        CPPUNIT_ASSERT_EQUAL(std::string("sandbox"), c->getObject("checkout")->getValue<std::string>("type"));

        PaymentRequest confirm = deposit("dep_1", 5000);
        confirm.reference = "sbx_dep_dep_1";
        confirm.metadataJson = R"({"outcome":"pay"})";
        const auto paid = p.confirmDeposit(confirm);
        CPPUNIT_ASSERT_MESSAGE(paid.text, paid.ok());
        const auto r = parse(paid.text);
        CPPUNIT_ASSERT_EQUAL(std::string("succeeded"), r->getValue<std::string>("status"));
        CPPUNIT_ASSERT_EQUAL(std::string("sbx_pay_dep_1"), r->getValue<std::string>("payment_ref"));
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(5000), r->getObject("amount")->getValue<Poco::Int64>("minor"));
        // A second confirmation, even a decline, changes nothing.
        confirm.metadataJson = R"({"outcome":"decline"})";
        CPPUNIT_ASSERT_EQUAL(std::string("succeeded"),
                             parse(p.confirmDeposit(confirm).text)->getValue<std::string>("status"));
    }

    void depositDeclinedByChoiceOrAmount() {
        FakeHost host;
        host.setConfig(R"({"decline_amounts": [1313]})");
        PluginUnderTest p(bourse_module_entry, "sandbox", host);
        (void)p.createDeposit(deposit("dep_a", 5000));
        PaymentRequest a = deposit("dep_a", 5000);
        a.reference = "sbx_dep_dep_a";
        a.metadataJson = R"({"outcome":"decline"})";
        CPPUNIT_ASSERT_EQUAL(std::string("failed"), parse(p.confirmDeposit(a).text)->getValue<std::string>("status"));

        const auto created = parse(p.createDeposit(deposit("dep_b", 1313)).text);
        CPPUNIT_ASSERT(created->getObject("checkout")->getValue<bool>("declines"));
        PaymentRequest b = deposit("dep_b", 1313);
        b.reference = "sbx_dep_dep_b";
        b.metadataJson = R"({"outcome":"pay"})";
        const auto r = parse(p.confirmDeposit(b).text);
        CPPUNIT_ASSERT_EQUAL(std::string("failed"), r->getValue<std::string>("status"));
        CPPUNIT_ASSERT_EQUAL(std::string("declined in the sandbox"), r->getValue<std::string>("reason"));
    }

    void repeatedCreateIsTheSameIntent() {
        FakeHost host;
        PluginUnderTest p(bourse_module_entry, "sandbox", host);
        (void)p.createDeposit(deposit("dep_r", 2500));
        PaymentRequest confirm = deposit("dep_r", 2500);
        confirm.reference = "sbx_dep_dep_r";
        confirm.metadataJson = R"({"outcome":"pay"})";
        (void)p.confirmDeposit(confirm);
        // The kernel retries create after a timeout: same ref, and the payment stays recorded.
        const auto again = parse(p.createDeposit(deposit("dep_r", 2500)).text);
        CPPUNIT_ASSERT_EQUAL(std::string("sbx_dep_dep_r"), again->getValue<std::string>("provider_ref"));
        PaymentRequest q;
        q.reference = "sbx_dep_dep_r";
        q.metadataJson = R"({"kind":"deposit"})";
        CPPUNIT_ASSERT_EQUAL(std::string("succeeded"), parse(p.query(q).text)->getValue<std::string>("status"));
    }

    void payoutAndRefundCompleteOnceAndAnswerQueries() {
        FakeHost host;
        host.setConfig(R"({"payout_outcome": "pending"})");
        PluginUnderTest p(bourse_module_entry, "sandbox", host);
        PaymentRequest out{"wd_1", "u_1", Money{2000, "USD"}, "", R"({"withdrawal_id":"wd_1","destination":{}})"};
        const auto first = parse(p.payout(out).text);
        CPPUNIT_ASSERT_EQUAL(std::string("sbx_po_wd_1"), first->getValue<std::string>("provider_ref"));
        CPPUNIT_ASSERT_EQUAL(std::string("pending"), first->getValue<std::string>("status"));
        CPPUNIT_ASSERT_EQUAL(p.payout(out).text, p.payout(out).text);
        PaymentRequest refund{"wd_2", "u_1", Money{700, "USD"}, "sbx_pay_dep_9", "{}"};
        const auto r = parse(p.refund(refund).text);
        CPPUNIT_ASSERT_EQUAL(std::string("sbx_re_wd_2"), r->getValue<std::string>("provider_ref"));
        PaymentRequest q;
        q.reference = "sbx_re_wd_2";
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(700),
                             parse(p.query(q).text)->getObject("amount")->getValue<Poco::Int64>("minor"));
    }

    void delayedPayoutSettlesWhenAskedAfterTheDelay() {
        FakeHost host;
        host.setConfig(R"({"payout_delay_ms": 1000})");
        PluginUnderTest p(bourse_module_entry, "sandbox", host);
        PaymentRequest out{"wd_9", "u_1", Money{2000, "USD"}, "", "{}"};
        CPPUNIT_ASSERT_EQUAL(std::string("pending"), parse(p.payout(out).text)->getValue<std::string>("status"));
        PaymentRequest q;
        q.reference = "sbx_po_wd_9";
        host.advance(std::chrono::milliseconds(999));
        CPPUNIT_ASSERT_EQUAL(std::string("pending"), parse(p.query(q).text)->getValue<std::string>("status"));
        host.advance(std::chrono::milliseconds(1));
        CPPUNIT_ASSERT_EQUAL(std::string("succeeded"), parse(p.query(q).text)->getValue<std::string>("status"));
        // Settled for good: a retried payout answers the settled state.
        CPPUNIT_ASSERT_EQUAL(std::string("succeeded"), parse(p.payout(out).text)->getValue<std::string>("status"));
    }

    void refusesWhatItCannotDo() {
        FakeHost host;
        PluginUnderTest p(bourse_module_entry, "sandbox", host);
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_INVALID, p.createDeposit(deposit("dep_x", 100, "EUR")).status);
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_SIGNATURE, p.verifyWebhook({"/api/v1/webhooks/sandbox", {}, "{}"}).status);
        PaymentRequest confirm = deposit("dep_y", 100);
        confirm.reference = "sbx_dep_nope";
        confirm.metadataJson = R"({"outcome":"pay"})";
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_INVALID, p.confirmDeposit(confirm).status);
        (void)p.createDeposit(deposit("dep_z", 100));
        confirm.reference = "sbx_dep_dep_z";
        confirm.metadataJson = R"({"outcome":"maybe"})";
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_INVALID, p.confirmDeposit(confirm).status);
        PaymentRequest refund{"wd_3", "u_1", Money{700, "USD"}, "pi_123", "{}"};
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_INVALID, p.refund(refund).status);
        PaymentRequest q;
        q.reference = "sbx_po_unknown";
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_NOT_FOUND, p.query(q).status);
    }

    void badConfigNamesTheKey() {
        FakeHost host;
        host.setConfig(R"({"payout_outcome": "sometimes"})");
        PluginUnderTest p(bourse_module_entry, "sandbox", host, PluginUnderTest::DeferCreate{});
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_CONFIG, p.create());
        CPPUNIT_ASSERT_MESSAGE(host.lastError, host.lastError.find("payout_outcome") != std::string::npos);
        FakeHost other;
        other.setConfig(R"({"currency": "USD"})");
        PluginUnderTest q(bourse_module_entry, "sandbox", other, PluginUnderTest::DeferCreate{});
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_CONFIG, q.create());
        CPPUNIT_ASSERT_MESSAGE(other.lastError, other.lastError.find("currency: unknown key") != std::string::npos);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SandboxGatewayTest);
