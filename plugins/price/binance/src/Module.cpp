// The module entry of the Binance price source.
#include "BinanceSource.h"

BOURSE_DECLARE_PLUGIN(bourse::binance::BinanceSource, "binance", "1.0.0",
                      "Live Binance Spot prices: market streams with REST fallback, instruments from exchangeInfo")
