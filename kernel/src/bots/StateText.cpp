#include "bots/StateText.h"

#include <zlib.h>

#include <cstdint>
#include <cstring>
#include <stdexcept>

namespace bourse::stateText {

namespace {

constexpr std::size_t kHeader = 1 + sizeof(std::uint32_t);  // the NUL mark, then the plain length

}  // namespace

std::string compact(const std::string& json) {
    if (json.empty()) return json;
    uLongf size = compressBound(static_cast<uLong>(json.size()));
    std::string out(kHeader + size, '\0');
    const auto length = static_cast<std::uint32_t>(json.size());
    std::memcpy(out.data() + 1, &length, sizeof length);
    // Level 1: most of the gain at a fraction of the time (a state is saved on every fill).
    if (compress2(reinterpret_cast<Bytef*>(out.data() + kHeader), &size, reinterpret_cast<const Bytef*>(json.data()),
                  static_cast<uLong>(json.size()), 1) != Z_OK)
        throw std::runtime_error("bot state: deflate failed");
    out.resize(kHeader + size);
    out.shrink_to_fit();
    return out;
}

std::string plain(const std::string& stored) {
    if (stored.empty() || stored.front() != '\0') return stored;
    if (stored.size() < kHeader) throw std::runtime_error("bot state: truncated");
    std::uint32_t length = 0;
    std::memcpy(&length, stored.data() + 1, sizeof length);
    std::string out(length, '\0');
    uLongf size = length;
    if (uncompress(reinterpret_cast<Bytef*>(out.data()), &size, reinterpret_cast<const Bytef*>(stored.data() + kHeader),
                   static_cast<uLong>(stored.size() - kHeader)) != Z_OK ||
        size != length)
        throw std::runtime_error("bot state: corrupt");
    return out;
}

}  // namespace bourse::stateText
