// Any body for POST /api/v1/polls: parsing and validation never crash, and a request that passes
// validation always makes a poll whose ids are valid and distinct.
#include <cstdint>
#include <set>
#include <string_view>

#include "adapters/http/request_parsing.hpp"
#include "domain/ids.hpp"
#include "domain/new_poll.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const auto now = *paredao::parse_rfc3339("2026-11-25T20:00:00Z");
  const auto body =
      paredao::http::parse_json_body(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!body.ok()) return 0;
  const auto request = paredao::http::parse_new_poll(body.value());
  if (!request.ok() || paredao::validate(request.value(), now)) return 0;
  const auto poll = paredao::make_poll(
      request.value(), [] { return std::string("generated"); }, now);
  std::set<std::string> ids;
  for (const auto& candidate : poll.candidates) {
    if (!paredao::is_valid_id(candidate.id) || !ids.insert(candidate.id).second) __builtin_trap();
  }
  if (!paredao::is_valid_id(poll.id)) __builtin_trap();
  return 0;
}
