#include "adapters/sqlite/sqlite_vote_review.hpp"

#include <gtest/gtest.h>

#include <map>

#include "adapters/memory/memory_tally_store.hpp"
#include "adapters/sqlite/sqlite_batch_log.hpp"
#include "adapters/sqlite/sqlite_poll_repository.hpp"
#include "adapters/sqlite/sqlite_recovery.hpp"
#include "adapters/sqlite/temp_database_test.hpp"

namespace paredao {
namespace {

using std::chrono::hours;
using std::chrono::seconds;

const TimePoint kNow = *parse_rfc3339("2026-11-25T20:30:00Z");

class SqliteVoteReviewTest : public testing::TempDatabaseTest {
 protected:
  void SetUp() override {
    TempDatabaseTest::SetUp();
    SqlitePollRepository schema(database());  // applies the schema
  }

  // Writes votes: (network, candidate, state, reason), the n-th accepted n seconds after kNow,
  // the last one an hour later.
  void write(
      const std::vector<std::tuple<std::string, std::string, VoteState, std::string>>& rows) {
    SqliteBatchLog log(database());
    VoteBatch batch{"batch", {}};
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const auto& [network, candidate, state, reason] = rows[i];
      const auto accepted = kNow + seconds(i) + (i + 1 == rows.size() ? hours(1) : hours(0));
      batch.votes.push_back(AcceptedVote{.vote_id = "vote-" + std::to_string(i),
                                         .poll_id = "poll",
                                         .candidate_id = candidate,
                                         .accepted_at = accepted,
                                         .challenge_id = "challenge-" + std::to_string(i),
                                         .challenge_expires_at = kNow + seconds(300),
                                         .network = network,
                                         .state = state,
                                         .reason = reason});
    }
    ASSERT_EQ(log.write(batch), BatchFate::kDurable);
  }

