#include "kyc/KycService.h"

#include "config/Config.h"
#include "http/HttpError.h"
#include "log/Log.h"
#include "plugins/PluginInstance.h"
#include "plugins/PluginManager.h"
#include "storage/AuditLog.h"
#include "storage/CommitQueue.h"
#include "storage/Database.h"
#include "storage/PreparedSession.h"
#include "util/Clock.h"
#include "util/Ids.h"

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Statement.h>
#include <Poco/JSON/Parser.h>

#include <sstream>

using namespace Poco::Data::Keywords;

namespace bourse {

namespace {

const char* const kCaseColumns =
    "id, user_id, provider, session_id, status, reason, reviewed_by, created_ns, updated_ns";

std::string str(const Poco::Data::RecordSet& rs, std::size_t col, std::size_t row) {
    return rs.isNull(col, row) ? std::string() : rs.value(col, row).convert<std::string>();
}

std::vector<KycCase> readCases(Poco::Data::Session& s, const std::string& where, std::vector<std::string> texts,
                               int limit) {
    Poco::Data::Statement st(s);
    st << std::string("SELECT ") + kCaseColumns + " FROM kyc_cases WHERE " + where +
              " ORDER BY created_ns DESC LIMIT " + std::to_string(limit);
    for (auto& t : texts)
        st, use(t);
    st.execute();
    Poco::Data::RecordSet rs(st);
    std::vector<KycCase> out;
    for (std::size_t r = 0; r < rs.rowCount(); ++r) {
        KycCase c{str(rs, 0, r),
                  str(rs, 1, r),
                  str(rs, 2, r),
                  str(rs, 3, r),
                  str(rs, 4, r),
                  str(rs, 5, r),
                  str(rs, 6, r),
                  rs.value(7, r).convert<Poco::Int64>(),
                  rs.value(8, r).convert<Poco::Int64>(),
                  {}};
        out.push_back(std::move(c));
    }
    return out;
}

void loadDocuments(Poco::Data::Session& s, KycCase& c) {
    Poco::Data::Statement st(s);
    std::string id = c.id;
    st << "SELECT id, doc_type, content_type, size_bytes, sha256, stored_name, created_ns FROM kyc_documents "
          "WHERE case_id = $1 ORDER BY created_ns",
        use(id);
    st.execute();
    Poco::Data::RecordSet rs(st);
    for (std::size_t r = 0; r < rs.rowCount(); ++r)
        c.documents.push_back({str(rs, 0, r), c.id, c.userId, str(rs, 1, r), str(rs, 2, r), str(rs, 4, r),
                               str(rs, 5, r), rs.value(3, r).convert<Poco::Int64>(),
                               rs.value(6, r).convert<Poco::Int64>()});
}

/// users.kyc_status for a case status.
std::string userStatus(const std::string& caseStatus) {
    if (caseStatus == "approved") return "verified";
    if (caseStatus == "rejected") return "rejected";
    return "pending";
}

}  // namespace

KycService::KycService(Database& db, CommitQueue& commits, PluginManager& plugins, AuditLog& audit,
                       const Config& config, const Clock& clock)
    : _db(db),
      _commits(commits),
      _plugins(plugins),
      _audit(audit),
      _config(config),
      _clock(clock),
      _store(config.dataDir + "/kyc-documents") {}

std::string KycService::status(const std::string& userId) const {
    std::string status;
    _db.read([&](PreparedSession& r) {
        status = r.first<std::string>("SELECT kyc_status FROM users WHERE id = $1", userId).value_or("none");
    });
    return status;
}

std::optional<KycCase> KycService::latestCase(const std::string& userId) const {
    Poco::Data::Session s = _db.session();
    auto cases = readCases(s, "user_id = $1", {userId}, 1);
    if (cases.empty()) return std::nullopt;
    loadDocuments(s, cases.front());
    return cases.front();
}

KycStart KycService::start(const std::string& userId, const std::string& email, const std::string& name,
                           const std::string& country) {
    const std::string& provider = _config.kyc.provider;
    if (provider.empty()) throw HttpError(409, "Conflict", "no KYC provider is configured");
    if (status(userId) == "verified") throw HttpError(409, "Conflict", "your identity is already verified");
    // An open case is continued, not duplicated: the provider gets its session id
    // back (a vendor issues a fresh SDK token for it; the manual provider reuses it).
    const auto open = latestCase(userId);
    const bool continuing = open && open->status == "pending" && open->provider == provider;
    const auto instance = _plugins.instance(provider);
    if (!instance) throw HttpError(503, "Service Unavailable", "the KYC provider is not running now");
    bourse_kyc_request request{};
    request.struct_size = sizeof request;
    std::string metadata = "{}";
    if (continuing) {
        Poco::JSON::Object m;
        m.set("session_id", open->sessionId);
        std::ostringstream out;
        m.stringify(out);
        metadata = out.str();
    }
    request.user_ref = {userId.data(), userId.size()};
    request.email = {email.data(), email.size()};
    request.full_name = {name.data(), name.size()};
    request.country = {country.data(), country.size()};
    request.metadata_json = {metadata.data(), metadata.size()};
    const auto answer = awaitReply([&](auto done) { instance->startVerification(request, std::move(done)); },
                                  std::chrono::milliseconds(_config.payments.gatewayTimeoutMs));
    if (!answer) throw HttpError(503, "Service Unavailable", "the KYC provider did not answer in time");
    const auto& [s, json] = *answer;
    if (s != BOURSE_OK) {
        // The provider's own words reach the user only when they are about the request.
        if (s == BOURSE_E_INVALID || s == BOURSE_E_REJECTED)
            throw HttpError(422, "Unprocessable Content", "KYC provider: " + json);
        log::error("kyc", "start_verification failed", {{"provider", provider}, {"error", json}});
        throw HttpError(503, "Service Unavailable", "identity verification is unavailable right now; try again later");
    }
    Poco::JSON::Object::Ptr reply;
    try {
        reply = Poco::JSON::Parser().parse(json).extract<Poco::JSON::Object::Ptr>();
    } catch (const std::exception&) {
    }
    if (!reply || !reply->has("session_id"))
        throw HttpError(502, "Bad Gateway", "the KYC provider's answer has no session_id");
    const std::string session = reply->getValue<std::string>("session_id");
    std::string caseStatus = reply->optValue<std::string>("status", "pending");
    if (caseStatus != "approved" && caseStatus != "rejected") caseStatus = "pending";
    const std::string id = newId("kyc");
    const std::int64_t now = _clock.nowNs();
    _commits.run([&](PreparedSession& w) {
        w.exec(
            "INSERT INTO kyc_cases (id, user_id, provider, session_id, status, created_ns, updated_ns) "
            "VALUES ($1, $2, $3, $4, $5, $6, $6) ON CONFLICT (provider, session_id) DO UPDATE SET updated_ns = $6",
            id, userId, provider, session, caseStatus, Poco::Int64{now});
        w.exec("UPDATE users SET kyc_status = $2 WHERE id = $1 AND kyc_status <> 'verified'", userId,
               userStatus(caseStatus));
    });
    _audit.record("user:" + userId, "kyc.started", session, provider);
    return {*latestCase(userId), json};
}

KycDocument KycService::upload(const std::string& userId, const std::string& type, const std::string& bytes) {
    bool knownType = false;
    for (const auto& t : _config.kyc.documentTypes)
        knownType = knownType || t == type;
    if (!knownType) throw HttpError::badRequest("type: not one of the accepted document types", "type");
    if (bytes.empty()) throw HttpError::badRequest("the document is empty");
    if (static_cast<std::int64_t>(bytes.size()) > _config.kyc.maxDocumentBytes)
        throw HttpError(413, "Payload Too Large",
                        "documents are at most " + std::to_string(_config.kyc.maxDocumentBytes) + " bytes");
    const auto contentType = DocumentStore::sniffType(bytes);
    if (!contentType) throw HttpError(415, "Unsupported Media Type", "documents must be JPEG, PNG or PDF files");
    const auto open = latestCase(userId);
    if (!open || open->status != "pending")
        throw HttpError(409, "Conflict", "start a verification before uploading documents");
    if (static_cast<int>(open->documents.size()) >= _config.kyc.maxDocuments)
        throw HttpError(409, "Conflict", "at most " + std::to_string(_config.kyc.maxDocuments) + " documents per case");
    KycDocument d;
    d.id = newId("doc");
    d.caseId = open->id;
    d.userId = userId;
    d.type = type;
    d.contentType = *contentType;
    d.sizeBytes = static_cast<std::int64_t>(bytes.size());
    d.sha256 = DocumentStore::sha256(bytes);
    d.createdNs = _clock.nowNs();
    d.storedName = _store.put(userId, d.id, bytes);
    _commits.run([&](PreparedSession& w) {
        w.exec(
            "INSERT INTO kyc_documents (id, case_id, user_id, doc_type, content_type, size_bytes, sha256, "
            "stored_name, created_ns) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            d.id, d.caseId, userId, type, d.contentType, Poco::Int64{d.sizeBytes}, d.sha256, d.storedName,
            Poco::Int64{d.createdNs});
    });
    _audit.record("user:" + userId, "kyc.document", d.id, type + " " + d.contentType);
    return d;
}

std::vector<KycCase> KycService::cases(const std::string& status, int limit) const {
    Poco::Data::Session s = _db.session();
    auto list = status.empty() ? readCases(s, "1 = 1", {}, limit) : readCases(s, "status = $1", {status}, limit);
    for (auto& c : list)
        loadDocuments(s, c);
    return list;
}

KycCase KycService::kycCase(const std::string& id) const {
    Poco::Data::Session s = _db.session();
    auto list = readCases(s, "id = $1", {id}, 1);
    if (list.empty()) throw HttpError::notFound("no such KYC case");
    loadDocuments(s, list.front());
    return list.front();
}

std::pair<std::string, std::string> KycService::document(const std::string& caseId, const std::string& docId) const {
    const KycCase c = kycCase(caseId);
    for (const auto& d : c.documents)
        if (d.id == docId) return {_store.get(d.storedName), d.contentType};
    throw HttpError::notFound("no such document");
}

KycCase KycService::decide(const std::string& actor, const std::string& caseId, bool approve,
                           const std::string& reason) {
    const KycCase c = kycCase(caseId);
    if (!approve && reason.empty()) throw HttpError::badRequest("reason: is required", "reason");
    // An operator approves what they have seen: a case with no documents has nothing to review.
    if (approve && c.documents.empty()) throw HttpError(409, "Conflict", "the case has no documents to review");
    const std::string to = approve ? "approved" : "rejected";
    bool done = false;
    const std::int64_t now = _clock.nowNs();
    _commits.run([&](PreparedSession& w) {
        done = w.exec(
                   "UPDATE kyc_cases SET status = $2, reason = $3, reviewed_by = $4, updated_ns = $5 "
                   "WHERE id = $1 AND status = 'pending'",
                   caseId, to, reason, actor, Poco::Int64{now}) == 1;
        if (done) w.exec("UPDATE users SET kyc_status = $2 WHERE id = $1", c.userId, userStatus(to));
    });
    if (!done) throw HttpError(409, "Conflict", "the case was already decided");
    _audit.record(actor, approve ? "kyc.approved" : "kyc.rejected", caseId, reason);
    return kycCase(caseId);
}

std::string KycService::applyEvent(const std::string& provider, const std::string& eventJson) {
    Poco::JSON::Object::Ptr e;
    try {
        e = Poco::JSON::Parser().parse(eventJson).extract<Poco::JSON::Object::Ptr>();
    } catch (const std::exception&) {
    }
    if (!e) throw HttpError(500, "Internal Server Error", "KYC provider '" + provider + "' normalised badly");
    const std::string status = e->optValue<std::string>("status", "");
    if (status != "approved" && status != "rejected" && status != "pending") return "ignored";
    const std::string session = e->optValue<std::string>("session_id", "");
    const std::string reason = e->optValue<std::string>("reason", "");
    const Poco::Int64 at = e->has("created_at_ms") ? e->getValue<Poco::Int64>("created_at_ms") : _clock.nowMs();
    std::string outcome, userId, caseId;
    const std::int64_t now = _clock.nowNs();
    _commits.run([&](PreparedSession& w) {
        std::tuple<Poco::Nullable<std::string>, Poco::Nullable<std::string>, Poco::Nullable<Poco::Int64>,
                   Poco::Nullable<std::string>>
            row;
        if (!w.row(row,
                   "SELECT id, user_id, last_event_ms, status FROM kyc_cases WHERE provider = $1 AND session_id = $2",
                   provider, session)) {
            outcome = "unmatched";
            return;
        }
        caseId = std::get<0>(row).value();
        userId = std::get<1>(row).value();
        // Older than what was applied is stale; so is a "pending" from the same
        // instant as a decision (a decision is never undone by its own echo).
        const Poco::Int64 last = std::get<2>(row).value();
        if (at < last || (at == last && status == "pending")) {
            outcome = "stale";
            return;
        }
        if (std::get<3>(row).value() == status) {
            outcome = "unchanged";
            return;
        }
        w.exec("UPDATE kyc_cases SET status = $2, reason = $3, last_event_ms = $4, updated_ns = $5 WHERE id = $1",
               caseId, status, reason, at, Poco::Int64{now});
        w.exec("UPDATE users SET kyc_status = $2 WHERE id = $1", userId, userStatus(status));
        outcome = "applied";
    });
    _audit.record("kyc:" + provider, "kyc.event", caseId.empty() ? session : caseId, status + ": " + outcome);
    return outcome;
}

}  // namespace bourse
