// The fake Sumsub authenticates as Sumsub does (token, fresh timestamp,
// HMAC over ts + method + target + body as received), keeps applicants with
// Sumsub's 409 on duplicates, and signs its webhooks like Sumsub: checked here
// with plain Poco clients and a local webhook receiver (no kernel).
#include "sumsub/FakeSumsub.h"

#include <bourse/plugins/Signing.h>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <cppunit/extensions/HelperMacros.h>

#include <chrono>
#include <mutex>
#include <regex>

using bourse::fakes::FakeSumsub;
using bourse::fakes::FakeSumsubOptions;
using bourse::fakes::FakeSumsubReview;
using bourse::plugins::Hmac;

namespace {

struct Response {
    int status = 0;  ///< 0: no answer (timeout)
    std::string body;
};

Poco::JSON::Object::Ptr object(const std::string& text) {
    return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}

std::int64_t nowS() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

Response perform(const std::string& base, const std::string& method, const std::string& target, const std::string& body,
                 const std::vector<std::pair<std::string, std::string>>& headers, int timeoutMs = 5'000) {
    const Poco::URI uri(base);
    Poco::Net::HTTPClientSession session(uri.getHost(), uri.getPort());
    session.setTimeout(Poco::Timespan(static_cast<long>(timeoutMs) * 1000));
    Poco::Net::HTTPRequest req(method, target, Poco::Net::HTTPMessage::HTTP_1_1);
    for (const auto& [k, v] : headers)
        req.set(k, v);
    req.setContentType("application/json");
    req.setContentLength(static_cast<std::streamsize>(body.size()));
    try {
        session.sendRequest(req) << body;
        Poco::Net::HTTPResponse resp;
        std::istream& in = session.receiveResponse(resp);
        Response out{static_cast<int>(resp.getStatus()), ""};
        Poco::StreamCopier::copyToString(in, out.body);
        return out;
    } catch (const Poco::TimeoutException&) {
        return {};
    }
}

/// Options of a signed call; each default is what the fake accepts.
struct Signing {
    std::string token = "sbx:fake-app-token";
    std::string secret = "fake-secret-key";
    std::int64_t tsOffsetS = 0;
    std::string signedTarget;         ///< sign this target instead of the one sent
    std::string signedBody = "\x01";  ///< sign this body instead ("\x01": the one sent)
};

Response call(const FakeSumsub& fake, const std::string& method, const std::string& target,
              const std::string& body = "", const Signing& s = {}, int timeoutMs = 5'000) {
    const std::string ts = std::to_string(nowS() + s.tsOffsetS);
    const std::string signedTarget = s.signedTarget.empty() ? target : s.signedTarget;
    const std::string signedBody = s.signedBody == "\x01" ? body : s.signedBody;
    const std::string sig = bourse::plugins::hmacSha256Hex(s.secret, ts + method + signedTarget + signedBody);
    return perform(fake.baseUrl(), method, target, body,
                   {{"X-App-Token", s.token}, {"X-App-Access-Ts", ts}, {"X-App-Access-Sig", sig}}, timeoutMs);
}

Response create(const FakeSumsub& fake, const std::string& body,
                const std::string& target = "/resources/applicants?levelName=basic-kyc-level") {
    return call(fake, "POST", target, body);
}

/// A local webhook receiver: records what arrives, answers `status`.
class Receiver {
public:
    struct Hit {
        std::string digest, alg, contentType, body;
    };

    Receiver() : _socket(Poco::Net::SocketAddress("127.0.0.1", 0)) {
        _server = std::make_unique<Poco::Net::HTTPServer>(new Factory(*this), _socket, new Poco::Net::HTTPServerParams);
        _server->start();
    }
    ~Receiver() { _server->stopAll(true); }

