// The module entry of the manual KYC provider.
#include "ManualKyc.h"

BOURSE_DECLARE_PLUGIN(bourse::kyc::ManualKyc, "manual", "1.0.0",
                      "Identity verification by operators reviewing uploaded documents")
