#include <atomic>
#include <span>
#include <thread>
#include <vector>

#include "adapters/amqp/amqp_consumer.hpp"
#include "adapters/amqp/vote_batch_codec.hpp"
#include "adapters/logging/json_log.hpp"
#include "adapters/metrics/pipeline_metrics.hpp"
#include "adapters/postgres/pg_schema.hpp"
#include "adapters/postgres/pg_vote_history.hpp"
#include "adapters/redis/redis_counters.hpp"
#include "adapters/tracing/otel_tracer.hpp"
#include "adapters/tracing/traceparent.hpp"
#include "app/periodic_task.hpp"
#include "app/record_batch.hpp"
#include "cmd/distributed.hpp"
#include "cmd/lifecycle.hpp"

namespace paredao {
namespace {

constexpr std::chrono::milliseconds kPartitionCheckPeriod = std::chrono::hours(1);
constexpr int kPartitionDaysAhead = 7;

std::optional<std::string> listen_text(const std::optional<ListenAddress>& address) {
  if (!address) return std::nullopt;
  return address->host + ":" + std::to_string(address->port);
}

// Creates the vote partitions ahead; a failure is only logged (the default partition keeps any
// vote meanwhile) and retried at the next check.
void prepare_partitions(const std::string& url) {
  try {
    pg::Connection connection(url);
    const int created = pg::ensure_vote_partitions(connection, kPartitionDaysAhead);
    if (created > 0) log::info("partitions_created", {{"count", created}});
  } catch (const pg::Error& e) {
    log::error("partitions_failed", {{"error", e.what()}});
  }
}

// The messages that arrived together: every readable batch recorded in one transaction, then
// each applied to the counters on its own. An unreadable message goes to the dead letters.
std::vector<amqp::Disposition> handle_messages(RecordBatch& record, PipelineMetrics& metrics,
                                               std::span<const amqp::Message> messages) {
  const auto start = std::chrono::steady_clock::now();
  std::vector<amqp::Disposition> dispositions(messages.size(), amqp::Disposition::kDeadLetter);
  std::vector<VoteBatch> batches;
  std::vector<std::size_t> readable;  // the message of each batch
  for (std::size_t i = 0; i < messages.size(); ++i) {
    const auto trace = parse_traceparent(messages[i].traceparent).value_or(TraceContext{});
    auto batch = decode_vote_batch(messages[i].body);
    if (!batch) {
      const TraceScope scope(trace);
      log::error("unreadable_message",
                 {{"message_id", messages[i].message_id}, {"bytes", messages[i].body.size()}});
      metrics.observe_batch("dead_letter", 0, 0);
      continue;
    }
    batch->trace = trace;
    batches.push_back(std::move(*batch));
    readable.push_back(i);
  }
  if (batches.empty()) return dispositions;
  const auto outcomes = record.handle_all(batches);
  // The batches share one transaction: each is reported with the time of the whole group.
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  for (std::size_t k = 0; k < batches.size(); ++k) {
    const auto votes = batches[k].votes.size();
    switch (outcomes[k]) {
      case BatchOutcome::kCounted:
        metrics.observe_batch("counted", votes, seconds);
        dispositions[readable[k]] = amqp::Disposition::kAck;
        break;
      case BatchOutcome::kAlreadyDone:
        metrics.observe_batch("already_done", votes, seconds);
        dispositions[readable[k]] = amqp::Disposition::kAck;
        break;
      case BatchOutcome::kRetryLater:
        metrics.observe_batch("retry_later", votes, seconds);
        dispositions[readable[k]] = amqp::Disposition::kRetryLater;
        break;
    }
  }
  return dispositions;
}

}  // namespace

// The consumer threads, each with connections of its own (nothing shared between them): a
// component whose stop lets each finish the messages in hand; unacknowledged ones go back to
// the queue.
class ConsumerPool {
 public:
  ConsumerPool(const WorkerConfig& config, PipelineMetrics& metrics, Tracer& tracer)
      : settings_{.endpoint = config.servers.amqp,
                  .queues = amqp::QueueNames::for_deployment(config.servers.deployment)} {
    const RedisSettings redis{.endpoint = config.servers.redis,
                              .prefix = config.servers.deployment};
    threads_.reserve(config.consumers);
    for (unsigned i = 0; i < config.consumers; ++i) {
      threads_.emplace_back([this, &metrics, &tracer, redis, url = config.servers.postgres_url] {
        PgVoteHistory history(url);
        RedisLiveCounters counters(redis);
        RecordBatch record(
            history, counters,
            [&metrics](std::string_view step, auto seconds) {
              metrics.observe_step(step, seconds.count());
            },
            &tracer);
        amqp::consume(
            settings_, stopping_,
            [&](std::span<const amqp::Message> messages) {
              return handle_messages(record, metrics, messages);
            },
            [&](bool up) { metrics.set_connected("rabbitmq", up); });
      });
    }
  }
  ~ConsumerPool() { stop(); }
  void stop() {
    stopping_ = true;
    for (auto& thread : threads_) {
      if (thread.joinable()) thread.join();
    }
  }
  const std::string& queue() const { return settings_.queues.votes; }

 private:
  const amqp::ConsumerSettings settings_;
  std::atomic<bool> stopping_{false};
  std::vector<std::thread> threads_;
};

int run_worker(const WorkerConfig& config) {
  block_stop_signals();  // before any thread starts: they all inherit it
  const auto& servers = config.servers;
  {
    pg::Connection connection(servers.postgres_url);
    require_schema(connection);
  }
  prepare_partitions(servers.postgres_url);

  OtelTracer tracer(tracing_settings("paredao-worker", config.tracing));  // outlives the threads
  // Started in this order, stopped in the reverse one.
  Lifecycle components;
  components.add("repeated log lines", std::make_unique<RepeatedLogLines>());
  auto& metrics = components.keep(
      "metrics", std::make_unique<PipelineMetrics>(listen_text(config.metrics_listen)));
  components.add("partitions", std::make_unique<PeriodicTask>(
                                   "partitions", kPartitionCheckPeriod,
                                   [url = servers.postgres_url] { prepare_partitions(url); }));
  const auto& consumers =
      components.add("consumers", std::make_unique<ConsumerPool>(config, metrics, tracer));
  log::info("worker_started", {{"deployment", servers.deployment},
                               {"consumers", config.consumers},
                               {"queue", consumers.queue()},
                               {"metrics_port", metrics.port()}});
  wait_for_stop_signal();
  components.stop();
  log::info("stopped");
  return 0;
}

}  // namespace paredao
