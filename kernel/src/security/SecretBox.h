//
// SecretBox.h — authenticated encryption of small secrets at rest (users'
// exchange API keys), with one server key from the environment.
//
// Why AES-256-GCM: it encrypts and authenticates in one pass, so a sealed value
// that was altered, sealed under another key or moved to another row fails to
// open instead of decrypting to garbage; OpenSSL's EVP implementation uses
// AES-NI/CLMUL where the CPU has them; and it is the AEAD every auditor knows.
//
// Nonce: 12 random bytes from RAND_bytes per seal (never a counter: several
// kernels share one database and one key, and a counter would need shared
// state). Random 96-bit nonces stay safe for far more than 2^32 seals under one
// key, many orders of magnitude above the number of keys users will store.
//
// Associated data: authenticated, not encrypted, not stored. Callers pass the
// identity of the row and column the value belongs to (e.g.
// "user:<id>:binance:secret"), so a ciphertext copied into another user's row,
// or the secret swapped with the API key, fails to open.
//
// Format: "v1:" + base64(nonce[12] || ciphertext || tag[16]) — text, so it fits
// a TEXT column on both backends; the version prefix leaves room for a key
// rotation scheme later.
//
// Key: 32 bytes written as 64 hex characters in BOURSE_SECRETS_KEY (e.g. from
// `openssl rand -hex 32`). It is read once; the copy held here is wiped on
// destruction. No message this class produces contains the key or a plaintext.
//
// Threading: seal() and open() are const and use a fresh EVP context per call;
// there is no shared mutable state, so one SecretBox serves every thread.
// Errors: SecretBoxError (a std::runtime_error) for a malformed key, a value
// that does not open (tampered, wrong key, wrong associated data, malformed),
// or an OpenSSL failure.
//
#pragma once

#include <array>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

namespace bourse {

class SecretBoxError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class SecretBox {
public:
    static constexpr const char* kEnvironmentVariable = "BOURSE_SECRETS_KEY";
    static constexpr std::size_t kKeyBytes = 32;
    static constexpr std::size_t kNonceBytes = 12;
    static constexpr std::size_t kTagBytes = 16;
    /// Secrets are API keys and the like; a larger value is a caller's mistake.
    static constexpr std::size_t kMaxPlaintextBytes = 64 * 1024;

    /// A key given as 64 hex characters; SecretBoxError otherwise (the message
    /// names `source`, never the key).
    explicit SecretBox(std::string_view hexKey, std::string_view source = "key");
    ~SecretBox();
    SecretBox(const SecretBox&) = delete;
    SecretBox& operator=(const SecretBox&) = delete;

    /// The box keyed by BOURSE_SECRETS_KEY; nullptr when the variable is unset
    /// or empty; SecretBoxError when it is set but not 64 hex characters.
    static std::unique_ptr<SecretBox> fromEnvironment();

    /// "v1:" + base64(nonce || ciphertext || tag), bound to associatedData.
    [[nodiscard]] std::string seal(std::string_view plaintext, std::string_view associatedData) const;
    /// The plaintext of a sealed value; SecretBoxError unless it was sealed by
    /// this key with exactly this associated data and is unaltered.
    [[nodiscard]] std::string open(std::string_view sealed, std::string_view associatedData) const;

private:
    std::array<unsigned char, kKeyBytes> _key{};
};

}  // namespace bourse
