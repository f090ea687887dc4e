//
// Requests.h — the JSON bodies the plugin sends to Razorpay. Pure functions of
// their inputs, so a retry (same kernel id, same config) sends the same bytes:
// RazorpayX refuses a repeated X-Payout-Idempotency key with a different body.
//
#pragma once

#include "Config.h"

#include <bourse/decimal.hpp>

#include <string>

namespace bourse::razorpay {

/// POST /v1/orders: {amount, currency, receipt, notes:{deposit_id, user_ref}}.
std::string orderBody(const Money& amount, const std::string& depositId, const std::string& userRef);

/// POST /v1/contacts: {name, type:"customer", reference_id, notes:{user_ref}}.
std::string contactBody(const std::string& name, const std::string& userRef);

/// POST /v1/fund_accounts: {contact_id, account_type:"vpa", vpa:{address}}.
std::string vpaFundAccountBody(const std::string& contactId, const std::string& vpa);

/// POST /v1/payouts: {account_number, fund_account_id, amount, currency, mode,
/// purpose, queue_if_low_balance, reference_id, [narration], notes:{withdrawal_id, user_ref}}.
std::string payoutBody(const PayoutConfig& config, const std::string& fundAccountId, const std::string& mode,
                       const Money& amount, const std::string& withdrawalId, const std::string& userRef);

/// POST /v1/payments/{id}/refund: {amount, notes:{withdrawal_id}}.
std::string refundBody(const Money& amount, const std::string& withdrawalId);

}  // namespace bourse::razorpay
