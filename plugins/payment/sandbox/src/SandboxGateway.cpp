#include "SandboxGateway.h"

#include <bourse/plugins/ConfigReader.h>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <sstream>

namespace bourse::sandbox {

namespace {

std::string text(const Poco::JSON::Object& o) {
    std::ostringstream out;
    o.stringify(out);
    return out.str();
}

Poco::JSON::Object::Ptr parseObject(const std::string& json, const std::string& what) {
    try {
        if (auto o = Poco::JSON::Parser().parse(json.empty() ? "{}" : json).extract<Poco::JSON::Object::Ptr>())
            return o;
    } catch (const std::exception&) {
        // Falls through.
    }
    throw Error(BOURSE_E_INVALID, what + ": expected a JSON object");
}

Poco::JSON::Object amountJson(const Money& m) {
    Poco::JSON::Object a;
    a.set("minor", m.minor);
    a.set("currency", m.currency);
    return a;
}

}  // namespace

SandboxGateway::SandboxGateway(Host& host) : PaymentGateway(host) {
    const auto config = plugins::ConfigReader::parse(host.configJson());
    config.allowOnly({"currencies", "decline_amounts", "payout_outcome", "payout_delay_ms"});
    _currencies = {"USD"};
    if (config.has("currencies")) {
        const auto list = config.strings("currencies", "a list of currency codes such as [USD]", "currency");
        _currencies = std::set<std::string>(list.begin(), list.end());
    }
    if (config.has("decline_amounts")) {
        const auto list = config.list("decline_amounts", "a list of amounts in minor units", "amount");
        for (std::size_t i = 0; i < list.size(); ++i)
            _declineAmounts.insert(list.whole(i, 1, 99'999'999'999));
    }
    _payoutOutcome = config.text("payout_outcome", _payoutOutcome);
    if (_payoutOutcome != "succeeded" && _payoutOutcome != "pending" && _payoutOutcome != "failed")
        config.fail("payout_outcome", "one of succeeded, pending, failed");
    _payoutDelayMs = config.whole("payout_delay_ms", 0, 0, 86'400'000);
}

std::string SandboxGateway::record(const std::string& ref, const std::string& status, const Money& amount,
                                   const std::string& paymentRef, const std::string& reason) {
    Poco::JSON::Object o;
    o.set("provider_ref", ref);
    o.set("status", status);
    o.set("amount", amountJson(amount));
    if (!paymentRef.empty()) o.set("payment_ref", paymentRef);
    if (!reason.empty()) o.set("reason", reason);
    const std::string json = text(o);
    host().kvPut("obj:" + ref, json);
    return json;
}

void SandboxGateway::createDeposit(const PaymentRequest& request, Reply reply) {
    if (!_currencies.count(request.amount.currency))
        throw Error(BOURSE_E_INVALID, "the sandbox takes " + *_currencies.begin() + ", not " + request.amount.currency);
    if (request.idempotencyKey.empty()) throw Error(BOURSE_E_INVALID, "idempotency_key: required");
    const std::string ref = "sbx_dep_" + request.idempotencyKey;
    // Same key, same intent: a repeated create answers what the first one did.
    if (!host().kvGet("obj:" + ref)) record(ref, "pending", request.amount, "", "");
    Poco::JSON::Object checkout;
    checkout.set("type", "sandbox");
    checkout.set("amount", amountJson(request.amount));
    checkout.set("declines", _declineAmounts.count(request.amount.minor) > 0);
    Poco::JSON::Object out;
    out.set("provider_ref", ref);
    out.set("status", "pending");
    out.set("checkout", checkout);
    reply.ok(text(out));
}

void SandboxGateway::confirmDeposit(const PaymentRequest& request, Reply reply) {
    const auto stored = host().kvGet("obj:" + request.reference);
    if (!stored) throw Error(BOURSE_E_INVALID, "unknown sandbox deposit '" + request.reference + "'");
    const auto current = parseObject(*stored, "stored deposit");
    if (current->getValue<std::string>("status") != "pending") {
        reply.ok(*stored);  // decided already: the same answer again
        return;
    }
    const auto result = parseObject(request.metadataJson, "result");
    const std::string choice = result->optValue<std::string>("outcome", "");
    if (choice != "pay" && choice != "decline")
        throw Error(BOURSE_E_INVALID, "result.outcome: expected \"pay\" or \"decline\"");
    const auto amount = current->getObject("amount");
    const Money money{amount->getValue<std::int64_t>("minor"), amount->getValue<std::string>("currency")};
    if (choice == "decline" || _declineAmounts.count(money.minor))
        reply.ok(record(request.reference, "failed", money, "", "declined in the sandbox"));
    else
        reply.ok(record(request.reference, "succeeded", money, "sbx_pay_" + request.reference.substr(8), ""));
}

std::string SandboxGateway::verifyWebhook(const Webhook& webhook) {
    (void)webhook;
    // Nothing outside sends sandbox events: whatever arrives is forged.
    throw Error(BOURSE_E_SIGNATURE, "the sandbox sends no webhooks");
}

std::string SandboxGateway::sendOut(const char* prefix, const PaymentRequest& request) {
    if (request.idempotencyKey.empty()) throw Error(BOURSE_E_INVALID, "idempotency_key: required");
    const std::string ref = std::string(prefix) + request.idempotencyKey;
    if (auto stored = host().kvGet("obj:" + ref)) return *stored;  // a retry: the first answer
    if (_payoutDelayMs > 0) {
        // Settles later: query() answers the outcome once the delay has passed.
        host().kvPut("due:" + ref, std::to_string(host().nowNs() + _payoutDelayMs * 1'000'000));
        return record(ref, "pending", request.amount, "", "");
    }
    return record(ref, _payoutOutcome, request.amount, "",
                  _payoutOutcome == "failed" ? "the sandbox is set to fail payouts" : "");
}

void SandboxGateway::payout(const PaymentRequest& request, Reply reply) {
    reply.ok(sendOut("sbx_po_", request));
}

void SandboxGateway::refund(const PaymentRequest& request, Reply reply) {
    if (request.reference.rfind("sbx_pay_", 0) != 0)
        throw Error(BOURSE_E_INVALID, "reference: not a sandbox payment '" + request.reference + "'");
    reply.ok(sendOut("sbx_re_", request));
}

void SandboxGateway::query(const PaymentRequest& request, Reply reply) {
    const auto stored = host().kvGet("obj:" + request.reference);
    if (!stored) throw Error(BOURSE_E_NOT_FOUND, "unknown sandbox object '" + request.reference + "'");
    if (const auto due = host().kvGet("due:" + request.reference); due && host().nowNs() >= std::stoll(*due)) {
        const auto current = parseObject(*stored, "stored payout");
        const auto amount = current->getObject("amount");
        host().kvDelete("due:" + request.reference);
        reply.ok(record(request.reference, _payoutOutcome,
                        Money{amount->getValue<std::int64_t>("minor"), amount->getValue<std::string>("currency")}, "",
                        _payoutOutcome == "failed" ? "the sandbox is set to fail payouts" : ""));
        return;
    }
    reply.ok(*stored);
}

}  // namespace bourse::sandbox
