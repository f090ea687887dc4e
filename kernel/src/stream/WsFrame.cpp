#include "stream/WsFrame.h"

namespace bourse::ws {

std::string encode(Opcode opcode, std::string_view payload) {
    std::string out;
    out.reserve(payload.size() + 10);
    out.push_back(static_cast<char>(0x80 | opcode));
    const std::uint64_t n = payload.size();
    if (n < 126) {
        out.push_back(static_cast<char>(n));
    } else if (n <= 0xFFFF) {
        out.push_back(static_cast<char>(126));
        out.push_back(static_cast<char>(n >> 8));
        out.push_back(static_cast<char>(n & 0xFF));
    } else {
        out.push_back(static_cast<char>(127));
        for (int shift = 56; shift >= 0; shift -= 8)
            out.push_back(static_cast<char>((n >> shift) & 0xFF));
    }
    out.append(payload);
    return out;
}

std::string encodeClose(std::uint16_t code, std::string_view reason) {
    std::string payload;
    payload.push_back(static_cast<char>(code >> 8));
    payload.push_back(static_cast<char>(code & 0xFF));
    payload.append(reason.substr(0, 120));
    return encode(Close, payload);
}

std::string encodeMasked(Opcode opcode, std::string_view payload, std::uint32_t maskKey) {
    std::string out = encode(opcode, payload);
    // Same layout as a server frame plus the mask bit and the 4-byte key before the payload.
    const std::size_t header = out.size() - payload.size();
    out[1] = static_cast<char>(static_cast<std::uint8_t>(out[1]) | 0x80);
    const char key[4] = {static_cast<char>(maskKey >> 24), static_cast<char>(maskKey >> 16),
                         static_cast<char>(maskKey >> 8), static_cast<char>(maskKey)};
    out.insert(header, key, 4);
    for (std::size_t i = 0; i < payload.size(); ++i)
        out[header + 4 + i] = static_cast<char>(out[header + 4 + i] ^ key[i % 4]);
    return out;
}

std::string encodeMaskedClose(std::uint16_t code, std::uint32_t maskKey) {
    const char payload[2] = {static_cast<char>(code >> 8), static_cast<char>(code & 0xFF)};
    return encodeMasked(Close, std::string_view(payload, 2), maskKey);
}

std::uint16_t closeCode(std::string_view payload) {
    if (payload.size() < 2) return 1005;
    return static_cast<std::uint16_t>((static_cast<std::uint8_t>(payload[0]) << 8) |
                                      static_cast<std::uint8_t>(payload[1]));
}

std::optional<Frame> FrameParser::next(std::string& buf, std::uint16_t& error) {
    std::size_t pos = 0;
    auto frame = next(static_cast<const std::string&>(buf), pos, error);
    if (frame) buf.erase(0, pos);
    return frame;
}

std::optional<Frame> FrameParser::next(const std::string& buf, std::size_t& start, std::uint16_t& error) {
    error = 0;
    const std::size_t avail = buf.size() - start;
    if (avail < 2) return std::nullopt;
    const char* p = buf.data() + start;
    const auto b0 = static_cast<std::uint8_t>(p[0]);
    const auto b1 = static_cast<std::uint8_t>(p[1]);
    if (b0 & 0x70) {  // reserved bits: no extension was negotiated
        error = 1002;
        return std::nullopt;
    }
    const bool masked = (b1 & 0x80) != 0;
    if (masked != (_from == From::Client)) {  // clients must mask, servers must not
        error = 1002;
        return std::nullopt;
    }
    std::size_t pos = 2;
    std::uint64_t len = b1 & 0x7F;
    if (len == 126) {
        if (avail < 4) return std::nullopt;
        len = (static_cast<std::uint64_t>(static_cast<std::uint8_t>(p[2])) << 8) | static_cast<std::uint8_t>(p[3]);
        pos = 4;
    } else if (len == 127) {
        if (avail < 10) return std::nullopt;
        len = 0;
        for (int i = 0; i < 8; ++i)
            len = (len << 8) | static_cast<std::uint8_t>(p[2 + i]);
        pos = 10;
    }
    const bool control = (b0 & 0x08) != 0;
    if (control && (len > 125 || !(b0 & 0x80))) {  // RFC 6455 5.5: short and never fragmented
        error = 1002;
        return std::nullopt;
    }
    if (len > _maxPayload) {
        error = 1009;
        return std::nullopt;
    }
    const std::size_t maskBytes = masked ? 4 : 0;
    if (avail < pos + maskBytes + len) return std::nullopt;
    const char* mask = p + pos;
    pos += maskBytes;
    Frame f{static_cast<Opcode>(b0 & 0x0F), (b0 & 0x80) != 0, std::string(p + pos, len)};
    if (masked)
        for (std::size_t i = 0; i < f.payload.size(); ++i)
            f.payload[i] = static_cast<char>(f.payload[i] ^ mask[i % 4]);
    start += pos + len;
    return f;
}

}  // namespace bourse::ws
