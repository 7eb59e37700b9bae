#pragma once
// InflightBatches in Redis: one sorted set per deployment, scored by Redis's own clock (so that
// every api copy stamps with one clock). Thread-safe: a mutex per instance (the pipeline
// registers, the review and the sweep read).
#include <mutex>

#include "adapters/redis/redis_connection.hpp"
#include "adapters/redis/redis_counters.hpp"
#include "adapters/redis/redis_keys.hpp"
#include "app/ports/inflight_batches.hpp"

namespace paredao {

class RedisInflightBatches final : public InflightBatches {
 public:
  explicit RedisInflightBatches(const RedisSettings& settings);
  bool add(std::span<const std::string> batch_ids) override;
  std::optional<RegistryTime> now() override;
  std::optional<std::vector<RegisteredBatch>> registered_until(std::int64_t ms,
                                                               std::size_t limit) override;
  bool remove(std::span<const std::string> batch_ids) override;

 private:
  const redis::Keys keys_;
  std::mutex mutex_;
  redis::Connection connection_;  // guarded by mutex_
};

}  // namespace paredao
