#include "adapters/sqlite/sqlite_schema.hpp"

#include <stdexcept>
#include <string>

namespace paredao::sqlite {
namespace {

constexpr std::int64_t kLatestVersion = 6;

}  // namespace

void apply_schema(Connection& connection) {
  connection.exec_or_throw("BEGIN IMMEDIATE");
  Statement version(connection.handle(), "PRAGMA user_version");
  version.step();
  const auto current = version.integer(0);
  version.reset();  // an open statement would keep DROP TABLE from running
  if (current > kLatestVersion) {
    // A database of a newer paredao, opened by an older one (a binary rolled back): this one
    // would write votes without what the newer versions keep beside them (the per-minute rollup
    // of version 6, say), and nothing would repair that afterwards.
    connection.exec("ROLLBACK");
    throw std::runtime_error(
        "the database " + std::string(sqlite3_db_filename(connection.handle(), "main")) +
        " is at schema version " + std::to_string(current) + ", newer than this paredao knows (" +
        std::to_string(kLatestVersion) + "): run the paredao that wrote it");
  }
  if (current < 1) {
    // Version 1. Its votes table, keyed by vote id, is replaced by version 2 below.
    connection.exec_or_throw(R"sql(
      CREATE TABLE polls (
        id TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('draft', 'open', 'closed')),
        opens_at_ms INTEGER,
        closes_at_ms INTEGER,
        show_partial_results INTEGER NOT NULL,
        created_at_ms INTEGER NOT NULL);
      CREATE TABLE candidates (
        poll_id TEXT NOT NULL REFERENCES polls(id),
        position INTEGER NOT NULL,
        id TEXT NOT NULL,
        name TEXT NOT NULL,
        photo_url TEXT,
        PRIMARY KEY (poll_id, position),
        UNIQUE (poll_id, id));
      CREATE TABLE votes (
        vote_id TEXT PRIMARY KEY,
        poll_id TEXT NOT NULL,
        candidate_id TEXT NOT NULL,
        accepted_at_ms INTEGER NOT NULL,
        challenge_id TEXT NOT NULL,
        challenge_expires_at_ms INTEGER NOT NULL) WITHOUT ROWID;
      CREATE INDEX votes_by_challenge_expiry ON votes (challenge_expires_at_ms);
      -- Counts per poll, UTC hour and candidate, kept in the same transaction as the votes so
      -- that stats and restarts never scan the votes.
      CREATE TABLE hourly_tally (
        poll_id TEXT NOT NULL,
        hour INTEGER NOT NULL,
        candidate_id TEXT NOT NULL,
        votes INTEGER NOT NULL,
        PRIMARY KEY (poll_id, hour, candidate_id)) WITHOUT ROWID;
      PRAGMA user_version = 1;
    )sql");
  }
  if (current < 2) {
    // Version 2: votes in arrival order (SQLite's rowid), not keyed by vote id. The vote ids
    // are unique by construction (one fresh id per accepted vote, and nothing redelivers in
    // the embedded mode), so the key only cost every insert a search through the ids, a sixth
    // of the committer's time. The challenge id is kept, indexed by expiry (nearly append-only),
    // so that the replay guard can be rebuilt at start; that index is deliberately not unique:
    // random keys would scatter every commit over the whole index, and the replay guard
    // already makes challenges single-use.
    connection.exec_or_throw(R"sql(
      CREATE TABLE votes_by_arrival (
        vote_id TEXT NOT NULL,
        poll_id TEXT NOT NULL,
        candidate_id TEXT NOT NULL,
        accepted_at_ms INTEGER NOT NULL,
        challenge_id TEXT NOT NULL,
        challenge_expires_at_ms INTEGER NOT NULL);
      INSERT INTO votes_by_arrival SELECT * FROM votes ORDER BY vote_id;
      DROP TABLE votes;
      ALTER TABLE votes_by_arrival RENAME TO votes;
      CREATE INDEX votes_by_challenge_expiry ON votes (challenge_expires_at_ms);
      PRAGMA user_version = 2;
    )sql");
  }
  if (current < 3) {
    // Version 3: no index on the challenges' expiry. Each vote carries instead the latest
    // challenge expiry of all the votes up to it (in arrival order), which never decreases from
    // one vote to the next: the votes whose challenge may still be unexpired at a start are
    // exactly those after the last one whose running maximum has passed, read backwards from
    // the newest. The index cost every commit a B-tree page more in the WAL and every vote a
    // second insert: without it the vote flood gave about 5 % more votes/s (docs/benchmarks.md).
    // The upgrade rewrites every vote once (a million votes: about 5 s at start).
    connection.exec_or_throw(R"sql(
      ALTER TABLE votes ADD COLUMN expiry_horizon_ms INTEGER NOT NULL DEFAULT 0;
      UPDATE votes SET expiry_horizon_ms = running.horizon
        FROM (SELECT rowid AS vote, max(challenge_expires_at_ms) OVER (ORDER BY rowid) AS horizon
              FROM votes) AS running
        WHERE votes.rowid = running.vote;
      DROP INDEX votes_by_challenge_expiry;
      PRAGMA user_version = 3;
    )sql");
  }
  if (current < 4) {
    // Version 4: what the edge knew of each vote (issue 15): the client's network (a CIDR: the
    // prefix only, never the address), and the vote's state (0 counted, 1 quarantined, 2 voided)
    // with the reason it is held. Older votes were all counted and their network is unknown.
    // hourly_tally keeps held votes under their own keys (domain/tally.hpp: tally_key).
    connection.exec_or_throw(R"sql(
      ALTER TABLE votes ADD COLUMN network TEXT NOT NULL DEFAULT '';
      ALTER TABLE votes ADD COLUMN state INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE votes ADD COLUMN reason TEXT;
      PRAGMA user_version = 4;
    )sql");
  }
  if (current < 5) {
    // Version 5: production's review of held votes (issue 15). Each poll's watch list (CIDRs,
    // space-separated); the held votes found without a scan of the counted ones (a partial
    // index: only held votes pay for it); every release or void decided.
    connection.exec_or_throw(R"sql(
      ALTER TABLE polls ADD COLUMN watch TEXT NOT NULL DEFAULT '';
      CREATE INDEX votes_held ON votes (poll_id) WHERE state = 1;
      CREATE TABLE review_decisions (
        poll_id TEXT NOT NULL,
        at_ms INTEGER NOT NULL,
        action TEXT NOT NULL CHECK (action IN ('release', 'void')),
        network TEXT,
        reason TEXT,
        votes INTEGER NOT NULL);
      CREATE INDEX review_decisions_by_poll ON review_decisions (poll_id, at_ms);
      PRAGMA user_version = 5;
    )sql");
  }
  if (current < 6) {
    // Version 6: counted votes per poll, UTC minute (unix seconds of its start) and candidate,
    // kept in the same transactions as hourly_tally: the console's per-minute history reads this
    // instead of the votes (1.5 s for an hour at 1,000 votes/s, growing with the votes). Held
    // votes enter their minute when released. Filled here from the votes stored so far.
    connection.exec_or_throw(R"sql(
      CREATE TABLE minute_tally (
        poll_id TEXT NOT NULL,
        minute INTEGER NOT NULL,
        candidate_id TEXT NOT NULL,
        votes INTEGER NOT NULL,
        PRIMARY KEY (poll_id, minute, candidate_id)) WITHOUT ROWID;
      INSERT INTO minute_tally
        SELECT poll_id, accepted_at_ms / 60000 * 60, candidate_id, count(*) FROM votes
        WHERE state = 0 GROUP BY 1, 2, 3;
      PRAGMA user_version = 6;
    )sql");
  }
  connection.exec_or_throw("COMMIT");
}

}  // namespace paredao::sqlite
