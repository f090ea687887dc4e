#include "Config.h"

#include <bourse/plugin.hpp>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <cctype>
#include <set>

namespace bourse::razorpay {

namespace {

[[noreturn]] void fail(const std::string& key, const std::string& why) {
    throw Error(BOURSE_E_CONFIG, "config: " + key + ": " + why);
}

void checkKeys(const Poco::JSON::Object::Ptr& o, const std::vector<std::string>& known, const std::string& prefix) {
    for (const auto& [k, v] : *o)
        if (std::find(known.begin(), known.end(), k) == known.end()) fail(prefix + k, "unknown key");
}

std::string text(const Poco::JSON::Object::Ptr& o, const std::string& key, const std::string& path,
                 const std::string& fallback) {
    if (!o->has(key)) return fallback;
    if (!o->get(key).isString()) fail(path, "expected a string");
    return o->getValue<std::string>(key);
}

/// A whole number as the kernel hands it over: 500 or "500" (YAML may quote it).
std::int64_t number(const Poco::JSON::Object::Ptr& o, const std::string& key, const std::string& path,
                    std::int64_t fallback, std::int64_t min, std::int64_t max) {
    if (!o->has(key)) return fallback;
    const Poco::Dynamic::Var v = o->get(key);
    std::optional<std::int64_t> n;
    if (v.isInteger()) {
        n = v.convert<std::int64_t>();
    } else if (v.isString()) {
        const std::string s = v.convert<std::string>();
        if (!s.empty() && s.size() <= 15 &&
            std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); }))
            n = std::stoll(s);
    }
    if (!n || *n < min || *n > max)
        fail(path, "expected a whole number " + std::to_string(min) + ".." + std::to_string(max));
    return *n;
}

bool flag(const Poco::JSON::Object::Ptr& o, const std::string& key, const std::string& path, bool fallback) {
    if (!o->has(key)) return fallback;
    const Poco::Dynamic::Var v = o->get(key);
    if (v.type() == typeid(bool)) return v.extract<bool>();
    if (v.isString() && (v.toString() == "true" || v.toString() == "false")) return v.toString() == "true";
    fail(path, "expected true or false");
}

bool allOf(const std::string& s, int (*pred)(int)) {
    return std::all_of(s.begin(), s.end(), [pred](unsigned char c) { return pred(c) != 0; });
}

bool printable(const std::string& s) {
    return std::all_of(s.begin(), s.end(), [](unsigned char c) { return c >= 0x20 && c != 0x7f; });
}

/// rzp_test_… / rzp_live_…: the mode (test or live) is decided by the key pair.
bool keyIdShape(const std::string& id) {
    for (const std::string prefix : {"rzp_test_", "rzp_live_"})
        if (id.rfind(prefix, 0) == 0 && id.size() > prefix.size() && id.size() <= 64 &&
            allOf(id.substr(prefix.size()), isalnum))
            return true;
    return false;
}

PayoutConfig parsePayout(const Poco::Dynamic::Var& v) {
    if (v.type() != typeid(Poco::JSON::Object::Ptr))
        fail("payout", "expected an object {account_number: \"7878780080316316\", mode: IMPS, purpose: payout}");
    const auto o = v.extract<Poco::JSON::Object::Ptr>();
    checkKeys(o, {"account_number", "mode", "purpose", "queue_if_low_balance", "narration"}, "payout.");
    PayoutConfig p;
    if (!o->has("account_number")) fail("payout.account_number", "required (your RazorpayX account number)");
    p.accountNumber = text(o, "account_number", "payout.account_number", "");
    if (p.accountNumber.size() < 4 || p.accountNumber.size() > 34 || !allOf(p.accountNumber, isalnum))
        fail("payout.account_number", "expected the RazorpayX account number (4-34 letters or digits)");
    p.mode = text(o, "mode", "payout.mode", p.mode);
    static const std::set<std::string> modes = {"IMPS", "NEFT", "RTGS", "UPI"};
    if (!modes.count(p.mode)) fail("payout.mode", "must be one of IMPS, NEFT, RTGS, UPI");
    p.purpose = text(o, "purpose", "payout.purpose", p.purpose);
    if (p.purpose.empty() || p.purpose.size() > 30 || !std::all_of(p.purpose.begin(), p.purpose.end(), [](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) || c == ' ' || c == '_' || c == '-';
        }))
        fail("payout.purpose", "expected a RazorpayX purpose such as payout, refund or cashback (1-30 characters)");
    p.queueIfLowBalance = flag(o, "queue_if_low_balance", "payout.queue_if_low_balance", p.queueIfLowBalance);
    p.narration = text(o, "narration", "payout.narration", "");
    // RazorpayX: at most 30 characters, letters, digits and spaces.
    if (p.narration.size() > 30 || !std::all_of(p.narration.begin(), p.narration.end(), [](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) || c == ' ';
        }))
        fail("payout.narration", "at most 30 letters, digits and spaces");
    return p;
}

}  // namespace

