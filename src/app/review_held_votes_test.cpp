#include "app/review_held_votes.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "app/inflight_barrier.hpp"
#include "app/test_fakes.hpp"

namespace paredao {
namespace {

using std::chrono::milliseconds;

TimePoint at(std::int64_t seconds) { return TimePoint{std::chrono::seconds(seconds)}; }

TEST(HeldGroups, GroupsByNetworkAndReasonLargestFirstWithCandidatesLargestFirst) {
  const std::vector<HeldCell> cells{
      {"10.0.0.2/32", "pace", "a", 1, at(5), at(6)},
      {"10.0.0.1/32", "pace", "a", 2, at(3), at(9)},
      {"10.0.0.1/32", "pace", "b", 5, at(1), at(4)},
      {"10.0.0.1/32", "watched", "a", 7, at(2), at(2)},
      {"10.0.0.3/32", "pace", "b", 1, at(7), at(8)},
  };
  const auto groups = held_groups(cells);
  ASSERT_EQ(groups.size(), 4u);
  EXPECT_EQ(groups[0].network, "10.0.0.1/32");
  EXPECT_EQ(groups[0].reason, "pace");
  EXPECT_EQ(groups[0].votes, 7);
  EXPECT_EQ(groups[0].first_at, at(1));
  EXPECT_EQ(groups[0].last_at, at(9));
  ASSERT_EQ(groups[0].by_candidate.size(), 2u);
  EXPECT_EQ(groups[0].by_candidate[0].candidate_id, "b");
  EXPECT_EQ(groups[1].reason, "watched");  // 7 as well: the network, then the reason, decide
  // Ties of one vote: by network.
  EXPECT_EQ(groups[2].network, "10.0.0.2/32");
  EXPECT_EQ(groups[3].network, "10.0.0.3/32");
}

// A review store that answers what it is told and records what it was asked.
class FakeReview final : public VoteReview {
 public:
  std::optional<HeldVotes> held(std::string_view) override {
    if (fail) return std::nullopt;
    return HeldVotes{};
  }
  std::optional<DecisionOutcome> decide(std::string_view, ReviewAction, const HeldFilter&,
                                        TimePoint, std::string_view id) override {
    if (fail) return std::nullopt;
    decided.emplace_back(id);
    return outcome;
  }
  std::unique_ptr<AuditReader> audit(std::string_view) override { return nullptr; }
  bool fail = false;
  DecisionOutcome outcome;
  std::vector<std::string> decided;
};

class FakeBarrier final : public PipelineBarrier {
 public:
  bool wait_until_recorded(milliseconds) override { return recorded; }
  bool recorded = true;
};

class RecordingCounts final : public ReviewedCounts {
 public:
  void apply(std::string_view id, std::span<const TallyDelta> deltas) override {
    applied.emplace_back(id, deltas.size());
  }
  std::vector<std::pair<std::string, std::size_t>> applied;
};

class ReviewHeldVotesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    catalog.put(Poll{.id = "p", .title = "P", .candidates = {{"a", "A", {}}, {"b", "B", {}}}});
  }
  PollCatalog catalog;
  FakeReview store;
  FakeBarrier barrier;
  RecordingCounts counts;
  testing::FakeClock clock{at(1000)};
  testing::SequentialIds ids;
  ReviewHeldVotes review{ReviewPorts{catalog, store, barrier, counts, clock, ids}};
};

TEST_F(ReviewHeldVotesTest, AnUnknownPollIsNotFound) {
  EXPECT_EQ(review.quarantine("x").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(review.decide("x", ReviewAction::kVoid, {}).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(review.audit("x").error().code, ErrorCode::kNotFound);
}

TEST_F(ReviewHeldVotesTest, APipelineBehindIsUnavailableAndDecidesNothing) {
  barrier.recorded = false;
  const auto refused = review.decide("p", ReviewAction::kRelease, {});
  EXPECT_EQ(refused.error().code, ErrorCode::kUnavailable);
  EXPECT_GT(refused.error().retry_after.count(), 0);
  EXPECT_TRUE(store.decided.empty());
  EXPECT_EQ(review.quarantine("p").error().code, ErrorCode::kUnavailable);
}

TEST_F(ReviewHeldVotesTest, CountsFollowADecisionThatMovedVotesUnderItsId) {
  store.outcome = DecisionOutcome{.votes = 0, .deltas = {}};
  EXPECT_EQ(review.decide("p", ReviewAction::kRelease, {}).value(), 0);
  EXPECT_TRUE(counts.applied.empty()) << "nothing moved, nothing to apply";
  store.outcome = DecisionOutcome{.votes = 2, .deltas = {{"p", "q:a", 0, -2}, {"p", "a", 0, 2}}};
  EXPECT_EQ(review.decide("p", ReviewAction::kRelease, {}).value(), 2);
  ASSERT_EQ(counts.applied.size(), 1u);
  EXPECT_EQ(counts.applied[0].first, store.decided.back());
  EXPECT_EQ(counts.applied[0].second, 2u);
  store.fail = true;
  EXPECT_EQ(review.decide("p", ReviewAction::kVoid, {}).error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(counts.applied.size(), 1u);
}

// The registry and the history of the distributed mode, in memory.
class FakeInflight final : public InflightBatches {
 public:
  bool add(std::span<const std::string> batch_ids) override {
    for (const auto& id : batch_ids) registered[id] = now;
    return true;
  }
  std::optional<std::int64_t> now_ms() override { return now; }
  std::optional<std::vector<std::string>> registered_until(std::int64_t ms) override {
    std::vector<std::string> ids;
    for (const auto& [id, stamp] : registered) {
      if (stamp <= ms) ids.push_back(id);
    }
    return ids;
  }
  bool remove(std::span<const std::string> batch_ids) override {
    for (const auto& id : batch_ids) registered.erase(id);
    return true;
  }
  std::map<std::string, std::int64_t> registered;
  std::int64_t now = 0;
};

class FakeHistory final : public RecordedBatchLookup {
 public:
  std::optional<std::vector<std::string>> settled_among(
      std::span<const std::string> batch_ids) override {
    std::vector<std::string> found;
    for (const auto& id : batch_ids) {
      if (recorded.contains(id)) found.push_back(id);
    }
    return found;
  }
  std::set<std::string> recorded;
};

TEST(InflightBarrier, WaitsForEveryBatchRegisteredBeforeItAndSweepsTheRecorded) {
  FakeInflight inflight;
  FakeHistory history;
  InflightBarrier barrier(inflight, history, milliseconds(1));
  const std::vector<std::string> first{"b1", "b2"};
  inflight.now = 100;
  inflight.add(first);
  history.recorded.insert("b1");
  EXPECT_FALSE(barrier.wait_until_recorded(milliseconds(20))) << "b2 is still in the queue";
  EXPECT_EQ(inflight.registered.count("b1"), 0u) << "the recorded one is removed";
  history.recorded.insert("b2");
  EXPECT_TRUE(barrier.wait_until_recorded(milliseconds(20)));
  EXPECT_TRUE(inflight.registered.empty());
  // The sweep looks only at batches older than its age (the barrier looks at them all).
  const std::vector<std::string> young{"b3"};
  inflight.now = 5000;
  inflight.add(young);
  history.recorded.insert("b3");
  inflight.now = 5500;
  EXPECT_TRUE(barrier.sweep(milliseconds(1000)));
  EXPECT_EQ(inflight.registered.count("b3"), 1u);
  inflight.now = 6100;
  EXPECT_TRUE(barrier.sweep(milliseconds(1000)));
  EXPECT_TRUE(inflight.registered.empty());
}

}  // namespace
}  // namespace paredao
