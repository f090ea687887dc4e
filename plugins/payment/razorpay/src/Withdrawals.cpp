// Withdrawals: RazorpayX payouts (payout) and refunds of a captured deposit (refund).
//
// Payouts are made idempotent by Razorpay itself: X-Payout-Idempotency is the
// withdrawal id (mapped by Ids.h when it does not fit) and the body is a pure
// function of the request, the config and the fund account, so a retry sends
// the same bytes and gets the same payout back. A UPI destination needs a
// contact and a fund account first; the plugin remembers them in the host's
// KV store (contact:<user_ref>, fa:<user_ref>|<vpa>) so retries and later
// withdrawals to the same address make none again — and the fund account, and
// so the payout body, stays the same across retries.
//
// Refunds take no idempotency header; they are remembered like orders
// (refund:<withdrawal id>, refund-attempt:<withdrawal id>): after a lost reply
// the retry looks for a refund of the payment whose notes carry the
// withdrawal id (GET /v1/payments/{id}/refunds) before making one.
#include "Amounts.h"
#include "Ids.h"
#include "RazorpayGateway.h"
#include "Replies.h"
#include "Requests.h"

#include <Poco/JSON/Object.h>

#include <regex>

namespace bourse::razorpay {

namespace {

std::string withdrawalIdOf(const PaymentRequest& request, const Poco::JSON::Object::Ptr& meta) {
    std::string id = request.idempotencyKey;
    if (id.empty()) id = stringField(meta, "withdrawal_id");
    if (id.empty()) throw Error(BOURSE_E_INVALID, "invalid: the withdrawal id (idempotency_key) is missing");
    return id;
}

std::string lower(std::string s) {
    for (char& c : s)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

Destination destinationOf(const PaymentRequest& request, const Poco::JSON::Object::Ptr& meta) {
    if (!meta->has("destination") || meta->get("destination").type() != typeid(Poco::JSON::Object::Ptr))
        throw Error(
            BOURSE_E_INVALID,
            "invalid: destination must be {\"fund_account_id\":\"fa_…\"} or {\"vpa\":\"name@bank\",\"name\":\"…\"}");
    const auto d = meta->getObject("destination");
    Destination out{stringField(d, "fund_account_id"), stringField(d, "vpa"), stringField(d, "name")};
    if (!out.fundAccountId.empty() && !out.vpa.empty())
        throw Error(BOURSE_E_INVALID, "invalid: destination has both fund_account_id and vpa; give one");
    if (!out.fundAccountId.empty()) {
        if (!plausibleId(out.fundAccountId) || out.fundAccountId.rfind("fa_", 0) != 0)
            throw Error(BOURSE_E_INVALID, "invalid: destination.fund_account_id is not a fund account id (fa_…)");
        return out;
    }
    if (out.vpa.empty())
        throw Error(BOURSE_E_INVALID, "invalid: destination needs fund_account_id or vpa (a UPI address)");
    static const std::regex vpaShape(R"([A-Za-z0-9._-]{2,256}@[A-Za-z][A-Za-z0-9]{1,63})");
    if (!std::regex_match(out.vpa, vpaShape))
        throw Error(BOURSE_E_INVALID, "invalid: destination.vpa is not a UPI address (name@bank)");
    if (out.name.empty() || out.name.size() > 50)
        throw Error(BOURSE_E_INVALID,
                    "invalid: destination.name (the account holder, 1-50 characters) is required "
                    "with a vpa");
    if (request.userRef.empty()) throw Error(BOURSE_E_INVALID, "invalid: a vpa destination needs the user_ref");
    return out;
}

}  // namespace

void RazorpayGateway::payout(const PaymentRequest& request, Reply reply) {
    if (!_config.payout)
        throw Error(BOURSE_E_UNSUPPORTED, "unsupported: payouts need config payout.account_number (RazorpayX)");
    const auto meta = metadataOf(request);
    const std::string withdrawalId = withdrawalIdOf(request, meta);
    if (request.amount.currency != "INR")
        throw Error(BOURSE_E_INVALID, "invalid: RazorpayX pays out in INR only, not '" + request.amount.currency + "'");
    checkAmount(request.amount, {"INR"});
    const Destination destination = destinationOf(request, meta);

    auto shared = std::make_shared<Reply>(std::move(reply));
    resolveFundAccount(
        request, destination, shared,
        [this, request, withdrawalId, shared](const std::string& fundAccountId, const std::string& mode) {
            _api.post(
                "/v1/payouts",
                payoutBody(*_config.payout, fundAccountId, mode, request.amount, withdrawalId, request.userRef),
                "create payout", shared,
                [shared](const Poco::JSON::Object::Ptr& o) { shared->ok(payoutReply(payoutFrom(o), false).toJson()); },
                {}, {{"X-Payout-Idempotency", idempotencyKeyFor(withdrawalId)}});
        });
}

void RazorpayGateway::resolveFundAccount(const PaymentRequest& request, const Destination& destination,
                                         const SharedReply& reply, const OnFundAccount& then) {
    if (!destination.vpa.empty()) {
        vpaFundAccount(request, destination.vpa, destination.name, reply, then);
        return;
    }
    // The account type decides the mode: RazorpayX pays a vpa only by UPI.
    const std::string id = destination.fundAccountId;
    _api.get(
        "/v1/fund_accounts/" + id, "fetch fund account " + id, reply,
        [this, id, then](const Poco::JSON::Object::Ptr& o) {
            const FundAccount account = fundAccountFrom(o);
            if (!account.active)
                throw Error(BOURSE_E_INVALID, "invalid: fund account " + id + " is deactivated on RazorpayX");
            then(account.id, account.accountType == "vpa" ? "UPI" : _config.payout->mode);
        },
        [reply, id](const Error& e, const ApiError&) {
            if (e.status() != BOURSE_E_NOT_FOUND) return false;
            reply->fail(BOURSE_E_INVALID,
                        "invalid: destination.fund_account_id " + id + " does not exist on the RazorpayX account");
            return true;
        });
}

void RazorpayGateway::vpaFundAccount(const PaymentRequest& request, const std::string& vpa, const std::string& name,
                                     const SharedReply& reply, const OnFundAccount& then) {
    const std::string faKey = kvKey("fa:", request.userRef + "|" + lower(vpa));
    if (const auto known = host().kvGet(faKey)) {
        then(*known, "UPI");
        return;
    }
    const auto withContact = [this, vpa, faKey, reply, then](const std::string& contactId) {
        _api.post("/v1/fund_accounts", vpaFundAccountBody(contactId, vpa), "create fund account", reply,
                  [this, faKey, then](const Poco::JSON::Object::Ptr& o) {
                      const FundAccount account = fundAccountFrom(o);
                      host().kvPut(faKey, account.id);
                      then(account.id, "UPI");
                  });
    };
    const std::string contactKey = kvKey("contact:", request.userRef);
    if (const auto contact = host().kvGet(contactKey)) {
        withContact(*contact);
        return;
    }
    _api.post("/v1/contacts", contactBody(name, request.userRef), "create contact", reply,
              [this, contactKey, withContact](const Poco::JSON::Object::Ptr& o) {
                  const Contact contact = contactFrom(o);
                  host().kvPut(contactKey, contact.id);
                  withContact(contact.id);
              });
}

void RazorpayGateway::refund(const PaymentRequest& request, Reply reply) {
    const auto meta = metadataOf(request);
    const std::string withdrawalId = withdrawalIdOf(request, meta);
    if (!plausibleId(request.reference))
        throw Error(BOURSE_E_INVALID, "invalid: refund needs the deposit's payment_ref (pay_…) in reference");
    checkAmount(request.amount, {});
    auto shared = std::make_shared<Reply>(std::move(reply));

    if (const auto stored = host().kvGet(kvKey("refund:", withdrawalId))) {
        _api.get(
            "/v1/refunds/" + *stored, "fetch refund " + *stored, shared,
            [shared](const Poco::JSON::Object::Ptr& o) { shared->ok(refundReply(refundFrom(o), false).toJson()); });
        return;
    }
    if (!host().kvGet(kvKey("refund-attempt:", withdrawalId))) {
        host().kvPut(kvKey("refund-attempt:", withdrawalId), "1");
        createRefund(request, withdrawalId, shared);
        return;
    }
    // An earlier attempt may have refunded without us hearing back: look before refunding again.
    const std::string& paymentId = request.reference;
    _api.get("/v1/payments/" + paymentId + "/refunds?count=100", "list refunds of " + paymentId, shared,
             [this, request, withdrawalId, shared](const Poco::JSON::Object::Ptr& collection) {
                 for (const auto& item : itemsOf(collection)) {
                     const Refund r = refundFrom(item);
                     if (note(r.notes, "withdrawal_id") != withdrawalId) continue;
                     host().kvPut(kvKey("refund:", withdrawalId), r.id);
                     shared->ok(refundReply(r, false).toJson());
                     return;
                 }
                 createRefund(request, withdrawalId, shared);
             });
}

void RazorpayGateway::createRefund(const PaymentRequest& request, const std::string& withdrawalId,
                                   const SharedReply& reply) {
    _api.post("/v1/payments/" + request.reference + "/refund", refundBody(request.amount, withdrawalId),
              "refund " + request.reference, reply, [this, withdrawalId, reply](const Poco::JSON::Object::Ptr& o) {
                  const Refund r = refundFrom(o);
                  host().kvPut(kvKey("refund:", withdrawalId), r.id);
                  reply->ok(refundReply(r, false).toJson());
              });
}

}  // namespace bourse::razorpay
