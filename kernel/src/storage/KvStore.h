//
// KvStore.h — plugin key-value state in the database, namespaced by plugin id.
// It is what survives a reload or a restart. Thread-safe.
//
#pragma once

#include <optional>
#include <string>

namespace bourse {

class Clock;
class Database;

class KvStore {
public:
    KvStore(Database& db, const Clock& clock) : _db(db), _clock(clock) {}

    [[nodiscard]] std::optional<std::string> get(const std::string& pluginId, const std::string& key) const;
    void put(const std::string& pluginId, const std::string& key, const std::string& value);
    void remove(const std::string& pluginId, const std::string& key);

private:
    Database& _db;
    const Clock& _clock;
};

}  // namespace bourse