    [[nodiscard]] std::string url() const {
        return "http://127.0.0.1:" + std::to_string(_socket.address().port()) + "/hooks/sumsub";
    }
    std::vector<Hit> hits() {
        std::lock_guard lock(_mutex);
        return _hits;
    }
    int status = 200;

private:
    class Handler : public Poco::Net::HTTPRequestHandler {
    public:
        explicit Handler(Receiver& r) : _r(r) {}
        void handleRequest(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) override {
            Hit h{req.get("X-Payload-Digest", ""), req.get("X-Payload-Digest-Alg", ""), req.getContentType(), ""};
            Poco::StreamCopier::copyToString(req.stream(), h.body);
            {
                std::lock_guard lock(_r._mutex);
                _r._hits.push_back(h);
            }
            resp.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(_r.status));
            resp.setContentLength(0);
            resp.send();
        }

    private:
        Receiver& _r;
    };
    class Factory : public Poco::Net::HTTPRequestHandlerFactory {
    public:
        explicit Factory(Receiver& r) : _r(r) {}
        Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
            return new Handler(_r);
        }

    private:
        Receiver& _r;
    };

    Poco::Net::ServerSocket _socket;
    std::unique_ptr<Poco::Net::HTTPServer> _server;
    std::mutex _mutex;
    std::vector<Hit> _hits;
};

void assertSumsubError(const Response& r, int code, int errorCode) {
    CPPUNIT_ASSERT_EQUAL(code, r.status);
    const auto o = object(r.body);
    CPPUNIT_ASSERT_EQUAL(code, o->getValue<int>("code"));
    CPPUNIT_ASSERT(!o->getValue<std::string>("description").empty());
    CPPUNIT_ASSERT_EQUAL(std::string("req-"), o->getValue<std::string>("correlationId").substr(0, 4));
    if (errorCode) CPPUNIT_ASSERT_EQUAL(errorCode, o->getValue<int>("errorCode"));
}

}  // namespace

class FakeSumsubTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(FakeSumsubTest);
    CPPUNIT_TEST(testEveryResourceCallMustBeSigned);
    CPPUNIT_TEST(testSignatureCoversTargetAndBodyAsReceived);
    CPPUNIT_TEST(testApplicantsAndDuplicates);
    CPPUNIT_TEST(testCreateRefusals);
    CPPUNIT_TEST(testAccessTokens);
    CPPUNIT_TEST(testReviewWebhooksSignedLikeSumsub);
    CPPUNIT_TEST(testSandboxTestCompleted);
    CPPUNIT_TEST(testPendingOnHoldAndReset);
    CPPUNIT_TEST(testDeliveryOptions);
    CPPUNIT_TEST(testScriptedFaults);
    CPPUNIT_TEST(testControlEndpoints);
    CPPUNIT_TEST_SUITE_END();

