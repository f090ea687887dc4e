// BinanceSpotClient against the fake Binance (tests/fakes/binance) over real
// loopback HTTP and WebSocket: every path a bot venue depends on — orders that
// rest and fill, fills arriving as execution reports, cancels, the exchange's
// refusals (duplicate id, balance, filters), the clock (-1021 then re-sync),
// rate limits (429 + Retry-After honoured, no 418), bad credentials, a lost
// reply, and a user-data stream that drops and comes back.
#include "venues/binance/BinanceSpotClient.h"

#include "binance/FakeBinance.h"

#include <cppunit/extensions/HelperMacros.h>

#include <algorithm>
#include <cstdlib>
#include <mutex>
#include <thread>

using namespace bourse::venues::binance;
using bourse::fakes::FakeBinance;
using bourse::fakes::FakeBinanceOptions;

namespace {

Fixed8 d(const char* text) {
    return *Fixed8::parse(text);
}

ClientConfig configFor(const FakeBinance& fake, const FakeBinanceOptions& o = {}) {
    ClientConfig c;
    c.restUrl = fake.restUrl();
    c.wsApiUrl = fake.wsApiUrl();
    c.apiKey = o.apiKey;
    c.secret = o.secret;
    c.timeout = std::chrono::milliseconds(3000);
    return c;
}

OrderRequest limit(const std::string& id, Side side, const char* price, const char* qty) {
    OrderRequest o;
    o.symbol = "BTCUSDT";
    o.side = side;
    o.type = OrderType::Limit;
    o.price = d(price);
    o.quantity = d(qty);
    o.clientOrderId = id;
    return o;
}

OrderRequest market(const std::string& id, Side side, const char* qty, const char* quote = "0") {
    OrderRequest o;
    o.symbol = "BTCUSDT";
    o.side = side;
    o.type = OrderType::Market;
    o.quantity = d(qty);
    o.quoteQuantity = d(quote);
    o.clientOrderId = id;
    return o;
}

template <class P>
bool eventually(P pred, std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    const auto until = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < until) {
        if (pred()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return pred();
}

/// What a user-data stream delivered.
struct Inbox {
    std::mutex mutex;
    std::vector<ExecutionReport> reports;
    std::vector<AccountPosition> positions;
    std::vector<std::string> states;

    UserDataHandlers handlers() {
        UserDataHandlers h;
        h.onExecutionReport = [this](const ExecutionReport& r) {
            std::lock_guard lock(mutex);
            reports.push_back(r);
        };
        h.onAccountPosition = [this](const AccountPosition& p) {
            std::lock_guard lock(mutex);
            positions.push_back(p);
        };
        h.onState = [this](StreamState s, const std::string& detail) {
            std::lock_guard lock(mutex);
            states.push_back(std::to_string(static_cast<int>(s)) + ":" + detail);
        };
        return h;
    }
    /// The first report for `clientId` with execution type `x` (waits for it).
    std::optional<ExecutionReport> await(const std::string& clientId, ExecutionType x,
                                         OrderStatus status = OrderStatus::Unknown) {
        std::optional<ExecutionReport> found;
        eventually([&] {
            std::lock_guard lock(mutex);
            for (const auto& r : reports)
                if (r.orderClientId() == clientId && r.executionType == x &&
                    (status == OrderStatus::Unknown || r.orderStatus == status)) {
                    found = r;
                    return true;
                }
            return false;
        });
        return found;
    }
    int count(const std::string& clientId, ExecutionType x) {
        std::lock_guard lock(mutex);
        int n = 0;
        for (const auto& r : reports)
            n += r.orderClientId() == clientId && r.executionType == x;
        return n;
    }
};

std::string why(const VenueError& e) {
    return e.describe();
}

}  // namespace

class ClientAgainstFakeTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ClientAgainstFakeTest);
    CPPUNIT_TEST(testLimitOrderRestsThenFillsAsExecutionReport);
    CPPUNIT_TEST(testMarketOrdersFillAtOnce);
    CPPUNIT_TEST(testPartialFillsReportEachExecution);
    CPPUNIT_TEST(testCancelAndUnknownOrders);
    CPPUNIT_TEST(testDuplicateClientOrderId);
    CPPUNIT_TEST(testInsufficientBalance);
    CPPUNIT_TEST(testExchangeFilterFailureWhenLocalCheckBypassed);
    CPPUNIT_TEST(testLocalFilterRefusalSendsNothing);
    CPPUNIT_TEST(testTimestampOutsideRecvWindowResyncsAndSucceeds);
    CPPUNIT_TEST(testPeriodicTimeResync);
    CPPUNIT_TEST(testWeightLimit429HonouredWithRetryAfter);
    CPPUNIT_TEST(testOrderRateLimitOnlyBlocksNewOrders);
    CPPUNIT_TEST(testBadSignatureAndBadKeys);
    CPPUNIT_TEST(testLostReplyIsUnknownOutcomeThenQueryFindsTheOrder);
    CPPUNIT_TEST(testNothingListening);
    CPPUNIT_TEST(testUserDataStreamReconnectsAndResubscribes);
    CPPUNIT_TEST(testUserDataSubscribeResyncsClockAfterRejection);
    CPPUNIT_TEST(testSilentUserDataConnectionIsReplaced);
    CPPUNIT_TEST_SUITE_END();