RazorpayConfig RazorpayConfig::parse(const std::string& json) {
    Poco::JSON::Object::Ptr cfg;
    try {
        const auto v = Poco::JSON::Parser().parse(json);
        if (v.type() == typeid(Poco::JSON::Object::Ptr)) cfg = v.extract<Poco::JSON::Object::Ptr>();
    } catch (const Poco::Exception& e) {
        throw Error(BOURSE_E_CONFIG, "config: not a JSON object: " + e.message());
    }
    if (!cfg) throw Error(BOURSE_E_CONFIG, "config: not a JSON object");
    checkKeys(
        cfg,
        {"api_url", "key_id", "merchant_name", "checkout_script_url", "currencies", "payout", "request_timeout_ms"},
        "");

    RazorpayConfig c;
    c.apiUrl = text(cfg, "api_url", "api_url", c.apiUrl);
    if (c.apiUrl.rfind("http://", 0) != 0 && c.apiUrl.rfind("https://", 0) != 0)
        fail("api_url", "must start with http:// or https://");
    while (!c.apiUrl.empty() && c.apiUrl.back() == '/')
        c.apiUrl.pop_back();

    if (!cfg->has("key_id")) fail("key_id", "required (the public key id, rzp_test_… or rzp_live_…)");
    c.keyId = text(cfg, "key_id", "key_id", "");
    if (!keyIdShape(c.keyId)) fail("key_id", "expected rzp_test_… or rzp_live_… (the key secret goes in secrets)");

    c.merchantName = text(cfg, "merchant_name", "merchant_name", c.merchantName);
    if (c.merchantName.empty() || c.merchantName.size() > 80 || !printable(c.merchantName))
        fail("merchant_name", "1-80 printable characters");

    c.checkoutScriptUrl = text(cfg, "checkout_script_url", "checkout_script_url", c.checkoutScriptUrl);
    if (c.checkoutScriptUrl.rfind("https://", 0) != 0 && c.checkoutScriptUrl.rfind("http://", 0) != 0)
        fail("checkout_script_url", "must start with https:// (or http:// for a local fake)");

    if (cfg->has("currencies")) {
        if (cfg->get("currencies").type() != typeid(Poco::JSON::Array::Ptr))
            fail("currencies", "expected a list such as [INR, USD]");
        const auto list = cfg->getArray("currencies");
        if (list->size() == 0) fail("currencies", "list at least one currency");
        c.currencies.clear();
        for (std::size_t i = 0; i < list->size(); ++i) {
            const std::string path = "currencies[" + std::to_string(i) + "]";
            const Poco::Dynamic::Var v = list->get(static_cast<unsigned>(i));
            const std::string code = v.isString() ? v.toString() : "";
            if (code.size() != 3 || !allOf(code, isupper)) fail(path, "expected an ISO 4217 code such as INR");
            if (std::find(c.currencies.begin(), c.currencies.end(), code) != c.currencies.end())
                fail(path, "'" + code + "' is listed twice");
            c.currencies.push_back(code);
        }
    }
    if (cfg->has("payout")) c.payout = parsePayout(cfg->get("payout"));
    c.requestTimeoutMs = number(cfg, "request_timeout_ms", "request_timeout_ms", c.requestTimeoutMs, 100, 120'000);
    return c;
}

}  // namespace bourse::razorpay
