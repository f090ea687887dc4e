#include "Config.h"

#include <bourse/plugins/ConfigReader.h>

#include <algorithm>
#include <cctype>
#include <set>

namespace bourse::razorpay {

namespace {

using plugins::ConfigReader;

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

PayoutConfig parsePayout(const ConfigReader& o) {
    o.allowOnly({"account_number", "mode", "purpose", "queue_if_low_balance", "narration"});
    PayoutConfig p;
    o.require("account_number", "required (your RazorpayX account number)");
    p.accountNumber = o.text("account_number", "");
    if (p.accountNumber.size() < 4 || p.accountNumber.size() > 34 || !allOf(p.accountNumber, isalnum))
        o.fail("account_number", "expected the RazorpayX account number (4-34 letters or digits)");
    p.mode = o.text("mode", p.mode);
    static const std::set<std::string> modes = {"IMPS", "NEFT", "RTGS", "UPI"};
    if (!modes.count(p.mode)) o.fail("mode", "must be one of IMPS, NEFT, RTGS, UPI");
    p.purpose = o.text("purpose", p.purpose);
    if (p.purpose.empty() || p.purpose.size() > 30 || !std::all_of(p.purpose.begin(), p.purpose.end(), [](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) || c == ' ' || c == '_' || c == '-';
        }))
        o.fail("purpose", "expected a RazorpayX purpose such as payout, refund or cashback (1-30 characters)");
    p.queueIfLowBalance = o.flag("queue_if_low_balance", p.queueIfLowBalance);
    p.narration = o.text("narration", "");
    // RazorpayX: at most 30 characters, letters, digits and spaces.
    if (p.narration.size() > 30 || !std::all_of(p.narration.begin(), p.narration.end(), [](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) || c == ' ';
        }))
        o.fail("narration", "at most 30 letters, digits and spaces");
    return p;
}

}  // namespace

RazorpayConfig RazorpayConfig::parse(const std::string& json) {
    const ConfigReader cfg = ConfigReader::parse(json);
    cfg.allowOnly(
        {"api_url", "key_id", "merchant_name", "checkout_script_url", "currencies", "payout", "request_timeout_ms"});

    RazorpayConfig c;
    c.apiUrl = cfg.baseUrl("api_url", c.apiUrl);

    cfg.require("key_id", "required (the public key id, rzp_test_… or rzp_live_…)");
    c.keyId = cfg.text("key_id", "");
    if (!keyIdShape(c.keyId)) cfg.fail("key_id", "expected rzp_test_… or rzp_live_… (the key secret goes in secrets)");

    c.merchantName = cfg.text("merchant_name", c.merchantName);
    if (c.merchantName.empty() || c.merchantName.size() > 80 || !printable(c.merchantName))
        cfg.fail("merchant_name", "1-80 printable characters");

    c.checkoutScriptUrl = cfg.url("checkout_script_url", c.checkoutScriptUrl);

    if (cfg.has("currencies"))
        c.currencies = cfg.strings("currencies", "a list such as [INR, USD]", "currency", [](const std::string& code) {
            return code.size() == 3 && allOf(code, isupper) ? std::string() : "expected an ISO 4217 code such as INR";
        });
    if (cfg.has("payout"))
        c.payout = parsePayout(
            cfg.object("payout", "an object {account_number: \"7878780080316316\", mode: IMPS, purpose: payout}"));
    c.requestTimeoutMs = cfg.whole("request_timeout_ms", c.requestTimeoutMs, 100, 120'000);
    return c;
}

}  // namespace bourse::razorpay
