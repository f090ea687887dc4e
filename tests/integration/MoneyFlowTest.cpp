// The money core over HTTP against the real kernel (both backends): register →
// login → wallet → trade → settlement; idempotent orders; every bad input
// refused with a clear problem and no balance change; users isolated; token
// rotation and lockout; operator actions; and `bourse ledger verify` after all.
#include "Assertions.h"
#include "BourseProcess.h"

#include <Poco/JSON/Array.h>

#include <cppunit/extensions/HelperMacros.h>

#include <mutex>
#include <set>
#include <thread>

using namespace bourse::test;

namespace {

std::string configYaml(const std::string& binaryExtra = "") {
    return "data_dir: DATA_DIR\nserver: { host: 127.0.0.1, port: 0 }\n"
           "trading: { settle_interval_ms: 20 }\n"
           "security: { auth_rate_per_minute: 100000 }\n"
           "plugin_dirs: [BUILD_DIR/lib/bourse/plugins]\nplugins:" +
           otcPluginYaml(50) + binaryPluginYaml(binaryExtra);
}

std::string tradeBody(const std::string& stake, const std::string& clientOrderId, int duration = 5,
                      const std::string& direction = "UP", const std::string& symbol = "OTC_EUR_USD") {
    return R"({"symbol":")" + symbol + R"(","direction":")" + direction + R"(","stake":")" + stake +
           R"(","duration":)" + std::to_string(duration) + R"(,"client_order_id":")" + clientOrderId + R"("})";
}

Poco::JSON::Object::Ptr waitSettled(const BourseProcess& b, const std::string& token, const std::string& id) {
    for (int i = 0; i < 400; ++i) {
        const auto t = b.get("/api/v1/trades/" + id, token).json();
        if (t->getValue<std::string>("status") != "OPEN") return t;
        std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    CPPUNIT_FAIL("trade " + id + " never settled");
    return nullptr;
}

}  // namespace

class MoneyFlowTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(MoneyFlowTest);
    CPPUNIT_TEST(testRegisterTradeSettle);
    CPPUNIT_TEST(testBadInputChangesNothing);
    CPPUNIT_TEST(testUsersAreIsolated);
    CPPUNIT_TEST(testTokensRotateAndLockout);
    CPPUNIT_TEST(testOperatorActions);
    CPPUNIT_TEST(testTradingRulesArePublicAndFollowTheOperator);
    CPPUNIT_TEST(testTradeListFiltersAndPages);
    CPPUNIT_TEST(testSimultaneousFullBalanceTrades);
    CPPUNIT_TEST(testOpenLimitHoldsUnderConcurrency);
    CPPUNIT_TEST(testProductsBuiltBeforeAbi14StillGetTheOpenCount);
    CPPUNIT_TEST_SUITE_END();

