#include "bots/VenueKeyStore.h"

#include "security/SecretBox.h"
#include "storage/CommitQueue.h"
#include "storage/Database.h"
#include "storage/PreparedSession.h"
#include "util/Clock.h"

#include <Poco/Data/Session.h>

#include <algorithm>
#include <stdexcept>

using namespace Poco::Data::Keywords;

namespace bourse {

namespace {

constexpr std::size_t kHintChars = 4;
constexpr const char* kEllipsis = "\u2026";

/// What a sealed value is bound to: its owner, venue and column. Venue names
/// hold no ':', so the text names exactly one (user, venue, column).
std::string boundTo(const std::string& userId, const std::string& venue, const char* column) {
    return "user:" + userId + ":" + venue + ":" + column;
}

void requireKnown(const std::string& venue) {
    if (!VenueKeyStore::known(venue)) throw std::invalid_argument("venue keys: unknown venue");
}

}  // namespace

VenueKeyStore::VenueKeyStore(Database& db, CommitQueue& commits, const Clock& clock, std::unique_ptr<SecretBox> box)
    : _db(db), _commits(commits), _clock(clock), _box(std::move(box)) {}

VenueKeyStore::~VenueKeyStore() = default;

const std::vector<std::string>& VenueKeyStore::venues() {
    static const std::vector<std::string> list{"binance"};
    return list;
}

bool VenueKeyStore::known(const std::string& venue) {
    const auto& list = venues();
    return std::find(list.begin(), list.end(), venue) != list.end();
}

const SecretBox& VenueKeyStore::box() const {
    if (!_box) throw std::logic_error("venue keys: no secrets key on this server");
    return *_box;
}

VenueKeyInfo VenueKeyStore::put(const std::string& userId, const std::string& venue, const std::string& apiKey,
                                const std::string& secret) {
    requireKnown(venue);
    const SecretBox& b = box();
    // Sealed once, outside the op: the commit queue may run an op twice.
    const std::string apiKeySealed = b.seal(apiKey, boundTo(userId, venue, "api_key"));
    const std::string secretSealed = b.seal(secret, boundTo(userId, venue, "secret"));
    const std::string hint = apiKey.size() > kHintChars ? apiKey.substr(apiKey.size() - kHintChars) : apiKey;
    const std::int64_t nowNs = _clock.nowNs();
    _commits.run([&](PreparedSession& w) {
        w.exec(
            "INSERT INTO venue_keys (user_id, venue, api_key_sealed, secret_sealed, api_key_hint, updated_ns) VALUES "
            "($1, $2, $3, $4, $5, $6) ON CONFLICT (user_id, venue) DO UPDATE SET api_key_sealed = "
            "excluded.api_key_sealed, secret_sealed = excluded.secret_sealed, api_key_hint = excluded.api_key_hint, "
            "updated_ns = excluded.updated_ns",
            userId, venue, apiKeySealed, secretSealed, hint, Poco::Int64{nowNs});
    });
    return {venue, kEllipsis + hint, nowNs};
}

bool VenueKeyStore::remove(const std::string& userId, const std::string& venue) {
    std::size_t removed = 0;
    _commits.run([&](PreparedSession& w) {
        removed = w.exec("DELETE FROM venue_keys WHERE user_id = $1 AND venue = $2", userId, venue);
    });
    return removed > 0;
}

std::vector<VenueKeyInfo> VenueKeyStore::info(const std::string& userId) const {
    Poco::Data::Session s = _db.session();
    std::string uid = userId;
    std::vector<std::string> venueNames, hints;
    std::vector<Poco::Int64> updated;
    s << "SELECT venue, api_key_hint, updated_ns FROM venue_keys WHERE user_id = $1 ORDER BY venue", use(uid),
        into(venueNames), into(hints), into(updated), now;
    std::vector<VenueKeyInfo> out;
    for (std::size_t i = 0; i < venueNames.size(); ++i)
        out.push_back({venueNames[i], kEllipsis + hints[i], updated[i]});
    return out;
}

std::optional<VenueCredentials> VenueKeyStore::load(const std::string& userId, const std::string& venue) const {
    requireKnown(venue);
    const SecretBox& b = box();
    Poco::Data::Session s = _db.session();
    std::string uid = userId, v = venue;
    std::vector<std::string> apiKeys, secrets;
    s << "SELECT api_key_sealed, secret_sealed FROM venue_keys WHERE user_id = $1 AND venue = $2", use(uid), use(v),
        into(apiKeys), into(secrets), now;
    if (apiKeys.empty()) return std::nullopt;
    return VenueCredentials{b.open(apiKeys.front(), boundTo(userId, venue, "api_key")),
                            b.open(secrets.front(), boundTo(userId, venue, "secret"))};
}

}  // namespace bourse
