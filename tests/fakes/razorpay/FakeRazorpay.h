//
// FakeRazorpay.h — a local stand-in for Razorpay (Orders, Payments, Refunds)
// and RazorpayX (Contacts, Fund Accounts, Payouts), speaking the real wire
// format (../shared/reference/wire-formats.md §5), for tests and for running
// bourse's razorpay gateway offline.
//
// REST under /v1/ (HTTP Basic key_id:key_secret on every call, else 401
// {"error":{"code":"BAD_REQUEST_ERROR","description":"The api key provided is invalid",...}}):
//   POST /v1/orders, GET /v1/orders[?receipt&count&skip&from&to], GET /v1/orders/{id},
//   GET /v1/orders/{id}/payments, GET /v1/payments/{id}, POST /v1/payments/{id}/capture,
//   POST /v1/payments/{id}/refund, GET /v1/payments/{id}/refunds, GET /v1/refunds/{id},
//   POST /v1/contacts, GET /v1/contacts/{id}, POST /v1/fund_accounts, GET /v1/fund_accounts/{id},
//   POST /v1/payouts (X-Payout-Idempotency mandatory), GET /v1/payouts/{id}.
// Bodies are validated as Razorpay does (Store.h lists the rules); errors are
// Razorpay's {"error":{code, description, source, step, reason, metadata, field}}.
//
// What Razorpay's other parties do is a control: a customer paying an order at
// Checkout (payOrder: a captured payment, the signature Checkout hands the
// browser, and payment.authorized / payment.captured / order.paid webhooks), a
// payment failing (payment.failed), the banks settling payouts and refunds
// (payout.processed / failed / reversed / rejected, refund.processed / failed).
// Every control is also an HTTP endpoint under /_fake/ (no auth, CORS open) for
// other processes and the browser — see ControlRoutes.h.
//
// Webhooks are signed exactly like Razorpay's (X-Razorpay-Signature =
// hex HMAC-SHA256 of the raw body under the webhook secret; x-razorpay-event-id
// unique per event) and POSTed to the configured URL from a delivery thread,
// in order, one at a time. Options: deliver each twice, deliver the events of
// one change in reverse order, hold them until released (optionally reversed),
// sign with a wrong secret. Events are recorded even without a URL, so a test
// can hand their exact bytes to a plugin. A delivery that does not get a 2xx
// within 5 s is recorded as failed and re-sent by retryFailedWebhooks()
// (Razorpay retries with backoff; the fake retries when told).
//
// Faults for tests (on /v1/ requests only): the next N answer 500 / 429 / any
// status with Razorpay's error body and no effect; or hang — handled (the
// effect happens) and the reply withheld for a while, the "reply lost after
// the fact" case idempotency exists for.
//
// Thread-safe; the destructor stops the server and the delivery thread.
//
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace bourse::fakes {

struct FakeRazorpayOptions {
    std::uint16_t port = 0;  ///< 0: any free port
    std::string keyId = "rzp_test_FakeKey0000001";
    std::string keySecret = "fake_key_secret_0001";
    std::string accountId = "acc_FakeAccount00001";  ///< account_id in webhook envelopes
    std::string accountNumber = "7878780080316316";  ///< the RazorpayX account payouts must name
    std::int64_t balance = 100'000'000;              ///< RazorpayX balance, paise (₹10,00,000)
    std::string webhookUrl;                          ///< "" → events recorded, not sent
    std::string webhookSecret = "fake_webhook_secret";
    bool autoCapture = true;              ///< payOrder captures at once; false: authorized, capture by API
    bool refundsPending = false;          ///< refunds start pending until processRefund / failRefund
    bool payoutsNeedApproval = false;     ///< payouts start pending (approval) instead of processing
    std::uint64_t seed = 0;               ///< id generator seed; 0: random
    std::function<std::int64_t()> clock;  ///< epoch ms for created_at; the system clock if empty
};

/// One /v1/ request as the fake saw and answered it.
struct FakeRazorpayRequest {
    std::int64_t atMs = 0;
    std::string method, path, query;
    std::string authorization;  ///< the Authorization header as sent
    bool hasIdempotencyKey = false;
    std::string idempotencyKey;  ///< X-Payout-Idempotency
    std::string contentType;
    std::string body;
    int status = 0;         ///< HTTP status answered
    std::string errorCode;  ///< error.code of the answer, "" on success
    std::string errorDescription;
    std::string fault;  ///< "", "status", "hang"
};

/// One webhook event (created once, delivered any number of times).
struct FakeRazorpayEvent {
    std::string id;         ///< x-razorpay-event-id
    std::string event;      ///< "payment.captured", ...
    std::string body;       ///< the raw bytes sent
    std::string signature;  ///< X-Razorpay-Signature as sent (wrong when wrongSecret was on)
};

/// One delivery attempt.
struct FakeRazorpayDelivery {
    std::string eventId, event, url;
    int status = 0;     ///< HTTP status answered; 0 when none (see error)
    std::string error;  ///< transport error
    std::int64_t atMs = 0;
};

/// What Razorpay Checkout hands the browser after a successful payment.
struct FakeRazorpayCheckout {
    std::string paymentId, orderId, signature;
    /// {"razorpay_payment_id","razorpay_order_id","razorpay_signature"}: confirm_deposit's metadata.
    [[nodiscard]] std::string toJson() const;
};

struct FakeRazorpayWebhookOptions {
    bool twice = false;        ///< every event delivered two times in a row
    bool outOfOrder = false;   ///< the events of one change delivered last first
    bool hold = false;         ///< kept until releaseWebhooks()
    bool wrongSecret = false;  ///< signed with a secret that is not the webhook's
};

class FakeRazorpay {
public:
    explicit FakeRazorpay(FakeRazorpayOptions options = {});
    ~FakeRazorpay();
    FakeRazorpay(const FakeRazorpay&) = delete;
    FakeRazorpay& operator=(const FakeRazorpay&) = delete;

    [[nodiscard]] std::string url() const;  ///< http://127.0.0.1:PORT (the plugin's api_url)
    [[nodiscard]] std::uint16_t port() const;
    [[nodiscard]] const FakeRazorpayOptions& options() const;

    // --- the customer at Checkout ---
    /// Pays an order: a payment (captured unless autoCapture is off), the
    /// Checkout result and the webhooks. Throws std::invalid_argument for an
    /// unknown or already paid order.
    FakeRazorpayCheckout payOrder(const std::string& orderId, const std::string& method = "upi");
    /// A failed attempt on the order (payment.failed); returns the pay_ id.
    std::string failPayment(const std::string& orderId, const std::string& description = "");
    /// hex(HMAC_SHA256(key_secret, order_id|payment_id)), as Checkout signs.
    [[nodiscard]] std::string checkoutSignature(const std::string& orderId, const std::string& paymentId) const;

    // --- the banks (throw std::invalid_argument when the state does not allow it) ---
    void processPayout(const std::string& payoutId, const std::string& utr = "");
    void failPayout(const std::string& payoutId, const std::string& description = "");
    void reversePayout(const std::string& payoutId, const std::string& description = "");
    void rejectPayout(const std::string& payoutId, const std::string& description = "");
    void processRefund(const std::string& refundId);
    void failRefund(const std::string& refundId);
    /// A contact and a UPI fund account, as if made on the Dashboard; returns fa_….
    std::string addVpaFundAccount(const std::string& name, const std::string& vpa);
    void setBalance(std::int64_t paise);
    [[nodiscard]] std::int64_t balance() const;

    // --- faults (on /v1/ requests) ---
    /// The next `count` requests answer `httpStatus` with Razorpay's error body and no effect.
    void failNext(int httpStatus, int count = 1);
    /// The next `count` requests hang for `duration` (interrupted when the fake stops):
    /// processFirst: handled first, then the reply withheld; otherwise the wait comes first.
    void hangNext(std::chrono::milliseconds duration, int count = 1, bool processFirst = true);
    /// Clears scripted faults.
    void clearFaults();

    // --- webhooks ---
    /// Where events go and the secret they are signed with ("" keeps the current secret).
    void setWebhook(const std::string& url, const std::string& secret = "");
    void setWebhookOptions(const FakeRazorpayWebhookOptions& options);
    [[nodiscard]] FakeRazorpayWebhookOptions webhookOptions() const;
    /// Queues every held event (last first if `reverse`); returns how many.
    std::size_t releaseWebhooks(bool reverse = false);
    /// Queues again every event whose last delivery failed; returns how many.
    std::size_t retryFailedWebhooks();
    /// Waits until nothing is queued or being sent (held events do not count).
    bool waitForWebhooks(std::chrono::milliseconds timeout = std::chrono::seconds(10));
    [[nodiscard]] std::vector<FakeRazorpayEvent> events() const;
    [[nodiscard]] std::vector<FakeRazorpayDelivery> deliveries() const;

    // --- what clients did ---
    [[nodiscard]] std::vector<FakeRazorpayRequest> requests() const;
    /// The current JSON of any object by id (order_, pay_, rfnd_, cont_, fa_, pout_); "" if unknown.
    [[nodiscard]] std::string entity(const std::string& id) const;
    /// How many objects have ids starting with `prefix` ("order_", "pout_", ...).
    [[nodiscard]] std::size_t count(const std::string& prefix) const;

    class Impl;

private:
    std::unique_ptr<Impl> _impl;
};

}  // namespace bourse::fakes