public:
    void testRegisterTradeSettle() {
        BourseProcess b(configYaml());
        const HttpResult reg = b.post("/api/v1/auth/register",
                                      R"({"email":"Alice@Example.com","password":"correct horse 42","name":"Alice"})");
        CPPUNIT_ASSERT_EQUAL_MESSAGE(reg.body, 201, reg.status);
        CPPUNIT_ASSERT_EQUAL(std::string("alice@example.com"), reg.json()->getValue<std::string>("email"));
        const HttpResult login =
            b.post("/api/v1/auth/login", R"({"email":"alice@example.com","password":"correct horse 42"})");
        CPPUNIT_ASSERT_EQUAL(200, login.status);
        const std::string token = login.json()->getValue<std::string>("access_token");
        CPPUNIT_ASSERT(login.json()->getValue<int>("expires_in") <= 900);
        CPPUNIT_ASSERT_EQUAL(std::string("user"), b.get("/api/v1/me", token).json()->getValue<std::string>("role"));

        const Wallet before = wallet(b, token);
        CPPUNIT_ASSERT_EQUAL(std::string("10000.00"), before.available);
        CPPUNIT_ASSERT_EQUAL(std::string("0.00"), before.locked);

        waitForLivePrices(b);
        const HttpResult placed = b.post("/api/v1/trades", tradeBody("100.00", "order-1", 1), token);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(placed.body, 201, placed.status);
        const auto trade = placed.json();
        const std::string id = trade->getValue<std::string>("id");
        CPPUNIT_ASSERT_EQUAL(std::string("OPEN"), trade->getValue<std::string>("status"));
        CPPUNIT_ASSERT_EQUAL(std::string("100.00"), trade->getValue<std::string>("stake"));
        CPPUNIT_ASSERT_EQUAL(std::string("80"), trade->getValue<std::string>("payout_percent"));
        CPPUNIT_ASSERT(trade->isNull("exit_price"));
        const Wallet locked = wallet(b, token);
        CPPUNIT_ASSERT_EQUAL(std::string("9900.00"), locked.available);
        CPPUNIT_ASSERT_EQUAL(std::string("100.00"), locked.locked);

        // The same client_order_id again: the same trade, nothing debited.
        const HttpResult again = b.post("/api/v1/trades", tradeBody("100.00", "order-1", 1), token);
        CPPUNIT_ASSERT_EQUAL(200, again.status);
        CPPUNIT_ASSERT_EQUAL(id, again.json()->getValue<std::string>("id"));
        CPPUNIT_ASSERT_EQUAL(std::string("9900.00"), wallet(b, token).available);
        // ... but reusing it for a different trade is refused.
        assertProblem(b.post("/api/v1/trades", tradeBody("50.00", "order-1", 1), token), 409, "client_order_id",
                      "client_order_id");

        const auto settled = waitSettled(b, token, id);
        const std::string status = settled->getValue<std::string>("status");
        const std::string entry = settled->getValue<std::string>("entry_price");
        const std::string exit = settled->getValue<std::string>("exit_price");
        const std::string payout = settled->getValue<std::string>("payout");
        const double e = std::stod(entry), x = std::stod(exit);
        if (x > e) CPPUNIT_ASSERT_EQUAL(std::string("WON"), status);
        if (x < e) CPPUNIT_ASSERT_EQUAL(std::string("LOST"), status);
        if (x == e) CPPUNIT_ASSERT_EQUAL(std::string("TIE"), status);
        const std::string expected = status == "WON" ? "180.00" : status == "TIE" ? "100.00" : "0.00";
        CPPUNIT_ASSERT_EQUAL(expected, payout);
        CPPUNIT_ASSERT(settled->getValue<std::int64_t>("settled_at") >= settled->getValue<std::int64_t>("expires_at"));
        const Wallet after = wallet(b, token);
        CPPUNIT_ASSERT_EQUAL(std::string("0.00"), after.locked);
        CPPUNIT_ASSERT_EQUAL(990000 + cents(payout), cents(after.available));

        const auto history = b.get("/api/v1/wallet/transactions", token).json()->getArray("transactions");
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), history->size());  // settlement, stake lock, demo credit
        CPPUNIT_ASSERT_EQUAL(std::string("settlement"), history->getObject(0)->getValue<std::string>("kind"));
        CPPUNIT_ASSERT_EQUAL(std::string("-100.00"), history->getObject(1)->getValue<std::string>("available_change"));
        CPPUNIT_ASSERT_EQUAL(std::string("demo_credit"), history->getObject(2)->getValue<std::string>("kind"));

        const auto stats = b.get("/api/v1/trades/stats", token).json();
        CPPUNIT_ASSERT_EQUAL(1, stats->getValue<int>("total"));
        CPPUNIT_ASSERT_EQUAL(0, stats->getValue<int>("open"));

        // Demo reset is a ledger transaction back to the demo amount.
        CPPUNIT_ASSERT_EQUAL(200, b.post("/api/v1/wallet/demo-reset", "", token).status);
        CPPUNIT_ASSERT_EQUAL(std::string("10000.00"), wallet(b, token).available);
        assertLedgerVerifies(b);
    }

    void testBadInputChangesNothing() {
        BourseProcess b(configYaml("      markets:\n        OTC_GOLD: { enabled: false }\n"));
        const std::string token = b.userToken("bob@bourse.test");
        waitForLivePrices(b);
        const Wallet start = wallet(b, token);
        const auto refused = [&](const HttpResult& r, int status, const std::string& detail, const std::string& field) {
            assertProblem(r, status, detail, field);
            const Wallet now = wallet(b, token);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(detail, start.available, now.available);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(detail, start.locked, now.locked);
        };
        const auto post = [&](const std::string& body) { return b.post("/api/v1/trades", body, token); };
        refused(post(tradeBody("-5.00", "b1")), 400, "must be greater than zero", "stake");
        refused(post(tradeBody("0", "b1")), 400, "must be greater than zero", "stake");
        refused(post(tradeBody("1.001", "b1")), 400, "at most 2 decimals", "stake");
        refused(post(tradeBody("ten", "b1")), 400, "not a number", "stake");
        refused(post(R"({"symbol":"OTC_EUR_USD","direction":"UP","stake":100,"duration":5,"client_order_id":"b1"})"),
                400, "decimal string", "stake");
        refused(post(tradeBody("10.00", "b1", 5, "UP", "NOPE")), 400, "unknown symbol 'NOPE'", "symbol");
        refused(post(tradeBody("10.00", "b1", 5, "UP", "OTC_GOLD")), 422, "trading on OTC_GOLD is disabled", "symbol");
        refused(post(tradeBody("10.00", "b1", 7)), 400, "7 s is not allowed", "duration");
        refused(post(tradeBody("10.00", "b1", 5, "SIDEWAYS")), 400, "must be \"UP\" or \"DOWN\"", "direction");
        refused(post(tradeBody("0.50", "b1")), 400, "at least 1.00 USD", "stake");
        refused(post(tradeBody("5000.00", "b1")), 400, "at most 1000.00 USD", "stake");
        refused(
            post(
                R"({"symbol":"OTC_EUR_USD","direction":"UP","stake":"1.00","duration":5,"client_order_id":"b1","leverage":5})"),
            400, "unknown field", "leverage");
        refused(post(R"({"symbol":"OTC_EUR_USD"})"), 400, "is required", "");
        refused(post(tradeBody("10.00", "has spaces")), 400, "client_order_id", "client_order_id");
        refused(post("[1,2,3]"), 400, "JSON object", "");
        refused(post("{oops"), 400, "malformed JSON", "");
        refused(b.request("POST", "/api/v1/trades", std::string(2 << 20, ' '), "application/json", token), 413, "1 MiB",
                "");
        refused(b.post("/api/v1/trades", tradeBody("10.00", "b1"), "not-a-token"), 401, "invalid or expired", "");
        refused(b.post("/api/v1/trades", tradeBody("10.00", "b1")), 401, "Authorization", "");

        // Insufficient balance: raise the limit so the ledger is what refuses.
        const HttpResult put = b.request("PUT", "/api/v1/admin/markets/OTC_EUR_USD", R"({"max_stake":"50000.00"})",
                                         "application/json", b.operatorToken());
        CPPUNIT_ASSERT_EQUAL_MESSAGE(put.body, 200, put.status);
        refused(post(tradeBody("10000.01", "b2")), 422, "insufficient available balance", "stake");
        // A refused order id is not burnt: the same id works once the request is valid.
        CPPUNIT_ASSERT_EQUAL(201, post(tradeBody("10.00", "b1")).status);
        assertLedgerVerifies(b);
    }

    void testUsersAreIsolated() {
        BourseProcess b(configYaml());
        const std::string alice = b.userToken("alice@bourse.test"), mallory = b.userToken("mallory@bourse.test");
        waitForLivePrices(b);
        const HttpResult placed = b.post("/api/v1/trades", tradeBody("10.00", "a-1", 60), alice);
        CPPUNIT_ASSERT_EQUAL(201, placed.status);
        const std::string id = placed.json()->getValue<std::string>("id");
        assertProblem(b.get("/api/v1/trades/" + id, mallory), 404, "no trade");
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), b.get("/api/v1/trades", mallory).json()->getArray("trades")->size());
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), b.get("/api/v1/trades", alice).json()->getArray("trades")->size());
        // The same client_order_id is independent per user.
        CPPUNIT_ASSERT_EQUAL(201, b.post("/api/v1/trades", tradeBody("10.00", "a-1", 60), mallory).status);
        CPPUNIT_ASSERT_EQUAL(std::string("9990.00"), wallet(b, mallory).available);
        CPPUNIT_ASSERT_EQUAL(std::string("9990.00"), wallet(b, alice).available);
        // A user's own events arrive on the stream after auth; nobody else's do.
        auto ws = b.openStream();
        sendText(*ws, R"({"op":"auth","token":")" + alice + R"("})");
        CPPUNIT_ASSERT(receiveType(*ws, "authenticated"));
        sendText(*ws, R"({"op":"subscribe","channel":"trades"})");
        CPPUNIT_ASSERT(receiveType(*ws, "subscribed"));
        CPPUNIT_ASSERT_EQUAL(201, b.post("/api/v1/trades", tradeBody("10.00", "m-2", 60), mallory).status);
        CPPUNIT_ASSERT_EQUAL(201, b.post("/api/v1/trades", tradeBody("10.00", "a-2", 60), alice).status);
        const auto event = receiveType(*ws, "trade.opened");
        CPPUNIT_ASSERT(event);
        CPPUNIT_ASSERT_EQUAL(std::string("a-2"), event->getObject("trade")->getValue<std::string>("client_order_id"));
    }

    void testTokensRotateAndLockout() {
        BourseProcess b(configYaml());
        const std::string creds = R"({"email":"carol@bourse.test","password":"Blue-Window-77"})";
        CPPUNIT_ASSERT_EQUAL(201, b.post("/api/v1/auth/register",
                                         R"({"email":"carol@bourse.test","password":"Blue-Window-77","name":"Carol"})")
                                      .status);
        assertProblem(
            b.post("/api/v1/auth/register", R"({"email":"carol@bourse.test","password":"Blue-Window-77","name":"C"})"),
            409, "already exists", "email");
        assertProblem(b.post("/api/v1/auth/register", R"({"email":"dave@bourse.test","password":"short","name":"D"})"),
                      400, "at least 10 characters", "password");
        assertProblem(
            b.post("/api/v1/auth/register", R"({"email":"not-an-email","password":"Blue-Window-77","name":"D"})"), 400,
            "not a valid e-mail", "email");

        const auto first = b.post("/api/v1/auth/login", creds).json();
        const std::string refresh1 = first->getValue<std::string>("refresh_token");
        const HttpResult rotated = b.post("/api/v1/auth/refresh", R"({"refresh_token":")" + refresh1 + R"("})");
        CPPUNIT_ASSERT_EQUAL(200, rotated.status);
        const std::string refresh2 = rotated.json()->getValue<std::string>("refresh_token");
        CPPUNIT_ASSERT(refresh2 != refresh1);
        CPPUNIT_ASSERT_EQUAL(200, b.get("/api/v1/me", rotated.json()->getValue<std::string>("access_token")).status);
        // Replaying a spent refresh token revokes the whole family, the new one included.
        assertProblem(b.post("/api/v1/auth/refresh", R"({"refresh_token":")" + refresh1 + R"("})"), 401,
                      "already used");
        assertProblem(b.post("/api/v1/auth/refresh", R"({"refresh_token":")" + refresh2 + R"("})"), 401,
                      "already used");
        // Logout revokes.
        const std::string refresh3 = b.post("/api/v1/auth/login", creds).json()->getValue<std::string>("refresh_token");
        const HttpResult out = b.post("/api/v1/auth/logout", R"({"refresh_token":")" + refresh3 + R"("})");
        CPPUNIT_ASSERT_EQUAL(204, out.status);
        assertProblem(b.post("/api/v1/auth/refresh", R"({"refresh_token":")" + refresh3 + R"("})"), 401, "");

        // Five wrong passwords lock the account; then even the right one waits.
        for (int i = 0; i < 5; ++i)
            assertProblem(b.post("/api/v1/auth/login", R"({"email":"carol@bourse.test","password":"wrong-guess-xx"})"),
                          401, "invalid e-mail or password");
        assertProblem(b.post("/api/v1/auth/login", creds), 429, "account locked");
        // An unknown e-mail gets the same answer as a wrong password.
        assertProblem(b.post("/api/v1/auth/login", R"({"email":"nobody@bourse.test","password":"whatever-1234"})"), 401,
                      "invalid e-mail or password");
    }

    void testTradeListFiltersAndPages() {
        BourseProcess b(configYaml());
        waitForLivePrices(b);
        const std::string token = b.userToken("lena@bourse.test");
        for (int i = 0; i < 3; ++i)
            CPPUNIT_ASSERT_EQUAL(
                201, b.post("/api/v1/trades", tradeBody("1.00", "e" + std::to_string(i), 60), token).status);
        for (int i = 0; i < 2; ++i)
            CPPUNIT_ASSERT_EQUAL(
                201, b.post("/api/v1/trades", tradeBody("1.00", "g" + std::to_string(i), 60, "DOWN", "OTC_GOLD"), token)
                         .status);
        const auto count = [&](const std::string& query) {
            const HttpResult r = b.get("/api/v1/trades?" + query, token);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 200, r.status);
            return r.json()->getArray("trades")->size();
        };
        CPPUNIT_ASSERT_EQUAL(std::size_t(5), count(""));
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), count("symbol=OTC_GOLD"));
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), count("status=OPEN&symbol=OTC_EUR_USD"));
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), count("status=WON"));
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), count("symbol=NOPE"));
        // Pages of two, newest first, until next_cursor is null: every trade once.
        std::set<std::string> seen;
        std::string cursor;
        for (int page = 0; page < 5; ++page) {
            const auto r = b.get("/api/v1/trades?limit=2" + (cursor.empty() ? "" : "&cursor=" + cursor), token).json();
            const auto trades = r->getArray("trades");
            for (std::size_t i = 0; i < trades->size(); ++i)
                seen.insert(trades->getObject(static_cast<unsigned>(i))->getValue<std::string>("id"));
            if (r->isNull("next_cursor")) break;
            cursor = r->getValue<std::string>("next_cursor");
        }
        CPPUNIT_ASSERT_EQUAL(std::size_t(5), seen.size());
        assertProblem(b.get("/api/v1/trades?status=MAYBE", token), 400, "status must be", "status");
        // Another user sees none of them.
        CPPUNIT_ASSERT_EQUAL(std::size_t(0),
                             b.get("/api/v1/trades", b.userToken("mo@bourse.test")).json()->getArray("trades")->size());
    }

    void testTradingRulesArePublicAndFollowTheOperator() {
        BourseProcess b(configYaml());
        // Public (the trade panel reads it before sign-in), and reading it audits nothing.
        const auto auditBefore = b.adminGet("/api/v1/admin/audit?limit=500").json()->getArray("entries")->size();
        const HttpResult r = b.get("/api/v1/trading/rules");
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 200, r.status);
        const auto rules = r.json();
        CPPUNIT_ASSERT_EQUAL(std::string("USD"), rules->getValue<std::string>("currency"));
        CPPUNIT_ASSERT(rules->getObject("defaults")->getValue<bool>("enabled"));
        CPPUNIT_ASSERT(rules->getObject("defaults")->getArray("durations")->size() > 0);
        CPPUNIT_ASSERT_EQUAL(auditBefore,
                             b.adminGet("/api/v1/admin/audit?limit=500").json()->getArray("entries")->size());
        // An operator closes a market: the public rules say so, and trading it is refused.
        const HttpResult put =
            b.request("PUT", "/api/v1/admin/markets/OTC_GOLD", R"({"enabled":false,"payout_percent":"70"})",
                      "application/json", b.operatorToken());
        CPPUNIT_ASSERT_EQUAL_MESSAGE(put.body, 200, put.status);
        const auto gold = b.get("/api/v1/trading/rules").json()->getObject("markets")->getObject("OTC_GOLD");
        CPPUNIT_ASSERT(!gold->getValue<bool>("enabled"));
        CPPUNIT_ASSERT_EQUAL(std::string("70"), gold->getValue<std::string>("payout_percent"));
        const HttpResult refused =
            b.post("/api/v1/trades",
                   R"({"symbol":"OTC_GOLD","direction":"UP","stake":"1.00","duration":5,"client_order_id":"g1"})",
                   b.userToken("gail@bourse.test"));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(refused.body, 422, refused.status);
    }

    void testOperatorActions() {
        BourseProcess b(configYaml());
        const std::string token = b.userToken("erin@bourse.test");
        const std::string userId = b.get("/api/v1/me", token).json()->getValue<std::string>("id");
        const std::string op = b.operatorToken();
        const auto users = b.get("/api/v1/admin/users?q=erin", op).json()->getArray("users");
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), users->size());
        CPPUNIT_ASSERT_EQUAL(userId, users->getObject(0)->getValue<std::string>("id"));

        assertProblem(b.post("/api/v1/admin/users/" + userId + "/adjust-balance", R"({"amount":"25.50"})", op), 400,
                      "reason: is required", "reason");
        assertProblem(b.post("/api/v1/admin/users/" + userId + "/adjust-balance",
                             R"({"amount":"-99999.00","reason":"too much"})", op),
                      409, "smaller than the debit", "amount");
        CPPUNIT_ASSERT_EQUAL(std::string("10000.00"), wallet(b, token).available);
        CPPUNIT_ASSERT_EQUAL(200, b.post("/api/v1/admin/users/" + userId + "/adjust-balance",
                                         R"({"amount":"25.50","reason":"goodwill credit"})", op)
                                      .status);
        CPPUNIT_ASSERT_EQUAL(std::string("10025.50"), wallet(b, token).available);
        CPPUNIT_ASSERT(contains(b.get("/api/v1/admin/audit", op).body, "goodwill credit"));

        const auto stats = b.get("/api/v1/admin/stats", op).json();
        CPPUNIT_ASSERT_EQUAL(1, stats->getValue<int>("users"));
        CPPUNIT_ASSERT_EQUAL(std::string("0.00"), stats->getValue<std::string>("house_pnl"));

        const auto markets = b.get("/api/v1/admin/markets", op).json();
        CPPUNIT_ASSERT_EQUAL(std::string("80"),
                             markets->getObject("defaults")->getValue<std::string>("payout_percent"));
        assertProblem(
            b.request("PUT", "/api/v1/admin/markets/OTC_EUR_USD", R"({"payout_percent":900})", "application/json", op),
            400, "payout_percent: must be between 1 and 500");

        CPPUNIT_ASSERT_EQUAL(200, b.post("/api/v1/admin/users/" + userId + "/disable", "", op).status);
        assertProblem(b.get("/api/v1/wallet", token), 403, "disabled");
        assertProblem(b.post("/api/v1/admin/users/" + userId + "/disable", "", token), 403, "");
        assertLedgerVerifies(b);
    }

    void testSimultaneousFullBalanceTrades() {
        // The seed design let 12 of 20 simultaneous full-balance trades through.
        BourseProcess b(configYaml("        max_stake: \"10000.00\"\n"));
        const std::string token = b.userToken("frank@bourse.test");
        waitForLivePrices(b);
        std::atomic<int> created{0}, refused{0};
        std::mutex mutex;
        std::string unexpected;
        std::vector<std::thread> threads;
        for (int i = 0; i < 20; ++i)
            threads.emplace_back([&, i] {
                const HttpResult r =
                    b.post("/api/v1/trades", tradeBody("10000.00", "all-in-" + std::to_string(i), 60), token);
                if (r.status == 201)
                    ++created;
                else if (r.status == 422)
                    ++refused;
                else {
                    std::lock_guard lock(mutex);
                    unexpected += std::to_string(r.status) + " " + r.body + "\n";
                }
            });
        for (auto& t : threads)
            t.join();
        if (!unexpected.empty()) CPPUNIT_FAIL(unexpected + b.errorLines());
        CPPUNIT_ASSERT_EQUAL(1, created.load());
        CPPUNIT_ASSERT_EQUAL(19, refused.load());
        const Wallet w = wallet(b, token);
        CPPUNIT_ASSERT_EQUAL(std::string("0.00"), w.available);
        CPPUNIT_ASSERT_EQUAL(std::string("10000.00"), w.locked);
        assertLedgerVerifies(b);
    }

    void testOpenLimitHoldsUnderConcurrency() {
        // The limit is checked in the transaction that opens, so twelve orders at
        // once cannot all see room for themselves.
        BourseProcess b(configYaml());
        const std::string token = b.userToken("olga@bourse.test");
        waitForLivePrices(b);
        const HttpResult put = b.request("PUT", "/api/v1/admin/markets/OTC_EUR_USD", R"({"max_open_per_user":3})",
                                         "application/json", b.operatorToken());
        CPPUNIT_ASSERT_EQUAL_MESSAGE(put.body, 200, put.status);
        std::vector<HttpResult> results(12);
        std::vector<std::thread> threads;
        for (int i = 0; i < 12; ++i)
            threads.emplace_back([&, i] {
                results[static_cast<std::size_t>(i)] =
                    b.post("/api/v1/trades", tradeBody("10.00", "limit-" + std::to_string(i), 2), token);
            });
        for (auto& t : threads)
            t.join();
        std::vector<std::string> opened;
        for (std::size_t i = 0; i < results.size(); ++i) {
            if (results[i].status == 201) {
                opened.push_back("limit-" + std::to_string(i));
                continue;
            }
            assertProblem(results[i], 422, "trades: at most 3 open trades at a time", "trades");
        }
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), opened.size());
        CPPUNIT_ASSERT_EQUAL(std::string("9970.00"), wallet(b, token).available);
        CPPUNIT_ASSERT_EQUAL(std::string("30.00"), wallet(b, token).locked);

        // At the limit, a retry of an accepted order still answers with its trade and moves nothing.
        const HttpResult again = b.post("/api/v1/trades", tradeBody("10.00", opened.front(), 2), token);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(again.body, 200, again.status);
        CPPUNIT_ASSERT_EQUAL(std::string("9970.00"), wallet(b, token).available);

        // Settled trades free their places.
        const auto list = b.get("/api/v1/trades?status=OPEN", token).json()->getArray("trades");
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), list->size());
        for (std::size_t i = 0; i < list->size(); ++i)
            waitSettled(b, token, list->getObject(static_cast<unsigned>(i))->getValue<std::string>("id"));
        const HttpResult next = b.post("/api/v1/trades", tradeBody("10.00", "limit-after", 2), token);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(next.body, 201, next.status);
        assertLedgerVerifies(b);
    }

    void testProductsBuiltBeforeAbi14StillGetTheOpenCount() {
        // A product compiled against ABI 1.3 enforces its own limit from
        // user_open_positions; the host keeps counting for it.
        BourseProcess b(
            "data_dir: DATA_DIR\nserver: { host: 127.0.0.1, port: 0 }\n"
            "trading: { settle_interval_ms: 20, binary_product: legacy-product }\n"
            "security: { auth_rate_per_minute: 100000 }\n"
            "plugin_dirs: [BUILD_DIR/lib/bourse/plugins, BUILD_DIR/test-plugins]\nplugins:" +
            otcPluginYaml(50) + "\n  - id: legacy-product\n    library: good-legacy-product\n");
        const std::string token = b.userToken("lena@bourse.test");
        waitForLivePrices(b);
        for (const char* coid : {"old-1", "old-2"}) {
            const HttpResult r = b.post("/api/v1/trades", tradeBody("5.00", coid, 60), token);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 201, r.status);
        }
        assertProblem(b.post("/api/v1/trades", tradeBody("5.00", "old-3", 60), token), 422,
                      "trades: the legacy product allows 2 open trades");
        CPPUNIT_ASSERT_EQUAL(std::string("9990.00"), wallet(b, token).available);
        assertLedgerVerifies(b);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(MoneyFlowTest);
