//
// StateText.h — a live bot's saved state, kept deflated in memory.
//
// The bot runner holds every live bot's state as its product last saved it:
// 1.5 KB of JSON for a DCA bot, 3.5 KB for a grid, a third of all the memory
// a bot costs — for text that only a call into the product (which reads it to
// rebuild its engine after a reload or a failed commit) and the API read.
// Deflated it is a fifth of that; inflating it for a call costs microseconds,
// and idle bots are rarely called.
//
// A compact value starts with a NUL byte (JSON text never does), so plain()
// takes either form: Bot::stateJson read from the database stays plain text.
//
// Threading: pure functions. Errors: std::runtime_error if zlib fails (out of
// memory) or the compact value is corrupt.
//
#pragma once

#include <string>

namespace bourse::stateText {

/// `json` deflated and marked as such.
std::string compact(const std::string& json);
/// The JSON text of a value compact() made; a plain text is returned as it is.
std::string plain(const std::string& stored);

}  // namespace bourse::stateText
