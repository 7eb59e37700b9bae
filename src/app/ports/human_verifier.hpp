#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "app/result.hpp"
#include "domain/time.hpp"

namespace paredao {

// What a verified human check proves: that the work of one challenge was done. The challenge id
// still has to be burned in the ReplayGuard to make it single-use.
struct HumanProof {
  std::string challenge_id;
  TimePoint expires_at;
};

// Issues and checks proof-of-work challenges bound to a poll. Thread-safe, non-blocking.
class HumanVerifier {
 public:
  virtual ~HumanVerifier() = default;
  // The challenge document served to clients (its wire format is the adapter's business),
  // asking for `work`: at most that many hash evaluations to solve it.
  virtual std::string issue_challenge(std::string_view poll_id, TimePoint now,
                                      std::uint32_t work) = 0;
  // Checks a solved payload for `poll_id` at `now`. Fails with kHumanCheckFailed, whose detail
  // says why (malformed, tampered, expired, other poll, insufficient work).
  virtual Result<HumanProof> verify(std::string_view payload, std::string_view poll_id,
                                    TimePoint now) const = 0;
};

}  // namespace paredao
