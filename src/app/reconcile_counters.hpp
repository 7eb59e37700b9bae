#pragma once
// The sync service's use case: the live counters must equal the history. Compares them poll by
// poll and, where they differ, repairs the counters from the history without ever racing a
// worker into counting a batch twice or losing one.
#include <chrono>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "app/issue_challenge.hpp"
#include "app/ports/clock.hpp"
#include "app/ports/live_counters.hpp"
#include "app/ports/replay_guard.hpp"
#include "app/ports/tracer.hpp"
#include "app/ports/vote_history.hpp"

namespace paredao {

struct PollDrift {
  std::string poll_id;
  // Sum over every candidate total and every (hour, candidate) cell of |history − counters|.
  std::int64_t drift = 0;
  bool repaired = false;
  // The batches of sampled votes the repair counted (their workers had not), each with the span
  // of that count, for a line of the log in its vote's trace.
  struct Counted {
    std::string batch_id;
    TraceContext trace;
  };
  std::vector<Counted> counted;
};

struct ReconcileReport {
  bool complete = false;  // false when a store could not be read: the report covers fewer polls
  std::vector<PollDrift> polls;
  // The counters' store had lost its data: the burned challenges were restored (how many).
  std::optional<std::size_t> challenges_restored;
  // Challenges recorded by more than one vote, found this round and never reported before
  // (nullopt: no look this round, or the history could not be read).
  std::optional<std::vector<ChallengeUsedTwice>> used_twice;
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
  // How often the history is searched for a challenge used twice (around the votes recorded
  // since the last search; an audit searches all of it).
  std::chrono::milliseconds double_use_every{30000};
  // Around fresh votes, where a second use of their challenges is looked for: a challenge's
  // life, plus a minute of clock skew between api copies.
  std::chrono::milliseconds double_use_around{kChallengeLifetime + std::chrono::minutes(1)};
  // How far each search reaches back before the last one's end: batches commit in another order
  // than their recording times, and a transaction lasts at most about 15 s (its deadline).
  std::chrono::milliseconds double_use_overlap{30000};
};

class ReconcileCounters {
 public:
  // `replay_guard` is the shared one whose memory lives in the same store as the counters.
  // With a tracer, each batch a repair counts (its worker had not) is a span continuing the trace
  // of the message that carried it: a vote's trace then shows the sync service counting it.
  ReconcileCounters(VoteHistory& history, LiveCounters& counters, SharedReplayGuard& replay_guard,
                    const Clock& clock, ReconcileSettings settings, Tracer* tracer = nullptr)
      : history_(history),
        counters_(counters),
        replay_guard_(replay_guard),
        clock_(clock),
        settings_(settings),
        tracer_(tracer) {}

  ReconcileReport run_once();

 private:
  // The double-use search, when due: every challenge found used twice that was not reported yet.
  std::optional<std::vector<ChallengeUsedTwice>> find_double_uses();
  PollDrift reconcile(const std::string& poll_id, bool& complete);
  // After the store lost its data: burns again every unexpired challenge of a recorded vote, so
  // that none can be used a second time on another api copy. nullopt when it could not.
  std::optional<std::size_t> restore_burned_challenges();
  // The drift left once the batches in flight are accounted for; fills `pending` with the
  // batches of `history.recent` not applied yet. nullopt when the counters cannot be read.
  std::optional<std::int64_t> drift_beyond_flight(const std::string& poll_id, const LiveTally& live,
                                                  const PollHistory& history, TimePoint now,
                                                  std::vector<std::string>& pending);

  VoteHistory& history_;
  LiveCounters& counters_;
  SharedReplayGuard& replay_guard_;
  const Clock& clock_;
  const ReconcileSettings settings_;
  Tracer* tracer_;
  std::optional<TimePoint> searched_until_;  // recording time of the last double-use search
  std::optional<TimePoint> next_search_;
  std::set<std::pair<std::string, std::string>> reported_;  // (poll, challenge) used twice
};

// The drift between two tallies of one poll (see PollDrift::drift).
std::int64_t drift_between(const PollTally& a, const PollTally& b);

}  // namespace paredao
