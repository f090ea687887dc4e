// Binance's replies and user-data events read into typed values. The fixtures
// are shaped on the examples of binance-spot-api-docs (rest-api.md,
// user-data-stream.md, web-socket-api.md); they are not recordings of the live
// service. The cases that matter: keys that differ only in case (c/C, l/L),
// a null commission asset, a cancel whose own id is in c and the order's in C.
#include "venues/binance/Wire.h"

#include <cppunit/extensions/HelperMacros.h>

#include <fstream>
#include <sstream>

using namespace bourse::venues::binance;

namespace {

std::string fixture(const std::string& name) {
    std::ifstream in(std::string(BOURSE_BINANCE_SPOT_FIXTURES) + "/" + name);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace

class WireTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(WireTest);
    CPPUNIT_TEST(testTradeReport);
    CPPUNIT_TEST(testCancelReportUsesOriginalClientId);
    CPPUNIT_TEST(testAccountPositionAndStreamEvents);
    CPPUNIT_TEST(testWsApiResponses);
    CPPUNIT_TEST(testOrderReplies);
    CPPUNIT_TEST(testAccountAndErrors);
    CPPUNIT_TEST_SUITE_END();

public:
    void testTradeReport() {
        const auto m = parseWsApiMessage(fixture("ws_userData_executionReport_trade.json"));
        CPPUNIT_ASSERT(m.kind == WsApiMessage::Kind::ExecutionReport);
        CPPUNIT_ASSERT_EQUAL(0, *m.subscriptionId);
        const auto& r = m.report;
        CPPUNIT_ASSERT_EQUAL(std::string("BTCUSDT"), r.symbol);
        CPPUNIT_ASSERT_EQUAL(std::string("bot-7-so1"), r.clientOrderId);
        CPPUNIT_ASSERT_EQUAL(std::string("bot-7-so1"), r.orderClientId());
        CPPUNIT_ASSERT(r.side == Side::Buy);
        CPPUNIT_ASSERT(r.isTrade());
        CPPUNIT_ASSERT(r.orderStatus == OrderStatus::PartiallyFilled);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(4293153), r.orderId);
        CPPUNIT_ASSERT_EQUAL(std::string("0.0015"), r.lastQty.str());        // l
        CPPUNIT_ASSERT_EQUAL(std::string("64000"), r.lastPrice.str());       // L
        CPPUNIT_ASSERT_EQUAL(std::string("0.0015"), r.cumulativeQty.str());  // z
        CPPUNIT_ASSERT_EQUAL(std::string("0.002"), r.orderQty.str());        // q
        CPPUNIT_ASSERT_EQUAL(std::string("0.0000015"), r.commission.str());  // n
        CPPUNIT_ASSERT_EQUAL(std::string("BTC"), r.commissionAsset);         // N
        CPPUNIT_ASSERT_EQUAL(std::string("96"), r.lastQuoteQty.str());       // Y
        CPPUNIT_ASSERT_EQUAL(std::int64_t(56), r.tradeId);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(8641984), r.executionId);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1700000000120), r.transactTimeMs);
        CPPUNIT_ASSERT(r.maker);
        CPPUNIT_ASSERT(!isFinal(r.orderStatus));
    }

    void testCancelReportUsesOriginalClientId() {
        const auto r = parseWsApiMessage(fixture("ws_userData_executionReport_canceled.json")).report;
        CPPUNIT_ASSERT(r.executionType == ExecutionType::Canceled);
        CPPUNIT_ASSERT_EQUAL(std::string("cancelMyOrder1"), r.clientOrderId);  // the cancel's own id
        CPPUNIT_ASSERT_EQUAL(std::string("bot-7-tp"), r.orderClientId());      // the order's
        CPPUNIT_ASSERT_EQUAL(std::string(""), r.commissionAsset);              // "N": null
        CPPUNIT_ASSERT_EQUAL(std::int64_t(-1), r.tradeId);
        CPPUNIT_ASSERT(isFinal(r.orderStatus));
        CPPUNIT_ASSERT(r.side == Side::Sell);
    }

    void testAccountPositionAndStreamEvents() {
        const auto p = parseWsApiMessage(fixture("ws_userData_outboundAccountPosition.json"));
        CPPUNIT_ASSERT(p.kind == WsApiMessage::Kind::AccountPosition);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), p.position.balances.size());
        CPPUNIT_ASSERT_EQUAL(std::string("USDT"), p.position.balances[1].asset);
        CPPUNIT_ASSERT_EQUAL(std::string("32"), p.position.balances[1].locked.str());
        CPPUNIT_ASSERT(parseWsApiMessage(fixture("ws_userData_eventStreamTerminated.json")).kind ==
                       WsApiMessage::Kind::StreamTerminated);
        CPPUNIT_ASSERT(parseWsApiMessage(R"({"event":{"e":"serverShutdown","E":1770123456789}})").kind ==
                       WsApiMessage::Kind::ServerShutdown);
        CPPUNIT_ASSERT(parseWsApiMessage(R"({"subscriptionId":0,"event":{"e":"balanceUpdate","a":"BTC"}})").kind ==
                       WsApiMessage::Kind::OtherEvent);
        CPPUNIT_ASSERT_THROW(parseWsApiMessage(R"({"subscriptionId":0,"event":{"e":"executionReport","s":"X"}})"),
                             std::invalid_argument);
        CPPUNIT_ASSERT_THROW(parseWsApiMessage("{\"event\":"), std::invalid_argument);
        CPPUNIT_ASSERT_THROW(parseWsApiMessage("[1,2]"), std::invalid_argument);
    }

    void testWsApiResponses() {
        const auto ok = parseWsApiMessage(fixture("ws_api_response_subscribe.json"));
        CPPUNIT_ASSERT(ok.kind == WsApiMessage::Kind::Response);
        CPPUNIT_ASSERT_EQUAL(std::string("sub-1"), ok.id);
        CPPUNIT_ASSERT_EQUAL(200, ok.status);
        CPPUNIT_ASSERT_EQUAL(0, *ok.subscriptionId);
        CPPUNIT_ASSERT(!ok.error);
        const auto bad = parseWsApiMessage(fixture("ws_api_response_subscribe_timestamp.json"));
        CPPUNIT_ASSERT_EQUAL(400, bad.status);
        CPPUNIT_ASSERT_EQUAL(-1021, bad.error->code);
    }

    void testOrderReplies() {
        const auto full = parseOrder(fixture("rest_order_full_market.json"));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(28), full.orderId);
        CPPUNIT_ASSERT(full.status == OrderStatus::Filled);
        CPPUNIT_ASSERT_EQUAL(std::string("195.003"), full.cumulativeQuoteQty.str());  // "cummulativeQuoteQty"
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), full.fills.size());
        CPPUNIT_ASSERT_EQUAL(std::string("65000.3"), full.fills[1].price.str());
        CPPUNIT_ASSERT_EQUAL(std::int64_t(57), full.fills[1].tradeId);
        const auto cancel = parseOrder(fixture("rest_order_cancel.json"));
        CPPUNIT_ASSERT(cancel.status == OrderStatus::Canceled);
        CPPUNIT_ASSERT_EQUAL(std::string("myOrder1"), cancel.origClientOrderId);
        CPPUNIT_ASSERT_EQUAL(std::string("cancelMyOrder1"), cancel.clientOrderId);
        // A status this code does not know is kept as text, not refused.
        const auto odd = parseOrder(R"({"symbol":"BTCUSDT","orderId":5,"status":"PENDING_NEW"})");
        CPPUNIT_ASSERT(odd.status == OrderStatus::Unknown);
        CPPUNIT_ASSERT_EQUAL(std::string("PENDING_NEW"), odd.statusText);
        CPPUNIT_ASSERT_THROW(parseOrder(R"({"symbol":"BTCUSDT"})"), std::invalid_argument);
        CPPUNIT_ASSERT_THROW(parseOrder(R"({"symbol":"BTCUSDT","orderId":5,"price":"1e5"})"), std::invalid_argument);
    }

    void testAccountAndErrors() {
        const auto balances = parseAccountBalances(fixture("rest_account.json"));
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), balances.size());
        CPPUNIT_ASSERT_EQUAL(std::string("4723846.89208129"), balances[0].free.str());
        const auto err = parseErrorBody(fixture("rest_error_insufficient_balance.json"));
        CPPUNIT_ASSERT_EQUAL(-2010, err->code);
        CPPUNIT_ASSERT_EQUAL(std::string("Account has insufficient balance for requested action."), err->msg);
        CPPUNIT_ASSERT(!parseErrorBody("<html>502 Bad Gateway</html>").has_value());
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1499827319559), parseServerTime(R"({"serverTime":1499827319559})"));
        CPPUNIT_ASSERT_THROW(parseServerTime("{}"), std::invalid_argument);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(WireTest);
