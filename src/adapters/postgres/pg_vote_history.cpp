#include "adapters/postgres/pg_vote_history.hpp"

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <map>

#include "adapters/logging/json_log.hpp"
#include "adapters/tracing/traceparent.hpp"

namespace paredao {
namespace {

// Several batches in one statement (one transaction, one round trip); each batch is recorded as
// if alone: its votes not stored yet, the rollup increased by the rows really inserted, and the
// batch with those counts — or, for a batch already stored, only its stored counts read back.
// The per-minute rollup of counted votes follows the inserted rows by itself (a trigger: schema
// version 6).
// The result has one row per batch: its position in $1 (from 1) and its counts.
//
// Two workers handed the same batch at once (a redelivery while the first still runs) both find
// no stored batch; the second then waits on the first's rows, inserts no vote, and fails on the
// batch's primary key — and its retry reads the stored counts. Nothing is counted twice.
// Rows are written in one order in every transaction — the votes in the order of their batch ids
// (the caller sorts the batches), the rollup and the batches by key — so that two workers never
// each hold a row the other needs: PostgreSQL would break such a deadlock by aborting one (a
// second lost each time, and a redelivery).
// The milliseconds are divided as float8, which to_timestamp takes anyway: a numeric division
// (what `/ 1000.0` alone gives) cost twice as much per row, for the same correctly rounded double.
constexpr const char* kRecordBatches = R"SQL(
WITH batches AS (
  SELECT batch_id, nullif(traceparent, '') AS traceparent, position
  FROM unnest($1::uuid[], $12::text[]) WITH ORDINALITY AS b (batch_id, traceparent, position)
), done AS (
  SELECT b.batch_id, b.position, a.delta
  FROM batches b JOIN applied_batches a ON a.batch_id = b.batch_id
), incoming AS (
  SELECT * FROM unnest($2::uuid[], $3::uuid[], $4::bigint[], $5::text[], $6::text[], $7::text[],
                       $8::bigint[], $9::text[], $10::smallint[], $11::text[])
    AS v (batch_id, vote_id, accepted_ms, poll_id, candidate_id, challenge_id, expires_ms,
          network, state, reason)
  WHERE NOT EXISTS (SELECT 1 FROM done WHERE done.batch_id = v.batch_id)
), inserted AS (
  INSERT INTO votes (vote_id, accepted_at, poll_id, candidate_id, challenge_id,
                     challenge_expires_at, batch_id, network, state, reason)
  SELECT vote_id, to_timestamp(accepted_ms / 1000.0::float8), poll_id, candidate_id, challenge_id,
         to_timestamp(expires_ms / 1000.0::float8), batch_id, network, state, nullif(reason, '')
  FROM incoming
  ON CONFLICT DO NOTHING
  -- candidate_id here is the vote's tally key: held votes count under their own (tally_key).
  RETURNING batch_id, poll_id,
            CASE state WHEN 1 THEN 'q:' || candidate_id WHEN 2 THEN 'v:' || candidate_id
                       ELSE candidate_id END AS candidate_id,
            accepted_at, date_trunc('hour', accepted_at) AS hour
), spans AS (
  SELECT batch_id, min(accepted_at) AS first_at, max(accepted_at) AS last_at
  FROM inserted GROUP BY 1
), counts AS (
  SELECT batch_id, poll_id, candidate_id, hour, count(*)::bigint AS n
  FROM inserted GROUP BY 1, 2, 3, 4
), rollup AS (
  INSERT INTO hourly_tally (poll_id, hour, candidate_id, votes)
  SELECT poll_id, hour, candidate_id, sum(n)::bigint FROM counts
  GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
  ON CONFLICT (poll_id, hour, candidate_id) DO UPDATE SET votes = hourly_tally.votes + excluded.votes
), recorded AS (
  INSERT INTO applied_batches (batch_id, delta, votes, first_accepted_at, last_accepted_at,
                               traceparent)
  SELECT b.batch_id,
         coalesce(jsonb_agg(jsonb_build_object('p', c.poll_id, 'c', c.candidate_id,
                                               'h', extract(epoch FROM c.hour)::bigint, 'n', c.n))
                    FILTER (WHERE c.n IS NOT NULL),
                  '[]'::jsonb),
         coalesce(sum(c.n), 0),
         (SELECT first_at FROM spans s WHERE s.batch_id = b.batch_id),
         (SELECT last_at FROM spans s WHERE s.batch_id = b.batch_id),
         b.traceparent
  FROM batches b LEFT JOIN counts c ON c.batch_id = b.batch_id
  WHERE NOT EXISTS (SELECT 1 FROM done WHERE done.batch_id = b.batch_id)
  GROUP BY b.batch_id, b.traceparent ORDER BY b.batch_id
  RETURNING batch_id, delta
)
SELECT position, delta::text FROM done
UNION ALL
SELECT b.position, r.delta::text FROM recorded r JOIN batches b ON b.batch_id = r.batch_id
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

std::optional<std::vector<std::vector<TallyDelta>>> PgVoteHistory::record_all(
    std::span<const VoteBatch> batches) {
  // Each distinct batch once, in the order of its id (see kRecordBatches).
  std::vector<const VoteBatch*> sorted;
  for (const auto& batch : batches) sorted.push_back(&batch);
  std::sort(sorted.begin(), sorted.end(),
            [](const auto* a, const auto* b) { return a->batch_id < b->batch_id; });
  sorted.erase(std::unique(sorted.begin(), sorted.end(),
                           [](const auto* a, const auto* b) { return a->batch_id == b->batch_id; }),
               sorted.end());
  std::vector<std::string> accepted_ms, expires_ms;
  std::vector<std::string> states;
  std::vector<std::string_view> batch_ids, vote_batches, vote_ids, polls, candidates, challenges,
      networks, reasons;
  std::vector<std::string> traceparents;
  for (const auto* batch : sorted) {
    batch_ids.push_back(batch->batch_id);
    traceparents.push_back(format_traceparent(batch->trace));
    for (const auto& vote : batch->votes) {
      vote_batches.push_back(batch->batch_id);
      vote_ids.push_back(vote.vote_id);
      accepted_ms.push_back(std::to_string(vote.accepted_at.time_since_epoch().count()));
      polls.push_back(vote.poll_id);
      candidates.push_back(vote.candidate_id);
      challenges.push_back(vote.challenge_id);
      expires_ms.push_back(std::to_string(vote.challenge_expires_at.time_since_epoch().count()));
      networks.push_back(vote.network);
      states.push_back(std::to_string(int(vote.state)));
      reasons.push_back(vote.reason);
    }
  }
  const std::vector<std::string_view> state_texts(states.begin(), states.end());
  const std::vector<std::string_view> times(accepted_ms.begin(), accepted_ms.end());
  const std::vector<std::string_view> expiries(expires_ms.begin(), expires_ms.end());
  const std::vector<std::string_view> traces(traceparents.begin(), traceparents.end());
  const std::vector<pg::Param> params{
      pg::text_array(batch_ids),   pg::text_array(vote_batches), pg::text_array(vote_ids),
      pg::text_array(times),       pg::text_array(polls),        pg::text_array(candidates),
      pg::text_array(challenges),  pg::text_array(expiries),     pg::text_array(networks),
      pg::text_array(state_texts), pg::text_array(reasons),      pg::text_array(traces)};
  // A unique violation means that a batch of the group was recorded by another worker since this
  // statement's snapshot; the retry reads it back. Each batch can do that once.
  for (std::size_t attempt = 0; attempt <= sorted.size(); ++attempt) {
    try {
      const auto rows = connection_.get().exec_prepared("record_batches", kRecordBatches, params);
      if (rows.rows() != int(sorted.size())) throw std::runtime_error("batches not recorded");
      std::map<std::string_view, std::vector<TallyDelta>> by_id;
      for (int row = 0; row < rows.rows(); ++row) {
        by_id[sorted.at(std::size_t(rows.integer(row, 0) - 1))->batch_id] =
            parse_stored_deltas(rows.text(row, 1));
      }
      std::vector<std::vector<TallyDelta>> recorded;
      for (const auto& batch : batches) recorded.push_back(by_id.at(batch.batch_id));
      return recorded;
    } catch (const pg::Error& e) {
      if (e.unique_violation()) continue;  // recorded concurrently: read it back
      log::error("postgres_record_failed", {{"batches", batches.size()}, {"error", e.what()}});
      connection_.drop();
      return std::nullopt;
    }
  }
  // Not reachable by the argument above; said rather than retried silently for ever.
  log::error("postgres_record_retries_exhausted", {{"batches", batches.size()}});
  return std::nullopt;
}

std::optional<bool> PgVoteHistory::cancel_unless_recorded(const std::string& batch_id) {
  try {
    // The batch's primary key decides: this row or the worker's, whichever commits first. A
    // worker recording concurrently waits for it, then fails on the key and reads back the
    // empty counts; this insert, waiting for a worker's, finds the key taken.
    auto& connection = connection_.get();
    const auto inserted = connection.exec(
        "INSERT INTO applied_batches (batch_id, delta, votes, cancelled)"
        " VALUES ($1::uuid, '[]', 0, true) ON CONFLICT (batch_id) DO NOTHING",
        {batch_id});
    if (inserted.affected() == 1) return true;
    // The key was taken: by a worker that recorded the batch, or by this settlement's own
    // earlier attempt whose answer was lost (committed, then the connection failed). The row
    // says which; a statement of its own sees rows committed while the insert waited.
    const auto stored = connection.exec(
        "SELECT cancelled FROM applied_batches WHERE batch_id = $1::uuid", {batch_id});
    if (stored.rows() != 1) throw pg::Error("the batch vanished while being settled", "");
    return stored.text(0, 0) == "t";
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

std::optional<DoubleUseAudit> PgVoteHistory::challenges_used_twice(
    std::optional<TimePoint> recorded_after, std::chrono::milliseconds around) {
  try {
    auto& connection = connection_.get();
    DoubleUseAudit audit;
    const auto collect = [&](const pg::Result& rows) {
      for (int row = 0; row < rows.rows(); ++row) {
        audit.found.push_back(ChallengeUsedTwice{
            std::string(rows.text(row, 0)), std::string(rows.text(row, 1)), rows.integer(row, 2)});
      }
    };
    if (!recorded_after) {
      // The whole history: exact, and a full scan (an audit after the night, not every second).
      return pg::in_transaction(connection, [&] {
        connection.exec("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY");
        audit.checked_until = TimePoint{std::chrono::milliseconds{
            connection
                .exec("SELECT floor(extract(epoch FROM coalesce(max(applied_at), now())) * 1000)"
                      "::bigint FROM applied_batches")
                .integer(0, 0)}};
        collect(connection.exec(
            "SELECT poll_id, challenge_id, votes FROM audit_challenges_used_twice ORDER BY 1, 2"));
        return audit;
      });
    }
    // Only around the votes of the batches recorded since the last look: a second use of one of
    // their challenges was accepted within that challenge's life (`around`) of them.
    return pg::in_transaction(connection, [&] {
      connection.exec("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY");
      const auto span = connection.exec(
          "SELECT (extract(epoch FROM min(first_accepted_at)) * 1000)::bigint,"
          " (extract(epoch FROM max(last_accepted_at)) * 1000)::bigint,"
          " floor(extract(epoch FROM coalesce(max(applied_at), to_timestamp($1::bigint / 1000.0)))"
          "   * 1000)::bigint"
          " FROM applied_batches WHERE applied_at > to_timestamp($1::bigint / 1000.0)",
          {std::to_string(recorded_after->time_since_epoch().count())});
      audit.checked_until = TimePoint{std::chrono::milliseconds{span.integer(0, 2)}};
      if (span.is_null(0, 0)) return audit;  // nothing recorded since
      collect(
          connection.exec("SELECT poll_id, challenge_id, count(*)::bigint FROM votes"
                          " WHERE accepted_at >= to_timestamp(($1::bigint - $3::bigint) / 1000.0)"
                          " AND accepted_at <= to_timestamp(($2::bigint + $3::bigint) / 1000.0)"
                          " GROUP BY 1, 2 HAVING count(*) > 1 ORDER BY 1, 2",
                          {std::string(span.text(0, 0)), std::string(span.text(0, 1)),
                           std::to_string(around.count())}));
      return audit;
    });
  } catch (const pg::Error& e) {
    log::error("postgres_audit_failed", {{"error", e.what()}});
    connection_.drop();
    return std::nullopt;
  }
}

std::optional<std::vector<std::string>> PgVoteHistory::poll_ids() {
  try {
    const auto rows = connection_.get().exec(
        "SELECT id FROM polls UNION SELECT DISTINCT poll_id FROM hourly_tally ORDER BY 1");
    std::vector<std::string> ids;
    ids.reserve(std::size_t(rows.rows()));
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
          "SELECT batch_id::text, (extract(epoch FROM applied_at) * 1000)::bigint, delta::text,"
          " coalesce(traceparent, '')"
          " FROM applied_batches WHERE applied_at >= to_timestamp($2::bigint / 1000.0)"
          " AND delta @> jsonb_build_array(jsonb_build_object('p', $1::text))"
          " ORDER BY applied_at",
          {poll, std::to_string(since.time_since_epoch().count())});
      for (int row = 0; row < recent.rows(); ++row) {
        RecordedBatch batch{
            .batch_id = std::string(recent.text(row, 0)),
            .recorded_at = TimePoint{std::chrono::milliseconds{recent.integer(row, 1)}},
            .deltas = {},
            .trace = parse_traceparent(recent.text(row, 3)).value_or(TraceContext{})};
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
