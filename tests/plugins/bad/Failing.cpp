// One source file, several failing plugins: FAILURE selects where it fails
// (the build defines it per target). Each is otherwise a valid price source.
#include <bourse/plugin.hpp>

#include <stdexcept>

namespace {

enum class Failure { Factory, Start, Health, Calls };

class Failing : public bourse::PriceSource {
public:
    explicit Failing(bourse::Host& host) : PriceSource(host) {
        if (kFailure == Failure::Factory) throw bourse::Error(BOURSE_E_CONFIG, "config: missing api_key");
    }
    std::vector<bourse::Instrument> instruments() override {
        if (kFailure == Failure::Calls) throw std::runtime_error("instrument list exploded");
        return {{"FAIL_X", "Failing", 2, "", ""}};
    }
    void start() override {
        if (kFailure == Failure::Start) throw bourse::Error(BOURSE_E_UNAVAILABLE, "upstream: cannot reach the venue");
    }
    bool healthy() override { return kFailure != Failure::Health; }
    std::string command(const std::string&, const std::string&) override {
        throw std::runtime_error("command exploded");
    }

private:
    static constexpr Failure kFailure = Failure::FAILURE;
};

}  // namespace

BOURSE_DECLARE_PLUGIN(Failing, PLUGIN_ID, "1.0.0", "fails on purpose (test fixture)")
