#include "venues/binance/HttpTransport.h"

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/String.h>
#include <Poco/URI.h>

#include <istream>
#include <ostream>

namespace bourse::venues::binance {

namespace {

/// One TLS client context for the process: verify the server against the system CAs.
Poco::Net::Context::Ptr tlsContext() {
    static Poco::Net::Context::Ptr ctx = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, "", "", "",
                                                                Poco::Net::Context::VERIFY_RELAXED, 9, true);
    return ctx;
}

constexpr std::size_t kMaxBody = 8 << 20;  // exchangeInfo for every symbol is ~2 MB; more means trouble

}  // namespace

std::string HttpReply::header(const std::string& name) const {
    const auto it = headers.find(Poco::toLower(name));
    return it == headers.end() ? "" : it->second;
}

HttpTransport::HttpTransport(const std::string& baseUrl, std::chrono::milliseconds timeout) : _timeout(timeout) {
    const Poco::URI uri(baseUrl);
    _scheme = uri.getScheme();
    if (_scheme != "http" && _scheme != "https")
        throw std::invalid_argument("REST URL must start with http:// or https://");
    _host = uri.getHost();
    _port = uri.getPort();
}

HttpTransport::~HttpTransport() = default;

void HttpTransport::connect() {
    if (_scheme == "https")
        _session = std::make_unique<Poco::Net::HTTPSClientSession>(_host, _port, tlsContext());
    else
        _session = std::make_unique<Poco::Net::HTTPClientSession>(_host, _port);
    const auto us = std::chrono::duration_cast<std::chrono::microseconds>(_timeout).count();
    _session->setTimeout(Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(us)));
    _session->setKeepAlive(true);
}

HttpReply HttpTransport::send(const std::string& method, const std::string& pathAndQuery, const std::string& body,
                              const std::vector<std::pair<std::string, std::string>>& headers) {
    std::lock_guard lock(_mutex);
    if (!_session) connect();
    Poco::Net::HTTPRequest request(method, pathAndQuery, Poco::Net::HTTPMessage::HTTP_1_1);
    for (const auto& [k, v] : headers)
        request.set(k, v);
    if (!body.empty()) {
        request.setContentType("application/x-www-form-urlencoded");
        request.setContentLength(static_cast<std::streamsize>(body.size()));
    } else if (method != "GET") {
        request.setContentLength(0);
    }
    bool sent = false;
    try {
        // Poco connects inside sendRequest; once it returns, bytes are on the way.
        std::ostream& out = _session->sendRequest(request);
        sent = true;
        out << body;
        Poco::Net::HTTPResponse response;
        std::istream& in = _session->receiveResponse(response);
        HttpReply reply;
        reply.status = static_cast<int>(response.getStatus());
        for (const auto& [k, v] : response)
            reply.headers[Poco::toLower(k)] = v;
        std::string chunk(64 * 1024, '\0');
        while (in) {
            in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
            reply.body.append(chunk.data(), static_cast<std::size_t>(in.gcount()));
            if (reply.body.size() > kMaxBody) throw TransportError("reply larger than 8 MB", true);
        }
        if (!response.getKeepAlive()) _session.reset();
        return reply;
    } catch (const TransportError&) {
        _session.reset();
        throw;
    } catch (const Poco::Exception& e) {
        _session.reset();  // a broken connection is never reused
        throw TransportError(e.displayText(), sent);
    } catch (const std::exception& e) {
        _session.reset();
        throw TransportError(e.what(), sent);
    }
}

}  // namespace bourse::venues::binance
