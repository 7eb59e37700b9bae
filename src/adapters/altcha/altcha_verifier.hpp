#pragma once
#include <cstdint>
#include <string>

#include "adapters/altcha/altcha_crypto.hpp"
#include "app/ports/human_verifier.hpp"

namespace paredao {

struct AltchaSettings {
  std::string secret;              // HMAC key for challenge signatures; never leaves the server
  std::int64_t ttl_seconds = 300;  // a challenge expires this long after it is issued
  altcha::Derivation derivation;   // --pow-algorithm and its costs
};

// ALTCHA protocol v2 challenges in deterministic mode, algorithm "SHA-256" or "SCRYPT" (memory
// hard): the server draws a secret counter, derives key = KDF(salt, nonce ‖ counter) and publishes
// the first half of the key as `keyPrefix`; the client finds the counter by trying them in order,
// so the work is exactly the counter it had to reach. `data.poll` binds the challenge to a poll;
// `expiresAt` bounds its life; the HMAC signature over the canonical parameters makes every part
// tamper-evident. Verification re-derives the key from the submitted counter: a payload is only
// accepted if it carries the work its signed parameters asked for. Thread-safe.
class AltchaVerifier final : public HumanVerifier {
 public:
  explicit AltchaVerifier(AltchaSettings settings);

  std::string issue_challenge(std::string_view poll_id, TimePoint now, std::uint32_t work) override;
  Result<HumanProof> verify(std::string_view payload, std::string_view poll_id,
                            TimePoint now) const override;

 private:
  // SCRYPT's block size, signed as "memoryCost"; 0 for SHA-256, which has none.
  std::int64_t memory_cost() const {
    return settings_.derivation.algorithm == altcha::Algorithm::kScrypt
               ? settings_.derivation.memory_cost
               : 0;
  }
  AltchaSettings settings_;
  altcha::HmacSha256 signer_;
};

}  // namespace paredao
