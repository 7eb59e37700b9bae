#pragma once
// The parameters of the challenges this server issues, and the exact text their signature covers.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace paredao::altcha {

inline constexpr std::int64_t kKeyLength = 32;  // bytes of the derived key ("keyLength")

struct ChallengeParameters {
  std::string_view algorithm = "SHA-256";  // "SHA-256" or "SCRYPT"
  std::int64_t cost = 1;
  std::int64_t memory_cost = 0;  // "memoryCost", written when above 0 (SCRYPT's r)
  std::string_view poll_id;      // "data": {"poll": …}
  std::int64_t expires_at = 0;   // unix seconds
  std::string_view key_prefix;   // lowercase hex
  std::string_view nonce;        // lowercase hex
  std::string_view salt;         // lowercase hex
};

// The parameters as altcha-lib's canonicalJSON prints them (JSON.stringify with keys sorted),
// which is the text ALTCHA signs. Strings are written as they are: the caller passes only hex
// and poll ids (domain ids), none of which JSON escapes.
std::string signed_text(const ChallengeParameters& parameters);
// The keys at the top of that text: algorithm, cost, data, expiresAt, keyLength, keyPrefix,
// [memoryCost,] nonce, salt.
inline constexpr std::size_t signed_key_count(std::int64_t memory_cost) {
  return memory_cost > 0 ? 9 : 8;
}

}  // namespace paredao::altcha
