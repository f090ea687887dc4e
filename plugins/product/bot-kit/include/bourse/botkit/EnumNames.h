//
// bourse/botkit/EnumNames.h — engine enums as words in saved state.
//
// A table lists the words in the enum's order (index = the enum's value):
//   constexpr std::array kSide{"buy", "sell"};
//   j->set("side", nameOf(kSide, order.side));
//   order.side = enumOf<bots::Side>(kSide, reader, "side");
// The words are what saved states hold: a value added to an engine enum needs
// its word added to the table, and a table is never reordered. Errors: enumOf throws Error(BOURSE_E_INTERNAL)
// through StateReader::fail for a word not in the table; nameOf throws
// std::out_of_range for a value past it. Thread-safe.
//
#pragma once

#include <bourse/botkit/Json.h>

#include <array>
#include <cstddef>
#include <string>

namespace bourse::botkit {

template <class E, std::size_t N>
const char* nameOf(const std::array<const char*, N>& names, E value) {
    return names.at(static_cast<std::size_t>(value));
}

template <class E, std::size_t N>
E enumOf(const std::array<const char*, N>& names, const StateReader& in, const char* key) {
    const std::string word = in.text(key);
    for (std::size_t i = 0; i < N; ++i)
        if (word == names[i]) return static_cast<E>(i);
    in.fail(key, "unknown value '" + word + "'");
}

}  // namespace bourse::botkit
