// The pure parts of the plugin: config parsing, id mapping, amount rules,
// request bodies, Razorpay entities and errors (on recorded fixtures) and the
// status rules of replies.
#include "Amounts.h"
#include "Config.h"
#include "Entities.h"
#include "Errors.h"
#include "Ids.h"
#include "Replies.h"
#include "Requests.h"

#include <bourse/testing/FakeHost.hpp>
#include <bourse/testing/PluginUnderTest.hpp>

#include <cppunit/extensions/HelperMacros.h>

#include <fstream>
#include <sstream>

extern "C" const bourse_module bourse_module_entry;

using namespace bourse;
using namespace bourse::razorpay;

namespace {

std::string fixture(const std::string& name) {
    std::ifstream in(std::string(BOURSE_RAZORPAY_FIXTURES) + "/" + name, std::ios::binary);
    if (!in) throw std::runtime_error("missing fixture " + name);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

/// The message of the config error for `json`, or "" when it parses.
std::string configError(const std::string& json) {
    try {
        RazorpayConfig::parse(json);
        return "";
    } catch (const Error& e) {
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_CONFIG, e.status());
        return e.what();
    }
}

bourse_status statusOf(int http, const std::string& body) {
    return errorFor(apiErrorOf(http, body), "test").status();
}

}  // namespace

class WireTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(WireTest);
    CPPUNIT_TEST(testConfigDefaultsAndErrors);
    CPPUNIT_TEST(testSecretsAreRequired);
    CPPUNIT_TEST(testIdMapping);
    CPPUNIT_TEST(testAmountRules);
    CPPUNIT_TEST(testRequestBodies);
    CPPUNIT_TEST(testEntities);
    CPPUNIT_TEST(testErrorTable);
    CPPUNIT_TEST(testReplyRules);
    CPPUNIT_TEST_SUITE_END();

