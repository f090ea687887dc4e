//
// YamlReader.h — typed, validating access to a YAML mapping that remembers
// where each value came from, so every error names file:line:col and key path.
//
// Scalars are passed through `${VAR}` / `${VAR:-default}` expansion on read.
// All reads throw ConfigError on a wrong type, a value out of range or an
// unknown key (allowOnly).
//
#pragma once

#include "config/Config.h"

#include <yaml-cpp/yaml.h>

#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace bourse {

class YamlReader {
public:
    /// Parses a document whose root must be a mapping (an empty document is {}).
    static YamlReader parse(const std::string& text, const std::string& fileLabel);

    YamlReader(YAML::Node node, std::string file, std::string path);

    /// Fails on the first key not in `allowed`, suggesting the closest allowed key.
    void allowOnly(std::initializer_list<const char*> allowed) const;

    [[nodiscard]] std::string string(const std::string& key, const std::string& fallback) const;
    [[nodiscard]] std::string requiredString(const std::string& key) const;
    [[nodiscard]] int integer(const std::string& key, int fallback, int min, int max) const;
    [[nodiscard]] bool boolean(const std::string& key, bool fallback) const;
    [[nodiscard]] std::string oneOf(const std::string& key, const std::string& fallback,
                                    std::initializer_list<const char*> choices) const;
    /// A nested mapping, or nullopt when absent.
    [[nodiscard]] std::optional<YamlReader> child(const std::string& key) const;
    /// A sequence of mappings ([] when absent).
    [[nodiscard]] std::vector<YamlReader> list(const std::string& key) const;
    [[nodiscard]] std::vector<std::string> stringList(const std::string& key) const;
    /// The keys of this mapping, in file order.
    [[nodiscard]] std::vector<std::string> keys() const;
    /// This mapping as string → string (values must be scalars).
    [[nodiscard]] std::map<std::string, std::string> stringMap() const;
    /// A nested mapping converted to JSON object text ("{}" when absent).
    [[nodiscard]] std::string json(const std::string& key) const;

    /// "file:line:col" of this node.
    [[nodiscard]] std::string where() const;
    /// Throws ConfigError for `key` under this node (at the key's position if present).
    [[noreturn]] void fail(const std::string& key, const std::string& message) const;

private:
    [[nodiscard]] std::string keyPath(const std::string& key) const;
    [[nodiscard]] std::string whereOf(const YAML::Node& n) const;
    [[nodiscard]] std::string scalar(const YAML::Node& n, const std::string& key) const;
    void toJson(const YAML::Node& n, const std::string& path, std::string& out) const;

    YAML::Node _node;
    std::string _file;
    std::string _path;
};

/// Expands ${VAR} and ${VAR:-default}; throws std::invalid_argument naming a missing VAR.
std::string expandEnv(const std::string& value);

}  // namespace bourse
