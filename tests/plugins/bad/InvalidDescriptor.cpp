// Registers a descriptor whose id breaks the id rules: registration must fail.
#include <bourse/plugin.hpp>

namespace {
class Source : public bourse::PriceSource {
public:
    using PriceSource::PriceSource;
    std::vector<bourse::Instrument> instruments() override { return {{"BAD_X", "Bad", 2, "", ""}}; }
};
}  // namespace

BOURSE_DECLARE_PLUGIN(Source, "Bad Id!", "1.0.0", "invalid id (test fixture)")
