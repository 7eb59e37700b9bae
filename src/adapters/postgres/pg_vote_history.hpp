#pragma once
#include <string>

#include "adapters/postgres/pg_connection.hpp"
#include "app/ports/vote_history.hpp"

namespace paredao {

// The history in PostgreSQL. Batches are recorded by one statement (so one implicit transaction
// and one round trip) whatever their number: votes inserted with ON CONFLICT DO NOTHING, the
// hourly rollup increased by the rows really inserted, each batch stored with those counts — or,
// for a batch already stored, only its stored counts read back. Blocking; one thread at a time.
class PgVoteHistory final : public VoteHistory {
 public:
  // Every statement answers within `timeout` or counts as failed (the connection is dropped).
  explicit PgVoteHistory(std::string url,
                         std::chrono::milliseconds timeout = std::chrono::milliseconds(15000))
      : connection_(std::move(url), timeout) {}

  std::optional<std::vector<std::vector<TallyDelta>>> record_all(
      std::span<const VoteBatch> batches) override;
  std::optional<bool> cancel_unless_recorded(const std::string& batch_id) override;
  std::optional<std::vector<UsedChallenge>> unexpired_challenges(TimePoint now) override;
  std::optional<std::vector<std::string>> poll_ids() override;
  std::optional<DoubleUseAudit> challenges_used_twice(std::optional<TimePoint> recorded_after,
                                                      std::chrono::milliseconds around) override;
  std::optional<PollHistory> history_of(std::string_view poll_id, TimePoint since) override;

 private:
  pg::ReconnectingConnection connection_;
};

// Counts stored as JSON ([{"p","c","h","n"}, …]) back into deltas; throws std::runtime_error.
std::vector<TallyDelta> parse_stored_deltas(std::string_view json);

}  // namespace paredao
