// The HTTP side of the fake Stripe: the key check, scripted faults, the
// Idempotency-Key store, routing to Account (the rules) and the /_fake/
// controls. See FakeStripe.h for the behaviour and README.md for /_fake/.
#include "stripe/FakeStripe.h"

#include "stripe/Account.h"
#include "stripe/Controls.h"
#include "stripe/FormBody.h"
#include "stripe/WebhookOutbox.h"

#include <bourse/plugins/Signing.h>

#include <Poco/Base64Decoder.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>
#include <Poco/String.h>
#include <Poco/URI.h>

#include <atomic>
#include <mutex>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

namespace bourse::fakes {

namespace {

using Steady = std::chrono::steady_clock;
using stripe::Answer;
using stripe::apiError;

std::int64_t systemSeconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

/// The secret key a request presents: `Bearer <key>`, or Basic with the key as user name; "" when none.
std::string presentedKey(const std::string& authorization) {
    if (Poco::icompare(authorization.substr(0, 7), "Bearer ") == 0) return Poco::trim(authorization.substr(7));
    if (Poco::icompare(authorization.substr(0, 6), "Basic ") == 0) {
        try {
            std::istringstream in(Poco::trim(authorization.substr(6)));
            Poco::Base64Decoder decoder(in);
            std::string userPass;
            Poco::StreamCopier::copyToString(decoder, userPass);
            return userPass.substr(0, userPass.find(':'));
        } catch (const Poco::Exception&) {
            return "";
        }
    }
    return "";
}

/// "sk_test_****************p7dc", as Stripe quotes a refused key.
std::string masked(const std::string& key) {
    if (key.size() <= 12) return std::string(key.size(), '*');
    const std::size_t lead = key.rfind('_', 10) == std::string::npos ? 3 : key.rfind('_', 10) + 1;
    return key.substr(0, lead) + std::string(key.size() - lead - 4, '*') + key.substr(key.size() - 4);
}

/// Stripe's error for a scripted status.
Answer scripted(int status) {
    switch (status) {
        case 400:
            return apiError(400, "invalid_request_error", "Scripted failure.");
        case 401:
            return apiError(401, "invalid_request_error", "Invalid API Key provided: sk_test_****fake");
        case 402: {
            // A card_error carries decline_code beside code.
            Answer a = apiError(402, "card_error", "Your card was declined.", "", "card_declined");
            a.body.insert(a.body.find("\"doc_url\""), R"("decline_code":"generic_decline",)");
            return a;
        }
        case 409:
            return apiError(409, "invalid_request_error",
                            "This object cannot be accessed right now because another API request or Stripe process "
                            "is currently accessing it. If you see this error intermittently, retry the request.",
                            "", "lock_timeout");
        case 429:
            return apiError(429, "invalid_request_error",
                            "Too many requests hit the API too quickly. We recommend an exponential backoff of your "
                            "requests.",
                            "", "rate_limit");
        default:
            return apiError(status, "api_error",
                            "Sorry, something went wrong. We've already been notified of the problem, but if you need "
                            "any help, you can reach us at support.stripe.com/contact.");
    }
}

}  // namespace

class FakeStripe::Impl {
public:
    Impl(FakeStripeOptions o, FakeStripe& facade)
        : options(std::move(o)),
          self(facade),
          outbox([this] { return now(); }, options.webhookUrl, options.webhookSecret),
          socket(Poco::Net::SocketAddress("127.0.0.1", options.port)),
          port(socket.address().port()),
          account([this] { return now(); }, options.apiVersion, options.refundsSucceedAtOnce,
                  "http://127.0.0.1:" + std::to_string(port), [this](const FakeStripeEvent& e) { outbox.post(e); }) {}
    ~Impl() {
        stopping = true;
        if (server) server->stopAll(true);
        // Poco does not join handlers already running (a scripted hang): they use this object.
        for (int i = 0; i < 1'000 && active.load() > 0; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }

    /// Starts serving; the facade calls it once it is complete (the /_fake/ controls use it).
    void start() {
        auto* params = new Poco::Net::HTTPServerParams;
        params->setMaxThreads(32);
        server = std::make_unique<Poco::Net::HTTPServer>(new Factory(*this), socket, params);
        server->start();
    }

    [[nodiscard]] std::int64_t now() const { return options.clock ? options.clock() : systemSeconds(); }

    /// Waits `delay` unless the fake is going away.
    void pause(std::chrono::milliseconds delay) const {
        const auto until = Steady::now() + delay;
        while (!stopping && Steady::now() < until)
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }

    // ----- /v1/ -----

    struct Stored {
        std::string method, path;
        std::map<std::string, std::string> params;
        Answer answer;
        std::string requestId;
    };

    Answer api(Poco::Net::HTTPServerRequest& req, FakeStripeRequest& rec,
               std::vector<std::pair<std::string, std::string>>& headers) {
        const std::string key = presentedKey(rec.authorization);
        if (key.empty()) {
            headers.emplace_back("WWW-Authenticate", "Basic realm=\"Stripe\"");
            return apiError(401, "invalid_request_error",
                            "You did not provide an API key. You need to provide your API key in the Authorization "
                            "header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See "
                            "https://stripe.com/docs/api#authentication for details, or we can help at "
                            "https://support.stripe.com/.");
        }
        if (key != options.secretKey) {
            headers.emplace_back("WWW-Authenticate", "Basic realm=\"Stripe\"");
            return apiError(401, "invalid_request_error", "Invalid API Key provided: " + masked(key));
        }
        std::chrono::milliseconds hang{0};
        {
            std::lock_guard lock(mutex);
            if (failCount > 0) {
                --failCount;
                return scripted(failStatus);
            }
            if (hangCount > 0) {
                --hangCount;
                hang = hangDelay;
            }
        }
        static const std::regex version(R"(\d{4}-\d{2}-\d{2}(\.[a-z]+)?)");
        if (!rec.stripeVersion.empty() && !std::regex_match(rec.stripeVersion, version))
            return apiError(400, "invalid_request_error", "Invalid Stripe API version: " + rec.stripeVersion, "",
                            "api_version_invalid");
        headers.emplace_back("Stripe-Version", rec.stripeVersion.empty() ? options.apiVersion : rec.stripeVersion);
        if (req.getMethod() == "POST") return post(rec, headers, hang);
        pause(hang);
        if (req.getMethod() != "GET") return unrecognized(rec);
        return get(rec);
    }

    Answer unrecognized(const FakeStripeRequest& rec) const {
        return apiError(404, "invalid_request_error",
                        "Unrecognized request URL (" + rec.method + ": " + rec.path +
                            "). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.");
    }

    Answer post(FakeStripeRequest& rec, std::vector<std::pair<std::string, std::string>>& headers,
                std::chrono::milliseconds hang) {
        const std::string type = Poco::toLower(rec.contentType.substr(0, rec.contentType.find(';')));
        if (!rec.body.empty() && type != "application/x-www-form-urlencoded")
            return apiError(400, "invalid_request_error",
                            "Invalid request: unsupported Content-Type " + rec.contentType +
                                ". If error persists and you need assistance, please contact support@stripe.com.");
        stripe::FormBody form;
        try {
            form = stripe::parseFormBody(rec.body);
        } catch (const stripe::FormError& e) {
            return apiError(400, "invalid_request_error", std::string("Invalid request body: ") + e.what());
        }
        rec.form = form.values;
        const std::string& idem = rec.idempotencyKey;
        if (idem.size() > 255)
            return apiError(400, "invalid_request_error",
                            "The Idempotency-Key header must be at most 255 characters long.", "", "");
        if (!idem.empty()) {
            std::lock_guard lock(mutex);
            if (inFlight.count(idem))
                return apiError(409, "idempotency_error",
                                "There is currently another in-progress request using this Idempotent Key (that "
                                "probably means you submitted twice, and the other request is still going through): " +
                                    idem + ". Please try again later.",
                                "", "idempotency_key_in_use");
            const auto it = store.find(idem);
            if (it != store.end()) {
                const Stored& s = it->second;
                if (s.method != rec.method || s.path != rec.path)
                    return apiError(400, "idempotency_error",
                                    "Keys for idempotent requests can only be used for the same endpoint they were "
                                    "first used for ('" +
                                        s.method + " " + s.path + "' vs '" + rec.method + " " + rec.path +
                                        "'). Try using a key other than '" + idem +
                                        "' if you meant to execute a different request.");
                if (s.params != form.values)
                    return apiError(400, "idempotency_error",
                                    "Keys for idempotent requests can only be used with the same parameters they "
                                    "were first used with. Try using a key other than '" +
                                        idem + "' if you meant to execute a different request.");
                rec.replayed = true;
                headers.emplace_back("Idempotent-Replayed", "true");
                headers.emplace_back("Original-Request", s.requestId);
                headers.emplace_back("Idempotency-Key", idem);
                return s.answer;
            }
            inFlight.insert(idem);
        }
        pause(hang);  // the key is in flight meanwhile: a retry now is refused with 409
        Answer a;
        {
            std::lock_guard lock(mutex);
            try {
                a = route(rec, form);
            } catch (const std::exception& e) {  // a bug of the fake: answer as Stripe's 500, keep nothing
                a = apiError(500, "api_error", std::string("fake stripe: ") + e.what());
            }
            if (!idem.empty()) {
                inFlight.erase(idem);
                headers.emplace_back("Idempotency-Key", idem);
                if (a.store) store[idem] = Stored{rec.method, rec.path, form.values, a, rec.requestId};
            }
        }
        return a;
    }

    /// POST routes; under the mutex.
    Answer route(const FakeStripeRequest& rec, const stripe::FormBody& form) {
        static const std::regex expire("/v1/checkout/sessions/([A-Za-z0-9_]+)/expire");
        const stripe::RequestInfo info{rec.requestId, rec.idempotencyKey};
        std::smatch m;
        if (rec.path == "/v1/checkout/sessions") return account.createSession(form, info);
        if (rec.path == "/v1/refunds") return account.createRefund(form, info);
        if (std::regex_match(rec.path, m, expire)) return account.expireSession(m[1], info);
        return unrecognized(rec);
    }

    Answer get(const FakeStripeRequest& rec) {
        static const std::regex object("/v1/(checkout/sessions|payment_intents|refunds|events)/([A-Za-z0-9_]+)");
        std::smatch m;
        if (!std::regex_match(rec.path, m, object)) return unrecognized(rec);
        static const std::map<std::string, std::string> kinds = {{"checkout/sessions", "checkout.session"},
                                                                 {"payment_intents", "payment_intent"},
                                                                 {"refunds", "refund"},
                                                                 {"events", "event"}};
        std::lock_guard lock(mutex);
        return account.get(kinds.at(m[1]), m[2]);
    }

    // ----- every request -----

    void handle(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) {
        FakeStripeRequest rec;
        rec.at = now();
        rec.method = req.getMethod();
        const Poco::URI uri(req.getURI());
        rec.path = uri.getPath();
        rec.query = uri.getRawQuery();
        Poco::StreamCopier::copyToString(req.stream(), rec.body);
        rec.authorization = req.get("Authorization", "");
        rec.idempotencyKey = req.get("Idempotency-Key", "");
        rec.stripeVersion = req.get("Stripe-Version", "");
        rec.contentType = req.get("Content-Type", "");

        if (rec.path.rfind("/_fake/", 0) == 0) {
            const stripe::ControlReply c = stripe::control(self, rec.method, rec.path, uri, rec.body);
            if (!c.location.empty()) {
                resp.set("Location", c.location);
                resp.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_SEE_OTHER);
                resp.setContentLength(0);
                resp.send();
                return;
            }
            resp.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(c.status));
            resp.setContentType(c.contentType);
            resp.setContentLength(static_cast<std::streamsize>(c.body.size()));
            resp.send() << c.body;
            return;
        }

        std::vector<std::pair<std::string, std::string>> headers;
        {
            std::lock_guard lock(mutex);
            rec.requestId = account.newId("req_", 14);
        }
        const Answer a = rec.path.rfind("/v1/", 0) == 0 ? api(req, rec, headers) : unrecognized(rec);
        rec.status = a.status;
        rec.response = a.body;
        {
            std::lock_guard lock(mutex);
            log.push_back(rec);
        }
        resp.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(a.status));
        resp.setContentType("application/json");
        resp.set("Request-Id", rec.requestId);
        for (const auto& [k, v] : headers)
            resp.set(k, v);
        resp.setContentLength(static_cast<std::streamsize>(a.body.size()));
        resp.send() << a.body;
    }

