//
// JsonBody.h — strict reading of a JSON request body: unknown fields, missing
// fields and wrong types are HttpError 400 naming the field.
//
#pragma once

#include "http/HttpError.h"

#include <Poco/JSON/Object.h>

#include <initializer_list>
#include <optional>
#include <string>

namespace bourse {

class JsonBody {
public:
    JsonBody(const Poco::JSON::Object& object, std::initializer_list<const char*> allowed) : _o(object) {
        for (const auto& [name, value] : _o) {
            bool known = false;
            for (const char* a : allowed)
                known = known || name == a;
            if (!known) throw HttpError::badRequest(name + ": unknown field", name);
        }
    }

    /// A string field; 400 if missing (unless optional), not a string, or longer than maxLen.
    [[nodiscard]] std::optional<std::string> optString(const std::string& name, std::size_t maxLen = 1024) const {
        if (!_o.has(name) || _o.isNull(name)) return std::nullopt;
        const Poco::Dynamic::Var v = _o.get(name);
        if (!v.isString()) throw HttpError::badRequest(name + ": must be a string", name);
        std::string s = v.convert<std::string>();
        if (s.size() > maxLen)
            throw HttpError::badRequest(name + ": longer than " + std::to_string(maxLen) + " characters", name);
        return s;
    }
    [[nodiscard]] std::string string(const std::string& name, std::size_t maxLen = 1024) const {
        auto v = optString(name, maxLen);
        if (!v) throw HttpError::badRequest(name + ": is required", name);
        return *v;
    }
    /// An integer field (JSON number without fraction).
    [[nodiscard]] std::optional<long long> optInteger(const std::string& name) const {
        if (!_o.has(name) || _o.isNull(name)) return std::nullopt;
        const Poco::Dynamic::Var v = _o.get(name);
        if (!v.isInteger()) throw HttpError::badRequest(name + ": must be a whole number", name);
        return v.convert<long long>();
    }
    [[nodiscard]] long long integer(const std::string& name) const {
        auto v = optInteger(name);
        if (!v) throw HttpError::badRequest(name + ": is required", name);
        return *v;
    }
    [[nodiscard]] std::optional<bool> optBool(const std::string& name) const {
        if (!_o.has(name) || _o.isNull(name)) return std::nullopt;
        const Poco::Dynamic::Var v = _o.get(name);
        if (!v.isBoolean()) throw HttpError::badRequest(name + ": must be true or false", name);
        return v.convert<bool>();
    }

private:
    const Poco::JSON::Object& _o;
};

}  // namespace bourse
