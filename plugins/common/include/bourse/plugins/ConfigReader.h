//
// bourse/plugins/ConfigReader.h — strict reading of a plugin's configuration
// (the YAML `config:` block, handed over by the kernel as JSON), so every plugin
// refuses a bad value the same way, naming the key's path from the top:
// "config: symbols[1].price_scale: expected a whole number 0..11".
//
// What each reading refuses with, after "config: <path>: ":
//   allowOnly   "unknown key"
//   text        "expected a string"
//   whole       "expected a whole number MIN..MAX"; takes a JSON integer, a JSON
//               number without a fraction (5.0) or a string of digits ("300":
//               YAML may quote numbers), never true or false
//   flag        "expected true or false"; takes true, false, "true", "false"
//   url         "must start with http:// or https://" (the schemes asked for)
//   object      "expected <what>"
//   list        "expected <what>", "list at least one <noun>"; strings() also
//               "expected a string" and "'X' is listed twice" per entry
//   require     "required" unless told otherwise
// Rules of the plugin's own (key id shapes, currency lists) stay in the plugin,
// which refuses with fail(key, why) for the same "config: <path>: why".
//
// Ownership: a reader holds a reference to the parsed JSON (Poco's reference
// count) and its own path; readers of children share the same tree. Nothing
// here modifies the JSON. Threading: no state of its own beyond that; readers
// are used by the thread that parses the config.
// Errors: every refusal throws bourse::Error(BOURSE_E_CONFIG, "config: <path>:
// <why>"); parse() throws "config: not a JSON object[: <parser's reason>]".
// Otherwise only std::bad_alloc.
//
#pragma once

#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bourse::plugins {

class ConfigList;

class ConfigReader {
public:
    /// Why a value is refused, or "" when it is fine.
    using Check = std::function<std::string(const std::string& value)>;
    using Schemes = std::initializer_list<std::string_view>;

    /// The top-level object of `json`.
    static ConfigReader parse(const std::string& json);

    /// A reader of `object` (not null) whose keys are named `path.key` ("" at the top).
    ConfigReader(Poco::JSON::Object::Ptr object, std::string path);

    /// "config: <path of key>: why".
    [[noreturn]] void fail(std::string_view key, const std::string& why) const;
    /// The same for entry `index` of the list under key: "config: key[index]: why".
    [[noreturn]] void fail(std::string_view key, std::size_t index, const std::string& why) const;
    /// The path of key from the top: "payout.mode", "symbols[1].price_scale".
    [[nodiscard]] std::string path(std::string_view key) const;

    [[nodiscard]] bool has(std::string_view key) const;
    /// Refuses the first key that is not one of `known`.
    void allowOnly(std::initializer_list<std::string_view> known) const;
    /// Refuses with `why` unless key is present.
    void require(std::string_view key, const std::string& why = "required") const;
    /// The keys present, in the object's order (for maps such as {INR: 5000}).
    [[nodiscard]] std::vector<std::string> keys() const;
    /// The raw value, for a type of the plugin's own (e.g. a decimal); empty when absent.
    [[nodiscard]] Poco::Dynamic::Var value(std::string_view key) const;

    [[nodiscard]] std::string text(std::string_view key, const std::string& fallback) const;
    [[nodiscard]] std::optional<std::string> optionalText(std::string_view key) const;
    [[nodiscard]] std::int64_t whole(std::string_view key, std::int64_t fallback, std::int64_t min,
                                     std::int64_t max) const;
    [[nodiscard]] bool flag(std::string_view key, bool fallback) const;
    /// A non-empty URL starting with one of `schemes` (scheme names without "://"), kept as written.
    [[nodiscard]] std::string url(std::string_view key, const std::string& fallback,
                                  Schemes schemes = {"http", "https"}) const;
    /// As url(), without trailing slashes: a base the plugin appends paths to.
    [[nodiscard]] std::string baseUrl(std::string_view key, const std::string& fallback,
                                      Schemes schemes = {"http", "https"}) const;
    /// As url(), but absent or "" gives "" (none).
    [[nodiscard]] std::string optionalUrl(std::string_view key, Schemes schemes = {"http", "https"}) const;

    /// The object under key; anything else (or nothing) is refused with "expected " + what.
    [[nodiscard]] ConfigReader object(std::string_view key, const std::string& what) const;
    /// The list under key, with at least one entry ("list at least one " + noun);
    /// anything else (or nothing) is refused with "expected " + what.
    [[nodiscard]] ConfigList list(std::string_view key, const std::string& what, const std::string& noun) const;
    /// A list of strings as list() reads it, each passing `check` (its reason is
    /// given for that entry's path) and none listed twice.
    [[nodiscard]] std::vector<std::string> strings(std::string_view key, const std::string& what,
                                                   const std::string& noun, const Check& check = {}) const;

private:
    Poco::JSON::Object::Ptr _object;
    std::string _path;
};

/// The entries of a list, named `path[index]`.
class ConfigList {
public:
    ConfigList(Poco::JSON::Array::Ptr array, std::string path);

    [[nodiscard]] std::size_t size() const;
    /// "symbols[1]".
    [[nodiscard]] std::string path(std::size_t index) const;
    [[noreturn]] void fail(std::size_t index, const std::string& why) const;

    [[nodiscard]] std::string text(std::size_t index) const;
    /// A whole number in min..max at index (a JSON number or digits in a string).
    [[nodiscard]] std::int64_t whole(std::size_t index, std::int64_t min, std::int64_t max) const;
    /// The object at index; anything else is refused with "expected " + what.
    [[nodiscard]] ConfigReader object(std::size_t index, const std::string& what) const;

private:
    Poco::JSON::Array::Ptr _array;
    std::string _path;
};

}  // namespace bourse::plugins
