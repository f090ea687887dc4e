#include "storage/AuditLog.h"

#include "log/Log.h"
#include "storage/Database.h"
#include "util/Clock.h"

using namespace Poco::Data::Keywords;

namespace bourse {

void AuditLog::record(const std::string& actor, const std::string& action, const std::string& target,
                      const std::string& detail) {
    log::info("audit", action, {{"actor", actor}, {"target", target}, {"detail", detail}});
    try {
        Poco::Data::Session s = _db.session();
        std::string a = actor, ac = action, t = target, d = detail;
        Poco::Int64 at = _clock.nowNs();
        s << "INSERT INTO audit_log (ts_ns, actor, action, target, detail) VALUES ($1, $2, $3, $4, $5)", use(at),
            use(a), use(ac), use(t), use(d), now;
    } catch (const Poco::Exception& e) {
        log::error("audit", "cannot record audit entry", {{"error", e.displayText()}});
    }
}

std::vector<AuditEntry> AuditLog::recent(int limit) const {
    Poco::Data::Session s = _db.session();
    std::vector<Poco::Int64> id, ts;
    std::vector<std::string> actor, action, target, detail;
    int lim = limit;
    s << "SELECT id, ts_ns, actor, action, target, detail FROM audit_log ORDER BY id DESC LIMIT $1", use(lim), into(id),
        into(ts), into(actor), into(action), into(target), into(detail), now;
    std::vector<AuditEntry> out;
    for (std::size_t i = 0; i < id.size(); ++i)
        out.push_back({id[i], ts[i], actor[i], action[i], target[i], detail[i]});
    return out;
}

}  // namespace bourse
