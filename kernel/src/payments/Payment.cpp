#include "payments/Payment.h"

#include "http/Router.h"
#include "ledger/Ledger.h"

#include <Poco/JSON/Parser.h>

#include <stdexcept>

namespace bourse {

namespace {

std::string text(const Poco::JSON::Object& o, const char* key) {
    return o.has(key) && !o.isNull(key) ? o.getValue<std::string>(key) : std::string();
}

void putTimes(Poco::JSON::Object& o, std::int64_t created, std::int64_t updated, std::int64_t completed) {
    o.set("created_at", created / 1'000'000);
    o.set("updated_at", updated / 1'000'000);
    if (completed) o.set("completed_at", completed / 1'000'000);
}

}  // namespace

GatewayEvent parseGatewayEvent(const std::string& json) {
    Poco::JSON::Object::Ptr o;
    try {
        o = Poco::JSON::Parser().parse(json).extract<Poco::JSON::Object::Ptr>();
    } catch (const std::exception&) {
        throw std::invalid_argument("the gateway's event is not a JSON object");
    }
    if (!o) throw std::invalid_argument("the gateway's event is not a JSON object");
    GatewayEvent e;
    e.eventId = text(*o, "event_id");
    e.type = text(*o, "type");
    e.providerRef = text(*o, "provider_ref");
    e.depositId = text(*o, "deposit_id");
    e.withdrawalId = text(*o, "withdrawal_id");
    e.paymentRef = text(*o, "payment_ref");
    e.reason = text(*o, "reason");
    if (e.eventId.empty() || e.eventId.size() > 255) throw std::invalid_argument("the gateway's event has no event_id");
    static const char* const kTypes[] = {"deposit.succeeded", "deposit.failed",   "payout.succeeded", "payout.failed",
                                         "payout.reversed",   "refund.succeeded", "refund.failed",    "ignored"};
    bool known = false;
    for (const char* t : kTypes)
        known = known || e.type == t;
    if (!known) throw std::invalid_argument("the gateway's event has an unknown type '" + e.type + "'");
    if (o->has("amount") && !o->isNull("amount")) {
        const auto amount = o->getObject("amount");
        if (!amount || !amount->has("minor") || !amount->has("currency"))
            throw std::invalid_argument("the gateway's event amount is not {minor, currency}");
        e.amount = amount->getValue<std::int64_t>("minor");
        e.currency = amount->getValue<std::string>("currency");
    }
    return e;
}

std::string depositJson(const Deposit& d) {
    Poco::JSON::Object o;
    o.set("id", d.id);
    o.set("gateway", d.gateway);
    o.set("amount", formatMinor(d.amount));
    o.set("currency", d.currency);
    o.set("status", d.status);
    if (!d.providerRef.empty()) o.set("provider_ref", d.providerRef);
    if (!d.reason.empty()) o.set("reason", d.reason);
    if (d.refunded) o.set("refunded", formatMinor(d.refunded));
    putTimes(o, d.createdNs, d.updatedNs, d.completedNs);
    return toJson(o);
}

std::string withdrawalJson(const Withdrawal& w) {
    Poco::JSON::Object o;
    o.set("id", w.id);
    o.set("gateway", w.gateway);
    o.set("amount", formatMinor(w.amount));
    o.set("currency", w.currency);
    o.set("status", w.status);
    o.set("method", w.method);
    if (!w.providerRef.empty()) o.set("provider_ref", w.providerRef);
    if (!w.reason.empty()) o.set("reason", w.reason);
    putTimes(o, w.createdNs, w.updatedNs, w.completedNs);
    return toJson(o);
}

}  // namespace bourse
