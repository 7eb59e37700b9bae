#include "adapters/metrics/metrics.hpp"

#include <prometheus/text_serializer.h>

#include <chrono>
#include <mutex>

namespace paredao {
namespace {

const prometheus::Histogram::BucketBoundaries kLatencyBuckets{
    0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5};
const prometheus::Histogram::BucketBoundaries kBatchBuckets{1,   2,   5,    10,   20,   50,   100,
                                                            200, 500, 1000, 2000, 5000, 10000};

}  // namespace

Metrics::Metrics()
    : registry_(std::make_shared<prometheus::Registry>()),
      requests_(prometheus::BuildCounter()
                    .Name("paredao_http_requests_total")
                    .Help("HTTP requests answered, by route and status")
                    .Register(*registry_)),
      request_seconds_(prometheus::BuildHistogram()
                           .Name("paredao_http_request_duration_seconds")
                           .Help("Time from a complete request to its response, by route")
                           .Register(*registry_)),
      votes_accepted_(prometheus::BuildCounter()
                          .Name("paredao_votes_accepted_total")
                          .Help("Votes made durable and answered 202")
                          .Register(*registry_)
                          .Add({})),
      votes_held_(prometheus::BuildCounter()
                      .Name("paredao_votes_held_total")
                      .Help("Votes answered 202 but held apart by the edge (in no count until "
                            "production releases them), by reason; also in votes_accepted")
                      .Register(*registry_)),
      votes_refused_(prometheus::BuildCounter()
                         .Name("paredao_votes_refused_total")
                         .Help("Votes refused, by reason (the error code of the contract)")
                         .Register(*registry_)),
      votes_reviewed_(prometheus::BuildCounter()
                          .Name("paredao_votes_reviewed_total")
                          .Help("Held votes moved by production from this process, by action: "
                                "release (into every count) or void (for good)")
                          .Register(*registry_)),
      challenges_issued_(prometheus::BuildCounter()
                             .Name("paredao_challenges_issued_total")
                             .Help("Human-check challenges issued, by the work asked (the "
                                   "solution's counter is below it)")
                             .Register(*registry_)),
      rate_limited_(prometheus::BuildCounter()
                        .Name("paredao_rate_limited_total")
                        .Help("Requests answered 429: kind challenge or vote")
                        .Register(*registry_)),
      networks_over_human_pace_(prometheus::BuildCounter()
                                    .Name("paredao_networks_over_human_pace_total")
                                    .Help("Times a network's pace passed the human pace "
                                          "(more than --human-pace challenges in 60 s)")
                                    .Register(*registry_)
                                    .Add({})),
      batch_votes_(prometheus::BuildHistogram()
                       .Name("paredao_vote_batch_size")
                       .Help("Votes per group commit")
                       .Register(*registry_)
                       .Add({}, kBatchBuckets)),
      commit_seconds_(prometheus::BuildHistogram()
                          .Name("paredao_vote_commit_seconds")
                          .Help("Time to make one batch of votes durable")
                          .Register(*registry_)
                          .Add({}, kLatencyBuckets)),
      failed_batches_(prometheus::BuildCounter()
                          .Name("paredao_vote_batches_failed_total")
                          .Help("Batches that could not be made durable (their votes got 503)")
                          .Register(*registry_)
                          .Add({})),
      open_connections_(prometheus::BuildGauge()
                            .Name("paredao_http_open_connections")
                            .Help("HTTP connections currently open")
                            .Register(*registry_)
                            .Add({})),
      connections_refused_(prometheus::BuildCounter()
                               .Name("paredao_http_connections_refused_total")
                               .Help("Connections closed at once: over the cap of their network "
                                     "(reason network) or of the process (reason total)")
                               .Register(*registry_)),
      refused_over_network_(connections_refused_.Add({{"reason", "network"}})),
      refused_over_total_(connections_refused_.Add({{"reason", "total"}})),
      counts_age_(prometheus::BuildGauge()
                      .Name("paredao_counts_age_seconds")
                      .Help("Age of the counts that results and stats serve (refreshed every "
                            "250 ms; more means their store is not answering)")
                      .Register(*registry_)
                      .Add({})),
      networks_over_pace_now_(prometheus::BuildGauge()
                                  .Name("paredao_networks_over_human_pace")
                                  .Help("Networks issued a challenge past the human pace in the "
                                        "last 60 s, as this process saw them (in the distributed "
                                        "mode take the max over the api copies)")
                                  .Register(*registry_)
                                  .Add({})),
      busiest_networks_(prometheus::BuildGauge()
                            .Name("paredao_network_challenges_over_pace")
                            .Help("The ten networks issued the most challenges past the human "
                                  "pace, as this process saw them: challenges since the network "
                                  "was last quiet for a minute (sum over the api copies)")
                            .Register(*registry_)),
      batches_given_up_(prometheus::BuildCounter()
                            .Name("paredao_review_batches_given_up_total")
                            .Help("Batches answered 202 but never recorded in PostgreSQL after 10 "
                                  "minutes (dead-lettered?): the review stopped waiting for them")
                            .Register(*registry_)
                            .Add({})),
      pages_without_challenge_(prometheus::BuildCounter()
                                   .Name("paredao_vote_pages_without_challenge_total")
                                   .Help("Vote pages of an open poll sent without their first "
                                         "challenge (issuing it failed or took over 200 ms: the "
                                         "page asks for one itself)")
                                   .Register(*registry_)
                                   .Add({})),
      ready_(prometheus::BuildGauge()
                 .Name("paredao_ready")
                 .Help("1 when this process can take votes now (GET /readyz answers 200)")
                 .Register(*registry_)
                 .Add({})),
      poll_open_(prometheus::BuildGauge()
                     .Name("paredao_poll_open")
                     .Help("1 while the poll is open by this process's clock, else 0")
                     .Register(*registry_)),
      poll_closes_at_(prometheus::BuildGauge()
                          .Name("paredao_poll_closes_at_seconds")
                          .Help("The poll's closes_at in Unix seconds (absent when it has none)")
                          .Register(*registry_)),
      candidate_votes_(prometheus::BuildGauge()
                           .Name("paredao_poll_votes")
                           .Help("Votes counted for the candidate, as results and stats serve "
                                 "them (shared by every copy: take the max over copies)")
                           .Register(*registry_)),
      data_dir_bytes_(prometheus::BuildGauge()
                          .Name("paredao_data_dir_bytes")
                          .Help("The embedded data dir's file system: kind free (to this "
                                "process) or size")
                          .Register(*registry_)) {
  // The standard name of client libraries' process collectors. Tells one process from another
  // behind a balancer (the console compares counters of one process only) and shows restarts.
  prometheus::BuildGauge()
      .Name("process_start_time_seconds")
      .Help("Start time of the process since the Unix epoch, in seconds")
      .Register(*registry_)
      .Add({})
      .Set(std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch())
               .count());
  // The series the alerting rules divide, at 0 from the first scrape: a counter that first
  // appears with its value already up (a flood between two scrapes) loses those increments to
  // rate(), and its alert would never fire.
  for (const auto* kind : {"challenge", "vote"}) labelled(rate_limited_, "kind", kind);
  for (const auto* reason : {"pace", "watched"}) labelled(votes_held_, "reason", reason);
  for (const auto* action : {"release", "void"}) labelled(votes_reviewed_, "action", action);
  for (const unsigned status : {202u, 429u, 503u}) request_handle("votes", status);
  for (const unsigned status : {200u, 429u, 503u}) request_handle("challenge", status);
}

