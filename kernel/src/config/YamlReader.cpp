#include "config/YamlReader.h"

#include <algorithm>
#include <cstdlib>
#include <regex>

namespace bourse {

namespace {

// Levenshtein distance, for "did you mean" suggestions on misspelled keys.
std::size_t distance(const std::string& a, const std::string& b) {
    std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j)
        prev[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        cur[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j)
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
        std::swap(prev, cur);
    }
    return prev[b.size()];
}

void appendJsonString(std::string& out, const std::string& s) {
    out += '"';
    for (unsigned char c : s) {
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            default:
                if (c < 0x20) {
                    static const char* hex = "0123456789abcdef";
                    out += "\\u00";
                    out += hex[c >> 4];
                    out += hex[c & 15];
                } else {
                    out += static_cast<char>(c);
                }
        }
    }
    out += '"';
}

bool isJsonNumber(const std::string& s) {
    static const std::regex number(R"(-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?)");
    return std::regex_match(s, number);
}

}  // namespace

std::string expandEnv(const std::string& value) {
    std::string out;
    std::size_t i = 0;
    while (i < value.size()) {
        const std::size_t start = value.find("${", i);
        if (start == std::string::npos) {
            out.append(value, i, std::string::npos);
            break;
        }
        out.append(value, i, start - i);
        const std::size_t end = value.find('}', start);
        if (end == std::string::npos) throw std::invalid_argument("unterminated ${ in value");
        std::string expr = value.substr(start + 2, end - start - 2);
        std::string name = expr, fallback;
        bool hasFallback = false;
        if (const std::size_t sep = expr.find(":-"); sep != std::string::npos) {
            name = expr.substr(0, sep);
            fallback = expr.substr(sep + 2);
            hasFallback = true;
        }
        const char* env = std::getenv(name.c_str());
        if (env && *env)
            out += env;
        else if (hasFallback)
            out += fallback;
        else
            throw std::invalid_argument("environment variable " + name + " is not set");
        i = end + 1;
    }
    return out;
}

YamlReader YamlReader::parse(const std::string& text, const std::string& fileLabel) {
    YAML::Node root;
    try {
        root = YAML::Load(text);
    } catch (const YAML::ParserException& e) {
        throw ConfigError(fileLabel + ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1) +
                          ": syntax error: " + e.msg);
    }
    if (root.IsNull()) root = YAML::Node(YAML::NodeType::Map);
    if (!root.IsMap()) throw ConfigError(fileLabel + ":1:1: the document must be a mapping of keys");
    return YamlReader(root, fileLabel, "");
}

YamlReader::YamlReader(YAML::Node node, std::string file, std::string path)
    : _node(std::move(node)), _file(std::move(file)), _path(std::move(path)) {}

std::string YamlReader::keyPath(const std::string& key) const {
    if (key.empty()) return _path;
    if (_path.empty()) return key;
    return _path + "." + key;
}

std::string YamlReader::whereOf(const YAML::Node& n) const {
    const YAML::Mark m = n.Mark();
    if (m.is_null()) return _file;
    return _file + ":" + std::to_string(m.line + 1) + ":" + std::to_string(m.column + 1);
}

std::string YamlReader::where() const {
    return whereOf(_node);
}

void YamlReader::fail(const std::string& key, const std::string& message) const {
    // Point at the key itself when it is present, otherwise at the enclosing mapping.
    std::string at = where();
    if (_node.IsMap())
        for (auto it = _node.begin(); it != _node.end(); ++it)
            if (it->first.as<std::string>() == key) at = whereOf(it->first);
    throw ConfigError(at + ": " + keyPath(key) + ": " + message);
}

void YamlReader::allowOnly(std::initializer_list<const char*> allowed) const {
    for (auto it = _node.begin(); it != _node.end(); ++it) {
        const std::string k = it->first.as<std::string>();
        if (std::any_of(allowed.begin(), allowed.end(), [&](const char* a) { return k == a; })) continue;
        std::string best;
        std::size_t bestD = 3;  // suggest only close matches
        for (const char* a : allowed)
            if (const std::size_t d = distance(k, a); d < bestD) bestD = d, best = a;
        throw ConfigError(whereOf(it->first) + ": " + keyPath(k) + ": unknown key" +
                          (best.empty() ? "" : " (did you mean '" + best + "'?)"));
    }
}

std::string YamlReader::scalar(const YAML::Node& n, const std::string& key) const {
    if (!n.IsScalar()) fail(key, "expected a single value");
    try {
        return expandEnv(n.Scalar());
    } catch (const std::invalid_argument& e) {
        fail(key, e.what());
    }
}

std::string YamlReader::string(const std::string& key, const std::string& fallback) const {
    const YAML::Node n = _node[key];
    if (!n || n.IsNull()) return fallback;
    return scalar(n, key);
}

std::string YamlReader::requiredString(const std::string& key) const {
    const YAML::Node n = _node[key];
    if (!n || n.IsNull()) fail(key, "is required");
    std::string v = scalar(n, key);
    if (v.empty()) fail(key, "must not be empty");
    return v;
}

