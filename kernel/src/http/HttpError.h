//
// HttpError.h — an error a route handler throws to answer with
// application/problem+json (RFC 9457): status, a short title, the detail, and
// optionally the offending request field.
//
#pragma once

#include <stdexcept>
#include <string>

namespace bourse {

class HttpError : public std::runtime_error {
public:
    HttpError(int status, std::string title, const std::string& detail, std::string field = "")
        : std::runtime_error(detail), _status(status), _title(std::move(title)), _field(std::move(field)) {}

    [[nodiscard]] int status() const noexcept { return _status; }
    [[nodiscard]] const std::string& title() const noexcept { return _title; }
    [[nodiscard]] const std::string& field() const noexcept { return _field; }

    static HttpError badRequest(const std::string& detail, const std::string& field = "") {
        return {400, "Bad Request", detail, field};
    }
    static HttpError notFound(const std::string& detail) { return {404, "Not Found", detail}; }

private:
    int _status;
    std::string _title;
    std::string _field;
};

}  // namespace bourse
