//
// AuditLog.h — append-only record of operator actions and plugin lifecycle
// events (who, what, on which target, details). Never holds secrets.
//
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace bourse {

class Clock;
class Database;

struct AuditEntry {
    std::int64_t id = 0;
    std::int64_t tsNs = 0;
    std::string actor, action, target, detail;
};

class AuditLog {
public:
    AuditLog(Database& db, const Clock& clock) : _db(db), _clock(clock) {}
    /// Records an event; failures are logged, never thrown (auditing must not
    /// turn a successful action into an error).
    void record(const std::string& actor, const std::string& action, const std::string& target,
                const std::string& detail);
    /// Newest first.
    [[nodiscard]] std::vector<AuditEntry> recent(int limit) const;

private:
    Database& _db;
    const Clock& _clock;
};

}  // namespace bourse