public:
    void testConfigDefaultsAndErrors() {
        const RazorpayConfig c = RazorpayConfig::parse(R"({"key_id":"rzp_test_1DP5mmOlF5G5ag"})");
        CPPUNIT_ASSERT_EQUAL(std::string("https://api.razorpay.com"), c.apiUrl);
        CPPUNIT_ASSERT_EQUAL(std::string("Bourse"), c.merchantName);
        CPPUNIT_ASSERT(c.currencies == std::vector<std::string>({"INR", "USD"}));
        CPPUNIT_ASSERT(!c.payout);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(6'000), c.requestTimeoutMs);

        const RazorpayConfig full = RazorpayConfig::parse(
            R"({"api_url":"http://127.0.0.1:9/","key_id":"rzp_live_ABC123","merchant_name":"Acme","currencies":["INR"],)"
            R"("payout":{"account_number":"7878780080316316","mode":"NEFT","purpose":"refund","queue_if_low_balance":false,)"
            R"("narration":"Acme withdrawal"},"request_timeout_ms":"2500"})");
        CPPUNIT_ASSERT_EQUAL(std::string("http://127.0.0.1:9"), full.apiUrl);
        CPPUNIT_ASSERT(full.payout);
        CPPUNIT_ASSERT_EQUAL(std::string("NEFT"), full.payout->mode);
        CPPUNIT_ASSERT(!full.payout->queueIfLowBalance);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2'500), full.requestTimeoutMs);

        const auto says = [](const std::string& json, const std::string& part) {
            const std::string e = configError(json);
            CPPUNIT_ASSERT_MESSAGE(json + " -> '" + e + "'", e.find(part) != std::string::npos);
        };
        says("[]", "config: not a JSON object");
        says("{}", "config: key_id: required");
        says(R"({"key_id":"rzp_test_x","colour":"red"})", "config: colour: unknown key");
        says(R"({"key_id":"pk_test_123"})", "config: key_id: expected rzp_test_");
        says(R"({"key_id":"rzp_test_x","key_secret":"s"})", "config: key_secret: unknown key");
        says(R"({"key_id":"rzp_test_x","api_url":"ftp://x"})", "config: api_url:");
        says(R"({"key_id":"rzp_test_x","currencies":[]})", "config: currencies: list at least one");
        says(R"({"key_id":"rzp_test_x","currencies":["INR","usd"]})", "config: currencies[1]:");
        says(R"({"key_id":"rzp_test_x","currencies":["INR","INR"]})", "config: currencies[1]: 'INR' is listed twice");
        says(R"({"key_id":"rzp_test_x","payout":{}})", "config: payout.account_number: required");
        says(R"({"key_id":"rzp_test_x","payout":{"account_number":"7878780080316316","mode":"SWIFT"}})",
             "config: payout.mode: must be one of");
        says(R"({"key_id":"rzp_test_x","payout":{"account_number":"7878780080316316","fee":1}})",
             "config: payout.fee: unknown key");
        says(R"({"key_id":"rzp_test_x","payout":{"account_number":"7878780080316316","narration":"Too-long; odd!"}})",
             "config: payout.narration:");
        says(R"({"key_id":"rzp_test_x","payout":{"account_number":"1","queue_if_low_balance":1}})",
             "config: payout.account_number:");
        says(R"({"key_id":"rzp_test_x","request_timeout_ms":5})",
             "config: request_timeout_ms: expected a whole number");
    }

    void testSecretsAreRequired() {
        const auto createWith = [](const std::map<std::string, std::string>& secrets) {
            testing::FakeHost host;
            host.setConfig(R"({"key_id":"rzp_test_1DP5mmOlF5G5ag"})");
            for (const auto& [k, v] : secrets)
                host.setSecret(k, v);
            testing::PluginUnderTest p(bourse_module_entry, "razorpay", host, testing::PluginUnderTest::DeferCreate{});
            const bourse_status s = p.create();
            return std::make_pair(s, host.lastError);
        };
        auto [s1, m1] = createWith({{"webhook_secret", "w"}});
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_CONFIG, s1);
        CPPUNIT_ASSERT(m1.find("config: secrets.key_secret: missing") == 0);
        auto [s2, m2] = createWith({{"key_secret", "k"}});
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_CONFIG, s2);
        CPPUNIT_ASSERT(m2.find("config: secrets.webhook_secret: missing") == 0);
        CPPUNIT_ASSERT(m2.find("not the key secret") != std::string::npos);
        auto [s3, m3] = createWith({{"key_secret", "k k"}, {"webhook_secret", "w"}});
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_CONFIG, s3);
        CPPUNIT_ASSERT(m3.find("k k") == std::string::npos);
        auto [s4, m4] = createWith({{"key_secret", "same"}, {"webhook_secret", "same"}});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(m4, BOURSE_OK, s4);  // allowed, with a warning
    }

    void testIdMapping() {
        CPPUNIT_ASSERT_EQUAL(std::string("dep_1001"), receiptFor("dep_1001"));
        const std::string forty(40, 'd');
        CPPUNIT_ASSERT_EQUAL(forty, receiptFor(forty));
        const std::string longId = "dep_" + std::string(50, '9');
        CPPUNIT_ASSERT_EQUAL(std::size_t(40), receiptFor(longId).size());
        CPPUNIT_ASSERT_EQUAL(receiptFor(longId), receiptFor(longId));
        CPPUNIT_ASSERT(receiptFor(longId) != receiptFor(longId + "0"));

        CPPUNIT_ASSERT_EQUAL(std::string("wd_5001"), idempotencyKeyFor("wd_5001"));
        CPPUNIT_ASSERT_EQUAL(std::string("wd 5-1"), idempotencyKeyFor("wd 5-1"));
        for (const std::string& id : std::vector<std::string>{"wd", "wd:5001", "wd_" + std::string(40, 'x'), "wd/ü"}) {
            const std::string key = idempotencyKeyFor(id);
            CPPUNIT_ASSERT_MESSAGE(id + " -> " + key, key.size() >= 4 && key.size() <= 36);
            CPPUNIT_ASSERT_MESSAGE(key, key.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                              "0123456789 _-") == std::string::npos);
            CPPUNIT_ASSERT_EQUAL(key, idempotencyKeyFor(id));
        }
        CPPUNIT_ASSERT(idempotencyKeyFor("wd:5001") != idempotencyKeyFor("wd_5001"));

        CPPUNIT_ASSERT(plausibleId("order_EKwxwAgItmmXdp"));
        CPPUNIT_ASSERT(!plausibleId(""));
        CPPUNIT_ASSERT(!plausibleId("pay_1/../refunds"));
        CPPUNIT_ASSERT(!plausibleId("pay_1?x=1"));
        CPPUNIT_ASSERT_EQUAL(std::string("dep%201%26x%3D%C3%BC"), encodeQuery("dep 1&x=ü"));
        CPPUNIT_ASSERT_EQUAL(std::size_t(3 + 7 + 64), kvKey("fa:", std::string(300, 'v')).size());
    }

    void testAmountRules() {
        CPPUNIT_ASSERT_NO_THROW(checkAmount(Money{100, "INR"}, {"INR"}));
        CPPUNIT_ASSERT_THROW(checkAmount(Money{99, "INR"}, {"INR"}), Error);
        CPPUNIT_ASSERT_THROW(checkAmount(Money{1'000, "USD"}, {"INR"}), Error);
        CPPUNIT_ASSERT_THROW(checkAmount(Money{1'005, "KWD"}, {}), Error);
        CPPUNIT_ASSERT_NO_THROW(checkAmount(Money{1'010, "KWD"}, {}));
        CPPUNIT_ASSERT_NO_THROW(checkAmount(Money{105, "JPY"}, {}));
        try {
            checkAmount(Money{50, "INR"}, {});
            CPPUNIT_FAIL("accepted 50 paise");
        } catch (const Error& e) {
            CPPUNIT_ASSERT_EQUAL(BOURSE_E_INVALID, e.status());
        }
    }

    void testRequestBodies() {
        CPPUNIT_ASSERT_EQUAL(
            std::string(
                R"({"amount":5000,"currency":"INR","receipt":"dep_1","notes":{"deposit_id":"dep_1","user_ref":"u-1"}})"),
            orderBody(Money{5'000, "INR"}, "dep_1", "u-1"));
        PayoutConfig p;
        p.accountNumber = "7878780080316316";
        const std::string body = payoutBody(p, "fa_1", "IMPS", Money{1'000'000, "INR"}, "wd_1", "u-1");
        CPPUNIT_ASSERT_EQUAL(
            std::string(R"({"account_number":"7878780080316316","fund_account_id":"fa_1","amount":1000000,)"
                        R"("currency":"INR","mode":"IMPS","purpose":"payout","queue_if_low_balance":true,)"
                        R"("reference_id":"wd_1","notes":{"withdrawal_id":"wd_1","user_ref":"u-1"}})"),
            body);
        CPPUNIT_ASSERT_EQUAL_MESSAGE("the same bytes every time", body,
                                     payoutBody(p, "fa_1", "IMPS", Money{1'000'000, "INR"}, "wd_1", "u-1"));
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"amount":2000,"notes":{"withdrawal_id":"wd_9"}})"),
                             refundBody(Money{2'000, "INR"}, "wd_9"));
        CPPUNIT_ASSERT_EQUAL(
            std::string(R"({"contact_id":"cont_1","account_type":"vpa","vpa":{"address":"a.b@okaxis"}})"),
            vpaFundAccountBody("cont_1", "a.b@okaxis"));
    }

    void testEntities() {
        const Order o = orderFrom(parseObject(fixture("order_created.json")));
        CPPUNIT_ASSERT_EQUAL(std::string("order_EKwxwAgItmmXdp"), o.id);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(50'000), o.amount);
        CPPUNIT_ASSERT(o.notes.empty());  // [] on the wire
        const auto items = itemsOf(parseObject(fixture("order_payments_failed_then_captured.json")));
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), items.size());
        const Payment failed = paymentFrom(items[0]);
        CPPUNIT_ASSERT(!failed.captured);
        CPPUNIT_ASSERT_EQUAL(std::string("Payment failed due to incorrect card details"), failed.errorDescription);
        const Payment captured = paymentFrom(items[1]);
        CPPUNIT_ASSERT(captured.captured);
        CPPUNIT_ASSERT_EQUAL(std::string("dep_1001"), note(captured.notes, "deposit_id"));
        const Payout payout = payoutFrom(parseObject(fixture("payout_queued.json")));
        CPPUNIT_ASSERT_EQUAL(std::string("queued"), payout.status);
        CPPUNIT_ASSERT(payout.statusDescription.find("insufficient balance") != std::string::npos);
        const Refund refund = refundFrom(parseObject(fixture("refund_processed.json")));
        CPPUNIT_ASSERT_EQUAL(std::string("pay_29QQoUBi66xm2f"), refund.paymentId);
        CPPUNIT_ASSERT_THROW(orderFrom(parseObject(R"({"entity":"order"})")), MalformedEntity);
        CPPUNIT_ASSERT_THROW(paymentFrom(parseObject(R"({"id":"pay_1","status":"captured","amount":1.5})")),
                             MalformedEntity);
        CPPUNIT_ASSERT_THROW(parseObject("<html>"), MalformedEntity);
    }

    void testErrorTable() {
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_INVALID, statusOf(400, fixture("error_amount_minimum.json")));
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_INVALID, statusOf(400, fixture("error_payout_idempotency_missing.json")));
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_REJECTED, statusOf(400, fixture("error_insufficient_balance.json")));
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_NOT_FOUND, statusOf(400, fixture("error_id_not_exist.json")));
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_CONFIG, statusOf(401, fixture("error_api_key_invalid.json")));
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_UNAVAILABLE, statusOf(500, fixture("error_server.json")));
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_UNAVAILABLE, statusOf(503, "<html>Service Unavailable</html>"));
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_UNAVAILABLE, statusOf(429, ""));
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_CONFIG, statusOf(403, "{}"));
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_REJECTED, statusOf(409, "{}"));

        const Error e = errorFor(apiErrorOf(400, fixture("error_amount_minimum.json")), "create order");
        CPPUNIT_ASSERT_EQUAL(std::string("razorpay: create order: The amount must be at least INR 1.00 (field amount)"),
                             std::string(e.what()));

        const auto judged = [](const HttpResponse& r) {
            try {
                judge(r, "x");
                return BOURSE_OK;
            } catch (const Error& err) {
                return err.status();
            }
        };
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_UNAVAILABLE, judged(HttpResponse{0, {}, "", "timed out"}));
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_UNAVAILABLE, judged(HttpResponse{200, {}, "{\"id\":", ""}));
        CPPUNIT_ASSERT_EQUAL(BOURSE_OK, judged(HttpResponse{200, {}, fixture("order_created.json"), ""}));
        CPPUNIT_ASSERT_EQUAL(std::string("a b"), oneLine("a\nb"));
        CPPUNIT_ASSERT(oneLine(std::string(500, 'x')).size() < 260);
    }

    void testReplyRules() {
        std::vector<Payment> payments;
        for (const auto& item : itemsOf(parseObject(fixture("order_payments_failed_then_captured.json"))))
            payments.push_back(paymentFrom(item));
        const StatusReply paid = depositFromPayments("order_DESlLckIVRkHWj", payments);
        CPPUNIT_ASSERT_EQUAL(std::string("succeeded"), paid.status);
        CPPUNIT_ASSERT_EQUAL(std::string("pay_DESlfW9H8K9uqM"), paid.paymentRef);
        const StatusReply tried = depositFromPayments("order_DESlLckIVRkHWj", {payments[0]});
        CPPUNIT_ASSERT_EQUAL_MESSAGE("a failed attempt leaves the order payable", std::string("pending"), tried.status);
        CPPUNIT_ASSERT_EQUAL(std::string("failed"), depositFromPayment("order_DESlLckIVRkHWj", payments[0]).status);
        CPPUNIT_ASSERT_THROW(depositFromPayment("order_other", payments[1]), Error);

        Payout p = payoutFrom(parseObject(fixture("payout_queued.json")));
        const auto statusFor = [&](const std::string& s, bool forQuery) {
            p.status = s;
            return payoutReply(p, forQuery).status;
        };
        CPPUNIT_ASSERT_EQUAL(std::string("pending"), statusFor("queued", false));
        CPPUNIT_ASSERT_EQUAL(std::string("pending"), statusFor("pending", false));
        CPPUNIT_ASSERT_EQUAL(std::string("pending"), statusFor("processing", false));
        CPPUNIT_ASSERT_EQUAL(std::string("succeeded"), statusFor("processed", false));
        CPPUNIT_ASSERT_EQUAL(std::string("failed"), statusFor("rejected", false));
        CPPUNIT_ASSERT_EQUAL(std::string("failed"), statusFor("failed", false));
        CPPUNIT_ASSERT_EQUAL(std::string("failed"), statusFor("cancelled", false));
        CPPUNIT_ASSERT_EQUAL(std::string("failed"), statusFor("reversed", false));
        CPPUNIT_ASSERT_EQUAL(std::string("reversed"), statusFor("reversed", true));
        p.status = "processing";
        CPPUNIT_ASSERT_EQUAL_MESSAGE(
            "the payout call answers provider_ref, status and reason",
            std::string(R"({"provider_ref":"pout_00000000000001","status":"pending",)"
                        R"("reason":"Payout is queued as there is insufficient balance in your account"})"),
            payoutReply(p, false).toJson());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(WireTest);
