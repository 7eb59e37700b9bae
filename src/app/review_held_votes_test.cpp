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
  std::optional<std::vector<MinuteTally>> counted_by_minute(std::string_view, TimePoint) override {
    return std::vector<MinuteTally>{};
  }
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
    if (!since) since = now_ms;
    for (const auto& id : batch_ids) registered.try_emplace(id, now_ms);
    return true;
  }
  std::optional<RegistryTime> now() override { return RegistryTime{now_ms, since}; }
  std::optional<std::vector<RegisteredBatch>> registered_until(std::int64_t ms,
                                                               std::size_t limit) override {
    std::vector<RegisteredBatch> found;
    for (const auto& [id, stamp] : registered) {
      if (stamp <= ms) found.push_back({id, stamp});
    }
    std::sort(found.begin(), found.end(),
              [](const auto& a, const auto& b) { return a.at_ms < b.at_ms; });
    if (found.size() > limit) found.resize(limit);
    return found;
  }
  bool remove(std::span<const std::string> batch_ids) override {
    for (const auto& id : batch_ids) registered.erase(id);
    return true;
  }
  // What a Redis restart does.
  void lose_everything() {
    registered.clear();
    since.reset();
  }
  std::map<std::string, std::int64_t> registered;
  std::optional<std::int64_t> since;
  std::int64_t now_ms = 100'000;
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

class InflightBarrierTest : public ::testing::Test {
 protected:
  void add(std::vector<std::string> ids) { ASSERT_TRUE(own.add(ids)); }
  FakeInflight registry;  // one store, seen through the pipeline's and the review's connections
  FakeHistory history;
  OwnInflightBatches own{registry};
  std::vector<RegisteredBatch> stuck;
  InflightBarrier barrier{registry, history, &own,
                          InflightBarrierSettings{.pause = milliseconds(1),
                                                  .grace = milliseconds(2000),
                                                  .stuck_after = milliseconds(60'000),
                                                  .chunk = 2},
                          [this](const RegisteredBatch& batch) { stuck.push_back(batch); }};
};

TEST_F(InflightBarrierTest, WaitsForEveryBatchRegisteredBeforeItAChunkAtATime) {
  add({"b1", "b2", "b3"});
  registry.now_ms += 3000;  // past the grace
  history.recorded = {"b1", "b2"};
  EXPECT_FALSE(barrier.wait_until_recorded(milliseconds(20))) << "b3 is still in the queue";
  EXPECT_EQ(registry.registered.size(), 1u) << "the recorded ones are removed";
  history.recorded.insert("b3");
  EXPECT_TRUE(barrier.wait_until_recorded(milliseconds(20)));
  EXPECT_TRUE(registry.registered.empty());
  EXPECT_TRUE(own.pending().empty());
  EXPECT_TRUE(stuck.empty());
}

TEST_F(InflightBarrierTest, ARegistryThatStartedAgainIsBelievedOnlyOnceEveryCopyRegisteredAgain) {
  add({"b1"});
  registry.now_ms += 3000;
  registry.lose_everything();  // Redis restarted without its data; b1 is still in the queue
  EXPECT_FALSE(barrier.wait_until_recorded(milliseconds(20))) << "no registry yet";
  ASSERT_TRUE(barrier.sweep(milliseconds(1000)));  // this copy registers b1 again
  EXPECT_EQ(registry.registered.count("b1"), 1u);
  EXPECT_FALSE(barrier.wait_until_recorded(milliseconds(20))) << "within the grace";
  registry.now_ms += 2500;
  EXPECT_FALSE(barrier.wait_until_recorded(milliseconds(20))) << "b1 is still not recorded";
  history.recorded.insert("b1");
  EXPECT_TRUE(barrier.wait_until_recorded(milliseconds(20)));
}

TEST_F(InflightBarrierTest, SweepsRecordedBatchesAndGivesUpOnOnesNeverRecorded) {
  add({"young"});
  registry.now_ms += 500;
  history.recorded.insert("young");
  ASSERT_TRUE(barrier.sweep(milliseconds(1000)));
  EXPECT_TRUE(registry.registered.empty()) << "this copy's own recorded batch, at once";
  registry.now_ms += 1000;
  const std::vector<std::string> other{"other-copy"};
  registry.add(other);  // a copy that died before its sweep
  registry.now_ms += 500;
  ASSERT_TRUE(barrier.sweep(milliseconds(1000)));
  EXPECT_EQ(registry.registered.count("other-copy"), 1u) << "not older than the age yet";
  registry.now_ms += 61'000;
  ASSERT_TRUE(barrier.sweep(milliseconds(1000)));
  ASSERT_EQ(stuck.size(), 1u) << "never recorded: reported once, then no longer waited for";
  EXPECT_EQ(stuck[0].batch_id, "other-copy");
  EXPECT_TRUE(registry.registered.empty());
  EXPECT_TRUE(barrier.wait_until_recorded(milliseconds(20)));
}

}  // namespace
}  // namespace paredao
