#include "bourse/plugins/Signing.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cctype>

namespace bourse::plugins {

namespace {

const EVP_MD* digest(Hmac algorithm) {
    switch (algorithm) {
        case Hmac::Sha1:
            return EVP_sha1();
        case Hmac::Sha512:
            return EVP_sha512();
        case Hmac::Sha256:
            break;
    }
    return EVP_sha256();
}

}  // namespace

std::string hmacHex(Hmac algorithm, std::string_view key, std::string_view message) {
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    HMAC(digest(algorithm), key.data(), static_cast<int>(key.size()),
         reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &length);
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out(2 * length, '0');
    for (unsigned int i = 0; i < length; ++i) {
        out[2 * i] = kHex[mac[i] >> 4];
        out[2 * i + 1] = kHex[mac[i] & 0x0f];
    }
    return out;
}

bool constantTimeEquals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

bool verifyHmacHex(Hmac algorithm, std::string_view key, std::string_view message, std::string_view received) {
    std::string lower(received);
    for (char& c : lower)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return constantTimeEquals(hmacHex(algorithm, key, message), lower);
}

}  // namespace bourse::plugins
