#include "sumsub/FakeSumsub.h"

#include "sumsub/FakeSumsubControl.h"
#include "sumsub/SumsubPayloads.h"
#include "sumsub/WebhookSender.h"

#include <bourse/plugins/Signing.h>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <mutex>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace bourse::fakes {

namespace {

namespace p = sumsub_payloads;

std::int64_t systemMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

Poco::JSON::Object::Ptr objectOf(const std::string& body) {
    try {
        const auto v = Poco::JSON::Parser().parse(body);
        if (v.type() == typeid(Poco::JSON::Object::Ptr)) return v.extract<Poco::JSON::Object::Ptr>();
    } catch (const Poco::Exception&) {
    }
    return nullptr;
}

std::string text(const Poco::JSON::Object::Ptr& o, const std::string& key) {
    const auto v = o->get(key);
    return v.isString() ? v.convert<std::string>() : "";
}

bool alpha3(const std::string& s) {
    return s.size() == 3 && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isupper(c); });
}

bool digitsOnly(const std::string& s) {
    return !s.empty() && s.size() < 16 &&
           std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

/// An HTTP answer: status and body.
struct Answer {
    int status = 200;
    std::string body;
};

}  // namespace

class FakeSumsub::Impl {
public:
    Impl(FakeSumsub& outer, FakeSumsubOptions o)
        : options(std::move(o)), _outer(outer), random(std::random_device{}()) {
        webhookUrl = options.webhookUrl;
        webhookSecret = options.webhookSecret;
        webhookAlg = options.webhookAlg;
        Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", options.port));
        port = socket.address().port();
        auto* params = new Poco::Net::HTTPServerParams;
        params->setMaxThreads(32);
        params->setKeepAlive(false);
        server = std::make_unique<Poco::Net::HTTPServer>(new Factory(*this), socket, params);
        server->start();
    }
    ~Impl() {
        stopping = true;
        server->stopAll(true);
        // Poco does not join handlers already running (a hung request, a
        // webhook in flight): they use this object, so wait for them.
        for (int i = 0; i < 1'000 && active.load() > 0; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }

    [[nodiscard]] std::int64_t now() const { return options.clock ? options.clock() : systemMs(); }

    std::string correlationId() {
        std::lock_guard lock(mutex);
        return "req-" + p::hexId(random, 8) + "-" + p::hexId(random, 4) + "-" + p::hexId(random, 4) + "-" +
               p::hexId(random, 4) + "-" + p::hexId(random, 12);
    }

    Answer error(int code, const std::string& description, int errorCode = 0) {
        return Answer{code, p::errorBody(code, description, correlationId(), errorCode)};
    }

    // ----- /resources -----

    void resources(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) {
        FakeSumsubRequest rec;
        rec.atMs = now();
        rec.method = req.getMethod();
        rec.target = req.getURI();
        Poco::StreamCopier::copyToString(req.stream(), rec.body);
        rec.appToken = req.get("X-App-Token", "");
        rec.ts = req.get("X-App-Access-Ts", "");
        rec.signature = req.get("X-App-Access-Sig", "");

        Answer a;
        const Fault fault = takeFault();
        if (fault.hang) {
            hang(fault.hangGeneration);
            a = error(504, "Gateway timeout");
        } else if (fault.status) {
            a = fault.status == 429 ? error(429, "Too many requests, please slow down")
                                    : error(fault.status, "Internal server error");
        } else if (auto refused = authenticate(rec)) {
            a = *refused;
        } else {
            rec.signatureValid = true;
            a = route(rec);
        }
        rec.status = a.status;
        rec.response = a.body;
        {
            std::lock_guard lock(mutex);
            log.push_back(rec);
        }
        send(resp, a);
    }

    static void send(Poco::Net::HTTPServerResponse& resp, const Answer& a) {
        resp.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(a.status));
        resp.setContentType("application/json;charset=utf-8");
        resp.setContentLength(static_cast<std::streamsize>(a.body.size()));
        resp.send() << a.body;
    }

    struct Fault {
        bool hang = false;
        std::uint64_t hangGeneration = 0;
        int status = 0;
    };

    Fault takeFault() {
        std::lock_guard lock(mutex);
        if (hangCount > 0) {
            --hangCount;
            return Fault{true, hangGeneration, 0};
        }
        if (failCount > 0) {
            --failCount;
            return Fault{false, 0, failStatus};
        }
        return {};
    }

    void hang(std::uint64_t generation) {
        while (!stopping) {
            {
                std::lock_guard lock(mutex);
                if (hangGeneration != generation) return;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
    }

    /// Sumsub's checks, in its order: headers present, known token, fresh
    /// timestamp, then the signature over what arrived.
    std::optional<Answer> authenticate(const FakeSumsubRequest& r) {
        if (r.appToken.empty() || r.ts.empty() || r.signature.empty())
            return error(401, "Not all required authorization headers were provided", 4006);
        if (r.appToken != options.appToken) return error(401, "App token not found", 4001);
        if (!digitsOnly(r.ts)) return error(401, "Invalid X-App-Access-Ts: UNIX time in seconds expected", 4004);
        const std::int64_t skew = std::stoll(r.ts) - now() / 1000;
        if (skew > options.maxClockSkew.count() || -skew > options.maxClockSkew.count())
            return error(401, "Request timestamp is out of the allowed window (X-App-Access-Ts " + r.ts + ")", 4004);
        const std::string message = r.ts + r.method + r.target + r.body;
        if (!plugins::verifyHmacHex(plugins::Hmac::Sha256, options.secretKey, message, r.signature))
            return error(401, "Request signature mismatch", 4003);
        return std::nullopt;
    }

    Answer route(const FakeSumsubRequest& r) {
        const auto q = r.target.find('?');
        std::string path;
        Poco::URI::decode(r.target.substr(0, q), path);
        const std::string query = q == std::string::npos ? "" : r.target.substr(q + 1);
        const std::string prefix = "/resources/applicants/";
        if (r.method == "POST" && path == "/resources/applicants") return createApplicant(query, r.body);
        if (r.method == "POST" && path == "/resources/accessTokens/sdk") return accessToken(r.body);
        if (path.rfind(prefix, 0) == 0) {
            const std::string rest = path.substr(prefix.size());
            const auto slash = rest.find('/');
            const std::string key = rest.substr(0, slash), tail = slash == std::string::npos ? "" : rest.substr(slash);
            const std::string byExternal = "-;externalUserId=";
            std::optional<p::ApplicantRecord> a =
                key.rfind(byExternal, 0) == 0 ? findByExternal(key.substr(byExternal.size())) : find(key);
            if (r.method == "GET" && (tail == "/one" || tail == "/status")) {
                if (!a) return error(404, "Applicant not found");
                return Answer{200, tail == "/one" ? p::applicantJson(*a, options.clientId) : p::statusJson(*a)};
            }
            if (r.method == "POST" && tail == "/status/testCompleted") {
                if (!a) return error(404, "Applicant not found");
                return testCompleted(a->id, r.body);
            }
        }
        return error(404, "Not found: " + r.method + " " + path);
    }

    Answer createApplicant(const std::string& query, const std::string& body) {
        std::string level;
        for (const auto& [k, v] : Poco::URI("/?" + query).getQueryParameters())
            if (k == "levelName") level = v;
        if (level.empty()) return error(400, "Required parameter 'levelName' is not present");
        if (!options.levels.count(level)) return error(404, "Level '" + level + "' not found");
        const auto o = objectOf(body);
        if (!o) return error(400, "Invalid request body: a JSON object expected");
        const std::string external = text(o, "externalUserId");
        if (external.empty()) return error(400, "externalUserId is required");
        std::string country;
        if (const auto fixed = o->getObject("fixedInfo")) {
            country = text(fixed, "country");
            if (fixed->has("country") && !alpha3(country))
                return error(400, "Invalid country code '" + fixed->get("country").toString() +
                                      "': ISO 3166-1 alpha-3 expected");
        }
        std::string id;
        std::string json;
        {
            std::lock_guard lock(mutex);
            for (const auto& a : applicantsById)
                if (a.externalUserId == external)
                    return Answer{
                        409,
                        p::errorBody(409, "Applicant with external user id '" + external + "' already exists: " + a.id,
                                     "req-" + p::hexId(random, 8))};
            p::ApplicantRecord& a = make(external, level);
            a.email = text(o, "email");
            a.country = country;
            id = a.id;
            json = p::applicantJson(a, options.clientId);
        }
        emit("applicantCreated", id);
        return Answer{200, json};
    }

    Answer accessToken(const std::string& body) {
        const auto o = objectOf(body);
        if (!o) return error(400, "Invalid request body: a JSON object expected");
        const std::string user = text(o, "userId");
        if (user.empty()) return error(400, "userId is required");
        const std::string level = text(o, "levelName");
        if (!level.empty() && !options.levels.count(level)) return error(404, "Level '" + level + "' not found");
        if (o->has("ttlInSecs") && (!o->get("ttlInSecs").isInteger() || o->getValue<std::int64_t>("ttlInSecs") <= 0))
            return error(400, "ttlInSecs must be a positive number of seconds");
        std::lock_guard lock(mutex);
        const std::string token = "_act-sbx-" + p::hexId(random, 8) + "-" + p::hexId(random, 4) + "-" +
                                  p::hexId(random, 4) + "-" + p::hexId(random, 4) + "-" + p::hexId(random, 12);
        tokens.emplace_back(token, user);
        Poco::JSON::Object out(Poco::JSON_PRESERVE_KEY_ORDER);
        out.set("token", token);
        out.set("userId", user);
        std::ostringstream s;
        out.stringify(s);
        return Answer{200, s.str()};
    }

    Answer testCompleted(const std::string& id, const std::string& body) {
        const auto o = objectOf(body);
        if (!o) return error(400, "Invalid request body: a JSON object expected");
        FakeSumsubReview r;
        r.answer = text(o, "reviewAnswer");
        if (r.answer != "GREEN" && r.answer != "RED") return error(400, "reviewAnswer must be GREEN or RED");
        r.rejectType = text(o, "reviewRejectType");
        r.moderationComment = text(o, "moderationComment");
        r.clientComment = text(o, "clientComment");
        if (const auto labels = o->getArray("rejectLabels"))
            for (std::size_t i = 0; i < labels->size(); ++i)
                r.rejectLabels.push_back(labels->get(static_cast<unsigned>(i)).toString());
        review(id, r);
        return Answer{200, R"({"ok":1})"};
    }

    // ----- state (callers hold the mutex where it says so) -----

    /// A new applicant record; call with the mutex held.
    p::ApplicantRecord& make(const std::string& external, const std::string& level) {
        p::ApplicantRecord a;
        a.id = p::hexId(random, 24);
        a.inspectionId = p::hexId(random, 24);
        a.reviewId = p::hexId(random, 5);
        a.attemptId = p::hexId(random, 5);
        a.externalUserId = external;
        a.levelName = level;
        a.createdAtMs = a.reviewCreatedMs = now();
        applicantsById.push_back(a);
        return applicantsById.back();
    }

    std::optional<p::ApplicantRecord> find(const std::string& id) {
        std::lock_guard lock(mutex);
        for (const auto& a : applicantsById)
            if (a.id == id) return a;
        return std::nullopt;
    }
    std::optional<p::ApplicantRecord> findByExternal(const std::string& external) {
        std::lock_guard lock(mutex);
        for (const auto& a : applicantsById)
            if (a.externalUserId == external) return a;
        return std::nullopt;
    }

    /// Changes an applicant under the mutex, then sends `type`. Throws std::invalid_argument if unknown.
    template <class F>
    void change(const std::string& id, const std::string& type, F fn) {
        {
            std::lock_guard lock(mutex);
            const auto it = std::find_if(applicantsById.begin(), applicantsById.end(),
                                         [&](const p::ApplicantRecord& a) { return a.id == id; });
            if (it == applicantsById.end()) throw std::invalid_argument("fake Sumsub: no applicant " + id);
            fn(*it);
        }
        emit(type, id);
    }

    void review(const std::string& id, const FakeSumsubReview& r) {
        change(id, "applicantReviewed", [&](p::ApplicantRecord& a) {
            a.review = r;
            a.reviewStatus = "completed";
            a.reviewDateMs = now();
        });
    }

    // ----- webhooks -----

    /// Builds the webhook for the applicant's state now, then delivers or holds it.
    void emit(const std::string& type, const std::string& id) {
        FakeSumsubWebhook w;
        w.type = type;
        w.applicantId = id;
        {
            std::lock_guard lock(mutex);
            const auto it = std::find_if(applicantsById.begin(), applicantsById.end(),
                                         [&](const p::ApplicantRecord& a) { return a.id == id; });
            if (it == applicantsById.end()) return;
            const std::string correlation = "req-" + p::hexId(random, 8) + "-" + p::hexId(random, 4);
            w.atMs = now();
            w.body = p::webhookBody(type, *it, options.clientId, w.atMs, correlation);
            if (hold) {
                held.push_back(w);
                return;
            }
        }
        deliver(w);
    }

    /// Sends now (twice when asked), outside the mutex: the receiver may call the fake.
    void deliver(const FakeSumsubWebhook& w) {
        std::string url, secret, alg;
        int times = 1;
        {
            std::lock_guard lock(mutex);
            url = webhookUrl;
            secret = wrongSecret ? "not-the-" + webhookSecret : webhookSecret;
            alg = webhookAlg;
            times = twice ? 2 : 1;
        }
        for (int i = 0; i < times; ++i) {
            FakeSumsubWebhook sent = sendWebhook(url, secret, alg, w);
            sent.atMs = now();
            std::lock_guard lock(mutex);
            deliveries.push_back(sent);
        }
    }

    // ----- the server -----

    class Handler : public Poco::Net::HTTPRequestHandler {
    public:
        explicit Handler(Impl& impl) : _impl(impl) {}
        void handleRequest(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) override {
            ++_impl.active;
            try {
                if (req.getURI().rfind("/_fake/", 0) == 0)
                    handleFakeControl(_impl._outer, req, resp);
                else
                    _impl.resources(req, resp);
            } catch (...) {
                // the client went away mid-answer (a hung request it gave up on)
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

    const FakeSumsubOptions options;
    std::uint16_t port = 0;
    std::unique_ptr<Poco::Net::HTTPServer> server;
    std::atomic<bool> stopping{false};
    std::atomic<int> active{0};

    mutable std::mutex mutex;  ///< guards everything below
    FakeSumsub& _outer;
    std::mt19937_64 random;
    std::vector<p::ApplicantRecord> applicantsById;  ///< in creation order
    std::vector<std::pair<std::string, std::string>> tokens;
    std::vector<FakeSumsubRequest> log;
    std::vector<FakeSumsubWebhook> deliveries, held;
    std::string webhookUrl, webhookSecret, webhookAlg;
    bool twice = false, hold = false, wrongSecret = false;
    int failStatus = 500, failCount = 0, hangCount = 0;
    std::uint64_t hangGeneration = 0;
};

FakeSumsub::FakeSumsub(FakeSumsubOptions options) : _impl(std::make_unique<Impl>(*this, std::move(options))) {}
FakeSumsub::~FakeSumsub() = default;

std::string FakeSumsub::baseUrl() const {
    return "http://127.0.0.1:" + std::to_string(_impl->port);
}
std::uint16_t FakeSumsub::port() const {
    return _impl->port;
}
std::int64_t FakeSumsub::nowMs() const {
    return _impl->now();
}
const FakeSumsubOptions& FakeSumsub::options() const {
    return _impl->options;
}

std::string FakeSumsub::addApplicant(const std::string& externalUserId, const std::string& levelName) {
    std::string id;
    {
        std::lock_guard lock(_impl->mutex);
        for (const auto& a : _impl->applicantsById)
            if (a.externalUserId == externalUserId)
                throw std::invalid_argument("fake Sumsub: " + externalUserId + " already has an applicant");
        id = _impl->make(externalUserId, levelName).id;
    }
    _impl->emit("applicantCreated", id);
    return id;
}

std::optional<FakeSumsubApplicant> FakeSumsub::applicant(const std::string& applicantId) const {
    const auto a = _impl->find(applicantId);
    if (!a) return std::nullopt;
    return sumsub_payloads::publicView(*a, _impl->options.clientId);
}
std::optional<FakeSumsubApplicant> FakeSumsub::applicantByExternalId(const std::string& externalUserId) const {
    const auto a = _impl->findByExternal(externalUserId);
    if (!a) return std::nullopt;
    return sumsub_payloads::publicView(*a, _impl->options.clientId);
}
std::vector<FakeSumsubApplicant> FakeSumsub::applicants() const {
    std::lock_guard lock(_impl->mutex);
    std::vector<FakeSumsubApplicant> out;
    for (const auto& a : _impl->applicantsById)
        out.push_back(sumsub_payloads::publicView(a, _impl->options.clientId));
    return out;
}
std::vector<std::pair<std::string, std::string>> FakeSumsub::accessTokens() const {
    std::lock_guard lock(_impl->mutex);
    return _impl->tokens;
}

void FakeSumsub::review(const std::string& applicantId, const FakeSumsubReview& review) {
    if (review.answer != "GREEN" && review.answer != "RED")
        throw std::invalid_argument("fake Sumsub: reviewAnswer must be GREEN or RED");
    _impl->review(applicantId, review);
}
void FakeSumsub::markPending(const std::string& applicantId) {
    _impl->change(applicantId, "applicantPending", [&](sumsub_payloads::ApplicantRecord& a) {
        // A new submission is a new attempt; the previous result no longer stands.
        a.reviewStatus = "pending";
        a.review.reset();
        a.reviewDateMs = 0;
        a.attemptId = sumsub_payloads::hexId(_impl->random, 5);
        ++a.attemptCnt;
        a.reviewCreatedMs = _impl->now();
    });
}
void FakeSumsub::putOnHold(const std::string& applicantId) {
    _impl->change(applicantId, "applicantOnHold",
                  [](sumsub_payloads::ApplicantRecord& a) { a.reviewStatus = "onHold"; });
}
void FakeSumsub::resetApplicant(const std::string& applicantId) {
    _impl->change(applicantId, "applicantReset", [](sumsub_payloads::ApplicantRecord& a) {
        a.reviewStatus = "init";
        a.review.reset();
        a.reviewDateMs = 0;
    });
}

void FakeSumsub::setWebhookUrl(const std::string& url) {
    std::lock_guard lock(_impl->mutex);
    _impl->webhookUrl = url;
}
void FakeSumsub::setWebhookSecret(const std::string& secret) {
    std::lock_guard lock(_impl->mutex);
    _impl->webhookSecret = secret;
}
void FakeSumsub::setWebhookAlg(const std::string& alg) {
    std::lock_guard lock(_impl->mutex);
    _impl->webhookAlg = alg;
}
void FakeSumsub::deliverTwice(bool on) {
    std::lock_guard lock(_impl->mutex);
    _impl->twice = on;
}
void FakeSumsub::holdWebhooks(bool on) {
    std::lock_guard lock(_impl->mutex);
    _impl->hold = on;
}
int FakeSumsub::releaseWebhooks(bool newestFirst) {
    std::vector<FakeSumsubWebhook> batch;
    {
        std::lock_guard lock(_impl->mutex);
        batch.swap(_impl->held);
    }
    if (newestFirst) std::reverse(batch.begin(), batch.end());
    for (const auto& w : batch)
        _impl->deliver(w);
    return static_cast<int>(batch.size());
}
void FakeSumsub::signWithWrongSecret(bool on) {
    std::lock_guard lock(_impl->mutex);
    _impl->wrongSecret = on;
}
std::vector<FakeSumsubWebhook> FakeSumsub::webhooks() const {
    std::lock_guard lock(_impl->mutex);
    return _impl->deliveries;
}
std::vector<FakeSumsubWebhook> FakeSumsub::webhooks(const std::string& type) const {
    std::vector<FakeSumsubWebhook> out;
    for (auto& w : webhooks())
        if (w.type == type) out.push_back(std::move(w));
    return out;
}

void FakeSumsub::failNext(int status, int count) {
    std::lock_guard lock(_impl->mutex);
    _impl->failStatus = status;
    _impl->failCount = count;
}
void FakeSumsub::hangNext(int count) {
    std::lock_guard lock(_impl->mutex);
    _impl->hangCount = count;
}
void FakeSumsub::releaseHung() {
    std::lock_guard lock(_impl->mutex);
    ++_impl->hangGeneration;
    _impl->hangCount = 0;
}

std::vector<FakeSumsubRequest> FakeSumsub::requests() const {
    std::lock_guard lock(_impl->mutex);
    return _impl->log;
}
void FakeSumsub::clearRequests() {
    std::lock_guard lock(_impl->mutex);
    _impl->log.clear();
}

}  // namespace bourse::fakes
