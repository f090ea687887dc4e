// The module entry of the grid-bot plugin. It needs a host of ABI 1.3 or newer:
// without the control entry a grid could never be paused or stopped.
#define BOURSE_MIN_HOST_MINOR 3
#include "GridProduct.h"

BOURSE_DECLARE_PLUGIN(bourse::grid::GridProduct, "grid-bot", "1.0.0",
                      "Spot grid bots: buy on the lines below the price, sell one line up, again and again")
