#include "adapters/tracing/traceparent.hpp"

#include <cstddef>

namespace paredao {
namespace {

constexpr std::string_view kHex = "0123456789abcdef";

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;  // upper case is invalid too
}

// Fills `out` from exactly 2 × out.size() lower-case hex digits.
template <std::size_t N>
bool parse_hex(std::string_view text, std::array<std::uint8_t, N>& out) {
  if (text.size() != 2 * N) return false;
  for (std::size_t i = 0; i < N; ++i) {
    const int high = hex_value(text[2 * i]);
    const int low = hex_value(text[2 * i + 1]);
    if (high < 0 || low < 0) return false;
    out[i] = std::uint8_t(high << 4 | low);
  }
  return true;
}

template <std::size_t N>
std::string to_hex(const std::array<std::uint8_t, N>& bytes) {
  std::string text;
  text.reserve(2 * N);
  for (const auto byte : bytes) {
    text += kHex[byte >> 4];
    text += kHex[byte & 0xf];
  }
  return text;
}

}  // namespace

std::optional<TraceContext> parse_traceparent(std::string_view text) {
  // version(2) - trace id(32) - span id(16) - flags(2): 55 characters.
  constexpr std::size_t kLength = 55;
  if (text.size() < kLength || text[2] != '-' || text[35] != '-' || text[52] != '-') {
    return std::nullopt;
  }
  std::array<std::uint8_t, 1> version{};
  std::array<std::uint8_t, 1> flags{};
  TraceContext context;
  if (!parse_hex(text.substr(0, 2), version) || version[0] == 0xff ||
      !parse_hex(text.substr(3, 32), context.trace_id) ||
      !parse_hex(text.substr(36, 16), context.span_id) || !parse_hex(text.substr(53, 2), flags)) {
    return std::nullopt;
  }
  // Version 00 has exactly these fields; a later one may add more after a dash.
  if (text.size() > kLength && (version[0] == 0 || text[kLength] != '-')) return std::nullopt;
  if (!context.valid()) return std::nullopt;
  context.sampled = (flags[0] & 0x01) != 0;
  return context;
}

std::string format_traceparent(const TraceContext& context) {
  if (!context.valid()) return {};
  return "00-" + trace_id_hex(context) + "-" + span_id_hex(context) +
         (context.sampled ? "-01" : "-00");
}

std::string trace_id_hex(const TraceContext& context) { return to_hex(context.trace_id); }
std::string span_id_hex(const TraceContext& context) { return to_hex(context.span_id); }

}  // namespace paredao
