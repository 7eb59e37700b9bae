#include "adapters/sqlite/sqlite_vote_review.hpp"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace paredao