public:
    void testEveryResourceCallMustBeSigned() {
        FakeSumsub fake;
        const std::string target = "/resources/applicants/-;externalUserId=nobody/one";
        assertSumsubError(perform(fake.baseUrl(), "GET", target, "", {}), 401, 4006);
        Signing wrongToken;
        wrongToken.token = "sbx:someone-else";
        assertSumsubError(call(fake, "GET", target, "", wrongToken), 401, 4001);
        Signing wrongSecret;
        wrongSecret.secret = "not-the-secret";
        assertSumsubError(call(fake, "GET", target, "", wrongSecret), 401, 4003);
        Signing stale;
        stale.tsOffsetS = -3'600;
        assertSumsubError(call(fake, "GET", target, "", stale), 401, 4004);
        Signing future;
        future.tsOffsetS = 120;
        assertSumsubError(call(fake, "GET", target, "", future), 401, 4004);
        // Milliseconds where seconds belong is the classic mistake: far outside the window.
        const std::string ms = std::to_string(nowS() * 1000);
        assertSumsubError(
            perform(fake.baseUrl(), "GET", target, "",
                    {{"X-App-Token", "sbx:fake-app-token"},
                     {"X-App-Access-Ts", ms},
                     {"X-App-Access-Sig", bourse::plugins::hmacSha256Hex("fake-secret-key", ms + "GET" + target)}}),
            401, 4004);
        // Correctly signed: authenticated, and the applicant simply does not exist.
        assertSumsubError(call(fake, "GET", target), 404, 0);
        const auto log = fake.requests();
        CPPUNIT_ASSERT_EQUAL(std::size_t(7), log.size());
        for (std::size_t i = 0; i + 1 < log.size(); ++i)
            CPPUNIT_ASSERT(!log[i].signatureValid);
        CPPUNIT_ASSERT(log.back().signatureValid);
        CPPUNIT_ASSERT_EQUAL(target, log.back().target);
    }

    void testSignatureCoversTargetAndBodyAsReceived() {
        FakeSumsub fake;
        // Signed over one spelling of the query, sent with another: refused.
        Signing otherTarget;
        otherTarget.signedTarget = "/resources/applicants?levelName=basic-kyc-level";
        assertSumsubError(call(fake, "POST", "/resources/applicants?levelName=basic%2Dkyc%2Dlevel",
                               R"({"externalUserId":"u1"})", otherTarget),
                          401, 4003);
        // Signed over the body with a space more: refused.
        Signing otherBody;
        otherBody.signedBody = R"({"externalUserId": "u1"})";
        CPPUNIT_ASSERT_EQUAL(200, create(fake, R"({"externalUserId":"u1"})").status);
        assertSumsubError(call(fake, "POST", "/resources/applicants?levelName=basic-kyc-level",
                               R"({"externalUserId":"u2"})", otherBody),
                          401, 4003);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), fake.applicants().size());  // only u1, correctly signed
    }

    void testApplicantsAndDuplicates() {
        FakeSumsub fake;
        const auto r =
            create(fake, R"({"externalUserId":"user-1","email":"a@example.com","fixedInfo":{"country":"DEU"}})");
        CPPUNIT_ASSERT_EQUAL(200, r.status);
        const auto a = object(r.body);
        const std::string id = a->getValue<std::string>("id");
        CPPUNIT_ASSERT(std::regex_match(id, std::regex("[0-9a-f]{24}")));
        CPPUNIT_ASSERT_EQUAL(std::string("user-1"), a->getValue<std::string>("externalUserId"));
        CPPUNIT_ASSERT_EQUAL(std::string("DEU"), a->getObject("fixedInfo")->getValue<std::string>("country"));
        CPPUNIT_ASSERT_EQUAL(std::string("init"), a->getObject("review")->getValue<std::string>("reviewStatus"));
        CPPUNIT_ASSERT_EQUAL(std::string("basic-kyc-level"),
                             a->getObject("review")->getValue<std::string>("levelName"));

        const auto again = create(fake, R"({"externalUserId":"user-1"})");
        assertSumsubError(again, 409, 0);
        CPPUNIT_ASSERT_EQUAL("Applicant with external user id 'user-1' already exists: " + id,
                             object(again.body)->getValue<std::string>("description"));

        const auto byExternal = call(fake, "GET", "/resources/applicants/-;externalUserId=user-1/one");
        CPPUNIT_ASSERT_EQUAL(200, byExternal.status);
        CPPUNIT_ASSERT_EQUAL(id, object(byExternal.body)->getValue<std::string>("id"));
        const auto byId = call(fake, "GET", "/resources/applicants/" + id + "/one");
        CPPUNIT_ASSERT_EQUAL(byExternal.body, byId.body);
        const auto status = call(fake, "GET", "/resources/applicants/" + id + "/status");
        CPPUNIT_ASSERT_EQUAL(200, status.status);
        CPPUNIT_ASSERT_EQUAL(std::string("init"), object(status.body)->getValue<std::string>("reviewStatus"));
        assertSumsubError(call(fake, "GET", "/resources/applicants/000000000000000000000000/one"), 404, 0);

        // Sumsub announces new applicants; with no URL the attempt is only recorded.
        const auto created = fake.webhooks("applicantCreated");
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), created.size());
        CPPUNIT_ASSERT_EQUAL(0, created[0].status);
        CPPUNIT_ASSERT(
            bourse::plugins::verifyHmacHex(Hmac::Sha256, "fake-webhook-secret", created[0].body, created[0].digest));
        CPPUNIT_ASSERT_EQUAL(id, object(created[0].body)->getValue<std::string>("applicantId"));
        CPPUNIT_ASSERT_EQUAL(std::string("a@example.com"), fake.applicant(id)->email);
    }

    void testCreateRefusals() {
        FakeSumsub fake;
        assertSumsubError(create(fake, R"({"externalUserId":"u"})", "/resources/applicants"), 400, 0);
        assertSumsubError(create(fake, R"({"externalUserId":"u"})", "/resources/applicants?levelName=gold"), 404, 0);
        assertSumsubError(create(fake, R"({"email":"a@example.com"})"), 400, 0);
        assertSumsubError(create(fake, "not json"), 400, 0);
        // Sumsub's country fields are alpha-3: the kernel's alpha-2 must be converted.
        assertSumsubError(create(fake, R"({"externalUserId":"u","fixedInfo":{"country":"DE"}})"), 400, 0);
        CPPUNIT_ASSERT(fake.applicants().empty());
    }

    void testAccessTokens() {
        FakeSumsub fake;
        const auto r = call(fake, "POST", "/resources/accessTokens/sdk",
                            R"({"userId":"user-1","levelName":"basic-kyc-level","ttlInSecs":600})");
        CPPUNIT_ASSERT_EQUAL(200, r.status);
        const auto o = object(r.body);
        CPPUNIT_ASSERT_EQUAL(std::string("_act-"), o->getValue<std::string>("token").substr(0, 5));
        CPPUNIT_ASSERT_EQUAL(std::string("user-1"), o->getValue<std::string>("userId"));
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), fake.accessTokens().size());
        CPPUNIT_ASSERT_EQUAL(o->getValue<std::string>("token"), fake.accessTokens()[0].first);
        assertSumsubError(call(fake, "POST", "/resources/accessTokens/sdk", R"({"levelName":"basic-kyc-level"})"), 400,
                          0);
        assertSumsubError(call(fake, "POST", "/resources/accessTokens/sdk", R"({"userId":"u","levelName":"gold"})"),
                          404, 0);
    }

    void testReviewWebhooksSignedLikeSumsub() {
        Receiver receiver;
        FakeSumsubOptions o;
        o.webhookUrl = receiver.url();
        o.webhookSecret = "hook-secret";
        FakeSumsub fake(o);
        const std::string id = fake.addApplicant("user-7");
        fake.approve(id);
        fake.setWebhookAlg("HMAC_SHA512_HEX");
        fake.review(id, FakeSumsubReview::red("RETRY", {"UNSATISFACTORY_PHOTOS", "SCREENSHOTS"},
                                              "Please upload an original photo.", "Looks edited; watch this user."));
        fake.setWebhookAlg("HMAC_SHA1_HEX");
        fake.review(id, FakeSumsubReview::red("FINAL", {"FORGERY"}));

        const auto hits = receiver.hits();
        CPPUNIT_ASSERT_EQUAL(std::size_t(4), hits.size());  // created + three reviews
        const std::vector<std::pair<std::string, Hmac>> algs = {{"HMAC_SHA256_HEX", Hmac::Sha256},
                                                                {"HMAC_SHA256_HEX", Hmac::Sha256},
                                                                {"HMAC_SHA512_HEX", Hmac::Sha512},
                                                                {"HMAC_SHA1_HEX", Hmac::Sha1}};
        for (std::size_t i = 0; i < hits.size(); ++i) {
            CPPUNIT_ASSERT_EQUAL(algs[i].first, hits[i].alg);
            CPPUNIT_ASSERT_EQUAL(std::string("application/json"), hits[i].contentType);
            CPPUNIT_ASSERT(bourse::plugins::verifyHmacHex(algs[i].second, "hook-secret", hits[i].body, hits[i].digest));
            // Never the app token's secret.
            CPPUNIT_ASSERT(
                !bourse::plugins::verifyHmacHex(algs[i].second, "fake-secret-key", hits[i].body, hits[i].digest));
        }
        const auto green = object(hits[1].body);
        CPPUNIT_ASSERT_EQUAL(std::string("applicantReviewed"), green->getValue<std::string>("type"));
        CPPUNIT_ASSERT_EQUAL(id, green->getValue<std::string>("applicantId"));
        CPPUNIT_ASSERT_EQUAL(std::string("user-7"), green->getValue<std::string>("externalUserId"));
        CPPUNIT_ASSERT_EQUAL(std::string("completed"), green->getValue<std::string>("reviewStatus"));
        CPPUNIT_ASSERT_EQUAL(std::string("GREEN"),
                             green->getObject("reviewResult")->getValue<std::string>("reviewAnswer"));
        CPPUNIT_ASSERT(std::regex_match(green->getValue<std::string>("createdAtMs"),
                                        std::regex(R"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3})")));
        // Sumsub sends both comments; keeping clientComment from users is the receiver's job.
        const auto red = object(hits[2].body)->getObject("reviewResult");
        CPPUNIT_ASSERT_EQUAL(std::string("RED"), red->getValue<std::string>("reviewAnswer"));
        CPPUNIT_ASSERT_EQUAL(std::string("RETRY"), red->getValue<std::string>("reviewRejectType"));
        CPPUNIT_ASSERT_EQUAL(std::string("Please upload an original photo."),
                             red->getValue<std::string>("moderationComment"));
        CPPUNIT_ASSERT_EQUAL(std::string("Looks edited; watch this user."),
                             red->getValue<std::string>("clientComment"));
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), red->getArray("rejectLabels")->size());
        // The applicant shows the last review.
        const auto a = fake.applicant(id);
        CPPUNIT_ASSERT_EQUAL(std::string("completed"), a->reviewStatus);
        CPPUNIT_ASSERT_EQUAL(std::string("FINAL"), a->review->rejectType);
        const auto status = object(call(fake, "GET", "/resources/applicants/" + id + "/status").body);
        CPPUNIT_ASSERT_EQUAL(std::string("RED"),
                             status->getObject("reviewResult")->getValue<std::string>("reviewAnswer"));
        for (const auto& w : fake.webhooks())
            CPPUNIT_ASSERT_EQUAL(200, w.status);
    }

    void testSandboxTestCompleted() {
        FakeSumsub fake;
        const std::string id = fake.addApplicant("user-8");
        const auto r = call(fake, "POST", "/resources/applicants/" + id + "/status/testCompleted",
                            R"({"reviewAnswer":"RED","rejectLabels":["SCREENSHOTS"],"reviewRejectType":"RETRY",)"
                            R"("clientComment":"internal","moderationComment":"No screenshots."})");
        CPPUNIT_ASSERT_EQUAL(200, r.status);
        const auto reviewed = fake.webhooks("applicantReviewed");
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), reviewed.size());
        CPPUNIT_ASSERT_EQUAL(std::string("No screenshots."), fake.applicant(id)->review->moderationComment);
        assertSumsubError(
            call(fake, "POST", "/resources/applicants/" + id + "/status/testCompleted", R"({"reviewAnswer":"YELLOW"})"),
            400, 0);
    }

    void testPendingOnHoldAndReset() {
        FakeSumsub fake;
        const std::string id = fake.addApplicant("user-9");
        fake.markPending(id);
        CPPUNIT_ASSERT_EQUAL(std::string("pending"), fake.applicant(id)->reviewStatus);
        fake.putOnHold(id);
        CPPUNIT_ASSERT_EQUAL(std::string("onHold"), fake.applicant(id)->reviewStatus);
        fake.approve(id);
        fake.resetApplicant(id);
        CPPUNIT_ASSERT_EQUAL(std::string("init"), fake.applicant(id)->reviewStatus);
        CPPUNIT_ASSERT(!fake.applicant(id)->review);
        std::vector<std::string> types;
        for (const auto& w : fake.webhooks())
            types.push_back(w.type);
        const std::vector<std::string> expected = {"applicantCreated", "applicantPending", "applicantOnHold",
                                                   "applicantReviewed", "applicantReset"};
        CPPUNIT_ASSERT(expected == types);
        CPPUNIT_ASSERT_EQUAL(std::string("onHold"),
                             object(fake.webhooks("applicantOnHold")[0].body)->getValue<std::string>("reviewStatus"));
        CPPUNIT_ASSERT_THROW(fake.approve("nope"), std::invalid_argument);
    }

    void testDeliveryOptions() {
        Receiver receiver;
        FakeSumsubOptions o;
        o.webhookUrl = receiver.url();
        FakeSumsub fake(o);
        const std::string a = fake.addApplicant("user-a"), b = fake.addApplicant("user-b");

        fake.deliverTwice(true);
        fake.approve(a);
        fake.deliverTwice(false);
        auto hits = receiver.hits();
        CPPUNIT_ASSERT_EQUAL(std::size_t(4), hits.size());
        CPPUNIT_ASSERT_EQUAL(hits[2].body, hits[3].body);  // byte for byte, same createdAtMs
        CPPUNIT_ASSERT_EQUAL(hits[2].digest, hits[3].digest);

        fake.holdWebhooks(true);
        fake.markPending(b);
        fake.approve(b);
        CPPUNIT_ASSERT_EQUAL(std::size_t(4), receiver.hits().size());
        fake.holdWebhooks(false);
        CPPUNIT_ASSERT_EQUAL(2, fake.releaseWebhooks(true));  // out of order, as at-least-once delivery may be
        hits = receiver.hits();
        CPPUNIT_ASSERT_EQUAL(std::size_t(6), hits.size());
        CPPUNIT_ASSERT_EQUAL(std::string("applicantReviewed"), object(hits[4].body)->getValue<std::string>("type"));
        CPPUNIT_ASSERT_EQUAL(std::string("applicantPending"), object(hits[5].body)->getValue<std::string>("type"));

        fake.signWithWrongSecret(true);
        fake.resetApplicant(b);
        hits = receiver.hits();
        CPPUNIT_ASSERT(
            !bourse::plugins::verifyHmacHex(Hmac::Sha256, "fake-webhook-secret", hits.back().body, hits.back().digest));

        receiver.status = 500;  // a failing receiver is recorded as such
        fake.signWithWrongSecret(false);
        fake.putOnHold(b);
        CPPUNIT_ASSERT_EQUAL(500, fake.webhooks().back().status);
        fake.setWebhookUrl("http://127.0.0.1:1/closed");
        fake.putOnHold(a);
        CPPUNIT_ASSERT_EQUAL(0, fake.webhooks().back().status);
        CPPUNIT_ASSERT(!fake.webhooks().back().error.empty());
    }

    void testScriptedFaults() {
        FakeSumsub fake;
        const std::string target = "/resources/applicants/-;externalUserId=x/one";
        fake.failNext(500, 2);
        assertSumsubError(call(fake, "GET", target), 500, 0);
        assertSumsubError(call(fake, "GET", target), 500, 0);
        assertSumsubError(call(fake, "GET", target), 404, 0);
        fake.failNext(429);
        assertSumsubError(call(fake, "GET", target), 429, 0);
        fake.hangNext();
        const auto started = std::chrono::steady_clock::now();
        CPPUNIT_ASSERT_EQUAL(0, call(fake, "GET", target, "", {}, 300).status);  // the client gives up
        CPPUNIT_ASSERT(std::chrono::steady_clock::now() - started < std::chrono::seconds(3));
        fake.releaseHung();
        assertSumsubError(call(fake, "GET", target), 404, 0);
        fake.hangNext();  // the destructor releases a hung request too
        CPPUNIT_ASSERT_EQUAL(0, call(fake, "GET", target, "", {}, 200).status);
    }

    void testControlEndpoints() {
        Receiver receiver;
        FakeSumsub fake;
        const auto post = [&](const std::string& path, const std::string& body) {
            return perform(fake.baseUrl(), "POST", path, body, {});
        };
        CPPUNIT_ASSERT_EQUAL(
            200, post("/_fake/webhook", R"({"url":")" + receiver.url() + R"(","secret":"s2","alg":"HMAC_SHA1_HEX"})")
                     .status);
        const auto made = post("/_fake/applicants", R"({"externalUserId":"user-c"})");
        CPPUNIT_ASSERT_EQUAL(200, made.status);
        const std::string id = object(made.body)->getValue<std::string>("id");
        CPPUNIT_ASSERT_EQUAL(200, post("/_fake/review", R"({"externalUserId":"user-c","reviewAnswer":"RED",)"
                                                        R"("reviewRejectType":"FINAL","rejectLabels":["FORGERY"],)"
                                                        R"("moderationComment":"m","clientComment":"c"})")
                                      .status);
        CPPUNIT_ASSERT_EQUAL(std::string("FINAL"), fake.applicant(id)->review->rejectType);
        const auto hits = receiver.hits();
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), hits.size());
        CPPUNIT_ASSERT_EQUAL(std::string("HMAC_SHA1_HEX"), hits[1].alg);
        CPPUNIT_ASSERT(bourse::plugins::verifyHmacHex(Hmac::Sha1, "s2", hits[1].body, hits[1].digest));

        CPPUNIT_ASSERT_EQUAL(404, post("/_fake/review", R"({"applicantId":"nope"})").status);
        CPPUNIT_ASSERT_EQUAL(400,
                             post("/_fake/review", R"({"applicantId":")" + id + R"(","reviewAnswer":"X"})").status);
        CPPUNIT_ASSERT_EQUAL(200, post("/_fake/pending", R"({"applicantId":")" + id + R"("})").status);
        CPPUNIT_ASSERT_EQUAL(200, post("/_fake/webhook", R"({"hold":true})").status);
        CPPUNIT_ASSERT_EQUAL(200, post("/_fake/on-hold", R"({"applicantId":")" + id + R"("})").status);
        const auto released = post("/_fake/release", "{}");
        CPPUNIT_ASSERT_EQUAL(1, object(released.body)->getValue<int>("released"));

        CPPUNIT_ASSERT_EQUAL(200, post("/_fake/fail", R"({"status":503,"count":1})").status);
        assertSumsubError(call(fake, "GET", "/resources/applicants/" + id + "/one"), 503, 0);
        CPPUNIT_ASSERT_EQUAL(200, call(fake, "GET", "/resources/applicants/" + id + "/one").status);

        const auto webhooks = perform(fake.baseUrl(), "GET", "/_fake/webhooks", "", {});
        CPPUNIT_ASSERT_EQUAL(200, webhooks.status);
        const auto list = Poco::JSON::Parser().parse(webhooks.body).extract<Poco::JSON::Array::Ptr>();
        CPPUNIT_ASSERT_EQUAL(std::size_t(4), list->size());
        CPPUNIT_ASSERT_EQUAL(std::string("applicantOnHold"), list->getObject(3)->getValue<std::string>("type"));
        const auto requests = perform(fake.baseUrl(), "GET", "/_fake/requests", "", {});
        CPPUNIT_ASSERT_EQUAL(std::size_t(2),
                             Poco::JSON::Parser().parse(requests.body).extract<Poco::JSON::Array::Ptr>()->size());
        const auto applicants = perform(fake.baseUrl(), "GET", "/_fake/applicants", "", {});
        CPPUNIT_ASSERT_EQUAL(id, Poco::JSON::Parser()
                                     .parse(applicants.body)
                                     .extract<Poco::JSON::Array::Ptr>()
                                     ->getObject(0)
                                     ->getValue<std::string>("id"));
        CPPUNIT_ASSERT_EQUAL(404, perform(fake.baseUrl(), "GET", "/_fake/nothing", "", {}).status);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(FakeSumsubTest);
