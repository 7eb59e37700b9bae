#include "adapters/postgres/pg_schema.hpp"

#include <string>

namespace paredao::pg {
namespace {

struct Migration {
  int version;
  const char* description;
  const char* sql;
};

// Append only: a version, once released, is never edited.
constexpr Migration kMigrations[] = {
    {1, "polls, votes partitioned by day, hourly rollup, applied batches, shared settings", R"SQL(
CREATE TABLE polls (
  id                   text PRIMARY KEY,
  title                text NOT NULL,
  status               text NOT NULL CHECK (status IN ('draft', 'open', 'closed')),
  opens_at             timestamptz,
  closes_at            timestamptz,
  show_partial_results boolean NOT NULL,
  created_at           timestamptz NOT NULL,
  updated_at           timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE candidates (
  poll_id   text NOT NULL REFERENCES polls (id),
  position  integer NOT NULL,
  id        text NOT NULL,
  name      text NOT NULL,
  photo_url text,
  PRIMARY KEY (poll_id, id),
  UNIQUE (poll_id, position)
);
-- Every accepted vote. vote_id is a UUIDv7 whose timestamp is accepted_at, so one vote always
-- has the same (vote_id, accepted_at): the key deduplicates redeliveries exactly while letting
-- the table be partitioned by time.
CREATE TABLE votes (
  vote_id      uuid NOT NULL,
  accepted_at  timestamptz NOT NULL,
  poll_id      text NOT NULL,
  candidate_id text NOT NULL,
  challenge_id text NOT NULL,
  challenge_expires_at timestamptz NOT NULL,
  batch_id     uuid NOT NULL,
  PRIMARY KEY (vote_id, accepted_at)
) PARTITION BY RANGE (accepted_at);
CREATE TABLE votes_default PARTITION OF votes DEFAULT;
-- The recent votes (their challenges, after Redis lost its data): BRIN, tiny and nearly free to
-- keep since votes arrive in time order.
CREATE INDEX votes_by_time ON votes USING brin (accepted_at);
-- Counts per poll, UTC hour and candidate; the stats of the API and the reconciler read this,
-- never the votes.
CREATE TABLE hourly_tally (
  poll_id      text NOT NULL,
  hour         timestamptz NOT NULL,
  candidate_id text NOT NULL,
  votes        bigint NOT NULL,
  PRIMARY KEY (poll_id, hour, candidate_id)
);
-- One row per vote batch recorded, with the counts it really added: a redelivered batch finds
-- its row and applies the same delta to Redis instead of counting again.
CREATE TABLE applied_batches (
  batch_id   uuid PRIMARY KEY,
  delta      jsonb NOT NULL,
  votes      integer NOT NULL,
  -- A batch whose publication was in doubt and that the api settled as never to count.
  cancelled  boolean NOT NULL DEFAULT false,
  applied_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX applied_batches_by_time ON applied_batches (applied_at);
-- Secrets every api copy must share (the challenge signing key, the admin token).
CREATE TABLE settings (
  name  text PRIMARY KEY,
  value text NOT NULL
);
-- Poll changes bump catalog_state.version and are announced (NOTIFY paredao_polls); every api
-- copy reports the catalog version it has loaded, so that an admin change is answered only
-- once every copy shows it.
CREATE SEQUENCE catalog_version;
CREATE TABLE catalog_state (
  only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  version  bigint NOT NULL
);
INSERT INTO catalog_state (version) VALUES (0);
CREATE TABLE api_instances (
  instance_id     text PRIMARY KEY,
  catalog_version bigint NOT NULL,
  seen_at         timestamptz NOT NULL
);
-- Reports for the production team.
CREATE VIEW report_totals AS
  SELECT poll_id, candidate_id, sum(votes)::bigint AS votes
  FROM hourly_tally GROUP BY poll_id, candidate_id;
CREATE VIEW report_hourly AS
  SELECT poll_id, hour, sum(votes)::bigint AS total,
         jsonb_object_agg(candidate_id, votes) AS by_candidate
  FROM hourly_tally GROUP BY poll_id, hour;
CREATE VIEW report_per_minute AS
  SELECT poll_id, date_trunc('minute', accepted_at) AS minute, candidate_id, count(*) AS votes
  FROM votes GROUP BY 1, 2, 3;
)SQL"},
    {2, "the accepted times each batch spans; the audit of challenges used twice", R"SQL(
-- The first and last accepted_at of the votes a batch really inserted: the reconciler looks for a
-- challenge used twice only around the votes recorded since its last look.
ALTER TABLE applied_batches ADD COLUMN first_accepted_at timestamptz,
                            ADD COLUMN last_accepted_at timestamptz;
-- The audit: every challenge recorded by more than one vote. It must return no row.
CREATE VIEW audit_challenges_used_twice AS
  SELECT poll_id, challenge_id, count(*) AS votes, min(accepted_at) AS first_at,
         max(accepted_at) AS last_at
  FROM votes GROUP BY poll_id, challenge_id HAVING count(*) > 1;
)SQL"},
    {3, "what the edge knew of each vote: its client's network, its state and why it is held",
     R"SQL(
-- The client's network as a CIDR (the prefix only, never the address); the vote's state
-- (0 counted, 1 quarantined, 2 voided) and the reason it is held. Older votes all counted.
-- hourly_tally keeps held votes under their own keys, 'q:<candidate>' and 'v:<candidate>'
-- (candidate ids never hold a colon), so that the rollup, the live counters and the reconciler
-- carry them with no change; the reports below leave them out.
ALTER TABLE votes ADD COLUMN network text NOT NULL DEFAULT '',
                  ADD COLUMN state smallint NOT NULL DEFAULT 0 CHECK (state BETWEEN 0 AND 2),
                  ADD COLUMN reason text;
CREATE OR REPLACE VIEW report_totals AS
  SELECT poll_id, candidate_id, sum(votes)::bigint AS votes
  FROM hourly_tally WHERE position(':' in candidate_id) = 0 GROUP BY poll_id, candidate_id;
CREATE OR REPLACE VIEW report_hourly AS
  SELECT poll_id, hour, sum(votes)::bigint AS total,
         jsonb_object_agg(candidate_id, votes) AS by_candidate
  FROM hourly_tally WHERE position(':' in candidate_id) = 0 GROUP BY poll_id, hour;
CREATE OR REPLACE VIEW report_per_minute AS
  SELECT poll_id, date_trunc('minute', accepted_at) AS minute, candidate_id, count(*) AS votes
  FROM votes WHERE state = 0 GROUP BY 1, 2, 3;
)SQL"},
    {4, "production's review: watch lists, held votes found by index, decisions", R"SQL(
-- Each poll's watch list: networks whose votes are held (reason 'watched').
ALTER TABLE polls ADD COLUMN watch text[] NOT NULL DEFAULT '{}';
-- The held votes without a scan of the counted ones: only held votes pay for this index.
CREATE INDEX votes_held ON votes (poll_id) WHERE state = 1;
-- Every release or void that moved votes. Its change of counts is also an applied_batches row
-- (batch_id = decision_id), which the reconciler carries to Redis like a worker's batch.
CREATE TABLE review_decisions (
  decision_id uuid PRIMARY KEY,
  poll_id     text NOT NULL,
  at          timestamptz NOT NULL,
  action      text NOT NULL CHECK (action IN ('release', 'void')),
  network     cidr,
  reason      text,
  votes       bigint NOT NULL
);
CREATE INDEX review_decisions_by_poll ON review_decisions (poll_id, at);
)SQL"},
    {5, "tracing: the trace context of the message that carried each batch", R"SQL(
-- W3C traceparent of the message that carried the batch (null: none). The sync service
-- continues that trace when it counts the batch into Redis itself (a repair).
ALTER TABLE applied_batches ADD COLUMN traceparent text;
)SQL"},
    {6, "counted votes per minute, kept by triggers on the votes", R"SQL(
-- Counted votes per poll, UTC minute and candidate: the console's per-minute history reads this
-- instead of scanning the votes (1.4 s for an hour at 1,000 votes/s, growing with the votes).
-- Held votes are in no minute until released. Kept by the database itself, not by the statements
-- of this version: a worker or an api copy of an older version, still running while a new one is
-- rolled out (migrate runs first), writes votes that must count here too. Statement triggers
-- with transition tables see exactly the rows each statement really inserted (not those ON
-- CONFLICT DO NOTHING skipped) or changed, and run at the end of the statement, after every
-- write of its CTEs: the rows of minute_tally are always the last a transaction locks, in key
-- order, as hourly_tally's are before them (no deadlock between workers and decisions).
CREATE TABLE minute_tally (
  poll_id      text NOT NULL,
  minute       timestamptz NOT NULL,
  candidate_id text NOT NULL,
  votes        bigint NOT NULL,
  PRIMARY KEY (poll_id, minute, candidate_id)
);
-- One function for the three triggers, as PostgreSQL's own auditing example does: each branch
-- reads only the transition tables its operation has.
CREATE FUNCTION count_votes_per_minute() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO minute_tally (poll_id, minute, candidate_id, votes)
    SELECT poll_id, date_trunc('minute', accepted_at, 'UTC'), candidate_id, count(*)
    FROM added_votes WHERE state = 0 GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT (poll_id, minute, candidate_id)
      DO UPDATE SET votes = minute_tally.votes + excluded.votes;
  ELSIF TG_OP = 'UPDATE' THEN  -- what counted before goes out, what counts now comes in
    INSERT INTO minute_tally (poll_id, minute, candidate_id, votes)
    SELECT poll_id, minute, candidate_id, sum(n)::bigint FROM (
      SELECT poll_id, date_trunc('minute', accepted_at, 'UTC') AS minute, candidate_id, -1 AS n
      FROM removed_votes WHERE state = 0
      UNION ALL
      SELECT poll_id, date_trunc('minute', accepted_at, 'UTC'), candidate_id, 1
      FROM added_votes WHERE state = 0) AS changes
    GROUP BY 1, 2, 3 HAVING sum(n) <> 0 ORDER BY 1, 2, 3
    ON CONFLICT (poll_id, minute, candidate_id)
      DO UPDATE SET votes = minute_tally.votes + excluded.votes;
  ELSE
    UPDATE minute_tally SET votes = minute_tally.votes - gone.n
    FROM (SELECT poll_id, date_trunc('minute', accepted_at, 'UTC') AS minute, candidate_id,
                 count(*) AS n
          FROM removed_votes WHERE state = 0 GROUP BY 1, 2, 3) AS gone
    WHERE minute_tally.poll_id = gone.poll_id AND minute_tally.minute = gone.minute
      AND minute_tally.candidate_id = gone.candidate_id;
  END IF;
  RETURN NULL;
END
$$;
-- The lock first (no vote written by anyone until this commits), then the triggers, then the
-- votes stored so far: each vote is counted by the backfill or by a trigger, never both.
LOCK TABLE votes IN SHARE ROW EXCLUSIVE MODE;
CREATE TRIGGER votes_per_minute_insert AFTER INSERT ON votes
  REFERENCING NEW TABLE AS added_votes
  FOR EACH STATEMENT EXECUTE FUNCTION count_votes_per_minute();
CREATE TRIGGER votes_per_minute_update AFTER UPDATE ON votes
  REFERENCING OLD TABLE AS removed_votes NEW TABLE AS added_votes
  FOR EACH STATEMENT EXECUTE FUNCTION count_votes_per_minute();
CREATE TRIGGER votes_per_minute_delete AFTER DELETE ON votes
  REFERENCING OLD TABLE AS removed_votes
  FOR EACH STATEMENT EXECUTE FUNCTION count_votes_per_minute();
INSERT INTO minute_tally (poll_id, minute, candidate_id, votes)
  SELECT poll_id, date_trunc('minute', accepted_at, 'UTC'), candidate_id, count(*)
  FROM votes WHERE state = 0 GROUP BY 1, 2, 3;
CREATE OR REPLACE VIEW report_per_minute AS
  SELECT poll_id, minute, candidate_id, votes FROM minute_tally;
)SQL"},
};

}  // namespace

int latest_schema_version() { return kMigrations[std::size(kMigrations) - 1].version; }

int schema_version(Connection& connection) {
  const auto exists = connection.exec("SELECT to_regclass('schema_migrations') IS NOT NULL");
  if (exists.text(0, 0) != "t") return 0;
  const auto version = connection.exec("SELECT coalesce(max(version), 0) FROM schema_migrations");
  return int(version.integer(0, 0));
}

std::vector<int> migrate(Connection& connection) {
  return migrate_to(connection, latest_schema_version());
}

std::vector<int> migrate_to(Connection& connection, int version) {
  std::vector<int> applied;
  in_transaction(connection, [&] {
    // Serializes concurrent migrators; released at COMMIT.
    connection.exec("SELECT pg_advisory_xact_lock(7463001)");
    // A migration's backfill reads every vote stored: minutes for a season of nights, far past
    // the session's usual deadline for a statement (the caller's connection sets its own).
    connection.exec("SET LOCAL statement_timeout = 0");
    connection.exec(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version integer PRIMARY KEY, description text NOT NULL,"
        " applied_at timestamptz NOT NULL DEFAULT now())");
    const int current = schema_version(connection);
    for (const auto& migration : kMigrations) {
      if (migration.version <= current || migration.version > version) continue;
      connection.exec(migration.sql);
      connection.exec("INSERT INTO schema_migrations (version, description) VALUES ($1, $2)",
                      {std::to_string(migration.version), migration.description});
      applied.push_back(migration.version);
    }
  });
  return applied;
}

int ensure_vote_partitions(Connection& connection, int days_ahead) {
  int created = 0;
  for (int day = 0; day <= days_ahead; ++day) {
    const auto bounds = connection.exec(
        "SELECT to_char(d, 'YYYYMMDD'), d::text, (d + 1)::text"
        " FROM (SELECT (now() AT TIME ZONE 'UTC')::date + $1::int AS d) days",
        {std::to_string(day)});
    const std::string name = "votes_" + std::string(bounds.text(0, 0));
    const auto exists = connection.exec("SELECT to_regclass($1) IS NOT NULL", {name});
    if (exists.text(0, 0) == "t") continue;
    try {
      // Names and bounds come from the server's own date arithmetic above, not from input.
      connection.exec("CREATE TABLE IF NOT EXISTS " + name +
                      " PARTITION OF votes FOR VALUES FROM ('" + std::string(bounds.text(0, 1)) +
                      " 00:00:00+00') TO ('" + std::string(bounds.text(0, 2)) + " 00:00:00+00')");
      ++created;
    } catch (const Error& e) {
      // Another process created it at the same moment (duplicate table) or the default
      // partition already holds votes of that day (clock skew): the default keeps them.
      if (e.sqlstate() != "42P07" && e.sqlstate() != "23514") throw;
    }
  }
  return created;
}

}  // namespace paredao::pg
