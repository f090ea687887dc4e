// Live bots on "Binance": the real kernel against the fake Binance (in this
// process), prices from its trade stream through the binance price source,
// orders sent signed with the user's stored API keys, executions back through
// the user-data stream. A DCA deal from base order to take profit; the
// exchange's refusals (insufficient balance, a filter, rate limit, timestamp
// outside recvWindow) and what each does to the bot; `bourse ledger verify` after each.
#include "Assertions.h"
#include "BourseProcess.h"
#include "binance/FakeBinance.h"

#include <Poco/JSON/Array.h>

#include <cppunit/extensions/HelperMacros.h>

#include <cstdlib>
#include <string>

using namespace bourse::test;
using bourse::fakes::FakeBinance;

namespace {

const char* kSecretsKey = "4f6e652d6b65792d666f722d6c6976652d626f74732d74657374732d30303031";

std::string configYaml(const FakeBinance& fake) {
    return "data_dir: DATA_DIR\nserver: { host: 127.0.0.1, port: 0 }\n"
           "security: { auth_rate_per_minute: 100000, api_rate_per_minute: 100000 }\n"
           "plugin_dirs: [BUILD_DIR/lib/bourse/plugins]\n"
           "market_data:\n  instruments:\n    BTCUSDT: { sources: [binance] }\n"
           "venues:\n  binance: { rest_url: " +
           fake.restUrl() + ", ws_api_url: " + fake.wsApiUrl() +
           ", recv_window_ms: 5000, timeout_ms: 3000 }\n"
           "plugins:\n"
           "  - id: binance\n"
           "    library: bourse-plugin-binance\n"
           "    config:\n"
           "      rest_url: " +
           fake.restUrl() + "\n      ws_url: " + fake.wsUrl() +
           "\n      symbols: [BTCUSDT]\n"
           "  - { id: dca-bot, library: bourse-plugin-dca-bot }\n"
           "  - { id: grid-bot, library: bourse-plugin-grid-bot }\n";
}

// 20 USDT at market, then safety orders of 30 and 60 USDT 1 % and 2 % lower; take profit 1 %.
std::string dcaBody(const std::string& clientOrderId = "live-1") {
    return R"({"product":"dca-bot","symbol":"BTCUSDT","venue":"binance","client_order_id":")" + clientOrderId +
           R"(","params":{"base_order_size":"20","safety_order_size":"30","max_safety_orders":2,)"
           R"("price_deviation":"1","step_scale":"1","volume_scale":"2","take_profit":"1"}})";
}

class SecretsKey {
public:
    SecretsKey() { ::setenv("BOURSE_SECRETS_KEY", kSecretsKey, 1); }
    ~SecretsKey() { ::unsetenv("BOURSE_SECRETS_KEY"); }
    SecretsKey(const SecretsKey&) = delete;
    SecretsKey& operator=(const SecretsKey&) = delete;
};

Poco::JSON::Object::Ptr details(const BourseProcess& b, const std::string& token, const std::string& id) {
    const auto r = b.get("/api/v1/bots/" + id, token);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 200, r.status);
    return r.json();
}

std::string orderStatus(const Poco::JSON::Object::Ptr& bot, const std::string& suffix) {
    const auto orders = bot->getArray("orders");
    for (std::size_t i = 0; i < orders->size(); ++i) {
        const auto o = orders->getObject(static_cast<unsigned>(i));
        const std::string id = o->getValue<std::string>("client_order_id");
        if (id.size() >= suffix.size() && id.compare(id.size() - suffix.size(), suffix.size(), suffix) == 0)
            return o->getValue<std::string>("status");
    }
    return "";
}

/// The server's secrets key set, and the fake Binance pricing BTCUSDT at 60000.
struct Exchange {
    SecretsKey key;
    FakeBinance fake;
    Exchange() { fake.setPrice("BTCUSDT", "60000"); }
};

/// A user with the fake account's keys stored, once Binance's 60000 reached the market.
std::string traderWithKeys(const BourseProcess& b) {
    const std::string token = b.userToken("live@bots.test");
    const auto r =
        b.request("PUT", "/api/v1/venues/binance/keys",
                  R"({"api_key":"fakeBinanceApiKey0001","secret":"fakeBinanceSecret0001"})", "application/json", token);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 200, r.status);
    CPPUNIT_ASSERT_MESSAGE(b.logs(), eventually([&] {
                               const auto m = market(b, "BTCUSDT");
                               return m && !m->isNull("last_price") &&
                                      m->getValue<std::string>("last_price") == "60000.00";
                           }));
    return token;
}

