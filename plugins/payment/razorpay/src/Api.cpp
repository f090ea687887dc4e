#include "Api.h"

#include "Entities.h"

#include <Poco/Base64Encoder.h>

#include <sstream>

namespace bourse::razorpay {

namespace {

std::string basic(const std::string& user, const std::string& password) {
    std::ostringstream out;
    Poco::Base64Encoder encoder(out);
    encoder.rdbuf()->setLineLength(0);  // one header line, whatever the length
    encoder << user << ':' << password;
    encoder.close();
    return "Basic " + out.str();
}

}  // namespace

Api::Api(Host& host, const RazorpayConfig& config, const std::string& keySecret)
    : _host(host), _config(config), _authorization(basic(config.keyId, keySecret)) {}

void Api::get(const std::string& path, const std::string& what, const SharedReply& reply, OnObject ok,
              OnError onError) {
    HttpRequest r;
    r.method = "GET";
    r.url = _config.apiUrl + path;
    send(std::move(r), what, reply, std::move(ok), std::move(onError));
}

void Api::post(const std::string& path, const std::string& body, const std::string& what, const SharedReply& reply,
               OnObject ok, OnError onError, std::vector<Header> headers) {
    HttpRequest r;
    r.method = "POST";
    r.url = _config.apiUrl + path;
    r.body = body;
    r.headers = std::move(headers);
    r.headers.emplace_back("Content-Type", "application/json");
    send(std::move(r), what, reply, std::move(ok), std::move(onError));
}

void Api::send(HttpRequest request, const std::string& what, const SharedReply& reply, OnObject ok, OnError onError) {
    request.headers.emplace_back("Authorization", _authorization);
    request.headers.emplace_back("Accept", "application/json");
    request.timeout = std::chrono::milliseconds(_config.requestTimeoutMs);
    const std::string line = request.method + " " + request.url.substr(_config.apiUrl.size());
    _host.http(request, [this, what, line, reply, ok = std::move(ok),
                         onError = std::move(onError)](const HttpResponse& response) {
        guarded(reply, [&] {
            _host.log(BOURSE_LOG_DEBUG, "razorpay: " + line + " -> " + std::to_string(response.status));
            Poco::JSON::Object::Ptr object;
            try {
                object = judge(response, what);
            } catch (const Error& e) {
                if (onError && onError(e, apiErrorOf(response.status, response.body))) return;
                throw;
            }
            ok(object);
        });
    });
}

void Api::guarded(const SharedReply& reply, const std::function<void()>& fn) const {
    try {
        fn();
    } catch (const Error& e) {
        const bourse_log_level level = e.status() == BOURSE_E_CONFIG        ? BOURSE_LOG_ERROR
                                       : e.status() == BOURSE_E_UNAVAILABLE ? BOURSE_LOG_WARN
                                                                            : BOURSE_LOG_INFO;
        _host.log(level, e.what());
        reply->fail(e.status(), e.what());
    } catch (const MalformedEntity& e) {
        const std::string message = std::string("upstream: razorpay sent a malformed object: ") + e.what();
        _host.warn(message);
        reply->fail(BOURSE_E_UNAVAILABLE, message);
    } catch (const std::exception& e) {
        reply->fail(BOURSE_E_INTERNAL, std::string("internal: ") + e.what());
    }
}

}  // namespace bourse::razorpay
