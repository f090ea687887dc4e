//
// FakeStripe.h — a local stand-in for Stripe's payments API, speaking its
// real wire format (../shared/reference/wire-formats.md §6), for tests and for
// running bourse's stripe plugin offline (fake-stripe). One test-mode account.
//
// API (secret key required: `Authorization: Bearer sk_…` or Basic with the key
// as user name; otherwise 401 with Stripe's error JSON; `Stripe-Version`
// checked for shape; POST bodies form-encoded with bracket notation; unknown
// or missing parameters, bad amounts and currencies: 400 invalid_request_error):
//   POST /v1/checkout/sessions           mode=payment, line_items[n][price_data][…], success_url, …
//   GET  /v1/checkout/sessions/{cs}      POST /v1/checkout/sessions/{cs}/expire
//   GET  /v1/payment_intents/{pi}        (created when a session is paid, as Stripe does)
//   POST /v1/refunds                     payment_intent, amount, reason, metadata[…]
//   GET  /v1/refunds/{re}                GET /v1/events/{evt}
// Idempotency-Key on POST: the first answer of an executed request is stored
// and replayed for the same key and parameters (with `Idempotent-Replayed:
// true`); the same key with other parameters or on another endpoint is 400
// idempotency_error; while the first is still running, 409. Requests refused
// by validation are not stored (Stripe's rule), so they may be retried.
//
// What the customer and the banks do is driven by the test (C++ methods
// below, or POST /_fake/… from another process or a browser, see
// README.md); each change emits the events Stripe emits, recorded and
// delivered to the webhook URL signed as Stripe signs them
// (`Stripe-Signature: t=…,v1=…,v0=…`), pretty-printed as Stripe sends them.
// Deliveries run on their own thread, in order, and can be held and released
// (in order or reversed), sent twice, signed with a wrong secret or an old
// timestamp, retried on failure, and filtered by event type as an endpoint's
// enabled_events are.
//
// Thread-safe; the destructor stops the server and the delivery thread.
//
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace bourse::fakes {

struct FakeStripeOptions {
    std::uint16_t port = 0;  ///< 0: any free port
    std::string secretKey = "sk_test_fake_4eC39HqLyjWDarjtT1zdp7dc";
    std::string webhookUrl;  ///< http://… receiving events; "" records events without delivering them
    std::string webhookSecret = "whsec_fake_5b1a0e7c3d9f4e2a8b6c";
    std::string apiVersion = "2024-06-20";  ///< the account's version, stamped on events
    /// Refunds start `pending` (settleRefund / failRefund decide) unless this is set.
    bool refundsSucceedAtOnce = false;
    /// The clock (epoch seconds) for created, expires_at and signature timestamps; the system clock if empty.
    std::function<std::int64_t()> clock;
};

/// One API request as the fake saw and answered it (/_fake/ controls are not recorded).
struct FakeStripeRequest {
    std::int64_t at = 0;    ///< on the fake's clock
    std::string requestId;  ///< req_…, as the Request-Id header and events' request.id say
    std::string method, path, query;
    std::string body;                         ///< raw
    std::map<std::string, std::string> form;  ///< decoded fields, bracket keys as sent ("metadata[deposit_id]")
    std::string authorization, idempotencyKey, stripeVersion, contentType;
    int status = 0;
    std::string response;
    bool replayed = false;  ///< answered from the idempotency store
};

struct FakeStripeEvent {
    std::string id, type;
    std::string objectId;  ///< data.object.id
    std::int64_t created = 0;
    std::string payload;  ///< the exact bytes delivered
};

/// One attempt to deliver an event.
struct FakeStripeDelivery {
    std::string eventId, type, url;
    std::int64_t timestamp = 0;  ///< t= of the signature
    std::string signature;       ///< the Stripe-Signature header sent
    std::string payload;
    int attempt = 1;         ///< 2, 3 … for retries after a failed attempt
    bool duplicate = false;  ///< the second copy of a deliverTwice event
    bool wrongSecret = false;
    int status = 0;  ///< the receiver's HTTP status; 0 when it could not be reached (see error)
    std::string error;
};

enum class FakeStripeRelease { AsQueued, Reversed };

class FakeStripe {
public:
    explicit FakeStripe(FakeStripeOptions options = {});
    ~FakeStripe();
    FakeStripe(const FakeStripe&) = delete;
    FakeStripe& operator=(const FakeStripe&) = delete;

    [[nodiscard]] std::string url() const;  ///< http://127.0.0.1:PORT (the plugin's api_url)
    [[nodiscard]] std::uint16_t port() const;
    [[nodiscard]] std::int64_t now() const;  ///< the fake's clock, epoch seconds
    [[nodiscard]] const std::string& secretKey() const;

    // --- the account: objects as GET /v1/… returns them (JSON text), nullopt when unknown ---
    [[nodiscard]] std::optional<std::string> session(const std::string& id) const;
    [[nodiscard]] std::optional<std::string> paymentIntent(const std::string& id) const;
    [[nodiscard]] std::optional<std::string> refund(const std::string& id) const;
    /// The newest session with this client_reference_id (the kernel's deposit id).
    [[nodiscard]] std::optional<std::string> sessionIdFor(const std::string& clientReferenceId) const;
    [[nodiscard]] std::vector<std::string> sessionIds() const;  ///< oldest first
    [[nodiscard]] std::vector<std::string> refundIds() const;   ///< oldest first

    // --- the customer and the banks; each emits Stripe's events. Unknown ids throw
    // std::invalid_argument, a change Stripe would not make std::logic_error. ---
    /// Card payment: session complete and paid, a succeeded PaymentIntent; returns its id.
    /// Events: payment_intent.created, payment_intent.succeeded, charge.succeeded, checkout.session.completed.
    std::string completeCheckout(const std::string& sessionId);
    /// Delayed method (bank debit): session complete but unpaid, the intent processing; returns its id.
    /// Events: payment_intent.created, payment_intent.processing, checkout.session.completed (unpaid).
    std::string completeCheckoutPending(const std::string& sessionId);
    /// The delayed payment settles: checkout.session.async_payment_succeeded (paid), or
    /// checkout.session.async_payment_failed (intent back to requires_payment_method).
    void settleAsyncPayment(const std::string& sessionId, bool succeeded);
    /// completeCheckoutPending then settleAsyncPayment(false): the deposit fails.
    void failCheckout(const std::string& sessionId);
    /// An open session expires: checkout.session.expired.
    void expireCheckout(const std::string& sessionId);
    /// A pending refund reaches the card: refund.updated, charge.refunded.
    void settleRefund(const std::string& refundId);
    /// A pending refund fails (the amount is refundable again): refund.updated, refund.failed.
    void failRefund(const std::string& refundId, const std::string& failureReason = "expired_or_canceled_card");

    // --- scripted faults on /v1/ (after the key check; nothing executes, nothing is stored) ---
    /// The next `count` requests answer `status` with Stripe's error JSON: 500/502/503 api_error,
    /// 429 rate_limit, 402 card_error (card_declined), 409 idempotency lock_timeout, 400 invalid_request_error.
    void failNext(int status, int count = 1);
    /// The next `count` requests wait `delay` first (past a client's timeout), then execute normally;
    /// meanwhile their Idempotency-Key is in flight (a retry gets 409).
    void hangNext(std::chrono::milliseconds delay, int count = 1);

    // --- webhooks ---
    void setWebhookUrl(const std::string& url);
    void setWebhookSecret(const std::string& secret);
    /// Event types delivered, as an endpoint's enabled_events ({"*"}: all, the default).
    void setEnabledEvents(std::set<std::string> types);
    /// Each event is delivered twice (two signatures, the same payload).
    void deliverTwice(bool on);
    /// Events wait until releaseEvents() while on.
    void holdEvents(bool on);
    /// Queues the held events for delivery; returns how many.
    std::size_t releaseEvents(FakeStripeRelease order = FakeStripeRelease::AsQueued);
    [[nodiscard]] std::size_t heldEvents() const;
    /// Sign with a secret other than the endpoint's.
    void signWithWrongSecret(bool on);
    /// Sign with t = now + offset (negative: an old timestamp, as a replay or a slow retry has).
    void setSignatureTimestampOffset(std::chrono::seconds offset);
    /// Also send a v0 signature (test mode does); on by default.
    void includeV0(bool on);
    /// A failed attempt (non-2xx, unreachable) is tried again up to `retries` times, `spacing` apart.
    void setDeliveryRetries(int retries, std::chrono::milliseconds spacing);
    /// Delivers an event again (the dashboard's "Resend"). Throws std::invalid_argument for an unknown id.
    void redeliver(const std::string& eventId);
    /// Every event emitted, oldest first, whether delivered or not.
    [[nodiscard]] std::vector<FakeStripeEvent> events() const;
    [[nodiscard]] std::vector<FakeStripeDelivery> deliveries() const;
    /// Waits until at least `count` delivery attempts finished; false on timeout.
    bool waitForDeliveries(std::size_t count, std::chrono::milliseconds timeout) const;

    // --- what clients sent ---
    [[nodiscard]] std::vector<FakeStripeRequest> requests() const;

    /// "t=<t>,v1=<hex HMAC-SHA256(secret, t + "." + payload)>", as Stripe signs.
    [[nodiscard]] static std::string signatureHeader(const std::string& secret, std::int64_t t,
                                                     const std::string& payload);

    class Impl;

private:
    std::unique_ptr<Impl> _impl;
};

}  // namespace bourse::fakes
