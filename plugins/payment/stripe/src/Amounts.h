//
// Amounts.h — Stripe's rules for an amount, checked before any request so a
// deposit Stripe would refuse fails at once with BOURSE_E_INVALID and a
// message the operator understands (wire-formats.md §6.3).
//
// Amounts are integers in the currency's smallest unit, which for Stripe's
// zero-decimal currencies (JPY, KRW, …) is the whole unit: the kernel's ISO
// 4217 minor units agree for every one of them, so amounts pass unchanged.
// Stripe also wants at most 8 digits, a per-currency minimum ($0.50 or
// equivalent) and, for three-decimal currencies (BHD, JOD, KWD, OMR, TND), a
// last digit of 0.
//
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace bourse::stripe {

/// The largest amount Stripe takes: 8 digits.
inline constexpr std::int64_t kMaxAmount = 99'999'999;

[[nodiscard]] bool zeroDecimal(const std::string& currency);
[[nodiscard]] bool threeDecimal(const std::string& currency);

/// Stripe's published minimum charge (minor units) for currencies it lists, by ISO code in upper case.
[[nodiscard]] const std::map<std::string, std::int64_t>& stripeMinimums();

/// Why Stripe would refuse to charge `minor` of `currency` with this minimum, or nullopt when it would not.
[[nodiscard]] std::optional<std::string> chargeProblem(std::int64_t minor, const std::string& currency,
                                                       std::int64_t minimum);

/// Why Stripe would refuse to refund `minor` of `currency`, or nullopt (no minimum applies to refunds).
[[nodiscard]] std::optional<std::string> refundProblem(std::int64_t minor, const std::string& currency);

}  // namespace bourse::stripe
