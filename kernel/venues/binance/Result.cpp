#include "venues/binance/Result.h"

namespace bourse::venues::binance {

const char* toString(ErrorKind kind) {
    switch (kind) {
        case ErrorKind::Rejected:
            return "rejected";
        case ErrorKind::Unauthorized:
            return "unauthorized";
        case ErrorKind::RateLimited:
            return "rate-limited";
        case ErrorKind::Banned:
            return "banned";
        case ErrorKind::Unknown:
            return "unknown-outcome";
        case ErrorKind::Network:
            return "network";
        case ErrorKind::LocalFilter:
            return "local-filter";
        case ErrorKind::LocalBackoff:
            return "local-backoff";
        case ErrorKind::LocalInvalid:
            return "local-invalid";
        case ErrorKind::Protocol:
            return "protocol";
    }
    return "?";
}

std::string VenueError::describe() const {
    std::string out = toString(kind);
    if (httpStatus) out += " http=" + std::to_string(httpStatus);
    if (code) out += " code=" + std::to_string(code);
    if (retryAfter.count() > 0) out += " retry-after=" + std::to_string(retryAfter.count()) + "s";
    return out + ": " + message;
}

}  // namespace bourse::venues::binance
