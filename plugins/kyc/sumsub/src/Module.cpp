// The module entry of the Sumsub KYC provider.
#include "SumsubProvider.h"

BOURSE_DECLARE_PLUGIN(bourse::sumsub::SumsubProvider, "sumsub", "1.0.0",
                      "Sumsub identity verification: applicants, WebSDK access tokens and signed applicantReviewed "
                      "webhooks")
