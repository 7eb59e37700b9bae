// PostgreSQL adapter against a real server: schema, batch recording (idempotent, concurrent
// redelivery), the history read by the reconciler, polls and the shared catalog.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <future>
#include <map>

#include "adapters/postgres/pg_catalog_sync.hpp"
#include "adapters/postgres/pg_poll_repository.hpp"
#include "adapters/postgres/pg_schema.hpp"
#include "adapters/postgres/pg_settings.hpp"
#include "adapters/postgres/pg_vote_history.hpp"
#include "adapters/postgres/pg_vote_review.hpp"
#include "servers.hpp"

namespace paredao {
namespace {

using integration::required_env;
using integration::unique_name;

// A fresh database for each test, dropped afterwards.
class PostgresTest : public ::testing::Test {
 protected:
  void SetUp() override {
    admin_url_ = required_env("PAREDAO_POSTGRES_URL");
    ASSERT_FALSE(admin_url_.empty());
    name_ = unique_name("it");
    pg::Connection admin(admin_url_);
    admin.exec("CREATE DATABASE " + name_);
    url_ = admin_url_.substr(0, admin_url_.rfind('/') + 1) + name_;
    connection_ = std::make_unique<pg::Connection>(url_);
    pg::migrate(*connection_);
  }
  void TearDown() override {
    connection_.reset();
    if (name_.empty()) return;
    pg::Connection admin(admin_url_);
    admin.exec("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  }

  static VoteBatch batch(std::string id, int first, int count, const std::string& candidate = "a") {
    VoteBatch b{std::move(id), {}};
    for (int i = first; i < first + count; ++i) {
      char vote_id[40];
      std::snprintf(vote_id, sizeof vote_id, "0190a1b2-0000-7000-8000-%012d", i);
      b.votes.push_back(
          AcceptedVote{.vote_id = vote_id,
                       .poll_id = "p1",
                       .candidate_id = candidate,
                       .accepted_at = from_unix_seconds(1'800'000'000 + i * 600),
                       .challenge_id = "c" + std::to_string(i),
                       .challenge_expires_at = from_unix_seconds(1'800'000'300 + i * 600)});
    }
    return b;
  }
  std::int64_t scalar(const std::string& sql) { return connection_->exec(sql).integer(0, 0); }
  // The (poll, minute, candidate) rows where minute_tally and the counted votes disagree.
  std::int64_t minute_rollup_drift() {
    return scalar(R"SQL(
      WITH counted AS (
        SELECT poll_id, date_trunc('minute', accepted_at, 'UTC') AS minute, candidate_id,
               count(*) AS votes
        FROM votes WHERE state = 0 GROUP BY 1, 2, 3
      ), rollup AS (
        SELECT poll_id, minute, candidate_id, votes FROM minute_tally WHERE votes <> 0
      )
      SELECT count(*) FROM ((TABLE counted EXCEPT TABLE rollup)
                            UNION ALL (TABLE rollup EXCEPT TABLE counted)) AS drift)SQL");
  }

  std::string admin_url_, name_, url_;
  std::unique_ptr<pg::Connection> connection_;
};

constexpr const char* kBatch1 = "0190a1b2-0000-7000-8000-0000000000b1";
constexpr const char* kBatch2 = "0190a1b2-0000-7000-8000-0000000000b2";
constexpr const char* kBatch3 = "0190a1b2-0000-7000-8000-0000000000b3";
constexpr const char* kDecision1 = "0190a1b2-0000-7000-8000-0000000000d1";
constexpr const char* kDecision2 = "0190a1b2-0000-7000-8000-0000000000d2";

TEST_F(PostgresTest, MigrateIsVersionedAndIdempotent) {
  EXPECT_EQ(pg::schema_version(*connection_), pg::latest_schema_version());
  EXPECT_TRUE(pg::migrate(*connection_).empty());
  EXPECT_GE(pg::ensure_vote_partitions(*connection_, 2), 1);
  EXPECT_EQ(pg::ensure_vote_partitions(*connection_, 2), 0);
  EXPECT_EQ(scalar("SELECT count(*) FROM pg_inherits WHERE inhparent = 'votes'::regclass"), 4);
}

TEST_F(PostgresTest, ABatchIsRecordedOnceWithTheCountsOfTheVotesReallyInserted) {
  PgVoteHistory history(url_);
  const auto first = history.record(batch(kBatch1, 0, 10));
  ASSERT_TRUE(first);
  std::int64_t counted = 0;
  for (const auto& delta : *first) counted += delta.votes;
  EXPECT_EQ(counted, 10);
  // Redelivered: the same counts come back and nothing is added.
  const auto again = history.record(batch(kBatch1, 0, 10));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->size(), first->size());
  EXPECT_EQ(scalar("SELECT count(*) FROM votes"), 10);
  EXPECT_EQ(scalar("SELECT sum(votes) FROM hourly_tally"), 10);
  // A different batch holding 5 known votes and 5 new ones adds only the new ones.
  const auto overlapping = history.record(batch(kBatch2, 5, 10));
  ASSERT_TRUE(overlapping);
  counted = 0;
  for (const auto& delta : *overlapping) counted += delta.votes;
  EXPECT_EQ(counted, 5);
  EXPECT_EQ(scalar("SELECT count(*) FROM votes"), 15);
  EXPECT_EQ(scalar("SELECT sum(votes) FROM hourly_tally"), 15);
  EXPECT_EQ(scalar("SELECT count(*) FROM applied_batches"), 2);
}

TEST_F(PostgresTest, BatchesRecordedTogetherEachGetTheirOwnCounts) {
  constexpr const char* kBatch3 = "0190a1b2-0000-7000-8000-0000000000b3";
  constexpr const char* kBatch4 = "0190a1b2-0000-7000-8000-0000000000b4";
  PgVoteHistory history(url_);
  ASSERT_TRUE(history.record(batch(kBatch2, 0, 4)));
  const auto sum = [](const std::vector<TallyDelta>& deltas) {
    std::int64_t votes = 0;
    for (const auto& delta : deltas) votes += delta.votes;
    return votes;
  };
  // Out of id order, with a batch already recorded, a batch given twice, and a batch whose
  // votes are all stored under another: each answer is that batch's own.
  const std::vector<VoteBatch> group{batch(kBatch3, 10, 6, "b"), batch(kBatch2, 0, 4),
                                     batch(kBatch1, 20, 3), batch(kBatch3, 10, 6, "b"),
                                     batch(kBatch4, 0, 2)};
  const auto recorded = history.record_all(group);
  ASSERT_TRUE(recorded);
  ASSERT_EQ(recorded->size(), group.size());
  EXPECT_EQ(sum((*recorded)[0]), 6);
  EXPECT_EQ(sum((*recorded)[1]), 4);  // recorded before: its stored counts
  EXPECT_EQ(sum((*recorded)[2]), 3);
  EXPECT_EQ(sum((*recorded)[3]), 6);
  EXPECT_TRUE((*recorded)[4].empty());  // both votes belong to kBatch2
  EXPECT_EQ(scalar("SELECT count(*) FROM votes"), 13);
  EXPECT_EQ(scalar("SELECT sum(votes) FROM hourly_tally"), 13);
  EXPECT_EQ(scalar("SELECT count(*) FROM applied_batches"), 4);
  EXPECT_EQ(scalar("SELECT sum(votes) FROM applied_batches"), 13);
  // The whole group again changes nothing and answers the same.
  const auto again = history.record_all(group);
  ASSERT_TRUE(again);
  for (std::size_t i = 0; i < group.size(); ++i) EXPECT_EQ(sum((*again)[i]), sum((*recorded)[i]));
  EXPECT_EQ(scalar("SELECT sum(votes) FROM hourly_tally"), 13);
}

// Groups redelivered to several workers at once, in different orders and overlapping: every
// batch is counted once, and no worker fails (a deadlock would abort one).
TEST_F(PostgresTest, OverlappingGroupsOnConcurrentWorkersCountEachBatchOnce) {
  constexpr int kBatches = 12, kVotesEach = 50;
  std::vector<VoteBatch> all;
  all.reserve(kBatches);
  for (int b = 0; b < kBatches; ++b) {
    char batch_id[40];
    std::snprintf(batch_id, sizeof batch_id, "0190a1b2-0000-7000-9000-%012d", b);
    all.push_back(batch(batch_id, b * kVotesEach, kVotesEach, std::string(1, char('a' + b % 3))));
  }
  std::vector<std::future<int>> workers;
  workers.reserve(4);
  for (int w = 0; w < 4; ++w) {
    workers.push_back(std::async(std::launch::async, [&, w] {
      PgVoteHistory history(url_);
      int failed = 0;
      for (int round = 0; round < 6; ++round) {
        std::vector<VoteBatch> group;  // 5 batches, a different window and order each time
        group.reserve(5);
        for (int k = 0; k < 5; ++k)
          group.push_back(all[(w * 3 + round * 2 + k * (w + 1)) % kBatches]);
        if (w % 2) std::reverse(group.begin(), group.end());
        failed += !history.record_all(group);
      }
      return failed;
    }));
  }
  int failed = 0;
  for (auto& worker : workers) failed += worker.get();
  EXPECT_EQ(failed, 0);
  const auto recorded = scalar("SELECT count(*) FROM applied_batches");
  EXPECT_EQ(scalar("SELECT count(*) FROM votes"), recorded * kVotesEach);
  EXPECT_EQ(scalar("SELECT sum(votes) FROM hourly_tally"), recorded * kVotesEach);
  EXPECT_EQ(minute_rollup_drift(), 0);
  EXPECT_EQ(scalar("SELECT sum(votes) FROM applied_batches"), recorded * kVotesEach);
}

TEST_F(PostgresTest, ConcurrentRedeliveriesOfOneBatchCountItOnce) {
  const auto big = batch(kBatch1, 0, 2000);
  std::vector<std::future<std::optional<std::vector<TallyDelta>>>> runs;
  runs.reserve(4);
  for (int i = 0; i < 4; ++i) {
    runs.push_back(std::async(std::launch::async, [&] {
      PgVoteHistory history(url_);
      return history.record(big);
    }));
  }
  for (auto& run : runs) {
    const auto deltas = run.get();
    ASSERT_TRUE(deltas);
    std::int64_t counted = 0;
    for (const auto& delta : *deltas) counted += delta.votes;
    EXPECT_EQ(counted, 2000);  // every caller gets the batch's one recorded delta
  }
  EXPECT_EQ(scalar("SELECT count(*) FROM votes"), 2000);
  EXPECT_EQ(scalar("SELECT sum(votes) FROM hourly_tally"), 2000);
  EXPECT_EQ(scalar("SELECT sum(votes) FROM minute_tally"), 2000);
  EXPECT_EQ(minute_rollup_drift(), 0);
}

// Concurrent workers add to the same rollup rows, and production releases held votes meanwhile:
// each must take their locks in one order, or two transactions wait for each other until
// PostgreSQL aborts one (a deadlock costs a second and a redelivery; under load they stalled the
// queue for tens of seconds). Every fourth vote is held; the rollups end equal to the votes.
TEST_F(PostgresTest, ConcurrentBatchesOverTheSameRollupRowsNeverDeadlock) {
  constexpr int kWorkers = 4, kBatchesEach = 40, kVotesEach = 30;
  std::atomic<bool> recording{true};
  auto releases = std::async(std::launch::async, [&] {
    PgVoteReview review(url_);
    int failed = 0, decisions = 0;
    for (; recording.load() && decisions < 500; ++decisions) {
      char decision_id[40];
      std::snprintf(decision_id, sizeof decision_id, "0190a1b2-0000-7000-a000-%012d", decisions);
      failed += !review.decide("p1", ReviewAction::kRelease, {}, from_unix_seconds(1'900'000'000),
                               decision_id);
    }
    return failed;
  });
  std::vector<std::future<int>> workers;
  workers.reserve(kWorkers);
  for (int w = 0; w < kWorkers; ++w) {
    workers.push_back(std::async(std::launch::async, [&, w] {
      PgVoteHistory history(url_);
      int failed = 0;
      for (int b = 0; b < kBatchesEach; ++b) {
        VoteBatch one;
        char batch_id[40];
        std::snprintf(batch_id, sizeof batch_id, "0190a1b2-0000-7000-9000-%06d%06d", w, b);
        one.batch_id = batch_id;
        for (int v = 0; v < kVotesEach; ++v) {
          const int n = (w * kBatchesEach + b) * kVotesEach + v;
          char vote_id[40];
          std::snprintf(vote_id, sizeof vote_id, "0190a1b2-0000-7000-8000-%012d", n);
          // Each batch meets the candidates and hours in an order of its own.
          const int mix = (n * 7919 + b * 104729 + w * 31) % 1009;
          one.votes.push_back(
              AcceptedVote{.vote_id = vote_id,
                           .poll_id = "p1",
                           .candidate_id = std::string(1, char('a' + mix % 5)),
                           .accepted_at = from_unix_seconds(1'800'000'000 + (mix / 5 % 3) * 3600),
                           .challenge_id = "c" + std::to_string(n),
                           .challenge_expires_at = from_unix_seconds(1'800'020'000),
                           .network = "10.0.0.1/32",
                           .state = n % 4 ? VoteState::kCounted : VoteState::kQuarantined,
                           .reason = n % 4 ? "" : "pace"});
        }
        failed += !history.record(one);
      }
      return failed;
    }));
  }
  int failed = 0;
  for (auto& worker : workers) failed += worker.get();
  recording = false;
  EXPECT_EQ(failed, 0);
  EXPECT_EQ(releases.get(), 0) << "a decision failed (a deadlock with a worker?)";
  EXPECT_EQ(scalar("SELECT sum(votes) FROM hourly_tally"),
            std::int64_t(kWorkers) * kBatchesEach * kVotesEach);
  EXPECT_EQ(minute_rollup_drift(), 0);
  EXPECT_GT(scalar("SELECT count(*) FROM review_decisions"), 0) << "the race happened";
}

TEST_F(PostgresTest, TheHistoryOfAPollIsOneSnapshotOfCountsAndRecentBatches) {
  PgVoteHistory history(url_);
  ASSERT_TRUE(history.record(batch(kBatch1, 0, 7, "a")));
  ASSERT_TRUE(history.record(batch(kBatch2, 100, 3, "b")));
  const auto poll = history.history_of("p1", from_unix_seconds(0));
  ASSERT_TRUE(poll);
  EXPECT_EQ(poll->counts.by_candidate.at("a"), 7);
  EXPECT_EQ(poll->counts.by_candidate.at("b"), 3);
  ASSERT_EQ(poll->recent.size(), 2u);
  EXPECT_EQ(poll->recent[0].batch_id, kBatch1);
  const auto none = history.history_of("other", from_unix_seconds(0));
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->recent.empty());
  const auto ids = history.poll_ids();
  ASSERT_TRUE(ids);
  EXPECT_EQ(*ids, std::vector<std::string>{"p1"});
}

TEST_F(PostgresTest, TheCountedVotesPerMinuteSinceATime) {
  PgVoteHistory history(url_);
  ASSERT_TRUE(history.record(batch(kBatch1, 0, 7, "a")));    // one vote each 10 minutes
  ASSERT_TRUE(history.record(batch(kBatch2, 100, 3, "b")));  // from 1,000 minutes later
  PgVoteReview review(url_);
  const auto minutes = review.counted_by_minute("p1", from_unix_seconds(1'800'000'000 + 3 * 600));
  ASSERT_TRUE(minutes);
  std::vector<std::pair<std::int64_t, CountsById>> got;
  for (const auto& m : *minutes) {
    got.emplace_back(std::chrono::floor<std::chrono::seconds>(m.minute).time_since_epoch().count(),
                     m.by_candidate);
  }
  std::vector<std::pair<std::int64_t, CountsById>> expected;
  for (int i : {3, 4, 5, 6}) expected.emplace_back(1'800'000'000 + i * 600, CountsById{{"a", 1}});
  for (int i : {100, 101, 102})
    expected.emplace_back(1'800'000'000 + i * 600, CountsById{{"b", 1}});
  EXPECT_EQ(got, expected);
  EXPECT_TRUE(review.counted_by_minute("p1", from_unix_seconds(1'900'000'000))->empty());
  // A batch redelivered adds nothing to the minutes.
  ASSERT_TRUE(history.record(batch(kBatch1, 0, 7, "a")));
  EXPECT_EQ(scalar("SELECT sum(votes) FROM minute_tally"), 10);

  // Held votes are in no minute until released, and then at their own; voided, in none.
  auto held = batch(kBatch3, 200, 3, "c");
  for (auto& vote : held.votes) {
    vote.state = VoteState::kQuarantined;
    vote.reason = "pace";
    vote.network = "10.0.0.1/32";
  }
  held.votes[2].network = "10.9.0.1/32";
  ASSERT_TRUE(history.record(held));
  const auto since = from_unix_seconds(1'800'000'000 + 200 * 600);
  EXPECT_TRUE(review.counted_by_minute("p1", since)->empty());
  const auto released =
      review.decide("p1", ReviewAction::kRelease, HeldFilter{.network = parse_cidr("10.0.0.0/16")},
                    from_unix_seconds(1'900'000'000), kDecision1);
  ASSERT_TRUE(released);
  EXPECT_EQ(released->votes, 2);
  ASSERT_TRUE(
      review.decide("p1", ReviewAction::kVoid, {}, from_unix_seconds(1'900'000'000), kDecision2));
  const auto after = review.counted_by_minute("p1", since);
  ASSERT_TRUE(after);
  ASSERT_EQ(after->size(), 2u);
  EXPECT_EQ(after->at(0).minute, since);
  EXPECT_EQ(after->at(0).by_candidate, (CountsById{{"c", 1}}));
  EXPECT_EQ(after->at(1).by_candidate, (CountsById{{"c", 1}}));
  EXPECT_EQ(scalar("SELECT sum(votes) FROM minute_tally"), 12);
}

// The rollup follows the votes whatever wrote them: here plain statements, as a worker or an api
// copy of version 5 still running during a rolling upgrade writes them (with no word of minutes).
TEST_F(PostgresTest, TheMinuteRollupFollowsEveryWriteOfTheVotesWhateverWroteThem) {
  const auto insert = [&](int from, int to) {
    connection_->exec(
        "INSERT INTO votes (vote_id, accepted_at, poll_id, candidate_id, challenge_id,"
        " challenge_expires_at, batch_id, state)"
        " SELECT ('0190a1b2-0000-7000-8000-' || lpad(i::text, 12, '0'))::uuid,"
        " to_timestamp(1800000000 + i * 7), CASE WHEN i % 3 = 0 THEN 'p1' ELSE 'p2' END,"
        " CASE i % 2 WHEN 0 THEN 'a' ELSE 'b' END, 'c' || i, to_timestamp(1800000300),"
        " gen_random_uuid(), CASE WHEN i % 5 = 0 THEN 1 ELSE 0 END"
        " FROM generate_series(" +
        std::to_string(from) + ", " + std::to_string(to) +
        ") AS i"
        " ON CONFLICT DO NOTHING");
  };
  insert(0, 299);
  insert(200, 599);  // 100 already stored: skipped, not counted again
  EXPECT_EQ(scalar("SELECT sum(votes) FROM minute_tally"), 480);
  EXPECT_EQ(minute_rollup_drift(), 0);
  connection_->exec(
      "UPDATE votes SET state = 0 WHERE state = 1 AND accepted_at < to_timestamp(1800002000)");
  connection_->exec("UPDATE votes SET state = 2 WHERE accepted_at >= to_timestamp(1800003000)");
  connection_->exec(
      "UPDATE votes SET candidate_id = 'c' WHERE candidate_id = 'b' AND state = 0"
      " AND accepted_at < to_timestamp(1800001000)");
  connection_->exec(
      "DELETE FROM votes WHERE poll_id = 'p2' AND accepted_at < to_timestamp(1800000500)");
  EXPECT_EQ(minute_rollup_drift(), 0);
  EXPECT_GT(scalar("SELECT count(*) FROM minute_tally WHERE candidate_id = 'c' AND votes > 0"), 0);
  // And the check sees a rollup one vote off.
  connection_->exec(
      "UPDATE minute_tally SET votes = votes + 1 WHERE (poll_id, minute, candidate_id) ="
      " (SELECT poll_id, minute, candidate_id FROM minute_tally ORDER BY 1, 2, 3 LIMIT 1)");
  EXPECT_GT(minute_rollup_drift(), 0);
}

// The per-minute rollup (version 6) starts from the votes a version 5 database already holds.
TEST_F(PostgresTest, TheMinuteRollupIsFilledFromTheVotesStoredBeforeIt) {
  const auto name = unique_name("v5");
  pg::Connection admin(admin_url_);
  admin.exec("CREATE DATABASE " + name);
  const auto url = admin_url_.substr(0, admin_url_.rfind('/') + 1) + name;
  {
    pg::Connection old(url);
    EXPECT_EQ(pg::migrate_to(old, 5), (std::vector<int>{1, 2, 3, 4, 5}));
    // 90 votes, one each 20 s from 1,800,000,000 (30 minutes), a and b in turn, every 5th held.
    old.exec(
        "INSERT INTO votes (vote_id, accepted_at, poll_id, candidate_id, challenge_id,"
        " challenge_expires_at, batch_id, state)"
        " SELECT gen_random_uuid(), to_timestamp(1800000000 + i * 20), 'p1',"
        " CASE i % 2 WHEN 0 THEN 'a' ELSE 'b' END, 'c' || i, to_timestamp(1800000300),"
        " gen_random_uuid(), CASE i % 5 WHEN 0 THEN 1 ELSE 0 END"
        " FROM generate_series(0, 89) AS i");
    EXPECT_EQ(pg::migrate(old), std::vector<int>{6});
    PgVoteReview review(url);
    const auto minutes = review.counted_by_minute("p1", from_unix_seconds(1'800'000'000));
    ASSERT_TRUE(minutes);
    std::map<std::int64_t, CountsById> expected, got;
    for (int i = 0; i < 90; ++i) {
      if (i % 5 == 0) continue;
      ++expected[1'800'000'000 + i * 20 / 60 * 60][i % 2 ? "b" : "a"];
    }
    for (const auto& minute : *minutes) got[unix_seconds(minute.minute)] = minute.by_candidate;
    EXPECT_EQ(got, expected);
  }
  admin.exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
}

// A batch in doubt settled: cancelled unless a worker recorded it first, and asked again (its
// first answer lost), still cancelled — not taken for "recorded" because its own row is there.
TEST_F(PostgresTest, ASettledBatchStaysCancelledWhenAskedAgain) {
  PgVoteHistory history(url_);
  EXPECT_EQ(history.cancel_unless_recorded(kBatch1), true);
  EXPECT_EQ(history.cancel_unless_recorded(kBatch1), true);
  const auto recorded = history.record(batch(kBatch1, 0, 3));
  ASSERT_TRUE(recorded);
  EXPECT_TRUE(recorded->empty()) << "a cancelled batch never counts";
  ASSERT_TRUE(history.record(batch(kBatch2, 10, 3)));
  EXPECT_EQ(history.cancel_unless_recorded(kBatch2), false);
  EXPECT_EQ(scalar("SELECT count(*) FROM votes"), 3);
}

TEST_F(PostgresTest, TheUnexpiredChallengesOfRecordedVotesAreFound) {
  PgVoteHistory history(url_);
  ASSERT_TRUE(history.record(batch(kBatch1, 0, 5)));  // expiries 300, 900, … 2700 s after
  const auto used = history.unexpired_challenges(from_unix_seconds(1'800'001'000));
  ASSERT_TRUE(used);
  std::vector<std::string> ids;
  for (const auto& c : *used) ids.push_back(c.challenge_id);
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids, (std::vector<std::string>{"c2", "c3", "c4"}));
  EXPECT_EQ(used->front().poll_id, "p1");
}

constexpr std::chrono::milliseconds kAround = std::chrono::minutes(6);

TEST_F(PostgresTest, AChallengeRecordedTwiceIsFoundByTheAuditAndAroundFreshVotes) {
  PgVoteHistory history(url_);
  ASSERT_TRUE(history.record(batch("0190a1b2-0000-7000-8000-00000000000a", 0, 3)));
  auto audit = history.challenges_used_twice(std::nullopt, kAround);
  ASSERT_TRUE(audit);
  EXPECT_TRUE(audit->found.empty());
  const auto before = audit->checked_until;
  // Another vote (its own id) with the challenge of vote 1: a human check accepted twice.
  auto again = batch("0190a1b2-0000-7000-8000-00000000000b", 1, 1);
  again.votes[0].vote_id = "0190a1b2-0000-7000-8000-999999999999";
  ASSERT_TRUE(history.record(again));
  const std::vector<ChallengeUsedTwice> expected{{"p1", "c1", 2}};
  audit = history.challenges_used_twice(std::nullopt, kAround);
  ASSERT_TRUE(audit);
  EXPECT_EQ(audit->found, expected);
  // The sync service's look, around the votes recorded since its last one: found...
  audit = history.challenges_used_twice(before, kAround);
  ASSERT_TRUE(audit);
  EXPECT_EQ(audit->found, expected);
  // ...and not looked for again once behind it (checked_until is rounded down to the
  // millisecond: a search from it may see its last batch again, never miss one).
  audit =
      history.challenges_used_twice(audit->checked_until + std::chrono::milliseconds(1), kAround);
  ASSERT_TRUE(audit);
  EXPECT_TRUE(audit->found.empty());
  EXPECT_EQ(scalar("SELECT count(*) FROM audit_challenges_used_twice"), 1);
}

TEST_F(PostgresTest, AnUnreachableServerIsReportedNotThrown) {
  PgVoteHistory history("postgresql://nobody@127.0.0.1:1/none?connect_timeout=1");
  EXPECT_FALSE(history.record(batch(kBatch1, 0, 1)));
  EXPECT_FALSE(history.poll_ids());
}

TEST_F(PostgresTest, PollsRoundTripAndAChangeReachesEveryCopysCatalog) {
  PollCatalog copy_a, copy_b;
  PgCatalogSync sync_a(CatalogSyncSettings{.url = url_, .instance_id = "a"}, copy_a);
  PgCatalogSync sync_b(CatalogSyncSettings{.url = url_, .instance_id = "b"}, copy_b);
  PgPollRepository repository(
      url_, [&](std::int64_t version) { EXPECT_TRUE(sync_a.wait_until_everywhere(version)); });
  Poll poll{.id = "p1", .title = "Paredão", .show_partial_results = false};
  poll.candidates = {{"a", "Ana", std::nullopt}, {"b", "Bia", "https://x/b.jpg"}};
  poll.created_at = from_unix_seconds(1'800'000'000);
  poll.closes_at = from_unix_seconds(1'800'003'600);
  ASSERT_EQ(repository.insert(poll), StoreStatus::kOk);
  // Answered only once both copies hold it.
  ASSERT_TRUE(copy_b.find("p1"));
  EXPECT_EQ(copy_b.find("p1")->candidates[1].photo_url, "https://x/b.jpg");
  EXPECT_EQ(copy_b.find("p1")->closes_at, poll.closes_at);
  EXPECT_FALSE(copy_b.find("p1")->show_partial_results);
  EXPECT_EQ(repository.insert(poll), StoreStatus::kConflict);

  poll.stored_status = PollStatus::kOpen;
  poll.opens_at = from_unix_seconds(1'800'000'100);
  ASSERT_EQ(repository.update(poll), StoreStatus::kOk);
  EXPECT_EQ(copy_a.find("p1")->stored_status, PollStatus::kOpen);
  EXPECT_EQ(copy_b.find("p1")->stored_status, PollStatus::kOpen);
  EXPECT_EQ(copy_b.find("p1")->opens_at, poll.opens_at);
}

TEST_F(PostgresTest, SharedSettingsAreCreatedOnceAndShared) {
  int generated = 0;
  const auto make = [&] { return "value-" + std::to_string(++generated); };
  const auto first = pg::shared_setting(*connection_, "secret", make);
  const auto second = pg::shared_setting(*connection_, "secret", make);
  EXPECT_EQ(first, "value-1");
  EXPECT_EQ(second, first);
}

}  // namespace
}  // namespace paredao
