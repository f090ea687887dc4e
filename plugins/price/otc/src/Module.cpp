// The module entry of the OTC price source.
#include "OtcPriceSource.h"

BOURSE_DECLARE_PLUGIN(bourse::otc::OtcPriceSource, "otc", "1.0.0",
                      "Synthetic OTC prices: seeded random walks with configurable volatility and bias")