Metrics::RequestHandle Metrics::request_handle(std::string_view route, unsigned status) {
  std::string key(route);
  key += ' ';
  key += std::to_string(status);
  {
    std::shared_lock lock(mutex_);
    if (const auto found = by_route_status_.find(key); found != by_route_status_.end()) {
      return found->second;
    }
  }
  std::unique_lock lock(mutex_);
  auto& slot = by_route_status_[key];
  if (!slot.requests) {
    slot.requests =
        &requests_.Add({{"route", std::string(route)}, {"status", std::to_string(status)}});
    slot.latency = &request_seconds_.Add({{"route", std::string(route)}}, kLatencyBuckets);
  }
  return slot;
}

void Metrics::count_vote_accepted() { votes_accepted_.Increment(); }

void Metrics::count_vote_held(std::string_view reason) {
  labelled(votes_held_, "reason", reason).Increment();
}

void Metrics::count_votes_reviewed(std::string_view action, std::int64_t votes) {
  if (votes > 0) labelled(votes_reviewed_, "action", action).Increment(double(votes));
}

prometheus::Counter& Metrics::labelled(prometheus::Family<prometheus::Counter>& family,
                                       std::string_view label, std::string_view value) {
  std::string key = family.GetName();
  key += '\0';
  key += value;
  {
    std::shared_lock lock(mutex_);
    if (const auto found = labelled_.find(key); found != labelled_.end()) return *found->second;
  }
  std::unique_lock lock(mutex_);
  auto& counter = labelled_[key];
  if (!counter) counter = &family.Add({{std::string(label), std::string(value)}});
  return *counter;
}

