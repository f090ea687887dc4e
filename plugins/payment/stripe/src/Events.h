//
// Events.h — Stripe objects and events in the kernel's words (the JSON of
// ../../README.md). Pure functions on parsed JSON, so recorded payloads test
// them directly.
//
// Events (verifyWebhook, after the signature):
//   checkout.session.completed, payment_status "paid" → deposit.succeeded
//   checkout.session.completed, otherwise ("unpaid": a delayed method is still
//     settling; its own event follows)                  → ignored
//   checkout.session.async_payment_succeeded            → deposit.succeeded
//   checkout.session.async_payment_failed               → deposit.failed
//   checkout.session.expired                            → deposit.failed
//   refund.created / refund.updated / charge.refund.updated, by the refund's
//     status: succeeded → refund.succeeded; failed, canceled → refund.failed;
//     pending, requires_action → ignored
//   refund.failed                                       → refund.failed
//   anything else (payment_intent.*, charge.refunded, …) → ignored: the session
//     and refund events above say the same about the objects the kernel tracks,
//     under the ids it knows (cs_…, re_…); a charge.refunded cannot name the
//     refund when a charge has several.
//
#pragma once

#include <Poco/JSON/Object.h>

#include <string>

namespace bourse::stripe {

/// The normalised event for a verified event body (JSON text). Throws
/// bourse::Error(BOURSE_E_INVALID) when the body is not a Stripe event (a JSON
/// object with "object":"event" and an id); an event without data.object is ignored.
[[nodiscard]] std::string normaliseEvent(const std::string& body);

/// A Checkout Session as the kernel's query reply: paid → succeeded (with
/// payment_ref), expired → failed, otherwise pending.
[[nodiscard]] Poco::JSON::Object::Ptr depositState(const Poco::JSON::Object::Ptr& session);

/// A completed but unpaid session whose PaymentIntent has since settled:
/// refines `state` (from depositState) with the intent's status.
void refineWithPaymentIntent(Poco::JSON::Object& state, const Poco::JSON::Object::Ptr& paymentIntent);

/// A Refund as the kernel's query reply (provider_ref, status, payment_ref, amount, reason).
[[nodiscard]] Poco::JSON::Object::Ptr refundState(const Poco::JSON::Object::Ptr& refund);

/// "pending", "succeeded" or "failed" for a Stripe refund status.
[[nodiscard]] std::string refundStatus(const std::string& stripeStatus);

/// The id of a field that is an id or an expanded object ("pi_…" or {"id":"pi_…",…}); "" for null or absent.
[[nodiscard]] std::string idOf(const Poco::JSON::Object::Ptr& o, const std::string& key);

/// The JSON text of an object.
[[nodiscard]] std::string toJson(const Poco::JSON::Object& o);

}  // namespace bourse::stripe