  PollTally rebuilt() {
    MemoryTallyStore tallies;
    (void)recover_from_sqlite(database(), tallies, kNow, [](const std::string&, TimePoint) {});
    return tallies.read_all()->at("poll");
  }
};

constexpr auto kHeld = VoteState::kQuarantined;
constexpr auto kCounted = VoteState::kCounted;

TEST_F(SqliteVoteReviewTest, MovesExactlyTheMatchingHeldVotesWithTheirCountsOnce) {
  write({{"10.0.0.1/32", "a", kCounted, ""},
         {"10.0.0.1/32", "a", kHeld, "pace"},
         {"10.0.0.1/32", "b", kHeld, "pace"},
         {"10.0.0.2/32", "b", kHeld, "watched"},
         {"10.0.1.7/32", "a", kHeld, "pace"}});  // an hour later
  SqliteVoteReview review(database());
  const auto held = review.held("poll");
  ASSERT_TRUE(held);
  ASSERT_EQ(held->groups.size(), 3u);
  EXPECT_EQ(held->groups[0].network, "10.0.0.1/32");
  EXPECT_EQ(held->groups[0].votes, 2);

  const auto released =
      review.decide("poll", ReviewAction::kRelease,
                    HeldFilter{.network = parse_cidr("10.0.0.0/16"), .reason = "pace"}, kNow, "d1");
  ASSERT_TRUE(released);
  EXPECT_EQ(released->votes, 3);
  // Minus under q:, plus under the candidate, at each vote's own hour.
  std::int64_t sum = 0;
  for (const auto& delta : released->deltas) sum += delta.votes;
  EXPECT_EQ(sum, 0);
  EXPECT_EQ(review.decide("poll", ReviewAction::kRelease, HeldFilter{.reason = "pace"}, kNow, "d2")
                ->votes,
            0);
  EXPECT_EQ(review.decide("poll", ReviewAction::kVoid, {}, kNow, "d3")->votes, 1);

  const auto tally = rebuilt();
  EXPECT_EQ(tally.by_candidate.at("a"), 3);
  EXPECT_EQ(tally.by_candidate.at("b"), 1);
  EXPECT_EQ(tally.by_candidate.at("q:a"), 0);
  EXPECT_EQ(tally.by_candidate.at("v:b"), 1);
  const auto later = unix_seconds(hour_start(kNow + hours(1)));
  EXPECT_EQ(tally.by_hour.at(later).at("a"), 1) << "the released vote counts at its own hour";

  // The released votes count in their own minutes, the voided one in none.
  const auto minutes = review.counted_by_minute("poll", kNow - hours(1));
  ASSERT_TRUE(minutes);
  ASSERT_EQ(minutes->size(), 2u);
  EXPECT_EQ(minutes->at(0).minute, kNow);
  EXPECT_EQ(minutes->at(0).by_candidate, (CountsById{{"a", 2}, {"b", 1}}));
  EXPECT_EQ(minutes->at(1).minute, kNow + hours(1));
  EXPECT_EQ(minutes->at(1).by_candidate, (CountsById{{"a", 1}}));

  const auto after = review.held("poll");
  EXPECT_TRUE(after->groups.empty());
  ASSERT_EQ(after->decisions.size(), 2u) << "a decision that moved nothing is not recorded";
  EXPECT_EQ(after->decisions[0].network, "10.0.0.0/16");
  EXPECT_EQ(after->decisions[1].action, ReviewAction::kVoid);
}

TEST_F(SqliteVoteReviewTest, TheAuditListsEachVoteOnceOldestFirstAndEnds) {
  write({{"10.0.0.1/32", "a", kCounted, ""}, {"10.0.0.2/32", "b", kHeld, "pace"}});
  SqliteVoteReview review(database());
  auto reader = review.audit("poll");
  ASSERT_TRUE(reader);
  const auto first = reader->next(1);
  ASSERT_TRUE(first);
  ASSERT_EQ(first->size(), 1u);
  EXPECT_EQ(first->front().vote_id, "vote-0");
  const auto second = reader->next(10);
  ASSERT_EQ(second->size(), 1u);
  EXPECT_EQ(second->front().reason, "pace");
  EXPECT_EQ(second->front().state, kHeld);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(reader->next(10)->empty()) << "and stays ended";
}

TEST_F(SqliteVoteReviewTest, CountsTheCountedVotesPerMinuteSinceATimeExactly) {
  // 1,200 votes over 40 minutes, one every 2 s, in batches of 50, of two polls; every 7th held,
  // every 11th voided. Then the count per minute since 23:07 is
  // compared with the same count done by hand.
  const TimePoint start = *parse_rfc3339("2026-11-25T22:50:00Z");
  const TimePoint since = *parse_rfc3339("2026-11-25T23:07:00Z");
  std::map<TimePoint, CountsById> expected;
  SqliteBatchLog log(database());
  for (int b = 0; b < 24; ++b) {
    VoteBatch batch{"batch-" + std::to_string(b), {}};
    for (int i = b * 50; i < (b + 1) * 50; ++i) {
      const auto accepted = start + seconds(2 * i);
      const std::string poll = i % 3 == 2 ? "other" : "poll";
      const std::string candidate = i % 2 ? "a" : "b";
      const auto state = i % 7 == 0 ? kHeld : i % 11 == 0 ? VoteState::kVoided : kCounted;
      batch.votes.push_back(AcceptedVote{.vote_id = "vote-" + std::to_string(i),
                                         .poll_id = poll,
                                         .candidate_id = candidate,
                                         .accepted_at = accepted,
                                         .challenge_id = "challenge-" + std::to_string(i),
                                         .challenge_expires_at = accepted + seconds(300),
                                         .network = "10.0.0.1/32",
                                         .state = state,
                                         .reason = state == kHeld ? "pace" : ""});
      if (poll == "poll" && state == kCounted && accepted >= since) {
        expected[std::chrono::floor<std::chrono::minutes>(accepted)][candidate] += 1;
      }
    }
    ASSERT_EQ(log.write(batch), BatchFate::kDurable);
  }
  SqliteVoteReview review(database());
  const auto minutes = review.counted_by_minute("poll", since);
  ASSERT_TRUE(minutes);
  std::map<TimePoint, CountsById> got;
  TimePoint previous{};
  for (const auto& minute : *minutes) {
    EXPECT_GT(minute.minute, previous) << "oldest first, each minute once";
    previous = minute.minute;
    got[minute.minute] = minute.by_candidate;
  }
  EXPECT_EQ(got, expected);
  EXPECT_EQ(got.size(), 23u);  // 23:07 to 23:29
  // Nothing since after the last vote, and nothing for a poll without votes.
  EXPECT_TRUE(review.counted_by_minute("poll", start + hours(1))->empty());
  EXPECT_TRUE(review.counted_by_minute("none", start)->empty());
}

}  // namespace
}  // namespace paredao
