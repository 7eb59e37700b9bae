#pragma once
// Hexadecimal text of bytes.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace paredao::hex {

// Lowercase.
std::string encode(std::span<const std::uint8_t> bytes);
// Decodes lowercase or uppercase hex of even length; nullopt otherwise.
std::optional<std::vector<std::uint8_t>> decode(std::string_view text);
// Decodes hex of exactly 2 × out.size() characters, of either case, into `out`; false otherwise.
bool decode_into(std::string_view text, std::span<std::uint8_t> out);
// The same for lowercase only: the one spelling `encode` writes.
bool decode_lowercase_into(std::string_view text, std::span<std::uint8_t> out);

}  // namespace paredao::hex
