//
// OtcPriceSource.h — the synthetic OTC price source ("otc").
//
// Every configured instrument ticks on its own host timer whether or not anyone
// watches. Operators change volatility and bias at runtime (commands
// set_volatility, set_bias); the changes are kept in the host's key-value store
// under "instrument/<SYMBOL>" and applied again on create and on start, so they
// survive reloads and restarts. On start each instrument continues from the
// last price the host knows, so a reload does not make the chart jump.
// History (fetchCandles) is the same random walk run backwards from the price
// now, so a first start shows full charts that join the live price seamlessly;
// it is deterministic for a given seed, symbol and range.
//
#pragma once

#include "OtcConfig.h"
#include "PriceModel.h"

#include <bourse/plugin.hpp>

#include <Poco/Dynamic/Var.h>

#include <map>
#include <string>
#include <vector>

namespace bourse::otc {

class OtcPriceSource : public PriceSource {
public:
    /// Parses the config (throws bourse::Error(BOURSE_E_CONFIG)); starts nothing.
    explicit OtcPriceSource(Host& host);

    std::vector<Instrument> instruments() override;
    void start() override;
    void stop() override;
    bool healthy() override { return _started && !_state.empty(); }
    /// set_volatility, set_bias, get_instruments (see README.md).
    std::string command(const std::string& name, const std::string& argsJson) override;
    void fetchCandles(const std::string& symbol, int intervalS, std::int64_t fromNs, std::int64_t toNs,
                      Reply reply) override;

private:
    struct State {
        InstrumentConfig config;  ///< as configured, with operator overrides applied
        PriceModel model;
    };
    State& find(const std::string& symbol);
    void applySavedSettings(State& s);
    void saveSetting(const std::string& symbol, const std::string& key, const Poco::Dynamic::Var& value);
    void tick(State& s);
    std::string describe() const;

    OtcConfig _config;
    std::map<std::string, State> _state;
    std::vector<Host::TimerId> _timers;
    bool _started = false;
    std::uint64_t _seed = 0;  ///< the configured seed, or the one drawn at create
};

}  // namespace bourse::otc
