// The bot side of the SDK: Host::placeOrder / cancelOrder / saveState, the
// control entry (ABI 1.3), and the fake host's product calls. Bot plugins trust
// the fake host to apply venue calls as the kernel does — only inside on_tick,
// on_fill or control, all of a call or none of it — so that is pinned down here.
#include <bourse/plugin.hpp>
#include <bourse/testing/FakeHost.hpp>
#include <bourse/testing/PluginUnderTest.hpp>

#include <cppunit/extensions/HelperMacros.h>

#include <functional>
#include <memory>
#include <string>

using namespace bourse;
using namespace bourse::testing;

namespace {

/// A trade product whose calls each test scripts.
class ScriptedBot : public TradeProduct {
public:
    static inline std::function<void(Host&, const Position&, const Tick&)> onTickFn;
    static inline std::function<void(Host&, const Position&, const bourse_fill&)> onFillFn;
    static inline std::function<void(Host&, const Position&, const std::string&)> controlFn;
    static inline std::function<void(Host&)> validateFn;

    explicit ScriptedBot(Host& h) : TradeProduct(h) {}
    std::string validate(const OpenRequest&) override {
        if (validateFn) validateFn(host());
        return R"({"expires_in_ms":0})";
    }
    Settlement settle(const Position&, const std::optional<Tick>&) override { return {}; }
    void onTick(const Position& p, const Tick& t) override {
        if (onTickFn) onTickFn(host(), p, t);
    }
    void onFill(const Position& p, const bourse_fill& f) override {
        if (onFillFn) onFillFn(host(), p, f);
    }
    void control(const Position& p, const std::string& request) override {
        if (!controlFn) return TradeProduct::control(p, request);
        controlFn(host(), p, request);
    }
};

/// A product that keeps TradeProduct's default control.
class PlainProduct : public TradeProduct {
public:
    explicit PlainProduct(Host& h) : TradeProduct(h) {}
    std::string validate(const OpenRequest&) override { return R"({"expires_in_ms":0})"; }
    Settlement settle(const Position&, const std::optional<Tick>&) override { return {}; }
};

BOURSE_PLUGIN_DESCRIPTOR(scriptedBotDescriptor, ScriptedBot, "scripted-bot", "1.0.0", "test bot")
BOURSE_PLUGIN_DESCRIPTOR(plainDescriptor, PlainProduct, "plain-product", "1.0.0", "test product")

bourse_status registerBots(const bourse_registrar* r) {
    const bourse_plugin_descriptor* const list[] = {&scriptedBotDescriptor, &plainDescriptor};
    return bourse::detail::registerAll(r, list, 2);
}
const bourse_module botModule{sizeof(bourse_module),  BOURSE_ABI_MAJOR, BOURSE_ABI_MINOR, BOURSE_ABI_MAJOR, 3,
                              "scripted bots (test)", &registerBots};

Position position(const std::string& id) {
    return Position{id, "u1", "BTCUSDT", Money{0, "USD"}, 1, 0, "{}", "{}"};
}

OrderRequest limitBuy(const std::string& positionId, const std::string& clientId) {
    return OrderRequest{positionId,         clientId,         "BTCUSDT",     BOURSE_SIDE_BUY,
                        BOURSE_ORDER_LIMIT, Decimal(1500, 6), Decimal(0, 2), Decimal(990000, 2)};
}

}  // namespace

class TradeProductCallsTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(TradeProductCallsTest);
    CPPUNIT_TEST(testVenueCallsAreAppliedWhenTheCallSucceeds);
    CPPUNIT_TEST(testAFailedCallAppliesNothing);
    CPPUNIT_TEST(testVenueCallsOutsideAProductCallAreRefused);
    CPPUNIT_TEST(testOnlyThePositionBeingCalled);
    CPPUNIT_TEST(testVenueFailureIsAnError);
    CPPUNIT_TEST(testControlReachesThePlugin);
    CPPUNIT_TEST(testDefaultControlIsUnsupported);
    CPPUNIT_TEST(testFillCrossesIntact);
    CPPUNIT_TEST_SUITE_END();

