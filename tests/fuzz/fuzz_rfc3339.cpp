// Any time string: parsing never crashes, and whatever parses formats back to a string that
// parses to the same instant truncated to the second.
#include <cstdint>
#include <string_view>

#include "domain/time.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto parsed =
      paredao::parse_rfc3339(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!parsed) return 0;
  const auto again = paredao::parse_rfc3339(paredao::format_rfc3339(*parsed));
  if (!again || *again != paredao::floor_to_second(*parsed)) __builtin_trap();
  return 0;
}
