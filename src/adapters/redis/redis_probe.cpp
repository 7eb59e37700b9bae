#include "adapters/redis/redis_probe.hpp"

namespace paredao {

DependencyHealth RedisProbe::probe() {
  try {
    connection_.command({"PING"});
    return {.dependency = "redis"};
  } catch (const redis::Error& e) {
    return {.dependency = "redis", .health = when_down_, .detail = e.what()};
  }
}

}  // namespace paredao
