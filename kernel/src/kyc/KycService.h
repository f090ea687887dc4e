//
// KycService.h — identity verification through the configured KYC provider
// plugin (kyc.provider), and the user's kyc_status that other actions check.
//
// A verification is a case: started by the user (the provider's session),
// fed with documents (manual provider: uploads stored by DocumentStore),
// decided by an operator (manual) or by the vendor's signed webhook. A case
// decision sets users.kyc_status in the same transaction: verified, rejected,
// or pending while a case is open. Vendor events older than the last one
// applied to a case are ignored (webhooks arrive late and out of order).
//
// Errors reach callers as HttpError with the status and message a client
// should see. Thread-safe.
//
#pragma once

#include "kyc/DocumentStore.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace bourse {

class AuditLog;
class Clock;
class CommitQueue;
class Database;
class PluginManager;
struct Config;

struct KycDocument {
    std::string id, caseId, userId, type, contentType, sha256, storedName;
    std::int64_t sizeBytes = 0, createdNs = 0;
};

struct KycCase {
    std::string id, userId, provider, sessionId, status, reason, reviewedBy;
    std::int64_t createdNs = 0, updatedNs = 0;
    std::vector<KycDocument> documents;
};

struct KycStart {
    KycCase kycCase;
    std::string providerReplyJson;  ///< for the browser (redirect_url, access token); never stored
};

class KycService {
public:
    KycService(Database& db, CommitQueue& commits, PluginManager& plugins, AuditLog& audit, const Config& config,
               const Clock& clock);

    [[nodiscard]] std::string status(const std::string& userId) const;
    /// The user's newest case, with its documents.
    [[nodiscard]] std::optional<KycCase> latestCase(const std::string& userId) const;
    /// Opens a case with the provider (or returns the open one).
    KycStart start(const std::string& userId, const std::string& email, const std::string& name,
                   const std::string& country);
    KycDocument upload(const std::string& userId, const std::string& type, const std::string& bytes);

    // ---- operators ----
    [[nodiscard]] std::vector<KycCase> cases(const std::string& status, int limit) const;
    [[nodiscard]] KycCase kycCase(const std::string& id) const;
    /// A document's bytes and type, for operators only.
    [[nodiscard]] std::pair<std::string, std::string> document(const std::string& caseId,
                                                               const std::string& documentId) const;
    KycCase decide(const std::string& actor, const std::string& caseId, bool approve, const std::string& reason);

    /// A verified, normalised vendor event (PluginInstance::verifyWebhook of the
    /// provider); returns "applied", "stale", "unchanged", "ignored" or "unmatched".
    std::string applyEvent(const std::string& provider, const std::string& eventJson);

private:
    Database& _db;
    CommitQueue& _commits;
    PluginManager& _plugins;
    AuditLog& _audit;
    const Config& _config;
    const Clock& _clock;
    DocumentStore _store;
};

}  // namespace bourse
