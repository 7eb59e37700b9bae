#pragma once
// Prometheus metrics of the distributed mode's back end (worker, reconciler), served by
// prometheus-cpp's own HTTP exposer since these processes have no API of their own.
#include <prometheus/counter.h>
#include <prometheus/exposer.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace paredao {

class PipelineMetrics {
 public:
  // Serves /metrics on `listen` ("host:port") when given. Throws when it cannot listen.
  explicit PipelineMetrics(const std::optional<std::string>& listen);

  // Worker: one message handled, its outcome ("counted", "already_done", "retry_later",
  // "dead_letter"), its votes and how long it took.
  void observe_batch(const std::string& outcome, std::size_t votes, double seconds);
  // Worker: one step of recording batches ("history": PostgreSQL, "counters": Redis).
  void observe_step(std::string_view step, double seconds);
  void set_connected(const std::string& dependency, bool up);
  // Reconciler: one round's drift per poll, whether it repaired, whether it was complete.
  void observe_drift(const std::string& poll_id, std::int64_t drift, bool repaired);
  void observe_round(bool complete);
  // Reconciler: challenges of `poll_id` newly found recorded by more than one vote.
  void count_challenges_used_twice(const std::string& poll_id, std::size_t count);

  std::string render() const;
  // The port actually listened on (for an ephemeral port), or 0.
  int port() const;

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>& batches_;
  prometheus::Counter& votes_recorded_;
  prometheus::Histogram& batch_seconds_;
  prometheus::Family<prometheus::Histogram>& steps_;
  prometheus::Histogram& history_seconds_;
  prometheus::Histogram& counters_seconds_;
  prometheus::Family<prometheus::Gauge>& up_;
  prometheus::Family<prometheus::Gauge>& drift_;
  prometheus::Counter& repairs_;
  prometheus::Family<prometheus::Counter>& rounds_;
  prometheus::Family<prometheus::Counter>& used_twice_;
  std::unique_ptr<prometheus::Exposer> exposer_;
};

}  // namespace paredao
