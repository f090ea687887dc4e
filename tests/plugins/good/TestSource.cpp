// A small, well-behaved price source for lifecycle and reload tests: one
// instrument TEST_A ticking every 50 ms. Config keys: "version_tag" (returned
// by the command "version", to tell builds apart after a reload),
// "fail_health" (true: report unhealthy), "tick_ms" (default 50), "ws_url"
// (instead of ticking: connect there, send {"subscribe":"TEST_A"}, and publish
// each message {"price":"123.45"} as a tick; the connection state is the
// command "ws_state"), "price_in_start" (a price like "42.00" published from
// start(), before the host swaps the instance in). The command "add_instrument"
// {"symbol":"X"} adds an instrument and tells the host (host->instruments_changed).
// "base_asset" (default none) gives TEST_A a base asset (bots trade it against
// USD); "scripted": true publishes no ticks of its own, only those the command
// "publish" {"price":"101.00"} asks for (tests drive prices step by step).
#include <bourse/plugin.hpp>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <sstream>

namespace {

class TestSource : public bourse::PriceSource {
public:
    explicit TestSource(bourse::Host& host) : PriceSource(host) {
        try {
            Poco::JSON::Parser parser;
            const auto cfg = parser.parse(host.configJson()).extract<Poco::JSON::Object::Ptr>();
            _tag = cfg->optValue<std::string>("version_tag", "untagged");
            _failHealth = cfg->optValue<bool>("fail_health", false);
            _tickMs = cfg->optValue<int>("tick_ms", 50);
            _wsUrl = cfg->optValue<std::string>("ws_url", "");
            _priceInStart = cfg->optValue<std::string>("price_in_start", "");
            _baseAsset = cfg->optValue<std::string>("base_asset", "");
            _scripted = cfg->optValue<bool>("scripted", false);
        } catch (const Poco::Exception& e) {
            throw bourse::Error(BOURSE_E_CONFIG, "config: " + e.displayText());
        }
        if (_tickMs < 1) throw bourse::Error(BOURSE_E_CONFIG, "config: tick_ms: must be at least 1");
    }
    std::vector<bourse::Instrument> instruments() override {
        std::vector<bourse::Instrument> out{{"TEST_A", "Test A", 2, _baseAsset, "USD"}};
        for (const auto& symbol : _added)
            out.push_back({symbol, symbol, 2, "", "USD"});
        return out;
    }
    void start() override {
        if (!_wsUrl.empty()) {
            _ws = host().wsConnect(_wsUrl, [this](bourse::Host::WsEvent e, std::string_view data) { onWs(e, data); });
            return;
        }
        if (!_priceInStart.empty()) host().publishTick("TEST_A", bourse::Decimal::parse(_priceInStart, 2));
        if (_scripted) return;
        // Continue from the last price, like a real source after a reload.
        if (const auto last = host().lastTick("TEST_A"); last && last->price.scale == 2) _price = last->price.mantissa;
        _timer = host().every(std::chrono::milliseconds(_tickMs), [this] {
            // A deterministic zig-zag that never reaches zero.
            _price = (_price % 7 == 0 && _price > 100) ? _price - 3 : _price + 1;
            host().publishTick("TEST_A", bourse::Decimal(_price, 2));
        });
    }
    void stop() override {
        if (_timer) host().cancel(_timer);
        if (_ws) host().wsClose(_ws);
    }
    bool healthy() override { return !_failHealth; }
    std::string command(const std::string& name, const std::string& args) override {
        if (name == "publish") {
            Poco::JSON::Parser parser;
            const auto price = parser.parse(args).extract<Poco::JSON::Object::Ptr>()->getValue<std::string>("price");
            host().publishTick("TEST_A", bourse::Decimal::parse(price, 2));
            return "{}";
        }
        if (name == "add_instrument") {
            // As a source that learns its symbols late (an exchange's list) would.
            Poco::JSON::Parser parser;
            _added.push_back(parser.parse(args).extract<Poco::JSON::Object::Ptr>()->getValue<std::string>("symbol"));
            host().instrumentsChanged();
            return "{}";
        }
        if (name != "version" && name != "ws_state") return PriceSource::command(name, args);
        Poco::JSON::Object reply;
        reply.set("version_tag", _tag);
        reply.set("ws_state", _wsState);
        std::ostringstream out;
        reply.stringify(out);
        return out.str();
    }

private:
    void onWs(bourse::Host::WsEvent e, std::string_view data) {
        switch (e) {
            case bourse::Host::WsEvent::Open:
                _wsState = "open";
                host().wsSend(_ws, R"({"subscribe":"TEST_A"})");
                return;
            case bourse::Host::WsEvent::Message: {
                Poco::JSON::Parser parser;
                const auto msg = parser.parse(std::string(data)).extract<Poco::JSON::Object::Ptr>();
                host().publishTick("TEST_A", bourse::Decimal::parse(msg->getValue<std::string>("price"), 2));
                return;
            }
            case bourse::Host::WsEvent::Closed:
                _wsState = "closed: " + std::string(data);
                _ws = 0;
                return;
        }
    }

    std::string _tag;
    std::vector<std::string> _added;
    std::string _priceInStart;
    std::string _baseAsset;
    bool _scripted = false;
    std::string _wsUrl;
    std::string _wsState = "none";
    bourse::Host::WsId _ws = 0;
    bool _failHealth = false;
    int _tickMs = 50;
    std::int64_t _price = 10000;
    bourse::Host::TimerId _timer = 0;
};

}  // namespace

BOURSE_DECLARE_PLUGIN(TestSource, "test-source", "1.0.0", "well-behaved source for lifecycle tests")
