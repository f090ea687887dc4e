// The module entry of the binary options plugin.
#include "BinaryOptions.h"

BOURSE_DECLARE_PLUGIN(bourse::binary::BinaryOptions, "binary-options", "1.0.0",
                      "Fixed-time UP/DOWN binary options with per-market payout rules")
