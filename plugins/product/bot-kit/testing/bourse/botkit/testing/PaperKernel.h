//
// bourse/botkit/testing/PaperKernel.h — a bot plugin driven the way the kernel
// drives it (kernel/src/bots/BotRunner.cpp), against the engine's paper fill
// model, for the bot plugins' unit tests.
//
//   PaperKernel k(host, plugin, position, pair, {feeBps, slippageBps}, {});
//   k.tick("100.00", t);          // resting orders the price reaches fill first,
//                                 // then on_tick; every order the plugin placed
//                                 // goes to the paper model once its call returned
//   k.control(R"({"action":"stop","close":true})");
//
// After each successful call the orders and cancels it made (FakeHost applies
// them only then) go to the PaperExchange: cancels first, then places, as the
// kernel applies them; every report the model answers is delivered in an
// on_fill call of its own, oldest first, until the bot asks for nothing more.
// The position handed to each call carries the state the plugin saved last, as
// the kernel's does. A call that fails throws std::runtime_error with the
// host's error; use the plugin directly to test failures.
//
// Ownership: the kernel borrows the host and the plugin (use() switches to
// another plugin object, e.g. a reloaded instance); both must outlive it.
// Not thread-safe: one test thread.
//
#pragma once

#include <bourse/bots/PaperExchange.h>
#include <bourse/testing/FakeHost.hpp>
#include <bourse/testing/PluginUnderTest.hpp>

#include <deque>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace bourse::botkit::testing {

class PaperKernel {
public:
    PaperKernel(bourse::testing::FakeHost& host, bourse::testing::PluginUnderTest& plugin, Position position,
                const bots::PairSpec& pair, bots::PaperConfig paper, bots::Wallet wallet)
        : _host(host),
          _plugin(&plugin),
          _position(std::move(position)),
          _exchange(pair, paper, wallet),
          _seenOrders(host.venueOrders.size()),
          _seenCancels(host.venueCancels.size()) {}

    /// Continues the bot with another plugin object (a reload: a new instance
    /// that has never seen it rebuilds it from the position).
    void use(bourse::testing::PluginUnderTest& plugin) { _plugin = &plugin; }

    /// The position as the next call would get it.
    [[nodiscard]] Position position() const {
        Position p = _position;
        if (auto saved = _host.savedState(p.id)) p.stateJson = *saved;
        return p;
    }

    /// A price: resting orders it reaches fill (and are delivered), then on_tick.
    void tick(const std::string& price, bots::TimeNs ts) {
        const Decimal p = Decimal::parse(price);
        _now = ts;
        for (const bots::FillReport& r : _exchange.onPrice(p, ts))
            _queue.push_back(r);
        deliverAll();
        check("on_tick", _plugin->onTick(position(), Tick{_position.symbol, p, ts}));
        pump();
    }

    /// A control request, then the reports its orders cause.
    void control(const std::string& requestJson) {
        check("control", _plugin->control(position(), requestJson));
        pump();
    }

    [[nodiscard]] bots::PaperExchange& exchange() { return _exchange; }
    /// Every report delivered, in order.
    [[nodiscard]] const std::vector<Fill>& delivered() const { return _delivered; }

private:
    void check(const char* call, bourse_status s) const {
        if (s != BOURSE_OK)
            throw std::runtime_error(std::string(call) + " failed (" + std::to_string(s) + "): " + _host.lastError);
    }

    /// Hands what the last call placed and cancelled to the model, then delivers.
    void pump() {
        submitNew();
        deliverAll();
    }

    void submitNew() {
        for (; _seenCancels < _host.venueCancels.size(); ++_seenCancels) {
            const bourse::testing::VenueCancel& c = _host.venueCancels[_seenCancels];
            for (const bots::FillReport& r : _exchange.submit(bots::cancelOrder(c.clientOrderId), _now))
                _queue.push_back(r);
        }
        for (; _seenOrders < _host.venueOrders.size(); ++_seenOrders) {
            const OrderRequest& o = _host.venueOrders[_seenOrders];
            _sides[o.clientOrderId] = o.side;
            bots::OrderIntent i;
            i.clientId = o.clientOrderId;
            i.side = o.side == BOURSE_SIDE_BUY ? bots::Side::Buy : bots::Side::Sell;
            i.type = o.type == BOURSE_ORDER_LIMIT ? bots::OrderType::Limit : bots::OrderType::Market;
            i.price = o.limitPrice;
            i.qty = o.quantity;
            i.quoteAmount = Decimal(o.quoteAmount).rescaled(_exchange.pair().quoteScale()).mantissa;
            for (const bots::FillReport& r : _exchange.submit(i, _now))
                _queue.push_back(r);
        }
    }

    void deliverAll() {
        for (int round = 0; !_queue.empty(); ++round) {
            if (round > 10000) throw std::runtime_error("PaperKernel: the plugin and the model do not settle");
            const bots::FillReport r = _queue.front();
            _queue.pop_front();
            const Fill f{_position.id,
                         r.clientId,
                         "v" + std::to_string(++_venueSeq),
                         _position.symbol,
                         _sides.count(r.clientId) ? _sides[r.clientId] : BOURSE_SIDE_BUY,
                         r.qty,
                         r.price,
                         Money{r.feeMinor, "USD"},
                         r.ts,
                         r.done};
            _delivered.push_back(f);
            check("on_fill", _plugin->onFill(position(), f));
            submitNew();
        }
    }

    bourse::testing::FakeHost& _host;
    bourse::testing::PluginUnderTest* _plugin;
    Position _position;
    bots::PaperExchange _exchange;
    std::size_t _seenOrders;
    std::size_t _seenCancels;
    std::deque<bots::FillReport> _queue;
    std::map<std::string, bourse_side> _sides;
    std::vector<Fill> _delivered;
    bots::TimeNs _now = 0;
    std::uint64_t _venueSeq = 0;
};

}  // namespace bourse::botkit::testing