    class Handler : public Poco::Net::HTTPRequestHandler {
    public:
        explicit Handler(Impl& impl) : _impl(impl) {}
        void handleRequest(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) override {
            ++_impl.active;
            try {
                _impl.handle(req, resp);
            } catch (...) {
                --_impl.active;
                throw;
            }
            --_impl.active;
        }

    private:
        Impl& _impl;
    };
    class Factory : public Poco::Net::HTTPRequestHandlerFactory {
    public:
        explicit Factory(Impl& impl) : _impl(impl) {}
        Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
            return new Handler(_impl);
        }

    private:
        Impl& _impl;
    };

    FakeStripeOptions options;
    FakeStripe& self;
    stripe::WebhookOutbox outbox;
    Poco::Net::ServerSocket socket;
    std::uint16_t port = 0;
    std::atomic<bool> stopping{false};
    std::atomic<int> active{0};  ///< handlers running

    mutable std::mutex mutex;  ///< guards what follows
    stripe::Account account;
    int failStatus = 500, failCount = 0, hangCount = 0;
    std::chrono::milliseconds hangDelay{0};
    std::map<std::string, Stored> store;  ///< by Idempotency-Key
    std::set<std::string> inFlight;
    std::vector<FakeStripeRequest> log;

    std::unique_ptr<Poco::Net::HTTPServer> server;  ///< last: stops first
};

