#include "stripe/WebhookSink.h"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>
#include <Poco/String.h>

#include <condition_variable>
#include <mutex>

namespace bourse::fakes {

std::string ReceivedWebhook::header(const std::string& name) const {
    for (const auto& [k, v] : headers)
        if (Poco::icompare(k, name) == 0) return v;
    return "";
}

class WebhookSink::Impl {
public:
    Impl() : socket(Poco::Net::SocketAddress("127.0.0.1", 0)), port(socket.address().port()) {
        server = std::make_unique<Poco::Net::HTTPServer>(new Factory(*this), socket, new Poco::Net::HTTPServerParams);
        server->start();
    }
    ~Impl() { server->stopAll(true); }

    void handle(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) {
        ReceivedWebhook w;
        w.method = req.getMethod();
        w.path = req.getURI();
        for (const auto& [k, v] : req)
            w.headers.emplace_back(k, v);
        Poco::StreamCopier::copyToString(req.stream(), w.body);
        int reply;
        {
            std::lock_guard lock(mutex);
            got.push_back(std::move(w));
            reply = status;
        }
        changed.notify_all();
        resp.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(reply));
        resp.setContentLength(0);
        resp.send();
    }

    class Handler : public Poco::Net::HTTPRequestHandler {
    public:
        explicit Handler(Impl& impl) : _impl(impl) {}
        void handleRequest(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) override {
            _impl.handle(req, resp);
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

    Poco::Net::ServerSocket socket;
    std::uint16_t port;
    mutable std::mutex mutex;
    mutable std::condition_variable changed;
    std::vector<ReceivedWebhook> got;
    int status = 200;
    std::unique_ptr<Poco::Net::HTTPServer> server;  ///< last: stops first
};

WebhookSink::WebhookSink() : _impl(std::make_unique<Impl>()) {}
WebhookSink::~WebhookSink() = default;

std::string WebhookSink::url() const {
    return "http://127.0.0.1:" + std::to_string(_impl->port) + "/webhooks/stripe";
}
void WebhookSink::answer(int status) {
    std::lock_guard lock(_impl->mutex);
    _impl->status = status;
}
std::vector<ReceivedWebhook> WebhookSink::received() const {
    std::lock_guard lock(_impl->mutex);
    return _impl->got;
}
bool WebhookSink::waitFor(std::size_t count, std::chrono::milliseconds timeout) const {
    std::unique_lock lock(_impl->mutex);
    return _impl->changed.wait_for(lock, timeout, [&] { return _impl->got.size() >= count; });
}

}  // namespace bourse::fakes
