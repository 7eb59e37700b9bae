#pragma once
// Use cases: the viewers' partial results and the production team's stats, from the snapshot.
#include <chrono>
#include <optional>
#include <vector>

#include "app/poll_catalog.hpp"
#include "app/result.hpp"
#include "app/tally_snapshots.hpp"

namespace paredao {

struct ResultsView {
  PollCatalog::PollPtr poll;
  PollStatus status;
  TimePoint as_of;
  std::vector<std::int64_t> percent_hundredths;  // poll candidate order; sums to 10000 or all 0
};

struct StatsView {
  PollCatalog::PollPtr poll;
  PollStatus status;
  TimePoint as_of;
  PollCounts counts;
};

// Thread-safe, non-blocking.
class ReadResults {
 public:
  ReadResults(const PollCatalog& catalog, const TallySnapshots& snapshots, const Clock& clock);

  // kNotFound, or kResultsHidden while a poll that hides partials is not closed.
  Result<ResultsView> results(std::string_view poll_id) const;
  Result<StatsView> stats(std::string_view poll_id) const;
  // The results of a poll already in hand, or nullopt when they are hidden right now.
  std::optional<ResultsView> visible_results(const PollCatalog::PollPtr& poll) const;
  // How old the counts that results and stats serve are: the snapshot is refreshed every
  // 250 ms, so more than that means its store is not answering.
  std::chrono::duration<double> counts_age() const;

 private:
  const PollCatalog& catalog_;
  const TallySnapshots& snapshots_;
  const Clock& clock_;
};

}  // namespace paredao
