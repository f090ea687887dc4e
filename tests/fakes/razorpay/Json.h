//
// Json.h — small JSON helpers shared by the fake Razorpay's files: objects
// that keep their keys in the order written (so bodies read like Razorpay's
// docs), compact text, a canonical form for "same body" checks, and the
// validations every Razorpay endpoint applies to its input.
//
#pragma once

#include "Store.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <optional>
#include <set>
#include <string>

namespace bourse::fakes::razorpay {

Poco::JSON::Object::Ptr object();
std::string stringify(const Poco::Dynamic::Var& v);
/// The body as an object, or nullopt when it is not a JSON object.
std::optional<Poco::JSON::Object::Ptr> parseObject(const std::string& text);
/// Same value → same text, whatever the key order and spacing of the original.
std::string canonical(const Poco::Dynamic::Var& v);

/// "x is/are not required and should not be sent" for the first unknown key.
std::optional<Answer> unknownKeys(const Poco::JSON::Object::Ptr& body, const std::set<std::string>& known);

/// Razorpay's integer amount rule; `min` in the smallest unit.
std::optional<Answer> checkAmount(const Poco::JSON::Object::Ptr& body, const std::string& currency, bool required,
                                  std::int64_t min = 100);

/// An optional string field of at most `max` characters.
std::optional<Answer> checkString(const Poco::JSON::Object::Ptr& body, const std::string& key, std::size_t max);

/// notes: an object (≤ 15 keys, values ≤ 256 characters) or []; `out` is what
/// entities carry (an empty array when there are none, as Razorpay writes it).
std::optional<Answer> checkNotes(const Poco::JSON::Object::Ptr& body, Poco::Dynamic::Var& out);

/// A string member, "" when absent or not a string.
std::string str(const Poco::JSON::Object::Ptr& o, const std::string& key);

Answer ok(const Poco::JSON::Object::Ptr& entity, int status = 200);
Answer notFound();

}  // namespace bourse::fakes::razorpay
