#pragma once
// Use case: whether this process can accept votes now (/readyz). Every dependency is probed
// live, on a thread of its own, every `period`; a request reads the last round without waiting
// on any store.
#include <atomic>
#include <chrono>
#include <memory>
#include <vector>

#include "app/periodic_task.hpp"
#include "app/ports/health_probe.hpp"

namespace paredao {

struct ReadinessReport {
  bool ready = false;                    // no dependency is down
  std::vector<DependencyHealth> not_up;  // the down ones first, then the degraded ones
};

class Readiness {
 public:
  // Probes once before returning, so that the first request already has an answer.
  Readiness(std::vector<HealthProbe*> probes,
            std::chrono::milliseconds period = std::chrono::milliseconds(500));
  ~Readiness();
  Readiness(const Readiness&) = delete;
  Readiness& operator=(const Readiness&) = delete;

  // The last round. Thread-safe, non-blocking.
  std::shared_ptr<const ReadinessReport> report() const;
  // Stops probing. Idempotent.
  void stop();

 private:
  // Probes every dependency once (blocking).
  std::shared_ptr<const ReadinessReport> probe_round();

  const std::vector<HealthProbe*> probes_;
  std::atomic<std::shared_ptr<const ReadinessReport>> last_;
  PeriodicTask task_;  // last: its thread probes through everything above
};

}  // namespace paredao
