#include "ControlRoutes.h"

#include "Json.h"

#include <Poco/JSON/Array.h>

#include <regex>
#include <stdexcept>

namespace bourse::fakes::razorpay {

namespace {

Answer fail(int status, const std::string& message) {
    auto o = object();
    o->set("error", message);
    return Answer{status, stringify(o)};
}

Answer done(const Poco::JSON::Object::Ptr& o = object()) {
    return Answer{200, stringify(o)};
}

bool flag(const Poco::JSON::Object::Ptr& o, const std::string& key, bool fallback) {
    if (!o->has(key)) return fallback;
    if (o->get(key).type() != typeid(bool)) throw std::invalid_argument(key + " must be true or false");
    return o->getValue<bool>(key);
}

std::int64_t number(const Poco::JSON::Object::Ptr& o, const std::string& key, std::int64_t fallback) {
    if (!o->has(key)) return fallback;
    if (!o->get(key).isInteger()) throw std::invalid_argument(key + " must be a whole number");
    return o->getValue<std::int64_t>(key);
}

Answer help() {
    auto o = object();
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    for (const char* line : {"GET /_fake/checkout.js (a stand-in for Razorpay Checkout's script)",
                             "POST /_fake/orders/{id}/pay {method}", "POST /_fake/orders/{id}/fail {description}",
                             "POST /_fake/payouts/{id}/process|fail|reverse|reject {utr|description}",
                             "POST /_fake/refunds/{id}/process|fail", "POST /_fake/fund_accounts {name,vpa}",
                             "GET|POST /_fake/balance {balance}",
                             "POST /_fake/faults {status,count}|{hang_ms,count,process_first}|{clear}",
                             "POST /_fake/webhooks {url,secret,twice,out_of_order,hold,wrong_secret}",
                             "POST /_fake/webhooks/release {reverse}", "POST /_fake/webhooks/retry",
                             "GET /_fake/webhooks", "GET /_fake/requests", "GET /_fake/entities/{id}"})
        list->add(std::string(line));
    o->set("controls", list);
    return done(o);
}

/// A stand-in for Razorpay Checkout's script (checkout.razorpay.com/v1/checkout.js)
/// with the same contract: `new Razorpay(options).open()`. The dialog's Pay
/// completes the order here (POST /_fake/orders/{order_id}/pay) and hands
/// options.handler Checkout's result; Cancel calls options.modal.ondismiss.
/// FAKE_URL is replaced by the fake's URL (used if the script cannot tell where it came from).
constexpr const char* kCheckoutScript = R"JS(// fake Razorpay: a stand-in for Razorpay Checkout (no real money).
// new Razorpay({key, order_id, amount, currency, name, handler, modal: {ondismiss}}).open()
(() => {
  "use strict";
  const src = document.currentScript instanceof HTMLScriptElement ? document.currentScript.src : "";
  const base = src ? new URL(src).origin : "FAKE_URL";
  const money = (minor, currency) => {
    try {
      const f = new Intl.NumberFormat("en-IN", { style: "currency", currency });
      return f.format(minor / 10 ** f.resolvedOptions().maximumFractionDigits);
    } catch {
      return `${minor} ${currency} (minor units)`;
    }
  };
  const el = (tag, text, style) => {
    const e = document.createElement(tag);
    e.textContent = text;
    Object.assign(e.style, style);
    return e;
  };
  class Razorpay {
    constructor(options) {
      if (!options || typeof options.key !== "string" || typeof options.order_id !== "string")
        throw new TypeError("Razorpay: options.key and options.order_id are required");
      this.options = options;
      this.overlay = null;
    }
    open() {
      if (this.overlay) return;
      const o = this.options;
      const overlay = el("div", "", { position: "fixed", inset: "0", background: "rgba(0,0,0,.45)", display: "flex",
        alignItems: "center", justifyContent: "center", zIndex: "2147483647" });
      const box = el("div", "", { background: "#fff", color: "#111", padding: "20px", borderRadius: "8px",
        minWidth: "280px", font: "14px system-ui, sans-serif" });
      box.setAttribute("role", "dialog");
      box.setAttribute("aria-modal", "true");
      box.setAttribute("aria-label", "Razorpay Checkout");
      box.dataset.orderId = o.order_id;
      const error = el("p", "", { color: "#b00020" });
      error.setAttribute("role", "alert");
      const button = { padding: "6px 14px", borderRadius: "4px", font: "inherit", cursor: "pointer" };
      const pay = el("button", "Pay", { ...button, marginRight: "8px", background: "#3395ff", color: "#fff", border: "0" });
      const cancel = el("button", "Cancel", { ...button, background: "#f3f3f3", color: "#111", border: "1px solid #bbb" });
      pay.type = cancel.type = "button";
      pay.onclick = async () => {
        pay.disabled = cancel.disabled = true;
        error.textContent = "";
        try {
          const r = await fetch(`${base}/_fake/orders/${encodeURIComponent(o.order_id)}/pay`, {
            method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ method: "upi" }) });
          const result = await r.json();
          if (!r.ok) throw new Error(result.error || `HTTP ${r.status}`);
          this.close();
          if (typeof o.handler === "function") o.handler(result);
        } catch (e) {
          error.textContent = `Payment failed: ${e instanceof Error ? e.message : e}`;
          pay.disabled = cancel.disabled = false;
        }
      };
      cancel.onclick = () => {
        this.close();
        if (o.modal && typeof o.modal.ondismiss === "function") o.modal.ondismiss();
      };
      box.append(el("strong", o.name || "Merchant", {}), el("p", "Fake Razorpay: no real money", {}),
        el("p", `${money(o.amount, o.currency)} for order ${o.order_id}`, {}), error, pay, cancel);
      overlay.append(box);
      document.body.append(overlay);
      this.overlay = overlay;
      pay.focus();
    }
    close() {
      this.overlay?.remove();
      this.overlay = null;
    }
  }
  window.Razorpay = Razorpay;
})();
)JS";

