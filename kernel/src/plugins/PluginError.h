//
// PluginError.h — the one exception type of the plugin subsystem. Its message is
// a complete line for logs and API errors: it names the plugin or file and why.
//
#pragma once

#include <bourse/plugin.h>

#include <stdexcept>
#include <string>

namespace bourse {

class PluginError : public std::runtime_error {
public:
    explicit PluginError(const std::string& message, bourse_status status = BOURSE_E_INTERNAL)
        : std::runtime_error(message), _status(status) {}
    [[nodiscard]] bourse_status status() const noexcept { return _status; }

private:
    bourse_status _status;
};

/// "ok", "invalid", "not_found", ... for messages and API problem details.
const char* statusName(bourse_status s);

}  // namespace bourse
