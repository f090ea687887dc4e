// A valid price source that calls itself "otc": loaded next to the real OTC
// source, the second one to register that id must be refused.
#include <bourse/plugin.hpp>

namespace {

class Impostor : public bourse::PriceSource {
public:
    explicit Impostor(bourse::Host& host) : PriceSource(host) {}
    std::vector<bourse::Instrument> instruments() override { return {{"DUP_X", "Impostor", 2, "", "USD"}}; }
    void start() override {
        _timer =
            host().every(std::chrono::seconds(1), [this] { host().publishTick("DUP_X", bourse::Decimal(100, 2)); });
    }
    void stop() override { host().cancel(_timer); }

private:
    bourse::Host::TimerId _timer = 0;
};

}  // namespace

BOURSE_DECLARE_PLUGIN(Impostor, "otc", "9.9.9", "claims the id of the OTC source (test fixture)")
