#include "adapters/postgres/pg_vote_history.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include "adapters/logging/json_log.hpp"

namespace paredao {
namespace {

// Two workers handed the same batch at once (a redelivery while the first still runs) both find
// no stored batch; the second then waits on the first's rows, inserts no vote, and fails on the
// batch's primary key — and its retry reads the stored counts. Nothing is counted twice.
// The rollup rows are added to in one order (their key's), the same in every transaction: in the
// hash aggregate's order, two workers could each hold a row the other needed, until PostgreSQL
// broke the deadlock by aborting one (a second lost each time, and a redelivery).
// The milliseconds are divided as float8, which to_timestamp takes anyway: a numeric division
// (what `/ 1000.0` alone gives) cost twice as much per row, for the same correctly rounded double.
constexpr const char* kRecordBatch = R"SQL(
WITH done AS (
  SELECT delta FROM applied_batches WHERE batch_id = $1::uuid
), incoming AS (
  SELECT * FROM unnest($2::uuid[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::bigint[])
    AS v (vote_id, accepted_ms, poll_id, candidate_id, challenge_id, expires_ms)
  WHERE NOT EXISTS (SELECT 1 FROM done)
), inserted AS (
  INSERT INTO votes (vote_id, accepted_at, poll_id, candidate_id, challenge_id,
                     challenge_expires_at, batch_id)
  SELECT vote_id, to_timestamp(accepted_ms / 1000.0::float8), poll_id, candidate_id, challenge_id,
         to_timestamp(expires_ms / 1000.0::float8), $1::uuid
  FROM incoming
  ON CONFLICT DO NOTHING
  RETURNING poll_id, candidate_id, date_trunc('hour', accepted_at) AS hour
), counts AS (
  SELECT poll_id, candidate_id, hour, count(*)::bigint AS n FROM inserted GROUP BY 1, 2, 3
), rollup AS (
  INSERT INTO hourly_tally (poll_id, hour, candidate_id, votes)
  SELECT poll_id, hour, candidate_id, n FROM counts ORDER BY poll_id, hour, candidate_id
  ON CONFLICT (poll_id, hour, candidate_id) DO UPDATE SET votes = hourly_tally.votes + excluded.votes
), recorded AS (
  INSERT INTO applied_batches (batch_id, delta, votes)
  SELECT $1::uuid,
         coalesce(jsonb_agg(jsonb_build_object('p', poll_id, 'c', candidate_id,
                                               'h', extract(epoch FROM hour)::bigint, 'n', n)),
                  '[]'::jsonb),
         coalesce(sum(n), 0)
  FROM counts
  HAVING NOT EXISTS (SELECT 1 FROM done)
  RETURNING delta
)
SELECT delta::text FROM done UNION ALL SELECT delta::text FROM recorded
)SQL";

}  // namespace

std::vector<TallyDelta> parse_stored_deltas(std::string_view json) {
  std::vector<TallyDelta> deltas;
  const auto parsed = boost::json::parse(json);
  for (const auto& item : parsed.as_array()) {
    const auto& object = item.as_object();
    deltas.push_back(TallyDelta{.poll_id = std::string(object.at("p").as_string()),
                                .candidate_id = std::string(object.at("c").as_string()),
                                .hour = object.at("h").to_number<std::int64_t>(),
                                .votes = object.at("n").to_number<std::int64_t>()});
  }
  return deltas;
}

std::optional<std::vector<TallyDelta>> PgVoteHistory::record(const VoteBatch& batch) {
  std::vector<std::string> accepted_ms, expires_ms;
  std::vector<std::string_view> vote_ids, polls, candidates, challenges, times, expiries;
  for (const auto& vote : batch.votes) {
    vote_ids.push_back(vote.vote_id);
    accepted_ms.push_back(std::to_string(vote.accepted_at.time_since_epoch().count()));
    polls.push_back(vote.poll_id);
    candidates.push_back(vote.candidate_id);
    challenges.push_back(vote.challenge_id);
    expires_ms.push_back(std::to_string(vote.challenge_expires_at.time_since_epoch().count()));
  }
  for (const auto& ms : accepted_ms) times.push_back(ms);
  for (const auto& ms : expires_ms) expiries.push_back(ms);
  const std::vector<pg::Param> params{
      batch.batch_id,          pg::text_array(vote_ids),   pg::text_array(times),
      pg::text_array(polls),   pg::text_array(candidates), pg::text_array(challenges),
      pg::text_array(expiries)};
  for (int attempt = 0; attempt < 3; ++attempt) {
    try {
      const auto rows = connection_.get().exec_prepared("record_batch", kRecordBatch, params);
      if (rows.rows() != 1) throw std::runtime_error("batch not recorded");
      return parse_stored_deltas(rows.text(0, 0));
    } catch (const pg::Error& e) {
      if (e.unique_violation()) continue;  // recorded concurrently: read it back
      log::error("postgres_record_failed", {{"batch_id", batch.batch_id}, {"error", e.what()}});
      connection_.drop();
      return std::nullopt;
    }
  }
  return std::nullopt;
}

std::optional<bool> PgVoteHistory::cancel_unless_recorded(const std::string& batch_id) {
  try {
    // The batch's primary key decides: this row or the worker's, whichever commits first. A
    // worker recording concurrently waits for it, then fails on the key and reads back the
    // empty counts; this insert, waiting for a worker's, finds the key taken.
    const auto inserted = connection_.get().exec(
        "INSERT INTO applied_batches (batch_id, delta, votes, cancelled)"
        " VALUES ($1::uuid, '[]', 0, true) ON CONFLICT (batch_id) DO NOTHING",
        {batch_id});
    return inserted.affected() == 1;
  } catch (const pg::Error& e) {
    log::error("postgres_cancel_failed", {{"batch_id", batch_id}, {"error", e.what()}});
    connection_.drop();
    return std::nullopt;
  }
}

std::optional<std::vector<UsedChallenge>> PgVoteHistory::unexpired_challenges(TimePoint now) {
  try {
    // A challenge expires at most a day after its vote (the challenge lifetime is minutes):
    // the time bound lets the BRIN index and partition pruning skip the old votes.
    const auto rows = connection_.get().exec(
        "SELECT poll_id, challenge_id, (extract(epoch FROM challenge_expires_at) * 1000)::bigint"
        " FROM votes WHERE accepted_at > to_timestamp($1::bigint / 1000.0) - interval '1 day'"
        " AND challenge_expires_at > to_timestamp($1::bigint / 1000.0)",
        {std::to_string(now.time_since_epoch().count())});
    std::vector<UsedChallenge> used;
    used.reserve(rows.rows());
    for (int row = 0; row < rows.rows(); ++row) {
      used.push_back(UsedChallenge{std::string(rows.text(row, 0)), std::string(rows.text(row, 1)),
                                   TimePoint{std::chrono::milliseconds{rows.integer(row, 2)}}});
    }
    return used;
  } catch (const pg::Error&) {
    connection_.drop();
    return std::nullopt;
  }
}

std::optional<std::vector<std::string>> PgVoteHistory::poll_ids() {
  try {
    const auto rows = connection_.get().exec(
        "SELECT id FROM polls UNION SELECT DISTINCT poll_id FROM hourly_tally ORDER BY 1");
    std::vector<std::string> ids;
    for (int row = 0; row < rows.rows(); ++row) ids.emplace_back(rows.text(row, 0));
    return ids;
  } catch (const pg::Error&) {
    connection_.drop();
    return std::nullopt;
  }
}

std::optional<PollHistory> PgVoteHistory::history_of(std::string_view poll_id, TimePoint since) {
  try {
    auto& connection = connection_.get();
    return pg::in_transaction(connection, [&] {
      // One snapshot for both reads: a batch is in `recent` exactly when it is in `counts`.
      connection.exec("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY");
      PollHistory history;
      const std::string poll(poll_id);
      const auto counts = connection.exec(
          "SELECT candidate_id, extract(epoch FROM hour)::bigint, votes FROM hourly_tally"
          " WHERE poll_id = $1",
          {poll});
      for (int row = 0; row < counts.rows(); ++row) {
        history.counts.add(std::string(counts.text(row, 0)), counts.integer(row, 1),
                           counts.integer(row, 2));
      }
      const auto recent = connection.exec(
          "SELECT batch_id::text, (extract(epoch FROM applied_at) * 1000)::bigint, delta::text"
          " FROM applied_batches WHERE applied_at >= to_timestamp($2::bigint / 1000.0)"
          " AND delta @> jsonb_build_array(jsonb_build_object('p', $1::text))"
          " ORDER BY applied_at",
          {poll, std::to_string(since.time_since_epoch().count())});
      for (int row = 0; row < recent.rows(); ++row) {
        RecordedBatch batch{std::string(recent.text(row, 0)),
                            TimePoint{std::chrono::milliseconds{recent.integer(row, 1)}},
                            {}};
        for (auto& delta : parse_stored_deltas(recent.text(row, 2))) {
          if (delta.poll_id == poll) batch.deltas.push_back(std::move(delta));
        }
        history.recent.push_back(std::move(batch));
      }
      return history;
    });
  } catch (const pg::Error&) {
    connection_.drop();
    return std::nullopt;
  }
}

}  // namespace paredao