Answer checkoutScript(const FakeRazorpay& fake) {
    std::string js = kCheckoutScript;
    const std::string marker = "FAKE_URL";
    js.replace(js.find(marker), marker.size(), fake.url());
    return Answer{200, js, "application/javascript; charset=UTF-8"};
}

Answer webhooks(FakeRazorpay& fake) {
    auto o = object();
    Poco::JSON::Array::Ptr events = new Poco::JSON::Array, deliveries = new Poco::JSON::Array;
    for (const auto& e : fake.events()) {
        auto x = object();
        x->set("id", e.id);
        x->set("event", e.event);
        x->set("body", e.body);
        x->set("signature", e.signature);
        events->add(x);
    }
    for (const auto& d : fake.deliveries()) {
        auto x = object();
        x->set("event_id", d.eventId);
        x->set("event", d.event);
        x->set("url", d.url);
        x->set("status", d.status);
        x->set("error", d.error);
        x->set("at_ms", d.atMs);
        deliveries->add(x);
    }
    o->set("events", events);
    o->set("deliveries", deliveries);
    return done(o);
}

Answer requests(FakeRazorpay& fake) {
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    for (const auto& r : fake.requests()) {
        auto x = object();
        x->set("at_ms", r.atMs);
        x->set("method", r.method);
        x->set("path", r.path);
        x->set("query", r.query);
        x->set("status", r.status);
        x->set("error_code", r.errorCode);
        x->set("error_description", r.errorDescription);
        x->set("idempotency_key", r.hasIdempotencyKey ? Poco::Dynamic::Var(r.idempotencyKey) : Poco::Dynamic::Var());
        x->set("fault", r.fault);
        x->set("body", r.body);
        list->add(x);
    }
    return Answer{200, stringify(list)};
}

Answer webhookSettings(FakeRazorpay& fake, const Poco::JSON::Object::Ptr& b) {
    if (b->has("url") || b->has("secret")) {
        const std::string url = b->has("url") ? str(b, "url") : fake.options().webhookUrl;
        if (!url.empty() && url.rfind("http://", 0) != 0)
            throw std::invalid_argument("url must be http:// (the fake sends plain HTTP)");
        fake.setWebhook(url, str(b, "secret"));
    }
    FakeRazorpayWebhookOptions o = fake.webhookOptions();
    o.twice = flag(b, "twice", o.twice);
    o.outOfOrder = flag(b, "out_of_order", o.outOfOrder);
    o.hold = flag(b, "hold", o.hold);
    o.wrongSecret = flag(b, "wrong_secret", o.wrongSecret);
    fake.setWebhookOptions(o);
    auto out = object();
    out->set("twice", o.twice);
    out->set("out_of_order", o.outOfOrder);
    out->set("hold", o.hold);
    out->set("wrong_secret", o.wrongSecret);
    return done(out);
}