public:
    void tearDown() override {
        ScriptedBot::onTickFn = nullptr;
        ScriptedBot::onFillFn = nullptr;
        ScriptedBot::controlFn = nullptr;
        ScriptedBot::validateFn = nullptr;
    }

    void testVenueCallsAreAppliedWhenTheCallSucceeds() {
        FakeHost host;
        PluginUnderTest p(botModule, "scripted-bot", host);
        ScriptedBot::onTickFn = [](Host& h, const Position& pos, const Tick&) {
            h.placeOrder(limitBuy(pos.id, "b1g1"));
            h.cancelOrder(pos.id, "b1g0");
            h.saveState(pos.id, R"({"n":1})");
            h.saveState(pos.id, R"({"n":2})");  // the last one of a call wins
        };
        CPPUNIT_ASSERT_EQUAL(BOURSE_OK, p.onTick(position("bot1"), Tick{"BTCUSDT", Decimal(990000, 2), 5}));
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), host.venueOrders.size());
        const OrderRequest& o = host.venueOrders[0];
        CPPUNIT_ASSERT_EQUAL(std::string("bot1"), o.positionId);
        CPPUNIT_ASSERT_EQUAL(std::string("b1g1"), o.clientOrderId);
        CPPUNIT_ASSERT(o.side == BOURSE_SIDE_BUY && o.type == BOURSE_ORDER_LIMIT);
        CPPUNIT_ASSERT_EQUAL(Decimal(1500, 6).scale, o.quantity.scale);  // scales cross unchanged
        CPPUNIT_ASSERT(o.quantity == Decimal(15, 4) && o.limitPrice == Decimal(9900, 0));
        CPPUNIT_ASSERT_EQUAL(std::string("b1g0"), host.venueCancels.at(0).clientOrderId);
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"n":2})"), host.savedState("bot1").value());
        CPPUNIT_ASSERT(!host.savedState("bot2"));
        // The Saved variants hand the plugin what it saved.
        auto seen = std::make_shared<std::string>();  // shared: the static hook must not point at a local
        ScriptedBot::onTickFn = [seen](Host&, const Position& pos, const Tick&) { *seen = pos.stateJson; };
        CPPUNIT_ASSERT_EQUAL(BOURSE_OK, p.onTickSaved(position("bot1"), Tick{"BTCUSDT", Decimal(1, 0), 6}));
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"n":2})"), *seen);
        CPPUNIT_ASSERT(p.violations().empty());
    }

    void testAFailedCallAppliesNothing() {
        // The kernel commits a call's orders and state in one transaction after it returns OK.
        FakeHost host;
        PluginUnderTest p(botModule, "scripted-bot", host);
        ScriptedBot::onFillFn = [](Host& h, const Position& pos, const bourse_fill&) {
            h.placeOrder(limitBuy(pos.id, "b1g2"));
            h.saveState(pos.id, R"({"n":3})");
            throw Error(BOURSE_E_INVALID, "fill: contradicts the books");
        };
        const Fill f{"bot1",        "b1g1",          "v1", "BTCUSDT", BOURSE_SIDE_BUY, Decimal(1, 3),
                     Decimal(1, 0), Money{1, "USD"}, 7,    true};
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_INVALID, p.onFill(position("bot1"), f));
        CPPUNIT_ASSERT_EQUAL(std::string("fill: contradicts the books"), host.lastError);
        CPPUNIT_ASSERT(host.venueOrders.empty());
        CPPUNIT_ASSERT(host.savedStates.empty());
    }

    void testVenueCallsOutsideAProductCallAreRefused() {
        // validate, open, settle, command and timers may not trade: the kernel refuses there.
        FakeHost host;
        PluginUnderTest p(botModule, "scripted-bot", host);
        ScriptedBot::validateFn = [](Host& h) { h.saveState("bot1", "{}"); };
        const CallResult r = p.validate(OpenRequest{"u1", "BTCUSDT", Money{0, "USD"}, "{}", std::nullopt, 0});
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_UNSUPPORTED, r.status);
        CPPUNIT_ASSERT_EQUAL(std::string("host: position_save_state failed"), r.text);
        Raw raw(host);
        const auto& a = *host.api();
        const OrderRequest o = limitBuy("bot1", "x");
        const bourse_order_request c = o.toC();
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_UNSUPPORTED, a.venue_place_order(&raw.ctx, &c));
        CPPUNIT_ASSERT_EQUAL(
            std::string(
                "unsupported: venue orders and position state only inside on_tick, on_fill or control (fake host)"),
            host.lastError);
    }

    void testOnlyThePositionBeingCalled() {
        FakeHost host;
        PluginUnderTest p(botModule, "scripted-bot", host);
        ScriptedBot::onTickFn = [](Host& h, const Position&, const Tick&) { h.cancelOrder("bot2", "b2g1"); };
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_INVALID, p.onTick(position("bot1"), Tick{"BTCUSDT", Decimal(1, 0), 1}));
        CPPUNIT_ASSERT_EQUAL(std::string("host: venue_cancel_order failed"), host.lastError);
        ScriptedBot::onTickFn = [](Host& h, const Position& pos, const Tick&) { h.saveState(pos.id, "[]"); };
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_INVALID, p.onTick(position("bot1"), Tick{"BTCUSDT", Decimal(1, 0), 2}));
        ScriptedBot::onTickFn = [](Host& h, const Position& pos, const Tick&) { h.placeOrder(limitBuy(pos.id, "")); };
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_INVALID, p.onTick(position("bot1"), Tick{"BTCUSDT", Decimal(1, 0), 3}));
        CPPUNIT_ASSERT(host.venueOrders.empty() && host.venueCancels.empty() && host.savedStates.empty());
    }

    void testVenueFailureIsAnError() {
        FakeHost host;
        PluginUnderTest p(botModule, "scripted-bot", host);
        host.setVenueFailure(BOURSE_E_UNAVAILABLE);
        auto seen = std::make_shared<bourse_status>(BOURSE_OK);
        ScriptedBot::onTickFn = [seen](Host& h, const Position& pos, const Tick&) {
            try {
                h.placeOrder(limitBuy(pos.id, "b1g1"));
            } catch (const Error& e) {
                *seen = e.status();
                throw;
            }
        };
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_UNAVAILABLE, p.onTick(position("bot1"), Tick{"BTCUSDT", Decimal(1, 0), 1}));
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_UNAVAILABLE, *seen);
        host.setVenueFailure(BOURSE_OK);
        CPPUNIT_ASSERT_EQUAL(BOURSE_OK, p.onTick(position("bot1"), Tick{"BTCUSDT", Decimal(1, 0), 2}));
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), host.venueOrders.size());
    }

    void testControlReachesThePlugin() {
        FakeHost host;
        PluginUnderTest p(botModule, "scripted-bot", host);
        auto request = std::make_shared<std::string>();
        ScriptedBot::controlFn = [request](Host& h, const Position& pos, const std::string& r) {
            *request = r;
            h.saveState(pos.id, R"({"summary":{"finished":true}})");
        };
        CPPUNIT_ASSERT_EQUAL(BOURSE_OK, p.control(position("bot1"), R"({"action":"stop","close":true})"));
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"action":"stop","close":true})"), *request);
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"summary":{"finished":true}})"), host.savedState("bot1").value());
        const auto& table = p.kindApi<bourse_trade_product_api>();
        CPPUNIT_ASSERT_EQUAL(std::uint32_t(sizeof(bourse_trade_product_api)), table.struct_size);
    }

    void testDefaultControlIsUnsupported() {
        FakeHost host;
        PluginUnderTest p(botModule, "plain-product", host);
        CPPUNIT_ASSERT_EQUAL(BOURSE_E_UNSUPPORTED, p.control(position("bot1"), R"({"action":"pause"})"));
        CPPUNIT_ASSERT_EQUAL(std::string("unsupported: control"), host.lastError);
        CPPUNIT_ASSERT(p.violations().empty());
    }

    void testFillCrossesIntact() {
        FakeHost host;
        PluginUnderTest p(botModule, "scripted-bot", host);
        auto received = std::make_shared<Fill>();
        ScriptedBot::onFillFn = [received](Host&, const Position&, const bourse_fill& f) {
            *received = Fill::fromC(f);
        };
        const Fill sent{"bot1",           "b1d1-s2",        "v9", "BTCUSDT", BOURSE_SIDE_SELL, Decimal(202020, 6),
                        Decimal(9900, 2), Money{12, "USD"}, 42,   true};
        CPPUNIT_ASSERT_EQUAL(BOURSE_OK, p.onFill(position("bot1"), sent));
        const Fill& got = *received;
        CPPUNIT_ASSERT_EQUAL(sent.clientOrderId, got.clientOrderId);
        CPPUNIT_ASSERT_EQUAL(sent.venueOrderId, got.venueOrderId);
        CPPUNIT_ASSERT(got.side == BOURSE_SIDE_SELL && got.orderDone && got.tsNs == 42);
        CPPUNIT_ASSERT(got.quantity == sent.quantity && got.quantity.scale == 6 && got.price == sent.price);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(12), got.fee.minor);
        CPPUNIT_ASSERT_EQUAL(std::string("USD"), got.fee.currency);
    }

private:
    /// Raw C host calls through a context of their own.
    struct Raw {
        bourse_host_ctx ctx;
        explicit Raw(FakeHost& h) : ctx(h.newContext()) {}
    };
};

CPPUNIT_TEST_SUITE_REGISTRATION(TradeProductCallsTest);
