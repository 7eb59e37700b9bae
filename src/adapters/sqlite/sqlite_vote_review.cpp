#include "adapters/sqlite/sqlite_vote_review.hpp"

#include <map>
#include <tuple>

#include "adapters/sqlite/sqlite_schema.hpp"

namespace paredao {
namespace {

TimePoint from_ms(std::int64_t ms) { return TimePoint{std::chrono::milliseconds{ms}}; }

class SqliteAuditReader final : public AuditReader {
 public:
  SqliteAuditReader(const std::filesystem::path& database, std::string_view poll_id)
      : connection_(database) {
    connection_.exec_or_throw("BEGIN");
    // Oldest first; the arrival order (rowid) breaks ties within a millisecond.
    select_ = std::make_unique<sqlite::Statement>(
        connection_.handle(),
        "SELECT vote_id, accepted_at_ms, candidate_id, network, state, reason FROM votes"
        " WHERE poll_id = ?1 ORDER BY accepted_at_ms, rowid");
    select_->bind(1, poll_id);
  }
  ~SqliteAuditReader() override {
    select_.reset();
    connection_.exec("COMMIT");
  }

  std::optional<std::vector<AuditedVote>> next(std::size_t max) override {
    std::vector<AuditedVote> votes;
    // A statement stepped again after its last row starts over: never once it is done.
    if (done_) return votes;
    try {
      while (votes.size() < max) {
        if (!select_->next_row()) {
          done_ = true;
          break;
        }
        votes.push_back(AuditedVote{.vote_id = select_->text(0),
                                    .accepted_at = from_ms(select_->integer(1)),
                                    .candidate_id = select_->text(2),
                                    .network = select_->text(3),
                                    .state = VoteState(select_->integer(4)),
                                    .reason = select_->optional_text(5).value_or("")});
      }
    } catch (const std::exception&) {
      return std::nullopt;
    }
    return votes;
  }

