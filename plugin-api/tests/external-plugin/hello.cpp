// A minimal third-party price source: one instrument, a tick a second.
#include <bourse/plugin.hpp>

class Hello : public bourse::PriceSource {
public:
    explicit Hello(bourse::Host& host) : PriceSource(host) {}
    std::vector<bourse::Instrument> instruments() override { return {{"HELLO", "Hello index", 2, "", "USD"}}; }
    void start() override {
        _timer =
            host().every(std::chrono::seconds(1), [this] { host().publishTick("HELLO", bourse::Decimal(10000, 2)); });
    }
    void stop() override { host().cancel(_timer); }

private:
    bourse::Host::TimerId _timer = 0;
};

BOURSE_DECLARE_PLUGIN(Hello, "hello", "1.0.0", "Publishes 100.00 once a second")
