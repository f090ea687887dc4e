//
// PasswordHasher.h — argon2id password hashing (libargon2) and password rules.
//
// Hashes are PHC strings ("$argon2id$v=19$m=...,t=...,p=...$salt$hash"), so the
// parameters travel with each hash and can be raised later without breaking
// existing accounts. Defaults are OWASP's first recommendation (m=19 MiB, t=2, p=1).
// Thread-safe; hashing takes tens of milliseconds by design, and at most one
// hash per core runs at a time (the others wait), which bounds memory.
//
#pragma once

#include <cstdint>
#include <string>

namespace bourse {

struct Argon2Params {
    std::uint32_t memoryKib = 19456;
    std::uint32_t iterations = 2;
    std::uint32_t parallelism = 1;
};

class PasswordHasher {
public:
    explicit PasswordHasher(Argon2Params params = {}) : _params(params) {}

    [[nodiscard]] std::string hash(const std::string& password) const;
    [[nodiscard]] bool verify(const std::string& encoded, const std::string& password) const;

    /// Empty when acceptable, otherwise why not (10..128 characters, not a
    /// well-known password, not the e-mail's name, at least 5 distinct characters).
    static std::string problemWith(const std::string& password, const std::string& email);

private:
    Argon2Params _params;
};

}  // namespace bourse
