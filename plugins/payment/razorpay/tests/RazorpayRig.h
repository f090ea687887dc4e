//
// RazorpayRig.h — the razorpay plugin on the SDK's FakeHost, its outbound HTTP
// answered by a real FakeRazorpay over loopback: the responder forwards each
// request with Poco's HTTPClientSession (honouring the request's timeout) and
// hands back what the fake answered. Tests may make the responder lose a reply
// after the fake has acted on it (`loseReply`), the case idempotency exists for.
//
#pragma once

#include "razorpay/FakeRazorpay.h"

#include <bourse/testing/FakeHost.hpp>
#include <bourse/testing/PluginUnderTest.hpp>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <functional>
#include <memory>
#include <sstream>
#include <string>

extern "C" const bourse_module bourse_module_entry;

namespace bourse::razorpay::test {

inline Poco::JSON::Object::Ptr json(const std::string& text) {
    return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}

/// Sends one plugin request to wherever its URL points; status 0 on a transport failure or timeout.
inline HttpResponse forward(const HttpRequest& r) {
    try {
        const Poco::URI uri(r.url);
        Poco::Net::HTTPClientSession session(uri.getHost(), uri.getPort());
        const long ms = r.timeout.count() > 0 ? static_cast<long>(r.timeout.count()) : 15'000;
        session.setTimeout(Poco::Timespan(ms / 1000, static_cast<long>(ms % 1000) * 1000));
        Poco::Net::HTTPRequest req(r.method, uri.getPathEtc(), Poco::Net::HTTPMessage::HTTP_1_1);
        for (const auto& [k, v] : r.headers)
            req.set(k, v);
        if (r.method != "GET") req.setContentLength(static_cast<std::streamsize>(r.body.size()));
        session.sendRequest(req) << r.body;
        Poco::Net::HTTPResponse resp;
        std::istream& in = session.receiveResponse(resp);
        std::ostringstream body;
        Poco::StreamCopier::copyStream(in, body);
        HttpResponse out{static_cast<int>(resp.getStatus()), {}, body.str(), ""};
        for (const auto& [k, v] : resp)
            out.headers.emplace_back(k, v);
        return out;
    } catch (const Poco::TimeoutException&) {
        return HttpResponse{0, {}, "", "timed out"};
    } catch (const Poco::Exception& e) {
        return HttpResponse{0, {}, "", e.displayText()};
    }
}

struct RigOptions {
    fakes::FakeRazorpayOptions fake;
    std::string extraConfig;  ///< more config keys, starting with a comma
    std::string keySecret;    ///< "" → the fake's
    int timeoutMs = 3'000;    ///< the plugin's request_timeout_ms
    bool payouts = true;      ///< a payout section naming the fake's account
    std::string payoutExtra;  ///< more payout keys, starting with a comma
};

class Rig {
public:
    explicit Rig(RigOptions o = {}) : fake(o.fake), _options(std::move(o)) { plugin = attach(host); }

    /// The plugin on another FakeHost (an empty KV store: a fresh install) against the same fake.
    std::unique_ptr<testing::PluginUnderTest> attach(testing::FakeHost& h) {
        std::string config = R"({"api_url":")" + fake.url() + R"(","key_id":")" + fake.options().keyId +
                             R"(","merchant_name":"Bourse Test","request_timeout_ms":)" +
                             std::to_string(_options.timeoutMs);
        if (_options.payouts)
            config +=
                R"(,"payout":{"account_number":")" + fake.options().accountNumber + "\"" + _options.payoutExtra + "}";
        h.setConfig(config + _options.extraConfig + "}");
        h.setSecret("key_secret", _options.keySecret.empty() ? fake.options().keySecret : _options.keySecret);
        h.setSecret("webhook_secret", fake.options().webhookSecret);
        h.setResponder([this](const HttpRequest& r) {
            HttpResponse answer = forward(r);
            if (loseReply && loseReply(r)) {
                loseReply = nullptr;  // once
                return HttpResponse{0, {}, "", "connection reset (reply lost by the test)"};
            }
            return answer;
        });
        auto p = std::make_unique<testing::PluginUnderTest>(bourse_module_entry, "razorpay", h);
        if (p->start() != BOURSE_OK) throw std::runtime_error("start failed: " + h.lastError);
        return p;
    }

    /// A payment request as the kernel makes it.
    static PaymentRequest request(const std::string& id, std::int64_t minor, const std::string& currency = "INR",
                                  const std::string& metadata = "{}", const std::string& reference = "",
                                  const std::string& user = "user-7") {
        return PaymentRequest{id, user, Money{minor, currency}, reference, metadata};
    }

    /// create_deposit; returns the order id (fails the test through the exception otherwise).
    std::string deposit(const std::string& id, std::int64_t minor = 5'000) {
        const auto r = plugin->createDeposit(request(id, minor, "INR", R"({"deposit_id":")" + id + "\"}"));
        if (!r.ok()) throw std::runtime_error("create_deposit failed: " + r.text);
        return json(r.text)->getValue<std::string>("provider_ref");
    }

    /// Requests the fake received with this method and path, oldest first.
    std::vector<fakes::FakeRazorpayRequest> received(const std::string& method, const std::string& path) const {
        std::vector<fakes::FakeRazorpayRequest> out;
        for (const auto& r : fake.requests())
            if (r.method == method && r.path == path) out.push_back(r);
        return out;
    }

    fakes::FakeRazorpay fake;
    testing::FakeHost host;
    std::unique_ptr<testing::PluginUnderTest> plugin;
    std::function<bool(const HttpRequest&)> loseReply;  ///< the fake acts, the plugin hears nothing

private:
    RigOptions _options;
};

}  // namespace bourse::razorpay::test
