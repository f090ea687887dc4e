//
// Replies.h — the provider's view of a deposit, payout or refund in the shape
// the kernel reads from confirm_deposit, query, payout and refund
// (plugins/payment/README.md): {"provider_ref","status","payment_ref","amount","reason"}.
//
// Status rules:
//   deposit  a captured payment of the order → succeeded (payment_ref = pay_…);
//            from confirm_deposit a failed payment → failed; anything else
//            (created, authorized, failed attempts while the order stays
//            payable) → pending. Razorpay lets a customer retry on the same
//            order and a failed UPI payment may still be captured later, so
//            query never calls an unpaid order failed: the kernel's own expiry
//            of pending deposits decides when to give up.
//   payout   processed → succeeded; queued / pending / processing → pending;
//            rejected / failed / cancelled → failed; reversed → reversed for
//            query, failed as the answer to a payout call.
//   refund   processed → succeeded; failed → failed; pending / created → pending.
//
#pragma once

#include "Entities.h"

#include <bourse/decimal.hpp>

#include <optional>
#include <string>
#include <vector>

namespace bourse::razorpay {

struct StatusReply {
    std::string providerRef, status, paymentRef, reason;
    std::optional<Money> amount;

    [[nodiscard]] std::string toJson() const;
};

/// confirm_deposit: one payment the browser named, for the order the kernel stored.
/// Throws bourse::Error(BOURSE_E_REJECTED) when the payment belongs to another order.
StatusReply depositFromPayment(const std::string& orderId, const Payment& payment);

/// query kind deposit: every payment attempt of the order.
StatusReply depositFromPayments(const std::string& orderId, const std::vector<Payment>& payments);

/// `forQuery`: a reversed payout is "reversed" (query) or "failed" (the payout
/// call's answer, which carries only provider_ref, status and reason).
StatusReply payoutReply(const Payout& payout, bool forQuery);

/// `forQuery` adds payment_ref and amount (the refund call answers like payout).
StatusReply refundReply(const Refund& refund, bool forQuery);

/// Why a payment failed, from Razorpay's error fields ("" when it did not).
std::string failureReason(const Payment& payment);

}  // namespace bourse::razorpay
