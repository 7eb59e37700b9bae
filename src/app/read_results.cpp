#include "app/read_results.hpp"

#include "domain/percent.hpp"

namespace paredao {
namespace {

const PollTally* find_tally(const TallySnapshot& snapshot, const std::string& poll_id) {
  const auto found = snapshot.tallies.find(poll_id);
  return found == snapshot.tallies.end() ? nullptr : &found->second;
}

Error not_found(std::string_view poll_id) {
  return Error{ErrorCode::kNotFound, "no poll with id '" + std::string(poll_id) + "'"};
}

}  // namespace

ReadResults::ReadResults(const PollCatalog& catalog, const TallySnapshots& snapshots,
                         const Clock& clock)
    : catalog_(catalog), snapshots_(snapshots), clock_(clock) {}

Result<ResultsView> ReadResults::results(std::string_view poll_id) const {
  const auto poll = catalog_.find(poll_id);
  if (!poll) return not_found(poll_id);
  auto view = visible_results(poll);
  if (!view) {
    return Error{ErrorCode::kResultsHidden, "this poll shows its results only once it is closed"};
  }
  return std::move(*view);
}

std::optional<ResultsView> ReadResults::visible_results(const PollCatalog::PollPtr& poll) const {
  const auto now = clock_.now();
  if (!poll->results_visible_at(now)) return std::nullopt;
  const auto snapshot = snapshots_.current();
  return ResultsView{
      poll, poll->status_at(now), snapshot->as_of,
      percent_hundredths(project_by_candidate(*poll, find_tally(*snapshot, poll->id)))};
}

std::chrono::duration<double> ReadResults::counts_age() const {
  return clock_.now() - snapshots_.current()->as_of;
}

Result<StatsView> ReadResults::stats(std::string_view poll_id) const {
  auto poll = catalog_.find(poll_id);
  if (!poll) return not_found(poll_id);
  const auto snapshot = snapshots_.current();
  auto counts = project(*poll, find_tally(*snapshot, poll->id));
  const auto status = poll->status_at(clock_.now());
  return StatsView{std::move(poll), status, snapshot->as_of, std::move(counts)};
}

}  // namespace paredao
