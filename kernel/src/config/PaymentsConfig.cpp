#include "config/PaymentsConfig.h"

#include "config/YamlReader.h"
#include "ledger/Ledger.h"

#include <regex>

namespace bourse {

namespace {

std::int64_t amount(const YamlReader& r, const std::string& key, std::int64_t fallback) {
    const std::string text = r.string(key, "");
    if (text.empty()) return fallback;
    std::string why;
    const auto minor = parseMinor(text, 2, why);
    if (!minor || *minor < 0) r.fail(key, "expected an amount like \"100.00\", got '" + text + "'");
    return *minor;
}

CurrencyLimits readLimits(const YamlReader& r) {
    r.allowOnly({"min_deposit", "max_deposit", "min_withdrawal", "max_withdrawal", "daily_deposit", "daily_withdrawal",
                 "auto_approve_below"});
    CurrencyLimits l;
    l.minDeposit = amount(r, "min_deposit", l.minDeposit);
    l.maxDeposit = amount(r, "max_deposit", l.maxDeposit);
    l.minWithdrawal = amount(r, "min_withdrawal", l.minWithdrawal);
    l.maxWithdrawal = amount(r, "max_withdrawal", l.maxWithdrawal);
    l.dailyDeposit = amount(r, "daily_deposit", l.dailyDeposit);
    l.dailyWithdrawal = amount(r, "daily_withdrawal", l.dailyWithdrawal);
    l.autoApproveBelow = amount(r, "auto_approve_below", l.autoApproveBelow);
    if (l.minDeposit <= 0) r.fail("min_deposit", "must be above zero");
    if (l.minWithdrawal <= 0) r.fail("min_withdrawal", "must be above zero");
    if (l.maxDeposit < l.minDeposit) r.fail("max_deposit", "is below min_deposit");
    if (l.maxWithdrawal < l.minWithdrawal) r.fail("max_withdrawal", "is below min_withdrawal");
    if (l.dailyDeposit < l.maxDeposit) r.fail("daily_deposit", "is below max_deposit");
    if (l.dailyWithdrawal < l.maxWithdrawal) r.fail("daily_withdrawal", "is below max_withdrawal");
    return l;
}

}  // namespace

void readPayments(const YamlReader& r, PaymentsConfig& p) {
    r.allowOnly({"limits", "velocity", "gateway_timeout_ms", "reconcile_after_s", "reconcile_interval_s",
                 "deposit_expiry_hours", "public_url"});
    p.depositExpiryHours = r.integer("deposit_expiry_hours", p.depositExpiryHours, 1, 24 * 30);
    p.gatewayTimeoutMs = r.integer("gateway_timeout_ms", p.gatewayTimeoutMs, 100, 300'000);
    p.reconcileAfterS = r.integer("reconcile_after_s", p.reconcileAfterS, 1, 7 * 86400);
    p.reconcileIntervalS = r.integer("reconcile_interval_s", p.reconcileIntervalS, 1, 86400);
    p.publicUrl = r.string("public_url", "");
    if (!p.publicUrl.empty() && p.publicUrl.rfind("http://", 0) != 0 && p.publicUrl.rfind("https://", 0) != 0)
        r.fail("public_url", "expected an http(s) URL");
    if (auto limits = r.child("limits")) {
        p.limits.clear();
        static const std::regex currency("[A-Z]{3}");
        for (const std::string& code : limits->keys()) {
            if (!std::regex_match(code, currency))
                limits->fail(code, "'" + code + "' is not an ISO 4217 code like USD");
            const auto entry = limits->child(code);
            if (!entry) limits->fail(code, "expected a mapping of limits");
            p.limits[code] = readLimits(*entry);
        }
        if (p.limits.empty()) r.fail("limits", "list at least one currency");
    }
    if (auto v = r.child("velocity")) {
        v->allowOnly({"deposits_per_hour", "withdrawals_per_day", "withdraw_within_minutes_of_deposit"});
        p.velocity.depositsPerHour = v->integer("deposits_per_hour", p.velocity.depositsPerHour, 1, 10000);
        p.velocity.withdrawalsPerDay = v->integer("withdrawals_per_day", p.velocity.withdrawalsPerDay, 1, 10000);
        p.velocity.withdrawWithinMinutesOfDeposit =
            v->integer("withdraw_within_minutes_of_deposit", p.velocity.withdrawWithinMinutesOfDeposit, 0, 7 * 24 * 60);
    }
}

void readKyc(const YamlReader& root, Config& c) {
    if (auto k = root.child("kyc")) {
        k->allowOnly({"provider", "required_for", "max_document_bytes", "max_documents", "document_types"});
        c.kyc.provider = k->string("provider", "");
        if (!c.kyc.provider.empty() && !c.findPlugin(c.kyc.provider))
            k->fail("provider", "'" + c.kyc.provider + "' is not a configured plugin id");
        c.kyc.requiredFor = k->stringList("required_for");
        for (const auto& action : c.kyc.requiredFor)
            if (action != "withdrawals" && action != "deposits" && action != "trading")
                k->fail("required_for", "'" + action + "' is not one of withdrawals, deposits, trading");
        c.kyc.maxDocumentBytes =
            k->integer("max_document_bytes", static_cast<int>(c.kyc.maxDocumentBytes), 1024, 64 << 20);
        c.kyc.maxDocuments = k->integer("max_documents", c.kyc.maxDocuments, 1, 100);
        if (auto types = k->stringList("document_types"); !types.empty()) {
            static const std::regex type("[a-z][a-z0-9_]{0,31}");
            for (const auto& t : types)
                if (!std::regex_match(t, type)) k->fail("document_types", "'" + t + "' is not a lower_snake_case name");
            c.kyc.documentTypes = std::move(types);
        }
    }
}

}  // namespace bourse
