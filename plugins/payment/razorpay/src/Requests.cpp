#include "Requests.h"

#include "Ids.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSONString.h>

#include <sstream>

namespace bourse::razorpay {

namespace {

/// Keys in the order written: the bytes are stable and read like Razorpay's docs.
Poco::JSON::Object::Ptr object() {
    return new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
}

std::string text(const Poco::JSON::Object::Ptr& o) {
    std::ostringstream out;
    o->stringify(out);
    return out.str();
}

}  // namespace

std::string orderBody(const Money& amount, const std::string& depositId, const std::string& userRef) {
    auto o = object();
    o->set("amount", amount.minor);
    o->set("currency", amount.currency);
    o->set("receipt", receiptFor(depositId));
    auto notes = object();
    notes->set("deposit_id", depositId);
    if (!userRef.empty()) notes->set("user_ref", userRef);
    o->set("notes", notes);
    return text(o);
}

std::string contactBody(const std::string& name, const std::string& userRef) {
    auto o = object();
    o->set("name", name);
    o->set("type", "customer");
    o->set("reference_id", receiptFor(userRef));
    auto notes = object();
    notes->set("user_ref", userRef);
    o->set("notes", notes);
    return text(o);
}

std::string vpaFundAccountBody(const std::string& contactId, const std::string& vpa) {
    auto o = object();
    o->set("contact_id", contactId);
    o->set("account_type", "vpa");
    auto address = object();
    address->set("address", vpa);
    o->set("vpa", address);
    return text(o);
}

std::string payoutBody(const PayoutConfig& config, const std::string& fundAccountId, const std::string& mode,
                       const Money& amount, const std::string& withdrawalId, const std::string& userRef) {
    auto o = object();
    o->set("account_number", config.accountNumber);
    o->set("fund_account_id", fundAccountId);
    o->set("amount", amount.minor);
    o->set("currency", amount.currency);
    o->set("mode", mode);
    o->set("purpose", config.purpose);
    o->set("queue_if_low_balance", config.queueIfLowBalance);
    o->set("reference_id", receiptFor(withdrawalId));
    if (!config.narration.empty()) o->set("narration", config.narration);
    auto notes = object();
    notes->set("withdrawal_id", withdrawalId);
    if (!userRef.empty()) notes->set("user_ref", userRef);
    o->set("notes", notes);
    return text(o);
}

std::string refundBody(const Money& amount, const std::string& withdrawalId) {
    auto o = object();
    o->set("amount", amount.minor);
    auto notes = object();
    notes->set("withdrawal_id", withdrawalId);
    o->set("notes", notes);
    return text(o);
}

}  // namespace bourse::razorpay
