#include "domain/ids.hpp"

#include "domain/text.hpp"

namespace paredao {
namespace {

bool is_id_head(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool is_id_tail(char c) { return is_id_head(c) || c == '-'; }

// Base letter of the Latin-1 Supplement letters used in Portuguese and its neighbours.
char latin1_base(char32_t cp) {
  static constexpr std::string_view kBases =
      "aaaaaaaceeeeiiiidnooooo/ouuuuyts"   // U+00C0..U+00DF, folded to lower case
      "aaaaaaaceeeeiiiidnooooo/ouuuuyty";  // U+00E0..U+00FF
  if (cp < 0xC0 || cp > 0xFF) return 0;
  const char base = kBases[cp - 0xC0];
  return base == '/' ? 0 : base;
}

}  // namespace

bool is_valid_id(std::string_view id) {
  if (id.empty() || id.size() > kMaxIdLength || !is_id_head(id.front())) return false;
  for (char c : id) {
    if (!is_id_tail(c)) return false;
  }
  return true;
}

std::string slugify(std::string_view name) {
  std::string slug;
  bool pending_dash = false;
  for_each_code_point(name, [&](char32_t cp) {
    char c = 0;
    if (cp < 0x80 && ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9')))
      c = char(cp);
    else if (cp >= 'A' && cp <= 'Z')
      c = char(cp - 'A' + 'a');
    else
      c = latin1_base(cp);
    if (c == 0) {
      pending_dash = !slug.empty();
      return;
    }
    if (pending_dash && slug.size() + 1 < kMaxIdLength) slug.push_back('-');
    pending_dash = false;
    if (slug.size() < kMaxIdLength) slug.push_back(c);
  });
  while (!slug.empty() && slug.back() == '-') slug.pop_back();
  return slug;
}

}  // namespace paredao
