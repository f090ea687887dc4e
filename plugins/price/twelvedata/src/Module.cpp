// The module entry of the Twelve Data price source.
#include "TwelveDataSource.h"

BOURSE_DECLARE_PLUGIN(bourse::twelvedata::TwelveDataSource, "twelvedata", "1.0.0",
                      "Twelve Data prices (forex, metals, crypto, stocks): REST polling within the plan's credits or "
                      "the price stream, history from time_series")
