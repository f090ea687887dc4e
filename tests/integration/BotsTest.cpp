// Trading bots over HTTP against the real kernel (both backends): DCA and grid
// bots in paper mode on a scripted price (the test source publishes exactly the
// prices the test asks for). Preview, create (idempotent, capital reserved),
// start, fills at the prices crossed, take profit, stop with and without
// closing, bad input and insufficient funds refused with nothing changed,
// another user's bot invisible, kill -9 in the middle of a deal and restart
// without a lost or duplicated order — and `bourse ledger verify` after each.
#include "Assertions.h"
#include "BourseProcess.h"

#include <Poco/JSON/Array.h>

#include <cppunit/extensions/HelperMacros.h>

using namespace bourse::test;

namespace {

/// A gauge or counter of the process's /metrics (-1 when absent).
std::int64_t metric(const BourseProcess& b, const std::string& name) {
    const std::string metrics = b.get("/metrics").body;
    const auto at = metrics.find("\n" + name + " ");
    if (at == std::string::npos) return -1;
    return std::stoll(metrics.substr(at + name.size() + 2));
}

std::string configYaml(const std::string& trading = "") {
    return "data_dir: DATA_DIR\nserver: { host: 127.0.0.1, port: 0 }\n" + trading +
           "security: { auth_rate_per_minute: 100000, api_rate_per_minute: 100000 }\n"
           "plugin_dirs: [BUILD_DIR/lib/bourse/plugins, BUILD_DIR/test-plugins]\nplugins:\n"
           "  - { id: test-source, library: good-test-source, config: { scripted: true, base_asset: TST, "
           "price_in_start: \"100.00\" } }\n"
           "  - { id: dca-bot, library: bourse-plugin-dca-bot }\n"
           "  - { id: grid-bot, library: bourse-plugin-grid-bot }\n";
}

void publish(const BourseProcess& b, const std::string& price) {
    const auto r = b.adminPost("/api/v1/admin/plugins/test-source/commands/publish", R"({"price":")" + price + "\"}");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 200, r.status);
}

const std::string kDcaParams =
    R"({"base_order_size":"10.00","safety_order_size":"20.00","max_safety_orders":3,"price_deviation":"1",)"
    R"("step_scale":"2","volume_scale":"2","take_profit":"1.5"})";

std::string dcaBody(const std::string& clientOrderId, const std::string& params = kDcaParams) {
    return R"({"product":"dca-bot","symbol":"TEST_A","name":"dca test","client_order_id":")" + clientOrderId +
           R"(","params":)" + params + "}";
}

Poco::JSON::Object::Ptr details(const BourseProcess& b, const std::string& token, const std::string& id) {
    const auto r = b.get("/api/v1/bots/" + id, token);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 200, r.status);
    return r.json();
}

/// Orders of the bot in `status` ("" for all).
std::size_t ordersIn(const Poco::JSON::Object::Ptr& bot, const std::string& status = "") {
    std::size_t n = 0;
    const auto orders = bot->getArray("orders");
    for (std::size_t i = 0; i < orders->size(); ++i)
        if (status.empty() || orders->getObject(static_cast<unsigned>(i))->getValue<std::string>("status") == status)
            ++n;
    return n;
}

/// Fills that executed something (a cancel's end report has quantity 0).
std::size_t executions(const Poco::JSON::Object::Ptr& bot) {
    std::size_t n = 0;
    const auto fills = bot->getArray("fills");
    for (std::size_t i = 0; i < fills->size(); ++i)
        if (fills->getObject(static_cast<unsigned>(i))->getValue<std::string>("qty") != "0.00") ++n;
    return n;
}

Poco::JSON::Object::Ptr act(const BourseProcess& b, const std::string& token, const std::string& id,
                            const std::string& action, const std::string& body = "") {
    const auto r = b.post("/api/v1/bots/" + id + "/" + action, body, token);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 200, r.status);
    return r.json();
}

}  // namespace

class BotsTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(BotsTest);
    CPPUNIT_TEST(previewShowsTheLadderAndRefusesBadInput);
    CPPUNIT_TEST(dcaDealRunsToTakeProfitAndStopReturnsTheMoney);
    CPPUNIT_TEST(insufficientBalanceChangesNothing);
    CPPUNIT_TEST(backtestOverCsvAndItsBadInput);
    CPPUNIT_TEST(botsPerUserAreLimited);
    CPPUNIT_TEST(killedMidDealResumesWithoutLostOrDuplicateOrders);
    CPPUNIT_TEST(hotReloadMidDealLosesNothing);
    CPPUNIT_TEST(gridBuysLowSellsHighAndCountsGridProfit);
    CPPUNIT_TEST_SUITE_END();

