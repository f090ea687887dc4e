//
// WebhookOutbox.h — how the fake Stripe delivers events: one thread POSTs
// each event's payload to the endpoint URL with a fresh Stripe-Signature
// (t = the fake's clock, v1 = HMAC-SHA256 of "t.payload", and a v0 that no
// endpoint secret verifies, as test mode sends). Attempts are recorded; the
// test decides what goes wrong (see FakeStripe.h).
//
#pragma once

#include "stripe/FakeStripe.h"

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace bourse::fakes::stripe {

class WebhookOutbox {
public:
    /// clock: epoch seconds.
    WebhookOutbox(std::function<std::int64_t()> clock, std::string url, std::string secret);
    ~WebhookOutbox();
    WebhookOutbox(const WebhookOutbox&) = delete;
    WebhookOutbox& operator=(const WebhookOutbox&) = delete;

    /// A new event: queued (twice with deliverTwice), held, or dropped when its type is not enabled.
    void post(const FakeStripeEvent& event);
    /// Queues an event again whatever the filters say (a manual resend).
    void redeliver(const FakeStripeEvent& event);

    void setUrl(std::string url);
    void setSecret(std::string secret);
    void setEnabled(std::set<std::string> types);
    void setTwice(bool on);
    void setHold(bool on);
    void setWrongSecret(bool on);
    void setTimestampOffset(std::chrono::seconds offset);
    void setIncludeV0(bool on);
    void setRetries(int retries, std::chrono::milliseconds spacing);
    std::size_t release(FakeStripeRelease order);
    [[nodiscard]] std::size_t held() const;

    [[nodiscard]] std::vector<FakeStripeDelivery> deliveries() const;
    bool waitFor(std::size_t count, std::chrono::milliseconds timeout) const;

private:
    using Steady = std::chrono::steady_clock;
    struct Item {
        FakeStripeEvent event;
        int attempt = 1;
        bool duplicate = false;
        Steady::time_point due;
    };

    void enqueue(Item item);  ///< under _mutex
    void run();
    FakeStripeDelivery send(const Item& item);

    std::function<std::int64_t()> _clock;
    mutable std::mutex _mutex;  ///< guards what follows
    mutable std::condition_variable _changed;
    std::string _url, _secret;
    std::set<std::string> _enabled = {"*"};
    bool _twice = false, _hold = false, _wrongSecret = false, _includeV0 = true, _stop = false;
    std::chrono::seconds _offset{0};
    int _retries = 0;
    std::chrono::milliseconds _spacing{1000};
    std::deque<Item> _queue;  ///< by due time
    std::vector<FakeStripeEvent> _held;
    std::vector<FakeStripeDelivery> _deliveries;
    std::thread _thread;  ///< last: starts once everything above exists
};

}  // namespace bourse::fakes::stripe
