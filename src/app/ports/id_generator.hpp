#pragma once
#include <string>

#include "domain/time.hpp"

namespace paredao {

// Fresh identifiers. Thread-safe. Ids never repeat for the life of a deployment (random bits
// from a cryptographic source, not a counter), so several processes may generate them at once.
class IdGenerator {
 public:
  virtual ~IdGenerator() = default;
  // A time-ordered vote id (UUIDv7) whose timestamp is `at`.
  virtual std::string vote_id(TimePoint at) = 0;
  // A random poll id matching the id pattern of the contract.
  virtual std::string poll_id() = 0;
};

}  // namespace paredao
