#include "adapters/sqlite/sqlite_batch_log.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <future>
#include <thread>

#include "adapters/memory/memory_replay_guard.hpp"
#include "adapters/memory/memory_tally_store.hpp"
#include "adapters/sqlite/sqlite_recovery.hpp"
#include "adapters/sqlite/temp_database_test.hpp"
#include "adapters/system/random_ids.hpp"
#include "adapters/system/system_clock.hpp"
#include "app/vote_pipeline.hpp"

namespace paredao {
namespace {

namespace fs = std::filesystem;
using std::chrono::hours;
using std::chrono::seconds;

const TimePoint kNow = *parse_rfc3339("2026-11-25T20:30:00Z");

class SqliteBatchLogTest : public testing::TempDatabaseTest {
 protected:
  static AcceptedVote vote(int n, const std::string& candidate, TimePoint at = kNow) {
    return AcceptedVote{
        "vote-" + std::to_string(n), "poll", candidate, at, "challenge-" + std::to_string(n),
        kNow + seconds(300)};
  }

  // Writes a batch of one vote.
  static BatchFate write(SqliteBatchLog& log, AcceptedVote vote) {
    return log.write(VoteBatch{"batch-" + vote.vote_id, {std::move(vote)}});
  }
};

// The embedded pipeline on the real log: concurrent votes share transactions, each is counted
// once, and the rollup alone rebuilds the same counts after a restart.
TEST_F(SqliteBatchLogTest, GroupCommitsConcurrentVotesAndCountsEachOnce) {
  MemoryTallyStore tallies;
  std::vector<std::size_t> batch_sizes;
  {
    SqliteBatchLog log(database());
    MemoryReplayGuard guard(100000);
    RandomIdGenerator ids;
    SystemClock clock;
    VotePipeline pipeline(
        VotePipelinePorts{
            .local_guard = guard, .log = log, .ids = ids, .clock = clock, .counts = &tallies},
        {}, [&](const BatchReport& report) { batch_sizes.push_back(report.votes); });
    constexpr int kThreads = 8, kPerThread = 250;
    std::vector<std::thread> threads;
    std::atomic<int> durable{0};
    threads.reserve(kThreads);
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        std::vector<std::future<AppendStatus>> results;
        for (int i = 0; i < kPerThread; ++i) {
          auto promise = std::make_shared<std::promise<AppendStatus>>();
          results.push_back(promise->get_future());
          const int n = t * kPerThread + i;
          auto voted = vote(n, n % 3 == 0 ? "a" : "b", kNow + hours(n % 2));
          voted.challenge_expires_at = clock.now() + seconds(300);
          pipeline.submit(std::move(voted), [promise](AppendStatus s) { promise->set_value(s); });
        }
        for (auto& result : results) durable += result.get() == AppendStatus::kDurable;
      });
    }
    for (auto& thread : threads) thread.join();
    EXPECT_EQ(durable.load(), kThreads * kPerThread);
  }
  // Fewer transactions than votes: concurrent votes shared commits.
  EXPECT_LT(batch_sizes.size(), 2000u);
  const auto live = tallies.read_all()->at("poll");
  EXPECT_EQ(live.by_candidate.at("a") + live.by_candidate.at("b"), 2000);
  EXPECT_EQ(live.by_candidate.at("a"), 667);

  // A restart rebuilds the same counts from the rollup alone.
  MemoryTallyStore rebuilt;
  int burned = 0;
  const auto report = recover_from_sqlite(database(), rebuilt, kNow,
                                          [&](const std::string&, TimePoint) { ++burned; });
  EXPECT_EQ(report.votes, 2000);
  EXPECT_EQ(burned, 2000);
  const auto restored = rebuilt.read_all()->at("poll");
  EXPECT_EQ(restored.by_candidate, live.by_candidate);
  EXPECT_EQ(restored.by_hour, live.by_hour);
}

