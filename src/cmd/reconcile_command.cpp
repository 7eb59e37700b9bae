#include <iostream>

#include "adapters/logging/json_log.hpp"
#include "adapters/metrics/pipeline_metrics.hpp"
#include "adapters/postgres/pg_vote_history.hpp"
#include "adapters/redis/redis_counters.hpp"
#include "adapters/system/system_clock.hpp"
#include "adapters/tracing/otel_tracer.hpp"
#include "app/periodic_task.hpp"
#include "app/reconcile_counters.hpp"
#include "cmd/distributed.hpp"
#include "cmd/lifecycle.hpp"

namespace paredao {
namespace {

void log_report(const ReconcileReport& report, bool audit_only) {
  for (const auto& poll : report.polls) {
    if (poll.drift == 0) continue;
    log::warn("drift", {{"poll_id", poll.poll_id},
                        {"drift_votes", poll.drift},
                        {"repaired", poll.repaired},
                        {"audit_only", audit_only}});
    // The batches of sampled votes it counted, one line each in their trace (all of them, a
    // whole lost Redis' worth, would be too many lines: the drift line sums them up).
    for (const auto& counted : poll.counted) {
      const TraceScope scope(counted.trace);
      log::info("batch_counted_by_sync",
                {{"poll_id", poll.poll_id}, {"batch_id", counted.batch_id}});
    }
  }
  if (report.challenges_restored) {
    log::warn("redis_data_restored", {{"burned_challenges", *report.challenges_restored},
                                      {"hint", "Redis had lost its data; counters follow"}});
  }
  if (report.used_twice) {
    for (const auto& found : *report.used_twice) {
      log::error("challenge_used_twice", {{"poll_id", found.poll_id},
                                          {"challenge_id", found.challenge_id},
                                          {"votes", found.votes},
                                          {"audit_only", audit_only}});
    }
  }
  if (!report.complete) log::error("reconcile_incomplete", {{"hint", "a store is unreachable"}});
}

}  // namespace

int run_reconcile(const ReconcileConfig& config) {
  block_stop_signals();
  const auto& servers = config.servers;
  {
    pg::Connection connection(servers.postgres_url);
    require_schema(connection);
  }
  SystemClock clock;
  PgVoteHistory history(servers.postgres_url);
  const RedisSettings redis{.endpoint = servers.redis, .prefix = servers.deployment};
  RedisLiveCounters counters(redis);
  RedisReplayGuard replay_guard(redis);
  OtelTracer tracer(tracing_settings("paredao-reconcile", config.tracing));
  ReconcileCounters reconcile(history, counters, replay_guard, clock,
                              ReconcileSettings{.repair = !config.check_only,
                                                .double_use_every = config.double_use_interval},
                              &tracer);

  if (config.check_only) {
    const auto report = reconcile.run_once();
    log_report(report, true);
    log::flush_repeats(/*all=*/true);
    const bool searched = report.used_twice.has_value();
    const std::size_t used_twice = searched ? report.used_twice->size() : 0;
    log::info("audit", {{"complete", report.complete && searched},
                        {"polls", report.polls.size()},
                        {"drift_votes", report.total_drift()},
                        {"challenges_used_twice", used_twice}});
    return report.complete && searched && report.total_drift() == 0 && used_twice == 0 ? 0 : 1;
  }

  std::optional<std::string> listen;
  if (config.metrics_listen) {
    listen = config.metrics_listen->host + ":" + std::to_string(config.metrics_listen->port);
  }
  // Started in this order, stopped in the reverse one.
  Lifecycle components;
  components.add("repeated log lines", std::make_unique<RepeatedLogLines>());
  auto& metrics = components.keep("metrics", std::make_unique<PipelineMetrics>(listen));
  const auto round = [&reconcile, &metrics] {
    const auto report = reconcile.run_once();
    metrics.observe_round(report.complete);
    for (const auto& poll : report.polls) {
      metrics.observe_drift(poll.poll_id, poll.drift, poll.repaired);
    }
    if (report.used_twice) {
      for (const auto& found : *report.used_twice) {
        metrics.count_challenges_used_twice(found.poll_id, 1);
      }
    }
    log_report(report, false);
  };
  round();
  components.add("rounds", std::make_unique<PeriodicTask>("reconcile", config.interval, round));
  log::info("reconciler_started", {{"deployment", servers.deployment},
                                   {"interval_ms", config.interval.count()},
                                   {"metrics_port", metrics.port()}});
  wait_for_stop_signal();
  components.stop();
  log::info("stopped");
  return 0;
}

}  // namespace paredao