int YamlReader::integer(const std::string& key, int fallback, int min, int max) const {
    const YAML::Node n = _node[key];
    if (!n || n.IsNull()) return fallback;
    const std::string s = scalar(n, key);
    static const std::regex intPattern(R"(-?[0-9]{1,10})");
    if (!std::regex_match(s, intPattern)) fail(key, "expected an integer, got '" + s + "'");
    const long long v = std::stoll(s);
    if (v < min || v > max)
        fail(key, "must be between " + std::to_string(min) + " and " + std::to_string(max) + ", got " + s);
    return static_cast<int>(v);
}

bool YamlReader::boolean(const std::string& key, bool fallback) const {
    const YAML::Node n = _node[key];
    if (!n || n.IsNull()) return fallback;
    const std::string s = scalar(n, key);
    if (s == "true") return true;
    if (s == "false") return false;
    fail(key, "expected true or false, got '" + s + "'");
}

std::string YamlReader::oneOf(const std::string& key, const std::string& fallback,
                              std::initializer_list<const char*> choices) const {
    const std::string v = string(key, fallback);
    if (std::any_of(choices.begin(), choices.end(), [&](const char* c) { return v == c; })) return v;
    std::string list;
    for (const char* c : choices)
        list += (list.empty() ? "" : ", ") + std::string(c);
    fail(key, "expected one of " + list + ", got '" + v + "'");
}

std::optional<YamlReader> YamlReader::child(const std::string& key) const {
    const YAML::Node n = _node[key];
    if (!n || n.IsNull()) return std::nullopt;
    if (!n.IsMap()) fail(key, "expected a mapping of keys");
    return YamlReader(n, _file, keyPath(key));
}

std::vector<YamlReader> YamlReader::list(const std::string& key) const {
    std::vector<YamlReader> out;
    const YAML::Node n = _node[key];
    if (!n || n.IsNull()) return out;
    if (!n.IsSequence()) fail(key, "expected a list");
    for (std::size_t i = 0; i < n.size(); ++i) {
        const std::string p = keyPath(key) + "[" + std::to_string(i) + "]";
        if (!n[i].IsMap()) throw ConfigError(whereOf(n[i]) + ": " + p + ": expected a mapping of keys");
        out.emplace_back(n[i], _file, p);
    }
    return out;
}

std::vector<std::string> YamlReader::stringList(const std::string& key) const {
    std::vector<std::string> out;
    const YAML::Node n = _node[key];
    if (!n || n.IsNull()) return out;
    if (!n.IsSequence()) fail(key, "expected a list");
    for (std::size_t i = 0; i < n.size(); ++i)
        out.push_back(scalar(n[i], key + "[" + std::to_string(i) + "]"));
    return out;
}

std::vector<std::string> YamlReader::keys() const {
    std::vector<std::string> out;
    for (auto it = _node.begin(); it != _node.end(); ++it)
        out.push_back(it->first.as<std::string>());
    return out;
}

std::map<std::string, std::string> YamlReader::stringMap() const {
    std::map<std::string, std::string> out;
    for (auto it = _node.begin(); it != _node.end(); ++it) {
        const std::string k = it->first.as<std::string>();
        out[k] = scalar(it->second, k);
    }
    return out;
}

void YamlReader::toJson(const YAML::Node& n, const std::string& path, std::string& out) const {
    if (n.IsMap()) {
        out += '{';
        bool first = true;
        for (auto it = n.begin(); it != n.end(); ++it) {
            if (!first) out += ',';
            first = false;
            const std::string k = it->first.as<std::string>();
            appendJsonString(out, k);
            out += ':';
            toJson(it->second, path + "." + k, out);
        }
        out += '}';
    } else if (n.IsSequence()) {
        out += '[';
        for (std::size_t i = 0; i < n.size(); ++i) {
            if (i) out += ',';
            toJson(n[i], path + "[" + std::to_string(i) + "]", out);
        }
        out += ']';
    } else if (n.IsNull()) {
        out += "null";
    } else {
        std::string v;
        try {
            v = expandEnv(n.Scalar());
        } catch (const std::invalid_argument& e) {
            throw ConfigError(whereOf(n) + ": " + path + ": " + e.what());
        }
        // Quoted scalars stay strings; plain ones keep their YAML type. Numbers are
        // copied verbatim (never through a double) so "1.08500" keeps its digits.
        const bool quoted = n.Tag() == "!";
        if (!quoted && (v == "true" || v == "false"))
            out += v;
        else if (!quoted && isJsonNumber(v))
            out += v;
        else
            appendJsonString(out, v);
    }
}

std::string YamlReader::json(const std::string& key) const {
    const YAML::Node n = _node[key];
    if (!n || n.IsNull()) return "{}";
    if (!n.IsMap()) fail(key, "expected a mapping of keys");
    std::string out;
    toJson(n, keyPath(key), out);
    return out;
}

}  // namespace bourse
