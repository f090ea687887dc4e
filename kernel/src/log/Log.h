//
// Log.h — structured log lines (logfmt: `ts=... level=info component=plugins
// msg="loaded" plugin=otc`), written through Poco::Logger so operators can route
// them with Poco's channels. Secrets are never passed here.
//
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace bourse::log {

enum class Level { Debug, Info, Warn, Error };

using Field = std::pair<std::string_view, std::string>;

/// Configures the root channel once at start: level "debug|info|warn|error",
/// format "text" (logfmt) or "json".
void configure(std::string_view level, std::string_view format);

void write(Level level, std::string_view component, std::string_view msg, std::initializer_list<Field> fields = {});

inline void debug(std::string_view c, std::string_view m, std::initializer_list<Field> f = {}) {
    write(Level::Debug, c, m, f);
}
inline void info(std::string_view c, std::string_view m, std::initializer_list<Field> f = {}) {
    write(Level::Info, c, m, f);
}
inline void warn(std::string_view c, std::string_view m, std::initializer_list<Field> f = {}) {
    write(Level::Warn, c, m, f);
}
inline void error(std::string_view c, std::string_view m, std::initializer_list<Field> f = {}) {
    write(Level::Error, c, m, f);
}

}  // namespace bourse::log