FakeStripe::FakeStripe(FakeStripeOptions options) : _impl(std::make_unique<Impl>(std::move(options), *this)) {
    _impl->start();
}
FakeStripe::~FakeStripe() = default;

std::string FakeStripe::url() const {
    return "http://127.0.0.1:" + std::to_string(_impl->port);
}
std::uint16_t FakeStripe::port() const {
    return _impl->port;
}
std::int64_t FakeStripe::now() const {
    return _impl->now();
}
const std::string& FakeStripe::secretKey() const {
    return _impl->options.secretKey;
}

std::optional<std::string> FakeStripe::session(const std::string& id) const {
    std::lock_guard lock(_impl->mutex);
    return _impl->account.objectJson("checkout.session", id);
}
std::optional<std::string> FakeStripe::paymentIntent(const std::string& id) const {
    std::lock_guard lock(_impl->mutex);
    return _impl->account.objectJson("payment_intent", id);
}
std::optional<std::string> FakeStripe::refund(const std::string& id) const {
    std::lock_guard lock(_impl->mutex);
    return _impl->account.objectJson("refund", id);
}
std::optional<std::string> FakeStripe::sessionIdFor(const std::string& clientReferenceId) const {
    std::lock_guard lock(_impl->mutex);
    return _impl->account.sessionIdFor(clientReferenceId);
}
std::vector<std::string> FakeStripe::sessionIds() const {
    std::lock_guard lock(_impl->mutex);
    return _impl->account.sessionIds();
}
std::vector<std::string> FakeStripe::refundIds() const {
    std::lock_guard lock(_impl->mutex);
    return _impl->account.refundIds();
}

