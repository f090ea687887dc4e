//
// WebhookSink.h — a local HTTP endpoint that records what it receives, for
// tests that point the fake Stripe's webhooks somewhere other than a kernel
// (the fake's own tests, the stripe plugin's tests). Thread-safe.
//
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace bourse::fakes {

struct ReceivedWebhook {
    std::string method, path;
    std::vector<std::pair<std::string, std::string>> headers;  ///< names as received
    std::string body;                                          ///< raw bytes

    /// The first header with this name (case-insensitive), "" if none.
    [[nodiscard]] std::string header(const std::string& name) const;
};

class WebhookSink {
public:
    WebhookSink();  ///< listens on 127.0.0.1, any free port
    ~WebhookSink();
    WebhookSink(const WebhookSink&) = delete;
    WebhookSink& operator=(const WebhookSink&) = delete;

    /// http://127.0.0.1:PORT/webhooks/stripe
    [[nodiscard]] std::string url() const;
    /// The HTTP status answered from now on (200 by default).
    void answer(int status);
    [[nodiscard]] std::vector<ReceivedWebhook> received() const;
    /// Waits until at least `count` requests arrived; false on timeout.
    bool waitFor(std::size_t count, std::chrono::milliseconds timeout) const;

    class Impl;

private:
    std::unique_ptr<Impl> _impl;
};

}  // namespace bourse::fakes
