// The module entry of the DCA-bot plugin. It needs a host of ABI 1.3 or newer:
// without the control entry a bot could never be paused or stopped.
#define BOURSE_MIN_HOST_MINOR 3
#include "DcaProduct.h"

BOURSE_DECLARE_PLUGIN(bourse::dca::DcaProduct, "dca-bot", "1.0.0",
                      "DCA bots: a base order, a ladder of safety orders and a take profit, deal after deal")
