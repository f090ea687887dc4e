//
// Ids.h — identifiers for users, positions and journal transactions.
//
// "<prefix>_" + 12 hex digits of epoch milliseconds + 10 hex digits of a
// per-process counter seeded at random: time-ordered (so ids work as paging
// cursors and index well), unique across instances with overwhelming
// probability, and never a float-unsafe number in JSON. Thread-safe.
//
#pragma once

#include <string>
#include <string_view>

namespace bourse {

std::string newId(std::string_view prefix);

}  // namespace bourse
