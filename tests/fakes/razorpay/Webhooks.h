//
// Webhooks.h — the fake Razorpay's webhook sender: wraps each event in
// Razorpay's envelope ({"entity":"event","account_id","event","contains",
// "payload":{<name>:{"entity":{…}}},"created_at"}), gives it an event id, signs
// the exact bytes (X-Razorpay-Signature, hex HMAC-SHA256 under the webhook
// secret) and POSTs it from one thread, in order, with a 5 s timeout (what
// Razorpay allows an endpoint). Options and records: see FakeRazorpay.h.
//
#pragma once

#include "Store.h"
#include "razorpay/FakeRazorpay.h"

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

namespace bourse::fakes::razorpay {

class Webhooks {
public:
    Webhooks(std::string accountId, std::string url, std::string secret, std::uint64_t seed,
             std::function<std::int64_t()> nowMs);
    ~Webhooks();
    Webhooks(const Webhooks&) = delete;
    Webhooks& operator=(const Webhooks&) = delete;

    void configure(const std::string& url, const std::string& secret);
    void setOptions(const FakeRazorpayWebhookOptions& options);
    [[nodiscard]] FakeRazorpayWebhookOptions options() const;

    /// Records, signs and queues (or holds) the events of one change, in order.
    void emit(const std::vector<Event>& events);
    std::size_t release(bool reverse);
    std::size_t retryFailed();
    bool waitIdle(std::chrono::milliseconds timeout);

    [[nodiscard]] std::vector<FakeRazorpayEvent> events() const;
    [[nodiscard]] std::vector<FakeRazorpayDelivery> deliveries() const;

private:
    void run();
    FakeRazorpayDelivery post(const std::string& url, const FakeRazorpayEvent& event) const;
    std::string newEventId();

    const std::string _accountId;
    std::function<std::int64_t()> _nowMs;
    mutable std::mutex _mutex;
    std::condition_variable _changed;
    std::string _url, _secret;
    FakeRazorpayWebhookOptions _options;
    std::mt19937_64 _random;
    std::vector<FakeRazorpayEvent> _events;
    std::deque<std::size_t> _queue;  ///< indexes into _events
    std::vector<std::size_t> _held, _failed;
    std::vector<FakeRazorpayDelivery> _deliveries;
    bool _sending = false, _stopping = false;
    std::thread _thread;
};

}  // namespace bourse::fakes::razorpay
