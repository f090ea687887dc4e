//
// StripeRig.h — what the stripe plugin's tests share: the recorded fixtures,
// a FakeHost set up with a valid config and secrets, requests as the kernel
// builds them. (Loopback.h forwards requests to a real FakeStripe.)
//
#pragma once

#include <bourse/testing/FakeHost.hpp>
#include <bourse/testing/PluginUnderTest.hpp>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

extern "C" const bourse_module bourse_module_entry;

namespace stripe_test {

constexpr const char* kSecretKey = "sk_test_rig_4eC39HqLyjWDarjtT1zdp7dc";
constexpr const char* kWebhookSecret = "whsec_test_secret";

/// A file of ../fixtures, byte for byte.
inline std::string fixture(const std::string& name) {
    std::ifstream in(std::string(BOURSE_STRIPE_FIXTURES) + "/" + name, std::ios::binary);
    if (!in) throw std::runtime_error("missing fixture " + name);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

inline Poco::JSON::Object::Ptr json(const std::string& text) {
    return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}

inline std::string field(const Poco::JSON::Object::Ptr& o, const std::string& key) {
    return o->has(key) && !o->isNull(key) ? o->getValue<std::string>(key) : "<absent>";
}

/// Secrets and a config (extra: more JSON members, starting with a comma).
inline void configure(bourse::testing::FakeHost& host, const std::string& apiUrl = "https://api.stripe.test",
                      const std::string& extra = "") {
    host.setConfig(R"({"api_url":")" + apiUrl + R"(","success_url":"https://bourse.test/ok")" + extra + "}");
    host.setSecret("secret_key", kSecretKey);
    host.setSecret("webhook_secret", kWebhookSecret);
}

/// A payment request as the kernel builds it.
inline bourse::PaymentRequest deposit(const std::string& id, std::int64_t minor, const std::string& currency = "USD",
                                      const std::string& returnUrl = "https://bourse.test/#wallet") {
    bourse::PaymentRequest q;
    q.idempotencyKey = id;
    q.userRef = "u_42";
    q.amount = bourse::Money{minor, currency};
    q.metadataJson =
        R"({"deposit_id":")" + id + R"(")" + (returnUrl.empty() ? "" : R"(,"return_url":")" + returnUrl + "\"") + "}";
    return q;
}

inline bourse::PaymentRequest refund(const std::string& id, const std::string& paymentRef, std::int64_t minor) {
    bourse::PaymentRequest q;
    q.idempotencyKey = id;
    q.userRef = "u_42";
    q.amount = bourse::Money{minor, "USD"};
    q.reference = paymentRef;
    q.metadataJson = R"({"withdrawal_id":")" + id + "\"}";
    return q;
}

inline bourse::PaymentRequest query(const std::string& kind, const std::string& ref) {
    bourse::PaymentRequest q;
    q.reference = ref;
    q.metadataJson = R"({"kind":")" + kind + "\"}";
    return q;
}

}  // namespace stripe_test
