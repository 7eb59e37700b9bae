#include "adapters/metrics/pipeline_metrics.hpp"

#include <prometheus/text_serializer.h>

namespace paredao {
namespace {

const prometheus::Histogram::BucketBoundaries kStoreBuckets{0.001, 0.002, 0.005, 0.01, 0.02,
                                                            0.05,  0.1,   0.25,  1,    5};

}  // namespace

PipelineMetrics::PipelineMetrics(const std::optional<std::string>& listen)
    : registry_(std::make_shared<prometheus::Registry>()),
      batches_(prometheus::BuildCounter()
                   .Name("paredao_worker_batches_total")
                   .Help("Vote batches handled by the worker, by outcome")
                   .Register(*registry_)),
      votes_recorded_(prometheus::BuildCounter()
                          .Name("paredao_worker_votes_total")
                          .Help("Votes in batches the worker counted")
                          .Register(*registry_)
                          .Add({})),
      batch_seconds_(prometheus::BuildHistogram()
                         .Name("paredao_worker_batch_seconds")
                         .Help("Time to record one batch in PostgreSQL and Redis")
                         .Register(*registry_)
                         .Add({}, kStoreBuckets)),
      steps_(prometheus::BuildHistogram()
                 .Name("paredao_worker_step_seconds")
                 .Help("Time of one step of recording batches: step history (the PostgreSQL "
                       "transaction of the batches handled together) or counters (applying them "
                       "to Redis)")
                 .Register(*registry_)),
      history_seconds_(steps_.Add({{"step", "history"}}, kStoreBuckets)),
      counters_seconds_(steps_.Add({{"step", "counters"}}, kStoreBuckets)),
      up_(prometheus::BuildGauge()
              .Name("paredao_dependency_up")
              .Help("1 when the dependency answered the last call")
              .Register(*registry_)),
      drift_(prometheus::BuildGauge()
                 .Name("paredao_reconcile_drift_votes")
                 .Help("Sum of |PostgreSQL - Redis| over the poll's candidate and hour counters, "
                       "batches in flight excluded, found by the last round")
                 .Register(*registry_)),
      repairs_(prometheus::BuildCounter()
                   .Name("paredao_reconcile_repairs_total")
                   .Help("Polls whose Redis counters were rebuilt from PostgreSQL")
                   .Register(*registry_)
                   .Add({})),
      rounds_(prometheus::BuildCounter()
                  .Name("paredao_reconcile_rounds_total")
                  .Help("Reconciliation rounds, by whether every poll could be read")
                  .Register(*registry_)),
      used_twice_(prometheus::BuildCounter()
                      .Name("paredao_challenges_used_twice_total")
                      .Help("Challenges found recorded by more than one vote (human checks "
                            "accepted twice); must stay 0")
                      .Register(*registry_)) {
  // At 0 from the first scrape, so that rate() sees their first increments (the alerts).
  for (const auto* outcome : {"counted", "already_done", "retry_later", "dead_letter"}) {
    batches_.Add({{"outcome", outcome}});
  }
  if (listen) {
    exposer_ = std::make_unique<prometheus::Exposer>(*listen);
    exposer_->RegisterCollectable(registry_);
  }
}

void PipelineMetrics::observe_batch(const std::string& outcome, std::size_t votes, double seconds) {
  batches_.Add({{"outcome", outcome}}).Increment();
  if (outcome == "counted") votes_recorded_.Increment(double(votes));
  batch_seconds_.Observe(seconds);
}

void PipelineMetrics::observe_step(std::string_view step, double seconds) {
  (step == "history" ? history_seconds_ : counters_seconds_).Observe(seconds);
}

void PipelineMetrics::set_connected(const std::string& dependency, bool up) {
  up_.Add({{"dependency", dependency}}).Set(up ? 1 : 0);
}

void PipelineMetrics::observe_drift(const std::string& poll_id, std::int64_t drift, bool repaired) {
  drift_.Add({{"poll_id", poll_id}}).Set(double(drift));
  // Every poll looked at has its count of challenges used twice, at 0 until one is found.
  used_twice_.Add({{"poll_id", poll_id}});
  if (repaired) repairs_.Increment();
}

void PipelineMetrics::count_challenges_used_twice(const std::string& poll_id, std::size_t count) {
  used_twice_.Add({{"poll_id", poll_id}}).Increment(double(count));
}

void PipelineMetrics::observe_round(bool complete) {
  rounds_.Add({{"complete", complete ? "true" : "false"}}).Increment();
}

std::string PipelineMetrics::render() const {
  return prometheus::TextSerializer().Serialize(registry_->Collect());
}

int PipelineMetrics::port() const {
  if (!exposer_) return 0;
  const auto ports = exposer_->GetListeningPorts();
  return ports.empty() ? 0 : ports.front();
}

}  // namespace paredao
