// A small, well-behaved price source for lifecycle and reload tests: one
// instrument TEST_A ticking every 50 ms. Config keys: "version_tag" (returned
// by the command "version", to tell builds apart after a reload),
// "fail_health" (true: report unhealthy), "tick_ms" (default 50).
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
        } catch (const Poco::Exception& e) {
            throw bourse::Error(BOURSE_E_CONFIG, "config: " + e.displayText());
        }
        if (_tickMs < 1) throw bourse::Error(BOURSE_E_CONFIG, "config: tick_ms: must be at least 1");
    }
    std::vector<bourse::Instrument> instruments() override { return {{"TEST_A", "Test A", 2, "", "USD"}}; }
    void start() override {
        // Continue from the last price, like a real source after a reload.
        if (const auto last = host().lastTick("TEST_A"); last && last->price.scale == 2) _price = last->price.mantissa;
        _timer = host().every(std::chrono::milliseconds(_tickMs), [this] {
            // A deterministic zig-zag that never reaches zero.
            _price = (_price % 7 == 0 && _price > 100) ? _price - 3 : _price + 1;
            host().publishTick("TEST_A", bourse::Decimal(_price, 2));
        });
    }
    void stop() override { host().cancel(_timer); }
    bool healthy() override { return !_failHealth; }
    std::string command(const std::string& name, const std::string& args) override {
        if (name != "version") return PriceSource::command(name, args);
        Poco::JSON::Object reply;
        reply.set("version_tag", _tag);
        std::ostringstream out;
        reply.stringify(out);
        return out.str();
    }

private:
    std::string _tag;
    bool _failHealth = false;
    int _tickMs = 50;
    std::int64_t _price = 10000;
    bourse::Host::TimerId _timer = 0;
};

}  // namespace

BOURSE_DECLARE_PLUGIN(TestSource, "test-source", "1.0.0", "well-behaved source for lifecycle tests")
