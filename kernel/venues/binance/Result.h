//
// Result.h — what every BinanceSpotClient call returns: a value, or a typed
// error {kind, HTTP status, Binance code, message, Retry-After}.
//
// An exchange rejection is an ordinary outcome of trading, not an exception:
// callers branch on kind() (and code() for Binance's own numbers, e.g. -2010,
// -1013). The kind also says whether the request may have taken effect, which is
// what a caller needs to decide between "retry", "query first" and "give up".
// Messages carry Binance's text and the local reason; never a key, secret,
// signature or signed query.
//
// Values only; thread-safe as any value type.
//
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <utility>

namespace bourse::venues::binance {

enum class ErrorKind {
    Rejected,      ///< Binance answered 4xx with a code: nothing happened on the exchange
    Unauthorized,  ///< -2014/-2015 (bad or unknown key, permissions) or -1022 (bad signature)
    RateLimited,   ///< 429 (-1003 weight, -1015 orders): wait retryAfter; nothing happened
    Banned,        ///< 418: the IP is banned for retryAfter; nothing happened
    Unknown,       ///< 5xx, -1007, or the reply was lost after sending: the request MAY have taken
                   ///< effect; query the order (by client order id) before sending it again
    Network,       ///< no connection could be made: nothing was sent
    LocalFilter,   ///< refused before sending by a symbol filter (code -1013; message names the filter)
    LocalBackoff,  ///< refused before sending: still inside a Retry-After or ban period
    LocalInvalid,  ///< refused before sending: the request itself is malformed (missing price,
                   ///< bad client order id, unknown symbol)
    Protocol,      ///< a 2xx reply that could not be understood (the request did take effect)
};

/// "rejected", "unauthorized", ... for logs.
const char* toString(ErrorKind kind);

struct VenueError {
    ErrorKind kind = ErrorKind::Rejected;
    int httpStatus = 0;  ///< 0 when no HTTP reply (network, local refusal)
    int code = 0;        ///< Binance's error code (negative); 0 when it gave none
    std::string message;
    std::chrono::seconds retryAfter{0};  ///< from Retry-After on 429/418 (or what is left of it)

    /// True when the exchange may have acted on the request (see ErrorKind::Unknown).
    [[nodiscard]] bool outcomeUnknown() const { return kind == ErrorKind::Unknown; }
    /// True when nothing left this process (a local refusal).
    [[nodiscard]] bool local() const {
        return kind == ErrorKind::LocalFilter || kind == ErrorKind::LocalBackoff || kind == ErrorKind::LocalInvalid;
    }
    /// "rejected http=400 code=-2010: Account has insufficient balance for requested action."
    [[nodiscard]] std::string describe() const;
};

template <class T>
class Result {
public:
    // Implicit on purpose: `return info;` and `return error;` both make a Result.
    // cppcheck-suppress noExplicitConstructor
    Result(T value) : _value(std::move(value)) {}  // NOLINT(google-explicit-constructor)
    // cppcheck-suppress noExplicitConstructor
    Result(VenueError error) : _error(std::move(error)) {}  // NOLINT(google-explicit-constructor)

    [[nodiscard]] bool ok() const { return _value.has_value(); }
    explicit operator bool() const { return ok(); }
    /// Only when ok().
    [[nodiscard]] const T& value() const { return *_value; }
    [[nodiscard]] T& value() { return *_value; }
    /// Only when !ok().
    [[nodiscard]] const VenueError& error() const { return _error; }

private:
    std::optional<T> _value;
    VenueError _error;
};

}  // namespace bourse::venues::binance
