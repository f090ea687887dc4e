//
// Loopback.h — the FakeHost responder that sends each plugin request to its
// URL over loopback with Poco's HTTP client, as the kernel's client would, so
// the plugin is judged by a real server (the fake Stripe) that refuses what
// Stripe refuses. A timeout or a refused connection is a response with
// status 0 and the error, as the host reports it.
//
#pragma once

#include <bourse/plugin.hpp>

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

namespace stripe_test {

/// Answers a plugin request by sending it to its URL over loopback (Poco's client), as the kernel would.
inline bourse::HttpResponse forward(const bourse::HttpRequest& r) {
    bourse::HttpResponse out;
    try {
        const Poco::URI uri(r.url);
        Poco::Net::HTTPClientSession session(uri.getHost(), uri.getPort());
        const long ms = r.timeout.count() > 0 ? static_cast<long>(r.timeout.count()) : 10'000;
        session.setTimeout(Poco::Timespan(ms * 1000));
        Poco::Net::HTTPRequest req(r.method, uri.getPathEtc(), Poco::Net::HTTPMessage::HTTP_1_1);
        for (const auto& [name, value] : r.headers)
            req.set(name, value);
        if (r.method == "POST" || !r.body.empty()) {
            req.setContentLength(static_cast<std::streamsize>(r.body.size()));
            session.sendRequest(req) << r.body;
        } else {
            session.sendRequest(req);
        }
        Poco::Net::HTTPResponse resp;
        std::istream& in = session.receiveResponse(resp);
        Poco::StreamCopier::copyToString(in, out.body);
        out.status = static_cast<int>(resp.getStatus());
        for (const auto& [name, value] : resp)
            out.headers.emplace_back(name, value);
    } catch (const Poco::Exception& e) {
        out = bourse::HttpResponse{0, {}, "", e.displayText()};  // timeout, refused connection
    }
    return out;
}

}  // namespace stripe_test