std::string FakeStripe::completeCheckout(const std::string& sessionId) {
    std::lock_guard lock(_impl->mutex);
    return _impl->account.completeCheckout(sessionId, true);
}
std::string FakeStripe::completeCheckoutPending(const std::string& sessionId) {
    std::lock_guard lock(_impl->mutex);
    return _impl->account.completeCheckout(sessionId, false);
}
void FakeStripe::settleAsyncPayment(const std::string& sessionId, bool succeeded) {
    std::lock_guard lock(_impl->mutex);
    _impl->account.settleAsyncPayment(sessionId, succeeded);
}
void FakeStripe::failCheckout(const std::string& sessionId) {
    std::lock_guard lock(_impl->mutex);
    _impl->account.completeCheckout(sessionId, false);
    _impl->account.settleAsyncPayment(sessionId, false);
}
void FakeStripe::expireCheckout(const std::string& sessionId) {
    std::lock_guard lock(_impl->mutex);
    _impl->account.expireCheckout(sessionId);
}
void FakeStripe::settleRefund(const std::string& refundId) {
    std::lock_guard lock(_impl->mutex);
    _impl->account.settleRefund(refundId);
}
void FakeStripe::failRefund(const std::string& refundId, const std::string& failureReason) {
    std::lock_guard lock(_impl->mutex);
    _impl->account.failRefund(refundId, failureReason);
}

