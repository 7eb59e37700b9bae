// The vote pipeline's decision table, with fakes at every port: what a vote is answered and which
// burns are released, for each thing that can happen to its batch.
#include "app/vote_pipeline.hpp"

#include <gtest/gtest.h>

#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

#include "adapters/memory/memory_replay_guard.hpp"
#include "adapters/memory/memory_tally_store.hpp"
#include "app/distributed_fakes_test.hpp"
#include "app/test_fakes.hpp"

namespace paredao {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using SharedMode = testing::FakeSharedGuard::Mode;

// A BatchLog that answers what it is told, and keeps what it stored. Thread-safe.
class ScriptedLog final : public BatchLog {
 public:
  BatchFate write(const VoteBatch& batch) override {
    std::unique_lock lock(mutex_);
    ++entered_;
    opened_.wait(lock, [this] { return !held_; });
    ++writes_;
    traces_.push_back(batch.trace);
    if (fate_ == BatchFate::kDurable) {
      for (const auto& vote : batch.votes) stored_.push_back(vote.challenge_id);
    }
    return fate_;
  }
  void answer(BatchFate fate) {
    std::lock_guard lock(mutex_);
    fate_ = fate;
  }
  std::vector<std::string> stored() {
    std::lock_guard lock(mutex_);
    return stored_;
  }
  int writes() {
    std::lock_guard lock(mutex_);
    return writes_;
  }
  // The trace context each written batch carried, in order.
  std::vector<TraceContext> traces() {
    std::lock_guard lock(mutex_);
    return traces_;
  }
  int entered() {
    std::lock_guard lock(mutex_);
    return entered_;
  }
  // Writes wait while held (so that votes queue up into one batch).
  void hold(bool held) {
    {
      std::lock_guard lock(mutex_);
      held_ = held;
    }
    opened_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable opened_;
  bool held_ = false;                     // guarded by mutex_
  int entered_ = 0;                       // guarded by mutex_
  std::vector<TraceContext> traces_;      // guarded by mutex_
  BatchFate fate_ = BatchFate::kDurable;  // guarded by mutex_
  std::vector<std::string> stored_;       // guarded by mutex_
  int writes_ = 0;                        // guarded by mutex_
};

// Settles a batch in doubt as told: cancelled, recorded, or out of reach.
class ScriptedSettlement final : public BatchSettlement {
 public:
  std::optional<bool> cancel_unless_recorded(const std::string&) override {
    std::lock_guard lock(mutex_);
    ++calls_;
    return answer_;
  }
  void answer(std::optional<bool> cancelled) {
    std::lock_guard lock(mutex_);
    answer_ = cancelled;
  }

