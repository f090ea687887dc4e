#include "plugins/HttpClient.h"

#include "metrics/Metrics.h"

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/URI.h>

#include <algorithm>

#include <memory>

namespace bourse {

namespace {

constexpr std::size_t kMaxResponseBytes = 16 << 20;  // a plugin never needs more; protects the kernel

}  // namespace

Poco::Net::Context::Ptr HttpClient::tlsContext() {
    // Verify peers against the system CA store; no client certificate.
    static Poco::Net::Context::Ptr ctx = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, "", "", "",
                                                                Poco::Net::Context::VERIFY_RELAXED, 9, true);
    return ctx;
}

HttpClient::HttpClient(Metrics& metrics, int workers)
    : _requests(metrics.counter("bourse_outbound_http_requests_total", "Outbound HTTP requests made for plugins")),
      _failures(metrics.counter("bourse_outbound_http_failures_total", "Outbound HTTP requests without a response")),
      _perOwner(static_cast<std::size_t>(std::max(1, workers - 1))) {
    for (int i = 0; i < workers; ++i)
        _workers.emplace_back([this] { work(); });
}

HttpClient::~HttpClient() {
    stop();
}

void HttpClient::stop() {
    {
        std::lock_guard lock(_mutex);
        if (_stopping) return;
        _stopping = true;
    }
    _wake.notify_all();
    for (auto& t : _workers)
        t.join();
    // Requests never started still get their one completion.
    for (auto& job : _queue)
        job.done(OutboundResponse{0, {}, {}, "cancelled: kernel stopping"});
    _queue.clear();
}

void HttpClient::submit(OutboundRequest request, Done done, std::string owner) {
    {
        std::lock_guard lock(_mutex);
        if (!_stopping) {
            _queue.push_back(Job{std::move(request), std::move(done), std::move(owner)});
            _wake.notify_all();  // the worker woken must be able to start it: wake all, cheaply few
            return;
        }
    }
    done(OutboundResponse{0, {}, {}, "cancelled: kernel stopping"});
}

std::deque<HttpClient::Job>::iterator HttpClient::nextStartable() {
    return std::find_if(_queue.begin(), _queue.end(), [&](const Job& j) {
        const auto it = _running.find(j.owner);
        return it == _running.end() || it->second < _perOwner;
    });
}

void HttpClient::work() {
    while (true) {
        Job job;
        {
            std::unique_lock lock(_mutex);
            auto next = _queue.end();
            _wake.wait(lock, [&] { return _stopping || (next = nextStartable()) != _queue.end(); });
            if (_stopping) return;
            job = std::move(*next);
            _queue.erase(next);
            ++_running[job.owner];
        }
        _requests.inc();
        OutboundResponse r = perform(job.request);
        if (r.status == 0) _failures.inc();
        job.done(r);
        {
            std::lock_guard lock(_mutex);
            if (--_running[job.owner] == 0) _running.erase(job.owner);
        }
        _wake.notify_all();  // a job of that owner may be startable now
    }
}

OutboundResponse HttpClient::perform(const OutboundRequest& req) {
    OutboundResponse out;
    try {
        const Poco::URI uri(req.url);
        std::unique_ptr<Poco::Net::HTTPClientSession> session;
        if (uri.getScheme() == "https")
            session = std::make_unique<Poco::Net::HTTPSClientSession>(uri.getHost(), uri.getPort(), tlsContext());
        else if (uri.getScheme() == "http")
            session = std::make_unique<Poco::Net::HTTPClientSession>(uri.getHost(), uri.getPort());
        else
            return OutboundResponse{0, {}, {}, "invalid: unsupported URL scheme '" + uri.getScheme() + "'"};
        session->setTimeout(Poco::Timespan(static_cast<long>(req.timeoutMs) * 1000));

        Poco::Net::HTTPRequest request(req.method, uri.getPathAndQuery(), Poco::Net::HTTPMessage::HTTP_1_1);
        for (const auto& [k, v] : req.headers)
            request.set(k, v);
        if (!req.body.empty() || req.method == "POST" || req.method == "PUT")
            request.setContentLength(static_cast<std::streamsize>(req.body.size()));
        session->sendRequest(request) << req.body;

        Poco::Net::HTTPResponse response;
        std::istream& in = session->receiveResponse(response);
        out.status = static_cast<int>(response.getStatus());
        for (const auto& [k, v] : response)
            out.headers.emplace_back(k, v);
        char buf[8192];
        while (in.read(buf, sizeof buf) || in.gcount() > 0) {
            out.body.append(buf, static_cast<std::size_t>(in.gcount()));
            if (out.body.size() > kMaxResponseBytes) return OutboundResponse{0, {}, {}, "upstream: response too large"};
        }
    } catch (const Poco::Exception& e) {
        return OutboundResponse{0, {}, {}, "upstream: " + e.displayText()};
    } catch (const std::exception& e) {
        return OutboundResponse{0, {}, {}, std::string("upstream: ") + e.what()};
    }
    return out;
}

}  // namespace bourse
