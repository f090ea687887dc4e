//
// PaymentsConfig.h — the `payments:` and `kyc:` sections of the YAML config
// (see Config.h for the types and config/bourse.yaml for an example).
//
#pragma once

#include "config/Config.h"

namespace bourse {

class YamlReader;

void readPayments(const YamlReader& section, PaymentsConfig& payments);
/// Reads `kyc:` (absent: no provider, nothing required); the provider must be
/// a configured plugin. (Withdrawals through a real-money gateway need KYC
/// whatever required_for says: PaymentService enforces that.)
void readKyc(const YamlReader& root, Config& config);

}  // namespace bourse
