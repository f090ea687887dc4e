//
// Payment.h — the kernel's records of money crossing a payment gateway, and a
// gateway's normalised webhook event (plugins/payment/README.md).
//
// A deposit is `pending` until the gateway says the money was captured
// (`succeeded`, credited once) or the attempt failed (`failed`); a capture
// reported after a failure still credits (providers retry payments and
// deliver events out of order). An amount or currency that differs from the
// request puts it in `review` for an operator instead of crediting it.
//
// A withdrawal reserves its funds when requested (`pending_approval`, or
// `approved` below the auto-approval amount), is sent to the gateway
// (`processing`) and ends `succeeded`, or `failed` / `rejected` / `cancelled`
// with the funds returned; a payout that bounces after succeeding is `reversed`
// (funds returned again).
//
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace bourse {

struct Deposit {
    std::string id, userId, gateway, currency, status, providerRef, paymentRef, reason;
    std::string clientKey;  ///< the client's Idempotency-Key (or the id): one deposit per key and user
    std::int64_t amount = 0, refunded = 0;
    std::int64_t createdNs = 0, updatedNs = 0, completedNs = 0;
};

struct Withdrawal {
    std::string id, userId, gateway, currency, status, method, destinationJson, depositId, providerRef, reason,
        reviewedBy;
    std::string clientKey;  ///< the client's Idempotency-Key (or the id)
    std::int64_t amount = 0;
    int attempts = 0;
    std::int64_t createdNs = 0, updatedNs = 0, completedNs = 0;
};

/// A verified webhook event as the gateway normalised it.
struct GatewayEvent {
    std::string eventId, type, providerRef, depositId, withdrawalId, paymentRef, reason;
    std::optional<std::int64_t> amount;  ///< minor units, when the event carries one
    std::string currency;

    [[nodiscard]] bool isDeposit() const { return type.rfind("deposit.", 0) == 0; }
    [[nodiscard]] bool isWithdrawal() const { return type.rfind("payout.", 0) == 0 || type.rfind("refund.", 0) == 0; }
    /// "succeeded", "failed", "reversed" (the part after the dot).
    [[nodiscard]] std::string outcome() const { return type.substr(type.find('.') + 1); }
};

/// Parses a gateway's normalised event; throws std::invalid_argument naming what is wrong.
GatewayEvent parseGatewayEvent(const std::string& json);

std::string depositJson(const Deposit& d);
std::string withdrawalJson(const Withdrawal& w);

}  // namespace bourse
