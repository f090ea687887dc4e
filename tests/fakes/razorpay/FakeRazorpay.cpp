#include "razorpay/FakeRazorpay.h"

#include "ControlRoutes.h"
#include "Json.h"
#include "Store.h"
#include "Webhooks.h"

#include <bourse/plugins/Signing.h>

#include <Poco/Net/HTTPBasicCredentials.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <atomic>
#include <deque>
#include <random>
#include <sstream>
#include <thread>

namespace bourse::fakes {

using razorpay::Answer;
using razorpay::errorAnswer;

namespace {

std::int64_t systemMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::uint64_t seedOf(std::uint64_t seed) {
    return seed ? seed : std::random_device{}() * 0x9E3779B97F4A7C15ULL + std::random_device{}();
}

/// A scripted misbehaviour of the next request.
struct Fault {
    enum class Kind { Status, Hang } kind = Kind::Status;
    int status = 500;
    std::chrono::milliseconds hang{0};
    bool processFirst = true;
};

Answer faultAnswer(int status) {
    if (status == 429) return errorAnswer(429, "BAD_REQUEST_ERROR", "Too many requests", "", "NA", "NA", "NA");
    if (status >= 500)
        return errorAnswer(status, "SERVER_ERROR",
                           "We are facing some trouble completing your request at the moment. Please try again "
                           "shortly.",
                           "", "NA", "NA", "NA");
    return errorAnswer(status, "BAD_REQUEST_ERROR", "Scripted failure", "", "NA", "NA", "NA");
}

}  // namespace

std::string FakeRazorpayCheckout::toJson() const {
    auto o = razorpay::object();
    o->set("razorpay_payment_id", paymentId);
    o->set("razorpay_order_id", orderId);
    o->set("razorpay_signature", signature);
    return razorpay::stringify(o);
}

class FakeRazorpay::Impl {
public:
    Impl(FakeRazorpay& self, FakeRazorpayOptions o)
        : options(std::move(o)),
          seed(seedOf(options.seed)),
          store(razorpay::Store::Options{options.accountNumber, options.balance, options.autoCapture,
                                         options.refundsPending, options.payoutsNeedApproval, seed,
                                         [this] { return now() / 1000; }}),
          webhooks(options.accountId, options.webhookUrl, options.webhookSecret, seed, [this] { return now(); }),
          _self(self) {
        Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", options.port));
        port = socket.address().port();
        auto* params = new Poco::Net::HTTPServerParams;
        params->setMaxThreads(32);
        params->setKeepAlive(true);
        server = std::make_unique<Poco::Net::HTTPServer>(new Factory(*this), socket, params);
        server->start();
    }
    ~Impl() {
        stopping = true;
        server->stopAll(true);
        // Poco does not join handlers still running (a scripted hang): they use this object.
        for (int i = 0; i < 1'000 && active.load() > 0; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }

    [[nodiscard]] std::int64_t now() const { return options.clock ? options.clock() : systemMs(); }

    void sleepFor(std::chrono::milliseconds d) const {
        const auto until = std::chrono::steady_clock::now() + d;
        while (!stopping && std::chrono::steady_clock::now() < until)  // interruptible: the fake may be going away
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }

    static void send(Poco::Net::HTTPServerResponse& resp, const Answer& a, bool cors) {
        resp.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(a.status));
        resp.setContentType(a.contentType);
        if (cors) resp.set("Access-Control-Allow-Origin", "*");
        resp.setContentLength(static_cast<std::streamsize>(a.body.size()));
        resp.send() << a.body;
    }

    /// "Basic base64(key_id:key_secret)" matching the configured pair, or Razorpay's 401.
    std::optional<Answer> unauthorised(const Poco::Net::HTTPServerRequest& req) const {
        if (!req.hasCredentials())
            return errorAnswer(401, "BAD_REQUEST_ERROR", "Please provide your api key for authentication purposes.", "",
                               "NA", "NA", "NA");
        try {
            const Poco::Net::HTTPBasicCredentials c(req);
            if (plugins::constantTimeEquals(c.getUsername(), options.keyId) &&
                plugins::constantTimeEquals(c.getPassword(), options.keySecret))
                return std::nullopt;
        } catch (const Poco::Exception&) {
            // Not Basic, or not decodable: the same answer as a wrong key.
        }
        return errorAnswer(401, "BAD_REQUEST_ERROR", "The api key provided is invalid", "", "NA", "NA", "NA");
    }

    void api(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp, const Poco::URI& uri,
             const std::string& body) {
        FakeRazorpayRequest rec;
        rec.atMs = now();
        rec.method = req.getMethod();
        rec.path = uri.getPath();
        rec.query = uri.getRawQuery();
        rec.authorization = req.get("Authorization", "");
        rec.hasIdempotencyKey = req.has("X-Payout-Idempotency");
        rec.idempotencyKey = req.get("X-Payout-Idempotency", "");
        rec.contentType = req.getContentType();
        rec.body = body;

        std::optional<Fault> fault;
        {
            std::lock_guard lock(mutex);
            if (!faults.empty()) {
                fault = faults.front();
                faults.pop_front();
            }
        }
        Answer answer;
        if (fault && fault->kind == Fault::Kind::Status) {
            rec.fault = "status";
            answer = faultAnswer(fault->status);
        } else {
            if (fault) {
                rec.fault = "hang";
                if (!fault->processFirst) sleepFor(fault->hang);
            }
            if (const auto refused = unauthorised(req)) {
                answer = *refused;
            } else {
                std::map<std::string, std::string> query;
                for (const auto& [k, v] : uri.getQueryParameters())
                    query[k] = v;
                const razorpay::Outcome out = store.handle(rec.method, rec.path, query, body,
                                                           rec.hasIdempotencyKey ? &rec.idempotencyKey : nullptr);
                answer = out.answer;
                webhooks.emit(out.events);
            }
            if (fault && fault->processFirst) sleepFor(fault->hang);  // the effect stands; the reply comes too late
        }
        rec.status = answer.status;
        if (answer.status >= 300)
            if (const auto e = razorpay::parseObject(answer.body); e && (*e)->has("error")) {
                rec.errorCode = razorpay::str((*e)->getObject("error"), "code");
                rec.errorDescription = razorpay::str((*e)->getObject("error"), "description");
            }
        {
            std::lock_guard lock(mutex);
            log.push_back(rec);
        }
        try {
            send(resp, answer, false);
        } catch (const Poco::Exception&) {
            // The client gave up (a hang outlived its timeout): nothing to answer to.
        }
    }

    void handle(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) {
        const Poco::URI uri(req.getURI());
        const bool control = uri.getPath().rfind("/_fake", 0) == 0;
        // The browser's CORS preflight, answered before any body is read: it has no
        // Content-Length, and Poco would read an OPTIONS body until the connection closes.
        if (control && req.getMethod() == "OPTIONS") {
            resp.set("Access-Control-Allow-Origin", "*");
            resp.set("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
            resp.set("Access-Control-Allow-Headers", "Content-Type");
            resp.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_NO_CONTENT);
            resp.send();
            return;
        }
        std::ostringstream body;
        Poco::StreamCopier::copyStream(req.stream(), body);
        if (control) {
            send(resp, razorpay::control(_self, req.getMethod(), uri.getPath(), body.str()), true);
            return;
        }
        api(req, resp, uri, body.str());
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

    FakeRazorpayOptions options;
    std::uint64_t seed;
    razorpay::Store store;
    razorpay::Webhooks webhooks;
    std::uint16_t port = 0;
    std::unique_ptr<Poco::Net::HTTPServer> server;
    std::atomic<bool> stopping{false};
    std::atomic<int> active{0};  ///< handlers running

    mutable std::mutex mutex;  ///< guards what follows
    std::deque<Fault> faults;
    std::vector<FakeRazorpayRequest> log;

private:
    FakeRazorpay& _self;
};

FakeRazorpay::FakeRazorpay(FakeRazorpayOptions options) : _impl(std::make_unique<Impl>(*this, std::move(options))) {}
FakeRazorpay::~FakeRazorpay() = default;

std::string FakeRazorpay::url() const {
    return "http://127.0.0.1:" + std::to_string(_impl->port);
}
std::uint16_t FakeRazorpay::port() const {
    return _impl->port;
}
const FakeRazorpayOptions& FakeRazorpay::options() const {
    return _impl->options;
}

FakeRazorpayCheckout FakeRazorpay::payOrder(const std::string& orderId, const std::string& method) {
    auto paid = _impl->store.pay(orderId, method);
    _impl->webhooks.emit(paid.events);
    return FakeRazorpayCheckout{paid.paymentId, orderId, checkoutSignature(orderId, paid.paymentId)};
}

std::string FakeRazorpay::failPayment(const std::string& orderId, const std::string& description) {
    auto failed = _impl->store.failPayment(orderId, description);
    _impl->webhooks.emit(failed.events);
    return failed.paymentId;
}

std::string FakeRazorpay::checkoutSignature(const std::string& orderId, const std::string& paymentId) const {
    return plugins::hmacSha256Hex(_impl->options.keySecret, orderId + "|" + paymentId);
}

void FakeRazorpay::processPayout(const std::string& payoutId, const std::string& utr) {
    _impl->webhooks.emit(_impl->store.settlePayout(payoutId, "processed", utr));
}
void FakeRazorpay::failPayout(const std::string& payoutId, const std::string& description) {
    _impl->webhooks.emit(_impl->store.settlePayout(payoutId, "failed", description));
}
void FakeRazorpay::reversePayout(const std::string& payoutId, const std::string& description) {
    _impl->webhooks.emit(_impl->store.settlePayout(payoutId, "reversed", description));
}
void FakeRazorpay::rejectPayout(const std::string& payoutId, const std::string& description) {
    _impl->webhooks.emit(_impl->store.settlePayout(payoutId, "rejected", description));
}
void FakeRazorpay::processRefund(const std::string& refundId) {
    _impl->webhooks.emit(_impl->store.settleRefund(refundId, "processed"));
}
void FakeRazorpay::failRefund(const std::string& refundId) {
    _impl->webhooks.emit(_impl->store.settleRefund(refundId, "failed"));
}
std::string FakeRazorpay::addVpaFundAccount(const std::string& name, const std::string& vpa) {
    return _impl->store.addVpaFundAccount(name, vpa);
}
void FakeRazorpay::setBalance(std::int64_t paise) {
    _impl->store.setBalance(paise);
}
std::int64_t FakeRazorpay::balance() const {
    return _impl->store.balance();
}

void FakeRazorpay::failNext(int httpStatus, int count) {
    std::lock_guard lock(_impl->mutex);
    for (int i = 0; i < count; ++i)
        _impl->faults.push_back(Fault{Fault::Kind::Status, httpStatus, {}, true});
}
void FakeRazorpay::hangNext(std::chrono::milliseconds duration, int count, bool processFirst) {
    std::lock_guard lock(_impl->mutex);
    for (int i = 0; i < count; ++i)
        _impl->faults.push_back(Fault{Fault::Kind::Hang, 0, duration, processFirst});
}
void FakeRazorpay::clearFaults() {
    std::lock_guard lock(_impl->mutex);
    _impl->faults.clear();
}

void FakeRazorpay::setWebhook(const std::string& url, const std::string& secret) {
    _impl->webhooks.configure(url, secret);
    std::lock_guard lock(_impl->mutex);
    _impl->options.webhookUrl = url;
    if (!secret.empty()) _impl->options.webhookSecret = secret;
}
void FakeRazorpay::setWebhookOptions(const FakeRazorpayWebhookOptions& options) {
    _impl->webhooks.setOptions(options);
}
FakeRazorpayWebhookOptions FakeRazorpay::webhookOptions() const {
    return _impl->webhooks.options();
}
std::size_t FakeRazorpay::releaseWebhooks(bool reverse) {
    return _impl->webhooks.release(reverse);
}
std::size_t FakeRazorpay::retryFailedWebhooks() {
    return _impl->webhooks.retryFailed();
}
bool FakeRazorpay::waitForWebhooks(std::chrono::milliseconds timeout) {
    return _impl->webhooks.waitIdle(timeout);
}
std::vector<FakeRazorpayEvent> FakeRazorpay::events() const {
    return _impl->webhooks.events();
}
std::vector<FakeRazorpayDelivery> FakeRazorpay::deliveries() const {
    return _impl->webhooks.deliveries();
}

std::vector<FakeRazorpayRequest> FakeRazorpay::requests() const {
    std::lock_guard lock(_impl->mutex);
    return _impl->log;
}
std::string FakeRazorpay::entity(const std::string& id) const {
    return _impl->store.entity(id);
}
std::size_t FakeRazorpay::count(const std::string& prefix) const {
    return _impl->store.count(prefix);
}

}  // namespace bourse::fakes