Answer faults(FakeRazorpay& fake, const Poco::JSON::Object::Ptr& b) {
    if (flag(b, "clear", false)) {
        fake.clearFaults();
        return done();
    }
    const int count = static_cast<int>(number(b, "count", 1));
    if (count < 1 || count > 1000) throw std::invalid_argument("count must be 1..1000");
    if (b->has("hang_ms")) {
        fake.hangNext(std::chrono::milliseconds(number(b, "hang_ms", 0)), count, flag(b, "process_first", true));
        return done();
    }
    const int status = static_cast<int>(number(b, "status", 500));
    if (status < 400 || status > 599) throw std::invalid_argument("status must be 400..599");
    fake.failNext(status, count);
    return done();
}

}  // namespace

Answer control(FakeRazorpay& fake, const std::string& method, const std::string& path, const std::string& body) {
    const auto parsed = parseObject(body.empty() ? "{}" : body);
    if (!parsed) return fail(400, "the body must be a JSON object");
    const Poco::JSON::Object::Ptr b = *parsed;
    std::smatch m;
    const auto is = [&](const char* verb, const char* pattern) {
        return method == verb && std::regex_match(path, m, std::regex(pattern));
    };
    try {
        if (is("GET", "/_fake/?")) return help();
        if (is("GET", "/_fake/checkout.js")) return checkoutScript(fake);
        if (is("POST", "/_fake/orders/([A-Za-z0-9_]+)/pay")) {
            const auto c = fake.payOrder(m[1], b->has("method") ? str(b, "method") : "upi");
            return Answer{200, c.toJson()};
        }
        if (is("POST", "/_fake/orders/([A-Za-z0-9_]+)/fail")) {
            auto o = object();
            o->set("payment_id", fake.failPayment(m[1], str(b, "description")));
            return done(o);
        }
        if (is("POST", "/_fake/payouts/([A-Za-z0-9_]+)/(process|fail|reverse|reject)")) {
            const std::string id = m[1], action = m[2];
            if (action == "process") fake.processPayout(id, str(b, "utr"));
            if (action == "fail") fake.failPayout(id, str(b, "description"));
            if (action == "reverse") fake.reversePayout(id, str(b, "description"));
            if (action == "reject") fake.rejectPayout(id, str(b, "description"));
            return Answer{200, fake.entity(id)};
        }
        if (is("POST", "/_fake/refunds/([A-Za-z0-9_]+)/(process|fail)")) {
            const std::string id = m[1];
            (m[2] == "process") ? fake.processRefund(id) : fake.failRefund(id);
            return Answer{200, fake.entity(id)};
        }
        if (is("POST", "/_fake/fund_accounts")) {
            auto o = object();
            o->set("id", fake.addVpaFundAccount(str(b, "name"), str(b, "vpa")));
            return done(o);
        }
        if (is("POST", "/_fake/balance")) fake.setBalance(number(b, "balance", fake.balance()));
        if (is("GET", "/_fake/balance") || is("POST", "/_fake/balance")) {
            auto o = object();
            o->set("balance", fake.balance());
            return done(o);
        }
        if (is("POST", "/_fake/faults")) return faults(fake, b);
        if (is("POST", "/_fake/webhooks")) return webhookSettings(fake, b);
        if (is("POST", "/_fake/webhooks/release")) {
            auto o = object();
            o->set("released", static_cast<int>(fake.releaseWebhooks(flag(b, "reverse", false))));
            return done(o);
        }
        if (is("POST", "/_fake/webhooks/retry")) {
            auto o = object();
            o->set("queued", static_cast<int>(fake.retryFailedWebhooks()));
            return done(o);
        }
        if (is("GET", "/_fake/webhooks")) return webhooks(fake);
        if (is("GET", "/_fake/requests")) return requests(fake);
        if (is("GET", "/_fake/entities/([A-Za-z0-9_]+)")) {
            const std::string e = fake.entity(m[1]);
            return e.empty() ? fail(404, "no object " + std::string(m[1])) : Answer{200, e};
        }
    } catch (const std::invalid_argument& e) {
        return fail(400, e.what());
    }
    return fail(404, "no control " + method + " " + path + " (GET /_fake/ lists them)");
}

}  // namespace bourse::fakes::razorpay
