#pragma once
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "adapters/metrics/recent_networks.hpp"

namespace paredao {

// The service's Prometheus metrics. Thread-safe; the per-request calls touch only atomics after
// the first request of each (route, status) pair.
class Metrics {
 public:
  Metrics();

  // The counters of one (route, status) pair. Looking one up takes a lock; using it does not, so
  // callers on a hot path keep the handle.
  struct RequestHandle {
    prometheus::Counter* requests = nullptr;
    prometheus::Histogram* latency = nullptr;
  };
  RequestHandle request_handle(std::string_view route, unsigned status);
  static void observe_request(const RequestHandle& handle, double seconds) {
    handle.requests->Increment();
    handle.latency->Observe(seconds);
  }

  void count_vote_accepted();
  // A vote answered 202 but held by the edge, by reason ("pace", "watched").
  void count_vote_held(std::string_view reason);
  void count_vote_refused(std::string_view reason);
  // A batch answered 202 that the review stopped waiting for (never recorded: dead-lettered).
  void count_batch_given_up();
  // Held votes moved by production: action "release" (now counted) or "void".
  void count_votes_reviewed(std::string_view action, std::int64_t votes);
  // A challenge issued, by the work it asked (a few levels: the base times a power of two).
  void count_challenge_issued(std::uint32_t work);
  // A request answered 429, by what it asked: "challenge" or "vote".
  void count_rate_limited(std::string_view kind);
  // A vote page sent without its first challenge: issuing it failed or outlasted the deadline.
  void count_page_without_challenge();
  // A network whose pace has just passed the human pace (once per crossing, not per request).
  void count_network_over_human_pace();
  // A challenge issued to a network past the human pace: the gauge of such networks counts it
  // for the next 60 seconds (the pace's window).
  void note_network_over_human_pace(const Network& network);
  void observe_batch(std::size_t votes, double seconds, bool committed);
  void set_open_connections(double value);
  // A connection closed at once: over its network's cap, or over the process's.
  void count_connection_refused(bool over_network);
  // The age of the counts that results and stats serve (set just before each scrape).
  void set_counts_age(double seconds);
  // Whether /readyz would answer 200 now (set just before each scrape).
  void set_ready(bool ready);
  // A poll as this process sees it now (set just before each scrape): open or not, and its
  // closing time in Unix seconds when it has one. Compared with Prometheus' own clock, a copy
  // whose clock lags shows as a poll open past its closing time.
  void set_poll(const std::string& poll_id, bool open, std::optional<std::int64_t> closes_at);
  // The votes counted for a candidate as results and stats serve them (set just before each
  // scrape; every copy reads the same shared counts, so take the max over copies, not the sum).
  void set_candidate_votes(const std::string& poll_id, const std::string& candidate_id,
                           const std::string& candidate_name, std::int64_t votes);
  // The embedded mode's data dir: bytes free to this process, and the size of its file system.
  void set_data_dir_space(double free_bytes, double size_bytes);

  // The text exposition format (text/plain; version=0.0.4).
  // Renders after measuring what is measured at the scrape (the networks over the pace now).
  std::string render();

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>& requests_;
  prometheus::Family<prometheus::Histogram>& request_seconds_;
  prometheus::Counter& votes_accepted_;
  prometheus::Family<prometheus::Counter>& votes_held_;
  prometheus::Family<prometheus::Counter>& votes_refused_;
  prometheus::Family<prometheus::Counter>& votes_reviewed_;
  prometheus::Family<prometheus::Counter>& challenges_issued_;
  prometheus::Family<prometheus::Counter>& rate_limited_;
  prometheus::Counter& networks_over_human_pace_;
  prometheus::Histogram& batch_votes_;
  prometheus::Histogram& commit_seconds_;
  prometheus::Counter& failed_batches_;
  prometheus::Gauge& open_connections_;
  prometheus::Family<prometheus::Counter>& connections_refused_;
  prometheus::Counter& refused_over_network_;
  prometheus::Counter& refused_over_total_;
  prometheus::Gauge& counts_age_;
  prometheus::Gauge& networks_over_pace_now_;
  prometheus::Family<prometheus::Gauge>& busiest_networks_;
  std::vector<prometheus::Gauge*> busiest_exported_;  // guarded by render_mutex_
  std::mutex render_mutex_;
  prometheus::Counter& batches_given_up_;
  prometheus::Counter& pages_without_challenge_;
  prometheus::Gauge& ready_;
  prometheus::Family<prometheus::Gauge>& poll_open_;
  prometheus::Family<prometheus::Gauge>& poll_closes_at_;
  prometheus::Family<prometheus::Gauge>& candidate_votes_;
  prometheus::Family<prometheus::Gauge>& data_dir_bytes_;
  RecentNetworks over_pace_;

  mutable std::shared_mutex mutex_;
  std::unordered_map<std::string, RequestHandle> by_route_status_;  // guarded by mutex_
  // The counter of `family` labelled `label`=`value`, created on first use.
  prometheus::Counter& labelled(prometheus::Family<prometheus::Counter>& family,
                                std::string_view label, std::string_view value);
  // Counters by family and label value (labelled()).
  std::unordered_map<std::string, prometheus::Counter*> labelled_;  // guarded by mutex_
};

}  // namespace paredao
