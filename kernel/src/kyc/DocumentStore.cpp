#include "kyc/DocumentStore.h"

#include <Poco/File.h>
#include <Poco/Path.h>

#include <openssl/evp.h>

#include <sys/stat.h>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace bourse {

DocumentStore::DocumentStore(std::string root) : _root(std::move(root)) {}

std::optional<std::string> DocumentStore::sniffType(const std::string& b) {
    auto starts = [&](std::string_view magic) {
        return b.size() >= magic.size() && b.compare(0, magic.size(), magic) == 0;
    };
    if (starts("\xFF\xD8\xFF")) return "image/jpeg";
    if (starts("\x89PNG\r\n\x1A\n")) return "image/png";
    if (starts("%PDF-")) return "application/pdf";
    return std::nullopt;
}

std::string DocumentStore::sha256(const std::string& bytes) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr);
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (unsigned int i = 0; i < length; ++i) {
        out += kHex[digest[i] >> 4];
        out += kHex[digest[i] & 0x0f];
    }
    return out;
}

std::string DocumentStore::put(const std::string& userId, const std::string& documentId, const std::string& bytes) {
    // Ids are the kernel's own ("u_…", "doc_…"): no path separators can reach here,
    // but refuse them anyway rather than trust that.
    for (const std::string* part : {&userId, &documentId})
        if (part->empty() || part->find_first_of("/\\.") != std::string::npos)
            throw std::invalid_argument("document store: bad name");
    const std::string dir = _root + "/" + userId;
    Poco::File(dir).createDirectories();
    ::chmod(_root.c_str(), 0700);
    ::chmod(dir.c_str(), 0700);
    const std::string stored = userId + "/" + documentId;
    const std::string path = _root + "/" + stored, temp = path + ".part";
    {
        std::ofstream out(temp, std::ios::binary | std::ios::trunc);
        out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        out.flush();
        if (!out) throw std::runtime_error("document store: cannot write " + stored);
    }
    ::chmod(temp.c_str(), 0600);
    Poco::File(temp).renameTo(path);
    return stored;
}

std::string DocumentStore::get(const std::string& storedName) const {
    if (storedName.find("..") != std::string::npos) throw std::runtime_error("document store: bad name");
    std::ifstream in(_root + "/" + storedName, std::ios::binary);
    if (!in) throw std::runtime_error("document store: " + storedName + " is missing");
    std::ostringstream bytes;
    bytes << in.rdbuf();
    return bytes.str();
}

}  // namespace bourse
