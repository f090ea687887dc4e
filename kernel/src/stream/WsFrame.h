//
// WsFrame.h — RFC 6455 framing for the stream hub: encoding server frames
// (never masked, so one encoding serves every recipient) and incrementally
// parsing client frames (always masked) from a byte buffer.
//
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace bourse::ws {

enum Opcode : std::uint8_t { Continuation = 0x0, Text = 0x1, Binary = 0x2, Close = 0x8, Ping = 0x9, Pong = 0xA };

/// A complete server frame (FIN set) carrying payload.
std::string encode(Opcode opcode, std::string_view payload);
/// A close frame with a status code and reason.
std::string encodeClose(std::uint16_t code, std::string_view reason);
/// The status code carried by a close frame's payload; 1005 ("no status") when absent.
std::uint16_t closeCode(std::string_view payload);

struct Frame {
    Opcode opcode;
    bool fin;
    std::string payload;  ///< unmasked
};

/// Parses client frames out of `buffer`, consuming what it parses.
class FrameParser {
public:
    explicit FrameParser(std::size_t maxPayload) : _maxPayload(maxPayload) {}

    /// The next complete frame, nullopt if more bytes are needed. Sets `error`
    /// (a close status: 1002 protocol error, 1009 too big) and returns nullopt
    /// when the peer broke the protocol: reserved bits, an unmasked frame, or a
    /// control frame that is fragmented or longer than 125 bytes.
    std::optional<Frame> next(std::string& buffer, std::uint16_t& error);

private:
    std::size_t _maxPayload;
};

}  // namespace bourse::ws
