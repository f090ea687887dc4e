// /healthz (the process answers), /readyz (database reachable and every enabled
// plugin running), /metrics (Prometheus text format) and the OpenAPI document.
#include "api/Routes.h"
#include "app/Kernel.h"
#include "http/Router.h"
#include "metrics/Metrics.h"
#include "plugins/PluginManager.h"
#include "storage/Database.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

using namespace Poco::Data::Keywords;

namespace bourse {

namespace resources {
extern const std::string_view kOpenApiJson;
}

void addHealthRoutes(Router& router, Kernel& kernel) {
    router.add("GET", "/healthz", [](Request& r) { sendJson(r.response, 200, R"({"status":"ok"})"); });

    router.add("GET", "/readyz", [&kernel](Request& r) {
        Poco::JSON::Object o;
        bool ready = true;
        try {
            Poco::Data::Session s = kernel.database().session();
            int one = 0;
            s << "SELECT 1", into(one), now;
            o.set("database", "ok");
        } catch (const std::exception& e) {
            ready = false;
            o.set("database", "unavailable");
        }
        Poco::JSON::Array failing;
        for (const auto& p : kernel.plugins().list())
            if (p.enabled && p.state != "running") failing.add(p.id);
        if (failing.size() > 0) ready = false;
        o.set("failing_plugins", failing);
        o.set("status", ready ? "ready" : "not_ready");
        sendJson(r.response, ready ? 200 : 503, toJson(o));
    });

    router.add("GET", "/api/v1/openapi.json",
               [](Request& r) { sendJson(r.response, 200, std::string(resources::kOpenApiJson)); });

    router.add("GET", "/metrics", [&kernel](Request& r) {
        const std::string body = kernel.metrics().render();
        r.response.setStatus(Poco::Net::HTTPResponse::HTTP_OK);
        r.response.setContentType("text/plain; version=0.0.4; charset=utf-8");
        r.response.setContentLength(static_cast<std::streamsize>(body.size()));
        r.response.send() << body;
    });
}

}  // namespace bourse
