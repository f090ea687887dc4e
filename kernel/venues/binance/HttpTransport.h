//
// HttpTransport.h — one keep-alive HTTP(S) connection to Binance's REST base URL.
//
// Sends a request and returns status, body and the headers the client reads
// (Retry-After, X-MBX-USED-WEIGHT-1M, X-MBX-ORDER-COUNT-*). https:// verifies the
// server against the system CA store; http:// is for the local fake.
//
// Errors: send() throws TransportError when no reply arrived; `sent` says whether
// the request may have reached the server (false only when connecting failed), which
// decides between "nothing happened" and "outcome unknown" for orders.
// Threading: calls are serialised on one connection (a mutex); each blocks for at
// most the timeout. Logs nothing: URLs here carry signed queries.
//
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace Poco::Net {
class HTTPClientSession;
}

namespace bourse::venues::binance {

struct TransportError : std::runtime_error {
    TransportError(const std::string& what, bool wasSent) : std::runtime_error(what), sent(wasSent) {}
    bool sent;
};

struct HttpReply {
    int status = 0;
    std::string body;
    std::map<std::string, std::string> headers;  ///< names lower-cased

    /// The header's value, "" when absent (name in any case).
    [[nodiscard]] std::string header(const std::string& name) const;
};

class HttpTransport {
public:
    /// baseUrl: "https://testnet.binance.vision" or "http://127.0.0.1:PORT" (no path).
    /// Throws std::invalid_argument for another scheme.
    HttpTransport(const std::string& baseUrl, std::chrono::milliseconds timeout);
    ~HttpTransport();
    HttpTransport(const HttpTransport&) = delete;
    HttpTransport& operator=(const HttpTransport&) = delete;

    /// method "GET"|"POST"|"DELETE"; pathAndQuery "/api/v3/order?..."; body sent as
    /// application/x-www-form-urlencoded when not empty.
    HttpReply send(const std::string& method, const std::string& pathAndQuery, const std::string& body,
                   const std::vector<std::pair<std::string, std::string>>& headers);

private:
    void connect();

    std::string _scheme, _host;
    unsigned short _port = 0;
    std::chrono::milliseconds _timeout;
    std::mutex _mutex;
    std::unique_ptr<Poco::Net::HTTPClientSession> _session;
};

}  // namespace bourse::venues::binance
