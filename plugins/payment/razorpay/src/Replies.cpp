#include "Replies.h"

#include "Errors.h"

#include <bourse/plugin.hpp>

#include <Poco/JSON/Object.h>
#include <Poco/JSONString.h>

#include <sstream>

namespace bourse::razorpay {

std::string StatusReply::toJson() const {
    Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
    o.set("provider_ref", providerRef);
    o.set("status", status);
    if (!paymentRef.empty()) o.set("payment_ref", paymentRef);
    if (amount) {
        Poco::JSON::Object::Ptr m = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        m->set("minor", amount->minor);
        m->set("currency", amount->currency);
        o.set("amount", m);
    }
    if (!reason.empty()) o.set("reason", reason);
    std::ostringstream out;
    o.stringify(out);
    return out.str();
}

std::string failureReason(const Payment& payment) {
    if (!payment.errorDescription.empty()) return oneLine(payment.errorDescription);
    if (!payment.errorReason.empty()) return payment.errorReason;
    if (!payment.errorCode.empty()) return payment.errorCode;
    return payment.status == "failed" ? "payment failed" : "";
}

StatusReply depositFromPayment(const std::string& orderId, const Payment& payment) {
    if (payment.orderId != orderId)
        throw Error(BOURSE_E_REJECTED, "razorpay: payment " + payment.id + " belongs to " +
                                           (payment.orderId.empty() ? "no order" : "order " + payment.orderId) +
                                           ", not to " + orderId);
    StatusReply r{orderId, "pending", "", "", std::nullopt};
    if (payment.captured) {
        r.status = "succeeded";
        r.paymentRef = payment.id;
        r.amount = Money{payment.amount, payment.currency};
    } else if (payment.status == "failed") {
        r.status = "failed";
        r.reason = failureReason(payment);
    } else {
        r.reason = "payment " + payment.id + " is " + payment.status + ", not captured yet";
    }
    return r;
}

StatusReply depositFromPayments(const std::string& orderId, const std::vector<Payment>& payments) {
    StatusReply r{orderId, "pending", "", "", std::nullopt};
    int failed = 0;
    std::string lastFailure;
    for (const Payment& p : payments) {
        if (p.orderId != orderId && !p.orderId.empty()) continue;
        if (p.captured) {
            r.status = "succeeded";
            r.paymentRef = p.id;
            r.amount = Money{p.amount, p.currency};
            r.reason.clear();
            return r;
        }
        if (p.status == "failed") {
            ++failed;
            lastFailure = failureReason(p);
        }
    }
    if (payments.empty())
        r.reason = "no payment attempt yet";
    else if (failed > 0)
        r.reason = std::to_string(failed) + " failed attempt(s), the order is still payable; last: " + lastFailure;
    else
        r.reason = "payment not captured yet";
    return r;
}

StatusReply payoutReply(const Payout& payout, bool forQuery) {
    StatusReply r{payout.id, "pending", "", "", std::nullopt};
    if (forQuery) r.amount = Money{payout.amount, payout.currency};
    const std::string& s = payout.status;
    if (s == "processed")
        r.status = "succeeded";
    else if (s == "reversed")
        r.status = forQuery ? "reversed" : "failed";
    else if (s == "rejected" || s == "failed" || s == "cancelled")
        r.status = "failed";
    if (r.status != "succeeded") {
        r.reason = !payout.statusDescription.empty() ? oneLine(payout.statusDescription)
                   : !payout.failureReason.empty()   ? oneLine(payout.failureReason)
                                                     : "payout " + s;
    }
    return r;
}

StatusReply refundReply(const Refund& refund, bool forQuery) {
    StatusReply r{refund.id, "pending", "", "", std::nullopt};
    if (forQuery) {
        r.paymentRef = refund.paymentId;
        r.amount = Money{refund.amount, refund.currency};
    }
    if (refund.status == "processed")
        r.status = "succeeded";
    else if (refund.status == "failed") {
        r.status = "failed";
        r.reason = "refund failed";
    } else
        r.reason = "refund " + refund.status;
    return r;
}

}  // namespace bourse::razorpay