void FakeStripe::failNext(int status, int count) {
    std::lock_guard lock(_impl->mutex);
    _impl->failStatus = status;
    _impl->failCount = count;
}
void FakeStripe::hangNext(std::chrono::milliseconds delay, int count) {
    std::lock_guard lock(_impl->mutex);
    _impl->hangDelay = delay;
    _impl->hangCount = count;
}

void FakeStripe::setWebhookUrl(const std::string& url) {
    _impl->outbox.setUrl(url);
}
void FakeStripe::setWebhookSecret(const std::string& secret) {
    _impl->outbox.setSecret(secret);
}
void FakeStripe::setEnabledEvents(std::set<std::string> types) {
    _impl->outbox.setEnabled(std::move(types));
}
void FakeStripe::deliverTwice(bool on) {
    _impl->outbox.setTwice(on);
}
void FakeStripe::holdEvents(bool on) {
    _impl->outbox.setHold(on);
}
std::size_t FakeStripe::releaseEvents(FakeStripeRelease order) {
    return _impl->outbox.release(order);
}
std::size_t FakeStripe::heldEvents() const {
    return _impl->outbox.held();
}
void FakeStripe::signWithWrongSecret(bool on) {
    _impl->outbox.setWrongSecret(on);
}
void FakeStripe::setSignatureTimestampOffset(std::chrono::seconds offset) {
    _impl->outbox.setTimestampOffset(offset);
}
void FakeStripe::includeV0(bool on) {
    _impl->outbox.setIncludeV0(on);
}
void FakeStripe::setDeliveryRetries(int retries, std::chrono::milliseconds spacing) {
    _impl->outbox.setRetries(retries, spacing);
}
void FakeStripe::redeliver(const std::string& eventId) {
    std::optional<FakeStripeEvent> found;
    {
        std::lock_guard lock(_impl->mutex);
        for (const auto& e : _impl->account.events())
            if (e.id == eventId) found = e;
    }
    if (!found) throw std::invalid_argument("fake stripe: no such event '" + eventId + "'");
    _impl->outbox.redeliver(*found);
}
std::vector<FakeStripeEvent> FakeStripe::events() const {
    std::lock_guard lock(_impl->mutex);
    return _impl->account.events();
}
std::vector<FakeStripeDelivery> FakeStripe::deliveries() const {
    return _impl->outbox.deliveries();
}
bool FakeStripe::waitForDeliveries(std::size_t count, std::chrono::milliseconds timeout) const {
    return _impl->outbox.waitFor(count, timeout);
}

std::vector<FakeStripeRequest> FakeStripe::requests() const {
    std::lock_guard lock(_impl->mutex);
    return _impl->log;
}

std::string FakeStripe::signatureHeader(const std::string& secret, std::int64_t t, const std::string& payload) {
    return "t=" + std::to_string(t) + ",v1=" + plugins::hmacSha256Hex(secret, std::to_string(t) + "." + payload);
}

}  // namespace bourse::fakes
