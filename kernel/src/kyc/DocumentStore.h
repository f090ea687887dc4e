//
// DocumentStore.h — identity documents on disk, outside anything the web
// server serves: <data_dir>/kyc-documents/<user id>/<document id>, files
// readable by the kernel's user only. The kernel hands a document's bytes to
// operators through the API and to nobody else.
//
// What is accepted is decided from the bytes, not from the name or the
// Content-Type the browser claims: JPEG, PNG and PDF by their magic numbers.
//
// Thread-safe (no shared state but the directory).
//
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace bourse {

class DocumentStore {
public:
    explicit DocumentStore(std::string root);

    /// "image/jpeg", "image/png", "application/pdf", or nullopt for anything else.
    static std::optional<std::string> sniffType(const std::string& bytes);
    /// Lower-case hex SHA-256 of the bytes.
    static std::string sha256(const std::string& bytes);

    /// Writes the file (atomically: a temporary file renamed); returns its stored name.
    std::string put(const std::string& userId, const std::string& documentId, const std::string& bytes);
    /// The bytes of a stored file; std::runtime_error if it is missing.
    [[nodiscard]] std::string get(const std::string& storedName) const;

private:
    std::string _root;
};

}  // namespace bourse
