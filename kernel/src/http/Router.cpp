#include "http/Router.h"

#include "http/HttpError.h"
#include "log/Log.h"
#include "metrics/Metrics.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/NumberParser.h>
#include <Poco/StringTokenizer.h>
#include <Poco/URI.h>

#include <chrono>
#include <sstream>

namespace bourse {

namespace {

constexpr std::streamsize kMaxBodyBytes = 1 << 20;
constexpr std::streamsize kDrainLimitBytes = 8 << 20;

std::vector<std::string> splitPath(const std::string& path) {
    std::vector<std::string> out;
    Poco::StringTokenizer t(path, "/", Poco::StringTokenizer::TOK_IGNORE_EMPTY);
    for (const auto& s : t)
        out.push_back(s);
    return out;
}

class DispatchHandler : public Poco::Net::HTTPRequestHandler {
public:
    explicit DispatchHandler(Router& r) : _router(r) {}
    void handleRequest(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) override {
        _router.handle(req, resp);
    }

private:
    Router& _router;
};

class Factory : public Poco::Net::HTTPRequestHandlerFactory {
public:
    explicit Factory(Router& r) : _router(r) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
        return new DispatchHandler(_router);
    }

private:
    Router& _router;
};

}  // namespace

std::string Request::query(const std::string& name, const std::string& fallback) const {
    const Poco::URI uri(http.getURI());
    for (const auto& [k, v] : uri.getQueryParameters())
        if (k == name) return v;
    return fallback;
}

int Request::limit(int fallback, int max) const {
    int value = fallback;
    if (!Poco::NumberParser::tryParse(query("limit", std::to_string(fallback)), value) || value < 1 || value > max)
        throw HttpError::badRequest("limit must be between 1 and " + std::to_string(max), "limit");
    return value;
}

std::string Request::rawBody(std::streamsize maxBytes) const {
    const std::string limit =
        maxBytes % (1 << 20) == 0 ? std::to_string(maxBytes >> 20) + " MiB" : std::to_string(maxBytes) + " bytes";
    if (http.getContentLength() > maxBytes) {
        // Read (and drop) a bounded amount first: closing on unread data makes TCP
        // reset the connection, and the client would never see the 413.
        if (http.getContentLength() <= kDrainLimitBytes) http.stream().ignore(http.getContentLength());
        response.setKeepAlive(false);
        throw HttpError(413, "Payload Too Large", "the request body exceeds " + limit);
    }
    std::string body;
    char buf[8192];
    std::istream& in = http.stream();
    while (in.read(buf, sizeof buf) || in.gcount() > 0) {
        body.append(buf, static_cast<std::size_t>(in.gcount()));
        if (static_cast<std::streamsize>(body.size()) > maxBytes) {
            response.setKeepAlive(false);
            throw HttpError(413, "Payload Too Large", "the request body exceeds " + limit);
        }
    }
    return body;
}

Poco::JSON::Object Request::jsonBody() const {
    const std::string type = http.getContentType();
    if (type.rfind("application/json", 0) != 0)
        throw HttpError(415, "Unsupported Media Type", "the request body must be application/json");
    const std::string body = rawBody(kMaxBodyBytes);
    if (body.empty()) return Poco::JSON::Object();
    try {
        Poco::JSON::Parser parser;
        const Poco::Dynamic::Var v = parser.parse(body);
        const auto obj = v.extract<Poco::JSON::Object::Ptr>();
        if (!obj) throw HttpError::badRequest("the request body must be a JSON object");
        return *obj;
    } catch (const HttpError&) {
        throw;
    } catch (const Poco::BadCastException&) {
        throw HttpError::badRequest("the request body must be a JSON object");
    } catch (const Poco::Exception& e) {
        throw HttpError::badRequest("malformed JSON: " + e.message());
    }
}

Router::Router(Metrics& metrics)
    : _metrics(metrics), _latency(metrics.histogram("bourse_http_request_duration_seconds", "HTTP request latency")) {
    _fallback = [](Request&) { throw HttpError::notFound("no such resource"); };
}

void Router::add(const std::string& method, const std::string& pattern, Handler handler) {
    _routes.push_back(Route{method, splitPath(pattern), pattern, std::move(handler)});
}

void Router::setFallback(Handler handler) {
    _fallback = std::move(handler);
}

void Router::handle(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) {
    const auto started = std::chrono::steady_clock::now();
    const std::vector<std::string> segments = splitPath(Poco::URI(req.getURI()).getPath());
    const Route* match = nullptr;
    bool pathMatched = false;
    std::map<std::string, std::string> params;
    for (const Route& r : _routes) {
        if (r.segments.size() != segments.size()) continue;
        std::map<std::string, std::string> p;
        bool ok = true;
        for (std::size_t i = 0; i < segments.size() && ok; ++i) {
            const std::string& s = r.segments[i];
            if (s.size() > 2 && s.front() == '{' && s.back() == '}')
                p[s.substr(1, s.size() - 2)] = segments[i];
            else
                ok = s == segments[i];
        }
        if (!ok) continue;
        pathMatched = true;
        if (r.method == req.getMethod()) {
            match = &r;
            params = std::move(p);
            break;
        }
    }
    std::string routeLabel = match ? match->pattern : (pathMatched ? "method_not_allowed" : "fallback");
    try {
        if (match) {
            Request request(req, resp, std::move(params));
            match->handler(request);
        } else if (pathMatched) {
            throw HttpError(405, "Method Not Allowed", req.getMethod() + " is not allowed here");
        } else {
            Request request(req, resp, {});
            _fallback(request);
        }
    } catch (const HttpError& e) {
        if (!resp.sent()) sendProblem(resp, e.status(), e.title(), e.what(), e.field());
    } catch (const std::exception& e) {
        log::error("http", "unhandled error", {{"route", routeLabel}, {"error", e.what()}});
        if (!resp.sent()) sendProblem(resp, 500, "Internal Server Error", "the server failed to handle the request");
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    _latency.observe(seconds);
    _metrics
        .counter("bourse_http_requests_total", "HTTP requests by status",
                 "status=\"" + std::to_string(static_cast<int>(resp.getStatus())) + "\"")
        .inc();
}

Poco::Net::HTTPRequestHandlerFactory::Ptr Router::factory() {
    return new Factory(*this);
}

void sendJson(Poco::Net::HTTPServerResponse& resp, int status, const std::string& json) {
    resp.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
    resp.setContentType("application/json");
    resp.set("Cache-Control", "no-store");
    resp.setContentLength(static_cast<std::streamsize>(json.size()));
    resp.send() << json;
}

void sendProblem(Poco::Net::HTTPServerResponse& resp, int status, const std::string& title, const std::string& detail,
                 const std::string& field) {
    Poco::JSON::Object o;
    o.set("type", "about:blank");
    o.set("title", title);
    o.set("status", status);
    o.set("detail", detail);
    if (!field.empty()) o.set("field", field);
    const std::string body = toJson(o);
    resp.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
    resp.setContentType("application/problem+json");
    resp.set("Cache-Control", "no-store");
    resp.setContentLength(static_cast<std::streamsize>(body.size()));
    resp.send() << body;
}

std::string toJson(const Poco::JSON::Object& o) {
    std::ostringstream s;
    o.stringify(s);
    return s.str();
}

}  // namespace bourse