 private:
  std::mutex mutex_;
  std::optional<bool> answer_ = true;  // guarded by mutex_
  int calls_ = 0;                      // guarded by mutex_
};

class VotePipelineTest : public ::testing::Test {
 protected:
  AcceptedVote vote(const std::string& challenge) {
    // A UUIDv7-like id whose random tail (the burn's token) differs for every vote.
    char id[40];
    std::snprintf(id, sizeof id, "0190a1b2-0000-7000-8000-%012d", ++votes_);
    return AcceptedVote{.vote_id = id,
                        .poll_id = "p",
                        .candidate_id = "a",
                        .accepted_at = clock.now(),
                        .challenge_id = challenge,
                        .challenge_expires_at = clock.now() + seconds(300)};
  }
  // Submits one vote carrying `trace`; its answer comes later.
  std::future<AppendStatus> submit(VotePipeline& pipeline, const std::string& challenge,
                                   TraceContext trace) {
    auto promise = std::make_shared<std::promise<AppendStatus>>();
    auto answer = promise->get_future();
    auto accepted = vote(challenge);
    accepted.trace = trace;
    pipeline.submit(std::move(accepted), [promise](AppendStatus s) { promise->set_value(s); });
    return answer;
  }
  // Submits one vote and waits for its answer.
  AppendStatus cast(VotePipeline& pipeline, const std::string& challenge) {
    auto promise = std::make_shared<std::promise<AppendStatus>>();
    auto answer = promise->get_future();
    pipeline.submit(vote(challenge), [promise](AppendStatus s) { promise->set_value(s); });
    if (answer.wait_for(seconds(10)) != std::future_status::ready) {
      ADD_FAILURE() << "no answer within 10 s";
      return AppendStatus::kInDoubt;
    }
    return answer.get();
  }
  std::unique_ptr<VotePipeline> embedded(VotePipelineSettings settings = {},
                                         Tracer* tracer = nullptr) {
    return std::make_unique<VotePipeline>(VotePipelinePorts{.local_guard = local,
                                                            .log = log,
                                                            .ids = ids,
                                                            .clock = clock,
                                                            .counts = &tallies,
                                                            .snapshots = &snapshots,
                                                            .tracer = tracer},
                                          settings, [this](const BatchReport& r) {
                                            std::lock_guard lock(reports_mutex);
                                            reports.push_back(r);
                                          });
  }
  // An api copy: its own local guard, the deployment's shared guard and settlement.
  std::unique_ptr<VotePipeline> api_copy(MemoryReplayGuard& local_guard) {
    return std::make_unique<VotePipeline>(
        VotePipelinePorts{.local_guard = local_guard,
                          .log = log,
                          .ids = ids,
                          .clock = clock,
                          .shared_guard = &shared,
                          .settlement = &settlement},
        VotePipelineSettings{.settle_limit = milliseconds(50), .settle_pause = milliseconds(5)});
  }
  std::int64_t counted() {
    const auto all = tallies.read_all();
    return all->contains("p") ? all->at("p").by_candidate.at("a") : 0;
  }

