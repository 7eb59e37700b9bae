#include "app/readiness.hpp"

#include <algorithm>

namespace paredao {

Readiness::Readiness(std::vector<HealthProbe*> probes, std::chrono::milliseconds period)
    : probes_(std::move(probes)),
      last_(probe_round()),
      task_("readiness", period, [this] { last_.store(probe_round()); }) {}

Readiness::~Readiness() { stop(); }

void Readiness::stop() { task_.stop(); }

std::shared_ptr<const ReadinessReport> Readiness::report() const { return last_.load(); }

std::shared_ptr<const ReadinessReport> Readiness::probe_round() {
  auto report = std::make_shared<ReadinessReport>();
  for (auto* probe : probes_) {
    auto health = probe->probe();
    if (health.health != Health::kUp) report->not_up.push_back(std::move(health));
  }
  std::stable_partition(report->not_up.begin(), report->not_up.end(),
                        [](const auto& h) { return h.health == Health::kDown; });
  report->ready = report->not_up.empty() || report->not_up.front().health != Health::kDown;
  return report;
}

}  // namespace paredao
