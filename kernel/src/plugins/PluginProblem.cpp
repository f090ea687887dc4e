#include "plugins/PluginProblem.h"

namespace bourse {

namespace {

int httpStatusFor(bourse_status s) {
    switch (s) {
        case BOURSE_E_INVALID:
            return 400;
        case BOURSE_E_NOT_FOUND:
            return 404;
        case BOURSE_E_REJECTED:
        case BOURSE_E_INSUFFICIENT:
            return 422;
        case BOURSE_E_UNAVAILABLE:
            return 503;
        default:
            return 500;
    }
}

const char* titleFor(int status) {
    switch (status) {
        case 400:
            return "Bad Request";
        case 404:
            return "Not Found";
        case 422:
            return "Unprocessable Content";
        case 503:
            return "Service Unavailable";
        default:
            return "Error";
    }
}

/// "duration: 7 s is not allowed" → "duration"; "" when the message names no field.
std::string fieldOf(const std::string& message) {
    const auto colon = message.find(':');
    if (colon == std::string::npos || colon > 48) return "";
    const std::string head = message.substr(0, colon);
    return head.find(' ') == std::string::npos ? head : "";
}

/// The product's message without the kernel's "plugin 'x': validate failed (...): " prefix.
std::string pluginMessage(const std::string& what) {
    const auto pos = what.find("): ");
    return pos == std::string::npos ? what : what.substr(pos + 3);
}

}  // namespace

HttpError pluginProblem(const PluginError& error) {
    const std::string msg = pluginMessage(error.what());
    const int status = httpStatusFor(error.status());
    return HttpError(status, titleFor(status), msg, fieldOf(msg));
}

}  // namespace bourse
