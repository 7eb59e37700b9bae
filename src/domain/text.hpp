#pragma once
// UTF-8 helpers for the rules that count characters or compare names. Input is assumed to be
// valid UTF-8 (the JSON parser has already refused anything else).
#include <cstddef>
#include <string>
#include <string_view>

namespace paredao {

// Calls fn(char32_t) for each code point of a valid UTF-8 string.
template <class Fn>
void for_each_code_point(std::string_view s, Fn&& fn) {
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    const int length = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : 4;
    char32_t cp = length == 1   ? c
                  : length == 2 ? (c & 0x1F)
                  : length == 3 ? (c & 0x0F)
                                : (c & 0x07);
    for (int k = 1; k < length && i + k < s.size(); ++k) {
      cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    }
    fn(cp);
    i += length;
  }
}

std::size_t count_code_points(std::string_view s);

// Removes Unicode white space (ASCII blanks, NBSP and the U+2000 block) from both ends.
std::string_view trim(std::string_view s);

// A key under which two names are "the same" ignoring case and surrounding spaces:
// trimmed, then lowercased for ASCII, Latin-1 and Latin Extended-A letters.
std::u32string fold_name(std::string_view name);

}  // namespace paredao
