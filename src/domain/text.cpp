#include "domain/text.hpp"

namespace paredao {
namespace {

bool is_space(char32_t cp) {
  return cp == ' ' || (cp >= 0x09 && cp <= 0x0D) || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
         (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F ||
         cp == 0x205F || cp == 0x3000 || cp == 0xFEFF;
}

std::size_t sequence_length(unsigned char lead) {
  return lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xE ? 3 : 4;
}

char32_t to_lower(char32_t cp) {
  if (cp >= 'A' && cp <= 'Z') return cp + 32;
  if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) return cp + 32;
  // Latin Extended-A: upper case at even code points, lower case right after (with exceptions
  // that do not matter for names: U+0130, U+0138, U+0149, U+017F).
  if (cp >= 0x100 && cp <= 0x17F) {
    if ((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E)) return (cp % 2) ? cp + 1 : cp;
    return (cp % 2 == 0) ? cp + 1 : cp;
  }
  return cp;
}

}  // namespace

std::size_t count_code_points(std::string_view s) {
  std::size_t count = 0;
  for (unsigned char c : s) count += (c & 0xC0) != 0x80;
  return count;
}

std::string_view trim(std::string_view s) {
  // Leading: decode forward; trailing: step back over continuation bytes.
  std::size_t begin = 0;
  while (begin < s.size()) {
    const std::size_t length = sequence_length(static_cast<unsigned char>(s[begin]));
    char32_t cp = 0;
    for_each_code_point(s.substr(begin, length), [&](char32_t c) { cp = c; });
    if (!is_space(cp)) break;
    begin += length;
  }
  std::size_t end = s.size();
  while (end > begin) {
    std::size_t start = end - 1;
    while (start > begin && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) --start;
    char32_t cp = 0;
    for_each_code_point(s.substr(start, end - start), [&](char32_t c) { cp = c; });
    if (!is_space(cp)) break;
    end = start;
  }
  return s.substr(begin, end - begin);
}

std::u32string fold_name(std::string_view name) {
  std::u32string folded;
  for_each_code_point(trim(name), [&](char32_t cp) { folded.push_back(to_lower(cp)); });
  return folded;
}

}  // namespace paredao
