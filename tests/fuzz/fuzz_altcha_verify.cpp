// Any input as the `altcha` field of a vote: the verifier must never crash, and must never accept
// (no input can carry a valid HMAC of our secret without the secret).
#include <cstdint>
#include <string_view>

#include "adapters/altcha/altcha_verifier.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static paredao::AltchaVerifier verifier(paredao::AltchaSettings{.secret = "fuzz-secret"});
  static const auto now = *paredao::parse_rfc3339("2026-11-25T20:00:00Z");
  const std::string_view payload(reinterpret_cast<const char*>(data), size);
  if (verifier.verify(payload, "poll", now).ok()) __builtin_trap();
  return 0;
}
