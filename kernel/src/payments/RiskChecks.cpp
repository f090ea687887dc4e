#include "payments/RiskChecks.h"

#include "ledger/Ledger.h"
#include "storage/PreparedSession.h"
#include "util/Ids.h"

namespace bourse::risk {

namespace {

constexpr std::int64_t kHourNs = 3'600'000'000'000;
constexpr std::int64_t kDayNs = 24 * kHourNs;

std::string left(std::int64_t limit, std::int64_t used, const std::string& currency) {
    return "your daily limit is " + formatMinor(limit) + " " + currency + " and " +
           formatMinor(std::max<std::int64_t>(0, limit - used)) + " is left for the next 24 hours";
}

}  // namespace

std::optional<std::string> depositLimit(PreparedSession& w, const CurrencyLimits& limits, const std::string& userId,
                                        const std::string& currency, std::int64_t amount, std::int64_t nowNs) {
    const auto used = w.first<Poco::Int64>(
                           "SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM deposits "
                           "WHERE user_id = $1 AND currency = $2 AND created_ns > $3 "
                           "AND status IN ('pending', 'succeeded', 'review')",
                           userId, currency, Poco::Int64{nowNs - kDayNs})
                          .value_or(0);
    if (used + amount > limits.dailyDeposit) return "amount: " + left(limits.dailyDeposit, used, currency);
    return std::nullopt;
}

std::optional<std::string> withdrawalLimit(PreparedSession& w, const CurrencyLimits& limits, const std::string& userId,
                                           const std::string& currency, std::int64_t amount, std::int64_t nowNs) {
    const auto used = w.first<Poco::Int64>(
                           "SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM withdrawals "
                           "WHERE user_id = $1 AND currency = $2 AND created_ns > $3 "
                           "AND status NOT IN ('failed', 'rejected', 'cancelled')",
                           userId, currency, Poco::Int64{nowNs - kDayNs})
                          .value_or(0);
    if (used + amount > limits.dailyWithdrawal) return "amount: " + left(limits.dailyWithdrawal, used, currency);
    return std::nullopt;
}

std::string flag(PreparedSession& w, const std::string& userId, const std::string& rule, const std::string& detail,
                 const std::string& reference, std::int64_t nowNs) {
    const std::string id = newId("flag");
    w.exec(
        "INSERT INTO payment_flags (id, user_id, rule, detail, reference, created_ns) VALUES ($1, $2, $3, $4, $5, $6)",
        id, userId, rule, detail, reference, Poco::Int64{nowNs});
    return id;
}

int checkDeposit(PreparedSession& w, const VelocityRules& rules, const std::string& userId,
                 const std::string& depositId, std::int64_t nowNs) {
    const auto lastHour = w.first<Poco::Int64>("SELECT COUNT(*) FROM deposits WHERE user_id = $1 AND created_ns > $2",
                                               userId, Poco::Int64{nowNs - kHourNs})
                              .value_or(0);
    if (lastHour <= rules.depositsPerHour) return 0;
    flag(
        w, userId, "deposits_per_hour",
        std::to_string(lastHour) + " deposit attempts in an hour (rule: " + std::to_string(rules.depositsPerHour) + ")",
        depositId, nowNs);
    return 1;
}

int checkWithdrawal(PreparedSession& w, const VelocityRules& rules, const std::string& userId,
                    const std::string& withdrawalId, std::int64_t nowNs) {
    int raised = 0;
    const auto lastDay = w.first<Poco::Int64>("SELECT COUNT(*) FROM withdrawals WHERE user_id = $1 AND created_ns > $2",
                                              userId, Poco::Int64{nowNs - kDayNs})
                             .value_or(0);
    if (lastDay > rules.withdrawalsPerDay) {
        flag(w, userId, "withdrawals_per_day",
             std::to_string(lastDay) +
                 " withdrawal requests in 24 hours (rule: " + std::to_string(rules.withdrawalsPerDay) + ")",
             withdrawalId, nowNs);
        ++raised;
    }
    if (rules.withdrawWithinMinutesOfDeposit > 0) {
        const std::int64_t since = nowNs - std::int64_t{rules.withdrawWithinMinutesOfDeposit} * 60'000'000'000;
        const auto recent = w.first<std::string>(
            "SELECT id FROM deposits WHERE user_id = $1 AND status = 'succeeded' "
            "AND completed_ns > $2 ORDER BY completed_ns DESC LIMIT 1",
            userId, Poco::Int64{since});
        if (recent) {
            flag(w, userId, "withdraw_soon_after_deposit",
                 "withdrawal within " + std::to_string(rules.withdrawWithinMinutesOfDeposit) + " minutes of deposit " +
                     *recent,
                 withdrawalId, nowNs);
            ++raised;
        }
    }
    return raised;
}

bool hasOpenFlags(PreparedSession& w, const std::string& userId) {
    return w
        .first<std::string>("SELECT id FROM payment_flags WHERE user_id = $1 AND resolved_ns IS NULL LIMIT 1", userId)
        .has_value();
}

}  // namespace bourse::risk