TEST_F(SqliteBatchLogTest, AVersion1DatabaseKeepsItsVotesThroughTheUpgrade) {
  {
    // The tables of version 1 that later versions change or read, with one vote in them.
    sqlite::Connection v1(database());
    v1.exec_or_throw(R"sql(
      CREATE TABLE polls (
        id TEXT PRIMARY KEY, title TEXT NOT NULL, status TEXT NOT NULL, opens_at_ms INTEGER,
        closes_at_ms INTEGER, show_partial_results INTEGER NOT NULL,
        created_at_ms INTEGER NOT NULL);
      CREATE TABLE votes (
        vote_id TEXT PRIMARY KEY, poll_id TEXT NOT NULL, candidate_id TEXT NOT NULL,
        accepted_at_ms INTEGER NOT NULL, challenge_id TEXT NOT NULL,
        challenge_expires_at_ms INTEGER NOT NULL) WITHOUT ROWID;
      CREATE INDEX votes_by_challenge_expiry ON votes (challenge_expires_at_ms);
      CREATE TABLE hourly_tally (
        poll_id TEXT NOT NULL, hour INTEGER NOT NULL, candidate_id TEXT NOT NULL,
        votes INTEGER NOT NULL, PRIMARY KEY (poll_id, hour, candidate_id)) WITHOUT ROWID;
      INSERT INTO votes VALUES ('vote-0', 'poll', 'a', 0, 'challenge-0', 1795638900000);
      INSERT INTO hourly_tally VALUES ('poll', 1795636800, 'a', 1);
      PRAGMA user_version = 1;
    )sql");
  }
  {
    SqliteBatchLog log(database());
    ASSERT_EQ(write(log, vote(1, "b")), BatchFate::kDurable);
  }
  MemoryTallyStore rebuilt;
  std::vector<std::string> burned;
  const auto report = recover_from_sqlite(
      database(), rebuilt, kNow, [&](const std::string& id, TimePoint) { burned.push_back(id); });
  EXPECT_EQ(report.votes, 2);
  std::sort(burned.begin(), burned.end());
  EXPECT_EQ(burned, (std::vector<std::string>{"challenge-0", "challenge-1"}));
  sqlite::Connection upgraded(database());
  sqlite::Statement version(upgraded.handle(), "PRAGMA user_version");
  ASSERT_EQ(version.step(), SQLITE_ROW);
  EXPECT_EQ(version.integer(0), 6);
  // The per-minute rollup (version 6) filled with the vote stored before it, and kept since.
  sqlite::Statement minutes(upgraded.handle(),
                            "SELECT minute, candidate_id, votes FROM minute_tally ORDER BY minute");
  std::vector<std::tuple<std::int64_t, std::string, std::int64_t>> rows;
  while (minutes.step() == SQLITE_ROW) {
    rows.emplace_back(minutes.integer(0), minutes.text(1), minutes.integer(2));
  }
  EXPECT_EQ(rows, (std::vector<std::tuple<std::int64_t, std::string, std::int64_t>>{
                      {0, "a", 1}, {unix_seconds(kNow), "b", 1}}));
  sqlite::Statement votes(upgraded.handle(),
                          "SELECT vote_id, state, network FROM votes ORDER BY rowid");
  std::vector<std::string> ids;
  while (votes.step() == SQLITE_ROW) {
    ids.push_back(votes.text(0));
    EXPECT_EQ(votes.integer(1), 0);  // counted: they all were
    EXPECT_EQ(votes.text(2), "");    // their network is unknown
  }
  EXPECT_EQ(ids, (std::vector<std::string>{"vote-0", "vote-1"}));
}

// A binary rolled back must not write into a database a newer one upgraded: it would keep none
// of what the newer schema keeps beside the votes.
TEST_F(SqliteBatchLogTest, ADatabaseOfANewerSchemaIsRefusedUntouched) {
  {
    SqliteBatchLog log(database());
    ASSERT_EQ(write(log, vote(0, "a")), BatchFate::kDurable);
  }
  {
    sqlite::Connection newer(database());
    newer.exec_or_throw("PRAGMA user_version = 1000");
  }
  EXPECT_THROW(SqliteBatchLog{database()}, std::runtime_error);
  sqlite::Connection after(database());
  sqlite::Statement version(after.handle(), "PRAGMA user_version");
  ASSERT_EQ(version.step(), SQLITE_ROW);
  EXPECT_EQ(version.integer(0), 1000);
}

TEST_F(SqliteBatchLogTest, AHeldVoteIsStoredWithItsStateAndTalliedApart) {
  {
    SqliteBatchLog log(database());
    auto held = vote(1, "b");
    held.network = "203.0.113.7/32";
    held.state = VoteState::kQuarantined;
    held.reason = "pace";
    ASSERT_EQ(log.write(VoteBatch{"batch", {vote(0, "b"), held}}), BatchFate::kDurable);
  }
  MemoryTallyStore rebuilt;
  (void)recover_from_sqlite(database(), rebuilt, kNow, [](const std::string&, TimePoint) {});
  const auto all = rebuilt.read_all();
  ASSERT_TRUE(all);
  const auto& tally = all->at("poll");
  EXPECT_EQ(tally.by_candidate.at("b"), 1);
  EXPECT_EQ(tally.by_candidate.at("q:b"), 1);
  sqlite::Connection connection(database());
  sqlite::Statement row(connection.handle(),
                        "SELECT network, state, reason FROM votes WHERE vote_id = 'vote-1'");
  ASSERT_EQ(row.step(), SQLITE_ROW);
  EXPECT_EQ(row.text(0), "203.0.113.7/32");
  EXPECT_EQ(row.integer(1), 1);
  EXPECT_EQ(row.text(2), "pace");
}

