// Identity verification (see kyc/KycService.h):
//   GET  /api/v1/kyc                          status, rules, the newest case and its documents
//   POST /api/v1/kyc/start {country?}         opens a case with the provider
//   POST /api/v1/kyc/documents?type=passport  the file as the raw body (JPEG, PNG or PDF)
// Operator:
//   GET  /api/v1/admin/kyc[?status=pending]   GET /api/v1/admin/kyc/{id}
//   GET  /api/v1/admin/kyc/{id}/documents/{doc}   the file (operators only, never cached)
//   POST /api/v1/admin/kyc/{id}/approve       POST /api/v1/admin/kyc/{id}/reject {reason}
#include "accounts/AccountService.h"
#include "api/Auth.h"
#include "api/Routes.h"
#include "app/Kernel.h"
#include "config/Config.h"
#include "http/HttpError.h"
#include "http/JsonBody.h"
#include "http/Router.h"
#include "kyc/KycService.h"
#include "storage/AuditLog.h"

#include <Poco/JSON/Array.h>

namespace bourse {

namespace {

Poco::JSON::Object caseJson(const KycCase& c, bool forOperator) {
    Poco::JSON::Object o;
    o.set("id", c.id);
    o.set("provider", c.provider);
    o.set("status", c.status);
    if (!c.reason.empty()) o.set("reason", c.reason);
    o.set("created_at", c.createdNs / 1'000'000);
    o.set("updated_at", c.updatedNs / 1'000'000);
    if (forOperator) {
        o.set("user_id", c.userId);
        o.set("session_id", c.sessionId);
        if (!c.reviewedBy.empty()) o.set("reviewed_by", c.reviewedBy);
    }
    Poco::JSON::Array docs;
    for (const auto& d : c.documents) {
        Poco::JSON::Object x;
        x.set("id", d.id);
        x.set("type", d.type);
        x.set("content_type", d.contentType);
        x.set("size_bytes", d.sizeBytes);
        x.set("sha256", d.sha256);
        x.set("uploaded_at", d.createdNs / 1'000'000);
        docs.add(x);
    }
    o.set("documents", docs);
    return o;
}

}  // namespace

void addKycRoutes(Router& router, Kernel& kernel) {
    router.add("GET", "/api/v1/kyc", [&kernel](Request& r) {
        const Caller c = requireUser(r, kernel);
        const KycConfig& k = kernel.config().kyc;
        Poco::JSON::Object body;
        body.set("status", kernel.kyc().status(c.userId));
        body.set("provider", k.provider.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(k.provider));
        Poco::JSON::Array requiredFor, types;
        for (const auto& a : k.requiredFor)
            requiredFor.add(a);
        for (const auto& t : k.documentTypes)
            types.add(t);
        body.set("required_for", requiredFor);
        body.set("document_types", types);
        body.set("max_document_bytes", k.maxDocumentBytes);
        body.set("max_documents", k.maxDocuments);
        if (auto latest = kernel.kyc().latestCase(c.userId)) body.set("case", caseJson(*latest, false));
        sendJson(r.response, 200, toJson(body));
    });

    router.add("POST", "/api/v1/kyc/start", [&kernel](Request& r) {
        const Caller c = requireUser(r, kernel);
        const auto body = r.jsonBody();
        const JsonBody b(body, {"country"});
        const std::string country = b.optString("country", 2).value_or("");
        const auto user = kernel.accounts().find(c.userId);
        if (!user) throw HttpError(401, "Unauthorized", "the account no longer exists");
        const KycStart started = kernel.kyc().start(c.userId, user->email, user->name, country);
        sendJson(r.response, 200,
                 R"({"case":)" + toJson(caseJson(started.kycCase, false)) + R"(,"provider":)" +
                     started.providerReplyJson + "}");
    });

    router.add("POST", "/api/v1/kyc/documents", [&kernel](Request& r) {
        const Caller c = requireUser(r, kernel);
        const std::string type = r.query("type");
        if (type.empty()) throw HttpError::badRequest("type: is required (query parameter)", "type");
        const std::string bytes = r.rawBody(kernel.config().kyc.maxDocumentBytes);
        const KycDocument d = kernel.kyc().upload(c.userId, type, bytes);
        Poco::JSON::Object o;
        o.set("id", d.id);
        o.set("type", d.type);
        o.set("content_type", d.contentType);
        o.set("size_bytes", d.sizeBytes);
        o.set("sha256", d.sha256);
        sendJson(r.response, 201, toJson(o));
    });

    router.add("GET", "/api/v1/admin/kyc", [&kernel](Request& r) {
        (void)requireOperator(r, kernel);
        const std::string status = r.query("status");
        if (!status.empty() && status != "pending" && status != "approved" && status != "rejected")
            throw HttpError::badRequest("status: one of pending, approved, rejected", "status");
        Poco::JSON::Array items;
        for (const auto& c : kernel.kyc().cases(status, r.limit(50, 200)))
            items.add(caseJson(c, true));
        Poco::JSON::Object body;
        body.set("cases", items);
        sendJson(r.response, 200, toJson(body));
    });

    router.add("GET", "/api/v1/admin/kyc/{id}", [&kernel](Request& r) {
        (void)requireOperator(r, kernel);
        sendJson(r.response, 200, toJson(caseJson(kernel.kyc().kycCase(r.param("id")), true)));
    });

    router.add("GET", "/api/v1/admin/kyc/{id}/documents/{doc}", [&kernel](Request& r) {
        const std::string actor = requireOperator(r, kernel);
        const auto [bytes, type] = kernel.kyc().document(r.param("id"), r.param("doc"));
        kernel.audit().record(actor, "kyc.document_viewed", r.param("doc"), r.param("id"));
        r.response.setStatus(Poco::Net::HTTPResponse::HTTP_OK);
        r.response.setContentType(type);
        r.response.set("Cache-Control", "no-store");
        r.response.set("X-Content-Type-Options", "nosniff");
        r.response.set("Content-Disposition", "attachment; filename=\"" + r.param("doc") + "\"");
        r.response.setContentLength(static_cast<std::streamsize>(bytes.size()));
        r.response.send().write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    });

    for (const char* action : {"approve", "reject"}) {
        router.add("POST", std::string("/api/v1/admin/kyc/{id}/") + action,
                   [&kernel, approve = std::string(action) == "approve"](Request& r) {
                       const std::string actor = requireOperator(r, kernel);
                       std::string reason;
                       if (!approve) {
                           const auto body = r.jsonBody();
                           const JsonBody b(body, {"reason"});
                           reason = b.string("reason", 500);
                       }
                       const KycCase c = kernel.kyc().decide(actor, r.param("id"), approve, reason);
                       sendJson(r.response, 200, toJson(caseJson(c, true)));
                   });
    }
}

}  // namespace bourse
