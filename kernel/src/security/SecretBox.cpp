#include "security/SecretBox.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <cstdlib>
#include <vector>

namespace bourse {

namespace {

constexpr std::string_view kPrefix = "v1:";

using CipherContext = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

CipherContext newContext() {
    CipherContext ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
    if (!ctx) throw SecretBoxError("secret box: out of memory for a cipher context");
    return ctx;
}

const unsigned char* bytes(std::string_view s) {
    return reinterpret_cast<const unsigned char*>(s.data());
}

int hexDigit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::string base64(const std::vector<unsigned char>& raw) {
    std::string out(4 * ((raw.size() + 2) / 3) + 1, '\0');
    const int n =
        EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), raw.data(), static_cast<int>(raw.size()));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

/// Strict standard base64 (padded, no whitespace); `ok` is false for anything
/// else. EVP_DecodeBlock counts padding as zero bytes, so the padding is
/// subtracted; the result is re-encoded to refuse non-canonical spellings (a
/// sealed value has exactly one accepted text).
std::vector<unsigned char> unbase64(std::string_view text, bool& ok) {
    ok = false;
    std::vector<unsigned char> out;
    if (text.empty() || text.size() % 4 != 0) return out;
    out.resize(text.size() / 4 * 3);
    const int n = EVP_DecodeBlock(out.data(), bytes(text), static_cast<int>(text.size()));
    if (n < 0) return {};
    std::size_t padding = 0;
    if (text.back() == '=') ++padding;
    if (text.size() >= 2 && text[text.size() - 2] == '=') ++padding;
    out.resize(static_cast<std::size_t>(n) - padding);
    ok = base64(out) == text;
    return out;
}

}  // namespace

SecretBox::SecretBox(std::string_view hexKey, std::string_view source) {
    const std::string what(source);
    if (hexKey.size() != 2 * kKeyBytes)
        throw SecretBoxError(what + ": must be 64 hex characters (32 bytes, e.g. from `openssl rand -hex 32`); got " +
                             std::to_string(hexKey.size()) + " characters");
    for (std::size_t i = 0; i < kKeyBytes; ++i) {
        const int hi = hexDigit(hexKey[2 * i]), lo = hexDigit(hexKey[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            OPENSSL_cleanse(_key.data(), _key.size());
            throw SecretBoxError(what + ": must be 64 hex characters (0-9, a-f); it holds another character");
        }
        _key[i] = static_cast<unsigned char>(hi * 16 + lo);
    }
}

SecretBox::~SecretBox() {
    OPENSSL_cleanse(_key.data(), _key.size());
}

std::unique_ptr<SecretBox> SecretBox::fromEnvironment() {
    const char* value = std::getenv(kEnvironmentVariable);
    if (!value || !*value) return nullptr;
    return std::make_unique<SecretBox>(value, kEnvironmentVariable);
}

std::string SecretBox::seal(std::string_view plaintext, std::string_view associatedData) const {
    if (plaintext.size() > kMaxPlaintextBytes || associatedData.size() > kMaxPlaintextBytes)
        throw SecretBoxError("secret box: value too large to seal");
    std::vector<unsigned char> out(kNonceBytes + plaintext.size() + kTagBytes);
    unsigned char* nonce = out.data();
    unsigned char* cipher = out.data() + kNonceBytes;
    if (RAND_bytes(nonce, static_cast<int>(kNonceBytes)) != 1)
        throw SecretBoxError("secret box: no randomness for a nonce");

    const CipherContext ctx = newContext();
    int len = 0, finalLen = 0;
    const bool ok =
        EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(kNonceBytes), nullptr) == 1 &&
        EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, _key.data(), nonce) == 1 &&
        (associatedData.empty() || EVP_EncryptUpdate(ctx.get(), nullptr, &len, bytes(associatedData),
                                                     static_cast<int>(associatedData.size())) == 1) &&
        EVP_EncryptUpdate(ctx.get(), cipher, &len, bytes(plaintext), static_cast<int>(plaintext.size())) == 1 &&
        EVP_EncryptFinal_ex(ctx.get(), cipher + len, &finalLen) == 1 &&
        static_cast<std::size_t>(len + finalLen) == plaintext.size() &&
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kTagBytes), cipher + plaintext.size()) ==
            1;
    if (!ok) throw SecretBoxError("secret box: encryption failed");
    return std::string(kPrefix) + base64(out);
}

std::string SecretBox::open(std::string_view sealed, std::string_view associatedData) const {
    if (sealed.substr(0, kPrefix.size()) != kPrefix) throw SecretBoxError("sealed value: not in the v1 format");
    if (sealed.size() > 2 * kMaxPlaintextBytes || associatedData.size() > kMaxPlaintextBytes)
        throw SecretBoxError("sealed value: too large");
    bool decoded = false;
    std::vector<unsigned char> raw = unbase64(sealed.substr(kPrefix.size()), decoded);
    if (!decoded) throw SecretBoxError("sealed value: malformed base64");
    if (raw.size() < kNonceBytes + kTagBytes) throw SecretBoxError("sealed value: too short");
    const std::size_t cipherBytes = raw.size() - kNonceBytes - kTagBytes;
    const unsigned char* nonce = raw.data();
    const unsigned char* cipher = raw.data() + kNonceBytes;
    unsigned char* tag = raw.data() + kNonceBytes + cipherBytes;

    std::string plain(cipherBytes, '\0');
    auto* out = reinterpret_cast<unsigned char*>(plain.data());
    const CipherContext ctx = newContext();
    int len = 0, finalLen = 0;
    const bool ok =
        EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(kNonceBytes), nullptr) == 1 &&
        EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, _key.data(), nonce) == 1 &&
        (associatedData.empty() || EVP_DecryptUpdate(ctx.get(), nullptr, &len, bytes(associatedData),
                                                     static_cast<int>(associatedData.size())) == 1) &&
        EVP_DecryptUpdate(ctx.get(), out, &len, cipher, static_cast<int>(cipherBytes)) == 1 &&
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(kTagBytes), tag) == 1 &&
        EVP_DecryptFinal_ex(ctx.get(), out + len, &finalLen) == 1;
    if (!ok) {
        // Unauthenticated output is never handed out, nor left in freed memory.
        OPENSSL_cleanse(plain.data(), plain.size());
        throw SecretBoxError(
            "sealed value: does not open (tampered, sealed under another key, or bound to another row)");
    }
    return plain;
}

}  // namespace bourse
