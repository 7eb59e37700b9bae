#include "adapters/tracing/sampling_budget.hpp"

#include <algorithm>

namespace paredao {

SamplingBudget::SamplingBudget(double per_second)
    : interval_ns_(std::int64_t(1e9 / std::max(per_second, 1e-9))), burst_ns_(std::int64_t(1e9)) {}

bool SamplingBudget::take(std::chrono::steady_clock::time_point now) {
  const std::int64_t now_ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count();
  std::int64_t arrival = theoretical_arrival_ns_.load(std::memory_order_relaxed);
  for (;;) {
    const std::int64_t next = std::max(arrival, now_ns) + interval_ns_;
    if (next - now_ns > burst_ns_) return false;
    if (theoretical_arrival_ns_.compare_exchange_weak(arrival, next, std::memory_order_relaxed)) {
      return true;
    }
  }
}

}  // namespace paredao
