#pragma once
// The sync service's use case: the live counters must equal the history. Compares them poll by
// poll and, where they differ, repairs the counters from the history without ever racing a
// worker into counting a batch twice or losing one.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "app/ports/clock.hpp"
#include "app/ports/live_counters.hpp"
#include "app/ports/vote_history.hpp"

namespace paredao {

struct PollDrift {
  std::string poll_id;
  // Sum over every candidate total and every (hour, candidate) cell of |history − counters|.
  std::int64_t drift = 0;
  bool repaired = false;
};

struct ReconcileReport {
  bool complete = false;  // false when a store could not be read: the report covers fewer polls
  std::vector<PollDrift> polls;
  std::int64_t total_drift() const;
};

struct ReconcileSettings {
  bool repair = true;  // false: audit only
  // A batch recorded less than `settle` ago and not applied yet is taken as on its way to the
  // counters (its worker is between the two steps), not as drift.
  std::chrono::milliseconds settle{5000};
  // How far back batches not applied yet are looked for; a repair marks them applied, since
  // their counts are in the history it copies. Older ones are assumed applied.
  std::chrono::seconds lookback{600};
};

class ReconcileCounters {
 public:
  ReconcileCounters(VoteHistory& history, LiveCounters& counters, const Clock& clock,
                    ReconcileSettings settings)
      : history_(history), counters_(counters), clock_(clock), settings_(settings) {}

  ReconcileReport run_once();

 private:
  PollDrift reconcile(const std::string& poll_id, bool& complete);
  // The drift left once the batches in flight are accounted for; fills `pending` with the
  // batches of `history.recent` not applied yet. nullopt when the counters cannot be read.
  std::optional<std::int64_t> drift_beyond_flight(const std::string& poll_id,
                                                  const PollTally& live,
                                                  const PollHistory& history, TimePoint now,
                                                  std::vector<std::string>& pending);

  VoteHistory& history_;
  LiveCounters& counters_;
  const Clock& clock_;
  const ReconcileSettings settings_;
};

// The drift between two tallies of one poll (see PollDrift::drift).
std::int64_t drift_between(const PollTally& a, const PollTally& b);

}  // namespace paredao
