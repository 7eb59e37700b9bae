#pragma once
#include "domain/time.hpp"

namespace paredao {

// The current time. Injected so that schedules and expiry can be tested without waiting.
// Implementations are thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;
};

}  // namespace paredao
