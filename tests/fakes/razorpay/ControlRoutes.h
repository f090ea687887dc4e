//
// ControlRoutes.h — the fake Razorpay's test controls over HTTP, for other
// processes (a kernel under test, scripts) and the browser (the dashboard's
// Checkout stand-in). No auth; answers carry Access-Control-Allow-Origin: *.
// Each endpoint calls the C++ control of the same name (FakeRazorpay.h):
//
//   GET  /_fake/                          this list
//   GET  /_fake/checkout.js               a stand-in for Razorpay Checkout's script (application/javascript):
//        new Razorpay(options).open() shows a dialog; Pay → /_fake/orders/{order_id}/pay → options.handler(result),
//        Cancel → options.modal.ondismiss()
//   POST /_fake/orders/{id}/pay           {"method":"upi"}  →
//   {"razorpay_payment_id","razorpay_order_id","razorpay_signature"} POST /_fake/orders/{id}/fail {"description":"…"} →
//   {"payment_id"} POST /_fake/payouts/{id}/process      {"utr":"…"} POST /_fake/payouts/{id}/fail {"description":"…"}
//   (also /reverse, /reject) POST /_fake/refunds/{id}/process      (also /fail) POST /_fake/fund_accounts
//   {"name","vpa"} → {"id":"fa_…"} GET  /_fake/balance, POST /_fake/balance {"balance":paise} POST /_fake/faults
//   {"status":500,"count":2} | {"hang_ms":3000,"count":1,"process_first":true} | {"clear":true} POST /_fake/webhooks
//   {"url","secret","twice","out_of_order","hold","wrong_secret"} (any subset) POST /_fake/webhooks/release
//   {"reverse":false} → {"released":n} POST /_fake/webhooks/retry            → {"queued":n} GET  /_fake/webhooks
//   {"events":[{id,event,body,signature}],"deliveries":[…]} GET  /_fake/requests
//   [{method,path,query,status,idempotency_key,body,…}] GET  /_fake/entities/{id}             the object's current JSON
//
// A refused control answers 400 {"error":"…"}; an unknown path 404.
//
#pragma once

#include "Store.h"
#include "razorpay/FakeRazorpay.h"

#include <string>

namespace bourse::fakes::razorpay {

Answer control(FakeRazorpay& fake, const std::string& method, const std::string& path, const std::string& body);

}  // namespace bourse::fakes::razorpay
