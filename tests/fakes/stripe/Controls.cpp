#include "stripe/Controls.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <regex>
#include <sstream>
#include <stdexcept>

namespace bourse::fakes::stripe {

namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

std::string stringify(const Poco::Dynamic::Var& v) {
    std::ostringstream out;
    Poco::JSON::Stringifier::stringify(v, out);
    return out.str();
}

ControlReply json(const Poco::Dynamic::Var& v, int status = 200) {
    return ControlReply{status, "application/json", stringify(v), ""};
}

ControlReply problem(int status, const std::string& message) {
    Object o;
    o.set("error", message);
    return json(o, status);
}

Object::Ptr parse(const std::string& text) {
    if (text.empty()) return new Object;
    const auto v = Poco::JSON::Parser().parse(text);
    if (v.type() != typeid(Object::Ptr)) throw std::invalid_argument("the body must be a JSON object");
    return v.extract<Object::Ptr>();
}

std::string param(const Poco::URI& uri, const std::string& name) {
    for (const auto& [k, v] : uri.getQueryParameters())
        if (k == name) return v;
    return "";
}

std::string escapeHtml(const std::string& s) {
    std::string out;
    for (const char c : s) {
        if (c == '<')
            out += "&lt;";
        else if (c == '>')
            out += "&gt;";
        else if (c == '&')
            out += "&amp;";
        else if (c == '"')
            out += "&quot;";
        else
            out += c;
    }
    return out;
}

/// The session's success_url or cancel_url with {CHECKOUT_SESSION_ID} filled in, as Stripe redirects.
std::string redirectTarget(const FakeStripe& fake, const std::string& id, const std::string& field) {
    const auto text = fake.session(id);
    if (!text) return "";
    const auto s = parse(*text);
    if (!s->has(field) || s->isNull(field)) return "";
    std::string url = s->getValue<std::string>(field);
    const std::string placeholder = "{CHECKOUT_SESSION_ID}";
    for (std::size_t at; (at = url.find(placeholder)) != std::string::npos;)
        url.replace(at, placeholder.size(), id);
    return url;
}

/// The hosted payment page: what checkout.stripe.com shows, reduced to the outcomes tests need.
ControlReply checkoutPage(const FakeStripe& fake, const std::string& id) {
    const auto text = fake.session(id);
    if (!text) return problem(404, "no such checkout session '" + id + "'");
    const auto s = parse(*text);
    const std::string status = s->getValue<std::string>("status");
    std::ostringstream html;
    html << "<!doctype html><html><head><meta charset=\"utf-8\"><title>Fake Stripe Checkout</title></head><body>"
         << "<h1>Fake Stripe Checkout</h1><p>Session <code id=\"session\">" << escapeHtml(id)
         << "</code>: <b id=\"amount\">" << s->getValue<std::int64_t>("amount_total") << " "
         << escapeHtml(s->getValue<std::string>("currency")) << "</b> (minor units), status <b id=\"status\">"
         << escapeHtml(status) << "</b></p>";
    if (status == "open") {
        const auto button = [&](const std::string& action, const std::string& label) {
            html << "<form method=\"post\" action=\"/_fake/checkout/" << escapeHtml(id) << "/" << action
                 << "?redirect=1\"><button id=\"" << action << "\" type=\"submit\">" << label << "</button></form>";
        };
        button("pay", "Pay");
        button("pay_pending", "Pay by bank debit (settles later)");
        button("fail", "Pay by bank debit (fails)");
        button("cancel", "Back");
    }
    html << "</body></html>";
    return ControlReply{200, "text/html; charset=utf-8", html.str(), ""};
}

Array::Ptr eventsJson(const FakeStripe& fake) {
    Array::Ptr out = new Array;
    for (const auto& e : fake.events()) {
        Object::Ptr o = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
        o->set("id", e.id);
        o->set("type", e.type);
        o->set("object_id", e.objectId);
        o->set("created", e.created);
        o->set("payload", e.payload);
        out->add(o);
    }
    return out;
}

Array::Ptr deliveriesJson(const FakeStripe& fake) {
    Array::Ptr out = new Array;
    for (const auto& d : fake.deliveries()) {
        Object::Ptr o = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
        o->set("event_id", d.eventId);
        o->set("type", d.type);
        o->set("url", d.url);
        o->set("timestamp", d.timestamp);
        o->set("signature", d.signature);
        o->set("attempt", d.attempt);
        o->set("duplicate", d.duplicate);
        o->set("wrong_secret", d.wrongSecret);
        o->set("status", d.status);
        o->set("error", d.error);
        out->add(o);
    }
    return out;
}

Array::Ptr requestsJson(const FakeStripe& fake) {
    Array::Ptr out = new Array;
    for (const auto& r : fake.requests()) {
        Object::Ptr o = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
        o->set("at", r.at);
        o->set("request_id", r.requestId);
        o->set("method", r.method);
        o->set("path", r.path);
        o->set("query", r.query);
        Object::Ptr form = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
        for (const auto& [k, v] : r.form)
            form->set(k, v);
        o->set("form", form);
        o->set("authorized", r.status != 401);
        o->set("idempotency_key", r.idempotencyKey);
        o->set("stripe_version", r.stripeVersion);
        o->set("status", r.status);
        o->set("replayed", r.replayed);
        out->add(o);
    }
    return out;
}

ControlReply sessions(const FakeStripe& fake, const Poco::URI& uri) {
    const std::string ref = param(uri, "client_reference_id");
    Array::Ptr out = new Array;
    for (const auto& id : fake.sessionIds()) {
        const auto s = parse(*fake.session(id));
        if (ref.empty() || (s->has("client_reference_id") && !s->isNull("client_reference_id") &&
                            s->getValue<std::string>("client_reference_id") == ref))
            out->add(s);
    }
    return json(out);
}

ControlReply configureWebhooks(FakeStripe& fake, const Object::Ptr& o) {
    if (o->has("url")) fake.setWebhookUrl(o->getValue<std::string>("url"));
    if (o->has("secret")) fake.setWebhookSecret(o->getValue<std::string>("secret"));
    if (o->has("deliver_twice")) fake.deliverTwice(o->getValue<bool>("deliver_twice"));
    if (o->has("hold")) fake.holdEvents(o->getValue<bool>("hold"));
    if (o->has("wrong_secret")) fake.signWithWrongSecret(o->getValue<bool>("wrong_secret"));
    if (o->has("timestamp_offset_s"))
        fake.setSignatureTimestampOffset(std::chrono::seconds(o->getValue<std::int64_t>("timestamp_offset_s")));
    if (o->has("include_v0")) fake.includeV0(o->getValue<bool>("include_v0"));
    if (o->has("retries"))
        fake.setDeliveryRetries(
            o->getValue<int>("retries"),
            std::chrono::milliseconds(o->has("retry_delay_ms") ? o->getValue<std::int64_t>("retry_delay_ms") : 1000));
    if (o->has("enabled_events")) {
        std::set<std::string> types;
        for (const auto& t : *o->getArray("enabled_events"))
            types.insert(t.convert<std::string>());
        fake.setEnabledEvents(types);
    }
    Object reply;
    reply.set("held", static_cast<std::uint64_t>(fake.heldEvents()));
    return json(reply);
}

/// Redirects the browser after a checkout action, or answers JSON for scripts.
ControlReply afterCheckout(const FakeStripe& fake, const std::string& id, const Poco::URI& uri,
                           const std::string& field, const std::string& paymentIntent) {
    if (param(uri, "redirect") == "1") {
        const std::string target = redirectTarget(fake, id, field);
        if (!target.empty()) return ControlReply{303, "text/plain", "", target};
    }
    Object reply(Poco::JSON_PRESERVE_KEY_ORDER);
    reply.set("session", parse(*fake.session(id)));
    if (!paymentIntent.empty()) reply.set("payment_intent", paymentIntent);
    return json(reply);
}

ControlReply route(FakeStripe& fake, const std::string& method, const std::string& path, const Poco::URI& uri,
                   const std::string& body) {
    static const std::regex checkout("/_fake/checkout/([A-Za-z0-9_]+)(/([a-z_]+))?");
    static const std::regex refund("/_fake/refunds/([A-Za-z0-9_]+)/(succeed|fail)");
    static const std::regex redeliver("/_fake/events/([A-Za-z0-9_]+)/redeliver");
    std::smatch m;
    if (method == "GET") {
        if (std::regex_match(path, m, checkout) && !m[2].matched) return checkoutPage(fake, m[1]);
        if (path == "/_fake/events") return json(eventsJson(fake));
        if (path == "/_fake/deliveries") return json(deliveriesJson(fake));
        if (path == "/_fake/requests") return json(requestsJson(fake));
        if (path == "/_fake/sessions") return sessions(fake, uri);
        return problem(404, "no such control: GET " + path);
    }
    if (method != "POST") return problem(405, "controls take GET or POST");
    if (std::regex_match(path, m, checkout) && m[2].matched) {
        const std::string id = m[1], action = m[3];
        if (action == "pay") return afterCheckout(fake, id, uri, "success_url", fake.completeCheckout(id));
        if (action == "pay_pending")
            return afterCheckout(fake, id, uri, "success_url", fake.completeCheckoutPending(id));
        if (action == "fail") {
            fake.failCheckout(id);
            return afterCheckout(fake, id, uri, "success_url", "");
        }
        if (action == "async_succeed" || action == "async_fail") {
            fake.settleAsyncPayment(id, action == "async_succeed");
            return afterCheckout(fake, id, uri, "success_url", "");
        }
        if (action == "expire") {
            fake.expireCheckout(id);
            return afterCheckout(fake, id, uri, "cancel_url", "");
        }
        if (action == "cancel") {  // the customer goes back: nothing changes, the session stays open
            if (!fake.session(id)) throw std::invalid_argument("no such checkout session '" + id + "'");
            return afterCheckout(fake, id, uri, "cancel_url", "");
        }
        return problem(404, "no such checkout action '" + action + "'");
    }
    if (std::regex_match(path, m, refund)) {
        const std::string id = m[1];
        if (m[2] == "succeed")
            fake.settleRefund(id);
        else {
            const auto o = parse(body);
            fake.failRefund(
                id, o->has("failure_reason") ? o->getValue<std::string>("failure_reason") : "expired_or_canceled_card");
        }
        return json(parse(*fake.refund(id)));
    }
    if (std::regex_match(path, m, redeliver)) {
        fake.redeliver(m[1]);
        return json(Object());
    }
    if (path == "/_fake/faults") {
        const auto o = parse(body);
        const int count = o->has("count") ? o->getValue<int>("count") : 1;
        if (o->has("hang_ms"))
            fake.hangNext(std::chrono::milliseconds(o->getValue<std::int64_t>("hang_ms")), count);
        else
            fake.failNext(o->has("status") ? o->getValue<int>("status") : 500, count);
        return json(Object());
    }
    if (path == "/_fake/webhooks") return configureWebhooks(fake, parse(body));
    if (path == "/_fake/webhooks/release") {
        const auto o = parse(body);
        const bool reversed = o->has("order") && o->getValue<std::string>("order") == "reversed";
        Object reply;
        reply.set("released", static_cast<std::uint64_t>(fake.releaseEvents(reversed ? FakeStripeRelease::Reversed
                                                                                     : FakeStripeRelease::AsQueued)));
        return json(reply);
    }
    return problem(404, "no such control: POST " + path);
}

}  // namespace

ControlReply control(FakeStripe& fake, const std::string& method, const std::string& path, const Poco::URI& uri,
                     const std::string& body) {
    try {
        return route(fake, method, path, uri, body);
    } catch (const std::invalid_argument& e) {
        return problem(404, e.what());
    } catch (const std::logic_error& e) {
        return problem(409, e.what());
    } catch (const Poco::Exception& e) {
        return problem(400, e.displayText());
    } catch (const std::exception& e) {
        return problem(400, e.what());
    }
}

}  // namespace bourse::fakes::stripe
