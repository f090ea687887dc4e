// The RazorpayX side of the fake: contacts, fund accounts and payouts.
#include "Json.h"
#include "Store.h"

#include <regex>
#include <stdexcept>

namespace bourse::fakes::razorpay {

namespace {

const std::regex& vpaShape() {
    static const std::regex shape(R"([A-Za-z0-9._-]{2,256}@[A-Za-z][A-Za-z0-9]{1,63})");
    return shape;
}

std::int64_t integer(const Poco::JSON::Object::Ptr& o, const std::string& key) {
    return o->getValue<std::int64_t>(key);
}

Poco::Dynamic::Var nullable(const std::string& s) {
    return s.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(s);
}

Poco::JSON::Object::Ptr statusDetails(const std::string& source, const std::string& reason,
                                      const std::string& description) {
    auto d = object();
    d->set("source", source);
    d->set("reason", reason);
    d->set("description", description);
    return d;
}

}  // namespace

Outcome Store::createContact(const Ptr& body) {
    if (auto bad = unknownKeys(body, {"name", "email", "contact", "type", "reference_id", "notes"})) return {*bad, {}};
    if (str(body, "name").empty())
        return {errorAnswer(400, "BAD_REQUEST_ERROR", "The name field is required.", "name"), {}};
    for (const auto& [key, max] :
         {std::pair<std::string, std::size_t>{"name", 50}, {"email", 64}, {"contact", 15}, {"reference_id", 40}})
        if (auto bad = checkString(body, key, max)) return {*bad, {}};
    const std::string type = str(body, "type");
    if (!type.empty() && type != "customer" && type != "vendor" && type != "employee" && type != "self")
        return {errorAnswer(400, "BAD_REQUEST_ERROR", "The selected type is invalid.", "type"), {}};
    Poco::Dynamic::Var notes;
    if (auto bad = checkNotes(body, notes)) return {*bad, {}};
    // Razorpay answers the existing contact (200) for the same details instead of a duplicate.
    for (const auto& id : _contacts) {
        const Ptr& c = _entities.at(id);
        bool same = true;
        for (const char* key : {"name", "email", "contact", "type", "reference_id"})
            same = same && str(c, key) == str(body, key);
        if (same) return {ok(c, 200), {}};
    }
    auto c = object();
    const std::string id = newId("cont_");
    c->set("id", id);
    c->set("entity", "contact");
    c->set("name", str(body, "name"));
    c->set("contact", nullable(str(body, "contact")));
    c->set("email", nullable(str(body, "email")));
    c->set("type", nullable(type));
    c->set("reference_id", nullable(str(body, "reference_id")));
    c->set("batch_id", Poco::Dynamic::Var());
    c->set("active", true);
    c->set("notes", notes);
    c->set("created_at", now());
    _entities[id] = c;
    _contacts.push_back(id);
    return {ok(c, 201), {}};
}

Outcome Store::createFundAccount(const Ptr& body) {
    if (auto bad = unknownKeys(body, {"contact_id", "account_type", "vpa", "bank_account"})) return {*bad, {}};
    const std::string contactId = str(body, "contact_id");
    if (contactId.empty())
        return {errorAnswer(400, "BAD_REQUEST_ERROR", "The contact id field is required.", "contact_id"), {}};
    if (!find(contactId) || contactId.rfind("cont_", 0) != 0)
        return {errorAnswer(400, "BAD_REQUEST_ERROR", "The id provided does not exist", "contact_id"), {}};
    const std::string type = str(body, "account_type");
    auto fa = object();
    std::string key;  // what makes two fund accounts "the same"
    if (type == "vpa") {
        const Ptr vpa = body->has("vpa") && body->get("vpa").type() == typeid(Poco::JSON::Object::Ptr)
                            ? body->getObject("vpa")
                            : Ptr();
        const std::string address = str(vpa, "address");
        if (!std::regex_match(address, vpaShape()))
            return {errorAnswer(400, "BAD_REQUEST_ERROR", "Invalid VPA. Please enter a valid Virtual Payment Address",
                                "vpa.address"),
                    {}};
        const auto at = address.find('@');
        auto v = object();
        v->set("username", address.substr(0, at));
        v->set("handle", address.substr(at + 1));
        v->set("address", address);
        fa->set("vpa", v);
        key = "vpa|" + address;
    } else if (type == "bank_account") {
        const Ptr bank =
            body->has("bank_account") && body->get("bank_account").type() == typeid(Poco::JSON::Object::Ptr)
                ? body->getObject("bank_account")
                : Ptr();
        const std::string name = str(bank, "name"), ifsc = str(bank, "ifsc"), number = str(bank, "account_number");
        if (name.empty() || !std::regex_match(ifsc, std::regex("[A-Z]{4}0[A-Z0-9]{6}")) ||
            !std::regex_match(number, std::regex("[0-9]{5,35}")))
            return {errorAnswer(400, "BAD_REQUEST_ERROR",
                                "The bank account needs a name, an IFSC (e.g. HDFC0000053) and an account number",
                                "bank_account"),
                    {}};
        auto b = object();
        b->set("ifsc", ifsc);
        b->set("bank_name", "Fake Bank");
        b->set("name", name);
        b->set("account_number", number);
        fa->set("bank_account", b);
        key = "bank|" + ifsc + "|" + number;
    } else {
        return {errorAnswer(400, "BAD_REQUEST_ERROR", "Invalid account type: " + type, "account_type"), {}};
    }
    for (const auto& [id, e] : _entities)
        if (id.rfind("fa_", 0) == 0 && str(e, "contact_id") == contactId && _fundAccountKeys[id] == key)
            return {ok(e, 200), {}};  // the same details: Razorpay answers the existing fund account
    const std::string id = newId("fa_");
    auto out = object();
    out->set("id", id);
    out->set("entity", "fund_account");
    out->set("contact_id", contactId);
    out->set("account_type", type);
    for (const auto& [k, v] : *fa)
        out->set(k, v);
    out->set("batch_id", Poco::Dynamic::Var());
    out->set("active", true);
    out->set("created_at", now());
    _entities[id] = out;
    _fundAccountKeys[id] = key;
    return {ok(out, 201), {}};
}

Outcome Store::createPayout(const Ptr& body, const std::string* idempotencyKey) {
    static const std::regex keyShape("[A-Za-z0-9 _-]{4,36}");
    if (!idempotencyKey || idempotencyKey->empty())
        return {errorAnswer(400, "BAD_REQUEST_ERROR",
                            "Idempotency key is missing. Include idempotency header and key in the request.",
                            "X-Payout-Idempotency"),
                {}};
    if (!std::regex_match(*idempotencyKey, keyShape))
        return {errorAnswer(400, "BAD_REQUEST_ERROR",
                            "Idempotency key is invalid: use 4-36 letters, digits, spaces, hyphens or underscores.",
                            "X-Payout-Idempotency"),
                {}};
    const std::string same = canonical(body);
    if (const auto seen = _idempotency.find(*idempotencyKey); seen != _idempotency.end()) {
        if (seen->second.first != same)
            return {errorAnswer(400, "BAD_REQUEST_ERROR", "Different request body sent for the same Idempotency Header",
                                "X-Payout-Idempotency"),
                    {}};
        return {ok(_entities.at(seen->second.second)), {}};  // the same payout, as it is now
    }

    if (auto bad = unknownKeys(body, {"account_number", "fund_account_id", "amount", "currency", "mode", "purpose",
                                      "queue_if_low_balance", "reference_id", "narration", "notes"}))
        return {*bad, {}};
    if (str(body, "account_number").empty())
        return {errorAnswer(400, "BAD_REQUEST_ERROR", "The account number field is required.", "account_number"), {}};
    if (str(body, "account_number") != _options.accountNumber)
        return {errorAnswer(400, "BAD_REQUEST_ERROR", "The account number is invalid.", "account_number"), {}};
    const std::string faId = str(body, "fund_account_id");
    const Ptr* fa = find(faId);
    if (!fa || faId.rfind("fa_", 0) != 0)
        return {errorAnswer(400, "BAD_REQUEST_ERROR", "The id provided does not exist", "fund_account_id"), {}};
    if (!(*fa)->getValue<bool>("active"))
        return {errorAnswer(400, "BAD_REQUEST_ERROR", "The fund account is not active.", "fund_account_id"), {}};
    if (auto bad = checkAmount(body, "INR", true)) return {*bad, {}};
    if (str(body, "currency") != "INR")
        return {
            errorAnswer(400, "BAD_REQUEST_ERROR", "Currency other than INR is not supported for payouts.", "currency"),
            {}};
    const std::string mode = str(body, "mode");
    if (mode != "IMPS" && mode != "NEFT" && mode != "RTGS" && mode != "UPI")
        return {errorAnswer(400, "BAD_REQUEST_ERROR", "The selected mode is invalid.", "mode"), {}};
    const std::string accountType = str(*fa, "account_type");
    if (accountType == "vpa" && mode != "UPI")
        return {
            errorAnswer(400, "BAD_REQUEST_ERROR",
                        "Invalid combination of payout mode (" + mode + ") and beneficiary account type (vpa)", "mode"),
            {}};
    static const std::set<std::string> purposes = {"refund", "cashback",     "payout",
                                                   "salary", "utility bill", "vendor bill"};
    if (!purposes.count(str(body, "purpose")))
        return {errorAnswer(400, "BAD_REQUEST_ERROR", "The selected purpose is invalid.", "purpose"), {}};
    if (body->has("queue_if_low_balance") && body->get("queue_if_low_balance").type() != typeid(bool))
        return {errorAnswer(400, "BAD_REQUEST_ERROR", "The queue if low balance field must be true or false.",
                            "queue_if_low_balance"),
                {}};
    if (auto bad = checkString(body, "reference_id", 40)) return {*bad, {}};
    if (auto bad = checkString(body, "narration", 30)) return {*bad, {}};
    if (!std::regex_match(str(body, "narration"), std::regex("[A-Za-z0-9 ]*")))
        return {errorAnswer(400, "BAD_REQUEST_ERROR", "The narration may only contain letters, digits and spaces.",
                            "narration"),
                {}};
    Poco::Dynamic::Var notes;
    if (auto bad = checkNotes(body, notes)) return {*bad, {}};

    const std::int64_t amount = integer(body, "amount");
    const bool queue = body->has("queue_if_low_balance") && body->getValue<bool>("queue_if_low_balance");
    std::string status = _options.payoutsNeedApproval ? "pending" : "processing";
    Poco::Dynamic::Var details;
    if (status == "processing" && amount > _balance) {
        if (!queue)
            return {errorAnswer(400, "BAD_REQUEST_ERROR",
                                "Your account does not have enough balance to carry out the payout operation.", "",
                                "insufficient_balance"),
                    {}};
        status = "queued";
        details = statusDetails("internal", "low_balance",
                                "Payout is queued as there is insufficient balance in your account");
    }
    if (status == "processing") _balance -= amount;  // queued and pending payouts are paid when processed

    auto p = object();
    const std::string id = newId("pout_");
    p->set("id", id);
    p->set("entity", "payout");
    p->set("fund_account_id", faId);
    p->set("amount", amount);
    p->set("currency", "INR");
    p->set("notes", notes);
    p->set("fees", mode == "UPI" ? 300 : 500);
    p->set("tax", mode == "UPI" ? 54 : 90);
    p->set("status", status);
    p->set("purpose", str(body, "purpose"));
    p->set("utr", Poco::Dynamic::Var());
    p->set("mode", mode);
    p->set("reference_id", nullable(str(body, "reference_id")));
    p->set("narration", nullable(str(body, "narration")));
    p->set("batch_id", Poco::Dynamic::Var());
    p->set("status_details", details);
    p->set("created_at", now());
    p->set("fee_type", "");
    _entities[id] = p;
    _idempotency[*idempotencyKey] = {same, id};
    std::vector<Event> events;
    if (status != "processing") events.push_back({"payout." + status, {{"payout", stringify(p)}}});
    return {ok(p), events};
}

std::vector<Event> Store::settlePayout(const std::string& id, const std::string& status, const std::string& detail) {
    std::lock_guard lock(_mutex);
    const Ptr* found = find(id);
    if (!found || id.rfind("pout_", 0) != 0) throw std::invalid_argument("no payout " + id);
    Ptr p = *found;
    const std::string now = str(p, "status");
    const std::int64_t amount = integer(p, "amount");
    const bool waiting = now == "queued" || now == "pending";  // not paid out of the balance yet
    if (status == "processed") {
        if (now != "processing" && !waiting) throw std::invalid_argument("payout " + id + " is " + now);
        if (waiting) {
            if (amount > _balance) throw std::invalid_argument("the balance does not cover payout " + id);
            _balance -= amount;
        }
        std::string utr = detail;
        if (utr.empty()) utr = std::to_string(100000000000ULL + _random() % 900000000000ULL);  // 12 digits
        p->set("utr", utr);
        p->set("status_details", Poco::Dynamic::Var());
    } else if (status == "failed") {
        if (now != "processing" && !waiting) throw std::invalid_argument("payout " + id + " is " + now);
        if (!waiting) _balance += amount;
        p->set(
            "status_details",
            statusDetails(
                "beneficiary_bank", "beneficiary_bank_rejected",
                detail.empty() ? "Payout failed as the beneficiary bank rejected it. Retry after some time." : detail));
    } else if (status == "reversed") {
        if (now != "processed")
            throw std::invalid_argument("only a processed payout can be reversed; " + id + " is " + now);
        _balance += amount;
        p->set("status_details", statusDetails("beneficiary_bank", "beneficiary_bank_failure",
                                               detail.empty() ? "Payout reversed by the beneficiary bank." : detail));
    } else if (status == "rejected") {
        if (!waiting)
            throw std::invalid_argument("only a queued or pending payout can be rejected; " + id + " is " + now);
        p->set("status_details", statusDetails("internal", "payout_rejected",
                                               detail.empty() ? "Payout rejected by the approver." : detail));
    } else {
        throw std::invalid_argument("a payout is settled as processed, failed, reversed or rejected");
    }
    p->set("status", status);
    return {{"payout." + status, {{"payout", stringify(p)}}}};
}

std::string Store::addVpaFundAccount(const std::string& name, const std::string& vpa) {
    auto contact = object();
    contact->set("name", name);
    contact->set("type", "customer");
    const Outcome c = [&] {
        std::lock_guard lock(_mutex);
        return createContact(contact);
    }();
    if (c.answer.status >= 300) throw std::invalid_argument("contact refused: " + c.answer.body);
    auto body = object();
    body->set("contact_id", str(*parseObject(c.answer.body), "id"));
    body->set("account_type", "vpa");
    auto address = object();
    address->set("address", vpa);
    body->set("vpa", address);
    std::lock_guard lock(_mutex);
    const Outcome f = createFundAccount(body);
    if (f.answer.status >= 300) throw std::invalid_argument("fund account refused: " + f.answer.body);
    return str(*parseObject(f.answer.body), "id");
}

}  // namespace bourse::fakes::razorpay
