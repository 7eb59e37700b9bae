#pragma once
// How many traces callers may have recorded. A request whose traceparent says "sampled" is
// followed up to `per_second` times a second (a burst of as many); beyond that it is continued
// unsampled. A client, a bot among them, can then not make every vote it sends cost what a
// recorded trace costs (0.8× the votes/s when everything is sampled: docs/benchmarks.md).
#include <atomic>
#include <chrono>
#include <cstdint>

namespace paredao {

// Thread-safe, lock-free (GCRA: one atomic "theoretical arrival time").
class SamplingBudget {
 public:
  explicit SamplingBudget(double per_second);
  // Whether one more caller-sampled trace may be recorded at `now`.
  bool take(std::chrono::steady_clock::time_point now);

 private:
  const std::int64_t interval_ns_;  // between two traces at the steady rate
  const std::int64_t burst_ns_;     // how far ahead of now the budget may be spent
  std::atomic<std::int64_t> theoretical_arrival_ns_{0};
};

}  // namespace paredao
