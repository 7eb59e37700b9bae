#pragma once
// A live look at one dependency, for /readyz: judged by trying it now, never by the outcome of
// the last request (a balancer would then never send a recovered copy another vote).
#include <string>

namespace paredao {

enum class Health {
  kUp,
  kDegraded,  // down, but votes are still accepted without it (named in a 200)
  kDown,      // votes cannot be accepted now (503)
};

struct DependencyHealth {
  std::string dependency;  // "sqlite", "redis", "rabbitmq", "postgres"
  Health health = Health::kUp;
  std::string detail;  // why, when not up
};

// Blocking (it may open a connection, with a short timeout); called from one thread at a time.
class HealthProbe {
 public:
  virtual ~HealthProbe() = default;
  virtual DependencyHealth probe() = 0;
};

}  // namespace paredao
