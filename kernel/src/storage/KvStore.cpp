#include "storage/KvStore.h"

#include "storage/Database.h"
#include "util/Clock.h"

using namespace Poco::Data::Keywords;

namespace bourse {

std::optional<std::string> KvStore::get(const std::string& pluginId, const std::string& key) const {
    Poco::Data::Session s = _db.session();
    std::string id = pluginId, k = key;
    Poco::Nullable<std::string> v;
    s << "SELECT v FROM plugin_kv WHERE plugin_id = $1 AND k = $2", use(id), use(k), into(v), now;
    if (v.isNull()) return std::nullopt;
    return v.value();
}

void KvStore::put(const std::string& pluginId, const std::string& key, const std::string& value) {
    Poco::Data::Session s = _db.session();
    std::string id = pluginId, k = key, v = value;
    Poco::Int64 at = _clock.nowNs();
    s << "INSERT INTO plugin_kv (plugin_id, k, v, updated_ns) VALUES ($1, $2, $3, $4) "
         "ON CONFLICT (plugin_id, k) DO UPDATE SET v = excluded.v, updated_ns = excluded.updated_ns",
        use(id), use(k), use(v), use(at), now;
}

void KvStore::remove(const std::string& pluginId, const std::string& key) {
    Poco::Data::Session s = _db.session();
    std::string id = pluginId, k = key;
    s << "DELETE FROM plugin_kv WHERE plugin_id = $1 AND k = $2", use(id), use(k), now;
}

}  // namespace bourse
