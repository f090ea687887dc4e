//
// RiskChecks.h — per-user limits that refuse a payment, and velocity rules
// that only flag one for an operator. Both run inside the commit-queue op that
// records the payment, so two concurrent requests cannot both slip under a
// daily limit (the writer runs ops one at a time).
//
#pragma once

#include "config/Config.h"

#include <cstdint>
#include <optional>
#include <string>

namespace bourse {

class PreparedSession;

namespace risk {

/// Why a deposit of `amount` would break a daily limit, or nullopt.
std::optional<std::string> depositLimit(PreparedSession& w, const CurrencyLimits& limits, const std::string& userId,
                                        const std::string& currency, std::int64_t amount, std::int64_t nowNs);
std::optional<std::string> withdrawalLimit(PreparedSession& w, const CurrencyLimits& limits, const std::string& userId,
                                           const std::string& currency, std::int64_t amount, std::int64_t nowNs);

/// Records a flag; returns its id.
std::string flag(PreparedSession& w, const std::string& userId, const std::string& rule, const std::string& detail,
                 const std::string& reference, std::int64_t nowNs);
/// Flags the velocity rules a new deposit breaks; returns how many it raised.
int checkDeposit(PreparedSession& w, const VelocityRules& rules, const std::string& userId,
                 const std::string& depositId, std::int64_t nowNs);
int checkWithdrawal(PreparedSession& w, const VelocityRules& rules, const std::string& userId,
                    const std::string& withdrawalId, std::int64_t nowNs);
/// True when the user has a flag no operator has resolved yet.
bool hasOpenFlags(PreparedSession& w, const std::string& userId);

}  // namespace risk
}  // namespace bourse
