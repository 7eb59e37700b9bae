#include "app/record_batch.hpp"

#include <gtest/gtest.h>

#include "app/distributed_fakes_test.hpp"
#include "app/test_fakes.hpp"

namespace paredao {
namespace {

using testing::FakeCounters;
using testing::FakeHistory;

VoteBatch batch_of(std::string id, const std::vector<std::string>& vote_ids) {
  VoteBatch batch{std::move(id), {}};
  const auto at = from_unix_seconds(1'800'000'000);
  for (auto& vote_id : vote_ids) {
    batch.votes.push_back(AcceptedVote{.vote_id = vote_id,
                                       .poll_id = "p",
                                       .candidate_id = "a",
                                       .accepted_at = at,
                                       .challenge_id = "c-" + vote_id});
  }
  return batch;
}

// The use case over fake stores, both reachable unless a test says otherwise.
class RecordBatchTest : public ::testing::Test {
 protected:
  testing::FakeClock clock{from_unix_seconds(1'800'000'000)};
  FakeHistory history{clock};
  FakeCounters counters;
  RecordBatch record{history, counters};
};

TEST_F(RecordBatchTest, CountsANewBatchOnceInBothStores) {
  EXPECT_EQ(record.handle(batch_of("b1", {"v1", "v2"})), BatchOutcome::kCounted);
  EXPECT_EQ(history.counts("p").by_candidate.at("a"), 2);
  EXPECT_EQ(counters.counts("p").by_candidate.at("a"), 2);
}

TEST_F(RecordBatchTest, ARedeliveryCountsNothingAgain) {
  ASSERT_EQ(record.handle(batch_of("b1", {"v1", "v2"})), BatchOutcome::kCounted);
  EXPECT_EQ(record.handle(batch_of("b1", {"v1", "v2"})), BatchOutcome::kAlreadyDone);
  EXPECT_EQ(counters.counts("p").by_candidate.at("a"), 2);
  EXPECT_EQ(history.counts("p").by_candidate.at("a"), 2);
}

TEST_F(RecordBatchTest, VotesAlreadyStoredUnderAnotherBatchAreNotCountedAgain) {
  ASSERT_EQ(record.handle(batch_of("b1", {"v1"})), BatchOutcome::kCounted);
  EXPECT_EQ(record.handle(batch_of("b2", {"v1", "v3"})), BatchOutcome::kCounted);
  EXPECT_EQ(counters.counts("p").by_candidate.at("a"), 2);
}

TEST_F(RecordBatchTest, HistoryDownLeavesTheMessageAndCountsNothing) {
  history.reachable = false;
  EXPECT_EQ(record.handle(batch_of("b1", {"v1"})), BatchOutcome::kRetryLater);
  EXPECT_TRUE(counters.counts("p").by_candidate.empty());
}

TEST_F(RecordBatchTest, CountersDownAfterTheHistoryThenRedeliveredCountsOnce) {
  counters.reachable = false;
  EXPECT_EQ(record.handle(batch_of("b1", {"v1", "v2"})), BatchOutcome::kRetryLater);
  counters.reachable = true;
  EXPECT_EQ(record.handle(batch_of("b1", {"v1", "v2"})), BatchOutcome::kCounted);
  EXPECT_EQ(counters.counts("p").by_candidate.at("a"), 2);
  EXPECT_EQ(history.counts("p").by_candidate.at("a"), 2);
}

TEST_F(RecordBatchTest, BatchesHandledTogetherEachKeepTheirOutcome) {
  ASSERT_EQ(record.handle(batch_of("b1", {"v1"})), BatchOutcome::kCounted);
  const std::vector<VoteBatch> batches{batch_of("b2", {"v2", "v3"}), batch_of("b1", {"v1"}),
                                       batch_of("b3", {"v1"})};
  EXPECT_EQ(record.handle_all(batches),
            (std::vector<BatchOutcome>{BatchOutcome::kCounted, BatchOutcome::kAlreadyDone,
                                       BatchOutcome::kAlreadyDone}));
  EXPECT_EQ(counters.counts("p").by_candidate.at("a"), 3);
  EXPECT_EQ(history.counts("p").by_candidate.at("a"), 3);
}

TEST_F(RecordBatchTest, CountersDownLeaveEveryBatchOfTheGroupForLater) {
  counters.reachable = false;
  const std::vector<VoteBatch> batches{batch_of("b1", {"v1"}), batch_of("b2", {"v2"})};
  EXPECT_EQ(record.handle_all(batches),
            (std::vector<BatchOutcome>{BatchOutcome::kRetryLater, BatchOutcome::kRetryLater}));
  counters.reachable = true;
  EXPECT_EQ(record.handle_all(batches),
            (std::vector<BatchOutcome>{BatchOutcome::kCounted, BatchOutcome::kCounted}));
  EXPECT_EQ(counters.counts("p").by_candidate.at("a"), 2);
}

TEST_F(RecordBatchTest, TellsHowLongEachStoreTook) {
  std::vector<std::string> steps;
  RecordBatch observed(history, counters, [&](std::string_view step, auto seconds) {
    EXPECT_GE(seconds.count(), 0.0);
    steps.emplace_back(step);
  });
  EXPECT_EQ(observed.handle(batch_of("b1", {"v1"})), BatchOutcome::kCounted);
  EXPECT_EQ(steps, (std::vector<std::string>{"history", "counters"}));
  // The history down: only its step, since the counters are never asked.
  history.reachable = false;
  steps.clear();
  EXPECT_EQ(observed.handle(batch_of("b2", {"v2"})), BatchOutcome::kRetryLater);
  EXPECT_EQ(steps, (std::vector<std::string>{"history"}));
}

}  // namespace
}  // namespace paredao
