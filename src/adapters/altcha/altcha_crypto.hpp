#pragma once
// The few primitives ALTCHA needs, on OpenSSL: SHA-256 key derivation, HMAC-SHA-256, base64
// and a constant-time comparison (hex is in adapters/encoding).
#include <openssl/sha.h>

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace paredao::altcha {

using Key = std::array<std::uint8_t, 32>;

// ALTCHA's "SHA-256" derivation: SHA-256(salt ‖ nonce ‖ counter as big-endian uint32), then
// `cost - 1` more rounds of SHA-256 over the previous digest.
Key derive_sha256(std::span<const std::uint8_t> salt, std::span<const std::uint8_t> nonce,
                  std::uint32_t counter, std::int64_t cost);

// HMAC-SHA-256 with the key absorbed once: signing is then two SHA-256 finishes. OpenSSL's
// one-shot HMAC() looks the digest up and builds contexts on every call, which measured at about
// 26,000 instructions per signature, a third of a vote's verification. Immutable, thread-safe.
class HmacSha256 {
 public:
  explicit HmacSha256(std::string_view key);
  Key sign(std::string_view message) const;

 private:
  SHA256_CTX inner_;  // state after hashing key ⊕ ipad
  SHA256_CTX outer_;  // state after hashing key ⊕ opad
};

// Standard base64 with padding (what btoa produces); nullopt for anything else.
std::optional<std::string> from_base64(std::string_view text);

bool constant_time_equal(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b);

}  // namespace paredao::altcha