  testing::FakeClock clock{*parse_rfc3339("2026-11-25T22:00:00Z")};
  testing::SequentialIds ids;
  MemoryReplayGuard local{1000};
  ScriptedLog log;
  testing::FakeSharedGuard shared;
  ScriptedSettlement settlement;
  MemoryTallyStore tallies;
  TallySnapshots snapshots{tallies, clock};
  std::mutex reports_mutex;
  std::vector<BatchReport> reports;  // guarded by reports_mutex
  int votes_ = 0;
};

TEST_F(VotePipelineTest, ADurableBatchAnswersItsVotesAndCountsEachOnce) {
  auto pipeline = embedded();
  EXPECT_EQ(cast(*pipeline, "c1"), AppendStatus::kDurable);
  // The snapshot was refreshed before the answer: a receipt counts its own vote (at most every
  // refresh_every under load).
  EXPECT_EQ(snapshots.current()->tallies.at("p").by_candidate.at("a"), 1);
  EXPECT_EQ(cast(*pipeline, "c2"), AppendStatus::kDurable);
  EXPECT_EQ(counted(), 2);
  EXPECT_EQ(log.stored(), (std::vector<std::string>{"c1", "c2"}));
}

// A batch continues the trace of its first sampled vote and links the other sampled ones; the
// log gets the batch's span as the context to carry on.
TEST_F(VotePipelineTest, ABatchSpanContinuesItsFirstSampledVoteAndLinksTheOthers) {
  testing::FakeTracer tracer;
  auto pipeline = embedded({}, &tracer);
  log.hold(true);
  auto first = submit(*pipeline, "c1", {});  // a batch of its own, held in the log
  while (log.entered() == 0) std::this_thread::sleep_for(milliseconds(1));
  auto unsampled = submit(*pipeline, "c2", {});
  auto second = submit(*pipeline, "c3", testing::sampled_context(2, 20));
  auto third = submit(*pipeline, "c4", testing::sampled_context(3, 30));
  log.hold(false);
  for (auto* answer : {&first, &unsampled, &second, &third}) {
    ASSERT_EQ(answer->get(), AppendStatus::kDurable);
  }
  pipeline->stop();
  ASSERT_EQ(tracer.spans.size(), 2u);
  const auto& batch = tracer.spans[1];
  EXPECT_EQ(batch.name, "vote batch commit");
  EXPECT_EQ(batch.parent, testing::sampled_context(2, 20));
  EXPECT_EQ(batch.links, (std::vector<TraceContext>{testing::sampled_context(3, 30)}));
  EXPECT_TRUE(batch.ended);
  EXPECT_FALSE(batch.failed);
  EXPECT_EQ(log.traces().at(1), batch.context);
  EXPECT_EQ(log.traces().at(0), tracer.spans[0].context);
}

TEST_F(VotePipelineTest, AFailedBatchsSpanSaysSo) {
  testing::FakeTracer tracer;
  auto pipeline = embedded({}, &tracer);
  log.answer(BatchFate::kNotDurable);
  EXPECT_EQ(cast(*pipeline, "c1"), AppendStatus::kUnavailable);
  pipeline->stop();
  ASSERT_EQ(tracer.spans.size(), 1u);
  EXPECT_TRUE(tracer.spans[0].failed);
  EXPECT_TRUE(tracer.spans[0].ended);
}

TEST_F(VotePipelineTest, AReplayOnThisProcessIsRefusedAtOnce) {
  auto pipeline = embedded();
  EXPECT_EQ(cast(*pipeline, "c1"), AppendStatus::kDurable);
  EXPECT_EQ(cast(*pipeline, "c1"), AppendStatus::kDuplicate);
  EXPECT_EQ(log.writes(), 1);
  EXPECT_EQ(counted(), 1);
}

// Regression: a vote answered 503 burned its challenge, and the same payload sent again got
// 422 "already used" although it had never counted.
TEST_F(VotePipelineTest, ABatchNotStoredReleasesItsChallengesForAResend) {
  auto pipeline = embedded();
  log.answer(BatchFate::kNotDurable);
  EXPECT_EQ(cast(*pipeline, "c1"), AppendStatus::kUnavailable);
  EXPECT_EQ(counted(), 0);
  log.answer(BatchFate::kDurable);
  EXPECT_EQ(cast(*pipeline, "c1"), AppendStatus::kDurable);
  EXPECT_EQ(cast(*pipeline, "c1"), AppendStatus::kDuplicate);
  EXPECT_EQ(counted(), 1);
}

TEST_F(VotePipelineTest, ABatchInDoubtIsNeitherAnsweredNorReleasedWithoutASettlement) {
  auto pipeline = embedded();
  log.answer(BatchFate::kInDoubt);
  EXPECT_EQ(cast(*pipeline, "c1"), AppendStatus::kInDoubt);
  log.answer(BatchFate::kDurable);
  EXPECT_EQ(cast(*pipeline, "c1"), AppendStatus::kDuplicate) << "it may count: kept burned";
  EXPECT_EQ(counted(), 0);
}

TEST_F(VotePipelineTest, ABatchInDoubtFollowsItsSettlement) {
  MemoryReplayGuard copy_guard(1000);
  auto pipeline = api_copy(copy_guard);
  log.answer(BatchFate::kInDoubt);
  // Cancelled: it will never count, so 503, and both burns are released.
  settlement.answer(true);
  EXPECT_EQ(cast(*pipeline, "c1"), AppendStatus::kUnavailable);
  EXPECT_FALSE(shared.is_burned("c1"));
  // Recorded by a worker before the cancellation: it counts, so 202.
  settlement.answer(false);
  EXPECT_EQ(cast(*pipeline, "c1"), AppendStatus::kDurable);
  EXPECT_TRUE(shared.is_burned("c1"));
  // Out of reach for the whole settle limit: no answer, and nothing released.
  settlement.answer(std::nullopt);
  EXPECT_EQ(cast(*pipeline, "c2"), AppendStatus::kInDoubt);
  EXPECT_TRUE(shared.is_burned("c2"));
  settlement.answer(true);
  log.answer(BatchFate::kDurable);
  EXPECT_EQ(cast(*pipeline, "c2"), AppendStatus::kDuplicate);
}

// Regression: a settlement whose cancellation committed but whose answer was lost was retried,
// found the batch id taken (by itself) and answered 202 for a batch that can never count.
TEST_F(VotePipelineTest, ASettlementRetriedAfterALostAnswerStillSaysCancelled) {
  testing::FakeHistory history{clock};
  MemoryReplayGuard copy_guard(1000);
  VotePipeline pipeline(
      VotePipelinePorts{.local_guard = copy_guard,
                        .log = log,
                        .ids = ids,
                        .clock = clock,
                        .shared_guard = &shared,
                        .settlement = &history},
      VotePipelineSettings{.settle_limit = milliseconds(500), .settle_pause = milliseconds(5)});
  log.answer(BatchFate::kInDoubt);
  history.lose_next_answer = true;
  EXPECT_EQ(cast(pipeline, "c1"), AppendStatus::kUnavailable);
  EXPECT_FALSE(shared.is_burned("c1")) << "it can never count: released";
}

TEST_F(VotePipelineTest, AChallengeUsedOnAnotherCopyIsADuplicateAndStaysBurned) {
  MemoryReplayGuard copy_a(1000), copy_b(1000);
  auto a = api_copy(copy_a);
  auto b = api_copy(copy_b);
  EXPECT_EQ(cast(*a, "c1"), AppendStatus::kDurable);
  EXPECT_EQ(cast(*b, "c1"), AppendStatus::kDuplicate);
  EXPECT_EQ(cast(*b, "c1"), AppendStatus::kDuplicate) << "the shared guard still says so";
  EXPECT_EQ(log.stored(), std::vector<std::string>{"c1"});
  EXPECT_EQ(copy_b.size(), 0u) << "B keeps no burn of its own for a challenge it did not use";
}

TEST_F(VotePipelineTest, AFailingSharedGuardAnswers503AndReleasesOnceItHeals) {
  MemoryReplayGuard copy_a(1000), copy_b(1000);
  auto a = api_copy(copy_a);
  // The burns ran but their replies were lost (burned, though the copy cannot know it), and the
  // store then refuses the release.
  shared.set_modes(SharedMode::kRepliesLost, SharedMode::kDown);
  EXPECT_EQ(cast(*a, "c1"), AppendStatus::kUnavailable);
  EXPECT_EQ(log.writes(), 0);
  // While the store is down the release waits, and no batch is burned before it.
  shared.set_mode(SharedMode::kDown);
  const int burns = shared.burn_calls();
  EXPECT_EQ(cast(*a, "c2"), AppendStatus::kUnavailable);
  EXPECT_EQ(shared.burn_calls(), burns);
  EXPECT_TRUE(shared.is_burned("c1"));
  // Healed: the pending release goes first, then the payload can be sent again, on any copy.
  shared.set_mode(SharedMode::kHealthy);
  auto b = api_copy(copy_b);
  EXPECT_EQ(cast(*a, "c3"), AppendStatus::kDurable);
  EXPECT_FALSE(shared.is_burned("c1"));
  EXPECT_EQ(cast(*b, "c1"), AppendStatus::kDurable);
  EXPECT_EQ(cast(*a, "c2"), AppendStatus::kDurable);
  EXPECT_EQ(log.stored(), (std::vector<std::string>{"c3", "c1", "c2"}));
}

TEST_F(VotePipelineTest, AReleaseRemovesOnlyItsOwnBurn) {
  MemoryReplayGuard copy_a(1000), copy_b(1000);
  auto a = api_copy(copy_a);
  // Another copy burns c1 between this copy's failed burn and its release.
  shared.set_mode(SharedMode::kDown);
  EXPECT_EQ(cast(*a, "c1"), AppendStatus::kUnavailable);
  shared.burn_elsewhere("c1");
  shared.set_mode(SharedMode::kHealthy);
  EXPECT_EQ(cast(*a, "c2"), AppendStatus::kDurable);  // flushes the release first
  EXPECT_TRUE(shared.is_burned("c1")) << "the other copy's burn was released";
  auto b = api_copy(copy_b);
  EXPECT_EQ(cast(*b, "c1"), AppendStatus::kDuplicate);
}

// Copy A's burn fails without running; copy B then uses the challenge for real; A's pending
// release, once the store answers, must not remove B's burn (another token).
TEST_F(VotePipelineTest, APendingReleaseLeavesAnotherCopysBurnOfTheSameChallenge) {
  MemoryReplayGuard copy_a(1000), copy_b(1000), copy_c(1000);
  auto a = api_copy(copy_a);
  auto b = api_copy(copy_b);
  shared.set_mode(SharedMode::kDown);
  EXPECT_EQ(cast(*a, "c1"), AppendStatus::kUnavailable);
  shared.set_mode(SharedMode::kHealthy);
  EXPECT_EQ(cast(*b, "c1"), AppendStatus::kDurable);
  EXPECT_EQ(cast(*a, "c2"), AppendStatus::kDurable);  // A's release of c1 runs first
  EXPECT_TRUE(shared.is_burned("c1"));
  auto c = api_copy(copy_c);
  EXPECT_EQ(cast(*c, "c1"), AppendStatus::kDuplicate);
  EXPECT_EQ(log.stored(), (std::vector<std::string>{"c1", "c2"}));
}

TEST_F(VotePipelineTest, PendingReleasesAreRetriedWhileIdle) {
  MemoryReplayGuard copy_guard(1000);
  auto pipeline = api_copy(copy_guard);
  shared.set_modes(SharedMode::kRepliesLost, SharedMode::kDown);
  EXPECT_EQ(cast(*pipeline, "c1"), AppendStatus::kUnavailable);
  EXPECT_TRUE(shared.is_burned("c1"));
  shared.set_mode(SharedMode::kHealthy);
  const auto limit = std::chrono::steady_clock::now() + seconds(5);
  while (shared.is_burned("c1") && std::chrono::steady_clock::now() < limit) {
    std::this_thread::sleep_for(milliseconds(10));
  }
  EXPECT_FALSE(shared.is_burned("c1")) << "released without another vote";
}

TEST_F(VotePipelineTest, AVoteRefusedByAFullQueueIsReleased) {
  auto pipeline = embedded(VotePipelineSettings{.max_pending = 0});
  EXPECT_EQ(cast(*pipeline, "c1"), AppendStatus::kUnavailable);
  EXPECT_EQ(local.size(), 0u);
}

TEST_F(VotePipelineTest, StopAnswersEveryQueuedVoteThenRefuses) {
  auto pipeline = embedded();
  std::vector<std::future<AppendStatus>> answers;
  for (int i = 0; i < 50; ++i) {
    auto promise = std::make_shared<std::promise<AppendStatus>>();
    answers.push_back(promise->get_future());
    pipeline->submit(vote("c" + std::to_string(i)),
                     [promise](AppendStatus s) { promise->set_value(s); });
  }
  pipeline->stop();
  for (auto& answer : answers) {
    ASSERT_EQ(answer.wait_for(seconds(0)), std::future_status::ready);
    EXPECT_EQ(answer.get(), AppendStatus::kDurable);
  }
  EXPECT_EQ(cast(*pipeline, "late"), AppendStatus::kUnavailable);
  EXPECT_EQ(counted(), 50);
}

TEST(CountVotes, CountsPerPollCandidateAndHour) {
  const auto at = *parse_rfc3339("2026-11-25T22:10:00Z");
  const std::vector<AcceptedVote> votes{
      {.poll_id = "p", .candidate_id = "a", .accepted_at = at},
      {.poll_id = "p", .candidate_id = "a", .accepted_at = at + std::chrono::minutes(55)},
      {.poll_id = "p", .candidate_id = "b", .accepted_at = at},
      {.poll_id = "p", .candidate_id = "a", .accepted_at = at}};
  const auto deltas = count_votes(votes);
  const auto hour = unix_seconds(hour_start(at));
  EXPECT_EQ(deltas, (std::vector<TallyDelta>{
                        {"p", "a", hour, 2}, {"p", "b", hour, 1}, {"p", "a", hour + 3600, 1}}));
}

}  // namespace
}  // namespace paredao
