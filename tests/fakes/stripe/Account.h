//
// Account.h — the state and rules of the fake's one Stripe test-mode
// account: Checkout Sessions, the PaymentIntents paying them, refunds, and
// the events each change emits. No HTTP here (FakeStripe.cpp has it): every
// call takes decoded parameters and returns Stripe's answer, so the rules are
// read in one place. Not thread-safe: FakeStripe serialises calls.
//
#pragma once

#include "stripe/FakeStripe.h"
#include "stripe/FormBody.h"

#include <Poco/JSON/Object.h>

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace bourse::fakes::stripe {

/// An API answer: HTTP status and JSON body; `store` when Stripe keeps it for the
/// Idempotency-Key (the endpoint ran; validation failures are not kept).
struct Answer {
    int status = 200;
    std::string body;
    bool store = true;
};

/// Stripe's {"error":{type, code, message, param, doc_url}} answer.
Answer apiError(int status, const std::string& type, const std::string& message, const std::string& param = "",
                const std::string& code = "", bool store = false);

/// The API request behind a change, named in its events' `request`.
struct RequestInfo {
    std::string id;              ///< req_…; "" for changes no API request made (a customer paid)
    std::string idempotencyKey;  ///< "" when none
};

class Account {
public:
    using Clock = std::function<std::int64_t()>;                    ///< epoch seconds
    using EventSink = std::function<void(const FakeStripeEvent&)>;  ///< called for each new event

    Account(Clock clock, std::string apiVersion, bool refundsSucceedAtOnce, std::string checkoutBaseUrl,
            EventSink sink);

    // --- API ---
    Answer createSession(const FormBody& form, const RequestInfo& request);
    Answer expireSession(const std::string& id, const RequestInfo& request);
    Answer createRefund(const FormBody& form, const RequestInfo& request);
    /// GET of "checkout.session", "payment_intent", "refund" or "event" `id`: the object or 404.
    Answer get(const std::string& kind, const std::string& id);

    // --- the customer and the banks (see FakeStripe.h); throw std::invalid_argument / std::logic_error ---
    std::string completeCheckout(const std::string& sessionId, bool paid);
    void settleAsyncPayment(const std::string& sessionId, bool succeeded);
    void expireCheckout(const std::string& sessionId);
    void settleRefund(const std::string& refundId);
    void failRefund(const std::string& refundId, const std::string& failureReason);

    // --- reading ---
    [[nodiscard]] std::optional<std::string> objectJson(const std::string& kind, const std::string& id);
    [[nodiscard]] std::optional<std::string> sessionIdFor(const std::string& clientReferenceId) const;
    [[nodiscard]] std::vector<std::string> sessionIds() const { return _sessionOrder; }
    [[nodiscard]] std::vector<std::string> refundIds() const { return _refundOrder; }
    [[nodiscard]] const std::vector<FakeStripeEvent>& events() const { return _events; }

    /// A new random id: prefix + n characters [A-Za-z0-9].
    std::string newId(const std::string& prefix, std::size_t n = 24);

private:
    using Metadata = std::map<std::string, std::string>;
    struct Session {
        std::string id, currency, clientReferenceId, successUrl, cancelUrl, url;
        std::string status = "open", paymentStatus = "unpaid", paymentIntent;
        std::int64_t amountTotal = 0, created = 0, expiresAt = 0;
        Metadata metadata, intentMetadata;
    };
    struct Intent {
        std::string id, currency, status, charge, clientSecret, sessionId, lastErrorCode;
        std::int64_t amount = 0, received = 0, refunded = 0, created = 0;  ///< refunded: pending and succeeded refunds
        Metadata metadata;
    };
    struct Refund {
        std::string id, paymentIntent, charge, currency, status, reason, failureReason, balanceTransaction;
        std::int64_t amount = 0, created = 0;
        Metadata metadata;
    };

    /// Open sessions past expires_at expire (Stripe does it on its own clock).
    void expireDue();
    Session& session(const std::string& id);
    Refund& refund(const std::string& id);
    void doExpire(Session& s, const RequestInfo& request);
    void emit(const std::string& type, const Poco::JSON::Object::Ptr& object, const RequestInfo& request,
              const Poco::JSON::Object::Ptr& previous = nullptr);

    [[nodiscard]] Poco::JSON::Object::Ptr render(const Session& s) const;
    [[nodiscard]] Poco::JSON::Object::Ptr render(const Intent& i) const;
    [[nodiscard]] Poco::JSON::Object::Ptr render(const Refund& r) const;
    [[nodiscard]] Poco::JSON::Object::Ptr renderCharge(const Intent& i) const;

    Clock _clock;
    std::string _apiVersion;
    bool _refundsSucceedAtOnce;
    std::string _checkoutBaseUrl;
    EventSink _sink;
    std::mt19937_64 _random;
    std::map<std::string, Session> _sessions;
    std::map<std::string, Intent> _intents;
    std::map<std::string, Refund> _refunds;
    std::vector<std::string> _sessionOrder, _refundOrder;
    std::vector<FakeStripeEvent> _events;
};

}  // namespace bourse::fakes::stripe
