//
// VenueKeyStore.h — users' exchange API keys (for live bots), sealed at rest.
//
// Each stored pair is two SecretBox values in one venue_keys row (migration 7):
// the API key bound to "user:<id>:<venue>:api_key", the secret to
// "user:<id>:<venue>:secret", so a value copied into another user's row or into
// the other column does not open. Only the last 4 characters of the API key
// are kept in clear, to tell the user which key is stored. Neither value is
// ever logged or returned by info(); only load() decrypts, for the live venue.
//
// Without BOURSE_SECRETS_KEY (no SecretBox) keys can be listed and removed but
// not stored or loaded: available() says which.
//
// Writes go through the commit queue (like the bots' writes), reads through a
// pooled session. Threading: callable from any thread. Errors: put()/load()
// throw std::logic_error when !available(), std::invalid_argument for a venue
// not in venues(), SecretBoxError when a stored value does not open (another
// server key, or an altered row); Poco::Data exceptions pass through.
//
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace bourse {

class Clock;
class CommitQueue;
class Database;
class SecretBox;

struct VenueCredentials {
    std::string apiKey;
    std::string secret;
};

struct VenueKeyInfo {
    std::string venue;
    std::string apiKeyHint;  ///< "…" and the API key's last 4 characters
    std::int64_t updatedNs = 0;
};

class VenueKeyStore {
public:
    /// `box` may be null (BOURSE_SECRETS_KEY not set).
    VenueKeyStore(Database& db, CommitQueue& commits, const Clock& clock, std::unique_ptr<SecretBox> box);
    ~VenueKeyStore();
    VenueKeyStore(const VenueKeyStore&) = delete;
    VenueKeyStore& operator=(const VenueKeyStore&) = delete;

    /// Venues keys can be stored for ("binance").
    static const std::vector<std::string>& venues();
    [[nodiscard]] static bool known(const std::string& venue);

    /// True when keys can be stored and loaded (the server has a secrets key).
    [[nodiscard]] bool available() const noexcept { return _box != nullptr; }

    /// Stores (or replaces) the user's keys for the venue; returns what info() will show.
    VenueKeyInfo put(const std::string& userId, const std::string& venue, const std::string& apiKey,
                     const std::string& secret);
    /// False when the user had no keys for the venue.
    bool remove(const std::string& userId, const std::string& venue);
    /// The user's stored keys, by venue, without the keys themselves.
    [[nodiscard]] std::vector<VenueKeyInfo> info(const std::string& userId) const;
    /// The user's decrypted keys for the venue, or nullopt when none are stored.
    [[nodiscard]] std::optional<VenueCredentials> load(const std::string& userId, const std::string& venue) const;

private:
    [[nodiscard]] const SecretBox& box() const;

    Database& _db;
    CommitQueue& _commits;
    const Clock& _clock;
    std::unique_ptr<SecretBox> _box;
};

}  // namespace bourse
