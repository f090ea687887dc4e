//
// WsFrame.h — RFC 6455 framing, both ways: the stream hub encodes server
// frames (never masked, so one encoding serves every recipient) and parses
// client frames (always masked); the outbound client (plugins/WsClient) encodes
// masked client frames and parses server frames. Parsing is incremental, from a
// byte buffer that may hold many frames.
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
/// A complete client frame (FIN set), masked with `maskKey` as RFC 6455 requires
/// of clients (the key should be unpredictable: it protects proxies, not data).
std::string encodeMasked(Opcode opcode, std::string_view payload, std::uint32_t maskKey);
/// A masked close frame with a status code.
std::string encodeMaskedClose(std::uint16_t code, std::uint32_t maskKey);
/// The status code carried by a close frame's payload; 1005 ("no status") when absent.
std::uint16_t closeCode(std::string_view payload);

struct Frame {
    Opcode opcode;
    bool fin;
    std::string payload;  ///< unmasked
};

/// Parses frames out of a buffer. A server parses client frames (which must be
/// masked); a client parses server frames (which must not be).
class FrameParser {
public:
    enum class From { Client, Server };

    explicit FrameParser(std::size_t maxPayload, From from = From::Client) : _maxPayload(maxPayload), _from(from) {}

    /// The next complete frame, nullopt if more bytes are needed. Sets `error`
    /// (a close status: 1002 protocol error, 1009 too big) and returns nullopt
    /// when the peer broke the protocol: reserved bits, a frame masked the wrong
    /// way, or a control frame that is fragmented or longer than 125 bytes.
    /// Consumes what it parses from the front of `buffer`.
    std::optional<Frame> next(std::string& buffer, std::uint16_t& error);
    /// The same from `buffer` starting at `pos`, advancing `pos` past the frame
    /// (for buffers holding many frames: erase once, after the last).
    std::optional<Frame> next(const std::string& buffer, std::size_t& pos, std::uint16_t& error);

private:
    std::size_t _maxPayload;
    From _from;
};

}  // namespace bourse::ws
