// Deposits, withdrawals and KYC over HTTP against the real kernel and the
// sandbox gateway (both backends): the whole state machine, limits, bad input
// refused with nothing changed, concurrency without overdraft, a crash in the
// middle of a payout, forged webhooks — and `bourse ledger verify` after each.
#include "Assertions.h"
#include "BourseProcess.h"

#include <Poco/JSON/Array.h>

#include <cppunit/extensions/HelperMacros.h>

#include <atomic>
#include <thread>

using namespace bourse::test;

namespace {

std::string configYaml(const std::string& sandboxExtra = "", const std::string& payments = "") {
    return "data_dir: DATA_DIR\nserver: { host: 127.0.0.1, port: 0 }\n"
           "security: { auth_rate_per_minute: 100000, api_rate_per_minute: 100000 }\n"
           "payments:\n"
           "  limits:\n"
           "    USD: { min_deposit: \"10.00\", max_deposit: \"1000.00\", daily_deposit: \"1500.00\",\n"
           "           min_withdrawal: \"10.00\", max_withdrawal: \"5000.00\", daily_withdrawal: \"100000.00\",\n"
           "           auto_approve_below: \"100.00\" }\n" +
           payments +
           "kyc: { provider: manual, required_for: [withdrawals], max_document_bytes: 4096, max_documents: 2 }\n"
           "plugin_dirs: [BUILD_DIR/lib/bourse/plugins]\nplugins:\n"
           "  - { id: sandbox, library: bourse-plugin-sandbox, config: { decline_amounts: [1313]" +
           sandboxExtra +
           " } }\n"
           "  - { id: manual, library: bourse-plugin-kyc-manual }\n";
}

const std::string kPng = std::string("\x89PNG\r\n\x1a\n", 8) + "pixels";

Poco::JSON::Object::Ptr createDeposit(const BourseProcess& b, const std::string& token, const std::string& amount,
                                      const std::string& key = "") {
    std::vector<std::pair<std::string, std::string>> headers;
    if (!key.empty()) headers.emplace_back("Idempotency-Key", key);
    const auto r = b.request("POST", "/api/v1/wallet/deposits", R"({"gateway":"sandbox","amount":")" + amount + "\"}",
                             "application/json", token, headers);
    CPPUNIT_ASSERT_MESSAGE(r.body, r.status == 201 || r.status == 200);
    return r.json();
}

std::string confirm(const BourseProcess& b, const std::string& token, const std::string& id,
                    const std::string& outcome) {
    const auto r =
        b.post("/api/v1/wallet/deposits/" + id + "/confirm", R"({"result":{"outcome":")" + outcome + "\"}}", token);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 200, r.status);
    return r.json()->getValue<std::string>("status");
}

HttpResult withdraw(const BourseProcess& b, const std::string& token, const std::string& amount,
                    const std::string& key = "") {
    std::vector<std::pair<std::string, std::string>> headers;
    if (!key.empty()) headers.emplace_back("Idempotency-Key", key);
    return b.request("POST", "/api/v1/wallet/withdrawals", R"({"gateway":"sandbox","amount":")" + amount + "\"}",
                     "application/json", token, headers);
}

/// Starts manual KYC, uploads a document and has the operator approve it.
void verifyIdentity(const BourseProcess& b, const std::string& token) {
    CPPUNIT_ASSERT_EQUAL(200, b.post("/api/v1/kyc/start", "{}", token).status);
    const auto up = b.request("POST", "/api/v1/kyc/documents?type=passport", kPng, "image/png", token);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(up.body, 201, up.status);
    const auto cases = b.adminGet("/api/v1/admin/kyc?status=pending").json()->getArray("cases");
    for (std::size_t i = 0; i < cases->size(); ++i) {
        const auto c = cases->getObject(static_cast<unsigned>(i));
        const auto docs = c->getArray("documents");
        if (docs->size() == 0 ||
            docs->getObject(0)->getValue<std::string>("id") != up.json()->getValue<std::string>("id"))
            continue;
        const auto r = b.adminPost("/api/v1/admin/kyc/" + c->getValue<std::string>("id") + "/approve");
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 200, r.status);
        return;
    }
    CPPUNIT_FAIL("the uploaded document's case is not in the operator queue");
}

}  // namespace

class PaymentsTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(PaymentsTest);
    CPPUNIT_TEST(depositsCreditOnceThroughTheSandbox);
    CPPUNIT_TEST(badDepositsAreRefusedAndChangeNothing);
    CPPUNIT_TEST(withdrawalsNeedKycAndApproval);
    CPPUNIT_TEST(concurrentWithdrawalsNeverOverdraw);
    CPPUNIT_TEST(aPayoutInFlightSurvivesACrash);
    CPPUNIT_TEST(aDepositOpenAcrossARestartCreditsOnce);
    CPPUNIT_TEST(aWithdrawalTheGatewayCouldNotTakeIsSentLater);
    CPPUNIT_TEST(tradingCanRequireVerifiedIdentity);
    CPPUNIT_TEST(webhooksAreVerifiedByTheirPlugin);
    CPPUNIT_TEST_SUITE_END();

public:
    void depositsCreditOnceThroughTheSandbox() {
        BourseProcess b(configYaml());
        const std::string t = b.userToken("dee@bourse.test");
        CPPUNIT_ASSERT_EQUAL(std::string("10000.00"), wallet(b, t).available);
        // The stream tells the user about their deposit.
        auto ws = b.openStream();
        sendText(*ws, R"({"op":"auth","token":")" + t + R"("})");
        CPPUNIT_ASSERT(receiveType(*ws, "authenticated"));
        sendText(*ws, R"({"op":"subscribe","channel":"trades"})");
        CPPUNIT_ASSERT(receiveType(*ws, "subscribed"));

        const auto created = createDeposit(b, t, "250.00", "dep-key-1");
        const auto d = created->getObject("deposit");
        const std::string id = d->getValue<std::string>("id");
        CPPUNIT_ASSERT_EQUAL(std::string("pending"), d->getValue<std::string>("status"));
        CPPUNIT_ASSERT_EQUAL(std::string("sandbox"), created->getObject("checkout")->getValue<std::string>("type"));
        // The same Idempotency-Key is the same deposit; a different amount under it is a conflict.
        CPPUNIT_ASSERT_EQUAL(
            id, createDeposit(b, t, "250.00", "dep-key-1")->getObject("deposit")->getValue<std::string>("id"));
        assertProblem(b.request("POST", "/api/v1/wallet/deposits", R"({"gateway":"sandbox","amount":"300.00"})",
                                "application/json", t, {{"Idempotency-Key", "dep-key-1"}}),
                      409, "different deposit", "Idempotency-Key");
        CPPUNIT_ASSERT_EQUAL(std::string("10000.00"), wallet(b, t).available);

        CPPUNIT_ASSERT_EQUAL(std::string("succeeded"), confirm(b, t, id, "pay"));
        CPPUNIT_ASSERT_EQUAL(std::string("10250.00"), wallet(b, t).available);
        const auto event = receiveType(*ws, "deposit");
        CPPUNIT_ASSERT(event);
        CPPUNIT_ASSERT_EQUAL(id, event->getObject("deposit")->getValue<std::string>("id"));
        // Confirming again, or with a decline, credits nothing more.
        CPPUNIT_ASSERT_EQUAL(std::string("succeeded"), confirm(b, t, id, "pay"));
        CPPUNIT_ASSERT_EQUAL(std::string("succeeded"), confirm(b, t, id, "decline"));
        CPPUNIT_ASSERT_EQUAL(std::string("10250.00"), wallet(b, t).available);

        // A declined payment fails the deposit and moves nothing.
        const std::string declined = createDeposit(b, t, "13.13")->getObject("deposit")->getValue<std::string>("id");
        CPPUNIT_ASSERT_EQUAL(std::string("failed"), confirm(b, t, declined, "pay"));
        const auto failed = b.get("/api/v1/wallet/deposits/" + declined, t).json();
        CPPUNIT_ASSERT_EQUAL(std::string("declined in the sandbox"), failed->getValue<std::string>("reason"));
        CPPUNIT_ASSERT_EQUAL(std::string("10250.00"), wallet(b, t).available);

        // Users see only their own deposits.
        const std::string other = b.userToken("eve@bourse.test");
        CPPUNIT_ASSERT_EQUAL(404, b.get("/api/v1/wallet/deposits/" + id, other).status);
        CPPUNIT_ASSERT_EQUAL(std::size_t(0),
                             b.get("/api/v1/wallet/deposits", other).json()->getArray("deposits")->size());
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), b.get("/api/v1/wallet/deposits", t).json()->getArray("deposits")->size());
        CPPUNIT_ASSERT_EQUAL(404,
                             b.post("/api/v1/wallet/deposits/" + id + "/confirm", R"({"result":{}})", other).status);
        // The operator sees both, with their owner.
        const auto all = b.adminGet("/api/v1/admin/deposits").json()->getArray("deposits");
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), all->size());
        CPPUNIT_ASSERT(all->getObject(0)->has("user_id"));
        assertLedgerVerifies(b);
    }

    void badDepositsAreRefusedAndChangeNothing() {
        BourseProcess b(configYaml());
        const std::string t = b.userToken("fay@bourse.test");
        auto deposit = [&](const std::string& body) { return b.post("/api/v1/wallet/deposits", body, t); };
        assertProblem(deposit(R"({"gateway":"sandbox","amount":"9.99"})"), 422, "between 10.00 and 1000.00", "amount");
        assertProblem(deposit(R"({"gateway":"sandbox","amount":"1000.01"})"), 422, "between", "amount");
        assertProblem(deposit(R"({"gateway":"sandbox","amount":"12.345"})"), 400, "at most 2 decimals", "amount");
        assertProblem(deposit(R"({"gateway":"sandbox","amount":"ten"})"), 400, "amount", "amount");
        assertProblem(deposit(R"({"gateway":"sandbox","amount":50})"), 400, "must be a string", "amount");
        assertProblem(deposit(R"({"gateway":"paypal","amount":"50.00"})"), 422, "not a payment gateway", "gateway");
        assertProblem(deposit(R"({"gateway":"manual","amount":"50.00"})"), 422, "not a payment gateway", "gateway");
        assertProblem(deposit(R"({"gateway":"sandbox","amount":"50.00","currency":"EUR"})"), 422, "EUR cannot",
                      "currency");
        assertProblem(deposit(R"({"gateway":"sandbox","amount":"50.00","tip":"1"})"), 400, "unknown field", "tip");
        assertProblem(b.post("/api/v1/wallet/deposits", R"({"gateway":"sandbox","amount":"50.00"})"), 401,
                      "Authorization");
        // The daily limit counts pending and credited deposits: 1000 + 400 fits 1500, 200 more does not.
        const std::string first = createDeposit(b, t, "1000.00")->getObject("deposit")->getValue<std::string>("id");
        CPPUNIT_ASSERT_EQUAL(std::string("succeeded"), confirm(b, t, first, "pay"));
        createDeposit(b, t, "400.00");
        assertProblem(deposit(R"({"gateway":"sandbox","amount":"200.00"})"), 422, "100.00 is left", "amount");
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), b.get("/api/v1/wallet/deposits", t).json()->getArray("deposits")->size());
        CPPUNIT_ASSERT_EQUAL(std::string("11000.00"), wallet(b, t).available);
        // A browser result the gateway does not accept changes nothing.
        const std::string pending = b.get("/api/v1/wallet/deposits?status=pending", t)
                                        .json()
                                        ->getArray("deposits")
                                        ->getObject(0)
                                        ->getValue<std::string>("id");
        assertProblem(b.post("/api/v1/wallet/deposits/" + pending + "/confirm", R"({"result":{"outcome":"maybe"}})", t),
                      422, "outcome", "result");
        assertProblem(b.post("/api/v1/wallet/deposits/" + pending + "/confirm", R"({"result":"pay"})", t), 400,
                      "must be an object", "result");
        CPPUNIT_ASSERT_EQUAL(std::string("11000.00"), wallet(b, t).available);
        assertLedgerVerifies(b);
    }

    void withdrawalsNeedKycAndApproval() {
        BourseProcess b(configYaml());
        const std::string t = b.userToken("gus@bourse.test");
        assertProblem(withdraw(b, t, "50.00"), 403, "verify your identity");
        // Documents: only after a case is open; only real images/PDFs of an accepted type and size.
        assertProblem(b.request("POST", "/api/v1/kyc/documents?type=passport", kPng, "image/png", t), 409,
                      "start a verification");
        CPPUNIT_ASSERT_EQUAL(200, b.post("/api/v1/kyc/start", "{}", t).status);
        CPPUNIT_ASSERT_EQUAL(std::string("pending"),
                             b.get("/api/v1/me", t).json()->getValue<std::string>("kyc_status"));
        assertProblem(b.request("POST", "/api/v1/kyc/documents?type=passport", "MZ executable", "image/png", t), 415,
                      "JPEG, PNG or PDF");
        assertProblem(b.request("POST", "/api/v1/kyc/documents?type=tax_return", kPng, "image/png", t), 400,
                      "accepted document types", "type");
        assertProblem(
            b.request("POST", "/api/v1/kyc/documents?type=passport", kPng + std::string(5000, 'x'), "image/png", t),
            413, "4096");
        const auto caseId = b.get("/api/v1/kyc", t).json()->getObject("case")->getValue<std::string>("id");
        assertProblem(b.adminPost("/api/v1/admin/kyc/" + caseId + "/approve"), 409, "no documents");
        const auto up = b.request("POST", "/api/v1/kyc/documents?type=passport", kPng, "image/png", t);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(up.body, 201, up.status);
        const std::string doc = up.json()->getValue<std::string>("id");
        // At most max_documents (2 here) per case.
        CPPUNIT_ASSERT_EQUAL(201, b.request("POST", "/api/v1/kyc/documents?type=selfie", kPng, "image/png", t).status);
        assertProblem(b.request("POST", "/api/v1/kyc/documents?type=proof_of_address", kPng, "image/png", t), 409,
                      "at most 2 documents");
        // The document is the operator's to see, nobody else's, and is stored as sent.
        CPPUNIT_ASSERT_EQUAL(403, b.get("/api/v1/admin/kyc/" + caseId + "/documents/" + doc, t).status);
        const auto file = b.adminGet("/api/v1/admin/kyc/" + caseId + "/documents/" + doc);
        CPPUNIT_ASSERT_EQUAL(200, file.status);
        CPPUNIT_ASSERT(file.body == kPng);
        assertProblem(b.post("/api/v1/admin/kyc/" + caseId + "/reject", "{}", b.operatorToken()), 400, "reason",
                      "reason");
        CPPUNIT_ASSERT_EQUAL(200, b.adminPost("/api/v1/admin/kyc/" + caseId + "/approve").status);
        CPPUNIT_ASSERT_EQUAL(std::string("verified"),
                             b.get("/api/v1/me", t).json()->getValue<std::string>("kyc_status"));
        assertProblem(b.adminPost("/api/v1/admin/kyc/" + caseId + "/approve"), 409, "already decided");

        // Below the auto-approval amount: paid at once.
        const auto small = withdraw(b, t, "50.00");
        CPPUNIT_ASSERT_EQUAL_MESSAGE(small.body, 201, small.status);
        CPPUNIT_ASSERT_EQUAL(std::string("succeeded"), small.json()->getValue<std::string>("status"));
        CPPUNIT_ASSERT_EQUAL(std::string("9950.00"), wallet(b, t).available);
        // Above it: reserved at once, waiting for an operator.
        const auto big = withdraw(b, t, "150.00", "wd-key-1");
        CPPUNIT_ASSERT_EQUAL_MESSAGE(big.body, 201, big.status);
        const std::string bigId = big.json()->getValue<std::string>("id");
        CPPUNIT_ASSERT_EQUAL(std::string("pending_approval"), big.json()->getValue<std::string>("status"));
        CPPUNIT_ASSERT_EQUAL(200, withdraw(b, t, "150.00", "wd-key-1").status);  // a retry is the same request
        Wallet w = wallet(b, t);
        CPPUNIT_ASSERT_EQUAL(std::string("9800.00"), w.available);
        CPPUNIT_ASSERT_EQUAL(std::string("150.00"), w.pendingWithdrawal);
        // The user cancels: funds back.
        CPPUNIT_ASSERT_EQUAL(200, b.post("/api/v1/wallet/withdrawals/" + bigId + "/cancel", "", t).status);
        CPPUNIT_ASSERT_EQUAL(std::string("9950.00"), wallet(b, t).available);
        assertProblem(b.adminPost("/api/v1/admin/withdrawals/" + bigId + "/approve"), 409, "not awaiting approval");
        // The operator rejects one (funds back) and approves another (paid).
        const std::string rejected = withdraw(b, t, "200.00").json()->getValue<std::string>("id");
        const auto queue =
            b.adminGet("/api/v1/admin/withdrawals?status=pending_approval").json()->getArray("withdrawals");
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), queue->size());
        CPPUNIT_ASSERT_EQUAL(rejected, queue->getObject(0)->getValue<std::string>("id"));
        CPPUNIT_ASSERT_EQUAL(200, b.adminPost("/api/v1/admin/withdrawals/" + rejected + "/reject",
                                              R"({"reason":"name does not match the bank account"})")
                                      .status);
        CPPUNIT_ASSERT_EQUAL(
            std::string("name does not match the bank account"),
            b.get("/api/v1/wallet/withdrawals/" + rejected, t).json()->getValue<std::string>("reason"));
        const std::string approved = withdraw(b, t, "300.00").json()->getValue<std::string>("id");
        const auto paid = b.adminPost("/api/v1/admin/withdrawals/" + approved + "/approve");
        CPPUNIT_ASSERT_EQUAL(std::string("succeeded"), paid.json()->getValue<std::string>("status"));
        w = wallet(b, t);
        CPPUNIT_ASSERT_EQUAL(std::string("9650.00"), w.available);
        CPPUNIT_ASSERT_EQUAL(std::string("0.00"), w.pendingWithdrawal);
        // More than what is left available: refused, nothing more reserved.
        const std::string held = withdraw(b, t, "5000.00").json()->getValue<std::string>("id");
        assertProblem(withdraw(b, t, "5000.00"), 422, "insufficient", "amount");
        assertProblem(withdraw(b, t, "5000.01"), 422, "between 10.00 and 5000.00", "amount");
        w = wallet(b, t);
        CPPUNIT_ASSERT_EQUAL(std::string("4650.00"), w.available);
        CPPUNIT_ASSERT_EQUAL(std::string("5000.00"), w.pendingWithdrawal);
        CPPUNIT_ASSERT_EQUAL(200, b.post("/api/v1/wallet/withdrawals/" + held + "/cancel", "", t).status);
        CPPUNIT_ASSERT_EQUAL(std::string("9650.00"), wallet(b, t).available);
        // Another user cannot see or cancel these.
        const std::string other = b.userToken("hal@bourse.test");
        CPPUNIT_ASSERT_EQUAL(404, b.get("/api/v1/wallet/withdrawals/" + approved, other).status);
        CPPUNIT_ASSERT_EQUAL(404, b.post("/api/v1/wallet/withdrawals/" + approved + "/cancel", "", other).status);
        CPPUNIT_ASSERT_EQUAL(403, b.get("/api/v1/admin/withdrawals", other).status);
        assertLedgerVerifies(b);
    }

    void concurrentWithdrawalsNeverOverdraw() {
        BourseProcess b(configYaml("", "  velocity: { withdrawals_per_day: 1000 }\n"));
        const std::string t = b.userToken("ivy@bourse.test");
        verifyIdentity(b, t);
        // 24 requests of 600.00 against 10,000.00: exactly 16 can be reserved.
        std::atomic<int> accepted{0}, refused{0}, other{0};
        std::vector<std::thread> threads;
        for (int i = 0; i < 24; ++i)
            threads.emplace_back([&] {
                const auto r = withdraw(b, t, "600.00");
                if (r.status == 201)
                    ++accepted;
                else if (r.status == 422 && contains(r.body, "insufficient"))
                    ++refused;
                else
                    ++other;
            });
        for (auto& th : threads)
            th.join();
        CPPUNIT_ASSERT_EQUAL(0, other.load());
        CPPUNIT_ASSERT_EQUAL(16, accepted.load());
        CPPUNIT_ASSERT_EQUAL(8, refused.load());
        const Wallet w = wallet(b, t);
        CPPUNIT_ASSERT_EQUAL(std::string("400.00"), w.available);
        CPPUNIT_ASSERT_EQUAL(std::string("9600.00"), w.pendingWithdrawal);
        assertLedgerVerifies(b);
    }

    void aPayoutInFlightSurvivesACrash() {
        const std::string yaml =
            configYaml(", payout_delay_ms: 1500", "  reconcile_after_s: 1\n  reconcile_interval_s: 1\n");
        ScratchDir data;
        std::string t, id;
        {
            BourseProcess b(yaml, data.path());
            t = b.userToken("jon@bourse.test");
            verifyIdentity(b, t);
            const auto r = withdraw(b, t, "60.00");
            CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 201, r.status);
            id = r.json()->getValue<std::string>("id");
            CPPUNIT_ASSERT_EQUAL(std::string("processing"), r.json()->getValue<std::string>("status"));
            b.kill();  // the gateway has the payout; the kernel dies before hearing how it ended
        }
        BourseProcess b(yaml, data.path());
        t = b.userToken("jon@bourse.test");
        CPPUNIT_ASSERT_EQUAL(std::string("60.00"), wallet(b, t).pendingWithdrawal);
        // The reconciler asks the gateway after the restart and finishes it, once.
        CPPUNIT_ASSERT(eventually([&] {
            return b.get("/api/v1/wallet/withdrawals/" + id, t).json()->getValue<std::string>("status") == "succeeded";
        }));
        const Wallet w = wallet(b, t);
        CPPUNIT_ASSERT_EQUAL(std::string("9940.00"), w.available);
        CPPUNIT_ASSERT_EQUAL(std::string("0.00"), w.pendingWithdrawal);
        const auto report = b.adminPost("/api/v1/admin/payments/reconcile").json();
        CPPUNIT_ASSERT_EQUAL(0, report->getValue<int>("withdrawals_completed"));
        CPPUNIT_ASSERT_EQUAL(std::string("9940.00"), wallet(b, t).available);
        assertLedgerVerifies(b);
    }

    void aDepositOpenAcrossARestartCreditsOnce() {
        const std::string yaml = configYaml();
        ScratchDir data;
        std::string id;
        {
            BourseProcess b(yaml, data.path());
            const std::string t = b.userToken("lee@bourse.test");
            id = createDeposit(b, t, "75.00")->getObject("deposit")->getValue<std::string>("id");
            b.kill();
        }
        BourseProcess b(yaml, data.path());
        const std::string t = b.userToken("lee@bourse.test");
        CPPUNIT_ASSERT_EQUAL(std::string("pending"),
                             b.get("/api/v1/wallet/deposits/" + id, t).json()->getValue<std::string>("status"));
        CPPUNIT_ASSERT_EQUAL(std::string("succeeded"), confirm(b, t, id, "pay"));
        CPPUNIT_ASSERT_EQUAL(std::string("succeeded"), confirm(b, t, id, "pay"));
        CPPUNIT_ASSERT_EQUAL(std::string("10075.00"), wallet(b, t).available);
        assertLedgerVerifies(b);
    }

    void aWithdrawalTheGatewayCouldNotTakeIsSentLater() {
        BourseProcess b(configYaml("", "  reconcile_after_s: 1\n  reconcile_interval_s: 1\n"));
        const std::string t = b.userToken("max@bourse.test");
        verifyIdentity(b, t);
        const std::string id = withdraw(b, t, "400.00").json()->getValue<std::string>("id");
        // The gateway is down when the operator approves: the funds stay reserved, the request approved.
        CPPUNIT_ASSERT_EQUAL(200, b.adminPost("/api/v1/admin/plugins/sandbox/disable").status);
        const auto approved = b.adminPost("/api/v1/admin/withdrawals/" + id + "/approve").json();
        CPPUNIT_ASSERT_EQUAL(std::string("approved"), approved->getValue<std::string>("status"));
        CPPUNIT_ASSERT_MESSAGE(approved->optValue<std::string>("reason", ""),
                               contains(approved->optValue<std::string>("reason", ""), "retrying"));
        CPPUNIT_ASSERT_EQUAL(std::string("400.00"), wallet(b, t).pendingWithdrawal);
        // Back up: the reconciler sends it with the same idempotency key, and it is paid once.
        CPPUNIT_ASSERT_EQUAL(200, b.adminPost("/api/v1/admin/plugins/sandbox/enable").status);
        CPPUNIT_ASSERT(eventually([&] {
            return b.get("/api/v1/wallet/withdrawals/" + id, t).json()->getValue<std::string>("status") == "succeeded";
        }));
        CPPUNIT_ASSERT_EQUAL(std::string(),
                             b.get("/api/v1/wallet/withdrawals/" + id, t).json()->optValue<std::string>("reason", ""));
        const Wallet w = wallet(b, t);
        CPPUNIT_ASSERT_EQUAL(std::string("9600.00"), w.available);
        CPPUNIT_ASSERT_EQUAL(std::string("0.00"), w.pendingWithdrawal);
        assertLedgerVerifies(b);
    }

    void tradingCanRequireVerifiedIdentity() {
        BourseProcess b(
            "data_dir: DATA_DIR\nserver: { host: 127.0.0.1, port: 0 }\n"
            "kyc: { provider: manual, required_for: [trading] }\n"
            "plugin_dirs: [BUILD_DIR/lib/bourse/plugins]\nplugins:\n"
            "  - { id: manual, library: bourse-plugin-kyc-manual }\n" +
            otcPluginYaml(50) + binaryPluginYaml());
        waitForLivePrices(b);
        const std::string t = b.userToken("pia@bourse.test");
        const std::string trade =
            R"({"symbol":"OTC_EUR_USD","direction":"UP","stake":"10.00","duration":60,"client_order_id":"k-1"})";
        assertProblem(b.post("/api/v1/trades", trade, t), 403, "verify your identity before trading");
        CPPUNIT_ASSERT_EQUAL(std::string("10000.00"), wallet(b, t).available);
        verifyIdentity(b, t);
        const auto placed = b.post("/api/v1/trades", trade, t);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(placed.body, 201, placed.status);
        CPPUNIT_ASSERT_EQUAL(std::string("9990.00"), wallet(b, t).available);
        assertLedgerVerifies(b);
    }

    void webhooksAreVerifiedByTheirPlugin() {
        BourseProcess b(configYaml());
        const std::string t = b.userToken("kim@bourse.test");
        const std::string before = wallet(b, t).available;
        // The sandbox sends no webhooks: anything claiming to be one is forged.
        assertProblem(
            b.request("POST", "/api/v1/webhooks/sandbox",
                      R"({"event_id":"e1","type":"deposit.succeeded","deposit_id":"dep_x"})", "application/json", ""),
            400, "signature verification failed");
        assertProblem(b.request("POST", "/api/v1/webhooks/manual", "{}", "application/json", ""), 400,
                      "signature verification failed");
        assertProblem(b.request("POST", "/api/v1/webhooks/nope", "{}", "application/json", ""), 404,
                      "no running plugin");
        assertProblem(
            b.request("POST", "/api/v1/webhooks/sandbox", std::string(300 * 1024, 'x'), "application/json", ""), 413,
            "exceeds");
        CPPUNIT_ASSERT_EQUAL(before, wallet(b, t).available);
        const auto audit = b.adminGet("/api/v1/admin/audit?limit=50");
        CPPUNIT_ASSERT(contains(audit.body, "webhook.refused"));
        assertLedgerVerifies(b);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(PaymentsTest);
