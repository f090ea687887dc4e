//
// Entities.h — the Razorpay objects the plugin reads (order, payment, refund,
// payout, fund account, contact, collections), from the API's replies and
// from webhook payloads. Only the fields the platform uses are kept. Razorpay
// quirks handled here: `notes` is [] when empty and an object otherwise;
// `fee`/`tax`/`error_*` may be null; amounts are integers in paise.
//
#pragma once

#include <Poco/JSON/Object.h>

#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace bourse::razorpay {

/// A Razorpay object without the fields every such object has.
class MalformedEntity : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

using Notes = std::map<std::string, std::string>;

struct Order {
    std::string id, status, currency, receipt;
    std::int64_t amount = 0, amountPaid = 0, createdAt = 0;
    Notes notes;
};

struct Payment {
    std::string id, orderId, status, currency, method;
    std::string errorCode, errorDescription, errorReason;
    std::int64_t amount = 0;
    bool captured = false;
    Notes notes;
};

struct Refund {
    std::string id, paymentId, status, currency;
    std::int64_t amount = 0;
    Notes notes;
};

struct Payout {
    std::string id, status, currency, fundAccountId, referenceId, mode;
    std::string statusDescription;  ///< status_details.description (why queued / failed / reversed)
    std::string failureReason;      ///< the older failure_reason field
    std::int64_t amount = 0;
    Notes notes;
};

struct FundAccount {
    std::string id, contactId, accountType;
    bool active = true;
};

struct Contact {
    std::string id;
};

/// Parses text that must be a JSON object. Throws MalformedEntity.
Poco::JSON::Object::Ptr parseObject(const std::string& text);

/// Each throws MalformedEntity when the id or a required field is missing or
/// of the wrong type.
Order orderFrom(const Poco::JSON::Object::Ptr& o);
Payment paymentFrom(const Poco::JSON::Object::Ptr& o);
Refund refundFrom(const Poco::JSON::Object::Ptr& o);
Payout payoutFrom(const Poco::JSON::Object::Ptr& o);
FundAccount fundAccountFrom(const Poco::JSON::Object::Ptr& o);
Contact contactFrom(const Poco::JSON::Object::Ptr& o);

/// The `items` of a collection ({"entity":"collection","count":n,"items":[…]}).
std::vector<Poco::JSON::Object::Ptr> itemsOf(const Poco::JSON::Object::Ptr& collection);

/// `notes` as a map: [] / {} / null / absent all read; values other than strings as their JSON text.
Notes notesOf(const Poco::JSON::Object::Ptr& o);

/// The value of notes[key], or "".
std::string note(const Notes& notes, const std::string& key);

}  // namespace bourse::razorpay
