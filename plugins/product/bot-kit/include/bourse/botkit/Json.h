//
// bourse/botkit/Json.h — JSON in and out for the bot plugins.
//
// Two readers with different duties:
//   * ParamReader reads what a client sent (params_json, backtest arguments).
//     It never throws for bad input: every problem becomes a bots::FieldError
//     naming the field's path ("pair.tick_size", "candles[3]"), so one refusal
//     lists them all, in the "<field>: <why>" shape the kernel turns into a 400.
//   * StateReader reads what the plugin itself wrote (saved state, stored
//     params). A problem there is a bug or a corrupt row: it throws
//     bourse::Error(BOURSE_E_INTERNAL, "state: <path>: <why>").
// Numbers with decimals are strings on the wire ("1.5"): a JSON float cannot
// carry 0.1 exactly. Whole numbers may be JSON integers or digit strings.
// Money is a decimal string at the quote scale ("10.00"); Decimal values keep
// the scale they were written with ("1.50" stays "1.50").
//
// Ownership: readers share the parsed tree (Poco's reference count) and
// never modify it; the FieldErrors list is borrowed and must outlive the reader.
// Threading: none of its own; a reader is used by one thread.
//
#pragma once

#include <bourse/bots/Validation.h>
#include <bourse/plugin.hpp>

#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace bourse::botkit {

using JsonObject = Poco::JSON::Object::Ptr;
using JsonArray = Poco::JSON::Array::Ptr;

/// Parses `text` as a JSON object; anything else throws Error(status, what + ": expected a JSON object").
JsonObject parseObject(const std::string& text, bourse_status status, const std::string& what);
/// Compact JSON text (no spaces), keys in Poco's order (sorted).
std::string stringify(const JsonObject& object);

/// `minor` units at `scale` decimals as text: money(1234, 2) == "12.34".
std::string money(std::int64_t minor, int scale);
/// Text written by money() (or a client) at most `scale` decimals, as minor units.
/// Throws std::invalid_argument ("too many decimals", "not a number") or std::overflow_error.
std::int64_t parseMoney(const std::string& text, int scale);

/// Throws Error(BOURSE_E_INVALID, "field: why; field: why") when `errors` is not
/// empty; `prefix` goes before every field ("params." for a backtest's params).
void refuseIfAny(const bots::FieldErrors& errors, const std::string& prefix = "");

/// Reads client input into values, recording problems instead of throwing.
/// Every getter returns nullopt when the key is absent (or null) or its value is
/// refused; refusals are recorded as "<path>: <why>".
class ParamReader {
public:
    /// A reader of `object` (may be null: then every key is absent) whose keys
    /// are named `path.key` ("" at the top).
    ParamReader(JsonObject object, std::string path, bots::FieldErrors& errors);

    /// The path of key from the top: "pair.tick_size".
    [[nodiscard]] std::string path(std::string_view key) const;
    /// Records `<path of key>: why`.
    void fail(std::string_view key, const std::string& why) const;
    [[nodiscard]] bool has(std::string_view key) const;
    /// Records "unknown parameter" for every key not in `known`.
    void allowOnly(std::initializer_list<std::string_view> known) const;
    /// Records "required" unless key is present.
    bool require(std::string_view key) const;
    /// Records each of `found` (the engine's validation, fields named relative
    /// to this reader) under this reader's path: "price" → "params.price".
    void add(const bots::FieldErrors& found) const;

    /// A decimal written as a string ("1.5") or a JSON integer, at most 18 decimals.
    [[nodiscard]] std::optional<Decimal> decimal(std::string_view key) const;
    /// Money at `scale` decimals as minor units ("10.00" → 1000 at scale 2).
    [[nodiscard]] std::optional<std::int64_t> money(std::string_view key, int scale) const;
    /// A whole number in min..max: a JSON integer or a string of digits.
    [[nodiscard]] std::optional<std::int64_t> whole(std::string_view key, std::int64_t min, std::int64_t max) const;
    /// true or false (JSON booleans only).
    [[nodiscard]] std::optional<bool> flag(std::string_view key) const;
    /// A string.
    [[nodiscard]] std::optional<std::string> text(std::string_view key) const;
    /// One of `choices` (a string).
    [[nodiscard]] std::optional<std::string> choice(std::string_view key,
                                                    std::initializer_list<std::string_view> choices) const;
    /// The object under key as a reader of its own (null object when absent or refused).
    [[nodiscard]] ParamReader object(std::string_view key) const;
    /// The array under key (null when absent or refused: "expected a list").
    [[nodiscard]] JsonArray array(std::string_view key) const;

    [[nodiscard]] const JsonObject& json() const { return _object; }
    [[nodiscard]] bots::FieldErrors& errors() const { return _errors; }

private:
    [[nodiscard]] Poco::Dynamic::Var get(std::string_view key) const;

    JsonObject _object;
    std::string _path;
    bots::FieldErrors& _errors;
};

/// Reads a JSON value written by this plugin: a Decimal from text, a whole
/// number, or money; throws Error(BOURSE_E_INTERNAL, "state: <what>: <why>").
Decimal decimalValue(const Poco::Dynamic::Var& value, const std::string& what);
std::int64_t wholeValue(const Poco::Dynamic::Var& value, const std::string& what);

/// Reads what this plugin wrote; every refusal throws Error(BOURSE_E_INTERNAL, "state: <path>: <why>").
class StateReader {
public:
    StateReader(JsonObject object, std::string path);

    [[nodiscard]] bool has(std::string_view key) const;
    [[nodiscard]] Decimal decimal(std::string_view key) const;
    [[nodiscard]] std::int64_t money(std::string_view key, int scale) const;
    [[nodiscard]] std::int64_t whole(std::string_view key) const;
    /// A whole number, or nullopt when the key is absent or null.
    [[nodiscard]] std::optional<std::int64_t> optionalWhole(std::string_view key) const;
    [[nodiscard]] bool flag(std::string_view key) const;
    [[nodiscard]] std::string text(std::string_view key) const;
    [[nodiscard]] StateReader object(std::string_view key) const;
    [[nodiscard]] JsonArray array(std::string_view key) const;
    /// Entry `index` of `array` (an object) as a reader named "<path>.<key>[index]".
    [[nodiscard]] StateReader entry(std::string_view key, const JsonArray& array, std::size_t index) const;
    [[noreturn]] void fail(std::string_view key, const std::string& why) const;

private:
    [[nodiscard]] Poco::Dynamic::Var get(std::string_view key) const;

    JsonObject _object;
    std::string _path;
};

}  // namespace bourse::botkit
