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

// The key derivations this server asks for (ALTCHA PoW v2 "algorithm").
enum class Algorithm { kSha256, kScrypt };

struct Derivation {
  Algorithm algorithm = Algorithm::kSha256;
  // SHA-256: rounds. SCRYPT: N, the CPU/memory cost (a power of two).
  std::int64_t cost = 1;
  // SCRYPT: r, the block size (memory is 128 × N × r bytes); parallelism is always 1.
  std::int64_t memory_cost = 8;
};

// The algorithm's name in ALTCHA's parameters ("SHA-256", "SCRYPT"), and back.
std::string_view algorithm_name(Algorithm algorithm);
std::optional<Algorithm> algorithm_from_name(std::string_view name);

// The key of one counter: `derive_sha256`, or for SCRYPT
// scrypt(password = nonce ‖ counter as big-endian uint32, salt, N = cost, r = memory_cost, p = 1),
// as altcha-lib and the widget's worker compute it. Throws std::runtime_error if OpenSSL refuses
// the parameters (checked once at start: see check_derivation).
Key derive(const Derivation& derivation, std::span<const std::uint8_t> salt,
           std::span<const std::uint8_t> nonce, std::uint32_t counter);

// What is wrong with a derivation's parameters, or nullopt when OpenSSL can derive with them.
std::optional<std::string> check_derivation(const Derivation& derivation);

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
