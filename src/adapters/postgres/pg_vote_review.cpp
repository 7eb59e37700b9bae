#include "adapters/postgres/pg_vote_review.hpp"

#include "adapters/logging/json_log.hpp"

namespace paredao {
namespace {

TimePoint from_ms(std::int64_t ms) { return TimePoint{std::chrono::milliseconds{ms}}; }

// $1 poll, $2 decision id, $3 the new state (0 counted, 2 voided), $4 network filter (cidr or
// NULL), $5 reason filter (or NULL), $6 the decision's time (ms), $7 its action.
// Moves the matching held votes, their counts in the rollup (minus under "q:<id>", plus under
// "<id>" or "v:<id>"), records the decision and its change of counts as an applied batch, and
// returns that change (a released vote enters the per-minute rollup by itself: a trigger, schema
// version 6). Rollup rows are written in key order, as the workers write them.
constexpr const char* kDecide = R"SQL(
WITH moved AS (
  UPDATE votes SET state = $3::smallint
  WHERE poll_id = $1 AND state = 1
    AND ($4::cidr IS NULL OR (network <> '' AND network::cidr <<= $4::cidr))
    AND ($5::text IS NULL OR reason = $5::text)
  RETURNING candidate_id, date_trunc('hour', accepted_at) AS hour
), counts AS (
  SELECT candidate_id, hour, count(*)::bigint AS n FROM moved GROUP BY 1, 2
), deltas AS (
  SELECT 'q:' || candidate_id AS tally_key, hour, -n AS n FROM counts
  UNION ALL
  SELECT CASE WHEN $3::smallint = 0 THEN candidate_id ELSE 'v:' || candidate_id END, hour, n
  FROM counts
), rollup AS (
  INSERT INTO hourly_tally (poll_id, hour, candidate_id, votes)
  SELECT $1, hour, tally_key, n FROM deltas ORDER BY hour, tally_key
  ON CONFLICT (poll_id, hour, candidate_id) DO UPDATE SET votes = hourly_tally.votes + excluded.votes
), total AS (
  SELECT coalesce(sum(n), 0)::bigint AS votes FROM counts
), batch AS (
  INSERT INTO applied_batches (batch_id, delta, votes)
  SELECT $2::uuid,
         jsonb_agg(jsonb_build_object('p', $1::text, 'c', tally_key,
                                      'h', extract(epoch FROM hour)::bigint, 'n', n)), 0
  FROM deltas HAVING count(*) > 0
), decision AS (
  INSERT INTO review_decisions (decision_id, poll_id, at, action, network, reason, votes)
  SELECT $2::uuid, $1, to_timestamp($6::bigint / 1000.0::float8), $7, $4::cidr, $5, votes
  FROM total WHERE votes > 0
)
SELECT tally_key, extract(epoch FROM hour)::bigint, n FROM deltas
)SQL";

class PgAuditReader final : public AuditReader {
 public:
  PgAuditReader(const std::string& url, std::string_view poll_id, std::chrono::milliseconds timeout)
      : connection_(url, timeout) {
    connection_.exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    // The first page waits for the sort of every vote of the poll: minutes for a record night,
    // far past the connection's usual deadline for a statement.
    connection_.exec("SET LOCAL statement_timeout = '10min'");
    std::unique_ptr<char, decltype(&PQfreemem)> literal(
        PQescapeLiteral(connection_.handle(), poll_id.data(), poll_id.size()), &PQfreemem);
    if (!literal) throw pg::Error("cannot quote the poll id", "");
    // Oldest first; the vote id (time-ordered) breaks ties within a millisecond.
    connection_.exec(
        "DECLARE audit NO SCROLL CURSOR FOR"
        " SELECT vote_id::text, round(extract(epoch FROM accepted_at) * 1000)::bigint,"
        " candidate_id, network, state, reason FROM votes WHERE poll_id = " +
        std::string(literal.get()) + " ORDER BY accepted_at, vote_id");
  }

  std::optional<std::vector<AuditedVote>> next(std::size_t max) override {
    if (done_) return std::vector<AuditedVote>{};
    try {
      const auto rows = connection_.exec("FETCH FORWARD " + std::to_string(max) + " FROM audit");
      std::vector<AuditedVote> votes;
      votes.reserve(std::size_t(rows.rows()));
      for (int row = 0; row < rows.rows(); ++row) {
        votes.push_back(AuditedVote{.vote_id = std::string(rows.text(row, 0)),
                                    .accepted_at = from_ms(rows.integer(row, 1)),
                                    .candidate_id = std::string(rows.text(row, 2)),
                                    .network = std::string(rows.text(row, 3)),
                                    .state = VoteState(rows.integer(row, 4)),
                                    .reason = rows.optional_text(row, 5).value_or("")});
      }
      if (votes.empty()) {
        connection_.exec("COMMIT");
        done_ = true;
      }
      return votes;
    } catch (const pg::Error& e) {
      log::error("postgres_audit_read_failed", {{"error", e.what()}});
      return std::nullopt;
    }
  }

 private:
  pg::Connection connection_;
  bool done_ = false;
};

}  // namespace

