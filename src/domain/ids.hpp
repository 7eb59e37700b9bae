#pragma once
// Public identifiers: polls, candidates and votes are named by strings matching
// [a-z0-9][a-z0-9-]{0,63}, a form safe in URLs, keys and file names alike.
#include <string>
#include <string_view>

namespace paredao {

constexpr std::size_t kMaxIdLength = 64;

bool is_valid_id(std::string_view id);

// Turns a display name into an id candidate: ASCII letters and digits kept (lowercased),
// common Latin accents reduced to their base letter, every other run of characters becomes
// one '-'. May return an empty string (e.g. for a name written only in emoji).
std::string slugify(std::string_view name);

}  // namespace paredao