/// Creates the DCA bot on Binance; returns its id.
std::string createBot(const BourseProcess& b, const std::string& token, const std::string& clientOrderId = "live-1") {
    const auto r = b.post("/api/v1/bots", dcaBody(clientOrderId), token);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 201, r.status);
    CPPUNIT_ASSERT_EQUAL(std::string("binance"), r.json()->getValue<std::string>("venue"));
    return r.json()->getValue<std::string>("id");
}

}  // namespace

class LiveBotsTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(LiveBotsTest);
    CPPUNIT_TEST(dcaDealRunsOnTheExchangeWithSignedOrders);
    CPPUNIT_TEST(gridTradesOnTheExchangeAndSellsItsBaseOnStop);
    CPPUNIT_TEST(exchangeRefusalsPutTheBotInErrorWithItsMessage);
    CPPUNIT_TEST(rateLimitAndClockSkewAreWaitedOut);
    CPPUNIT_TEST(fillsWhileDownAreFoundOnRestart);
    CPPUNIT_TEST_SUITE_END();

public:
    void dcaDealRunsOnTheExchangeWithSignedOrders() {
        Exchange x;
        FakeBinance& fake = x.fake;
        BourseProcess b(configYaml(fake));
        const std::string token = traderWithKeys(b);
        const std::string id = createBot(b, token);
        // The money is on the exchange: the Bourse wallet neither moves nor shows it.
        CPPUNIT_ASSERT_EQUAL(std::string("10000.00"), wallet(b, token).available);
        const std::string walletBody = b.get("/api/v1/wallet", token).body;
        CPPUNIT_ASSERT_MESSAGE(walletBody, !contains(walletBody, "USDT"));

        const int ordersBefore = fake.ordersReceived();
        CPPUNIT_ASSERT_EQUAL(200, b.post("/api/v1/bots/" + id + "/start", "", token).status);
        // Base order bought at market on the exchange, safety order 1 resting there at 59400.
        CPPUNIT_ASSERT_MESSAGE(b.logs(), eventually([&] {
                                   const auto d = details(b, token, id);
                                   return orderStatus(d, "-b") == "filled" && orderStatus(d, "-s1") == "open";
                               }));
        CPPUNIT_ASSERT(fake.ordersReceived() > ordersBefore);
        CPPUNIT_ASSERT(fake.openOrders() >= 1);
        // On the exchange: 19.80 USDT spent on the base order (0.00033 BTC: quantities go
        // down to the lot step), 29.70 + 59.976 locked by the two safety orders.
        CPPUNIT_ASSERT_EQUAL(std::string("9890.52400000"), fake.freeBalance("fakeBinanceApiKey0001", "USDT"));

        // The price falls to the first safety order: the exchange fills it, the stream says so.
        fake.setPrice("BTCUSDT", "59400");
        CPPUNIT_ASSERT_MESSAGE(b.logs(),
                               eventually([&] { return orderStatus(details(b, token, id), "-s1") == "filled"; }));
        // Then up past the take profit (1 % over the average entry): the deal closes with a profit.
        fake.setPrice("BTCUSDT", "61000");
        CPPUNIT_ASSERT_MESSAGE(b.logs(),
                               eventually([&] { return orderStatus(details(b, token, id), "-t2") == "filled"; }));
        const auto d = details(b, token, id);
        const auto fills = d->getArray("fills");
        bool sawExchangeFill = false;
        for (std::size_t i = 0; i < fills->size(); ++i)
            sawExchangeFill |=
                fills->getObject(static_cast<unsigned>(i))->getValue<std::string>("id").rfind("binance:BTCUSDT:", 0) ==
                0;
        CPPUNIT_ASSERT_MESSAGE(d->getArray("fills")->size() > 0 ? "fills without the exchange's trade ids" : "",
                               sawExchangeFill);

        // Stop: what is left on the exchange is cancelled there; the mirror takes the holdings back.
        CPPUNIT_ASSERT_EQUAL(200, b.post("/api/v1/bots/" + id + "/stop", R"({"close":false})", token).status);
        CPPUNIT_ASSERT(eventually([&] { return details(b, token, id)->getValue<std::string>("status") == "stopped"; }));
        CPPUNIT_ASSERT(eventually([&] { return fake.openOrders() == 0; }));
        CPPUNIT_ASSERT_EQUAL(std::string("10000.00"), wallet(b, token).available);
        assertLedgerVerifies(b);
    }

    void gridTradesOnTheExchangeAndSellsItsBaseOnStop() {
        // Lines 59000, 59500, 60000, 60500, 61000 with the price at 60000: buys rest
        // below, the base for the sells above is bought at market on the exchange.
        Exchange x;
        FakeBinance& fake = x.fake;
        BourseProcess b(configYaml(fake));
        const std::string token = traderWithKeys(b);
        auto r = b.post("/api/v1/bots",
                        R"({"product":"grid-bot","symbol":"BTCUSDT","venue":"binance","client_order_id":"live-grid",)"
                        R"("params":{"lower":"59000","upper":"61000","grid_count":4,"spacing":"arithmetic",)"
                        R"("investment":"400"}})",
                        token);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 201, r.status);
        const std::string id = r.json()->getValue<std::string>("id");
        const double btcBefore = std::stod(fake.freeBalance("fakeBinanceApiKey0001", "BTC"));
        CPPUNIT_ASSERT_EQUAL(200, b.post("/api/v1/bots/" + id + "/start", "", token).status);
        CPPUNIT_ASSERT_MESSAGE(
            b.logs(), eventually([&] {
                const auto d = details(b, token, id);
                int open = 0;
                const auto orders = d->getArray("orders");
                for (std::size_t i = 0; i < orders->size(); ++i)
                    open += orders->getObject(static_cast<unsigned>(i))->getValue<std::string>("status") == "open";
                return open == 4;  // one order on every interval
            }));
        CPPUNIT_ASSERT_EQUAL(4, fake.openOrders());
        // Down through 59500 (its buy fills on the exchange), back up through 60000 (the sell above it).
        fake.setPrice("BTCUSDT", "59400");
        fake.setPrice("BTCUSDT", "60100");
        CPPUNIT_ASSERT_MESSAGE(b.logs(), eventually([&] {
                                   const auto s = details(b, token, id)->getObject("summary");
                                   return s->optValue<int>("completed_pairs", 0) == 1 &&
                                          cents(s->getValue<std::string>("grid_profit")) > 0;
                               }));
        // Stop and sell: the open orders are cancelled on the exchange, the base sold there.
        CPPUNIT_ASSERT_EQUAL(200, b.post("/api/v1/bots/" + id + "/stop", R"({"close":true})", token).status);
        CPPUNIT_ASSERT_MESSAGE(
            b.logs(), eventually([&] { return details(b, token, id)->getValue<std::string>("status") == "stopped"; }));
        CPPUNIT_ASSERT(eventually([&] { return fake.openOrders() == 0; }));
        // Everything it bought is sold again, but for what each of its two buys (the
        // start's and the one at 59500) left below the lot step after Binance took
        // its commission in BTC: no order can sell that.
        const double btcLeft = std::stod(fake.freeBalance("fakeBinanceApiKey0001", "BTC")) - btcBefore;
        CPPUNIT_ASSERT_MESSAGE(std::to_string(btcLeft), btcLeft >= 0 && btcLeft < 2 * 0.00001);
        assertLedgerVerifies(b);
    }

    void exchangeRefusalsPutTheBotInErrorWithItsMessage() {
        Exchange x;
        FakeBinance& fake = x.fake;
        BourseProcess b(configYaml(fake));
        const std::string token = traderWithKeys(b);

        // Not enough USDT free on the exchange: refused at creation, nothing stored.
        fake.setBalance("fakeBinanceApiKey0001", "USDT", "50");
        assertProblem(b.post("/api/v1/bots", dcaBody(), token), 422, "your Binance account has 50 free", "capital");
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), b.get("/api/v1/bots", token).json()->getArray("bots")->size());

        // Enough at creation, refused when the order arrives: the bot stops trading, with Binance's words.
        fake.setBalance("fakeBinanceApiKey0001", "USDT", "10000");
        const std::string id = createBot(b, token);
        fake.failNextOrder(400, -2010, "Account has insufficient balance for requested action.");
        CPPUNIT_ASSERT_EQUAL(200, b.post("/api/v1/bots/" + id + "/start", "", token).status);
        CPPUNIT_ASSERT_MESSAGE(
            b.logs(), eventually([&] { return details(b, token, id)->getValue<std::string>("status") == "error"; }));
        const auto d = details(b, token, id);
        CPPUNIT_ASSERT_MESSAGE(d->getValue<std::string>("error"),
                               contains(d->getValue<std::string>("error"), "insufficient balance"));
        CPPUNIT_ASSERT_EQUAL(std::string("rejected"), orderStatus(d, "-b"));
        CPPUNIT_ASSERT_EQUAL(0, fake.openOrders());
        // Stopping it returns its (untouched) capital to the mirror.
        CPPUNIT_ASSERT_EQUAL(200, b.post("/api/v1/bots/" + id + "/stop", R"({"close":false})", token).status);
        CPPUNIT_ASSERT(eventually([&] { return details(b, token, id)->getValue<std::string>("status") == "stopped"; }));
        assertLedgerVerifies(b);

        // A filter Binance applies (here NOTIONAL, answered -1013 to an order our own check
        // let through): the same, with the filter named.
        const std::string second = createBot(b, token, "live-2");
        fake.failNextOrder(400, -1013, "Filter failure: NOTIONAL");
        CPPUNIT_ASSERT_EQUAL(200, b.post("/api/v1/bots/" + second + "/start", "", token).status);
        CPPUNIT_ASSERT_MESSAGE(b.logs(), eventually([&] {
                                   return details(b, token, second)->getValue<std::string>("status") == "error";
                               }));
        CPPUNIT_ASSERT(contains(details(b, token, second)->getValue<std::string>("error"), "Filter failure: NOTIONAL"));

        // Without stored keys there is no live bot.
        const std::string other = b.userToken("nokeys@bots.test");
        assertProblem(b.post("/api/v1/bots", dcaBody(), other), 409, "no Binance API keys", "venue");
    }

    void rateLimitAndClockSkewAreWaitedOut() {
        Exchange x;
        FakeBinance& fake = x.fake;
        BourseProcess b(configYaml(fake));
        const std::string token = traderWithKeys(b);
        const std::string id = createBot(b, token);

        // 429 on the base order: waited out (Retry-After), then sent again; the bot keeps running.
        fake.failNextOrder(429, -1003,
                           "Too much request weight used; current limit is 6000 request weight per 1 MINUTE.");
        CPPUNIT_ASSERT_EQUAL(200, b.post("/api/v1/bots/" + id + "/start", "", token).status);
        CPPUNIT_ASSERT_MESSAGE(b.logs(),
                               eventually([&] { return orderStatus(details(b, token, id), "-b") == "filled"; }));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(b.get("/api/v1/bots/" + id, token).body, std::string("running"),
                                     details(b, token, id)->getValue<std::string>("status"));

        // The exchange's clock jumps 20 s ahead: the next order is answered -1021, the
        // client measures the clock again and the order goes through.
        fake.setClockSkew(std::chrono::seconds(20));
        fake.setPrice("BTCUSDT", "59400");  // safety order 1 fills; the take profit is placed again
        CPPUNIT_ASSERT_MESSAGE(b.logs(),
                               eventually([&] { return orderStatus(details(b, token, id), "-t2") == "open"; }));
        CPPUNIT_ASSERT(fake.signedRejections(-1021) >= 1);
        CPPUNIT_ASSERT_EQUAL(std::string("running"), details(b, token, id)->getValue<std::string>("status"));
        assertLedgerVerifies(b);
    }

    void fillsWhileDownAreFoundOnRestart() {
        // The exchange fills a safety order while the kernel is down (kill -9): the
        // stream does not replay it; the restart asks for each open order and books it once.
        Exchange x;
        FakeBinance& fake = x.fake;
        ScratchDir dir;
        std::string token, id;
        {
            BourseProcess b(configYaml(fake), dir.path());
            token = traderWithKeys(b);
            id = createBot(b, token);
            CPPUNIT_ASSERT_EQUAL(200, b.post("/api/v1/bots/" + id + "/start", "", token).status);
            CPPUNIT_ASSERT_MESSAGE(b.logs(), eventually([&] {
                                       const auto d = details(b, token, id);
                                       return orderStatus(d, "-s1") == "open" && orderStatus(d, "-t1") == "open";
                                   }));
            b.kill();
        }
        fake.setPrice("BTCUSDT", "59400");  // safety order 1 fills on the exchange meanwhile
        CPPUNIT_ASSERT(eventually([&] { return fake.openOrders() == 2; }));  // safety order 2 and the take profit
        BourseProcess b(configYaml(fake), dir.path());
        CPPUNIT_ASSERT_MESSAGE(b.logs(), eventually([&] {
                                   const auto d = details(b, token, id);
                                   return orderStatus(d, "-s1") == "filled" && orderStatus(d, "-t2") == "open";
                               }));
        const auto d = details(b, token, id);
        std::size_t s1Fills = 0;
        const auto fills = d->getArray("fills");
        for (std::size_t i = 0; i < fills->size(); ++i) {
            const auto f = fills->getObject(static_cast<unsigned>(i));
            const std::string order = f->getValue<std::string>("client_order_id");
            if (order.size() > 3 && order.compare(order.size() - 3, 3, "-s1") == 0 &&
                f->getValue<std::string>("qty") != "0.00000000")
                ++s1Fills;
        }
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), s1Fills);
        CPPUNIT_ASSERT_EQUAL(std::string("running"), d->getValue<std::string>("status"));
        assertLedgerVerifies(b);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(LiveBotsTest);
