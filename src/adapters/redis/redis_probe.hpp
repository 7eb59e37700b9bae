#pragma once
#include "adapters/redis/redis_connection.hpp"
#include "app/ports/health_probe.hpp"

namespace paredao {

// A live PING on a connection of its own (short timeout). `when_down` says what Redis being down
// means for this process: kDown for an api copy (challenges cannot be burned: no vote).
class RedisProbe final : public HealthProbe {
 public:
  RedisProbe(redis::Endpoint endpoint, Health when_down)
      : connection_(std::move(endpoint), std::chrono::milliseconds(500)), when_down_(when_down) {}
  DependencyHealth probe() override;

 private:
  redis::Connection connection_;
  const Health when_down_;
};

}  // namespace paredao