std::optional<HeldVotes> PgVoteReview::held(std::string_view poll_id) {
  std::lock_guard lock(mutex_);
  try {
    auto& connection = connection_.get();
    return pg::in_transaction(connection, [&] {
      connection.exec("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY");
      const std::string poll(poll_id);
      const auto rows = connection.exec(
          "SELECT network, coalesce(reason, ''), candidate_id, count(*)::bigint,"
          " round(extract(epoch FROM min(accepted_at)) * 1000)::bigint,"
          " round(extract(epoch FROM max(accepted_at)) * 1000)::bigint"
          " FROM votes WHERE poll_id = $1 AND state = 1 GROUP BY 1, 2, 3",
          {poll});
      std::vector<HeldCell> cells;
      cells.reserve(std::size_t(rows.rows()));
      for (int row = 0; row < rows.rows(); ++row) {
        cells.push_back(HeldCell{std::string(rows.text(row, 0)), std::string(rows.text(row, 1)),
                                 std::string(rows.text(row, 2)), rows.integer(row, 3),
                                 from_ms(rows.integer(row, 4)), from_ms(rows.integer(row, 5))});
      }
      HeldVotes held{.groups = held_groups(cells), .decisions = {}};
      const auto decisions = connection.exec(
          "SELECT round(extract(epoch FROM at) * 1000)::bigint, action, network::text, reason,"
          " votes FROM review_decisions WHERE poll_id = $1 ORDER BY at, decision_id",
          {poll});
      held.decisions.reserve(std::size_t(decisions.rows()));
      for (int row = 0; row < decisions.rows(); ++row) {
        held.decisions.push_back(ReviewDecision{.at = from_ms(decisions.integer(row, 0)),
                                                .action = decisions.text(row, 1) == "void"
                                                              ? ReviewAction::kVoid
                                                              : ReviewAction::kRelease,
                                                .network = decisions.optional_text(row, 2),
                                                .reason = decisions.optional_text(row, 3),
                                                .votes = decisions.integer(row, 4)});
      }
      return held;
    });
  } catch (const pg::Error& e) {
    log::error("postgres_review_failed", {{"error", e.what()}});
    connection_.drop();
    return std::nullopt;
  }
}

std::optional<std::vector<MinuteTally>> PgVoteReview::counted_by_minute(std::string_view poll_id,
                                                                        TimePoint since) {
  std::lock_guard lock(mutex_);
  try {
    auto& connection = connection_.get();
    const auto since_ms = std::to_string(since.time_since_epoch().count());
    const auto rows = connection.exec(
        "SELECT extract(epoch FROM minute)::bigint, candidate_id, votes FROM minute_tally"
        " WHERE poll_id = $1 AND minute >= to_timestamp($2::bigint / 1000.0::float8)"
        " AND votes > 0 ORDER BY 1",
        {std::string(poll_id), since_ms});
    std::vector<MinuteTally> minutes;
    for (int row = 0; row < rows.rows(); ++row) {
      const TimePoint minute = from_ms(rows.integer(row, 0) * 1000);
      if (minutes.empty() || minutes.back().minute != minute) minutes.push_back({minute, {}});
      minutes.back().by_candidate[std::string(rows.text(row, 1))] += rows.integer(row, 2);
    }
    return minutes;
  } catch (const pg::Error& e) {
    log::error("postgres_review_failed", {{"error", e.what()}});
    connection_.drop();
    return std::nullopt;
  }
}

std::optional<DecisionOutcome> PgVoteReview::decide(std::string_view poll_id, ReviewAction action,
                                                    const HeldFilter& filter, TimePoint at,
                                                    std::string_view decision_id) {
  std::lock_guard lock(decide_mutex_);
  try {
    auto& connection = decide_connection_.get();
    const std::string poll(poll_id);
    return pg::in_transaction(connection, [&] {
      // One decision of a poll at a time, across every api copy: two decisions taking the same
      // held votes in different orders would otherwise deadlock (and one be aborted).
      connection.exec("SELECT pg_advisory_xact_lock(7463002, hashtext($1))", {poll});
      // Releasing a whole bot farm moves millions of rows in one statement.
      connection.exec("SET LOCAL statement_timeout = '5min'");
      const auto rows = connection.exec(
          kDecide,
          {poll, std::string(decision_id), action == ReviewAction::kRelease ? "0" : "2",
           filter.network ? pg::Param(filter.network->cidr()) : std::nullopt, filter.reason,
           std::to_string(at.time_since_epoch().count()), std::string(to_string(action))});
      DecisionOutcome outcome;
      outcome.deltas.reserve(std::size_t(rows.rows()));
      for (int row = 0; row < rows.rows(); ++row) {
        const auto votes = rows.integer(row, 2);
        if (votes > 0) outcome.votes += votes;
        outcome.deltas.push_back(TallyDelta{.poll_id = poll,
                                            .candidate_id = std::string(rows.text(row, 0)),
                                            .hour = rows.integer(row, 1),
                                            .votes = votes});
      }
      return outcome;
    });
  } catch (const pg::Error& e) {
    log::error("postgres_decision_failed", {{"poll_id", poll_id}, {"error", e.what()}});
    decide_connection_.drop();
    return std::nullopt;
  }
}

std::unique_ptr<AuditReader> PgVoteReview::audit(std::string_view poll_id) {
  try {
    return std::make_unique<PgAuditReader>(url_, poll_id, kLongStatement);
  } catch (const pg::Error& e) {
    log::error("postgres_audit_failed", {{"error", e.what()}});
    return nullptr;
  }
}

std::optional<std::vector<std::string>> PgVoteReview::settled_among(
    std::span<const std::string> batch_ids) {
  std::lock_guard lock(mutex_);
  try {
    const std::vector<std::string_view> ids(batch_ids.begin(), batch_ids.end());
    const auto rows = connection_.get().exec(
        "SELECT batch_id::text FROM applied_batches WHERE batch_id = ANY($1::uuid[])",
        {pg::text_array(ids)});
    std::vector<std::string> settled;
    settled.reserve(std::size_t(rows.rows()));
    for (int row = 0; row < rows.rows(); ++row) settled.emplace_back(rows.text(row, 0));
    return settled;
  } catch (const pg::Error&) {
    connection_.drop();
    return std::nullopt;
  }
}

}  // namespace paredao
