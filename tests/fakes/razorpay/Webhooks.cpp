#include "Webhooks.h"

#include <bourse/plugins/Signing.h>

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <algorithm>
#include <sstream>

namespace bourse::fakes::razorpay {

Webhooks::Webhooks(std::string accountId, std::string url, std::string secret, std::uint64_t seed,
                   std::function<std::int64_t()> nowMs)
    : _accountId(std::move(accountId)),
      _nowMs(std::move(nowMs)),
      _url(std::move(url)),
      _secret(std::move(secret)),
      _random(seed ^ 0x5bd1e995ULL),
      _thread([this] { run(); }) {}

Webhooks::~Webhooks() {
    {
        std::lock_guard lock(_mutex);
        _stopping = true;
    }
    _changed.notify_all();
    _thread.join();
}

void Webhooks::configure(const std::string& url, const std::string& secret) {
    std::lock_guard lock(_mutex);
    _url = url;
    if (!secret.empty()) _secret = secret;
}

void Webhooks::setOptions(const FakeRazorpayWebhookOptions& options) {
    std::lock_guard lock(_mutex);
    _options = options;
}

FakeRazorpayWebhookOptions Webhooks::options() const {
    std::lock_guard lock(_mutex);
    return _options;
}

std::string Webhooks::newEventId() {
    // Razorpay's event ids are 14 base62 characters without a prefix.
    static constexpr char kAlphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    std::string id;
    for (int i = 0; i < 14; ++i)
        id += kAlphabet[_random() % 62];
    return id;
}

void Webhooks::emit(const std::vector<Event>& events) {
    if (events.empty()) return;
    {
        std::lock_guard lock(_mutex);
        std::vector<std::size_t> made;
        for (const Event& e : events) {
            std::string contains, payload;
            for (const auto& [name, json] : e.entities) {
                contains += (contains.empty() ? "\"" : ",\"") + name + "\"";
                payload += (payload.empty() ? "\"" : ",\"") + name + "\":{\"entity\":" + json + "}";
            }
            FakeRazorpayEvent r;
            r.id = newEventId();
            r.event = e.name;
            r.body = R"({"entity":"event","account_id":")" + _accountId + R"(","event":")" + e.name +
                     R"(","contains":[)" + contains + R"(],"payload":{)" + payload +
                     "},\"created_at\":" + std::to_string(_nowMs() / 1000) + "}";
            // A wrong secret still gives a well-formed signature, just not the webhook's.
            r.signature = plugins::hmacSha256Hex(_options.wrongSecret ? "not-" + _secret : _secret, r.body);
            _events.push_back(r);
            made.push_back(_events.size() - 1);
        }
        if (_url.empty()) return;  // recorded only
        if (_options.outOfOrder) std::reverse(made.begin(), made.end());
        for (const std::size_t i : made)
            for (int copy = 0; copy < (_options.twice ? 2 : 1); ++copy)
                (_options.hold ? _held.push_back(i) : _queue.push_back(i));
    }
    _changed.notify_all();
}

std::size_t Webhooks::release(bool reverse) {
    std::size_t n = 0;
    {
        std::lock_guard lock(_mutex);
        if (reverse) std::reverse(_held.begin(), _held.end());
        for (const std::size_t i : _held)
            _queue.push_back(i);
        n = _held.size();
        _held.clear();
    }
    _changed.notify_all();
    return n;
}

std::size_t Webhooks::retryFailed() {
    std::size_t n = 0;
    {
        std::lock_guard lock(_mutex);
        for (const std::size_t i : _failed)
            _queue.push_back(i);
        n = _failed.size();
        _failed.clear();
    }
    _changed.notify_all();
    return n;
}

bool Webhooks::waitIdle(std::chrono::milliseconds timeout) {
    std::unique_lock lock(_mutex);
    return _changed.wait_for(lock, timeout, [this] { return _queue.empty() && !_sending; });
}

std::vector<FakeRazorpayEvent> Webhooks::events() const {
    std::lock_guard lock(_mutex);
    return _events;
}

std::vector<FakeRazorpayDelivery> Webhooks::deliveries() const {
    std::lock_guard lock(_mutex);
    return _deliveries;
}

void Webhooks::run() {
    std::unique_lock lock(_mutex);
    while (true) {
        _changed.wait(lock, [this] { return _stopping || !_queue.empty(); });
        if (_stopping) return;
        const std::size_t index = _queue.front();
        _queue.pop_front();
        _sending = true;
        const FakeRazorpayEvent event = _events[index];
        const std::string url = _url;
        lock.unlock();
        FakeRazorpayDelivery d = url.empty()
                                     ? FakeRazorpayDelivery{event.id, event.event, url, 0, "no webhook URL", _nowMs()}
                                     : post(url, event);
        lock.lock();
        if (d.status < 200 || d.status >= 300) _failed.push_back(index);
        _deliveries.push_back(std::move(d));
        _sending = false;
        _changed.notify_all();
    }
}

FakeRazorpayDelivery Webhooks::post(const std::string& url, const FakeRazorpayEvent& event) const {
    FakeRazorpayDelivery d{event.id, event.event, url, 0, "", _nowMs()};
    try {
        const Poco::URI uri(url);
        Poco::Net::HTTPClientSession session(uri.getHost(), uri.getPort());
        session.setTimeout(Poco::Timespan(5, 0));  // Razorpay gives an endpoint 5 s
        Poco::Net::HTTPRequest req(Poco::Net::HTTPRequest::HTTP_POST, uri.getPathEtc(),
                                   Poco::Net::HTTPMessage::HTTP_1_1);
        req.setContentType("application/json");
        req.set("X-Razorpay-Signature", event.signature);
        req.set("x-razorpay-event-id", event.id);
        req.set("User-Agent", "Razorpay-Webhook/v1");
        req.setContentLength(static_cast<std::streamsize>(event.body.size()));
        session.sendRequest(req) << event.body;
        Poco::Net::HTTPResponse resp;
        std::istream& in = session.receiveResponse(resp);
        std::ostringstream sink;
        Poco::StreamCopier::copyStream(in, sink);
        d.status = static_cast<int>(resp.getStatus());
    } catch (const Poco::Exception& e) {
        d.error = e.displayText();
    } catch (const std::exception& e) {
        d.error = e.what();
    }
    return d;
}

}  // namespace bourse::fakes::razorpay
