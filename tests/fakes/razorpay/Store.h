//
// Store.h — the fake Razorpay's state and rules: orders, payments, refunds
// (Razorpay API) and contacts, fund accounts, payouts (RazorpayX), answering
// /v1/ requests with Razorpay's JSON and errors, and producing the webhook
// events each change causes. No networking here (FakeRazorpay.cpp serves it);
// thread-safe (one mutex).
//
// Rules enforced as Razorpay does (wire-formats.md §5): integer amounts in the
// smallest unit, at least 100; ISO currencies (three-decimal ones end in 0);
// receipt ≤ 40 characters and unique; notes ≤ 15 keys of ≤ 256 characters;
// unknown body fields refused ("x is/are not required and should not be
// sent"); X-Payout-Idempotency mandatory (4-36 of [A-Za-z0-9 _-]) and the same
// key with a different body refused; payouts from the configured RazorpayX
// account only, INR, a vpa paid by UPI only; refunds only of captured
// payments and never above what is left. Unknown ids: 400 "The id provided
// does not exist".
//
#pragma once

#include <Poco/JSON/Object.h>

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace bourse::fakes::razorpay {

/// An HTTP answer: status and JSON body.
struct Answer {
    int status = 200;
    std::string body;
    std::string contentType = "application/json; charset=UTF-8";
};

/// One webhook event: its name and the entities of its payload (key, entity
/// JSON text as it was at that moment), in payload order.
struct Event {
    std::string name;
    std::vector<std::pair<std::string, std::string>> entities;
};

struct Outcome {
    Answer answer;
    std::vector<Event> events;
};

/// Razorpay's error body: {"error":{code, description, source, step, reason, metadata, field}}.
Answer errorAnswer(int http, const std::string& code, const std::string& description, const std::string& field = "",
                   const std::string& reason = "input_validation_failed", const std::string& source = "business",
                   const std::string& step = "payment_initiation");

class Store {
public:
    struct Options {
        std::string accountNumber;
        std::int64_t balance = 0;
        bool autoCapture = true;
        bool refundsPending = false;
        bool payoutsNeedApproval = false;  ///< payouts start "pending" (approval workflow) instead of "processing"
        std::uint64_t seed = 0;
        std::function<std::int64_t()> nowSeconds;
    };

    explicit Store(Options options);

    /// A /v1/ request that passed authentication. `query` decoded.
    Outcome handle(const std::string& method, const std::string& path, const std::map<std::string, std::string>& query,
                   const std::string& body, const std::string* idempotencyKey);

    // ---- controls (throw std::invalid_argument with the reason) ----
    struct Paid {
        std::string paymentId;
        std::vector<Event> events;
    };
    Paid pay(const std::string& orderId, const std::string& method);
    Paid failPayment(const std::string& orderId, const std::string& description);
    /// status: processed, failed, reversed, rejected.
    std::vector<Event> settlePayout(const std::string& id, const std::string& status, const std::string& detail);
    /// status: processed, failed.
    std::vector<Event> settleRefund(const std::string& id, const std::string& status);
    std::string addVpaFundAccount(const std::string& name, const std::string& vpa);

    [[nodiscard]] std::string entity(const std::string& id) const;  ///< "" when unknown
    [[nodiscard]] std::size_t count(const std::string& prefix) const;
    [[nodiscard]] std::int64_t balance() const;
    void setBalance(std::int64_t paise);

private:
    using Ptr = Poco::JSON::Object::Ptr;

    // Store.cpp
    std::string newId(const std::string& prefix);
    std::int64_t now() const;
    const Ptr* find(const std::string& id) const;
    Answer collection(std::vector<Ptr> items) const;

    // Payments.cpp
    Outcome createOrder(const Ptr& body);
    Answer listOrders(const std::map<std::string, std::string>& query) const;
    Answer orderPayments(const std::string& orderId) const;
    Outcome capture(const std::string& paymentId, const Ptr& body);
    Outcome refund(const std::string& paymentId, const Ptr& body);
    Answer paymentRefunds(const std::string& paymentId) const;
    Ptr newPayment(Ptr order, const std::string& method);
    void markPaid(Ptr order, Ptr payment, std::vector<Event>& events);

    // Payouts.cpp
    Outcome createContact(const Ptr& body);
    Outcome createFundAccount(const Ptr& body);
    Outcome createPayout(const Ptr& body, const std::string* idempotencyKey);

    Options _options;
    mutable std::mutex _mutex;
    std::mt19937_64 _random;
    std::map<std::string, Ptr> _entities;         ///< every object by id
    std::vector<std::string> _orders, _contacts;  ///< ids in creation order
    std::map<std::string, std::vector<std::string>> _paymentsOf, _refundsOf;
    std::map<std::string, std::pair<std::string, std::string>> _idempotency;  ///< key → (canonical body, payout id)
    std::map<std::string, std::string> _fundAccountKeys;  ///< fa id → what makes two the same (type and address)
    std::int64_t _balance = 0;
};

}  // namespace bourse::fakes::razorpay
