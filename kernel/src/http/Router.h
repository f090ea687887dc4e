//
// Router.h — maps "METHOD /path/{param}" to handlers and runs them with uniform
// error handling: an HttpError becomes problem+json with its status; anything
// else becomes a 500 problem whose detail never leaks internals. Also records
// request counts and latency in the metrics.
//
#pragma once

#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace Poco::JSON {
class Object;
}

namespace bourse {

class Metrics;
class Histogram;

/// One request as handlers see it.
class Request {
public:
    Request(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp,
            std::map<std::string, std::string> params)
        : http(req), response(resp), _params(std::move(params)) {}

    Poco::Net::HTTPServerRequest& http;
    Poco::Net::HTTPServerResponse& response;

    /// Path parameter ({name} in the route).
    [[nodiscard]] const std::string& param(const std::string& name) const { return _params.at(name); }
    /// Query parameter or fallback.
    [[nodiscard]] std::string query(const std::string& name, const std::string& fallback = "") const;
    /// The `limit` query parameter (fallback when absent); HttpError 400 outside 1..max.
    [[nodiscard]] int limit(int fallback, int max) const;
    /// The body exactly as sent (webhooks verify signatures over these bytes);
    /// HttpError 413 above maxBytes.
    [[nodiscard]] std::string rawBody(std::streamsize maxBytes) const;
    /// Body parsed as a JSON object (max 1 MiB); HttpError 400/413/415 otherwise.
    [[nodiscard]] Poco::JSON::Object jsonBody() const;

private:
    std::map<std::string, std::string> _params;
};

using Handler = std::function<void(Request&)>;

class Router {
public:
    explicit Router(Metrics& metrics);

    void add(const std::string& method, const std::string& pattern, Handler handler);
    /// Handler for requests no route matches (e.g. static files); default 404.
    void setFallback(Handler handler);

    /// Dispatches one request (called on an HTTP server thread).
    void handle(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp);

    /// A Poco factory whose handlers call handle().
    Poco::Net::HTTPRequestHandlerFactory::Ptr factory();

private:
    struct Route {
        std::string method;
        std::vector<std::string> segments;  // "{x}" marks a parameter
        std::string pattern;
        Handler handler;
    };
    Metrics& _metrics;
    Histogram& _latency;  ///< looked up once: handle() runs on every request
    std::vector<Route> _routes;
    Handler _fallback;
};

/// Writes a JSON body (already serialised) with the status.
void sendJson(Poco::Net::HTTPServerResponse& resp, int status, const std::string& json);
/// Writes an application/problem+json body.
void sendProblem(Poco::Net::HTTPServerResponse& resp, int status, const std::string& title, const std::string& detail,
                 const std::string& field = "");
/// Serialises a Poco JSON value.
std::string toJson(const Poco::JSON::Object& o);

}  // namespace bourse