public:
    void previewShowsTheLadderAndRefusesBadInput() {
        ScratchDir dir;
        BourseProcess b(configYaml(), dir.path());
        const std::string token = b.userToken("preview@bots.test");
        publish(b, "100.00");
        auto r = b.post("/api/v1/bots/preview", dcaBody("p1"), token);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 200, r.status);
        const auto p = r.json();
        // The ladder's 150.00 plus the paper venue's 0.10 % fee on every order of it.
        CPPUNIT_ASSERT_EQUAL(std::string("150.15"), p->getValue<std::string>("capital"));
        CPPUNIT_ASSERT_EQUAL(std::string("USD"), p->getValue<std::string>("currency"));
        // bots.md's worked example: SO1 at 99, SO2 at 97, SO3 at 93 from a base price of 100.
        const auto orders = p->getObject("preview")->getArray("orders");
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, std::size_t(4), orders->size());
        CPPUNIT_ASSERT(contains(orders->getObject(1)->getValue<std::string>("price"), "99.0"));
        CPPUNIT_ASSERT(contains(orders->getObject(2)->getValue<std::string>("price"), "97.0"));
        CPPUNIT_ASSERT(contains(orders->getObject(3)->getValue<std::string>("price"), "93.0"));

        // Bad input: named fields, nothing stored.
        assertProblem(b.post("/api/v1/bots/preview",
                             R"({"product":"dca-bot","symbol":"TEST_A","params":{"pair":{"tick_size":"1"}}})", token),
                      400, "set by the platform", "params.pair");
        assertProblem(b.post("/api/v1/bots/preview", R"({"product":"nope","symbol":"TEST_A","params":{}})", token), 400,
                      "no bot product", "product");
        assertProblem(b.post("/api/v1/bots/preview", R"({"product":"dca-bot","symbol":"NOPE","params":{}})", token),
                      400, "unknown symbol", "symbol");
        assertProblem(b.post("/api/v1/bots/preview", R"({"product":"dca-bot","symbol":"TEST_A","params":[]})", token),
                      400, "params", "params");
        assertProblem(b.post("/api/v1/bots/preview",
                             R"({"product":"dca-bot","symbol":"TEST_A","params":{},"venue":"kraken"})", token),
                      400, "venue: \"paper\" or \"binance\"", "venue");
        // This server has no live venue configured.
        assertProblem(
            b.post("/api/v1/bots",
                   R"({"product":"dca-bot","symbol":"TEST_A","venue":"binance","params":)" + kDcaParams + "}", token),
            400, "live trading on Binance is not configured", "venue");
        r = b.post("/api/v1/bots", dcaBody("bad", R"({"base_order_size":"-5.00"})"), token);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 400, r.status);
        assertProblem(b.post("/api/v1/bots", R"({"product":"dca-bot","symbol":"TEST_A","params":{},"extra":1})", token),
                      400, "extra", "extra");
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), b.get("/api/v1/bots", token).json()->getArray("bots")->size());
        CPPUNIT_ASSERT_EQUAL(std::string("10000.00"), wallet(b, token).available);
        assertLedgerVerifies(b);
    }

    void dcaDealRunsToTakeProfitAndStopReturnsTheMoney() {
        ScratchDir dir;
        BourseProcess b(configYaml(), dir.path());
        const std::string token = b.userToken("dca@bots.test");
        const std::string other = b.userToken("other@bots.test");
        publish(b, "100.00");
        auto r = b.post("/api/v1/bots", dcaBody("dca-1"), token);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 201, r.status);
        const std::string id = r.json()->getValue<std::string>("id");
        CPPUNIT_ASSERT_EQUAL(std::string("created"), r.json()->getValue<std::string>("status"));
        CPPUNIT_ASSERT_EQUAL(std::string("9849.85"), wallet(b, token).available);
        // The same client_order_id again: the same bot, nothing reserved twice.
        r = b.post("/api/v1/bots", dcaBody("dca-1"), token);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 200, r.status);
        CPPUNIT_ASSERT_EQUAL(id, r.json()->getValue<std::string>("id"));
        CPPUNIT_ASSERT_EQUAL(std::string("9849.85"), wallet(b, token).available);
        // Another user cannot see or act on it.
        CPPUNIT_ASSERT_EQUAL(404, b.get("/api/v1/bots/" + id, other).status);
        CPPUNIT_ASSERT_EQUAL(404, b.post("/api/v1/bots/" + id + "/start", "", other).status);

        // Start: the base order buys at once at the price in force.
        CPPUNIT_ASSERT_EQUAL(std::string("running"), act(b, token, id, "start")->getValue<std::string>("status"));
        auto bot = details(b, token, id);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(bot->get("orders").toString(), std::size_t(1), ordersIn(bot, "filled"));
        CPPUNIT_ASSERT_MESSAGE(bot->get("orders").toString(), ordersIn(bot, "open") >= 1);  // SO1 (and TP) resting
        CPPUNIT_ASSERT(cents(bot->getObject("balances")->getValue<std::string>("base")) > 0);
        // Starting twice is refused.
        assertProblem(b.post("/api/v1/bots/" + id + "/start", "", token), 409, "created", "status");

        // The price falls through SO1 (99): it fills; then rises past the take profit.
        publish(b, "98.90");
        CPPUNIT_ASSERT(eventually([&] { return ordersIn(details(b, token, id), "filled") >= 2; }));
        publish(b, "103.00");
        CPPUNIT_ASSERT(eventually([&] {
            const auto s = details(b, token, id)->getObject("summary");
            return s->optValue<int>("closed_deals", 0) >= 1;
        }));
        bot = details(b, token, id);
        CPPUNIT_ASSERT_MESSAGE(bot->getObject("summary")->get("realized_pnl").toString(),
                               cents(bot->getObject("summary")->getValue<std::string>("realized_pnl")) > 0);
        CPPUNIT_ASSERT(bot->getArray("fills")->size() >= 3);
        CPPUNIT_ASSERT(bot->getArray("equity_history")->size() >= 1);
        assertLedgerVerifies(b);

        // Pause, resume, then stop and sell what it holds: the money is back with the owner.
        CPPUNIT_ASSERT_EQUAL(std::string("paused"), act(b, token, id, "pause")->getValue<std::string>("status"));
        CPPUNIT_ASSERT_EQUAL(std::string("running"), act(b, token, id, "resume")->getValue<std::string>("status"));
        act(b, token, id, "stop", R"({"close":true})");
        CPPUNIT_ASSERT(eventually([&] { return details(b, token, id)->getValue<std::string>("status") == "stopped"; }));
        bot = details(b, token, id);
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), ordersIn(bot, "open"));
        CPPUNIT_ASSERT_EQUAL(std::string("0.00"), bot->getObject("balances")->getValue<std::string>("quote"));
        CPPUNIT_ASSERT_EQUAL(std::string("0.00"), bot->getObject("balances")->getValue<std::string>("base"));
        // A winning deal and a closing sale: more than was put in, less than put in + 150.
        const long long available = cents(wallet(b, token).available);
        CPPUNIT_ASSERT_MESSAGE(wallet(b, token).available, available > 1000000 - 150 * 100);
        CPPUNIT_ASSERT(available < 1000000 + 150 * 100);
        CPPUNIT_ASSERT_EQUAL(std::string("0.00"), wallet(b, token, "TST").available);
        // Deleted, it leaves the list.
        const auto del = b.request("DELETE", "/api/v1/bots/" + id, "", "application/json", token);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(del.body, 204, del.status);
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), b.get("/api/v1/bots", token).json()->getArray("bots")->size());
        assertLedgerVerifies(b);
    }

    void insufficientBalanceChangesNothing() {
        ScratchDir dir;
        BourseProcess b(configYaml(), dir.path());
        const std::string token = b.userToken("poor@bots.test");
        publish(b, "100.00");
        // 10,000 × 2^0..: a ladder needing more than the 10,000.00 demo balance.
        const std::string big =
            R"({"base_order_size":"5000.00","safety_order_size":"5000.00","max_safety_orders":2,"price_deviation":"1",)"
            R"("step_scale":"1","volume_scale":"1","take_profit":"1"})";
        assertProblem(b.post("/api/v1/bots", dcaBody("big", big), token), 422, "more than your available balance",
                      "capital");
        CPPUNIT_ASSERT_EQUAL(std::string("10000.00"), wallet(b, token).available);
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), b.get("/api/v1/bots", token).json()->getArray("bots")->size());
        assertLedgerVerifies(b);
    }

    void backtestOverCsvAndItsBadInput() {
        ScratchDir dir;
        BourseProcess b(configYaml(), dir.path());
        const std::string token = b.userToken("backtest@bots.test");
        publish(b, "100.00");
        // Down through SO1 (99) and back above the take profit: one deal closes with a profit.
        const std::string csv =
            "ts,open,high,low,close\n1700000000,100.00,100.00,100.00,100.00\n"
            "1700000060,100.00,100.00,98.50,98.80\n1700000120,98.80,102.50,98.80,102.00\n";
        std::string body = R"({"product":"dca-bot","symbol":"TEST_A","params":)" + kDcaParams + R"(,"csv":")";
        for (char ch : csv)
            body += ch == '\n' ? std::string("\\n") : std::string(1, ch);
        body += "\"}";
        const auto r = b.post("/api/v1/bots/backtest", body, token);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 200, r.status);
        const auto result = r.json();
        CPPUNIT_ASSERT_EQUAL(3, result->getValue<int>("candles"));
        CPPUNIT_ASSERT_MESSAGE(r.body, result->getArray("deals")->size() >= 1);
        CPPUNIT_ASSERT_MESSAGE(r.body, cents(result->getValue<std::string>("pnl")) > 0);
        CPPUNIT_ASSERT(result->getArray("equity")->size() >= 1);
        // A malformed row names its line; nothing is stored and no money moves.
        const std::string bad = R"({"product":"dca-bot","symbol":"TEST_A","params":)" + kDcaParams +
                                R"(,"csv":"1700000000,100.00,abc,99.00,100.00"})";
        assertProblem(b.post("/api/v1/bots/backtest", bad, token), 400, "line 1", "csv");
        assertProblem(
            b.post("/api/v1/bots/backtest",
                   R"({"product":"dca-bot","symbol":"TEST_A","params":)" + kDcaParams + R"(,"interval":"2m"})", token),
            400, "interval", "interval");
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), b.get("/api/v1/bots", token).json()->getArray("bots")->size());
        CPPUNIT_ASSERT_EQUAL(std::string("10000.00"), wallet(b, token).available);
    }

    void botsPerUserAreLimited() {
        ScratchDir dir;
        BourseProcess b(configYaml("trading: { max_bots_per_user: 1 }\n"), dir.path());
        const std::string token = b.userToken("many@bots.test");
        publish(b, "100.00");
        const auto first = b.post("/api/v1/bots", dcaBody("one"), token);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(first.body, 201, first.status);
        assertProblem(b.post("/api/v1/bots", dcaBody("two"), token), 409, "at most 1 bots");
        CPPUNIT_ASSERT_EQUAL(std::string("9849.85"), wallet(b, token).available);  // the first bot only
        // A stopped bot no longer counts.
        act(b, token, first.json()->getValue<std::string>("id"), "stop");
        const auto again = b.post("/api/v1/bots", dcaBody("two"), token);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(again.body, 201, again.status);
        assertLedgerVerifies(b);
    }

    void killedMidDealResumesWithoutLostOrDuplicateOrders() {
        ScratchDir dir;
        std::string id, token;
        std::size_t ordersBefore = 0;
        {
            BourseProcess b(configYaml(), dir.path());
            token = b.userToken("crash@bots.test");
            publish(b, "100.00");
            const auto r = b.post("/api/v1/bots", dcaBody("crash-1"), token);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 201, r.status);
            id = r.json()->getValue<std::string>("id");
            act(b, token, id, "start");
            ordersBefore = details(b, token, id)->getArray("orders")->size();
            CPPUNIT_ASSERT(ordersBefore >= 2);
            b.kill();
        }
        BourseProcess b(configYaml(), dir.path());
        // The bot is still running after the restart, with the same orders.
        auto bot = details(b, token, id);
        CPPUNIT_ASSERT_EQUAL(std::string("running"), bot->getValue<std::string>("status"));
        CPPUNIT_ASSERT_EQUAL(ordersBefore, bot->getArray("orders")->size());
        // A price at the same level makes no new decisions and no duplicates.
        publish(b, "100.00");
        publish(b, "100.00");
        CPPUNIT_ASSERT_EQUAL(ordersBefore, details(b, token, id)->getArray("orders")->size());
        // SO1 still rests on the book after the restart and fills once.
        publish(b, "98.90");
        CPPUNIT_ASSERT(eventually([&] { return ordersIn(details(b, token, id), "filled") == 2; }));
        publish(b, "98.80");
        bot = details(b, token, id);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), ordersIn(bot, "filled"));
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), executions(bot));
        assertLedgerVerifies(b);
    }

    void hotReloadMidDealLosesNothing() {
        ScratchDir dir;
        BourseProcess b(configYaml(), dir.path());
        const std::string token = b.userToken("reload@bots.test");
        publish(b, "100.00");
        const auto r = b.post("/api/v1/bots", dcaBody("reload-1"), token);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 201, r.status);
        const std::string id = r.json()->getValue<std::string>("id");
        act(b, token, id, "start");
        const std::size_t ordersBefore = details(b, token, id)->getArray("orders")->size();
        // The product is swapped for a fresh instance in the middle of the deal: the
        // new one knows the bot only from its saved state.
        const auto reload = b.adminPost("/api/v1/admin/plugins/dca-bot/reload");
        CPPUNIT_ASSERT_EQUAL_MESSAGE(reload.body, 200, reload.status);
        publish(b, "100.00");
        CPPUNIT_ASSERT_EQUAL(ordersBefore, details(b, token, id)->getArray("orders")->size());
        publish(b, "98.90");
        CPPUNIT_ASSERT(eventually([&] { return ordersIn(details(b, token, id), "filled") == 2; }));
        publish(b, "103.00");
        CPPUNIT_ASSERT(eventually(
            [&] { return details(b, token, id)->getObject("summary")->optValue<int>("closed_deals", 0) == 1; }));
        const auto bot = details(b, token, id);
        CPPUNIT_ASSERT_EQUAL(std::string("running"), bot->getValue<std::string>("status"));
        // Base, SO1, take profit (and the next deal's base): each executed exactly once.
        CPPUNIT_ASSERT(ordersIn(bot, "filled") >= 3);
        CPPUNIT_ASSERT_EQUAL(ordersIn(bot, "filled"), executions(bot));
        assertLedgerVerifies(b);
    }

    void gridBuysLowSellsHighAndCountsGridProfit() {
        ScratchDir dir;
        BourseProcess b(configYaml(), dir.path());
        const std::string token = b.userToken("grid@bots.test");
        publish(b, "100.00");
        const std::string body =
            R"({"product":"grid-bot","symbol":"TEST_A","client_order_id":"g1","params":{"lower":"90.00",)"
            R"("upper":"110.00","grid_count":4,"spacing":"arithmetic","investment":"1000.00"}})";
        auto r = b.post("/api/v1/bots/preview", body, token);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 200, r.status);
        const auto lines = r.json()->getObject("preview")->getArray("lines");
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, std::size_t(5), lines->size());
        CPPUNIT_ASSERT(contains(lines->get(1).toString(), "95"));
        r = b.post("/api/v1/bots", body, token);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 201, r.status);
        const std::string id = r.json()->getValue<std::string>("id");
        act(b, token, id, "start");
        CPPUNIT_ASSERT(eventually([&] { return ordersIn(details(b, token, id), "open") >= 3; }));
        // Its orders resting, the grid sleeps through prices that cannot matter to it
        // (ABI 1.5 position_sleep); its orders still fill while it sleeps.
        publish(b, "100.20");
        CPPUNIT_ASSERT(eventually([&] { return metric(b, "bourse_bots_sleeping") == 1; }));
        // Down through the 95 line (its buy fills), back up through 100 (the sell above it fills).
        publish(b, "94.90");
        CPPUNIT_ASSERT(eventually([&] { return ordersIn(details(b, token, id), "filled") >= 2; }));
        publish(b, "100.10");
        CPPUNIT_ASSERT(eventually([&] {
            const auto s = details(b, token, id)->getObject("summary");
            return s->has("grid_profit") && cents(s->getValue<std::string>("grid_profit")) > 0;
        }));
        assertLedgerVerifies(b);
        act(b, token, id, "stop", R"({"close":false})");
        CPPUNIT_ASSERT(eventually([&] { return details(b, token, id)->getValue<std::string>("status") == "stopped"; }));
        // Kept, not sold: the base asset is now in the owner's wallet.
        CPPUNIT_ASSERT(cents(wallet(b, token, "TST").available) > 0);
        assertLedgerVerifies(b);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(BotsTest);
