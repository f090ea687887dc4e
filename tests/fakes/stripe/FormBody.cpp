#include "stripe/FormBody.h"

#include <algorithm>
#include <cctype>

namespace bourse::fakes::stripe {

namespace {

int hexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

bool segmentMatches(const std::string& pattern, const std::string& segment) {
    if (pattern == "*") return !segment.empty();
    if (pattern == "#")
        return std::all_of(segment.begin(), segment.end(), [](unsigned char c) { return std::isdigit(c); });
    return pattern == segment;
}

bool matches(const std::vector<std::string>& pattern, const std::vector<std::string>& path) {
    if (pattern.size() != path.size()) return false;
    for (std::size_t i = 0; i < path.size(); ++i)
        if (!segmentMatches(pattern[i], path[i])) return false;
    return true;
}

}  // namespace

std::string formDecode(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '+') {
            out += ' ';
        } else if (text[i] == '%') {
            const int hi = i + 2 < text.size() ? hexValue(text[i + 1]) : -1;
            const int lo = i + 2 < text.size() ? hexValue(text[i + 2]) : -1;
            if (hi < 0 || lo < 0) throw FormError("invalid percent-encoding in the request body");
            out += static_cast<char>(hi * 16 + lo);
            i += 2;
        } else {
            out += text[i];
        }
    }
    return out;
}

std::vector<std::string> keyPath(const std::string& key) {
    const std::size_t open = key.find('[');
    if (key.empty() || open == 0) throw FormError("invalid parameter name '" + key + "'");
    std::vector<std::string> out{key.substr(0, open)};
    if (out[0].find(']') != std::string::npos) throw FormError("invalid parameter name '" + key + "'");
    std::size_t at = open;
    while (at != std::string::npos && at < key.size()) {
        if (key[at] != '[') throw FormError("invalid parameter name '" + key + "'");
        const std::size_t close = key.find(']', at);
        if (close == std::string::npos) throw FormError("invalid parameter name '" + key + "' (unbalanced brackets)");
        const std::string segment = key.substr(at + 1, close - at - 1);
        if (segment.find('[') != std::string::npos)
            throw FormError("invalid parameter name '" + key + "' (unbalanced brackets)");
        out.push_back(segment);
        at = close + 1;
    }
    return out;
}

FormBody parseFormBody(std::string_view body) {
    FormBody out;
    std::size_t start = 0;
    while (start < body.size()) {
        const std::size_t amp = std::min(body.find('&', start), body.size());
        const std::string_view item = body.substr(start, amp - start);
        start = amp + 1;
        if (item.empty()) continue;
        const std::size_t eq = item.find('=');
        std::string key = formDecode(item.substr(0, eq));
        std::string value = eq == std::string_view::npos ? "" : formDecode(item.substr(eq + 1));
        (void)keyPath(key);  // refuses malformed names
        out.values[key] = value;
        out.fields.emplace_back(std::move(key), std::move(value));
    }
    return out;
}

std::optional<std::string> FormBody::get(const std::string& key) const {
    const auto it = values.find(key);
    if (it == values.end() || it->second.empty()) return std::nullopt;
    return it->second;
}

std::map<std::string, std::string> FormBody::children(const std::string& prefix) const {
    std::map<std::string, std::string> out;
    const std::string lead = prefix + "[";
    for (const auto& [key, value] : values) {
        if (key.rfind(lead, 0) != 0) continue;
        const std::size_t close = key.find(']', lead.size());
        if (close == std::string::npos || close + 1 != key.size()) continue;  // nested deeper: not a direct child
        out[key.substr(lead.size(), close - lead.size())] = value;
    }
    return out;
}

std::optional<std::string> unknownParameter(const FormBody& body, const std::vector<std::string>& patterns) {
    std::vector<std::vector<std::string>> parsed;
    parsed.reserve(patterns.size());
    for (const auto& p : patterns)
        parsed.push_back(keyPath(p));
    for (const auto& [key, value] : body.fields) {
        const auto path = keyPath(key);
        if (std::none_of(parsed.begin(), parsed.end(), [&](const auto& p) { return matches(p, path); })) return key;
    }
    return std::nullopt;
}

}  // namespace bourse::fakes::stripe
