//
// KycCalls.h — the KycProvider calls PluginUnderTest has no helpers for,
// made through the plugin's C kind table exactly as the kernel makes them.
// A failing call must describe itself through set_error ("token: ...");
// replies are awaited by answering pending HTTP requests a few times.
//
#pragma once

#include <bourse/testing/FakeHost.hpp>
#include <bourse/testing/PluginUnderTest.hpp>

#include <memory>
#include <regex>
#include <string>
#include <vector>

namespace bourse::sumsub::test {

using bourse::testing::CallResult;
using bourse::testing::FakeHost;
using bourse::testing::PluginUnderTest;

namespace detail {

/// Where a reply lands. Kept for the whole test run: a plugin destroyed with a
/// request still pending drops its reply later, into this box.
struct ReplyBox {
    int calls = 0;
    bourse_status status = BOURSE_OK;
    std::string json;

    bourse_reply c() {
        return bourse_reply{this, [](void* ctx, bourse_status s, bourse_str j) {
                                auto* box = static_cast<ReplyBox*>(ctx);
                                ++box->calls;
                                box->status = s;
                                box->json = std::string(fromStr(j));
                            }};
    }
};

inline std::shared_ptr<ReplyBox> newBox() {
    static std::vector<std::shared_ptr<ReplyBox>> boxes;
    boxes.push_back(std::make_shared<ReplyBox>());
    return boxes.back();
}

/// A failed call's message, or a contract breach in its place.
inline CallResult failed(bourse_status s, const FakeHost& host, const char* call) {
    static const std::regex shape(R"([a-z][a-z0-9_.-]*: [\s\S]+)");
    if (host.lastError.empty()) return {BOURSE_E_INTERNAL, std::string(call) + " failed without set_error"};
    if (!std::regex_match(host.lastError, shape))
        return {BOURSE_E_INTERNAL, std::string(call) + ": message '" + host.lastError + "' lacks a 'token: '"};
    return {s, host.lastError};
}

}  // namespace detail

inline const bourse_kyc_provider_api& kycApi(const PluginUnderTest& p) {
    return p.kindApi<bourse_kyc_provider_api>();
}

/// start_verification; the reply JSON, or the failure's status and message.
/// A second reply is reported as BOURSE_E_INTERNAL "reply sent twice".
inline CallResult startVerification(PluginUnderTest& p, FakeHost& host, const KycRequest& q, int rounds = 10) {
    const bourse_kyc_request c{sizeof(bourse_kyc_request), toStr(q.userRef), toStr(q.email),
                               toStr(q.fullName),          toStr(q.country), toStr(q.metadataJson)};
    auto box = detail::newBox();
    host.lastError.clear();
    const bourse_status s = kycApi(p).start_verification(p.instance(), &c, box->c());
    if (s != BOURSE_OK) return detail::failed(s, host, "start_verification");
    for (int i = 0; i < rounds && box->calls == 0; ++i)
        host.runPending();
    host.runPending();  // a second reply would come from a request still pending
    if (box->calls == 0) return {BOURSE_E_INTERNAL, "start_verification: no reply"};
    if (box->calls > 1) return {BOURSE_E_INTERNAL, "start_verification: reply sent twice"};
    if (box->status != BOURSE_OK && box->json.empty())
        return {BOURSE_E_INTERNAL, "start_verification: failed reply without a message"};
    return {box->status, box->json};
}

/// verify_webhook (synchronous); the event JSON, or the failure's status and message.
inline CallResult verifyWebhook(PluginUnderTest& p, FakeHost& host, const Webhook& w) {
    std::vector<bourse_http_header> headers;
    for (const auto& [name, value] : w.headers)
        headers.push_back(bourse_http_header{toStr(name), toStr(value)});
    const bourse_webhook c{sizeof(bourse_webhook), toStr(w.path), headers.data(), headers.size(), toStr(w.body)};
    auto box = detail::newBox();
    host.lastError.clear();
    const bourse_status s = kycApi(p).verify_webhook(p.instance(), &c, box->c());
    if (s != BOURSE_OK) return detail::failed(s, host, "verify_webhook");
    if (box->calls != 1) return {BOURSE_E_INTERNAL, "verify_webhook: replied " + std::to_string(box->calls) + " times"};
    return {box->status, box->json};
}

/// A webhook as Sumsub sends it: the raw body and its digest headers.
inline Webhook sumsubWebhook(const std::string& body, const std::string& alg, const std::string& digest) {
    return Webhook{"/webhooks/kyc/sumsub",
                   {{"Content-Type", "application/json"}, {"X-Payload-Digest", digest}, {"X-Payload-Digest-Alg", alg}},
                   body};
}

}  // namespace bourse::sumsub::test