 private:
  sqlite::Connection connection_;
  std::unique_ptr<sqlite::Statement> select_;
  bool done_ = false;
};

}  // namespace

SqliteVoteReview::SqliteVoteReview(std::filesystem::path database)
    : database_(std::move(database)), connection_(database_) {}

std::optional<HeldVotes> SqliteVoteReview::held(std::string_view poll_id) {
  std::lock_guard lock(mutex_);
  try {
    // One snapshot for the groups and the decisions.
    connection_.exec_or_throw("BEGIN");
    HeldVotes held;
    std::vector<HeldCell> cells;
    {
      // `state = 1` as a literal: what lets SQLite use the partial index of held votes.
      sqlite::Statement rows(connection_.handle(),
                             "SELECT network, reason, candidate_id, count(*), min(accepted_at_ms),"
                             " max(accepted_at_ms) FROM votes WHERE poll_id = ?1 AND state = 1"
                             " GROUP BY 1, 2, 3");
      rows.bind(1, poll_id);
      while (rows.next_row()) {
        cells.push_back(HeldCell{rows.text(0), rows.optional_text(1).value_or(""), rows.text(2),
                                 rows.integer(3), from_ms(rows.integer(4)),
                                 from_ms(rows.integer(5))});
      }
      sqlite::Statement decisions(
          connection_.handle(),
          "SELECT at_ms, action, network, reason, votes"
          " FROM review_decisions WHERE poll_id = ?1 ORDER BY at_ms, rowid");
      decisions.bind(1, poll_id);
      while (decisions.next_row()) {
        held.decisions.push_back(ReviewDecision{
            .at = from_ms(decisions.integer(0)),
            .action = decisions.text(1) == "void" ? ReviewAction::kVoid : ReviewAction::kRelease,
            .network = decisions.optional_text(2),
            .reason = decisions.optional_text(3),
            .votes = decisions.integer(4)});
      }
    }
    connection_.exec("COMMIT");
    held.groups = held_groups(cells);
    return held;
  } catch (const std::exception&) {
    connection_.exec("ROLLBACK");
    return std::nullopt;
  }
}

std::optional<DecisionOutcome> SqliteVoteReview::decide(std::string_view poll_id,
                                                        ReviewAction action,
                                                        const HeldFilter& filter, TimePoint at,
                                                        std::string_view /*decision_id*/) {
  std::lock_guard lock(mutex_);
  // BEGIN IMMEDIATE takes the write lock at once (waiting out the pipeline's commit in
  // progress): no vote can change state between the reading and the update below.
  if (connection_.exec("BEGIN IMMEDIATE") != SQLITE_OK) return std::nullopt;
  std::optional<DecisionOutcome> outcome;
  try {
    outcome = decide_in_transaction(poll_id, action, filter, at);
  } catch (const std::exception&) {
    outcome.reset();
  }
  if (outcome && connection_.exec("COMMIT") == SQLITE_OK) return outcome;
  connection_.exec("ROLLBACK");
  return std::nullopt;
}

std::optional<DecisionOutcome> SqliteVoteReview::decide_in_transaction(std::string_view poll_id,
                                                                       ReviewAction action,
                                                                       const HeldFilter& filter,
                                                                       TimePoint at) {
  const auto next_state =
      action == ReviewAction::kRelease ? VoteState::kCounted : VoteState::kVoided;
  std::vector<std::int64_t> moved;
  std::map<std::tuple<std::string, std::int64_t>, std::int64_t> counts;   // candidate, hour
  std::map<std::tuple<std::string, std::int64_t>, std::int64_t> minutes;  // candidate, minute
  {
    sqlite::Statement rows(connection_.handle(),
                           "SELECT rowid, candidate_id, accepted_at_ms, network, reason FROM votes"
                           " WHERE poll_id = ?1 AND state = 1");
    rows.bind(1, poll_id);
    while (rows.next_row()) {
      if (filter.reason && rows.optional_text(4).value_or("") != *filter.reason) continue;
      if (filter.network) {
        const auto network = parse_cidr(rows.text(3));
        if (!network || !filter.network->contains(*network)) continue;
      }
      moved.push_back(rows.integer(0));
      const TimePoint accepted = from_ms(rows.integer(2));
      ++counts[{rows.text(1), unix_seconds(hour_start(accepted))}];
      ++minutes[{rows.text(1), unix_seconds(minute_start(accepted))}];
    }
  }
  DecisionOutcome outcome{.votes = std::int64_t(moved.size())};
  if (moved.empty()) return outcome;
  sqlite::Statement update(connection_.handle(), "UPDATE votes SET state = ?2 WHERE rowid = ?1");
  for (const auto rowid : moved) {
    if (update.bind(1, rowid).bind(2, std::int64_t(next_state)).run() != SQLITE_DONE) {
      return std::nullopt;
    }
  }
  sqlite::Statement add_hourly(connection_.handle(), sqlite::kAddToHourlyTally);
  const std::string poll(poll_id);
  for (const auto& [key, votes] : counts) {
    const auto& [candidate_id, hour] = key;
    for (const auto& [state, delta] :
         {std::pair{VoteState::kQuarantined, -votes}, std::pair{next_state, votes}}) {
      const auto tally = tally_key(state, candidate_id);
      if (add_hourly.bind(1, poll).bind(2, hour).bind(3, tally).bind(4, delta).run() !=
          SQLITE_DONE) {
        return std::nullopt;
      }
      outcome.deltas.push_back(
          TallyDelta{.poll_id = poll, .candidate_id = tally, .hour = hour, .votes = delta});
    }
  }
  if (next_state == VoteState::kCounted) {
    // Released: each vote enters the per-minute rollup of counted votes, at its own minute.
    sqlite::Statement add_minute(connection_.handle(), sqlite::kAddToMinuteTally);
    for (const auto& [key, votes] : minutes) {
      const auto& [candidate_id, minute] = key;
      if (add_minute.bind(1, poll).bind(2, minute).bind(3, candidate_id).bind(4, votes).run() !=
          SQLITE_DONE) {
        return std::nullopt;
      }
    }
  }
  sqlite::Statement record(connection_.handle(),
                           "INSERT INTO review_decisions (poll_id, at_ms, action, network, reason,"
                           " votes) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  record.bind(1, poll)
      .bind(2, std::int64_t(at.time_since_epoch().count()))
      .bind(3, to_string(action));
  if (filter.network) {
    record.bind(4, filter.network->cidr());
  } else {
    record.bind_null(4);
  }
  if (filter.reason) {
    record.bind(5, *filter.reason);
  } else {
    record.bind_null(5);
  }
  record.bind(6, outcome.votes);
  if (record.run() != SQLITE_DONE) return std::nullopt;
  return outcome;
}

std::unique_ptr<AuditReader> SqliteVoteReview::audit(std::string_view poll_id) {
  try {
    return std::make_unique<SqliteAuditReader>(database_, poll_id);
  } catch (const std::exception&) {
    return nullptr;
  }
}

std::optional<std::vector<MinuteTally>> SqliteVoteReview::counted_by_minute(
    std::string_view poll_id, TimePoint since) {
  std::lock_guard lock(mutex_);
  try {
    std::vector<MinuteTally> minutes;
    sqlite::Statement rows(connection_.handle(),
                           "SELECT minute, candidate_id, votes FROM minute_tally"
                           " WHERE poll_id = ?1 AND minute >= ?2 AND votes > 0 ORDER BY minute");
    rows.bind(1, poll_id);
    rows.bind(2, unix_seconds(since));
    while (rows.next_row()) {
      const TimePoint minute = from_unix_seconds(rows.integer(0));
      if (minutes.empty() || minutes.back().minute != minute) minutes.push_back({minute, {}});
      minutes.back().by_candidate[rows.text(1)] += rows.integer(2);
    }
    return minutes;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace paredao
