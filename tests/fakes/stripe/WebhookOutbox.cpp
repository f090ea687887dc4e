#include "stripe/WebhookOutbox.h"

#include <bourse/plugins/Signing.h>

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <algorithm>

namespace bourse::fakes::stripe {

namespace {

/// What test mode adds beside v1: a signature under a key no endpoint has, which verifiers must ignore.
constexpr const char* kV0Key = "whsec_fake_legacy_v0_scheme";
constexpr const char* kWrongSecret = "whsec_not_the_endpoint_secret";

}  // namespace

WebhookOutbox::WebhookOutbox(std::function<std::int64_t()> clock, std::string url, std::string secret)
    : _clock(std::move(clock)), _url(std::move(url)), _secret(std::move(secret)), _thread([this] { run(); }) {}

WebhookOutbox::~WebhookOutbox() {
    {
        std::lock_guard lock(_mutex);
        _stop = true;
    }
    _changed.notify_all();
    _thread.join();
}

void WebhookOutbox::enqueue(Item item) {
    const auto at = std::upper_bound(_queue.begin(), _queue.end(), item.due,
                                     [](Steady::time_point due, const Item& i) { return due < i.due; });
    _queue.insert(at, std::move(item));
    _changed.notify_all();
}

void WebhookOutbox::post(const FakeStripeEvent& event) {
    std::lock_guard lock(_mutex);
    if (!_enabled.count("*") && !_enabled.count(event.type)) return;
    if (_hold) {
        _held.push_back(event);
        return;
    }
    enqueue(Item{event, 1, false, Steady::now()});
    if (_twice) enqueue(Item{event, 1, true, Steady::now()});
}

void WebhookOutbox::redeliver(const FakeStripeEvent& event) {
    std::lock_guard lock(_mutex);
    enqueue(Item{event, 1, false, Steady::now()});
}

void WebhookOutbox::setUrl(std::string url) {
    std::lock_guard lock(_mutex);
    _url = std::move(url);
}
void WebhookOutbox::setSecret(std::string secret) {
    std::lock_guard lock(_mutex);
    _secret = std::move(secret);
}
void WebhookOutbox::setEnabled(std::set<std::string> types) {
    std::lock_guard lock(_mutex);
    _enabled = std::move(types);
}
void WebhookOutbox::setTwice(bool on) {
    std::lock_guard lock(_mutex);
    _twice = on;
}
void WebhookOutbox::setHold(bool on) {
    std::lock_guard lock(_mutex);
    _hold = on;
}
void WebhookOutbox::setWrongSecret(bool on) {
    std::lock_guard lock(_mutex);
    _wrongSecret = on;
}
void WebhookOutbox::setTimestampOffset(std::chrono::seconds offset) {
    std::lock_guard lock(_mutex);
    _offset = offset;
}
void WebhookOutbox::setIncludeV0(bool on) {
    std::lock_guard lock(_mutex);
    _includeV0 = on;
}
void WebhookOutbox::setRetries(int retries, std::chrono::milliseconds spacing) {
    std::lock_guard lock(_mutex);
    _retries = std::max(0, retries);
    _spacing = spacing;
}

std::size_t WebhookOutbox::release(FakeStripeRelease order) {
    std::lock_guard lock(_mutex);
    std::vector<FakeStripeEvent> held = std::move(_held);
    _held.clear();
    if (order == FakeStripeRelease::Reversed) std::reverse(held.begin(), held.end());
    for (const auto& event : held) {
        enqueue(Item{event, 1, false, Steady::now()});
        if (_twice) enqueue(Item{event, 1, true, Steady::now()});
    }
    return held.size();
}

std::size_t WebhookOutbox::held() const {
    std::lock_guard lock(_mutex);
    return _held.size();
}

std::vector<FakeStripeDelivery> WebhookOutbox::deliveries() const {
    std::lock_guard lock(_mutex);
    return _deliveries;
}

bool WebhookOutbox::waitFor(std::size_t count, std::chrono::milliseconds timeout) const {
    std::unique_lock lock(_mutex);
    return _changed.wait_for(lock, timeout, [&] { return _deliveries.size() >= count; });
}

void WebhookOutbox::run() {
    std::unique_lock lock(_mutex);
    while (true) {
        if (_stop) return;
        if (_queue.empty()) {
            _changed.wait(lock);
            continue;
        }
        if (Steady::now() < _queue.front().due) {
            _changed.wait_until(lock, _queue.front().due);
            continue;
        }
        Item item = std::move(_queue.front());
        _queue.pop_front();
        lock.unlock();
        FakeStripeDelivery d = send(item);  // without the lock: the receiver may call back into the fake
        lock.lock();
        const bool failed = d.status < 200 || d.status >= 300;
        if (failed && !d.url.empty() && item.attempt <= _retries)
            enqueue(Item{item.event, item.attempt + 1, item.duplicate, Steady::now() + _spacing});
        if (!d.url.empty()) _deliveries.push_back(std::move(d));
        _changed.notify_all();
    }
}

FakeStripeDelivery WebhookOutbox::send(const Item& item) {
    FakeStripeDelivery d;
    std::string secret;
    {
        std::lock_guard lock(_mutex);
        d.url = _url;
        d.wrongSecret = _wrongSecret;
        secret = _wrongSecret ? kWrongSecret : _secret;
        d.timestamp = _clock() + _offset.count();
        d.signature = FakeStripe::signatureHeader(secret, d.timestamp, item.event.payload);
        if (_includeV0)
            d.signature +=
                ",v0=" + plugins::hmacSha256Hex(kV0Key, std::to_string(d.timestamp) + "." + item.event.payload);
    }
    d.eventId = item.event.id;
    d.type = item.event.type;
    d.payload = item.event.payload;
    d.attempt = item.attempt;
    d.duplicate = item.duplicate;
    if (d.url.empty()) return d;  // nowhere to send: not an attempt
    try {
        const Poco::URI uri(d.url);
        if (uri.getScheme() != "http") throw std::runtime_error("the fake delivers to http:// URLs only");
        Poco::Net::HTTPClientSession session(uri.getHost(), uri.getPort());
        session.setTimeout(Poco::Timespan(2, 0), Poco::Timespan(10, 0), Poco::Timespan(10, 0));
        Poco::Net::HTTPRequest req(Poco::Net::HTTPRequest::HTTP_POST, uri.getPathEtc(),
                                   Poco::Net::HTTPMessage::HTTP_1_1);
        req.setContentType("application/json; charset=utf-8");
        req.set("Stripe-Signature", d.signature);
        req.set("User-Agent", "Stripe/1.0 (+https://stripe.com/docs/webhooks)");
        req.set("Cache-Control", "no-cache");
        req.setContentLength(static_cast<std::streamsize>(d.payload.size()));
        session.sendRequest(req) << d.payload;
        Poco::Net::HTTPResponse resp;
        std::istream& in = session.receiveResponse(resp);
        std::string ignored;
        Poco::StreamCopier::copyToString(in, ignored);
        d.status = static_cast<int>(resp.getStatus());
    } catch (const Poco::Exception& e) {
        d.error = e.displayText();
    } catch (const std::exception& e) {
        d.error = e.what();
    }
    return d;
}

}  // namespace bourse::fakes::stripe
