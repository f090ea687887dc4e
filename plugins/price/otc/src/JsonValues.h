//
// JsonValues.h — reading scalar values from Poco JSON the way the kernel hands
// them over: it converts YAML to JSON, so a number may arrive as a JSON number
// or as a string ("500", "0.3"). Each reader returns nullopt for anything that
// is not cleanly that kind of value (booleans, fractions where a whole number
// is due, trailing junk, NaN), leaving the message to the caller, who knows the
// JSON path. The config's own keys are read by bourse::plugins::ConfigReader;
// these serve what it does not (a 64-bit seed, a bias, a decimal base_price)
// and the operator commands' arguments.
//
#pragma once

#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Object.h>

#include <cstdint>
#include <optional>
#include <string>

namespace bourse::otc::json {

/// A non-negative whole number up to 2^64-1, e.g. 500, "500" or 500.0.
std::optional<std::uint64_t> unsignedNumber(const Poco::Dynamic::Var& v);
/// A finite real number, e.g. 0.3 or "0.3".
std::optional<double> realNumber(const Poco::Dynamic::Var& v);
/// A string, or a number as its text (base_price: "1.085" or 1.085).
std::optional<std::string> text(const Poco::Dynamic::Var& v);

/// The object in json, or null if json is not a JSON object.
Poco::JSON::Object::Ptr parseObject(const std::string& json);
std::string stringify(const Poco::JSON::Object& o);

}  // namespace bourse::otc::json