public:
    void testLimitOrderRestsThenFillsAsExecutionReport() {
        FakeBinanceOptions o;
        FakeBinance fake(o);
        fake.setPrice("BTCUSDT", "65000");
        BinanceSpotClient client(configFor(fake, o));
        Inbox inbox;
        auto stream = client.openUserDataStream(inbox.handlers());
        CPPUNIT_ASSERT(eventually([&] { return stream->subscribed(); }));

        // 64000.004 is not on the 0.01 tick: the client rounds it before sending.
        const auto placed = client.placeOrder(limit("bot1-so1", Side::Buy, "64000.004", "0.001"));
        CPPUNIT_ASSERT_MESSAGE(placed.ok() ? "" : why(placed.error()), placed.ok());
        CPPUNIT_ASSERT(placed.value().status == OrderStatus::New);
        CPPUNIT_ASSERT_EQUAL(std::string("64000"), placed.value().price.str());
        CPPUNIT_ASSERT_EQUAL(std::string("bot1-so1"), placed.value().clientOrderId);
        CPPUNIT_ASSERT(placed.value().fills.empty());
        const auto created = inbox.await("bot1-so1", ExecutionType::New);
        CPPUNIT_ASSERT(created);
        CPPUNIT_ASSERT_EQUAL(placed.value().orderId, created->orderId);
        CPPUNIT_ASSERT_EQUAL(std::string("64.00000000"), fake.lockedBalance(o.apiKey, "USDT"));

        fake.setPrice("BTCUSDT", "63999.5");  // the market reaches the bid: it fills at its own price
        const auto fill = inbox.await("bot1-so1", ExecutionType::Trade);
        CPPUNIT_ASSERT(fill);
        CPPUNIT_ASSERT(fill->orderStatus == OrderStatus::Filled);
        CPPUNIT_ASSERT_EQUAL(std::string("0.001"), fill->lastQty.str());
        CPPUNIT_ASSERT_EQUAL(std::string("64000"), fill->lastPrice.str());
        CPPUNIT_ASSERT_EQUAL(std::string("0.001"), fill->cumulativeQty.str());
        CPPUNIT_ASSERT_EQUAL(std::string("64"), fill->lastQuoteQty.str());
        CPPUNIT_ASSERT_EQUAL(std::string("0.000001"), fill->commission.str());  // 10 bps of what it received
        CPPUNIT_ASSERT_EQUAL(std::string("BTC"), fill->commissionAsset);
        CPPUNIT_ASSERT(fill->maker);
        CPPUNIT_ASSERT(fill->tradeId > 0);

        const auto queried = client.queryOrder("BTCUSDT", OrderRef::byClientId("bot1-so1"));
        CPPUNIT_ASSERT(queried.ok());
        CPPUNIT_ASSERT(queried.value().status == OrderStatus::Filled);
        CPPUNIT_ASSERT_EQUAL(std::string("64"), queried.value().cumulativeQuoteQty.str());
        const auto balances = client.balances(true);
        CPPUNIT_ASSERT(balances.ok());
        for (const auto& b : balances.value()) {
            if (b.asset == "BTC") CPPUNIT_ASSERT_EQUAL(std::string("1.000999"), b.free.str());
            if (b.asset == "USDT") {
                CPPUNIT_ASSERT_EQUAL(std::string("9936"), b.free.str());
                CPPUNIT_ASSERT(b.locked.isZero());
            }
        }
        stream->stop();
    }

    void testMarketOrdersFillAtOnce() {
        FakeBinanceOptions o;
        FakeBinance fake(o);
        fake.setPrice("BTCUSDT", "65000");
        BinanceSpotClient client(configFor(fake, o));
        Inbox inbox;
        auto stream = client.openUserDataStream(inbox.handlers());
        CPPUNIT_ASSERT(eventually([&] { return stream->subscribed(); }));

        const auto bought = client.placeOrder(market("bot2-base", Side::Buy, "0.002"));
        CPPUNIT_ASSERT_MESSAGE(bought.ok() ? "" : why(bought.error()), bought.ok());
        CPPUNIT_ASSERT(bought.value().status == OrderStatus::Filled);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), bought.value().fills.size());
        CPPUNIT_ASSERT_EQUAL(std::string("65000"), bought.value().fills[0].price.str());
        CPPUNIT_ASSERT_EQUAL(std::string("0.002"), bought.value().fills[0].qty.str());
        CPPUNIT_ASSERT_EQUAL(std::string("130"), bought.value().cumulativeQuoteQty.str());
        const auto trade = inbox.await("bot2-base", ExecutionType::Trade, OrderStatus::Filled);
        CPPUNIT_ASSERT(trade);
        CPPUNIT_ASSERT(!trade->maker);
        // Balances after the trade come as outboundAccountPosition.
        CPPUNIT_ASSERT(eventually([&] {
            std::lock_guard lock(inbox.mutex);
            for (const auto& p : inbox.positions)
                for (const auto& b : p.balances)
                    if (b.asset == "BTC" && b.free == d("1.001998")) return true;  // 1 + 0.002 − 0.000002
            return false;
        }));

        // quoteOrderQty: spend 100 USDT → floor(100 / 65000) at the 0.00001 step = 0.00153 BTC.
        const auto quote = client.placeOrder(market("bot2-quote", Side::Buy, "0", "100"));
        CPPUNIT_ASSERT_MESSAGE(quote.ok() ? "" : why(quote.error()), quote.ok());
        CPPUNIT_ASSERT_EQUAL(std::string("0.00153"), quote.value().executedQty.str());
        CPPUNIT_ASSERT_EQUAL(std::string("99.45"), quote.value().cumulativeQuoteQty.str());
        CPPUNIT_ASSERT_EQUAL(std::string("100"), quote.value().origQuoteOrderQty.str());

        const auto sold = client.placeOrder(market("bot2-exit", Side::Sell, "0.0035"));
        CPPUNIT_ASSERT(sold.ok());
        CPPUNIT_ASSERT_EQUAL(std::string("227.5"), sold.value().cumulativeQuoteQty.str());
        const auto sell = inbox.await("bot2-exit", ExecutionType::Trade);
        CPPUNIT_ASSERT(sell);
        CPPUNIT_ASSERT_EQUAL(std::string("USDT"), sell->commissionAsset);  // a sell pays in what it receives
        CPPUNIT_ASSERT_EQUAL(std::string("0.2275"), sell->commission.str());
    }

    void testPartialFillsReportEachExecution() {
        FakeBinanceOptions o;
        FakeBinance fake(o);
        fake.setPrice("BTCUSDT", "65000");
        fake.setLiquidity("BTCUSDT", "0.001");
        BinanceSpotClient client(configFor(fake, o));
        Inbox inbox;
        auto stream = client.openUserDataStream(inbox.handlers());
        CPPUNIT_ASSERT(eventually([&] { return stream->subscribed(); }));
        CPPUNIT_ASSERT(client.placeOrder(limit("bot3-so", Side::Buy, "64000", "0.003")).ok());
        fake.setPrice("BTCUSDT", "63990");
        const auto done = inbox.await("bot3-so", ExecutionType::Trade, OrderStatus::Filled);
        CPPUNIT_ASSERT(done);
        CPPUNIT_ASSERT_EQUAL(3, inbox.count("bot3-so", ExecutionType::Trade));
        CPPUNIT_ASSERT_EQUAL(std::string("0.003"), done->cumulativeQty.str());
        CPPUNIT_ASSERT_EQUAL(std::string("0.001"), done->lastQty.str());
        const auto first = inbox.await("bot3-so", ExecutionType::Trade, OrderStatus::PartiallyFilled);
        CPPUNIT_ASSERT(first);
        CPPUNIT_ASSERT(first->executionId != done->executionId);
    }

    void testCancelAndUnknownOrders() {
        FakeBinanceOptions o;
        FakeBinance fake(o);
        fake.setPrice("BTCUSDT", "65000");
        BinanceSpotClient client(configFor(fake, o));
        Inbox inbox;
        auto stream = client.openUserDataStream(inbox.handlers());
        CPPUNIT_ASSERT(eventually([&] { return stream->subscribed(); }));
        const auto placed = client.placeOrder(limit("bot4-tp", Side::Sell, "70000", "0.01"));
        CPPUNIT_ASSERT(placed.ok());
        CPPUNIT_ASSERT_EQUAL(std::string("0.01000000"), fake.lockedBalance(o.apiKey, "BTC"));

        const auto cancelled = client.cancelOrder("BTCUSDT", OrderRef::byClientId("bot4-tp"));
        CPPUNIT_ASSERT_MESSAGE(cancelled.ok() ? "" : why(cancelled.error()), cancelled.ok());
        CPPUNIT_ASSERT(cancelled.value().status == OrderStatus::Canceled);
        CPPUNIT_ASSERT_EQUAL(std::string("bot4-tp"), cancelled.value().origClientOrderId);
        const auto report = inbox.await("bot4-tp", ExecutionType::Canceled);
        CPPUNIT_ASSERT(report);  // matched by C, the cancelled order's id (c is the cancel's own)
        CPPUNIT_ASSERT(report->clientOrderId != "bot4-tp");
        CPPUNIT_ASSERT_EQUAL(placed.value().orderId, report->orderId);
        CPPUNIT_ASSERT_EQUAL(std::string("0.00000000"), fake.lockedBalance(o.apiKey, "BTC"));

        const auto again = client.cancelOrder("BTCUSDT", OrderRef::byId(placed.value().orderId));
        CPPUNIT_ASSERT(!again.ok());
        CPPUNIT_ASSERT(again.error().kind == ErrorKind::Rejected);
        CPPUNIT_ASSERT_EQUAL(400, again.error().httpStatus);
        CPPUNIT_ASSERT_EQUAL(-2011, again.error().code);
        CPPUNIT_ASSERT_EQUAL(std::string("Unknown order sent."), again.error().message);
        const auto missing = client.queryOrder("BTCUSDT", OrderRef::byClientId("never-placed"));
        CPPUNIT_ASSERT_EQUAL(-2013, missing.error().code);
        CPPUNIT_ASSERT(client.cancelOrder("BTCUSDT", OrderRef{}).error().kind == ErrorKind::LocalInvalid);
        const auto open = client.openOrders("BTCUSDT");
        CPPUNIT_ASSERT(open.ok());
        CPPUNIT_ASSERT(open.value().empty());
    }

    void testDuplicateClientOrderId() {
        FakeBinanceOptions o;
        FakeBinance fake(o);
        fake.setPrice("BTCUSDT", "65000");
        BinanceSpotClient client(configFor(fake, o));
        CPPUNIT_ASSERT(client.placeOrder(limit("dup-1", Side::Buy, "60000", "0.001")).ok());
        const auto dup = client.placeOrder(limit("dup-1", Side::Buy, "60001", "0.001"));
        CPPUNIT_ASSERT(!dup.ok());
        CPPUNIT_ASSERT(dup.error().kind == ErrorKind::Rejected);
        CPPUNIT_ASSERT_EQUAL(-2010, dup.error().code);
        CPPUNIT_ASSERT_EQUAL(std::string("Duplicate order sent."), dup.error().message);
        CPPUNIT_ASSERT_EQUAL(1, fake.openOrders());
        // Once the first is done, Binance accepts the id again.
        CPPUNIT_ASSERT(client.cancelOrder("BTCUSDT", OrderRef::byClientId("dup-1")).ok());
        CPPUNIT_ASSERT(client.placeOrder(limit("dup-1", Side::Buy, "60001", "0.001")).ok());
        // An id Binance would refuse is refused before sending.
        const auto bad = client.placeOrder(limit("has space", Side::Buy, "60000", "0.001"));
        CPPUNIT_ASSERT(bad.error().kind == ErrorKind::LocalInvalid);
    }

    void testInsufficientBalance() {
        FakeBinanceOptions o;
        FakeBinance fake(o);
        fake.setPrice("BTCUSDT", "65000");
        fake.setBalance(o.apiKey, "USDT", "10");
        BinanceSpotClient client(configFor(fake, o));
        const auto r = client.placeOrder(limit("poor-1", Side::Buy, "64000", "0.001"));  // needs 64
        CPPUNIT_ASSERT(!r.ok());
        CPPUNIT_ASSERT(r.error().kind == ErrorKind::Rejected);
        CPPUNIT_ASSERT_EQUAL(400, r.error().httpStatus);
        CPPUNIT_ASSERT_EQUAL(-2010, r.error().code);
        CPPUNIT_ASSERT_EQUAL(std::string("Account has insufficient balance for requested action."), r.error().message);
        CPPUNIT_ASSERT(!r.error().outcomeUnknown());
        const auto sell = client.placeOrder(market("poor-2", Side::Sell, "2"));  // holds 1 BTC
        CPPUNIT_ASSERT_EQUAL(-2010, sell.error().code);
    }

    void testExchangeFilterFailureWhenLocalCheckBypassed() {
        FakeBinanceOptions o;
        FakeBinance fake(o);
        fake.setPrice("BTCUSDT", "65000");
        auto config = configFor(fake, o);
        config.bypassLocalFiltersForTests = true;
        BinanceSpotClient client(config);
        const auto expect = [&](const OrderRequest& order, const std::string& filter) {
            const auto r = client.placeOrder(order);
            CPPUNIT_ASSERT_MESSAGE(filter, !r.ok());
            CPPUNIT_ASSERT(r.error().kind == ErrorKind::Rejected);
            CPPUNIT_ASSERT_EQUAL(400, r.error().httpStatus);
            CPPUNIT_ASSERT_EQUAL(-1013, r.error().code);
            CPPUNIT_ASSERT_EQUAL("Filter failure: " + filter, r.error().message);
        };
        expect(limit("f-1", Side::Buy, "64000.005", "0.001"), "PRICE_FILTER");
        expect(limit("f-2", Side::Buy, "64000", "0.0000015"), "LOT_SIZE");
        expect(limit("f-3", Side::Buy, "64000", "0.00007"), "NOTIONAL");  // 4.48 < 5
        expect(market("f-4", Side::Sell, "105"), "MARKET_LOT_SIZE");
        CPPUNIT_ASSERT_EQUAL(4, fake.ordersReceived());
        CPPUNIT_ASSERT_EQUAL(4, fake.signedRejections(-1013));
    }

    void testLocalFilterRefusalSendsNothing() {
        FakeBinanceOptions o;
        FakeBinance fake(o);
        fake.setPrice("BTCUSDT", "65000");
        BinanceSpotClient client(configFor(fake, o));
        CPPUNIT_ASSERT(client.loadFilters({"BTCUSDT", "ETHUSDT"}).ok());
        CPPUNIT_ASSERT(client.filters("ETHUSDT").has_value());
        const int before = fake.restRequests();
        const auto r = client.placeOrder(limit("small-1", Side::Buy, "64000", "0.00007"));
        CPPUNIT_ASSERT(!r.ok());
        CPPUNIT_ASSERT(r.error().kind == ErrorKind::LocalFilter);
        CPPUNIT_ASSERT_EQUAL(-1013, r.error().code);
        CPPUNIT_ASSERT_EQUAL(0, r.error().httpStatus);
        CPPUNIT_ASSERT(r.error().message.rfind("Filter failure: NOTIONAL: notional 4.48 is below minNotional 5", 0) ==
                       0);
        CPPUNIT_ASSERT_EQUAL(before, fake.restRequests());
        CPPUNIT_ASSERT_EQUAL(0, fake.ordersReceived());
        // prepareOrder shows what would be sent.
        const auto prepared = client.prepareOrder(limit("ok-1", Side::Buy, "64000.016", "0.0012345"));
        CPPUNIT_ASSERT_EQUAL(std::string("64000.02"), prepared.value().price.str());
        CPPUNIT_ASSERT_EQUAL(std::string("0.00123"), prepared.value().quantity.str());
        // A symbol the exchange does not list is refused after one exchangeInfo look-up.
        auto unknown = limit("x-1", Side::Buy, "1", "1");
        unknown.symbol = "NOPEUSDT";
        CPPUNIT_ASSERT_EQUAL(-1121, client.placeOrder(unknown).error().code);
    }

    void testTimestampOutsideRecvWindowResyncsAndSucceeds() {
        FakeBinanceOptions o;
        FakeBinance fake(o);
        fake.setPrice("BTCUSDT", "65000");
        BinanceSpotClient client(configFor(fake, o));
        CPPUNIT_ASSERT(client.syncTime().ok());
        CPPUNIT_ASSERT(std::abs(client.serverTimeOffsetMs()) < 1000);

        fake.setClockSkew(std::chrono::seconds(20));  // Binance's clock is now 20 s ahead of ours
        const auto r = client.placeOrder(limit("skew-1", Side::Buy, "60000", "0.001"));
        CPPUNIT_ASSERT_MESSAGE(r.ok() ? "" : why(r.error()), r.ok());
        CPPUNIT_ASSERT_EQUAL(1, fake.signedRejections(-1021));  // refused once, then re-synced and accepted
        CPPUNIT_ASSERT_EQUAL(1, client.stats().timestampRejections);
        CPPUNIT_ASSERT(std::abs(client.serverTimeOffsetMs() - 20'000) < 1000);
        CPPUNIT_ASSERT_EQUAL(1, fake.openOrders());

        fake.setClockSkew(std::chrono::seconds(-20));  // now ours is ahead: "1000ms ahead of the server's time"
        CPPUNIT_ASSERT(client.balances().ok());
        CPPUNIT_ASSERT_EQUAL(2, fake.signedRejections(-1021));
        CPPUNIT_ASSERT(std::abs(client.serverTimeOffsetMs() + 20'000) < 1000);

        // Without the retry the -1021 reaches the caller, as a rejection (nothing was executed).
        auto config = configFor(fake, o);
        config.retryOnceAfterTimeResync = false;
        BinanceSpotClient noRetry(config);
        CPPUNIT_ASSERT(noRetry.syncTime().ok());
        fake.setClockSkew(std::chrono::seconds(0));
        const auto refused = noRetry.balances();
        CPPUNIT_ASSERT(!refused.ok());
        CPPUNIT_ASSERT_EQUAL(-1021, refused.error().code);
        CPPUNIT_ASSERT(refused.error().kind == ErrorKind::Rejected);
    }

    void testPeriodicTimeResync() {
        FakeBinanceOptions o;
        FakeBinance fake(o);
        auto clock = std::make_shared<bourse::ManualClock>(fake.serverTimeMs() * 1'000'000);
        auto config = configFor(fake, o);
        config.timeResyncEvery = std::chrono::minutes(10);
        BinanceSpotClient client(config, clock);
        CPPUNIT_ASSERT(client.balances().ok());  // the first signed call syncs first
        CPPUNIT_ASSERT_EQUAL(1, client.stats().timeSyncs);
        CPPUNIT_ASSERT(client.balances().ok());
        CPPUNIT_ASSERT_EQUAL(1, client.stats().timeSyncs);
        clock->advance(std::chrono::minutes(11));
        CPPUNIT_ASSERT(client.balances().ok());
        CPPUNIT_ASSERT_EQUAL(2, client.stats().timeSyncs);
        // The local clock jumped 11 minutes; the offset absorbed it.
        CPPUNIT_ASSERT(std::abs(client.serverTimeOffsetMs() + 11 * 60'000) < 1000);
    }

    void testWeightLimit429HonouredWithRetryAfter() {
        FakeBinanceOptions o;
        o.weightLimitPerMinute = 45;  // GET /api/v3/account weighs 20
        o.retryAfterSeconds = 1;
        FakeBinance fake(o);
        BinanceSpotClient client(configFor(fake, o));
        std::optional<VenueError> limited;
        for (int i = 0; i < 6 && !limited; ++i)
            if (auto r = client.balances(); !r.ok()) limited = r.error();
        CPPUNIT_ASSERT(limited);
        CPPUNIT_ASSERT(limited->kind == ErrorKind::RateLimited);
        CPPUNIT_ASSERT_EQUAL(429, limited->httpStatus);
        CPPUNIT_ASSERT_EQUAL(-1003, limited->code);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), static_cast<std::int64_t>(limited->retryAfter.count()));

        // Inside Retry-After: refused here, never sent (sending would earn a 418 ban).
        const int before = fake.restRequests();
        const auto waiting = client.placeOrder(market("rl-1", Side::Buy, "0.001"));
        CPPUNIT_ASSERT(waiting.error().kind == ErrorKind::LocalBackoff);
        CPPUNIT_ASSERT(waiting.error().retryAfter.count() >= 1);
        CPPUNIT_ASSERT(client.balances().error().kind == ErrorKind::LocalBackoff);
        CPPUNIT_ASSERT_EQUAL(before, fake.restRequests());

        std::this_thread::sleep_for(std::chrono::milliseconds(1100));
        const auto after = client.balances();
        CPPUNIT_ASSERT_MESSAGE(after.ok() ? "" : why(after.error()), after.ok());
        CPPUNIT_ASSERT_EQUAL(1, client.stats().rateLimited);
        CPPUNIT_ASSERT(!client.stats().usedWeight1m.empty());
    }

    void testOrderRateLimitOnlyBlocksNewOrders() {
        FakeBinanceOptions o;
        FakeBinance fake(o);
        fake.setPrice("BTCUSDT", "65000");
        fake.setOrderLimit(2);
        BinanceSpotClient client(configFor(fake, o));
        CPPUNIT_ASSERT(client.loadFilters({"BTCUSDT"}).ok());
        // The limit counts per 10-second window of the fake's clock: start early in one.
        CPPUNIT_ASSERT(eventually([&] { return fake.serverTimeMs() % 10'000 < 3'000; }, std::chrono::seconds(11)));
        CPPUNIT_ASSERT(client.placeOrder(limit("or-1", Side::Buy, "60000", "0.001")).ok());
        CPPUNIT_ASSERT(client.placeOrder(limit("or-2", Side::Buy, "60000", "0.001")).ok());
        CPPUNIT_ASSERT_EQUAL(std::string("2"), client.stats().orderCount10s);
        const auto third = client.placeOrder(limit("or-3", Side::Buy, "60000", "0.001"));
        CPPUNIT_ASSERT(third.error().kind == ErrorKind::RateLimited);
        CPPUNIT_ASSERT_EQUAL(-1015, third.error().code);
        CPPUNIT_ASSERT(third.error().retryAfter.count() >= 1);
        const auto fourth = client.placeOrder(limit("or-4", Side::Buy, "60000", "0.001"));
        CPPUNIT_ASSERT(fourth.error().kind == ErrorKind::LocalBackoff);
        CPPUNIT_ASSERT_EQUAL(-1015, fourth.error().code);
        // Cancels and queries are not orders: a bot can still pull its orders.
        CPPUNIT_ASSERT(client.cancelOrder("BTCUSDT", OrderRef::byClientId("or-1")).ok());
        CPPUNIT_ASSERT(client.balances().ok());
    }

    void testBadSignatureAndBadKeys() {
        FakeBinanceOptions o;
        FakeBinance fake(o);
        auto wrongSecret = configFor(fake, o);
        wrongSecret.secret = "notTheSecret";
        std::vector<std::string> logged;
        wrongSecret.log = [&](LogLevel, const std::string& line) { logged.push_back(line); };
        BinanceSpotClient a(wrongSecret);
        const auto r = a.balances();
        CPPUNIT_ASSERT(r.error().kind == ErrorKind::Unauthorized);
        CPPUNIT_ASSERT_EQUAL(400, r.error().httpStatus);
        CPPUNIT_ASSERT_EQUAL(-1022, r.error().code);
        CPPUNIT_ASSERT_EQUAL(std::string("Signature for this request is not valid."), r.error().message);
        CPPUNIT_ASSERT(r.error().describe().find("notTheSecret") == std::string::npos);
        // What is logged names the call and Binance's answer, never the secret, key, query or signature.
        CPPUNIT_ASSERT(!logged.empty());
        for (const auto& line : logged) {
            CPPUNIT_ASSERT_MESSAGE(line, line.find("notTheSecret") == std::string::npos);
            CPPUNIT_ASSERT_MESSAGE(line, line.find(o.apiKey) == std::string::npos);
            CPPUNIT_ASSERT_MESSAGE(line, line.find("signature=") == std::string::npos);
            CPPUNIT_ASSERT_MESSAGE(line, line.find("timestamp=") == std::string::npos);
        }

        auto unknownKey = configFor(fake, o);
        unknownKey.apiKey = "someoneElsesKey";
        const auto k = BinanceSpotClient(unknownKey).balances();
        CPPUNIT_ASSERT(k.error().kind == ErrorKind::Unauthorized);
        CPPUNIT_ASSERT_EQUAL(401, k.error().httpStatus);
        CPPUNIT_ASSERT_EQUAL(-2015, k.error().code);

        auto badFormat = configFor(fake, o);
        badFormat.apiKey = "not a key!";
        CPPUNIT_ASSERT_EQUAL(-2014, BinanceSpotClient(badFormat).balances().error().code);
        CPPUNIT_ASSERT_THROW(BinanceSpotClient(ClientConfig{}), std::invalid_argument);
    }

    void testLostReplyIsUnknownOutcomeThenQueryFindsTheOrder() {
        FakeBinanceOptions o;
        FakeBinance fake(o);
        fake.setPrice("BTCUSDT", "65000");
        BinanceSpotClient client(configFor(fake, o));
        fake.failNextOrder(503, -1001, "Internal error; unable to process your request.", true);
        const auto r = client.placeOrder(limit("lost-1", Side::Buy, "60000", "0.001"));
        CPPUNIT_ASSERT(!r.ok());
        CPPUNIT_ASSERT(r.error().outcomeUnknown());
        CPPUNIT_ASSERT_EQUAL(503, r.error().httpStatus);
        // What a venue does next: look the order up by its client id before sending it again.
        const auto found = client.queryOrder("BTCUSDT", OrderRef::byClientId("lost-1"));
        CPPUNIT_ASSERT(found.ok());
        CPPUNIT_ASSERT(found.value().status == OrderStatus::New);
        // A 5xx on a read is just a failed read.
        fake.failRest(500, 1);
        CPPUNIT_ASSERT(client.balances().error().kind == ErrorKind::Network);
    }

    void testNothingListening() {
        ClientConfig c;
        c.restUrl = "http://127.0.0.1:1";  // nothing listens on port 1
        c.apiKey = "k";
        c.secret = "s";
        c.timeout = std::chrono::milliseconds(1000);
        BinanceSpotClient client(c);
        const auto r = client.placeOrder(market("n-1", Side::Buy, "0.001"));  // needs filters first: a GET
        CPPUNIT_ASSERT(!r.ok());
        CPPUNIT_ASSERT(r.error().kind == ErrorKind::Network);
        CPPUNIT_ASSERT(!r.error().outcomeUnknown());
    }

    void testUserDataStreamReconnectsAndResubscribes() {
        FakeBinanceOptions o;
        FakeBinance fake(o);
        fake.setPrice("BTCUSDT", "65000");
        BinanceSpotClient client(configFor(fake, o));
        Inbox inbox;
        UserDataOptions options;
        options.reconnectMin = std::chrono::milliseconds(50);
        auto stream = client.openUserDataStream(inbox.handlers(), options);
        CPPUNIT_ASSERT(eventually([&] { return stream->subscribed(); }));
        CPPUNIT_ASSERT_EQUAL(1, fake.userDataSubscriptions());

        fake.dropStreams();  // the connection dies without a close frame
        CPPUNIT_ASSERT(eventually([&] { return stream->subscriptions() >= 2 && stream->subscribed(); }));
        CPPUNIT_ASSERT(stream->connects() >= 2);
        {
            std::lock_guard lock(inbox.mutex);
            CPPUNIT_ASSERT(std::any_of(inbox.states.begin(), inbox.states.end(),
                                       [](const auto& s) { return s.find("reconnected") != std::string::npos; }));
        }
        CPPUNIT_ASSERT(client.placeOrder(market("re-1", Side::Buy, "0.001")).ok());
        CPPUNIT_ASSERT(inbox.await("re-1", ExecutionType::Trade));

        // The subscription ends but the connection stays: it subscribes again on it.
        const int connects = stream->connects();
        fake.terminateUserDataStreams();
        CPPUNIT_ASSERT(eventually([&] { return stream->subscriptions() >= 3 && stream->subscribed(); }));
        CPPUNIT_ASSERT_EQUAL(connects, stream->connects());
        CPPUNIT_ASSERT(client.placeOrder(market("re-2", Side::Buy, "0.001")).ok());
        CPPUNIT_ASSERT(inbox.await("re-2", ExecutionType::Trade));

        fake.announceShutdown();  // serverShutdown: a new connection at once
        CPPUNIT_ASSERT(eventually([&] { return stream->connects() > connects && stream->subscribed(); }));
        stream->stop();
        CPPUNIT_ASSERT(eventually([&] { return fake.userDataSubscriptions() == 0; }));
    }

    void testUserDataSubscribeResyncsClockAfterRejection() {
        FakeBinanceOptions o;
        FakeBinance fake(o);
        BinanceSpotClient client(configFor(fake, o));
        CPPUNIT_ASSERT(client.syncTime().ok());
        fake.setClockSkew(std::chrono::seconds(30));
        Inbox inbox;
        UserDataOptions options;
        options.reconnectMin = std::chrono::milliseconds(50);
        auto stream = client.openUserDataStream(inbox.handlers(), options);
        CPPUNIT_ASSERT(eventually([&] { return stream->subscribed(); }));
        CPPUNIT_ASSERT(stream->connects() >= 2);  // the first subscribe was refused (-1021)
        CPPUNIT_ASSERT(std::abs(client.serverTimeOffsetMs() - 30'000) < 1000);
    }

    void testSilentUserDataConnectionIsReplaced() {
        FakeBinanceOptions o;
        o.pingInterval = std::chrono::milliseconds(100);
        FakeBinance fake(o);
        BinanceSpotClient client(configFor(fake, o));
        Inbox inbox;
        UserDataOptions options;
        options.reconnectMin = std::chrono::milliseconds(50);
        options.staleAfter = std::chrono::milliseconds(600);  // pings come every 100 ms while healthy
        options.timeout = std::chrono::milliseconds(600);
        auto stream = client.openUserDataStream(inbox.handlers(), options);
        CPPUNIT_ASSERT(eventually([&] { return stream->subscribed(); }));
        std::this_thread::sleep_for(std::chrono::milliseconds(800));  // answered pings keep it
        CPPUNIT_ASSERT_EQUAL(1, stream->connects());
        fake.stallStreams(true);  // open, but nothing arrives any more
        CPPUNIT_ASSERT(eventually([&] { return stream->connects() >= 2; }));
        fake.stallStreams(false);
        CPPUNIT_ASSERT(eventually([&] { return stream->subscribed(); }));
        CPPUNIT_ASSERT(client.placeOrder(market("st-1", Side::Buy, "0.001")).ok());
        CPPUNIT_ASSERT(inbox.await("st-1", ExecutionType::Trade));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ClientAgainstFakeTest);
