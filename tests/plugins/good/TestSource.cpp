// A small, well-behaved price source for lifecycle tests: one instrument TEST_A
// ticking every 50 ms. Config: "version_tag" (returned by command "version"),
// "fail_health" (report unhealthy), "tick_ms" (default 50).
#include <bourse/plugin.hpp>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

namespace {

class TestSource : public bourse::PriceSource {
public:
    explicit TestSource(bourse::Host& host) : PriceSource(host) {
        Poco::JSON::Parser parser;
        const auto cfg = parser.parse(host.configJson()).extract<Poco::JSON::Object::Ptr>();
        _tag = cfg->optValue<std::string>("version_tag", "untagged");
        _failHealth = cfg->optValue<bool>("fail_health", false);
        _tickMs = cfg->optValue<int>("tick_ms", 50);
    }
    std::vector<bourse::Instrument> instruments() override { return {{"TEST_A", "Test A", 2, "", "USD"}}; }
    void start() override {
        if (const auto last = host().lastTick("TEST_A")) _price = last->price.mantissa;
        host().every(std::chrono::milliseconds(_tickMs), [this] {
            _price += (_price % 7 == 0) ? -3 : 1;
            host().publishTick("TEST_A", bourse::Decimal(_price, 2));
        });
    }
    bool healthy() override { return !_failHealth; }
    std::string command(const std::string& name, const std::string& args) override {
        if (name == "version") return R"({"version_tag":")" + _tag + R"("})";
        return PriceSource::command(name, args);
    }

private:
    std::string _tag;
    bool _failHealth = false;
    int _tickMs = 50;
    std::int64_t _price = 10000;
};

} // namespace

BOURSE_DECLARE_PLUGIN(TestSource, "test-source", "1.0.0", "well-behaved source for lifecycle tests")
