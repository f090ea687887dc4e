#include "accounts/PasswordHasher.h"

#include <argon2.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <condition_variable>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

namespace bourse {

namespace {

/// Hashes and verifications in flight, process-wide, at most one per core: each
/// holds 19 MiB and a core for tens of milliseconds, so more at once only adds
/// memory (a burst of logins must not be able to exhaust it), not throughput.
class HashingSlots {
public:
    HashingSlots() : _free(std::max(1U, std::thread::hardware_concurrency())) {}
    void acquire() {
        std::unique_lock lock(_mutex);
        _available.wait(lock, [&] { return _free > 0; });
        --_free;
    }
    void release() {
        {
            std::lock_guard lock(_mutex);
            ++_free;
        }
        _available.notify_one();
    }

private:
    std::mutex _mutex;
    std::condition_variable _available;
    unsigned _free;
};

HashingSlots& slots() {
    static HashingSlots s;
    return s;
}

struct SlotGuard {
    SlotGuard() { slots().acquire(); }
    ~SlotGuard() { slots().release(); }
    SlotGuard(const SlotGuard&) = delete;
    SlotGuard& operator=(const SlotGuard&) = delete;
};

}  // namespace

std::string PasswordHasher::hash(const std::string& password) const {
    std::array<unsigned char, 16> salt{};
    if (RAND_bytes(salt.data(), static_cast<int>(salt.size())) != 1) throw std::runtime_error("no randomness for salt");
    constexpr std::size_t kHashLen = 32;
    const std::size_t len = argon2_encodedlen(_params.iterations, _params.memoryKib, _params.parallelism,
                                              static_cast<std::uint32_t>(salt.size()), kHashLen, Argon2_id);
    std::vector<char> out(len);
    const SlotGuard slot;
    const int rc = argon2id_hash_encoded(_params.iterations, _params.memoryKib, _params.parallelism, password.data(),
                                         password.size(), salt.data(), salt.size(), kHashLen, out.data(), out.size());
    if (rc != ARGON2_OK) throw std::runtime_error(std::string("argon2: ") + argon2_error_message(rc));
    return std::string(out.data());
}

bool PasswordHasher::verify(const std::string& encoded, const std::string& password) const {
    const SlotGuard slot;
    return argon2id_verify(encoded.c_str(), password.data(), password.size()) == ARGON2_OK;
}

std::string PasswordHasher::problemWith(const std::string& password, const std::string& email) {
    if (password.size() < 10) return "must be at least 10 characters";
    if (password.size() > 128) return "must be at most 128 characters";
    std::string lower = password;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    static const std::set<std::string> common = {"password123", "1234567890",  "qwertyuiop",    "password1234",
                                                 "12345678910", "iloveyou123", "administrator", "letmein1234",
                                                 "welcome1234", "trustno1234"};
    if (common.count(lower)) return "is a well-known password";
    const std::string name = email.substr(0, email.find('@'));
    if (name.size() >= 4 && lower.find(name) != std::string::npos) return "must not contain your e-mail name";
    if (std::set<char>(password.begin(), password.end()).size() < 5) return "needs at least 5 different characters";
    return {};
}

}  // namespace bourse
