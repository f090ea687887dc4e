// The module entry of the Stripe payment gateway.
#include "StripeGateway.h"

BOURSE_DECLARE_PLUGIN(bourse::stripe::StripeGateway, "stripe", "1.0.0",
                      "Stripe: deposits through Checkout (hosted page, webhooks), withdrawals as refunds of the card "
                      "deposit")
