// The module entry of the Razorpay payment gateway.
#include "RazorpayGateway.h"

BOURSE_DECLARE_PLUGIN(bourse::razorpay::RazorpayGateway, "razorpay", "1.0.0",
                      "Razorpay: deposits through Orders and Checkout, withdrawals through RazorpayX Payouts or "
                      "refunds, signed webhooks normalised")
