//
// Loopback.h — a FakeHost responder that performs each request for real over
// loopback with Poco, as the kernel's HTTP client does (same request target,
// headers and timeout), so the plugin talks to a live FakeSumsub.
//
#pragma once

#include <bourse/testing/FakeHost.hpp>

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <chrono>
#include <functional>

namespace bourse::sumsub::test {

/// before(request) runs first (a test may script the fake there).
inline bourse::testing::FakeHost::Responder loopback(std::function<void(const HttpRequest&)> before = {}) {
    return [before](const HttpRequest& r) -> HttpResponse {
        if (before) before(r);
        try {
            const Poco::URI uri(r.url);
            Poco::Net::HTTPClientSession session(uri.getHost(), uri.getPort());
            const auto timeout = r.timeout.count() > 0 ? r.timeout : std::chrono::milliseconds(10'000);
            session.setTimeout(Poco::Timespan(static_cast<long>(timeout.count()) * 1000));
            Poco::Net::HTTPRequest req(r.method, uri.getPathAndQuery(), Poco::Net::HTTPMessage::HTTP_1_1);
            for (const auto& [k, v] : r.headers)
                req.set(k, v);
            if (!r.body.empty() || r.method == "POST" || r.method == "PUT")
                req.setContentLength(static_cast<std::streamsize>(r.body.size()));
            session.sendRequest(req) << r.body;
            Poco::Net::HTTPResponse resp;
            std::istream& in = session.receiveResponse(resp);
            HttpResponse out;
            out.status = static_cast<int>(resp.getStatus());
            for (const auto& [k, v] : resp)
                out.headers.emplace_back(k, v);
            Poco::StreamCopier::copyToString(in, out.body);
            return out;
        } catch (const Poco::Exception& e) {
            return HttpResponse{0, {}, "", "upstream: " + e.displayText()};
        }
    };
}

}  // namespace bourse::sumsub::test
