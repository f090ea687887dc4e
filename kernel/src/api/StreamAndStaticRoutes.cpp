// GET /api/v1/stream (WebSocket upgrade, handed to the StreamHub) and the
// admin-ui's static files for every path no API route claims.
#include "api/Routes.h"
#include "app/Kernel.h"
#include "http/HttpError.h"
#include "http/Router.h"
#include "stream/StreamHub.h"

#include <Poco/File.h>
#include <Poco/Path.h>
#include <Poco/URI.h>

#include <fstream>
#include <map>
#include <sstream>

namespace bourse {

namespace {

std::string contentType(const std::string& ext) {
    static const std::map<std::string, std::string> types = {{"html", "text/html; charset=utf-8"},
                                                             {"js", "text/javascript; charset=utf-8"},
                                                             {"css", "text/css; charset=utf-8"},
                                                             {"json", "application/json"},
                                                             {"svg", "image/svg+xml"},
                                                             {"png", "image/png"},
                                                             {"ico", "image/x-icon"},
                                                             {"woff2", "font/woff2"},
                                                             {"map", "application/json"},
                                                             {"txt", "text/plain; charset=utf-8"}};
    const auto it = types.find(ext);
    return it == types.end() ? "application/octet-stream" : it->second;
}

}  // namespace

void addStreamRoute(Router& router, Kernel& kernel) {
    router.add("GET", "/api/v1/stream", [&kernel](Request& r) { kernel.stream().accept(r.http, r.response); });
}

namespace {

/// The pages' Content-Security-Policy: our own origin, plus the checkout origins
/// of enabled payment gateways (for their scripts, frames and requests).
std::string contentSecurityPolicy(const Config& config) {
    std::string extra;
    for (const auto& p : config.plugins)
        if (p.enabled)
            for (const auto& origin : p.checkoutOrigins)
                if (extra.find(" " + origin) == std::string::npos) extra += " " + origin;
    return "default-src 'self'; script-src 'self'" + extra + "; connect-src 'self' ws: wss:" + extra +
           "; frame-src 'self'" + extra + "; img-src 'self' data: blob:" + extra +
           "; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";
}

}  // namespace

void addStaticFiles(Router& router, Kernel& kernel) {
    router.setFallback([&kernel, policy = contentSecurityPolicy(kernel.config())](Request& r) {
        const std::string& root = kernel.config().server.staticDir;
        std::string path = Poco::URI(r.http.getURI()).getPath();
        if (root.empty() || path.rfind("/api/", 0) == 0) throw HttpError::notFound("no such resource");
        if (r.http.getMethod() != "GET" && r.http.getMethod() != "HEAD")
            throw HttpError(405, "Method Not Allowed", "static files answer GET and HEAD only");
        if (path.find("..") != std::string::npos) throw HttpError::notFound("no such resource");
        // Single-page app: "/", "/admin" and other routes without a file extension get their HTML shell.
        if (path == "/" || path.empty()) path = "/index.html";
        Poco::Path file(Poco::Path(root).makeDirectory(), path.substr(1));
        if (file.getExtension().empty())
            file = Poco::Path(Poco::Path(root).makeDirectory(),
                              path.rfind("/admin", 0) == 0 ? "admin.html" : "index.html");
        Poco::File f(file);
        if (!f.exists() || !f.isFile()) {
            if (file.getFileName() == "admin.html") file = Poco::Path(Poco::Path(root).makeDirectory(), "index.html");
            f = Poco::File(file);
            if (!f.exists() || !f.isFile()) throw HttpError::notFound("no such file");
        }
        std::ifstream in(file.toString(), std::ios::binary);
        std::stringstream body;
        body << in.rdbuf();
        const std::string data = body.str();
        r.response.setStatus(Poco::Net::HTTPResponse::HTTP_OK);
        r.response.setContentType(contentType(file.getExtension()));
        // Hashed build assets never change; HTML must always be revalidated.
        const bool immutable = path.rfind("/assets/", 0) == 0;
        r.response.set("Cache-Control", immutable ? "public, max-age=31536000, immutable" : "no-cache");
        r.response.set("X-Content-Type-Options", "nosniff");
        if (file.getExtension() == "html") {
            // The app loads nothing from any other host but the checkouts of the
            // payment gateways configured for it, so the policy can say so.
            r.response.set("Content-Security-Policy", policy);
            r.response.set("Referrer-Policy", "no-referrer");
            r.response.set("X-Frame-Options", "DENY");
        }
        r.response.setContentLength(static_cast<std::streamsize>(data.size()));
        if (r.http.getMethod() == "HEAD")
            r.response.send();
        else
            r.response.send() << data;
    });
}

}  // namespace bourse
