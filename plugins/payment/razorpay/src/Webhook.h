//
// Webhook.h — Razorpay webhooks in, normalised events out (plugins/payment/README.md,
// verify_webhook). Wire facts: wire-formats.md §5.4.
//
// Verification: X-Razorpay-Signature = hex(HMAC_SHA256(webhook secret, raw
// body)), compared in constant time over the bytes as received (no JSON round
// trip). The webhook secret is the one set on the webhook in the Dashboard,
// not the API key secret. During a rotation Razorpay's retries of older events
// are still signed with the old secret, so `previous` is tried too. Header
// names are matched case-insensitively. The signature covers the body only:
// there is no timestamp, so replays are stopped by the kernel recording each
// x-razorpay-event-id once.
//
// A missing x-razorpay-event-id (Razorpay always sends one) is refused with
// BOURSE_E_INVALID: without it the kernel could not record the event once.
//
// Normalisation:
//   payment.captured, order.paid        → deposit.succeeded (provider_ref = order_…, payment_ref = pay_…)
//   payment.failed                      → deposit.failed (reason = error_description)
//   payout.processed                    → payout.succeeded
//   payout.failed / rejected / cancelled→ payout.failed (reason = status_details.description)
//   payout.reversed                     → payout.reversed
//   refund.processed / refund.failed    → refund.succeeded / refund.failed
//   anything else (payment.authorized, payout.queued, refund.created,
//   disputes, payments without an order) → ignored
// deposit_id comes from the order's or payment's notes, else the order's
// receipt; withdrawal_id from the payout's or refund's notes, else the
// payout's reference_id.
//
#pragma once

#include <bourse/plugin.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace bourse::razorpay {

struct WebhookSecrets {
    std::string current;
    std::string previous;  ///< empty when not rotating
};

/// True when `signature` (hex, either case) is the HMAC of `body` under either secret.
bool signatureMatches(std::string_view body, std::string_view signature, const WebhookSecrets& secrets);

struct NormalisedEvent {
    std::string eventId, type, providerRef, depositId, withdrawalId, paymentRef, reason;
    std::optional<Money> amount;

    [[nodiscard]] std::string toJson() const;
};

/// The normalised event of a verified body. Throws bourse::Error(BOURSE_E_INVALID)
/// when the body is not a Razorpay event.
NormalisedEvent normalise(const std::string& eventId, const std::string& body);

/// The whole verify path: signature (BOURSE_E_SIGNATURE), event id and body
/// (BOURSE_E_INVALID), then the normalised event as JSON.
std::string verifyWebhook(const Webhook& webhook, const WebhookSecrets& secrets);

}  // namespace bourse::razorpay
