#include "sumsub/WebhookSender.h"

#include <bourse/plugins/Signing.h>

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <sstream>

namespace bourse::fakes {

std::string payloadDigest(const std::string& alg, const std::string& secret, const std::string& body) {
    using plugins::Hmac;
    const Hmac h = alg == "HMAC_SHA1_HEX" ? Hmac::Sha1 : alg == "HMAC_SHA512_HEX" ? Hmac::Sha512 : Hmac::Sha256;
    return plugins::hmacHex(h, secret, body);
}

FakeSumsubWebhook sendWebhook(const std::string& url, const std::string& secret, const std::string& alg,
                              FakeSumsubWebhook attempt) {
    attempt.url = url;
    attempt.alg = alg;
    attempt.digest = payloadDigest(alg, secret, attempt.body);
    if (url.empty()) {
        attempt.error = "no webhook URL configured";
        return attempt;
    }
    try {
        const Poco::URI uri(url);
        if (uri.getScheme() != "http") {
            attempt.error = "the fake sends webhooks over http:// only";
            return attempt;
        }
        Poco::Net::HTTPClientSession session(uri.getHost(), uri.getPort());
        session.setTimeout(Poco::Timespan(5, 0));  // Sumsub gives up after 5 s
        Poco::Net::HTTPRequest req(Poco::Net::HTTPRequest::HTTP_POST, uri.getPathAndQuery(),
                                   Poco::Net::HTTPMessage::HTTP_1_1);
        req.setContentType("application/json");
        req.set("X-Payload-Digest", attempt.digest);
        req.set("X-Payload-Digest-Alg", alg);
        req.setContentLength(static_cast<std::streamsize>(attempt.body.size()));
        session.sendRequest(req) << attempt.body;
        Poco::Net::HTTPResponse resp;
        std::istream& in = session.receiveResponse(resp);
        std::ostringstream sink;
        Poco::StreamCopier::copyStream(in, sink);
        attempt.status = static_cast<int>(resp.getStatus());
    } catch (const Poco::Exception& e) {
        attempt.status = 0;
        attempt.error = e.displayText();
    }
    return attempt;
}

}  // namespace bourse::fakes