TEST_F(SqliteBatchLogTest, RecoveryForgetsExpiredChallenges) {
  {
    SqliteBatchLog log(database());
    ASSERT_EQ(write(log, vote(1, "a")), BatchFate::kDurable);
  }
  MemoryTallyStore rebuilt;
  const auto report = recover_from_sqlite(database(), rebuilt, kNow + seconds(301),
                                          [](const std::string&, TimePoint) {});
  EXPECT_EQ(report.votes, 1);
  EXPECT_EQ(report.burned_challenges, 0);
}

TEST_F(SqliteBatchLogTest, RecoveryFindsEveryUnexpiredChallengeWhateverTheOrderOfVotes) {
  // An early vote whose challenge expires late, then later ones whose challenges expire early
  // (a slow solver, then fast ones), each in its own transaction, across a restart of the log:
  // each challenge must be found while unexpired, and only then.
  const auto append = [&](int n, TimePoint expires) {
    SqliteBatchLog log(database());
    auto voted = vote(n, "a");
    voted.challenge_expires_at = expires;
    return write(log, std::move(voted));
  };
  ASSERT_EQ(append(1, kNow + seconds(600)), BatchFate::kDurable);
  ASSERT_EQ(append(2, kNow + seconds(100)), BatchFate::kDurable);
  ASSERT_EQ(append(3, kNow + seconds(300)), BatchFate::kDurable);
  const auto burned_at = [&](TimePoint now) {
    MemoryTallyStore rebuilt;
    std::vector<std::string> burned;
    recover_from_sqlite(database(), rebuilt, now,
                        [&](const std::string& id, TimePoint) { burned.push_back(id); });
    std::sort(burned.begin(), burned.end());
    return burned;
  };
  using Ids = std::vector<std::string>;
  EXPECT_EQ(burned_at(kNow + seconds(50)), (Ids{"challenge-1", "challenge-2", "challenge-3"}));
  EXPECT_EQ(burned_at(kNow + seconds(200)), (Ids{"challenge-1", "challenge-3"}));
  EXPECT_EQ(burned_at(kNow + seconds(400)), (Ids{"challenge-1"}));
  EXPECT_EQ(burned_at(kNow + seconds(600)), Ids{});
}

TEST_F(SqliteBatchLogTest, AFailedReadIsAnErrorNotTheEndOfTheRows) {
  sqlite::Connection connection(database());
  sqlite::Statement rows(connection.handle(),
                         "SELECT 1 UNION ALL SELECT abs(-9223372036854775807 - 1)");  // overflows
  EXPECT_TRUE(rows.next_row());
  EXPECT_THROW(rows.next_row(), std::runtime_error);
}

TEST_F(SqliteBatchLogTest, TheWalIsReusedInsteadOfGrowing) {
  {
    SqliteBatchLog log(database());
    // One vote per transaction, each appending a few pages to the WAL: about 4,000 pages (16 MB)
    // if nothing copied them back into the database and restarted the WAL.
    for (int n = 0; n < 1200; ++n) ASSERT_EQ(write(log, vote(n, "a")), BatchFate::kDurable);
    EXPECT_LT(fs::file_size(dir_ / "paredao.db-wal"), 6u << 20);
  }
  MemoryTallyStore rebuilt;
  recover_from_sqlite(database(), rebuilt, kNow, [](const std::string&, TimePoint) {});
  EXPECT_EQ(rebuilt.read_all()->at("poll").by_candidate.at("a"), 1200);
}

TEST_F(SqliteBatchLogTest, AFailedTransactionStoresNothing) {
  SqliteBatchLog log(database());
  ASSERT_EQ(write(log, vote(1, "a")), BatchFate::kDurable);
  // Another connection holds the write lock longer than the busy timeout would wait... instead,
  // make the table unwritable: a trigger that aborts every insert.
  {
    sqlite::Connection saboteur(database());
    saboteur.exec_or_throw(
        "CREATE TRIGGER refuse BEFORE INSERT ON votes BEGIN SELECT RAISE(ABORT, 'disk'); END");
  }
  EXPECT_EQ(log.write(VoteBatch{"b2", {vote(2, "a"), vote(3, "b")}}), BatchFate::kNotDurable);
  MemoryTallyStore rebuilt;
  const auto report =
      recover_from_sqlite(database(), rebuilt, kNow, [](const std::string&, TimePoint) {});
  EXPECT_EQ(report.votes, 1);
  EXPECT_EQ(rebuilt.read_all()->at("poll").by_candidate.size(), 1u);
}

}  // namespace
}  // namespace paredao