void Metrics::count_vote_refused(std::string_view reason) {
  labelled(votes_refused_, "reason", reason).Increment();
}

void Metrics::count_challenge_issued(std::uint32_t work) {
  labelled(challenges_issued_, "work", std::to_string(work)).Increment();
}

void Metrics::count_rate_limited(std::string_view kind) {
  labelled(rate_limited_, "kind", kind).Increment();
}

void Metrics::count_network_over_human_pace() { networks_over_human_pace_.Increment(); }

void Metrics::observe_batch(std::size_t votes, double seconds, bool committed) {
  batch_votes_.Observe(double(votes));
  commit_seconds_.Observe(seconds);
  if (!committed) failed_batches_.Increment();
}

void Metrics::set_open_connections(double value) { open_connections_.Set(value); }

void Metrics::set_counts_age(double seconds) { counts_age_.Set(seconds); }

void Metrics::set_ready(bool ready) { ready_.Set(ready ? 1 : 0); }

void Metrics::set_poll(const std::string& poll_id, bool open,
                       std::optional<std::int64_t> closes_at) {
  poll_open_.Add({{"poll_id", poll_id}}).Set(open ? 1 : 0);
  if (closes_at) poll_closes_at_.Add({{"poll_id", poll_id}}).Set(double(*closes_at));
}

void Metrics::set_candidate_votes(const std::string& poll_id, const std::string& candidate_id,
                                  const std::string& candidate_name, std::int64_t votes) {
  candidate_votes_
      .Add({{"poll_id", poll_id}, {"candidate_id", candidate_id}, {"candidate", candidate_name}})
      .Set(double(votes));
}

void Metrics::set_data_dir_space(double free_bytes, double size_bytes) {
  data_dir_bytes_.Add({{"kind", "free"}}).Set(free_bytes);
  data_dir_bytes_.Add({{"kind", "size"}}).Set(size_bytes);
}

void Metrics::count_connection_refused(bool over_network) {
  (over_network ? refused_over_network_ : refused_over_total_).Increment();
}

void Metrics::count_batch_given_up() { batches_given_up_.Increment(); }

void Metrics::count_page_without_challenge() { pages_without_challenge_.Increment(); }

void Metrics::note_network_over_human_pace(const Network& network) {
  over_pace_.note(network, std::chrono::steady_clock::now());
}

std::string Metrics::render() {
  constexpr std::size_t kBusiest = 10;
  const auto now = std::chrono::steady_clock::now();
  networks_over_pace_now_.Set(double(over_pace_.count_within(std::chrono::seconds(60), now)));
  {
    // Only the busiest now: the networks that left the ten are removed, so that the series stay
    // few (and a network is named only while it is past the pace).
    std::lock_guard lock(render_mutex_);
    for (auto* gauge : busiest_exported_) busiest_networks_.Remove(gauge);
    busiest_exported_.clear();
    for (const auto& busy : over_pace_.busiest(kBusiest, std::chrono::seconds(60), now)) {
      auto& gauge = busiest_networks_.Add({{"network", busy.network.cidr()}});
      gauge.Set(double(busy.challenges));
      busiest_exported_.push_back(&gauge);
    }
  }
  return prometheus::TextSerializer().Serialize(registry_->Collect());
}

}  // namespace paredao
