//
// Amounts.h — Razorpay's rules on amounts, checked before any request so a
// deposit the provider would refuse fails at once with BOURSE_E_INVALID and
// costs no call. Amounts are integers in the currency's smallest unit (paise);
// the minimum is 100 units (₹1.00); three-decimal currencies (KWD, BHD, OMR,
// …) must end in 0 because Razorpay settles them to two decimals.
//
#pragma once

#include <bourse/decimal.hpp>

#include <string>
#include <vector>

namespace bourse::razorpay {

inline constexpr std::int64_t kMinimumAmount = 100;

/// ISO 4217 currencies with three decimals.
bool threeDecimalCurrency(const std::string& currency);

/// Throws bourse::Error(BOURSE_E_INVALID) naming the rule broken ("invalid: …").
/// `allowed` empty means any currency.
void checkAmount(const Money& amount, const std::vector<std::string>& allowed);

}  // namespace bourse::razorpay
