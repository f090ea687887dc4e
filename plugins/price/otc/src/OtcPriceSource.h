//
// OtcPriceSource.h — the synthetic OTC price source ("otc").
//
// Every configured instrument ticks on its own host timer whether or not anyone
// watches. Operators change volatility and bias at runtime (commands
// set_volatility, set_bias); the changes are kept in the host's key-value store
// and applied again on every start, so they survive reloads and restarts. On
// start each instrument continues from the last price the host knows, so a
// reload does not make the chart jump.
//
#pragma once

#include "OtcConfig.h"
#include "PriceModel.h"

#include <bourse/plugin.hpp>

#include <map>
#include <string>
#include <vector>

namespace bourse::otc {

class OtcPriceSource : public PriceSource {
public:
    explicit OtcPriceSource(Host& host);

    std::vector<Instrument> instruments() override;
    void start() override;
    void stop() override;
    bool healthy() override { return _started && !_state.empty(); }
    std::string command(const std::string& name, const std::string& argsJson) override;

private:
    struct State {
        InstrumentConfig config;
        PriceModel model;
    };
    State& find(const std::string& symbol);
    void tick(State& s);
    void persist(const State& s);
    std::string describe() const;

    OtcConfig _config;
    std::map<std::string, State> _state;
    std::vector<Host::TimerId> _timers;
    bool _started = false;
};

} // namespace bourse::otc
